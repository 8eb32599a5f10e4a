#!/bin/bash
# A GTK 3 application (gtk3-demo) through the proxy on headless sway: its window shows the
# same pixels as run directly, typing into it selects another demo, and the proxy logs no protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

app=(gtk3-demo)
e2e_shot_of direct "$WT_UPSTREAM" GTK_THEME=Adwaita "${app[@]}"
direct_rect=$E2E_RECT
e2e_shot_of proxied "$WT_PROXY_SOCKET" GTK_THEME=Adwaita "${app[@]}"
wt_expect_same "gtk3-demo direct and through the proxy" "$WT_DIR/direct.png" \
	"$WT_DIR/proxied.png" "$direct_rect" "$E2E_RECT"
wt_expect_differ "gtk3-demo against the empty desktop (negative control)" \
	"$WT_DIR/proxied.png" "$WT_DIR/empty.png" "$E2E_RECT" "$E2E_RECT"

# Typing searches the demo list: "Clipb" selects the Clipboard demo, whose description
# replaces the first one, a change far larger than a focus ring.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client demo GTK_THEME=Adwaita "${app[@]}"
wt_wait_stable 15 "$WT_DIR/before-keys.png"
wt_type Clipb
big_change() {
	wt_screenshot "$WT_DIR/after-keys.png" &&
		! wt__pngcmp compare "$WT_DIR/before-keys.png" "$WT_DIR/after-keys.png" \
			--max-diff-pixels 3000 >/dev/null
}
wt_wait_for 5 "gtk3-demo to show another demo after the keys" big_change
e2e_no_protocol_error
wt_log "gtk3-demo renders and takes keys through the proxy"
