#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The fixtures work against the real compositors: screenshots show what clients draw, window
# regions compare equal wherever the window is placed, and every positive comparison has a
# negative control that must fail. Runs the weston half and the sway half each in its own
# session (selftest-fixtures.sh weston|sway); without an argument, both.

# shellcheck disable=SC2154 # WT_PID_<NAME> is set by wt_run_client.
# shellcheck disable=SC2016 # $HOME, $WAYLAND_DISPLAY are the client's.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if (($# == 0)); then
	rc=0
	reasons=()
	for part in weston sway; do
		echo "== $part"
		prc=0
		WLCR_TEST_ARTIFACTS=${WLCR_TEST_ARTIFACTS:+$WLCR_TEST_ARTIFACTS/$part} \
			"$here/selftest-fixtures.sh" "$part" 2>&1 | tee "${TMPDIR:-/tmp}/selftest-$$.$part" ||
			prc=$?
		if ((prc == 77)); then
			reasons+=("$part: $(tail -n 1 "${TMPDIR:-/tmp}/selftest-$$.$part")")
		elif ((prc != 0)); then
			rc=1
		fi
		rm -f "${TMPDIR:-/tmp}/selftest-$$.$part"
	done
	if ((rc == 0 && ${#reasons[@]} > 0)); then
		# A skipped half is reported, not hidden behind the other half's pass.
		echo "${reasons[*]}"
		exit 77
	fi
	exit "$rc"
fi

# shellcheck source=test/lib/fixtures.sh
source "$here/fixtures.sh"
wt_init

# The window has left: the screen is background again.
gone() {
	wt_screenshot "$WT_DIR/gone.png" && ! wt_window_rect "$WT_DIR/gone.png"
}

changed_from() {
	wt_screenshot "$WT_DIR/now.png" &&
		! wt__pngcmp compare "$1" "$WT_DIR/now.png" --tolerance 0 >/dev/null
}

test_weston() {
	local a b c shm1 shm2 rect_a rect_b rect_c rc fd cenv

	wt_start_weston wt-compositor
	wt_screenshot "$WT_DIR/empty.png"
	! wt_window_rect "$WT_DIR/empty.png" 2>/dev/null || wt_fail "the empty desktop is not blank"

	# An animated client: found, and its frames differ over time.
	wt_run_client shm weston-simple-shm
	wt_wait_window 10 "$WT_DIR/shm1.png"
	shm1=$WT_WINDOW_RECT
	wt_wait_for 5 "weston-simple-shm to animate" changed_from "$WT_DIR/shm1.png"
	mv "$WT_DIR/now.png" "$WT_DIR/shm2.png"
	shm2=$(wt_window_rect "$WT_DIR/shm2.png")
	[[ $shm1 == "$shm2" ]] || wt_fail "weston-simple-shm moved: $shm1 -> $shm2"
	wt_expect_differ "simple-shm, two frames" "$WT_DIR/shm1.png" "$WT_DIR/shm2.png" "$shm1" \
		"$shm2"
	wt_kill "$WT_PID_shm"
	wt_wait_for 5 "the simple-shm window to go" gone

	# A static client: two shots are the same, and not the same as the empty desktop.
	wt_run_client dot weston-clickdot
	wt_wait_stable 10 "$WT_DIR/dot-a.png"
	a=$WT_DIR/dot-a.png
	rect_a=$WT_WINDOW_RECT
	wt_screenshot "$WT_DIR/dot-b.png"
	b=$WT_DIR/dot-b.png
	rect_b=$(wt_window_rect "$b")
	wt_expect_same "clickdot, two shots" "$a" "$b" "$rect_a" "$rect_b"
	wt_expect_differ "clickdot against the empty desktop" "$a" "$WT_DIR/empty.png" "$rect_a" \
		"$rect_a"

	# The clean start of a client: fds 0-2 only, nothing of the test's environment.
	wt_run_client sleeper sleep 1000
	wt_wait_for 5 "the sleeper to exec" "[[ \$(readlink /proc/$WT_PID_sleeper/exe) == */sleep ]]"
	fd=$(cd "/proc/$WT_PID_sleeper/fd" && echo *)
	[[ $fd == "0 1 2" ]] || wt_fail "a client inherited fds: $fd"
	[[ $(readlink "/proc/$WT_PID_sleeper/fd/0") == /dev/null ]] || wt_fail "client stdin"
	cenv=$(tr '\0' '\n' <"/proc/$WT_PID_sleeper/environ")
	! grep -q '^WLCR_TOP=\|^WT_DIR=' <<<"$cenv" || wt_fail "a client inherited the test's env"
	grep -qx "WAYLAND_DISPLAY=$WT_UPSTREAM" <<<"$cenv" || wt_fail "client WAYLAND_DISPLAY"
	wt_kill "$WT_PID_sleeper"

	# Weston places windows at random: the same client elsewhere still compares the same.
	wt_kill "$WT_PID_dot"
	wt_wait_for 5 "the clickdot window to go" gone
	wt_run_client dot2 weston-clickdot
	wt_wait_stable 10 "$WT_DIR/dot-c.png"
	c=$WT_DIR/dot-c.png
	rect_c=$WT_WINDOW_RECT
	wt_log "clickdot placed at $rect_a, then at $rect_c"
	wt_expect_same "clickdot, started twice" "$a" "$c" "$rect_a" "$rect_c"

	# Another client: a window of another size, not the same.
	wt_kill "$WT_PID_dot2"
	wt_wait_for 5 "the second clickdot window to go" gone
	wt_run_client flower weston-flower
	wt_wait_stable 10 "$WT_DIR/flower.png"
	wt_expect_differ "clickdot against flower" "$c" "$WT_DIR/flower.png" "$rect_c" \
		"$WT_WINDOW_RECT"

	rc=0
	wt_compare "$WT_DIR/missing.png" "$a" "" "" >/dev/null 2>&1 || rc=$?
	[[ $rc == 2 ]] || wt_fail "comparing a missing file returned $rc, not 2"

	rc=0
	(
		# shellcheck disable=SC2034 # where wt_skip writes
		exec {WT__ERR}>"$WT_DIR/expected-skip.log"
		wt_type x
	) || rc=$?
	[[ $rc == 77 ]] || wt_fail "wt_type on weston returned $rc, not 77 (skip)"

	test_proxy
}

# The proxy fixture, with stand-ins for the proxy (the real one has its own tests).
test_proxy() {
	local expected=$WT_DIR/expected-failure.log

	printf '#!/bin/sh\necho "$@"\nexit 3\n' >"$WT_DIR/dead-proxy"
	chmod 0755 "$WT_DIR/dead-proxy"
	if (
		# shellcheck disable=SC2034 # where wt_fail writes
		exec {WT__ERR}>"$expected"
		WLCR_PROXY=$WT_DIR/dead-proxy wt_start_proxy
	); then
		wt_fail "wt_start_proxy accepted a proxy that exited"
	fi
	grep -q "exited before it was ready" "$expected" || wt_fail "no message for a dead proxy"

	printf '#!/bin/sh\necho "$@"\necho >&3\nexec 3>&-\nexec sleep 1000\n' >"$WT_DIR/fake-proxy"
	chmod 0755 "$WT_DIR/fake-proxy"
	WLCR_PROXY=$WT_DIR/fake-proxy wt_start_proxy --extra
	[[ $WT_PROXY_SOCKET == wlcr-test ]] || wt_fail "WT_PROXY_SOCKET=$WT_PROXY_SOCKET"
	grep -qx -- "--socket wlcr-test --upstream $WT_UPSTREAM --ready-fd 3 --extra" \
		"$WT_DIR/proxy.log" || wt_fail "proxy arguments: $(cat "$WT_DIR/proxy.log")"
	wt_run_client display sh -c 'echo "$WAYLAND_DISPLAY"'
	wt_wait_for 5 "the display client" "grep -qx wlcr-test $WT_DIR/display.log"
}

test_sway() {
	local a b c uid

	wt_start_sway wt-compositor
	[[ $WT_UPSTREAM == wt-compositor ]] || wt_fail "WT_UPSTREAM=$WT_UPSTREAM"
	wt_screenshot "$WT_DIR/empty.png"
	! wt_window_rect "$WT_DIR/empty.png" 2>/dev/null || wt_fail "the empty desktop is not blank"

	wt_run_client term foot
	wt_wait_stable 10 "$WT_DIR/term-a.png"
	a=$WT_DIR/term-a.png
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$WT_PID_term/status")
	[[ $uid == $(id -u "$WT_USER") ]] || wt_fail "foot runs as uid $uid, not as $WT_USER"
	wt_log "foot's window: $WT_WINDOW_RECT"

	wt_screenshot "$WT_DIR/term-b.png"
	b=$WT_DIR/term-b.png
	wt_expect_same "foot, two shots" "$a" "$b" "$WT_WINDOW_RECT" "$(wt_window_rect "$b")"

	wt_type "echo wlcr fixtures"
	wt_wait_for 5 "the typed text to show" changed_from "$a"
	wt_wait_stable 10 "$WT_DIR/term-c.png"
	c=$WT_DIR/term-c.png
	wt_expect_differ "foot before and after typing" "$a" "$c" "$(wt_window_rect "$a")" \
		"$WT_WINDOW_RECT"

	wt_kill "$WT_PID_term"
	wt_wait_for 5 "the foot window to go" gone

	# Every key arrives, the first one included.
	wt_run_client reader foot -- sh -c 'IFS= read -r line; printf "%s\n" "$line" >"$HOME/typed"'
	wt_wait_stable 10
	wt_type "Hello, wlcr!"
	wt_as_user wtype -k Return
	wt_wait_for 5 "the reader to save the line" "[[ -s $WT_HOME/typed ]]"
	[[ $(cat "$WT_HOME/typed") == "Hello, wlcr!" ]] || wt_fail "typed: $(cat "$WT_HOME/typed")"
}

case $1 in
weston) test_weston ;;
sway) test_sway ;;
*) wt_fail "unknown part '$1'" ;;
esac
wt_log "$1: all checks passed"
