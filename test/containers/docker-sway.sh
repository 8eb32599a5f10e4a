#!/bin/bash
# docker: with a dockerd of our own, foot in a container on headless sway (docker's own
# network, pid, ipc, uts and mount namespaces) is checkpointed with docker checkpoint create
# and restored with docker start --checkpoint: the window comes back with the same pixels and
# the shell in the container reads what is typed on sway; checkpointed and restored once
# more, it still takes keys.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_sway
ct_host A
ct_proxy A
ct_dockerd A
name=$CT_NAME
# shellcheck disable=SC2046 # the options are words
ct_in A "$CT_DOCKER" run -d --name "$name" $(ct_in A "$CT_WLCR" container-args --runtime docker) \
	--env LANG=C.UTF-8 "$WLCR_DOCKER_IMAGE" "${CT_FOOT[@]}" >/dev/null
wt_wait_stable 15 "$WT_DIR/before.png"
pid=$(ct_in A "$CT_DOCKER" inspect --format '{{.State.Pid}}' "$name")
ct_typed "$pid" "typed before the checkpoint"
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
for round in 1 2; do
	ct_in A "$CT_DOCKER" checkpoint create "$name" cp$round >/dev/null ||
		wt_fail "docker checkpoint create failed"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	ct_docker_start_checkpoint A cp$round "$name" ||
		wt_fail "docker start --checkpoint failed"
	pid=$(ct_in A "$CT_DOCKER" inspect --format '{{.State.Pid}}' "$name")
	ct_window_same "round $round: foot before docker checkpoint and after docker start --checkpoint" \
		"$WT_DIR/before.png" "$before"
	ct_typed "$pid" "typed after restore $round"
	wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_WINDOW_SHOT"
	wt_wait_stable 15 "$WT_DIR/before.png"
	before=$WT_WINDOW_RECT
done
ct_no_protocol_error A
