#!/bin/bash
# Clear failures, with runc and every namespace it makes:
# - an app in a container that also holds a socket to a service outside the container (as a
#   D-Bus bus or an audio server would be): the checkpoint fails, criu's log names that peer
#   (by the path it has on the host),
#   the container keeps running and its Wayland connection is resumed;
# - the proxy gone at restore: stopped, its socket is gone and runc refuses the bind mount;
#   killed (its socket files stay, nothing listens), the plugin fails the restore in criu's
#   init, before any process is created, naming the proxy's control socket. Either way nothing
#   of the container runs; with a proxy there again, the same images restore.
set -euo pipefail
source "$(dirname "$0")/../lib/containers.sh"
wt_init
wt_start_weston
ct_host A
ct_proxy A

# the service, on the host; its socket is bind-mounted into the container
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); time.sleep(3600)' "$WT_DIR/service.sock" &
wt_wait_for 5 "the service to listen" "[[ -S $WT_DIR/service.sock ]]"
id=$CT_NAME-foreign
CT_RUNC_JQ=' | .mounts += [{"destination": "/run/service.sock", "type": "bind",
	"source": "'$WT_DIR/service.sock'", "options": ["bind"]}]' \
	ct_runc_bundle A "$WT_DIR/foreign" sh -c \
	'socat -u UNIX-CONNECT:/run/service.sock STDOUT & exec weston-clickdot'
wt_on_exit "ct_in A runc delete -f $id >/dev/null 2>&1"
ct_runc A run "$id" "$WT_DIR/foreign"
wt_wait_stable 15 "$WT_DIR/foreign-before.png"
before=$WT_WINDOW_RECT
pid=$(ct_runc_pid A "$id")
img=$WT_DIR/foreign-img
if ct_in A runc checkpoint --image-path "$img" --work-path "$img" "$id" 2>"$WT_DIR/foreign.err"; then
	wt_fail "the checkpoint of a container with a socket to an outside service succeeded"
fi
wt_log "runc checkpoint failed: $(tr '\n' ' ' <"$WT_DIR/foreign.err")"
grep -E "Runaway socket:.* name $WT_DIR/service.sock" "$img/dump.log" >&2 ||
	wt_fail "criu's log does not name the outside service: $(grep Error "$img/dump.log")"
[[ $(ct_in A runc state "$id" | jq -r .status) == running ]] && wt_alive "$pid" ||
	wt_fail "the container does not run any more"
ct_window_same "the container's window after the failed checkpoint" \
	"$WT_DIR/foreign-before.png" "$before"
log=$(ct_proxy_log A)
[[ $(grep -c 'quiesced for a dump' <<<"$log") == $(grep -c ': resumed' <<<"$log") ]] ||
	wt_fail "a client stayed quiesced"
ct_in A runc delete -f "$id"
wt_wait_for 10 "the window to go" e2e_gone

# the proxy gone at restore
id=$CT_NAME-noproxy
ct_runc_bundle A "$WT_DIR/noproxy" weston-clickdot
wt_on_exit "ct_in A runc delete -f $id >/dev/null 2>&1"
ct_runc A run "$id" "$WT_DIR/noproxy"
wt_wait_stable 15 "$WT_DIR/noproxy-before.png"
before=$WT_WINDOW_RECT
pid=$(ct_runc_pid A "$id")
img=$WT_DIR/noproxy-img
ct_in A runc checkpoint --image-path "$img" --work-path "$img" "$id"
wt_wait_for 10 "the container's processes to go" "! wt_alive $pid"
# proxy_pid: the pid of host A's proxy, as wlcr ls says
proxy_pid() {
	ct_in A "$CT_WLCR" ls --socket "$CT_SOCKET" | sed -n 's/.*proxy pid \([0-9]*\)).*/\1/p'
}
# restore_fails WHY: runc restore fails; nothing of the container runs or shows
restore_fails() {
	local state
	if ct_runc A restore "$id" "$WT_DIR/noproxy" --image-path "$img" --work-path "$img"; then
		wt_fail "the restore succeeded with the proxy $1"
	fi
	state=$(ct_in A runc state "$id" 2>/dev/null | jq -r .status || true)
	[[ $state != running ]] || wt_fail "the container runs after the failed restore"
	e2e_gone || wt_fail "a window shows after the failed restore"
	ct_in A runc delete -f "$id" >/dev/null 2>&1 || true
}
proxy=$(proxy_pid)
[[ -n $proxy ]] || wt_fail "wlcr ls names no proxy pid"
wt_kill "$proxy"
: >"$WT_DIR/$id.log"
restore_fails stopped
grep 'stat /run/wlcr/wlcr-0: no such file' "$WT_DIR/$id.log" >&2 ||
	wt_fail "runc did not say the proxy's socket is missing: $(cat "$WT_DIR/$id.log")"
# killed: its sockets stay behind, and nothing answers on them
ct_proxy A
wt_kill "$(proxy_pid)" KILL
ct_in A test -S "$CT_SOCKET" || wt_fail "the killed proxy's socket is gone"
restore_fails killed
grep 'wlcr: .*no wlcr-proxy answers at /run/wlcr/wlcr-0.ctl' "$img/restore.log" >&2 ||
	wt_fail "criu's log does not say the proxy is gone: $(grep -E 'Error|wlcr:' "$img/restore.log")"
# the plugin failed criu's init, before criu created any task
! grep -q 'Forking task with' "$img/restore.log" || wt_fail "criu created tasks before failing"
wt_log "without a proxy: $(grep -m1 'no wlcr-proxy answers' "$img/restore.log" | sed 's/^.*wlcr: //')"
ct_proxy A
ct_runc A restore "$id" "$WT_DIR/noproxy" --image-path "$img" --work-path "$img" ||
	wt_fail "the restore failed with the proxy back: $(grep -E 'Error|wlcr:' "$img/restore.log" | grep -v RLIMIT)"
ct_window_same "clickdot restored once the proxy is back" "$WT_DIR/noproxy-before.png" "$before"
# every proxy of host A appended to the same log
ct_no_protocol_error A
