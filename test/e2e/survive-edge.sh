#!/bin/bash
# The edges of surviving a compositor crash, with weston-simple-shm clients:
# - a compositor that dies during the replay that follows a crash (one that accepts the
#   connections and exits): the clients wait again, and the next weston gets them;
# - a client that disconnects while it waits: the others are replayed all the same;
# - a compositor that dies during a wlcr move: the move fails saying so, and the app is back
#   on the compositor it came from, drawing;
# - a compositor that closes a client (no protocol error) and lives on: that client is closed
#   after a grace period, with a log line saying so, and the others go on;
# - a compositor that never comes back: after --compositor-timeout the clients are closed,
#   with a log line saying why.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wlcr=$WLCR_TOP/build/bin/wlcr
wt_start_weston
wt_start_proxy --compositor-timeout 3
log=$WT_DIR/proxy.log

# fake_compositor PATH SECONDS: listens at PATH, takes every connection and reads nothing, then
# exits after SECONDS: a compositor that dies in the middle of a replay.
fake_compositor() {
	python3 -c 'import os, socket, sys, time
path, secs = sys.argv[1], float(sys.argv[2])
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(16); s.setblocking(False)
conns, end = [], time.time() + secs
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except BlockingIOError:
        time.sleep(0.01)
os.unlink(path)' "$1" "$2" &
	FAKE_PID=$!
}

count() { grep -c "$1" "$log" || true; }
drawing() {
	local pid=$1
	wt_alive "$pid" || wt_fail "$2: the app died"
}

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client a weston-simple-shm
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client b weston-simple-shm
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client c weston-simple-shm
wt_wait_for 10 "three clients" "(( \$(count ': connected, pid') == 3 ))"

# 1. weston dies; the next "compositor" dies during the replays; client c leaves meanwhile
kill -KILL "$WT_COMPOSITOR_PID"
wt_wait_for 5 "the clients to wait" "(( \$(count 'waiting for the compositor') == 3 ))"
started=$(count 'replay of ')
fake_compositor "$XDG_RUNTIME_DIR/$WT_UPSTREAM" 1
wt_wait_for 5 "the replays on the dying compositor" "(( \$(count 'replay of ') >= $started + 3 ))"
wt_wait_for 5 "the fake compositor to exit" "! wt_alive $FAKE_PID"
wt_wait_for 5 "the clients to wait again" "(( \$(count 'waiting for the compositor') >= 6 ))"
wt_kill "$WT_PID_c"
wt_wait_for 5 "the proxy to let client c go" "grep -q 'closed: client disconnected' $log"
WT_COMPOSITOR=
WT_RESTART=1 wt_start_weston
wt_wait_for 10 "a and b to run on the new weston" "(( \$(count ': runs on ') >= 2 ))"
for app in a b; do
	pid=WT_PID_$app
	wt_alive "${!pid}" || wt_fail "$app died: $(cat "$WT_DIR/$app.log")"
done
frames=$(count ': first frame on ')
wt_wait_for 5 "a and b to draw" "(( \$(count ': first frame on ') >= $frames ))"
wt_log "a compositor that died during the replays: a and b waited again and run on the next"

# 2. a move to a compositor that dies during the move: back where it was
fake_compositor "$XDG_RUNTIME_DIR/fake" 1
wt_wait_for 5 "the fake compositor's socket" "[[ -S $XDG_RUNTIME_DIR/fake ]]"
rc=0
out=$("$wlcr" move --socket "$WT_PROXY_SOCKET" "$WT_PID_a" --to fake 2>&1) || rc=$?
wt_log "wlcr move to a compositor that dies: $out"
((rc != 0)) || wt_fail "the move to a dying compositor succeeded"
[[ $out == *"the app goes back to $XDG_RUNTIME_DIR/$WT_UPSTREAM"* ]] ||
	wt_fail "the failed move does not say the app goes back: $out"
back=$(count ': runs on ')
wt_wait_for 10 "a to run on weston again" \
	"grep -q 'runs on $XDG_RUNTIME_DIR/$WT_UPSTREAM' <(tail -n 5 $log)"
wt_alive "$WT_PID_a" || wt_fail "a died with the failed move"
frames=$(count ': first frame on ')
wt_wait_for 5 "a to draw on weston again" "(( \$(count ': first frame on ') > $frames - 1 ))"
"$wlcr" ls --socket "$WT_PROXY_SOCKET" >&2
"$wlcr" ls --socket "$WT_PROXY_SOCKET" | grep -q "on the compositor at" &&
	wt_fail "wlcr ls says a client is on another compositor"

# 3. b moves to a compositor that later closes b's connection and lives on: b is closed
"$WLCR_TOP/test/e2e/wlrelay.py" "$XDG_RUNTIME_DIR/relay" "$XDG_RUNTIME_DIR/$WT_UPSTREAM" \
	>"$WT_DIR/relay.log" 2>&1 &
RELAY_PID=$!
wt_wait_for 5 "the relay's socket" "[[ -S $XDG_RUNTIME_DIR/relay ]]"
"$wlcr" move --socket "$WT_PROXY_SOCKET" "$WT_PID_b" --to relay >&2
kill -USR1 "$RELAY_PID"
wt_wait_for 10 "b to be closed" "grep -q 'closed the connection' $log"
wt_wait_for 10 "b to end" "! wt_alive $WT_PID_b"
grep -E 'closed 1 client and still runs|closed the connection' "$log" >&2
wt_alive "$WT_PID_a" || wt_fail "a died with b"
frames=$(count ': first frame on ')
"$wlcr" move --socket "$WT_PROXY_SOCKET" "$WT_PID_a" --to relay >&2
wt_wait_for 5 "a to draw through the relay" "(( \$(count ': first frame on ') > $frames ))"
"$wlcr" move --socket "$WT_PROXY_SOCKET" "$WT_PID_a" --to "$WT_UPSTREAM" >&2
kill "$RELAY_PID"
wt_log "a compositor that closed b and lives on: b was closed, a went on"

# 4. weston dies and does not come back: after 3 s the clients are closed, saying why
kill -KILL "$WT_COMPOSITOR_PID"
wt_wait_for 10 "the clients to be closed" \
	"grep -q 'did not come back within 3 s' $log"
wt_wait_for 10 "a to end" "! wt_alive $WT_PID_a"
grep 'did not come back' "$log" | head -n 3 >&2
wt_alive "$WT_PROXY_PID" || wt_fail "the proxy exited"
if grep 'wl_display.error' "$log" >&2; then
	wt_fail "protocol error in the proxy's log"
fi
: "$back"
