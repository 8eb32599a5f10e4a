#!/bin/bash
# foot through the proxy on headless sway (sway as the unprivileged test user), checkpointed
# and restored by root with plain criu: the window shows the same text as before, and keys
# typed after the restore reach the shell in it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_sway
# The proxy and foot run as root against the test user's sway: criu reads every task's
# rlimits, and prlimit() on another user's process needs CAP_SYS_RESOURCE, which root lacks
# on this machine (a container's root usually has it; criu then dumps any user's app).
WT_USER=
wt_start_proxy
wt_screenshot "$WT_DIR/empty.png"

# A shell that reads lines from the terminal: sh -c, not interactive (an interactive shell
# opens /dev/tty, which criu cannot dump). What it reads goes into a file.
WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client term \
	foot -- sh -c 'echo before the checkpoint; while IFS= read -r l; do echo "$l" >>"$HOME/typed"; done'
wt_wait_stable 15 "$WT_DIR/before.png"
before=$WT_WINDOW_RECT
e2e_checkpoint_restore "$WT_PID_term" foot
wt_wait_stable 15 "$WT_DIR/after.png"
wt_expect_same "foot before the dump and after the restore" "$WT_DIR/before.png" \
	"$WT_DIR/after.png" "$before" "$WT_WINDOW_RECT"
wt_expect_differ "foot against the empty desktop (negative control)" "$WT_DIR/after.png" \
	"$WT_DIR/empty.png" "$WT_WINDOW_RECT" "$WT_WINDOW_RECT"

wt_type "typed after the restore"
wt_as_user wtype -k Return
wt_wait_for 10 "the restored foot to take keys" "[[ -s $WT_HOME/typed ]]"
[[ $(cat "$WT_HOME/typed") == "typed after the restore" ]] ||
	wt_fail "the restored app read: $(cat "$WT_HOME/typed")"
wt_wait_for 5 "the typed text to show" e2e_changed_from "$WT_DIR/after.png"
e2e_no_protocol_error
