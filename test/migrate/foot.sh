#!/bin/bash
# foot with a shell that keeps printing, migrated live from a sway host to a weston host and back
# in each mode this machine's CRIU can do: on each host its window shows and keeps changing, the
# host it left has nothing of it, and on sway typed text reaches it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt__require foot wtype
mt_hosts
# no fork in the loop: the tree's pids stay the ones CRIU moves; what is typed is appended to a
# file (opened for each line, so no checkpoint sees it open)
typed=$WT_DIR/typed.txt
mh_app A app foot -o 'colors.alpha=1' bash -c \
	'i=0; while :; do i=$((i+1)); echo "line $i"; read -r -t 0.2 x && echo "$x" >>"$0"; done' \
	"$typed"
pid=${MH_NSPID[app]}
mh_use A
wt_wait_window 20 "$WT_DIR/start.png"
wt_wait_for 10 "foot to keep printing" e2e_changed_from "$WT_DIR/start.png"

for mode in $(mt_modes); do
	mt_migrate A B "$pid" "$mode"
	mt_gone_from A "$pid"
	mt_runs_on B "$pid"
	mh_use B
	wt_wait_window 20 "$WT_DIR/on-b-$mode.png"
	wt_wait_for 10 "foot to keep printing on B ($mode)" e2e_changed_from "$WT_DIR/on-b-$mode.png"

	mt_migrate B A "$pid" "$mode"
	mt_gone_from B "$pid"
	mt_runs_on A "$pid"
	mh_use A
	wt_wait_window 20 "$WT_DIR/back-$mode.png"
	wt_wait_for 10 "foot to keep printing on A ($mode)" e2e_changed_from "$WT_DIR/back-$mode.png"
	# typed text reaches it: the shell echoes it back ("got: ...")
	wt_type "typed-$mode"
	wt_type $'\n'
	wt_wait_for 10 "the typed line to reach the shell" "grep -qx typed-$mode $typed"
done
mt_no_protocol_error
