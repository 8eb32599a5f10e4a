#!/bin/bash
# No failure of the proxy leaves an app frozen: with the proxy stopped (SIGSTOP) in the middle
# of a dump, criu dump fails within the plugin's bound, naming the cause, and the app is not
# left in tracing stop. Once the proxy runs again the app animates on, still connected, and
# checkpoints and restores as usual. A control client of another uid is told it is not allowed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt_init
wt_start_weston
wt_start_proxy
wlcr=$WLCR_TOP/build/bin/wlcr

animating() {
	wt_wait_window 15 "$WT_DIR/a-1.png"
	for i in 2 3; do
		wt_wait_for 5 "weston-simple-shm to animate ($1, frame $i)" \
			e2e_changed_from "$WT_DIR/a-$((i - 1)).png"
		mv "$WT_DIR/now.png" "$WT_DIR/a-$i.png"
	done
}

WT_CLIENT_DISPLAY=$WT_PROXY_SOCKET wt_run_client shm weston-simple-shm
animating "before the dump"

kill -STOP "$WT_PROXY_PID"
wt_on_exit "kill -CONT $WT_PROXY_PID"
dir=$WT_DIR/hung.img
mkdir -p "$dir"
t0=$(wt__now_us)
rc=0
criu dump -t "$WT_PID_shm" -D "$dir" --lib "$WLCR_TOP/build/lib/criu" -v4 -o dump.log || rc=$?
t=$((($(wt__now_us) - t0) / 1000))
[[ $rc != 0 ]] || wt_fail "criu dump succeeded with the proxy stopped"
wt_log "criu dump failed after $t ms"
grep 'wlcr:' "$dir/dump.log" >&2 || true
grep -q "did not hand over the app's journal within" "$dir/dump.log" ||
	wt_fail "the dump's log does not say that the proxy did not answer"
((t < 30000)) || wt_fail "the dump took $t ms to give up"
state=$(sed -n 's/^State:\t//p' "/proc/$WT_PID_shm/status")
[[ $state != t* && $state != T* ]] || wt_fail "the app is left stopped: $state"
kill -CONT "$WT_PROXY_PID"
animating "after the failed dump, the proxy running again"
wt_wait_for 5 "the proxy to resume the client" \
	'[[ $(grep -c "quiesced for a dump" "$WT_DIR/proxy.log") == $(grep -c ": resumed" "$WT_DIR/proxy.log") ]]'

# and it still checkpoints
tree=$(e2e_tree "$WT_PID_shm")
"$wlcr" dump "$WT_PID_shm" "$WT_DIR/again" >&2
"$wlcr" restore "$WT_DIR/again" >&2
animating "after a checkpoint and restore"

# a control client that is neither root nor the proxy's user hears why it is refused (the
# socket's mode keeps it out in the first place: opened up here to reach the proxy's check)
chmod 0711 "$XDG_RUNTIME_DIR" "$WT_DIR"
chmod 0666 "$XDG_RUNTIME_DIR/$WT_PROXY_SOCKET.ctl"
user=${WLCR_TEST_USER:-wlcrtest}
out=$(runuser -u "$user" -- "$wlcr" ls --socket "$XDG_RUNTIME_DIR/$WT_PROXY_SOCKET" 2>&1) &&
	wt_fail "wlcr ls of another uid succeeded"
wt_log "another uid: $out"
[[ $out == *"may not control this proxy"* ]] || wt_fail "another uid was not told why: $out"
e2e_no_protocol_error
