# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Fixtures for the end-to-end tests: a headless compositor (weston as root, or sway as the
# unprivileged user $WLCR_TEST_USER), the proxy, clients with a clean environment, screenshots
# and pixel comparisons. Source this file from a bash test running under `set -euo pipefail`,
# then call wt_init first. Exit codes follow the runner: 0 pass, 77 skip, anything else fail.
#
#   wt_init                              temp dir, runtime dir, cleanup trap (call first)
#   wt_log MSG | wt_skip REASON | wt_fail MSG | wt_on_exit CMD...
#   wt_wait_for TIMEOUT DESC CMD...      poll CMD every 50 ms; fail with DESC on timeout
#   wt_start_weston [NAME] | wt_start_sway [NAME]
#   wt_start_proxy [ARGS...]             the proxy in front of the compositor
#   wt_run_client NAME [VAR=VAL...] CMD...   pid in WT_PID_<NAME>, output in $WT_DIR/NAME.log
#   wt_as_user CMD... | wt_alive PID | wt_kill PID [SIG] | wt_wait_gone TIMEOUT PID
#   wt_screenshot OUT.png | wt_type TEXT | wt_window_rect SHOT.png
#   wt_wait_window TIMEOUT [SHOT.png] | wt_wait_stable TIMEOUT [SHOT.png]
#                                        set WT_WINDOW_SHOT and WT_WINDOW_RECT
#   wt_compare A B RECT_A RECT_B [TOL] | wt_expect_same DESC A B RECT_A RECT_B [TOL]
#   wt_expect_differ DESC A B RECT_A RECT_B [TOL]
# Variables: WLCR_TOP WT_DIR WT_HOME XDG_RUNTIME_DIR WT_BG WT_COMPOSITOR WT_COMPOSITOR_PID
# WT_UPSTREAM WT_USER SWAYSOCK WT_PROXY_SOCKET WT_PROXY_PID. Settings: WLCR_PROXY, WLCR_PNGCMP,
# WLCR_TEST_USER (wlcrtest), WLCR_TEST_TMPDIR (/tmp), WT_CLIENT_DISPLAY, WT_MIN_AREA (16).
#
# Every process a test starts carries WT_TAG=<unique> in its environment (children and
# double-forked helpers such as swaybg inherit it; CRIU restores it), so the cleanup finds and
# kills exactly those processes, whatever session or process group they moved to.
#
# shellcheck disable=SC2034 # WT_* variables are set for the tests that source this file.
#
# Messages go to the test's stderr as it was at wt_init (fd $WT__ERR), so that they show even
# from helpers used inside $(...) or with their output redirected (as wt_wait_for does).

if [[ -n ${WT__SOURCED:-} ]]; then
	return 0
fi
WT__SOURCED=1

WLCR_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export WLCR_TOP

# Background of every compositor, as RRGGBB: pixels of any other colour belong to a window.
WT_BG=204060
export WT_BG

WT__PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

wt__now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	echo "$((10#$t))"
}

