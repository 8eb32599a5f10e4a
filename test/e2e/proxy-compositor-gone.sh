#!/bin/bash
# With --compositor-timeout 0, when the compositor goes away the proxy closes its clients
# cleanly (as the compositor would have) and keeps listening; once the compositor is back, new
# clients work through it. (By default they wait for it: test/e2e/survive-*.sh.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy --compositor-timeout 0
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_window 15

wt_kill "$WT_COMPOSITOR_PID"
wt_wait_for 10 "the proxied client to be told" "! wt_alive $WT_PID_shm"
wt_wait_for 5 "the proxy to close the client" \
	"grep -q 'client 1: closed: compositor closed the connection' $WT_DIR/proxy.log"
wt_alive "$WT_PROXY_PID" || wt_fail "the proxy exited with the compositor"

# Meanwhile a new client is turned away with a clear log line, and nothing else breaks.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client early weston-simple-shm
wt_wait_for 10 "the early client to be refused" "! wt_alive $WT_PID_early"
grep -q "client 2 (pid [0-9]*): wlcr-proxy cannot connect to the compositor" \
	"$WT_DIR/proxy.log" || wt_fail "no log line for the refused client"
# and the client was told why, in a wl_display.error that libwayland-client prints
grep -q "wlcr-proxy cannot connect to the compositor" "$WT_DIR/early.log" ||
	wt_fail "the refused client was not told why: $(cat "$WT_DIR/early.log")"

WT_COMPOSITOR= wt_start_weston
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client again weston-simple-shm
wt_wait_window 15 "$WT_DIR/again.png"
wt_wait_for 5 "the new client to animate" e2e_changed_from "$WT_DIR/again.png"
wt_alive "$WT_PID_again" || wt_fail "the new client died: $(cat "$WT_DIR/again.log")"
e2e_no_protocol_error
