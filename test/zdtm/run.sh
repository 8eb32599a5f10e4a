#!/bin/bash
# The ZDTM-style runner: runs one test program (test/zdtm/*.c) through the proxy on headless
# weston, waits until it has set up its state, checkpoints and restores it with plain criu
# and the plugin, compares its window (if it shows one) before and after, sends SIGTERM, and
# passes when the program printed PASS and the proxy logged no protocol error.
# usage: run.sh PROGRAM
set -euo pipefail
source "$(dirname "$0")/../e2e/lib.sh"
prog=$1
name=$(basename "$prog")
wt_init
# keyboard and clipboard tests need a seat: sway has one, headless weston does not
case $name in
*keyboard* | selection | extensions)
	wt_start_sway
	WT_USER= # the app and the proxy as root: see test/e2e/cr-sway-foot.sh
	;;
outputs)
	# two outputs; the window opens on the second
	WT_SWAY_OUTPUTS=2 wt_start_sway
	WT_USER=
	wt_as_user swaymsg focus output HEADLESS-2 >/dev/null
	;;
*) wt_start_weston ;;
esac
wt_start_proxy ${ZDTM_PROXY_ARGS:-}
pointer() { :; }
sway_view() { :; }
if [[ $name == extensions ]]; then
	# a virtual pointer (jiggling over the window while the test waits for its lock) and an
	# input method that commits a string to each text input that activates it
	e2e_start_seat
	pointer() { e2e_seat "$1"; }
	# what sway thinks of the window: its border, its idle inhibitor (the
	# screenshots compare its size)
	sway_view() {
		wt_as_user swaymsg -t get_tree | python3 -c '
import json, sys
def walk(n):
    if n.get("pid"):
        print(n["border"], n["inhibit_idle"], n["idle_inhibitors"]["application"])
    for c in n.get("nodes", []) + n.get("floating_nodes", []):
        walk(c)
walk(json.load(sys.stdin))'
	}
	pointer jiggle
fi
ready=$WT_DIR/ready
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client zt ZDTM_READY="$ready" "$prog"
set_up() {
	[[ -s $ready ]] && return 0
	wt_alive "$WT_PID_zt" || wt_fail "$name exited while setting up: $(cat "$WT_DIR/zt.log")"
	return 1
}
wt_wait_for 15 "$name to set up its state" set_up
pointer still
view_before=$(sway_view)
wt_screenshot "$WT_DIR/before.png"
before=$(wt_window_rect "$WT_DIR/before.png" 2>/dev/null) || before=
# a test whose window must change across the restore (a popup closes) says so
grep -q nocompare "$ready" && before=
if [[ $name == outputs ]]; then
	# restored on weston through its own proxy: one output, at scale 2
	mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-sway.log"
	WT_COMPOSITOR=
	WT_WESTON_SCALE=2 wt_start_weston wt-weston
	wt_start_proxy --socket wlcr-weston
	WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-weston e2e_checkpoint_restore "$WT_PID_zt" "$name"
else
	e2e_checkpoint_restore "$WT_PID_zt" "$name"
fi
if [[ $name == large_journal ]]; then
	# the point of the test: a journal larger than any control datagram
	size=$(stat -c %s "$WT_DIR/$name.img"/wayland-*.img)
	((size > 262144)) || wt_fail "the image is only $size bytes: not a large journal"
	wt_log "image of $size bytes"
fi
if [[ -n $before ]]; then
	wt_wait_stable 15 "$WT_DIR/after.png"
	wt_expect_same "$name's window before the dump and after the restore" \
		"$WT_DIR/before.png" "$WT_DIR/after.png" "$before" "$WT_WINDOW_RECT"
fi
case $name in
*keyboard*) wt_type x ;; # the program waits for a key after the restore
esac
view_after=$(sway_view)
[[ $view_after == "$view_before" ]] ||
	wt_fail "sway sees the window as '$view_after' after the restore, '$view_before' before"
[[ -z $view_before ]] || wt_log "sway's view (border, inhibits idle, inhibitor): $view_after"
pointer jiggle # the lock, and relative motion, after the restore
kill -TERM "$WT_PID_zt"
wt_wait_gone 15 "$WT_PID_zt"
pointer still
cat "$WT_DIR/zt.log"
grep -qx "PASS: $name" "$WT_DIR/zt.log" || wt_fail "$name did not pass"
e2e_no_protocol_error
