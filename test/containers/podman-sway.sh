#!/bin/bash
# podman: foot in a container on headless sway (podman's own network, pid, ipc, uts and mount
# namespaces) is checkpointed and restored with podman's commands (--keep, so that criu's logs
# stay): the window comes back with the same pixels and the shell in the container reads what
# is typed on sway; checkpointed and restored once more, it still takes keys.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_sway
ct_host A
ct_proxy A
name=$CT_NAME
wt_on_exit "ct_in A podman rm -f -t 0 $name >/dev/null 2>&1"
# shellcheck disable=SC2046 # the options are words
ct_in A podman run -d --name "$name" $(ct_in A "$CT_WLCR" container-args --runtime podman) \
	"${CT_ULIMITS[@]}" --env LANG=C.UTF-8 "$WLCR_PODMAN_IMAGE" "${CT_FOOT[@]}" >/dev/null
wt_wait_stable 15 "$WT_DIR/before.png"
pid=$(ct_in A podman inspect --format '{{.State.Pid}}' "$name")
ct_typed "$pid" "typed before the checkpoint"
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
dir=$(ct_in A podman inspect --format '{{.StaticDir}}' "$name")

for round in 1 2; do
	t0=$(wt__now_us)
	ct_in A podman container checkpoint --keep "$name" >/dev/null ||
		wt_fail "podman checkpoint failed: $(grep -E 'Error|wlcr:' "$dir/dump.log" | grep -v RLIMIT)"
	t1=$(wt__now_us)
	ct_check_criu "$dir/dump.log"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	t2=$(wt__now_us)
	ct_in A podman container restore --keep "$name" >/dev/null ||
		wt_fail "podman restore failed: $(grep -E 'Error|wlcr:' "$dir/restore.log" | grep -v RLIMIT)"
	t3=$(wt__now_us)
	wt_log "round $round: podman checkpoint $(((t1 - t0) / 1000)) ms, restore $(((t3 - t2) / 1000)) ms"
	pid=$(ct_in A podman inspect --format '{{.State.Pid}}' "$name")
	ct_window_same "round $round: foot before podman checkpoint and after podman restore" \
		"$WT_DIR/before.png" "$before"
	ct_typed "$pid" "typed after restore $round"
	wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_WINDOW_SHOT"
	wt_wait_stable 15 "$WT_DIR/before.png"
	before=$WT_WINDOW_RECT
done
ct_no_protocol_error A
