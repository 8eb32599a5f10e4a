# shellcheck shell=bash
# Shared by the migration tests: two hosts, A with headless sway and B with headless weston,
# each with its proxy at the same path and wlcr receive, credentials from one CA.

# shellcheck source=test/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
# shellcheck source=test/lib/hosts.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/hosts.sh"

# mt_hosts: hosts A (sway) and B (weston), linked, each with a proxy and wlcr receive
mt_hosts() {
	wt_init
	mh_host A 30000
	mh_host B 40000
	mh_link A B
	mh_keys
	mh_compositor A sway
	mh_compositor B weston
	WT_USER= # the proxies and apps as root (see test/e2e/cr-sway-foot.sh)
	mh_proxy A
	mh_proxy B
	mh_receive A
	mh_receive B
}

# The modes this host's CRIU can do, for "each mode available here".
mt_modes() {
	echo copy
	criu check --feature uffd-noncoop >/dev/null 2>&1 && echo lazy
	# precopy once wlcr runs pre-dump rounds: until then it refuses the mode even where CRIU
	# tracks writes (refused.sh checks the refusal)
	if criu check --feature mem_dirty_track >/dev/null 2>&1 &&
		! "$MH_WLCR" migrate --help | grep -q 'precopy: not implemented'; then
		echo precopy
	fi
	return 0
}

# mt_migrate FROM TO NSPID MODE [ARGS...]: wlcr migrate in FROM; fails the test unless it
# succeeds. Its output is in $WT_DIR/migrate.out.
mt_migrate() {
	local from=$1 to=$2 pid=$3 mode=$4
	shift 4
	wt_log "migrate pid $pid from $from to $to ($mode)"
	if ! mh_in "$from" "$MH_WLCR" migrate --keys "${MH_KEYS[$from]}" --timeout 5 \
		--mode "$mode" "$@" "$pid" "${MH_ADDR[$to]}" >"$WT_DIR/migrate.out" 2>&1; then
		sed 's/^/    /' "$WT_DIR/migrate.out" >&2
		tail -n 5 "$WT_DIR/$to/receive.log" | sed 's/^/    receive: /' >&2
		wt_fail "wlcr migrate from $from to $to ($mode) failed"
	fi
	sed -n '/^wlcr migrate: .* runs on/,$p' "$WT_DIR/migrate.out" | sed 's/^/    /' >&2
}

# mt_gone_from NAME NSPID: nothing of the app is left in host NAME: no process, no client of
# its proxy, no window, no work directory
mt_gone_from() {
	local name=$1 pid=$2
	! mh_nspid_alive "$name" "$pid" || wt_fail "pid $pid still runs on $name"
	[[ $(mh_clients "$name") == 0 ]] || wt_fail "$name's proxy still has a client"
	[[ -z $(mh_in "$name" ls /var/tmp) ]] ||
		wt_fail "$name keeps a work directory: $(mh_in "$name" ls /var/tmp)"
	mh_use "$name"
	wt_wait_for 10 "the window to leave $name" e2e_gone
}

# mt_runs_on NAME NSPID: the app runs in host NAME, a client of its proxy
mt_runs_on() {
	mh_nspid_alive "$1" "$2" || wt_fail "pid $2 does not run on $1"
	wt_wait_for 10 "a client of $1's proxy" "[[ \$(mh_clients $1) -ge 1 ]]"
}

