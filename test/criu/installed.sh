#!/bin/bash
# The CRIU every test uses (/usr/local/sbin/criu) is the patched build these tests run, and
# tracks memory on this kernel: criu check --feature mem_dirty_track passes (with userfaultfd
# where the kernel has no soft-dirty) and track-mem-stop exists.
source "$(dirname "$0")/lib.sh"

criu=/usr/local/sbin/criu
cmp "$criu" "$CRIU_SRC/criu/criu" ||
	{ echo "$criu is not the build of these patches in $CRIU_SRC: run scripts/setup"; exit 1; }
"$criu" check --feature mem_dirty_track
"$criu" check --feature uffd_wp_async
"$criu" check --feature mem_dirty_track --dirty-tracking=uffd

# track-mem-stop on a task without any tracker: nothing to do, and it keeps running
setsid sleep 100 </dev/null >/dev/null 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null; criu_cleanup' EXIT
"$criu" track-mem-stop -t "$pid" -o "$criu_tmp/stop.log" -v4 -D "$criu_tmp"
grep -q '^State:.*S' "/proc/$pid/status" || { echo "track-mem-stop left $pid stopped"; exit 1; }
echo "track-mem-stop: ok"
