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
	criu check --feature mem_dirty_track >/dev/null 2>&1 && echo precopy
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
	[[ $(mh_clients "$1") -ge 1 ]] || wt_fail "$1's proxy has no client"
}

# No proxy logged a wl_display.error.
mt_no_protocol_error() {
	local log
	for log in "$WT_DIR"/*/proxy.log; do
		! grep -n 'wl_display.error' "$log" >&2 || wt_fail "protocol error in $log"
	done
}
