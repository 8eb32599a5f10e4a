#!/bin/bash
# One row of the application matrix (scripts/app-matrix): a real application, described by
# test/apps/NAME.app, through every column in turn on headless sway:
#   proxy        it shows the same window through the proxy as run directly
#   checkpoint   criu dump with the plugin
#   restore      criu restore on the same compositor: the same pixels (or it animates again)
#   input        typing into the restored window changes it the way the app reacts
#   migrate      checkpointed again and restored on headless weston at scale 2 through its
#                own proxy, where it shows its window (and animates)
#   back         checkpointed on weston and restored on sway through sway's proxy: a window
#                of the size it had there (same pixels or not: reported), and typing
#                changes it again
#   clean        no protocol error in either proxy's log
# Each column's verdict goes to $WLCR_MATRIX_OUT (if set) as "NAME COLUMN ok|FAIL DETAIL";
# the first failure ends the row. usage: run.sh NAME.app
set -euo pipefail
source "$(dirname "$0")/../e2e/lib.sh"
def=$1
APP=$(basename "${def%.app}")
# what a NAME.app sets (bash):
APP_CMD=()        # the command, with VAR=VALUE environment first
APP_KIND=static   # static: compared pixel for pixel; animated: compared by change
APP_TYPE=         # text to type after the restore (wtype), or
APP_KEY=          # a key to press (wtype -k NAME)
APP_REACTS=change # change: the window changes; stop: it stops animating (the key again
                  # resumes it)
APP_DUMP_ARGS=()  # extra criu dump options the app needs
APP_MAX_DIFF=0    # pixels allowed to differ (a blinking cursor)
APP_SETUP=        # a command run first (makes the media an app plays)
APP_WESTON_STILL= # why it does not animate on headless weston even when run directly there
APP_REFITS=       # why what it draws has another size after a scale change, as when run
                  # directly (the back column then does not compare sizes)
APP_LOG_CLEAN=    # a warning the app must never print (its own log is checked in clean)
APP_STARTUP_S=    # seconds of the app's own start-up animation (a splash) that no event ends
APP_WESTON_UNSHOWN= # why weston shows nothing of it (no layer shell there): the migrate
                  # column then checks that it runs on there unshown, and back that it shows
source "$def"

record() {
	wt_log "matrix: $APP $*"
	[[ -z ${WLCR_MATRIX_OUT:-} ]] || echo "$APP $*" >>"$WLCR_MATRIX_OUT"
}

# The column under way; any failure (a timeout, criu's error) is its verdict.
COL=
begin() { COL=$1; }
pass() {
	record "$COL ok $*"
	COL=
}
eval "wt__matrix_$(declare -f wt_fail)"
wt_fail() {
	local col=$COL
	[[ $col != checkpoint || ${1:-} != "criu restore failed"* ]] || {
		record "checkpoint ok"
		col=restore
	}
	[[ -z $col ]] || record "$col FAIL ${1:-failed}"
	COL=
	wt__matrix_wt_fail "$@"
}

# same A B RECT_A RECT_B: the two rects match within the app's allowance
same() {
	wt__pngcmp compare "$1" "$2" --rect-a "$3" --rect-b "$4" --tolerance 8 \
		--max-diff-pixels "$APP_MAX_DIFF" --diff "$WT_DIR/diff-$(basename "$2")" >/dev/null
}

# settle SHOT: a static window until two shots agree; an animated one once it shows
settle() {
	if [[ $APP_KIND == static ]]; then
		wt_wait_stable 20 "$1"
	else
		wt_wait_window 20 "$1"
	fi
}

# animates SHOT: the window changes on its own within a few seconds
animates() {
	wt_screenshot "$1"
	wt_wait_for 10 "$APP to animate" e2e_changed_from "$1" 8
}

