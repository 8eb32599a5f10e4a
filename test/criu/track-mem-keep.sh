#!/bin/bash
# dump --track-mem-keep (patch 0011): a dump that leaves its task stopped leaves the trackers in
# it; track-mem-stop then ends them, and the task goes on with its memory whole
# (zdtm/static/uffd-track-writes checks it). Without the option the dump closes them.
source "$(dirname "$0")/lib.sh"

criu=$CRIU_SRC/criu/criu
zt=$CRIU_SRC/test/zdtm/static/uffd-track-writes

# trackers PID: how many userfaultfds the task holds
trackers() {
	local n=0 fd
	for fd in /proc/"$1"/fd/*; do
		[[ $(readlink "$fd") == "anon_inode:[userfaultfd]" ]] && n=$((n + 1))
	done
	echo "$n"
}

for keep in yes no; do
	d=$criu_tmp/$keep
	mkdir -p "$d/1" "$d/2"
	(cd "$d" && "$zt" --pidfile="$d/pid" --outfile="$d/out") || { echo "the test did not start"; exit 1; }
	pid=$(cat "$d/pid")
	sleep 0.3
	"$criu" pre-dump -t "$pid" -D "$d/1" --track-mem -o pre-dump.log -v4
	sleep 0.3
	args=(--prev-images-dir ../1 --track-mem --leave-stopped)
	[[ $keep == yes ]] && args+=(--track-mem-keep)
	"$criu" dump -t "$pid" -D "$d/2" "${args[@]}" -o dump.log -v4
	n=$(trackers "$pid")
	echo "--track-mem-keep $keep: $n tracker(s) left in the stopped task"
	if [[ $keep == yes ]]; then
		((n == 1)) || { echo "the dump did not leave the tracker"; exit 1; }
		"$criu" track-mem-stop -t "$pid" -D "$d" -o stop.log -v4
		n=$(trackers "$pid")
		((n == 0)) || { echo "track-mem-stop left $n tracker(s)"; exit 1; }
	else
		((n == 0)) || { echo "the dump left $n tracker(s)"; exit 1; }
	fi
	kill -CONT "$pid"
	sleep 0.3
	kill -TERM "$pid"
	for _ in $(seq 500); do grep -q 'PASS\|FAIL' "$d/out" 2>/dev/null && break; sleep 0.02; done
	cat "$d/out"
	grep -q PASS "$d/out" || exit 1
done
