# shellcheck shell=bash
# Shared by the end-to-end tests, on top of test/lib/fixtures.sh.

# shellcheck source=test/lib/fixtures.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/fixtures.sh"

# e2e_changed_from SHOT [TOLERANCE]: the screen differs from SHOT (an animated client drew a
# new frame, typed text showed), by more than TOLERANCE per channel (default 0).
e2e_changed_from() {
	wt_screenshot "$WT_DIR/now.png" &&
		! wt__pngcmp compare "$1" "$WT_DIR/now.png" --tolerance "${2:-0}" >/dev/null
}

# e2e_start_seat: what headless sway's seat lacks, plugged in (test/e2e/wlseat.py): a virtual
# pointer and an input method; e2e_seat CMD sends it a command (jiggle, still, move X Y,
# click N). Its log is $WT_DIR/seat.log.
e2e_start_seat() {
	exec {E2E_SEAT_FD}> >(WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user \
		"$WLCR_TOP/test/e2e/wlseat.py" >"$WT_DIR/seat.log" 2>&1)
}
e2e_seat() {
	echo "$*" >&"$E2E_SEAT_FD"
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

# e2e_tree PID: PID and all its descendants.
e2e_tree() {
	local p c
	echo "$1"
	for p in /proc/"$1"/task/*/children; do
		for c in $(cat "$p" 2>/dev/null); do
			e2e_tree "$c"
		done
	done
}

# e2e_checkpoint_restore PID NAME [CRIU_DUMP_ARGS...]: plain criu with the plugin, as a user
# would run it: dump PID into $WT_DIR/NAME.img, wait for its pid to be free, restore it
# detached. Sets E2E_DUMP_MS and E2E_RESTORE_MS.
e2e_checkpoint_restore() {
	local pid=$1 name=$2 dir=$WT_DIR/$2.img t0 t1 t2 p tree
	shift 2
	mkdir -p "$dir"
	tree=$(e2e_tree "$pid")
	t0=$(wt__now_us)
	criu dump -t "$pid" -D "$dir" --lib "$WLCR_TOP/build/lib/criu" -v4 -o dump.log "$@" ||
		wt_fail "criu dump failed: $(grep -E 'Error|wlcr:' "$dir/dump.log" | grep -v RLIMIT)"
	t1=$(wt__now_us)
	E2E_DUMP_MS=$(((t1 - t0) / 1000))
	[[ " $* " == *" -R "* || " $* " == *" --leave-running "* ]] && return 0
	# every pid of the tree must be free again (pid 1 reaps orphans late here)
	for p in $tree; do
		wt_wait_gone 10 "$p"
	done
	# what changes while the app is checkpointed (E2E_BETWEEN: a command)
	if [[ -n ${E2E_BETWEEN:-} ]]; then
		eval "$E2E_BETWEEN" || wt_fail "between the dump and the restore: $E2E_BETWEEN"
	fi
	t1=$(wt__now_us)
	criu restore -D "$dir" -d --lib "$WLCR_TOP/build/lib/criu" -v4 -o restore.log ||
		wt_fail "criu restore failed: $(grep -E 'Error|wlcr:' "$dir/restore.log" | grep -v RLIMIT)"
	t2=$(wt__now_us)
	E2E_RESTORE_MS=$(((t2 - t1) / 1000))
	wt_alive "$pid" || wt_fail "pid $pid is not running after the restore"
	wt_log "$name: dump ${E2E_DUMP_MS} ms, restore ${E2E_RESTORE_MS} ms"
}

# e2e_sway_views: "APP_ID X Y W H" for each window sway shows, from its IPC (a window without an
# app_id: its title, spaces as _). Sway sees the proxy's pid for every proxied window: the
# app_id tells them apart.
e2e_sway_views() {
	wt_as_user swaymsg -t get_tree | python3 -c '
import json, sys
def walk(n):
    if n.get("pid") and n.get("visible", True):
        r = n["rect"]
        key = n.get("app_id") or (n.get("name") or "-").replace(" ", "_")
        print(key, r["x"], r["y"], r["width"], r["height"])
    for c in n.get("nodes", []) + n.get("floating_nodes", []):
        walk(c)
walk(json.load(sys.stdin))'
}

# e2e_sway_rect APP_ID: "X Y W H" of that app's window on sway (fails when none shows).
e2e_sway_rect() {
	local line
	line=$(e2e_sway_views | awk -v a="$1" '$1 == a { print $2, $3, $4, $5; exit }')
	[[ -n $line ]] && echo "$line"
}
