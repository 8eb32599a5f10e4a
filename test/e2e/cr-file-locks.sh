#!/bin/bash
# Apps that hold file locks go through wlcr dump and restore (criu --file-locks), and hold them
# again after the restore: weston-simple-shm started with a flock(1)-locked file open, and
# FocusWriter (Qt 6), which locks its single-instance file in the temporary directory. While a
# restored app runs another process cannot take its lock; once it ends, it can.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
wlcr=$WLCR_TOP/build/bin/wlcr

# locked FILE: some process holds an exclusive lock on FILE
locked() { ! flock -n -x "$1" true; }

# 1. weston-simple-shm with a locked file open
lock=$WT_DIR/app.lock
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm sh -c \
	'exec 9>"$1"; flock -x 9; exec weston-simple-shm' sh "$lock"
wt_wait_window 15 "$WT_DIR/shm-before.png"
locked "$lock" || wt_fail "the app does not hold its lock"
tree=$(e2e_tree "$WT_PID_shm")
"$wlcr" dump "$WT_PID_shm" "$WT_DIR/shm" >&2
for p in $tree; do wt_wait_gone 10 "$p"; done
locked "$lock" && wt_fail "the lock is still held after the dump"
"$wlcr" restore "$WT_DIR/shm" >&2
wt_alive "$WT_PID_shm" || wt_fail "the app did not come back"
locked "$lock" || wt_fail "the restored app does not hold its lock"
wt_wait_window 15 "$WT_DIR/shm-after.png"
wt_wait_for 5 "weston-simple-shm to animate after the restore" \
	e2e_changed_from "$WT_DIR/shm-after.png"
wt_log "weston-simple-shm holds its lock again and animates"
wt_kill "$WT_PID_shm"
locked "$lock" && wt_fail "the lock outlived the app"
wt_wait_for 10 "the window to go" e2e_gone

# 2. FocusWriter: Qt's lock file
mkdir -p "$WT_HOME/tmp"
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client fw QT_QPA_PLATFORM=wayland \
	TMPDIR="$WT_HOME/tmp" XDG_DATA_HOME="$WT_HOME/data" XDG_CONFIG_HOME="$WT_HOME/config" \
	focuswriter
wt_wait_for 20 "FocusWriter's lock file" \
	"ls $WT_HOME/tmp/*lock* >/dev/null 2>&1"
qtlock=$(ls "$WT_HOME"/tmp/*lock* | head -n 1)
sleep 5 # its splash animates while it loads its themes (see test/apps/qt6.app)
wt_wait_stable 20 "$WT_DIR/fw-before.png"
rect_before=$WT_WINDOW_RECT
locked "$qtlock" || wt_fail "FocusWriter does not hold $qtlock"
tree=$(e2e_tree "$WT_PID_fw")
"$wlcr" dump "$WT_PID_fw" "$WT_DIR/fw" >&2
for p in $tree; do wt_wait_gone 10 "$p"; done
"$wlcr" restore "$WT_DIR/fw" >&2
locked "$qtlock" || wt_fail "the restored FocusWriter does not hold $qtlock"
wt_wait_stable 20 "$WT_DIR/fw-after.png"
# (a blinking text cursor may differ)
wt__pngcmp compare "$WT_DIR/fw-before.png" "$WT_DIR/fw-after.png" --rect-a "$rect_before" \
	--rect-b "$WT_WINDOW_RECT" --max-diff-pixels 64 --diff "$WT_DIR/fw-diff.png" >&2 ||
	wt_fail "FocusWriter's window differs after the restore (fw-diff.png)"
wt_log "FocusWriter holds $(basename "$qtlock") again and shows the same window"
e2e_no_protocol_error
