#!/bin/bash
# podman between two hosts, as a move to another machine would: each "host" is its own mount
# and network namespace with its own proxy for containers at the same path, /run/wlcr/wlcr-0,
# in front of its own compositor (A: headless weston, B: headless sway). A container is
# checkpointed with podman container checkpoint --export to a tar, removed, and restored with
# podman container restore --import on the other host; no variable says where the proxy is.
# foot goes from sway to weston (where it goes on drawing) and back to sway, where the shell
# in the container reads what is typed; clickdot goes from weston to sway, where its window
# matches that of a clickdot started on sway directly.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_weston
ct_save_compositor weston
ct_host A
ct_proxy A
wt_screenshot "$WT_DIR/weston-empty.png"
WT_COMPOSITOR=
wt_start_sway
ct_save_compositor sway
ct_host B
ct_proxy B
wt_screenshot "$WT_DIR/sway-empty.png"

# ct_move NAME FROM TO: export NAME on host FROM, remove it there, import it on host TO.
ct_move() {
	local name=$1 from=$2 to=$3 tar=$WT_DIR/$1-$2-to-$3.tar.gz pid t0 t1 t2
	pid=$(ct_in "$from" podman inspect --format '{{.State.Pid}}' "$name")
	t0=$(wt__now_us)
	ct_in "$from" podman container checkpoint --export "$tar" "$name" >/dev/null ||
		wt_fail "podman checkpoint --export on $from failed"
	t1=$(wt__now_us)
	ct_in "$from" podman rm -f -t 0 "$name" >/dev/null
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	t2=$(wt__now_us)
	ct_in "$to" podman container restore --import "$tar" >/dev/null ||
		wt_fail "podman restore --import on $to failed (tar: $tar)"
	wt_log "$name from $from to $to: checkpoint --export $(((t1 - t0) / 1000)) ms ($(stat -c %s "$tar") bytes), restore --import $((($(wt__now_us) - t2) / 1000)) ms"
}

# foot: sway (B) to weston (A) and back
foot=$CT_NAME-foot
wt_on_exit "ct_in A podman rm -f -t 0 $foot >/dev/null 2>&1; ct_in B podman rm -f -t 0 $foot >/dev/null 2>&1"
# shellcheck disable=SC2046 # the options are words
ct_in B podman run -d --name "$foot" $(ct_in B "$CT_WLCR" container-args) "${CT_ULIMITS[@]}" \
	--env LANG=C.UTF-8 "$WLCR_PODMAN_IMAGE" "${CT_FOOT[@]}" >/dev/null
wt_wait_stable 15 "$WT_DIR/foot-on-sway.png"
ct_move "$foot" B A
ct_use weston
wt_wait_stable 20 "$WT_DIR/foot-on-weston.png"
wt_expect_differ "foot restored on weston against weston's empty desktop (negative control)" \
	"$WT_DIR/foot-on-weston.png" "$WT_DIR/weston-empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
ct_move "$foot" A B
ct_use sway
wt_wait_stable 20 "$WT_DIR/foot-back-on-sway.png"
pid=$(ct_in B podman inspect --format '{{.State.Pid}}' "$foot")
ct_typed "$pid" "typed on sway after weston"
wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_WINDOW_SHOT"
ct_in B podman rm -f -t 0 "$foot" >/dev/null
wt_wait_for 10 "foot's window to go" e2e_gone

# clickdot: weston (A) to sway (B), compared with one started on sway directly
e2e_shot_of ref "$WT_UPSTREAM" weston-clickdot
dot=$CT_NAME-dot
wt_on_exit "ct_in A podman rm -f -t 0 $dot >/dev/null 2>&1; ct_in B podman rm -f -t 0 $dot >/dev/null 2>&1"
ct_use weston
# shellcheck disable=SC2046
ct_in A podman run -d --name "$dot" $(ct_in A "$CT_WLCR" container-args) "${CT_ULIMITS[@]}" \
	"$WLCR_PODMAN_IMAGE" weston-clickdot >/dev/null
wt_wait_stable 15 "$WT_DIR/dot-on-weston.png"
ct_move "$dot" A B
ct_use sway
wt_wait_stable 20 "$WT_DIR/dot-on-sway.png"
[[ $WT_WINDOW_RECT == "$E2E_RECT" ]] ||
	wt_fail "restored at $WT_WINDOW_RECT, a direct clickdot was at $E2E_RECT"
wt_expect_same "clickdot moved from weston to sway and clickdot started on sway" \
	"$WT_DIR/ref.png" "$WT_DIR/dot-on-sway.png" "$E2E_RECT" "$WT_WINDOW_RECT"
wt_expect_differ "clickdot on sway against sway's empty desktop (negative control)" \
	"$WT_DIR/dot-on-sway.png" "$WT_DIR/sway-empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
grep -q 'replay done' <(ct_proxy_log B) || wt_fail "the sway host's proxy did not replay"
ct_no_protocol_error A B
