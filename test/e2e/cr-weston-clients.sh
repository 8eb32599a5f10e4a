#!/bin/bash
# Checkpoint and restore weston's demo clients with plain criu and the plugin, on headless
# weston: after the restore the window shows the same pixels as before the dump (static
# clients) or animates again (weston-simple-shm), and the proxy logs no protocol error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

# weston-terminal's shell: a non-interactive sh and a cat on the terminal's pty (three
# processes). An interactive shell opens /dev/tty, and criu refuses to dump that ("ctty
# inheritance detected"), with or without wlcr.
printf '#!/bin/sh\necho "wlcr: a shell on the pty"\nexec cat\n' >"$WT_DIR/shell.sh"
chmod +x "$WT_DIR/shell.sh"

for app in weston-clickdot weston-flower weston-terminal; do
	name=${app#weston-}
	WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client "$name" SHELL="$WT_DIR/shell.sh" "$app"
	wt_wait_stable 15 "$WT_DIR/$name-before.png"
	before=$WT_WINDOW_RECT
	pidvar="WT_PID_$name"
	e2e_checkpoint_restore "${!pidvar}" "$name"
	wt_wait_stable 15 "$WT_DIR/$name-after.png"
	wt_expect_same "$app before the dump and after the restore" "$WT_DIR/$name-before.png" \
		"$WT_DIR/$name-after.png" "$before" "$WT_WINDOW_RECT"
	wt_expect_differ "$app against the empty desktop (negative control)" \
		"$WT_DIR/$name-after.png" "$WT_DIR/empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"
	wt_kill "${!pidvar}"
	wt_wait_for 10 "the $app window to go" e2e_gone
done

# An animated client animates again after the restore.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
wt_wait_window 15 "$WT_DIR/shm-before.png"
e2e_checkpoint_restore "$WT_PID_shm" shm
wt_wait_window 15 "$WT_DIR/shm-1.png"
for i in 2 3 4; do
	wt_wait_for 5 "weston-simple-shm to draw frame $i after the restore" \
		e2e_changed_from "$WT_DIR/shm-$((i - 1)).png"
	mv "$WT_DIR/now.png" "$WT_DIR/shm-$i.png"
done
e2e_no_protocol_error