wt_init
cd "$WT_HOME" # apps run here: the media they play are made here
begin proxy
[[ -z $APP_SETUP ]] || eval "$APP_SETUP" || wt_fail "setup: $APP_SETUP"
wt_start_sway
WT_USER= # the app and the proxy as root: see test/e2e/cr-sway-foot.sh
wt_start_proxy
WT_PROXY_SOCKET_SWAY=$WT_PROXY_SOCKET
wt_screenshot "$WT_DIR/empty.png"

# proxy: the direct run is the reference
WT_CLIENT_DISPLAY=$WT_UPSTREAM wt_run_client direct "${APP_CMD[@]}"
[[ -z $APP_STARTUP_S ]] || sleep "$APP_STARTUP_S"
settle "$WT_DIR/direct.png"
direct=$WT_WINDOW_RECT
wt_kill "$WT_PID_direct"
wt_wait_for 10 "the direct window to close" e2e_gone
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client app "${APP_CMD[@]}"
[[ -z $APP_STARTUP_S ]] || sleep "$APP_STARTUP_S"
settle "$WT_DIR/proxied.png"
proxied=$WT_WINDOW_RECT
if [[ $APP_KIND == static ]]; then
	same "$WT_DIR/direct.png" "$WT_DIR/proxied.png" "$direct" "$proxied" ||
		wt_fail "the proxied window differs from the direct one"
	pass "same pixels as run directly"
