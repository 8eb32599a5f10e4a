#!/bin/bash
# gtk3-demo through the proxy on headless sway, checkpointed and restored with plain criu:
# the same pixels after the restore, and typing into it still selects another demo.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
WT_USER= # the app as root: see cr-sway-foot.sh
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client demo GTK_THEME=Adwaita gtk3-demo
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
e2e_checkpoint_restore "$WT_PID_demo" gtk3-demo
wt_wait_stable 15 "$WT_DIR/after.png"
wt_expect_same "gtk3-demo before the dump and after the restore" "$WT_DIR/before.png" \
	"$WT_DIR/after.png" "$before" "$WT_WINDOW_RECT"
wt_expect_differ "gtk3-demo against the empty desktop (negative control)" "$WT_DIR/after.png" \
	"$WT_DIR/empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"

wt_type Clipb
big_change() {
	wt_screenshot "$WT_DIR/typed.png" &&
		! wt__pngcmp compare "$WT_DIR/after.png" "$WT_DIR/typed.png" \
			--max-diff-pixels 3000 >/dev/null
}
wt_wait_for 5 "the restored gtk3-demo to show another demo after typing" big_change
e2e_no_protocol_error
