#!/bin/bash
# The checkpoint lifecycle with weston-simple-shm (animated) through wlcr dump/restore:
# a dump with --leave-running lets it go on; a dump that fails (the app holds a socket to a
# service outside its tree) leaves it running and connected, and names the foreign peer; a
# restored app can be checkpointed again; the same images restore twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
wlcr=$WLCR_TOP/build/bin/wlcr

animating() {
	wt_wait_window 15 "$WT_DIR/a-1.png"
	for i in 2 3; do
		wt_wait_for 5 "weston-simple-shm to animate ($1, frame $i)" \
			e2e_changed_from "$WT_DIR/a-$((i - 1)).png"
		mv "$WT_DIR/now.png" "$WT_DIR/a-$i.png"
	done
}

# A unix socket to a service outside the app's tree: criu refuses such a socket.
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); time.sleep(3600)' "$WT_DIR/service.sock" &
wt_wait_for 5 "the service to listen" "[[ -S $WT_DIR/service.sock ]]"
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
os.set_inheritable(s.fileno(), True)
os.execvp("weston-simple-shm", ["weston-simple-shm"])' "$WT_DIR/service.sock"
animating "before any dump"

rc=0
"$wlcr" dump "$WT_PID_shm" "$WT_DIR/failed" >"$WT_DIR/failed.out" 2>&1 || rc=$?
cat "$WT_DIR/failed.out" >&2
[[ $rc != 0 ]] || wt_fail "the dump of an app with a foreign socket succeeded"
grep -q "holds a socket to $WT_DIR/service.sock" "$WT_DIR/failed.out" ||
	wt_fail "wlcr dump did not name the foreign peer"
wt_alive "$WT_PID_shm" || wt_fail "the app died with the failed dump"
animating "after the failed dump"
# whether or not criu reached the plugin before failing, nothing stays quiesced
[[ $(grep -c 'quiesced for a dump' "$WT_DIR/proxy.log") == \
	$(grep -c ': resumed' "$WT_DIR/proxy.log") ]] || wt_fail "a client stayed quiesced"
wt_kill "$WT_PID_shm"
wt_wait_for 10 "the window to go" e2e_gone

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm2 weston-simple-shm
animating "a clean app"
"$wlcr" dump -R "$WT_PID_shm2" "$WT_DIR/leave" >&2
wt_alive "$WT_PID_shm2" || wt_fail "the app died with --leave-running"
animating "after a dump with --leave-running"

tree=$(e2e_tree "$WT_PID_shm2")
"$wlcr" dump "$WT_PID_shm2" "$WT_DIR/first" >&2
"$wlcr" restore "$WT_DIR/first" >&2
animating "after the first restore"

# the restored app, checkpointed again
"$wlcr" dump "$WT_PID_shm2" "$WT_DIR/second" >&2
"$wlcr" restore "$WT_DIR/second" >&2
animating "after the second checkpoint's restore"

# the first images once more, now that the app is gone again
wt_kill "$WT_PID_shm2"
for p in $tree; do wt_wait_gone 10 "$p"; done
"$wlcr" restore "$WT_DIR/first" >&2
animating "after restoring the first images again"
e2e_no_protocol_error