else
	[[ ${direct#* * } == "${proxied#* * }" ]] || wt_fail "window $proxied, directly $direct"
	animates "$WT_DIR/proxied-anim.png"
	pass "same window size as run directly; animates"
fi

begin checkpoint
e2e_checkpoint_restore "$WT_PID_app" "$APP-1" "${APP_DUMP_ARGS[@]}"
pass "dump $E2E_DUMP_MS ms"
begin restore
wt_alive "$WT_PID_app" || wt_fail "not running after the restore"
if [[ $APP_KIND == static ]]; then
	wt_wait_stable 20 "$WT_DIR/restored.png"
	same "$WT_DIR/proxied.png" "$WT_DIR/restored.png" "$proxied" "$WT_WINDOW_RECT" ||
		wt_fail "the restored window differs from the one before the dump"
	pass "same pixels; restore $E2E_RESTORE_MS ms"
else
	wt_wait_window 20 "$WT_DIR/restored.png"
	animates "$WT_DIR/restored-anim.png"
	pass "animates again; restore $E2E_RESTORE_MS ms"
fi

# reacts SHOT_PREFIX: typing or the app's key changes the window the way the app reacts
reacts() {
	wt_screenshot "$WT_DIR/$1-before.png"
	if [[ -n $APP_TYPE ]]; then
		wt_type "$APP_TYPE"
	else
		WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wtype -k "$APP_KEY"
	fi
	case $APP_REACTS in
	change) wt_wait_for 10 "the window to change" e2e_changed_from "$WT_DIR/$1-before.png" 8 ;;
	stop) wt_wait_for 10 "the window to stop animating" stopped ;;
	esac
	if [[ $APP_REACTS == stop ]]; then
		# the same key again: it plays on, for the next column
		WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wtype -k "$APP_KEY"
		animates "$WT_DIR/$1-resumed.png"
	fi
}
stopped() {
	wt_screenshot "$WT_DIR/s1.png" && sleep 0.5 && wt_screenshot "$WT_DIR/s2.png" &&
		wt__pngcmp compare "$WT_DIR/s1.png" "$WT_DIR/s2.png" >/dev/null
}

begin input
reacts input
pass "${APP_TYPE:-key $APP_KEY}: the window reacts ($APP_REACTS)"

begin migrate
# the window as it is now on sway, for the way back
settle "$WT_DIR/before-migrate.png"
before_migrate=$WT_WINDOW_RECT
sway_upstream=$WT_UPSTREAM
# headless weston at scale 2, through its own proxy; the app finds no seat there
mv "$WT_DIR/proxy.log" "$WT_DIR/proxy-sway.log"
WT_COMPOSITOR=
WT_WESTON_SCALE=2 wt_start_weston wt-weston
wt_start_proxy --socket wlcr-weston
WLCR_SOCKET=$XDG_RUNTIME_DIR/wlcr-weston e2e_checkpoint_restore "$WT_PID_app" "$APP-2" \
	"${APP_DUMP_ARGS[@]}"
still=
if [[ -n $APP_WESTON_UNSHOWN ]]; then
	sleep 1 # what it would show, it has shown by now
	wt_screenshot "$WT_DIR/on-weston.png"
	! wt_window_rect "$WT_DIR/on-weston.png" >/dev/null ||
		wt_fail "weston shows something of it: $APP_WESTON_UNSHOWN"
	WT_WINDOW_RECT=none
	still="; not shown there: $APP_WESTON_UNSHOWN"
else
	wt_wait_window 20 "$WT_DIR/on-weston.png"
fi
if [[ -n $APP_WESTON_UNSHOWN ]]; then
	:
elif [[ $APP_KIND == animated && -z $APP_WESTON_STILL ]]; then
	animates "$WT_DIR/weston-anim.png"
elif [[ $APP_KIND == animated ]]; then
	still="; does not animate there, as when run directly: $APP_WESTON_STILL"
fi
wt_alive "$WT_PID_app" || wt_fail "it exited on weston"
pass "restored on weston at scale 2; window $WT_WINDOW_RECT$still"

begin back
# from weston back to sway, through sway's proxy: the seat is real again. The app makes its
# wl_keyboard anew there, after its surfaces are back; wlroots tells a keyboard made then of
# the focus only while the seat has an active keyboard, which a desktop always has and
# headless sway has only while a wtype runs (each takes its virtual keyboard away when it
# exits): one runs, holding nothing, across the restore. (sway re-sends the focus of windows
# when a keyboard comes, not of a layer surface's: gtk-layer-demo then took keys without the
# keyboard's enter, and ignored them.)
WAYLAND_DISPLAY=$sway_upstream wt_as_user wtype -s 10000 &
active_keyboard=$!
sleep 0.3
WLCR_SOCKET=$XDG_RUNTIME_DIR/$WT_PROXY_SOCKET_SWAY e2e_checkpoint_restore "$WT_PID_app" \
	"$APP-3" "${APP_DUMP_ARGS[@]}"
WT_COMPOSITOR=sway
WT_UPSTREAM=$sway_upstream
# the app has met other outputs meanwhile (weston's scale 2, its physical size), which it may
# keep in mind: its window's size must be the same, its pixels are reported
pixels=
if [[ $APP_KIND == static ]]; then
	wt_wait_stable 20 "$WT_DIR/back.png"
	if same "$WT_DIR/before-migrate.png" "$WT_DIR/back.png" "$before_migrate" "$WT_WINDOW_RECT"
	then
		pixels="same pixels"
	else
		pixels="other pixels (diff-back.png)"
	fi
else
	wt_wait_window 20 "$WT_DIR/back.png"
	animates "$WT_DIR/back-anim.png"
	pixels="animates"
fi
size="window $WT_WINDOW_RECT as it left sway"
if [[ -n $APP_REFITS ]]; then
	size="drawn at $WT_WINDOW_RECT, was $before_migrate: $APP_REFITS"
elif [[ ${WT_WINDOW_RECT#* * } != "${before_migrate#* * }" ]]; then
	wt_fail "back on sway, the window is $WT_WINDOW_RECT, it was $before_migrate"
fi
reacts back
kill "$active_keyboard" 2>/dev/null || true
pass "$size, $pixels; ${APP_TYPE:-key $APP_KEY}: it reacts"

begin clean
for log in "$WT_DIR/proxy-sway.log" "$WT_DIR/proxy.log"; do
	! grep -m1 'wl_display.error' "$log" >&2 || wt_fail "protocol error in $(basename "$log")"
done
if [[ -n $APP_LOG_CLEAN ]] && grep -m1 -F "$APP_LOG_CLEAN" "$WT_DIR/app.log" >&2; then
	wt_fail "the app logged: $APP_LOG_CLEAN"
fi
pass
