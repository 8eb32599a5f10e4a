#!/bin/bash
# gtk3-demo with a context menu open at dump time (a right click into its text opens it, an
# xdg_popup with a grab), checkpointed and restored with plain criu on headless sway: the menu
# cannot outlive the moment its grab belonged to, so the app is told popup_done and closes it.
# The window is then as it was before the menu opened, and a right click opens the menu again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
WT_USER= # the app as root: see cr-sway-foot.sh
wt_start_proxy
# a virtual pointer, whose cursor sway draws into screenshots: not a window
WT_MIN_AREA=2000
e2e_start_seat

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client demo GTK_THEME=Adwaita NO_AT_BRIDGE=1 gtk3-demo
# over the demo's description, a text view
e2e_seat move 500 400
wt_wait_stable 15 "$WT_DIR/closed.png"
rect=$WT_WINDOW_RECT
e2e_seat click 273
wt_wait_for 10 "the context menu" e2e_changed_from "$WT_DIR/closed.png"
wt_wait_stable 15 "$WT_DIR/open.png"

e2e_checkpoint_restore "$WT_PID_demo" gtk3-menu
"$WLCR_TOP/build/bin/wlcr" show "$WT_DIR"/gtk3-menu.img/wayland-*.img >"$WT_DIR/show.txt"
grep -q "xdg_popup@" "$WT_DIR/show.txt" || wt_fail "no xdg_popup in the image: the menu was not open"
wt_wait_stable 15 "$WT_DIR/after.png"
wt_expect_same "the window after the restore (menu closed) and before the menu opened" \
	"$WT_DIR/closed.png" "$WT_DIR/after.png" "$rect" "$WT_WINDOW_RECT"
# a right click opens the menu again: a new popup whose grab carries a serial of the restored
# app's, which sway, checking it, accepts once the proxy maps it back
e2e_seat click 273
wt_wait_for 10 "the menu to open again after the restore" e2e_changed_from "$WT_DIR/after.png"
e2e_seat quit
e2e_no_protocol_error
