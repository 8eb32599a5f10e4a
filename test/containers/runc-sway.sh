#!/bin/bash
# runc: foot in a container on headless sway (sway as the test user, the proxy and runc as
# root), with every namespace runc makes, is checkpointed and restored with runc's own
# commands: the window comes back with the same pixels and the shell in the container reads
# what is typed on sway; checkpointed and restored once more, it still takes keys.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_sway
ct_host A
ct_proxy A
id=$CT_NAME
ct_runc_bundle A "$WT_DIR/bundle" "${CT_FOOT[@]}"
wt_on_exit "ct_in A runc delete -f $id >/dev/null 2>&1"
ct_runc A run "$id" "$WT_DIR/bundle"
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
pid=$(ct_runc_pid A "$id")
ct_typed "$pid" "typed before the checkpoint"
wt_wait_stable 15 "$WT_DIR/before.png"

for round in 1 2; do
	img=$WT_DIR/img-$round
	ct_in A runc checkpoint --image-path "$img" --work-path "$img" "$id" ||
		wt_fail "runc checkpoint failed: $(grep -E 'Error|wlcr:' "$img/dump.log" | grep -v RLIMIT)"
	ct_check_criu "$img/dump.log"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	ct_runc A restore "$id" "$WT_DIR/bundle" --image-path "$img" --work-path "$img" ||
		wt_fail "runc restore failed: $(grep -E 'Error|wlcr:' "$img/restore.log" | grep -v RLIMIT)"
	pid=$(ct_runc_pid A "$id")
	ct_window_same "round $round: foot before the checkpoint and after runc restore" \
		"$WT_DIR/before.png" "$before"
	ct_typed "$pid" "typed after restore $round"
	wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_WINDOW_SHOT"
	wt_wait_stable 15 "$WT_DIR/before.png"
	before=$WT_WINDOW_RECT
done
ct_no_protocol_error A
