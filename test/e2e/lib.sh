# shellcheck shell=bash
# Shared by the end-to-end tests, on top of test/lib/fixtures.sh.

# shellcheck source=test/lib/fixtures.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/fixtures.sh"

# The screen differs from SHOT (an animated client drew a new frame).
e2e_changed_from() {
	wt_screenshot "$WT_DIR/now.png" &&
		! wt__pngcmp compare "$1" "$WT_DIR/now.png" --tolerance 0 >/dev/null
}

# The proxy logged no wl_display.error, sent or forwarded.
e2e_no_protocol_error() {
	if grep -n 'wl_display.error' "$WT_DIR/proxy.log" >&2; then
		wt_fail "protocol error in the proxy's log"
	fi
}

# The screen shows no window.
e2e_gone() {
	wt_screenshot "$WT_DIR/gone.png" && ! wt_window_rect "$WT_DIR/gone.png" 2>/dev/null
}

# e2e_shot_of NAME DISPLAY CMD...: runs CMD on DISPLAY (the compositor or the proxy), waits
# for its window to stay the same, saves the shot as $WT_DIR/NAME.png and its window in
# E2E_RECT, then closes it and waits for the window to go.
e2e_shot_of() {
	local name=$1 display=$2
	shift 2
	WT_CLIENT_DISPLAY=$display wt_run_client "$name" "$@"
	wt_wait_stable 15 "$WT_DIR/$name.png"
	E2E_RECT=$WT_WINDOW_RECT
	local pidvar="WT_PID_$name"
	wt_kill "${!pidvar}"
	wt_wait_for 10 "the $name window to go" e2e_gone
}
