#!/bin/bash
# GTK 3 asks for server-side decoration through KDE's protocol (org_kde_kwin_server_decoration):
# galculator through the proxy on headless sway is decorated by sway, as when run directly (the
# proxy used to hide that global, and GTK drew its own title bar and shadow). Checkpointed and
# restored on headless weston, which lacks the protocol, it is told to decorate itself and draws
# its title bar; back on sway, sway decorates it again: the same pixels as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
WT_USER= # the app and the proxy as root: see test/e2e/cr-sway-foot.sh
wt_start_proxy --log-level debug
wt_screenshot "$WT_DIR/empty.png"

app=(GTK_THEME=Adwaita galculator)
e2e_shot_of direct "$WT_UPSTREAM" "${app[@]}"
direct_rect=$E2E_RECT
e2e_shot_of proxied "$WT_PROXY_SOCKET" "${app[@]}"
wt_expect_same "galculator direct and through the proxy" "$WT_DIR/direct.png" \
	"$WT_DIR/proxied.png" "$direct_rect" "$E2E_RECT"
wt_expect_differ "galculator against the empty desktop (negative control)" \
	"$WT_DIR/proxied.png" "$WT_DIR/empty.png" "$E2E_RECT" "$E2E_RECT"
# what made it so: GTK asked for server mode, and sway answered it
grep -q -- '-> org_kde_kwin_server_decoration@[0-9]*.request_mode' "$WT_DIR/proxy.log" ||
	wt_fail "galculator did not ask for a decoration mode through the proxy"
grep -q '<- org_kde_kwin_server_decoration@[0-9]*.mode' "$WT_DIR/proxy.log" ||
	wt_fail "sway's decoration mode did not reach galculator"

# On weston (no KDE decoration there) it decorates itself, and back on sway it does not. Its
# own protocol log (WAYLAND_DEBUG) shows the modes it was told.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client app WAYLAND_DEBUG=1 "${app[@]}"
wt_wait_stable 15 "$WT_DIR/on-sway.png"
sway_rect=$WT_WINDOW_RECT
sway_proxy=$WT_PROXY_SOCKET
sway_upstream=$WT_UPSTREAM
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-sway.log"
WT_COMPOSITOR=
wt_start_weston wt-weston
wt_start_proxy --socket wlcr-weston
told() { grep -c "org_kde_kwin_server_decoration@[0-9]*\.mode($1)" "$WT_DIR/app.log" || true; }
server_before=$(told 2)
WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-weston e2e_checkpoint_restore "$WT_PID_app" to-weston
wt_wait_stable 20 "$WT_DIR/on-weston.png"
grep -q 'org_kde_kwin_server_decoration_manager is missing on this compositor: emulated' \
	"$WT_DIR/proxy.log" || wt_fail "weston's proxy did not emulate the decoration manager"
told_client() { (($(told 1) > 0)); }
wt_wait_for 10 "galculator to be told to decorate itself" told_client
e2e_no_protocol_error
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-weston.log"
WLCR_SOCKET=$XDG_RUNTIME_DIR/$sway_proxy e2e_checkpoint_restore "$WT_PID_app" back-to-sway
WT_COMPOSITOR=sway
WT_UPSTREAM=$sway_upstream
told_server_again() { (($(told 2) > server_before)); }
wt_wait_for 10 "galculator to be told sway decorates it again" told_server_again
wt_wait_stable 20 "$WT_DIR/back.png"
wt_expect_same "galculator back on sway, decorated by sway again" "$WT_DIR/on-sway.png" \
	"$WT_DIR/back.png" "$sway_rect" "$WT_WINDOW_RECT"
for log in proxy-sway.log proxy-weston.log; do
	! grep -m1 'wl_display.error' "$WT_DIR/$log" >&2 || wt_fail "protocol error in $log"
done
wt_log "galculator is decorated by sway through the proxy, by itself on weston"
