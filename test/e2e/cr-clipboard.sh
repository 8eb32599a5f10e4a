#!/bin/bash
# The clipboard an app owns survives a checkpoint and a compositor crash where the compositor
# lets a client set it again without focus (wlr-data-control, which sway offers and the proxy
# passes through): wl-copy holding a selection is checkpointed and restored, and wl-paste on
# sway reads the same text again; after a kill -9 of sway and a new sway, the same. Another
# selection then replaces it and the restored wl-copy, told so, exits as it would have. On a
# compositor without data-control (weston) the restored app's selection is cancelled: wl-copy
# exits, nothing else breaks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway wt-sway
WT_USER= # the app and the proxy as root: see cr-sway-foot.sh
wt_start_proxy
text="wlcr keeps the clipboard $$"

paste() { WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user timeout 5 wl-paste -n 2>/dev/null; }
pasted() { [[ $(paste) == "$1" ]]; }

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client copy wl-copy --foreground "$text"
wt_wait_for 10 "wl-copy's selection on sway" "pasted '$text'"
grep -q 'zwlr_data_control_manager_v1' "$WT_DIR/proxy.log" &&
	grep 'hiding zwlr_data_control' "$WT_DIR/proxy.log" >&2 && wt_fail "the proxy hides data-control"

E2E_BETWEEN="! pasted '$text'" e2e_checkpoint_restore "$WT_PID_copy" copy
wt_wait_for 10 "the selection back on sway" "pasted '$text'"
wt_log "after the restore wl-paste reads: $(paste)"

# sway dies and comes back: the proxy replays the same journal onto the new one
kill -KILL "$WT_COMPOSITOR_PID"
wt_wait_gone 10 "$WT_COMPOSITOR_PID"
rm -f "$XDG_RUNTIME_DIR/$WT__SWAY_SOCKET"
WT_COMPOSITOR=
WT_RESTART=1 wt_start_sway wt-sway
WT_USER=
wt_wait_for 10 "the selection on the new sway" "pasted '$text'"
wt_alive "$WT_PID_copy" || wt_fail "wl-copy died with sway"
wt_log "after sway's crash wl-paste reads: $(paste)"

# another selection replaces it: the restored wl-copy is told (cancelled) and exits
WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wl-copy "another selection"
wt_wait_for 10 "the restored wl-copy to exit" "! wt_alive $WT_PID_copy"
pasted "another selection" || wt_fail "the new selection is not what wl-paste reads"
WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wl-copy --clear

# onto weston, which has no data-control: the selection is cancelled, wl-copy exits
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client copy2 wl-copy --foreground "$text"
wt_wait_for 10 "the second wl-copy's selection" "pasted '$text'"
sway_log=$WT_DIR/proxy.log
mv "$sway_log" "$WT_DIR/proxy-sway.log"
sway_pid=$WT_COMPOSITOR_PID
WT_COMPOSITOR=
wt_start_weston wt-weston
wt_start_proxy --socket wlcr-weston
# (not e2e_checkpoint_restore: the app may be gone by the time it would check)
"$WLCR_TOP/build/bin/wlcr" dump "$WT_PID_copy2" "$WT_DIR/copy2" >&2
wt_wait_gone 10 "$WT_PID_copy2"
WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-weston "$WLCR_TOP/build/bin/wlcr" restore "$WT_DIR/copy2" >&2
wt_wait_for 10 "wl-copy on weston to exit (its selection cancelled)" "! wt_alive $WT_PID_copy2"
grep -E 'client [0-9]+: (closed|replay)' "$WT_DIR/proxy.log" >&2 || true
grep -q 'replay failed' "$WT_DIR/proxy.log" && wt_fail "the replay on weston failed"
grep -q 'zwlr_data_control_source_v1.*cancelled\|inert\|gone' "$WT_DIR/proxy.log" >&2 || true
e2e_no_protocol_error
if grep -n 'wl_display.error' "$WT_DIR/proxy-sway.log" >&2; then
	wt_fail "protocol error on sway"
fi
: "$sway_pid"
