#!/bin/bash
# Apps survive a compositor crash: headless weston is killed (SIGKILL) and started again, and
# the apps connected through the proxy come back on it with the same pid, replayed by the
# proxy with no CRIU.
# - weston-clickdot alone: its window shows the same pixels after the crash as before.
# - weston-clickdot, weston-terminal and weston-simple-shm together, ten crashes in a row:
#   after each, every app runs, the proxy says each was replayed, windows show, and
#   simple-shm draws new frames (weston places windows at random, so one may hide another:
#   the proxy's log tells its new frames). (Headless weston has no seat: typing is tested on
#   sway, survive-sway.sh.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy

# crash: kill weston, start it again, wait for every client to run on it
crash() {
	local before
	before=$(grep -c ': runs on ' "$WT_DIR/proxy.log" || true)
	kill -KILL "$WT_COMPOSITOR_PID"
	wt_wait_gone 10 "$WT_COMPOSITOR_PID"
	mv "$WT_DIR/weston.log" "$WT_DIR/weston-$1.log"
	WT_COMPOSITOR=
	WT_RESTART=1 wt_start_weston
	wt_wait_for 10 "$2 clients to run on the new weston" \
		"(( \$(grep -c ': runs on ' $WT_DIR/proxy.log) >= $before + $2 ))"
}

# the area of the screen that is not background, in pixels
window_area() {
	wt_screenshot "$WT_DIR/area.png"
	local rect
	rect=$(wt_window_rect "$WT_DIR/area.png") || { echo 0; return; }
	read -r _ _ w h <<<"$rect"
	echo $((w * h))
}

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client clickdot weston-clickdot
wt_wait_stable 15 "$WT_DIR/clickdot-before.png"
before=$WT_WINDOW_RECT
crash 0 1
wt_wait_stable 15 "$WT_DIR/clickdot-after.png"
wt_expect_same "weston-clickdot before the crash and after weston came back" \
	"$WT_DIR/clickdot-before.png" "$WT_DIR/clickdot-after.png" "$before" "$WT_WINDOW_RECT"
wt_alive "$WT_PID_clickdot" || wt_fail "weston-clickdot died"

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client terminal weston-terminal --shell=/bin/sh
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_for 10 "three clients" "(( \$(grep -c ': connected, pid' $WT_DIR/proxy.log) == 3 ))"
shm=$(sed -n "s/.*client \([0-9]*\): connected, pid $WT_PID_shm,.*/\1/p" "$WT_DIR/proxy.log")
frames() { grep -c "client $shm: first frame on " "$WT_DIR/proxy.log" || true; }
for round in $(seq 1 10); do
	drawn=$(frames)
	crash "$round" 3
	for app in clickdot terminal shm; do
		pid=WT_PID_$app
		wt_alive "${!pid}" || wt_fail "round $round: $app died: $(cat "$WT_DIR/$app.log")"
	done
	wt_wait_for 5 "round $round: simple-shm to draw on the new weston" \
		"(( \$(frames) > $drawn ))"
	area=$(window_area)
	# the windows may land elsewhere, and overlap otherwise than before
	((area > 0)) || wt_fail "round $round: no window shows"
	wt_log "round $round: every app runs and was replayed, simple-shm draws, windows over $area pixels"
done
grep ': first frame on ' "$WT_DIR/proxy.log" | tail -n 3 >&2
e2e_no_protocol_error
