#!/bin/bash
# Records real sessions through wlcr-proxy --record (helper/record.h format), the raw material of
# the fuzz corpora: weston's clients on headless weston, foot and weston-terminal on headless
# sway (a seat: keyboard, pointer, focus, serials). Each client runs for a moment, then the
# recordings are copied to OUTDIR as COMPOSITOR-CLIENT.wlrec.
#   usage: test/fuzz/record-sessions.sh OUTDIR [weston|sway]...
set -euo pipefail
source "$(dirname "$0")/../lib/fixtures.sh"
out=$(realpath "${1:?usage: record-sessions.sh OUTDIR [weston|sway]...}")
shift
mkdir -p "$out"
compositors=("$@")
((${#compositors[@]})) || compositors=(weston sway)

# record COMPOSITOR NAME SECONDS CMD...: one client through a recording proxy
record() {
	local compositor=$1 name=$2 secs=$3 pid
	shift 3
	WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client "$name" "$@"
	pid=WT_PID_$name
	sleep "$secs"
	# KILL: the journal as a running app has it (TERM lets it tidy up first)
	wt_kill "${!pid}" KILL
	# the proxy numbers its clients from 1 in the order they came
	n=$((n + 1))
	cp "$WT_DIR/rec/client-$n.wlrec" "$out/$compositor-$name.wlrec"
	wt_log "$compositor-$name: $(stat -c %s "$out/$compositor-$name.wlrec") bytes"
}

for compositor in "${compositors[@]}"; do
	(
		wt_init
		mkdir -m 0777 "$WT_DIR/rec"
		n=0
		if [[ $compositor == weston ]]; then
			wt_start_weston
			wt_start_proxy --record "$WT_DIR/rec"
			record weston simple_shm 1 weston-simple-shm
			record weston presentation_shm 1 weston-presentation-shm
			record weston subsurfaces 1 weston-subsurfaces
			record weston clickdot 1 weston-clickdot
			record weston terminal 1 weston-terminal
			record weston transformed 1 weston-transformed
			record weston scaler 1 weston-scaler
		else
			wt_start_sway
			wt_start_proxy --record "$WT_DIR/rec"
			record sway foot 1.5 foot -- sh -c 'PS1="$ " exec sh'
			record sway terminal 1 weston-terminal
			record sway clickdot 1 weston-clickdot
			record sway confine 1 weston-confine
			record sway dnd 1 weston-dnd
			record sway cliptest 1 weston-cliptest
			record sway eventdemo 1 weston-eventdemo
			record sway gtk3_demo 2 gtk3-demo
		fi
	)
done
