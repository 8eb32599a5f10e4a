#!/bin/bash
# A restore that cannot work fails cleanly, with criu's log naming the file and the reason,
# and leaves no process behind: a truncated image, a corrupt one, a newer format, and no
# proxy listening. The intact images then restore.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client dot weston-clickdot
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
pid=$WT_PID_dot
tree=$(e2e_tree "$pid")
mkdir "$WT_DIR/good"
criu dump -t "$pid" -D "$WT_DIR/good" --lib "$WLCR_TOP/build/lib/criu" -o dump.log -v4
for p in $tree; do wt_wait_gone 10 "$p"; done
img=$(cd "$WT_DIR/good" && ls wayland-*.img)

# restore_fails NAME EXPECTED: restores the copy in $WT_DIR/NAME, which must fail with
# EXPECTED in criu's log and leave nothing running
restore_fails() {
	local dir=$WT_DIR/$1
	if criu restore -D "$dir" -d --lib "$WLCR_TOP/build/lib/criu" -o restore.log -v4; then
		wt_fail "$1: the restore succeeded"
	fi
	grep -q -- "$2" "$dir/restore.log" ||
		wt_fail "$1: no '$2' in the log: $(grep -E 'wlcr:|Error' "$dir/restore.log")"
	wt_wait_gone 10 "$pid"
	wt_log "$1: $(grep -m1 -- "$2" "$dir/restore.log" | sed 's/^.*wlcr: //')"
}
copy() {
	cp -a "$WT_DIR/good" "$WT_DIR/$1"
}

copy truncated
truncate -s 40 "$WT_DIR/truncated/$img"
restore_fails truncated "$img: truncated"

copy corrupt
printf 'XXXXXXXX' | dd of="$WT_DIR/corrupt/$img" conv=notrunc status=none
restore_fails corrupt "$img: not a wlcr image"

copy newer
printf '\x63\x00\x00\x00' | dd of="$WT_DIR/newer/$img" bs=1 seek=8 conv=notrunc status=none
restore_fails newer "$img: image format version 99, this wlcr reads version 2"

copy noproxy
WLCR_SOCKET=$XDG_RUNTIME_DIR/no-such-proxy restore_fails noproxy "no wlcr-proxy answers at"

criu restore -D "$WT_DIR/good" -d --lib "$WLCR_TOP/build/lib/criu" -o restore.log -v4
wt_wait_stable 15 "$WT_DIR/after.png"
wt_expect_same "clickdot restored from the intact images" "$WT_DIR/before.png" \
	"$WT_DIR/after.png" "$before" "$WT_WINDOW_RECT"
e2e_no_protocol_error
