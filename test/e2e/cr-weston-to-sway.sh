#!/bin/bash
# Migration between compositors: weston-clickdot runs through a proxy on headless weston, is
# checkpointed, and is restored (WLCR_SOCKET) through another proxy onto headless sway, whose
# globals have other names, another order and other versions. There sway tiles it to the
# whole output and the app redraws at that size: its window matches, pixel for pixel, that
# of a clickdot started on sway directly, and the proxy logs no protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston wt-weston
wt_start_proxy
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client dot weston-clickdot
wt_wait_stable 15 "$WT_DIR/on-weston.png"
before=$WT_WINDOW_RECT
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-weston.log"

# The second compositor, with its own proxy; the app and the proxies run as root (see
# cr-sway-foot.sh for why), sway as the test user.
WT_COMPOSITOR=
wt_start_sway wt-sway
WT_USER=
wt_start_proxy --socket wlcr-sway
WT_PROXY_SOCKET=wlcr-sway
wt_screenshot "$WT_DIR/sway-empty.png"
# the reference: the same client started on sway directly
e2e_shot_of ref "$WT_UPSTREAM" weston-clickdot

WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-sway e2e_checkpoint_restore "$WT_PID_dot" dot
wt_wait_stable 15 "$WT_DIR/on-sway.png"
[[ $WT_WINDOW_RECT == "$E2E_RECT" ]] ||
	wt_fail "restored at $WT_WINDOW_RECT, a direct clickdot was at $E2E_RECT"
wt_expect_same "clickdot restored on sway and clickdot started on sway" "$WT_DIR/ref.png" \
	"$WT_DIR/on-sway.png" "$E2E_RECT" "$WT_WINDOW_RECT"
wt_expect_differ "clickdot on sway against sway's empty desktop (negative control)" \
	"$WT_DIR/on-sway.png" "$WT_DIR/sway-empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
grep -q 'replay done' "$WT_DIR/proxy.log" || wt_fail "the sway proxy did not replay"
e2e_no_protocol_error
