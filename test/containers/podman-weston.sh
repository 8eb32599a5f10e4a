#!/bin/bash
# podman: weston-clickdot in a container (podman run with wlcr container-args, podman's own
# network, pid, ipc, uts and mount namespaces) is checkpointed and restored with podman's
# commands and comes back with the same pixels. The checkpoint directory is kept and used
# again (--keep), as podman does: the second checkpoint's restore finds the first one's image
# beside its own, ignores it with a log line and restores. Then a container whose uids are
# mapped (--uidmap): the app, as host uid 100000, reaches the proxy's socket (wlcr proxy
# --socket-group) and is checkpointed and restored.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_weston
ct_host A
ct_proxy A
wt_screenshot "$WT_DIR/empty.png"

# ct_podman_round NAME N: checkpoint (--keep) and restore (--keep) container NAME.
ct_podman_round() {
	local name=$1 n=$2 dir pid t0 t1 t2 t3
	pid=$(ct_in A podman inspect --format '{{.State.Pid}}' "$name")
	dir=$(ct_in A podman inspect --format '{{.StaticDir}}' "$name")
	t0=$(wt__now_us)
	ct_in A podman container checkpoint --keep "$name" >/dev/null ||
		wt_fail "podman checkpoint failed: $(grep -E 'Error|wlcr:' "$dir/dump.log" | grep -v RLIMIT)"
	t1=$(wt__now_us)
	ct_check_criu "$dir/dump.log"
	cp "$dir/dump.log" "$WT_DIR/$name-dump-$n.log"
	wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
	wt_wait_for 10 "the window to go" e2e_gone
	if [[ -n ${CT_BEFORE_RESTORE:-} ]]; then
		eval "$CT_BEFORE_RESTORE"
	fi
	t2=$(wt__now_us)
	ct_in A podman container restore --keep "$name" >/dev/null ||
		wt_fail "podman restore failed: $(grep -E 'Error|wlcr:' "$dir/restore.log" | grep -v RLIMIT)"
	t3=$(wt__now_us)
	cp "$dir/restore.log" "$WT_DIR/$name-restore-$n.log"
	wt_log "$name round $n: podman checkpoint $(((t1 - t0) / 1000)) ms, restore $(((t3 - t2) / 1000)) ms"
	grep -q 'wlcr: .*replayed on /run/wlcr/wlcr-0' "$dir/restore.log" ||
		wt_fail "the plugin did not replay: $(grep 'wlcr:' "$dir/restore.log")"
}

name=$CT_NAME
wt_on_exit "ct_in A podman rm -f -t 0 $name >/dev/null 2>&1"
# shellcheck disable=SC2046 # the options are words
ct_in A podman run -d --name "$name" $(ct_in A "$CT_WLCR" container-args --runtime podman) \
	"${CT_ULIMITS[@]}" --env LANG=C.UTF-8 "$WLCR_PODMAN_IMAGE" weston-clickdot >/dev/null
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT

ct_podman_round "$name" 1
ct_window_same "clickdot before podman checkpoint and after podman restore" \
	"$WT_DIR/before.png" "$before"
ct_podman_round "$name" 2
ct_window_same "clickdot after a second podman checkpoint and restore in the same directory" \
	"$WT_DIR/before.png" "$before"
dir=$(ct_in A podman inspect --format '{{.StaticDir}}' "$name")
first=$(sed -n 's/^.*wlcr: saved socket .* in \(wayland-[0-9]*\.img\).*/\1/p' \
	"$WT_DIR/$name-dump-1.log")
[[ -n $first && -e $dir/checkpoint/$first ]] ||
	wt_fail "the first checkpoint's image ($first) is not in the reused directory"
grep -q "wlcr: $first: ignored: not in wlcr-manifest" "$WT_DIR/$name-restore-2.log" ||
	wt_fail "the stale $first was not ignored: $(grep 'wlcr:' "$WT_DIR/$name-restore-2.log")"
wt_log "the reused directory's stale $first: $(grep -o "$first: ignored.*" "$WT_DIR/$name-restore-2.log")"
ct_in A podman rm -f -t 0 "$name" >/dev/null
wt_wait_for 10 "the window to go" e2e_gone

# --uidmap: container root is host uid and gid 100000. The proxy's directory and socket belong
# to that group; criu restores the bind mount of the socket as the mapped root.
ct_in A "$CT_WLCR" proxy --container --socket-group 100000 >/dev/null
uname=$CT_NAME-uidmap
wt_on_exit "ct_in A podman rm -f -t 0 $uname >/dev/null 2>&1"
# shellcheck disable=SC2046
ct_in A podman run -d --name "$uname" --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
	$(ct_in A "$CT_WLCR" container-args) "${CT_ULIMITS[@]}" "$WLCR_PODMAN_IMAGE" weston-clickdot >/dev/null
wt_wait_stable 15 "$WT_DIR/before-uidmap.png"
before=$WT_WINDOW_RECT
upid=$(ct_in A podman inspect --format '{{.State.Pid}}' "$uname")
[[ $(stat -c %u "/proc/$upid") == 100000 ]] || wt_fail "the app is not host uid 100000"
wt_log "the app runs as host uid 100000: $(grep -E '^Uid' "/proc/$upid/status")"
# podman 4.3 writes its checkpoint where only host root may read, and the restored task,
# root of its user namespace, opens images itself ("Unable to open timens-0.img: Permission
# denied" for any container with --uidmap, with or without wlcr): they become its mapped root's.
# And others must be able to search the directory: criu's restored root task opens
# timens-0.img (prepare_timens() in cr-restore.c) before it waits for its user namespace's uid
# map to be written, so it may still be nobody then; with the mode podman gives (0600) that
# failed 1 run in 4 here, with the same "Permission denied". A race in criu, not wlcr's.
udir=$(ct_in A podman inspect --format '{{.StaticDir}}' "$uname")
CT_BEFORE_RESTORE="chown -R 100000:100000 $udir/checkpoint && chmod 0711 $udir/checkpoint"
ct_podman_round "$uname" 1
ct_window_same "clickdot in a container with --uidmap, after podman restore" \
	"$WT_DIR/before-uidmap.png" "$before"
ct_no_protocol_error A
