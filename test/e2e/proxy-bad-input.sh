#!/bin/bash
# Each malformed request gets its client a wl_display.error naming what was wrong and a
# disconnect, the proxy logs it, and another client (weston-simple-shm, animating) keeps
# rendering through the same proxy after every case.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_window 15 "$WT_DIR/frame.png"

declare -A expect=(
	[bad-size]="code 1: bad message size 6"
	[unknown-object]="code 0: invalid object 77"
	[opcode-out-of-range]="code 1: invalid method 9, object wl_display@1"
	[string-overrun]="wl_registry@2.bind: bad interface string in arg id"
	[string-without-nul]="wl_registry@2.bind: string not nul-terminated in arg id"
	[title-overrun]="xdg_toplevel@8.set_title: string overruns the message in arg title"
	[missing-fd]="wl_shm@4.create_pool: fd expected, none queued"
	[new-id-skips-slots]="wl_display@1.get_registry: invalid new id 9 (next free is 2)"
)
for case in bad-size unknown-object opcode-out-of-range string-overrun string-without-nul \
	title-overrun missing-fd new-id-skips-slots; do
	out=$(WAYLAND_DISPLAY=$WT_PROXY_SOCKET timeout 10 "$(dirname "$0")/wlraw.py" "$case")
	grep -qF "${expect[$case]}" <<<"$out" ||
		wt_fail "$case: expected an error with '${expect[$case]}', got: $out"
	grep -qx closed <<<"$out" || wt_fail "$case: the connection was not closed"
	grep -qF "${expect[$case]}" "$WT_DIR/proxy.log" || wt_fail "$case: not in the proxy's log"
	# the other client still draws new frames through the proxy
	wt_wait_for 5 "simple-shm to keep rendering after $case" e2e_changed_from "$WT_DIR/frame.png"
	mv "$WT_DIR/now.png" "$WT_DIR/frame.png"
	wt_log "$case: ${expect[$case]}"
done
wt_alive "$WT_PROXY_PID" || wt_fail "the proxy died"
wt_alive "$WT_PID_shm" || wt_fail "weston-simple-shm died: $(cat "$WT_DIR/shm.log")"
# the proxy still takes new clients
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client flower weston-flower
wt_wait_for 10 "a new client after the bad ones" "grep -q 'client 10: connected' $WT_DIR/proxy.log"