# Seconds (integer or decimal) to microseconds, without forking bc.
wt__secs_to_us() {
	local i=${1%%.*} f=0
	if [[ $1 == *.* ]]; then
		f=${1#*.}000000
		f=${f:0:6}
	fi
	echo "$((10#${i:-0} * 1000000 + 10#$f))"
}

wt_log() {
	local e=$(($(wt__now_us) - ${WT__T0:-$(wt__now_us)}))
	printf '[%3d.%03d] %s\n' $((e / 1000000)) $((e % 1000000 / 1000)) "$*" >&"${WT__ERR:-2}"
}

wt_skip() {
	# The runner reports the last line of the output as the reason.
	echo "${1:-skipped}" >&"${WT__ERR:-2}"
	exit 77
}

wt_fail() {
	echo "FAIL: ${1:-failed}" >&"${WT__ERR:-2}"
	WT__FAILED=1
	exit 1
}

wt__signal() {
	echo "FAIL: killed by SIG$1" >&"${WT__ERR:-2}"
	WT__FAILED=1
	exit "$2"
}

wt__require() {
	local cmd
	for cmd; do
		command -v "$cmd" >/dev/null || wt_skip "$cmd is not installed"
	done
}

wt__pngcmp() {
	local bin=${WLCR_PNGCMP:-$WLCR_TOP/build/test/bin/wlcr-pngcmp}
	[[ -x $bin ]] || wt_fail "$bin not found: run make, or set WLCR_PNGCMP"
	"$bin" "$@"
}

# wt_init: private temp dir $WT_DIR, private XDG_RUNTIME_DIR, cleanup on exit.
wt_init() {
	WT__T0=$(wt__now_us)
	exec {WT__ERR}>&2
	WT_DIR=$(mktemp -d "${WLCR_TEST_TMPDIR:-/tmp}/wlcr-test.XXXXXX")
	XDG_RUNTIME_DIR=$WT_DIR/run
	WT_HOME=$WT_DIR/home
	mkdir -m 0700 "$XDG_RUNTIME_DIR" "$WT_HOME"
	WT_TAG=wlcr-test-$$-$RANDOM$RANDOM
	WT_USER=
	WT_COMPOSITOR=
	WT_UPSTREAM=
	WT_PROXY_SOCKET=
	WT__DEFERRED=()
	WT__NSHOT=0
	export WT_DIR XDG_RUNTIME_DIR WT_HOME WT_TAG WT_USER WT_COMPOSITOR WT_UPSTREAM
	# Whatever the caller had would point at another session.
	unset WAYLAND_DISPLAY WAYLAND_SOCKET DISPLAY SWAYSOCK DBUS_SESSION_BUS_ADDRESS
	WT__FAILED=
	trap wt__cleanup EXIT
	trap 'wt__signal INT 130' INT
	trap 'wt__signal TERM 143' TERM
	trap 'wt__signal HUP 129' HUP
}

# wt_on_exit CMD...: run CMD (eval'd) at exit before the processes are killed, last first.
wt_on_exit() {
	WT__DEFERRED+=("$*")
}

# Pids of the live processes carrying our tag; zombies have no environment and do not count.
wt__tagged_pids() {
	local out line
	# grep runs without the tag so that it does not find itself.
	out=$(env -u WT_TAG grep -lzxF -e "WT_TAG=$WT_TAG" /proc/[0-9]*/environ 2>/dev/null) || true
	for line in $out; do
		line=${line#/proc/}
		echo "${line%/environ}"
	done
}

wt__kill_all() {
	local pids deadline
	pids=$(wt__tagged_pids)
	[[ -n $pids ]] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	deadline=$(($(wt__now_us) + 3000000))
	while [[ -n $pids ]] && (($(wt__now_us) < deadline)); do
		sleep 0.05
		pids=$(wt__tagged_pids)
	done
	[[ -n $pids ]] || return 0
	echo "wt: killing processes that ignored SIGTERM: ${pids//$'\n'/ }" >&"${WT__ERR:-2}"
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	deadline=$(($(wt__now_us) + 2000000))
	while [[ -n $(wt__tagged_pids) ]] && (($(wt__now_us) < deadline)); do
		sleep 0.05
	done
}

wt__cleanup() {
	local rc=$? cmd=$BASH_COMMAND i dest
	set +e
	trap - EXIT INT TERM HUP
	exec >&"$WT__ERR" 2>&1
	if [[ $rc != 0 && $rc != 77 && -z $WT__FAILED && $cmd != exit* ]]; then
		# set -e ended the test: say where.
		echo "FAIL: exit status $rc from: $cmd"
	fi
	# Commands run from here on must not look like the test's processes.
	export -n WT_TAG
	for ((i = ${#WT__DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${WT__DEFERRED[i]}"
	done
	wt__kill_all
	# WLCR_TEST_KEEP=1 keeps what a passing test saw too, to look at its screenshots.
	if [[ $rc != 0 && $rc != 77 || -n ${WLCR_TEST_KEEP:-} ]]; then
		if [[ -n ${WLCR_TEST_ARTIFACTS:-} ]]; then
			dest=$WLCR_TEST_ARTIFACTS/wt
			mkdir -p "$dest"
			# Logs, screenshots, configs and small images; sockets and huge dumps stay.
			(cd "$WT_DIR" && find . -path ./run -prune -o -type f -size -16M -print0 |
				xargs -0r cp --parents -t "$dest")
			echo "wt: test ended (exit $rc); logs and screenshots in $dest" >&"${WT__ERR:-2}"
		else
			echo "wt: test failed (exit $rc); kept $WT_DIR" >&"${WT__ERR:-2}"
			exit "$rc"
		fi
	fi
	rm -rf "$WT_DIR"
	exit "$rc"
}

# wt_wait_for TIMEOUT_S DESCRIPTION CMD...: re-run CMD (eval'd if it is one word) until it
# succeeds; on timeout fail, showing what the last attempt printed.
wt_wait_for() {
	local timeout=$1 desc=$2 deadline out=$WT_DIR/wait-for.out
	shift 2
	deadline=$(($(wt__now_us) + $(wt__secs_to_us "$timeout")))
	while :; do
		if wt__try "$@" >"$out" 2>&1; then
			return 0
		fi
		if (($(wt__now_us) >= deadline)); then
			if [[ -s $out ]]; then
				echo "wt: last attempt printed:" >&"${WT__ERR:-2}"
				tail -n 20 "$out" | sed 's/^/    /' >&"${WT__ERR:-2}"
			fi
			wt_fail "timed out after ${timeout}s waiting for $desc"
		fi
		sleep 0.05
	done
}

wt__try() {
	if (($# == 1)); then
		eval "$1"
	else
		"$@"
	fi
}

wt__check_name() {
	[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || wt_fail "bad name '$1': use [A-Za-z0-9_]"
}

# wt__spawn LOG KEEP_FD CMD...: start CMD in the background in its own session, stdin from
# /dev/null, stdout and stderr to LOG, no inherited fds but 0-2 and KEEP_FD (or "-"), in $WT_HOME.
# Sets WT__SPAWNED to its pid.
wt__spawn() {
	local log=$1 keep=$2
	shift 2
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			if ((fd > 2)) && [[ $fd != "$keep" ]]; then
				exec {fd}>&-
			fi
		done
		# The one directory that exists as long as the session and that its user can enter.
		cd "$WT_HOME" || exit 1
		# Not a group leader (no job control), so setsid execs instead of forking: the pid
		# stays that of the program.
		exec setsid "$@"
	) </dev/null >>"$log" 2>&1 &
	WT__SPAWNED=$!
	# No "Terminated" job reports from bash when the cleanup kills it.
	disown "$WT__SPAWNED"
}

# The prefix that makes a command run as the compositor's user (nothing if that is us).
wt__user_prefix() {
	WT__AS_USER=()
	if [[ -n $WT_USER && $WT_USER != "$(id -un)" ]]; then
		WT__AS_USER=(setpriv --reuid="$WT_USER" --regid="$WT_USER" --init-groups --)
	fi
}

# A clean environment for a program of the session; extra VAR=VALUE words may follow.
wt__env() {
	local user=${WT_USER:-root}
	WT__ENV=(env -i PATH="$WT__PATH" HOME="$WT_HOME" USER="$user" LOGNAME="$user"
		LANG=C.UTF-8 XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" WT_TAG="$WT_TAG")
	if [[ -n ${WLCR_TEST_TAG:-} ]]; then
		WT__ENV+=(WLCR_TEST_TAG="$WLCR_TEST_TAG")
	fi
}

# wt_as_user CMD...: run CMD now, as the compositor's user, with the caller's environment but
# the session's HOME and WAYLAND_DISPLAY defaulting to the compositor.
wt_as_user() {
	wt__user_prefix
	HOME=$WT_HOME WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-$WT_UPSTREAM} "${WT__AS_USER[@]}" "$@"
}

# wt_alive PID: PID runs (a zombie is dead already).
wt_alive() {
	[[ -e /proc/$1 ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Fail at once, with its log, when the compositor died instead of waiting for the timeout.
wt__check_compositor() {
	wt_alive "$WT_COMPOSITOR_PID" && return 0
	tail -n 20 "$WT_DIR/$WT_COMPOSITOR.log" | sed 's/^/    /' >&"${WT__ERR:-2}"
	wt_fail "$WT_COMPOSITOR exited (log above)"
}

wt__socket_up() {
	wt__check_compositor
	[[ -S $XDG_RUNTIME_DIR/$1 ]]
}

# A screenshot that is all background: the compositor is up and has drawn its background.
wt__shows_background() {
	local shot=$WT_DIR/background.png rc=0
	wt_screenshot "$shot" || return 1
	wt__pngcmp locate "$shot" "$WT_BG" >/dev/null || rc=$?
	[[ $rc == 1 ]]
}

# The background shows somewhere, around windows a restarted compositor already shows (clients
# that waited for it through the proxy): not all of the screen is window.
wt__background_visible() {
	local shot=$WT_DIR/background.png rect rc=0
	wt_screenshot "$shot" || return 1
	rect=$(wt__pngcmp locate "$shot" "$WT_BG" 2>/dev/null) || rc=$?
	[[ $rc == 1 ]] || { [[ $rc == 0 ]] && [[ $rect != "0 0 "* ]]; }
}

# wt_start_weston [NAME]: headless weston as root on socket NAME (default wt-compositor), its
# output at scale $WT_WESTON_SCALE (default 1). WT_RESTART=1 (also for wt_start_sway): windows
# may show at once (clients waited for it through the proxy).
wt_start_weston() {
	local name=${1:-wt-compositor} ini=$WT_DIR/weston.ini
	wt__require weston weston-screenshooter
	[[ -z $WT_COMPOSITOR ]] || wt_fail "a compositor ($WT_COMPOSITOR) is already running"
	# The animations would make screenshots depend on timing; the panel draws a clock; the
	# on-screen keyboard is one more client for nothing.
	cat >"$ini" <<-EOF
		[core]
		idle-time=0

		[shell]
		panel-position=none
		background-color=0xff$WT_BG
		startup-animation=none
		animation=none
		close-animation=none
		focus-animation=none
		locking=false

		[input-method]
		path=
	EOF
	WT_USER=
	wt__env
	wt__spawn "$WT_DIR/weston.log" - "${WT__ENV[@]}" weston --backend=headless-backend.so \
		--use-pixman --debug --socket="$name" --idle-time=0 --width=800 --height=600 \
		--scale="${WT_WESTON_SCALE:-1}" --config="$ini"
	WT_COMPOSITOR_PID=$WT__SPAWNED
	WT_COMPOSITOR=weston
	WT_UPSTREAM=$name
	export WT_COMPOSITOR WT_UPSTREAM WT_COMPOSITOR_PID
	wt_wait_for 10 "weston's socket $name" wt__socket_up "$name"
	if [[ -n ${WT_RESTART:-} ]]; then
		wt_wait_for 10 "weston to draw" wt__background_visible
	else
		wt_wait_for 10 "weston to draw its background" wt__shows_background
	fi
	wt_log "weston (pid $WT_COMPOSITOR_PID) serves $name"
}

wt__sway_up() {
	local f
	wt__check_compositor
	WT__SWAY_SOCKET=
	SWAYSOCK=
	for f in "$XDG_RUNTIME_DIR"/wayland-*; do
		[[ -S $f ]] && WT__SWAY_SOCKET=${f##*/}
	done
	# this sway's (a sway that was killed leaves its own behind)
	for f in "$XDG_RUNTIME_DIR"/sway-ipc.*."$WT_COMPOSITOR_PID".sock; do
		[[ -S $f ]] && SWAYSOCK=$f
	done
	[[ -n $WT__SWAY_SOCKET && -n $SWAYSOCK ]] || return 1
	export SWAYSOCK
	wt_as_user swaymsg -t get_version
}

# wt_start_sway [NAME]: headless sway, as $WLCR_TEST_USER when we are root (it refuses root).
# Sway names its socket itself (wayland-N); with NAME, a hard link NAME to it gives the socket a
# known name. $WT_SWAY_OUTPUTS outputs (default 1), the second to the right of the first, each
# $WT_SWAY_RES (default 800x600).
wt_start_sway() {
	local name=${1:-} conf=$WT_DIR/sway.conf user=${WLCR_TEST_USER:-wlcrtest}
	wt__require sway swaymsg grim
	[[ -z $WT_COMPOSITOR ]] || wt_fail "a compositor ($WT_COMPOSITOR) is already running"
	if [[ $(id -u) == 0 ]]; then
		id "$user" >/dev/null 2>&1 ||
			wt_skip "user $user does not exist (headless sway refuses root)"
		# The user needs to reach the runtime dir and home, and own the runtime dir.
		chmod 0711 "$WT_DIR"
		chown "$user:" "$XDG_RUNTIME_DIR" "$WT_HOME"
	else
		user=$(id -un)
	fi
	# The cursor is hidden so that it cannot show up in a screenshot.
	cat >"$conf" <<-EOF
		xwayland disable
		output * resolution ${WT_SWAY_RES:-800x600} position 0 0 bg #$WT_BG solid_color
		default_border none
		default_floating_border none
		focus_follows_mouse no
		seat * hide_cursor 100
		output HEADLESS-2 position 800 0
	EOF
	chmod 0644 "$conf"
	WT_USER=$user
	wt__env
	wt__user_prefix
	wt__spawn "$WT_DIR/sway.log" - "${WT__AS_USER[@]}" "${WT__ENV[@]}" WLR_BACKENDS=headless \
		WLR_HEADLESS_OUTPUTS="${WT_SWAY_OUTPUTS:-1}" WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman sway -c "$conf"
	WT_COMPOSITOR_PID=$WT__SPAWNED
	WT_COMPOSITOR=sway
	export WT_COMPOSITOR WT_USER WT_COMPOSITOR_PID
	wt_wait_for 10 "sway's sockets and IPC" wt__sway_up
	WT_UPSTREAM=$WT__SWAY_SOCKET
	if [[ -n $name && $name != "$WT_UPSTREAM" ]]; then
		# -f: a sway started again replaces the link to the one that died
		ln -f "$XDG_RUNTIME_DIR/$WT_UPSTREAM" "$XDG_RUNTIME_DIR/$name"
		WT_UPSTREAM=$name
	fi
	export WT_UPSTREAM
	if [[ -n ${WT_RESTART:-} ]]; then
		# windows of clients that waited for it may cover all of it at once
		wt_wait_for 10 "sway to draw" wt_screenshot "$WT_DIR/background.png"
	else
		wt_wait_for 10 "sway to draw its background" wt__shows_background
	fi
	wt__sway_keyboard
	wt_log "sway (pid $WT_COMPOSITOR_PID, user $WT_USER) serves $WT_UPSTREAM"
}

wt__seat_has_keyboard() {
	wt_as_user swaymsg -t get_seats | grep -q '"capabilities": [2367]'
}

# Headless sway has no keyboard: its seat gains one with each wtype and loses it when wtype exits,
# and a client that binds wl_keyboard only then misses the first keys. A virtual keyboard that
# stays (wtype sleeping for 66 minutes, longer than any test) makes the seat look like a desktop's.
wt__sway_keyboard() {
	command -v wtype >/dev/null || return 0
	wt__env
	wt__user_prefix
	wt__spawn "$WT_DIR/keyboard.log" - "${WT__AS_USER[@]}" "${WT__ENV[@]}" \
		WAYLAND_DISPLAY="$WT_UPSTREAM" wtype -s 4000000
	wt_wait_for 10 "sway's seat to have a keyboard" wt__seat_has_keyboard
}

# wt_start_proxy [ARGS...]: the proxy on socket wlcr-test in front of the compositor, as the
# compositor's user; returns once it reports ready on fd 3. WT_PROXY_ARGS adds options to
# every proxy a test starts (e.g. --log-level debug, to look into a failure).
wt_start_proxy() {
	local proxy=${WLCR_PROXY:-$WLCR_TOP/build/bin/wlcr-proxy} fifo=$WT_DIR/proxy.ready
	local rfd line deadline
	[[ -n $WT_UPSTREAM ]] || wt_fail "wt_start_proxy: start a compositor first"
	[[ -x $proxy ]] || wt_fail "$proxy not found: run make, or set WLCR_PROXY"
	WT_PROXY_SOCKET=wlcr-test
	rm -f "$fifo"
	mkfifo "$fifo"
	# Opened read-write, so neither side blocks in open() and a proxy that dies early does
	# not leave us waiting for a writer.
	exec {rfd}<>"$fifo"
	wt__env
	wt__user_prefix
	wt__spawn "$WT_DIR/proxy.log" 3 "${WT__AS_USER[@]}" "${WT__ENV[@]}" \
		"$proxy" --socket "$WT_PROXY_SOCKET" --upstream "$WT_UPSTREAM" --ready-fd 3 "$@" \
		${WT_PROXY_ARGS:-} \
		3>"$fifo"
	WT_PROXY_PID=$WT__SPAWNED
	export WT_PROXY_SOCKET WT_PROXY_PID
	deadline=$(($(wt__now_us) + 10000000))
	while ! read -r -t 0.1 -u "$rfd" line; do
		if ! wt_alive "$WT_PROXY_PID"; then
			exec {rfd}<&-
			tail -n 20 "$WT_DIR/proxy.log" | sed 's/^/    /' >&"${WT__ERR:-2}"
			wt_fail "the proxy exited before it was ready (log above)"
		fi
		if (($(wt__now_us) >= deadline)); then
			exec {rfd}<&-
			tail -n 20 "$WT_DIR/proxy.log" | sed 's/^/    /' >&"${WT__ERR:-2}"
			wt_fail "the proxy did not report ready within 10 s"
		fi
	done
	exec {rfd}<&-
	rm -f "$fifo"
	wt_log "proxy (pid $WT_PROXY_PID) serves $WT_PROXY_SOCKET"
}

# wt_run_client NAME [VAR=VALUE...] CMD...: start a client in the background with a clean
# environment, as the compositor's user, connected to the proxy if one runs, else to the
# compositor (WT_CLIENT_DISPLAY overrides). Output goes to $WT_DIR/NAME.log; the pid is in
# WT_PID_<NAME>.
wt_run_client() {
	local name=$1 display
	shift
	wt__check_name "$name"
	(($# > 0)) || wt_fail "wt_run_client $name: no command"
	display=${WT_CLIENT_DISPLAY:-${WT_PROXY_SOCKET:-$WT_UPSTREAM}}
	[[ -n $display ]] || wt_fail "wt_run_client $name: start a compositor first"
	wt__env
	wt__user_prefix
	wt__spawn "$WT_DIR/$name.log" - "${WT__AS_USER[@]}" "${WT__ENV[@]}" \
		WAYLAND_DISPLAY="$display" NO_AT_BRIDGE=1 DBUS_SESSION_BUS_ADDRESS=disabled: \
		GDK_BACKEND=wayland SDL_AUDIODRIVER=dummy "$@"
	printf -v "WT_PID_$name" %s "$WT__SPAWNED"
	wt_log "client $name (pid $WT__SPAWNED) on $display: $*"
}

# wt_kill PID [SIGNAL]: signal PID and wait until it is gone (reaped, not just a zombie).
wt_kill() {
	kill "-${2:-TERM}" "$1" 2>/dev/null || true
	wt_wait_gone 10 "$1"
}

# wt_wait_gone TIMEOUT PID: wait until /proc/PID vanishes, e.g. to restore a process under
# its old pid (here pid 1 reaps orphans late).
wt_wait_gone() {
	wt_wait_for "$1" "pid $2 to vanish" "[[ ! -e /proc/$2 ]]"
}

# wt_screenshot OUT.png: a screenshot of the whole output, taken directly from the compositor.
wt_screenshot() {
	local out=$1 dir f
	case $WT_COMPOSITOR in
	weston)
		dir=$(mktemp -d "$WT_DIR/shot.XXXXXX")
		wt__env
		(cd "$dir" && timeout 10 "${WT__ENV[@]}" WAYLAND_DISPLAY="$WT_UPSTREAM" \
			weston-screenshooter) >"$WT_DIR/screenshooter.log" 2>&1 || {
			cat "$WT_DIR/screenshooter.log" >&2
			rm -rf "$dir"
			echo "wt: weston-screenshooter failed" >&2
			return 1
		}
		for f in "$dir"/wayland-screenshot-*.png; do
			mv "$f" "$out"
		done
		rm -rf "$dir"
		[[ -s $out ]]
		;;
	sway)
		WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user timeout 10 grim - >"$out"
		;;
	*)
		wt_fail "wt_screenshot: no compositor running"
		;;
	esac
}

# wt_type TEXT: type TEXT into the focused window (sway only: headless weston has no seat).
wt_type() {
	[[ $WT_COMPOSITOR == sway ]] || wt_skip "wt_type: headless $WT_COMPOSITOR has no seat"
	wt__require wtype
	WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wtype -- "$1"
}

# wt_window_rect SHOT.png: print "x y w h", the region that is not background (regions under 16
# pixels, e.g. a stray cursor, excepted); non-zero when there is none.
wt_window_rect() {
	wt__pngcmp locate "$1" "$WT_BG" --min-area "${WT_MIN_AREA:-16}"
}

# wt_compare A.png B.png RECT_A RECT_B [TOLERANCE]: compare RECT_A of A with RECT_B of B (an
# empty rect is the whole image); prints pngcmp's verdict; 0 same, 1 differ, 2 error. A diff
# image is left in $WT_DIR (copied to the artifacts if the test fails).
wt_compare() {
	local a=$1 b=$2 ra=$3 rb=$4 tol=${5:-8} diff args=()
	WT__NSHOT=$((WT__NSHOT + 1))
	diff=$WT_DIR/diff-$WT__NSHOT-$(basename "${a%.png}")-$(basename "${b%.png}").png
	[[ -z $ra ]] || args+=(--rect-a "$ra")
	[[ -z $rb ]] || args+=(--rect-b "$rb")
	wt__pngcmp compare "$a" "$b" "${args[@]}" --tolerance "$tol" --diff "$diff"
}

# wt_expect_same DESC A.png B.png RECT_A RECT_B [TOLERANCE]: fail the test unless the same.
wt_expect_same() {
	local desc=$1 out rc=0
	shift
	out=$(wt_compare "$@") || rc=$?
	case $rc in
	0) wt_log "$desc: $out" ;;
	1) wt_fail "$desc: expected the same, got $out" ;;
	*) wt_fail "$desc: cannot compare $1 and $2" ;;
	esac
}

# wt_expect_differ DESC A.png B.png RECT_A RECT_B [TOLERANCE]: the negative control of the above.
wt_expect_differ() {
	local desc=$1 out rc=0
	shift
	out=$(wt_compare "$@") || rc=$?
	case $rc in
	1) wt_log "$desc: $out" ;;
	0) wt_fail "$desc: expected a difference, got $out" ;;
	*) wt_fail "$desc: cannot compare $1 and $2" ;;
	esac
}

wt__window_shown() {
	wt_screenshot "$WT_WINDOW_SHOT" && WT_WINDOW_RECT=$(wt_window_rect "$WT_WINDOW_SHOT")
}

# wt_wait_window TIMEOUT [SHOT.png]: wait until a screenshot shows a window. Leaves the shot in
# WT_WINDOW_SHOT (default $WT_DIR/window.png) and its region in WT_WINDOW_RECT.
wt_wait_window() {
	WT_WINDOW_SHOT=${2:-$WT_DIR/window.png}
	WT_WINDOW_RECT=
	wt_wait_for "$1" "a window to appear" wt__window_shown
}

wt__window_stable() {
	local prev=$WT_DIR/stable-prev.png
	[[ ! -e $WT_WINDOW_SHOT ]] || mv "$WT_WINDOW_SHOT" "$prev"
	wt__window_shown || return 1
	[[ -e $prev ]] && wt__pngcmp compare "$prev" "$WT_WINDOW_SHOT" --tolerance 0 >/dev/null
}

# wt_wait_stable TIMEOUT [SHOT.png]: like wt_wait_window, but waits until two screenshots in a
# row are identical, so that a window still drawing its first frames is not compared.
wt_wait_stable() {
	WT_WINDOW_SHOT=${2:-$WT_DIR/window.png}
	WT_WINDOW_RECT=
	rm -f "$WT_WINDOW_SHOT" "$WT_DIR/stable-prev.png"
	wt_wait_for "$1" "the screen to show a window and stop changing" wt__window_stable
}
