#!/bin/bash
# docker: with a dockerd of our own (--experimental, its own data and exec roots and socket),
# weston-clickdot in a container (docker's own network, pid, ipc, uts and mount namespaces)
# is checkpointed with docker checkpoint create and restored with docker start --checkpoint:
# the window comes back with the same pixels; then checkpointed and restored again.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_weston
ct_host A
ct_proxy A
ct_dockerd A
wt_screenshot "$WT_DIR/empty.png"
name=$CT_NAME
# shellcheck disable=SC2046 # the options are words
ct_in A "$CT_DOCKER" run -d --name "$name" $(ct_in A "$CT_WLCR" container-args --runtime docker) \
	"$WLCR_DOCKER_IMAGE" weston-clickdot >/dev/null
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
for round in 1 2; do
	pid=$(ct_in A "$CT_DOCKER" inspect --format '{{.State.Pid}}' "$name")
	t0=$(wt__now_us)
	ct_in A "$CT_DOCKER" checkpoint create "$name" cp$round >/dev/null ||
		wt_fail "docker checkpoint create failed"
	t1=$(wt__now_us)
	# containerd's shim keeps no dump.log; the checkpoint holds the plugin's images
	id=$(ct_in A "$CT_DOCKER" inspect --format '{{.Id}}' "$name")
	cp=$WLCR_DOCKER_ROOT/containers/$id/checkpoints/cp$round
	[[ -s $cp/wlcr-manifest ]] || wt_fail "no wlcr-manifest in $cp"
	wt_log "$cp: $(cd "$cp" && echo wayland-*.img wlcr-manifest)"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	t2=$(wt__now_us)
	ct_docker_start_checkpoint A cp$round "$name" ||
		wt_fail "docker start --checkpoint failed"
	t3=$(wt__now_us)
	log=$WLCR_DOCKER_ROOT/containerd/daemon/io.containerd.runtime.v2.task/moby/$id/restore.log
	ct_check_criu "$log"
	grep -q 'wlcr: .*replayed on /run/wlcr/wlcr-0' "$log" ||
		wt_fail "the plugin did not replay: $(grep 'wlcr:' "$log")"
	wt_log "round $round: docker checkpoint create $(((t1 - t0) / 1000)) ms, start --checkpoint $(((t3 - t2) / 1000)) ms"
	ct_window_same "round $round: clickdot before docker checkpoint and after docker start --checkpoint" \
		"$WT_DIR/before.png" "$before"
done
wt_expect_differ "the restored window against the empty desktop (negative control)" \
	"$WT_WINDOW_SHOT" "$WT_DIR/empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
ct_no_protocol_error A
