#!/bin/bash
# No client can use up the proxy for the others, and running out of fds is survived:
# - started with a soft open-files limit of 1024, the proxy raises it to the hard limit, and
#   400 clients connected at once are all served;
# - a client making shm pools without end is told, past its bound, that it holds too many
#   fds, and is disconnected; another client then still makes pools and draws;
# - with its limit lowered under the fds it holds, the proxy refuses the connections it
#   cannot serve with a wl_display.error saying so, logs that at most once a second instead
#   of busy-looping, and serves new clients again once fds are free.
# weston-simple-shm animates through the same proxy all along.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
ulimit -Sn 1024
wt_start_proxy
ulimit -Sn "$(ulimit -Hn)"
hog=$(dirname "$0")/wlhog.py
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_window 15 "$WT_DIR/frame.png"
drawing() {
	wt_wait_for 5 "simple-shm to keep drawing $1" e2e_changed_from "$WT_DIR/frame.png"
	mv "$WT_DIR/now.png" "$WT_DIR/frame.png"
}

limit=$(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$WT_PROXY_PID/limits")
[[ $limit == "$(ulimit -Hn)" ]] || wt_fail "the proxy's open files limit is $limit, not the hard limit"
out=$(WAYLAND_DISPLAY=$WT_PROXY_SOCKET timeout 30 "$hog" connections 400 0)
wt_log "400 clients at once: $out"
[[ $out == "refused 0 of 400: none" ]] || wt_fail "400 clients: $out"
drawing "after 400 clients"

max=$(sed -n 's/.*per client at most \([0-9]*\) fds.*/\1/p' "$WT_DIR/proxy.log")
out=$(WAYLAND_DISPLAY=$WT_PROXY_SOCKET timeout 60 "$hog" pools $((max + 500)))
wt_log "a pool hog: $out"
[[ $out == *"holds $max file descriptors (shm pools) in wlcr-proxy, its limit per client"* ]] ||
	wt_fail "the pool hog was not stopped at $max fds: $out"
drawing "after the pool hog"
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client flower weston-flower
wt_wait_for 10 "a new client to make its pool" \
	"grep -q 'client 403: connected' $WT_DIR/proxy.log && ! grep -q 'client 403: closed' $WT_DIR/proxy.log"
wt_kill "$WT_PID_flower"

# below the fds it holds already: every accept fails until the reserve fd makes room
prlimit --pid "$WT_PROXY_PID" --nofile=8:20000
cpu0=$(awk '{ print $14 + $15 }' "/proc/$WT_PROXY_PID/stat")
WAYLAND_DISPLAY=$WT_PROXY_SOCKET timeout 30 "$hog" connections 40 3 >"$WT_DIR/hog.out" &
hogpid=$!
wt_wait_for 10 "the hog's connections" "[[ -s $WT_DIR/hog.out ]]"
out=$(cat "$WT_DIR/hog.out")
wt_log "40 clients with no fd free: $out"
[[ $out == "refused 40 of 40: "*"wlcr-proxy is out of file descriptors"* ]] ||
	wt_fail "clients the proxy could not serve were not told why: $out"
wait "$hogpid"
cpu=$(($(awk '{ print $14 + $15 }' "/proc/$WT_PROXY_PID/stat") - cpu0))
lines=$(grep -c 'accept: Too many open files' "$WT_DIR/proxy.log" || true)
wt_log "out of fds: $lines log lines, $cpu ticks of CPU"
((lines >= 1 && lines <= 10)) || wt_fail "$lines log lines about running out of fds"
# a busy loop would take every tick of the 3 s the connections were held
((cpu < 150)) || wt_fail "the proxy used $cpu ticks of CPU while out of fds"
wt_alive "$WT_PROXY_PID" || wt_fail "the proxy died"
prlimit --pid "$WT_PROXY_PID" --nofile=20000:20000 2>/dev/null ||
	prlimit --pid "$WT_PROXY_PID" --nofile="$(ulimit -Hn):$(ulimit -Hn)"
before=$(grep -c ': connected, pid' "$WT_DIR/proxy.log")
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client flower2 weston-flower
wt_wait_for 10 "a client once fds are free" \
	"(( \$(grep -c ': connected, pid' $WT_DIR/proxy.log) > $before ))"
sleep 1
wt_alive "$WT_PID_flower2" || wt_fail "weston-flower did not run: $(cat "$WT_DIR/flower2.log")"
drawing "at the end"
# the only protocol error is the one the hog earned
if grep 'wl_display.error' "$WT_DIR/proxy.log" | grep -v "holds $max file descriptors" >&2; then
	wt_fail "protocol error in the proxy's log"
fi
