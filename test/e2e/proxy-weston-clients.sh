#!/bin/bash
# weston's own demo clients through the proxy on headless weston: static clients show the
# same pixels as when run directly, animated ones keep animating, and the proxy logs no
# protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

for app in weston-clickdot weston-terminal; do
	e2e_shot_of "direct_${app#weston-}" "$WT_UPSTREAM" "$app"
	direct_rect=$E2E_RECT
	e2e_shot_of "proxied_${app#weston-}" "$WT_PROXY_SOCKET" "$app"
	wt_expect_same "$app direct and through the proxy" "$WT_DIR/direct_${app#weston-}.png" \
		"$WT_DIR/proxied_${app#weston-}.png" "$direct_rect" "$E2E_RECT"
	wt_expect_differ "$app against the empty desktop (negative control)" \
		"$WT_DIR/proxied_${app#weston-}.png" "$WT_DIR/empty.png" "$E2E_RECT" "$E2E_RECT"
done

# weston-flower draws a random flower: through the proxy it appears and stays still.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client flower weston-flower
wt_wait_stable 15 "$WT_DIR/flower.png"
wt_kill "$WT_PID_flower"
wt_wait_for 10 "the flower window to go" e2e_gone

# weston-simple-shm animates: through the proxy its frames keep changing.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_window 15 "$WT_DIR/shm-1.png"
for i in 2 3 4; do
	wt_wait_for 5 "weston-simple-shm to draw frame $i" e2e_changed_from "$WT_DIR/shm-$((i - 1)).png"
	mv "$WT_DIR/now.png" "$WT_DIR/shm-$i.png"
done
wt_alive "$WT_PID_shm" || wt_fail "weston-simple-shm exited: $(cat "$WT_DIR/shm.log")"
e2e_no_protocol_error
wt_log "all weston clients render through the proxy"