# No proxy logged a wl_display.error.
mt_no_protocol_error() {
	local log
	for log in "$WT_DIR"/*/proxy.log; do
		! grep -n 'wl_display.error' "$log" >&2 || wt_fail "protocol error in $log"
	done
}

# mt_migrate_bg FROM TO NSPID MODE: wlcr migrate in the background, its output in
# $WT_DIR/bg.out; mt_wait_out PATTERN waits for a line of it; mt_bg_failed waits for its end
# and fails the test unless it failed
mt_migrate_bg() {
	local from=$1 to=$2 pid=$3 mode=$4
	wt_log "migrate pid $pid from $from to $to ($mode), to be interrupted"
	mh_in "$from" "$MH_WLCR" migrate --keys "${MH_KEYS[$from]}" --timeout 5 --mode "$mode" \
		"$pid" "${MH_ADDR[$to]}" >"$WT_DIR/bg.out" 2>&1 &
	MT_BG=$!
}
mt_wait_out() {
	wt_wait_for 30 "wlcr migrate to print '$1'" "grep -q -- '$1' $WT_DIR/bg.out"
}
mt_bg_failed() {
	local rc=0
	wait "$MT_BG" || rc=$?
	sed 's/^/    /' "$WT_DIR/bg.out" | grep -v '^    \[' >&2
	((rc != 0)) || wt_fail "wlcr migrate succeeded; it should have failed"
}

# mt_verify HOST NSPID: the memory writer checks every page it holds (SIGUSR1) and reports
mt_verify() {
	: >"$WT_DIR/report"
	mh_kill "$1" "$2" USR1
	wt_wait_for 20 "the memory writer's check" "[[ -s $WT_DIR/report ]]"
	grep -q '^ok ' "$WT_DIR/report" || wt_fail "memory check on $1: $(cat "$WT_DIR/report")"
	wt_log "memory check on $1: $(cat "$WT_DIR/report")"
}

# mt_intact HOST NSPID: it runs on HOST, a client of its proxy, its window animating there and
# its memory whole
mt_intact() {
	mt_runs_on "$1" "$2"
	mh_use "$1"
	wt_wait_window 20 "$WT_DIR/intact.png"
	wt_wait_for 10 "its window on $1 to animate" e2e_changed_from "$WT_DIR/intact.png"
	mt_verify "$1" "$2"
}

# mt_clean HOST NSPID: after a failed migration, nothing of the app on HOST (the receiving
# side notices the failure within its timeout)
mt_clean() {
	wt_wait_for 20 "$1 to have nothing of pid $2" \
		"! mh_nspid_alive $1 $2 && [[ \$(mh_clients $1) == 0 && -z \$(mh_in $1 ls /var/tmp) ]]"
	mh_use "$1"
	wt_wait_for 10 "no window on $1" e2e_gone
}

# mt_roundtrip KIND NSPID CHECK_TYPING: for each mode available here, A (sway) to B (weston) and
# back, checking each move: nothing left where it was, it runs where it went, its window shows
# there (static apps: unchanged; animated ones animating, unless MT_WESTON_STILL says why not on
# weston), and back on sway CHECK_TYPING (a function given the mode) shows that input reaches it
mt_roundtrip() {
	local kind=$1 pid=$2 check=$3 mode
	mh_use A
	mt_settle "$kind" "$WT_DIR/start.png"
	for mode in $(mt_modes); do
		mh_use A
		mt_settle "$kind" "$WT_DIR/before-$mode.png"
		local before=$WT_WINDOW_RECT
		mt_migrate A B "$pid" "$mode"
		mt_gone_from A "$pid"
		mt_runs_on B "$pid"
		mh_use B
		if [[ $kind == animated && -z ${MT_WESTON_STILL:-} ]]; then
			mt_settle animated "$WT_DIR/on-b-$mode.png"
		else
			wt_wait_window 20 "$WT_DIR/on-b-$mode.png"
		fi
		wt_log "on B ($mode): window $WT_WINDOW_RECT"

		mt_migrate B A "$pid" "$mode"
		mt_gone_from B "$pid"
		mt_runs_on A "$pid"
		mh_use A
		mt_settle "$kind" "$WT_DIR/back-$mode.png"
		[[ ${WT_WINDOW_RECT#* * } == "${before#* * }" ]] ||
			wt_fail "back on A ($mode) the window is $WT_WINDOW_RECT, it was $before"
		if [[ $kind == static ]] && ! wt__pngcmp compare "$WT_DIR/before-$mode.png" \
			"$WT_DIR/back-$mode.png" --rect-a "$before" --rect-b "$WT_WINDOW_RECT" \
			--tolerance 8 --max-diff-pixels "${MT_MAX_DIFF:-0}" \
			--diff "$WT_DIR/diff-back-$mode.png" >"$WT_DIR/cmp.out"; then
			wt_fail "back on A ($mode), the window differs: $(cat "$WT_DIR/cmp.out")"
		fi
		"$check" "$mode"
	done
	mt_no_protocol_error
}

# mt_settle static|animated SHOT: a static window until two shots agree; an animated one until
# it has changed (it animates)
mt_settle() {
	if [[ $1 == static ]]; then
		wt_wait_stable 20 "$2"
	else
		wt_wait_window 20 "$2"
		wt_wait_for 10 "the window to animate" e2e_changed_from "$2" 8
	fi
}
