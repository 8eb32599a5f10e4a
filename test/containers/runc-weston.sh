#!/bin/bash
# runc: weston-clickdot in a container with every namespace runc makes (pid, network, ipc,
# uts, mount), through the proxy for containers, is checkpointed and restored with runc's own
# commands (its criu loads the plugin from /usr/lib/criu by itself): the window comes back
# with the same pixels; then the restored container is checkpointed and restored again.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_weston
ct_host A
ct_proxy A
wt_screenshot "$WT_DIR/empty.png"
id=$CT_NAME
ct_runc_bundle A "$WT_DIR/bundle" weston-clickdot
wt_on_exit "ct_in A runc delete -f $id >/dev/null 2>&1"
ct_runc A run "$id" "$WT_DIR/bundle"
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
pid=$(ct_runc_pid A "$id")
wt_log "container $id: pid $pid on the host, $(grep NSpid "/proc/$pid/status")"

for round in 1 2; do
	img=$WT_DIR/img-$round
	t0=$(wt__now_us)
	ct_in A runc checkpoint --image-path "$img" --work-path "$img" "$id" ||
		wt_fail "runc checkpoint failed: $(grep -E 'Error|wlcr:' "$img/dump.log" | grep -v RLIMIT)"
	t1=$(wt__now_us)
	ct_check_criu "$img/dump.log"
	grep -q 'wlcr: saved socket' "$img/dump.log" || wt_fail "the plugin saved no socket"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	t2=$(wt__now_us)
	ct_runc A restore "$id" "$WT_DIR/bundle" --image-path "$img" --work-path "$img" ||
		wt_fail "runc restore failed: $(grep -E 'Error|wlcr:' "$img/restore.log" | grep -v RLIMIT)"
	t3=$(wt__now_us)
	wt_log "round $round: runc checkpoint $(((t1 - t0) / 1000)) ms, restore $(((t3 - t2) / 1000)) ms"
	grep -q 'wlcr: .*replayed on /run/wlcr/wlcr-0' "$img/restore.log" ||
		wt_fail "the plugin did not replay: $(grep 'wlcr:' "$img/restore.log")"
	pid=$(ct_runc_pid A "$id")
	ct_window_same "round $round: clickdot before the checkpoint and after runc restore" \
		"$WT_DIR/before.png" "$before"
done
wt_expect_differ "the restored window against the empty desktop (negative control)" \
	"$WT_WINDOW_SHOT" "$WT_DIR/empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
ct_no_protocol_error A
