#!/bin/bash
# Migration the other way, to a compositor with fewer globals: foot runs through a proxy on
# headless sway (with a seat, xdg-decoration, ...) and is restored through another proxy onto
# headless weston, which has no wl_seat and no xdg-decoration. Those become inert objects in
# the proxy (the seat announces no capabilities, decorations become client-side), foot goes
# on drawing its window there, and the proxy logs no protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway wt-sway
WT_USER= # the apps and the proxies as root: see cr-sway-foot.sh
wt_start_proxy
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client term foot -- sh -c 'echo on sway; exec cat'
wt_wait_stable 15 "$WT_DIR/on-sway.png"
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-sway.log"

WT_COMPOSITOR=
wt_start_weston wt-weston
wt_start_proxy --socket wlcr-weston --log-level debug
WT_PROXY_SOCKET=wlcr-weston
WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-weston e2e_checkpoint_restore "$WT_PID_term" foot
wt_wait_stable 15 "$WT_DIR/on-weston.png"
grep -q 'wl_seat is missing on this compositor: emulated' "$WT_DIR/proxy.log" ||
	wt_fail "the seat was not emulated"
grep -q 'replay done' "$WT_DIR/proxy.log" || wt_fail "no replay"
wt_alive "$WT_PID_term" || wt_fail "foot died on weston: $(cat "$WT_DIR/term.log")"
wt_log "foot on weston at $WT_WINDOW_RECT"
e2e_no_protocol_error
