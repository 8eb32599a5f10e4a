#!/bin/bash
# A pre-copy restored lazily (patch 0009): a task writing its memory all the time
# (zdtm/static/uffd-track-writes, run as a plain ZDTM test: CRIU's harness cannot restore
# lazily in the uns flavor here, where an unprivileged user namespace may not open a
# userfaultfd) is pre-dumped twice and dumped, then restored with --lazy-pages: the pages the
# pre-dumps left in the parent images must be left to the lazy-pages daemon (the restore reads
# almost none of them), which serves them from the parent images, from a local daemon and
# through a page server; the task checks all its memory afterwards.
source "$(dirname "$0")/lib.sh"

criu=$CRIU_SRC/criu/criu
zt=$CRIU_SRC/test/zdtm/static/uffd-track-writes
"$criu" check --feature lazy_parent_pages

# wait_gone PID: its pid is free again (criu restores it as it was)
wait_gone() {
	for _ in $(seq 500); do [[ -d /proc/$1 ]] || return 0; sleep 0.02; done
	echo "pid $1 still there"
	return 1
}

# chain DIR: the test task, pre-dumped twice into DIR/1 and DIR/2 and dumped into DIR/3
chain() {
	local d=$1 pid
	mkdir -p "$d/1" "$d/2" "$d/3"
	(cd "$d" && "$zt" --pidfile="$d/pid" --outfile="$d/out") || { echo "the test did not start"; return 1; }
	pid=$(cat "$d/pid")
	sleep 0.3
	"$criu" pre-dump -t "$pid" -D "$d/1" --track-mem -o pre-dump.log -v4
	sleep 0.3
	"$criu" pre-dump -t "$pid" -D "$d/2" --prev-images-dir ../1 --track-mem -o pre-dump.log -v4
	sleep 0.3
	"$criu" dump -t "$pid" -D "$d/3" --prev-images-dir ../2 --track-mem -o dump.log -v4
	wait_gone "$pid"
}

# restored DIR DAEMON_PID: the restore left the parent's pages lazy, the daemon served all of
# them, and the task's own check passes
restored() {
	local d=$1 daemon=$2 pid restored lazy
	pid=$(cat "$d/pid")
	restored=$(sed -n "s/.* $pid: nr_restored_pages: *//p" "$d/3/restore.log")
	lazy=$(sed -n "s/.* $pid: nr_lazy: *//p" "$d/3/restore.log")
	echo "restore: $restored pages read, $lazy lazy"
	((lazy > 4 * restored)) || { echo "the restore read the parent's pages"; return 1; }
	wait "$daemon" || { echo "criu lazy-pages failed"; tail -n 5 "$d/3/lazy-pages.log"; return 1; }
	grep -q 'UFFD transferred pages: (\([0-9]*\)/\1)' "$d/3/lazy-pages.log" ||
		{ echo "criu lazy-pages did not transfer every page"; return 1; }
	kill -TERM "$pid"
	for _ in $(seq 500); do grep -q 'PASS\|FAIL' "$d/out" 2>/dev/null && break; sleep 0.02; done
	cat "$d/out"
	grep -q PASS "$d/out"
}

echo "== a local lazy-pages daemon"
d=$criu_tmp/local
chain "$d"
"$criu" lazy-pages -D "$d/3" -o lazy-pages.log -v4 &
daemon=$!
sleep 0.2
"$criu" restore -D "$d/3" -d --lazy-pages -o restore.log -v4
restored "$d" "$daemon"

echo "== through a page server"
d=$criu_tmp/remote
chain "$d"
"$criu" page-server --lazy-pages --address 127.0.0.1 --port 27943 -D "$d/3" -o ps.log -v4 &
sleep 0.2
"$criu" lazy-pages --page-server --address 127.0.0.1 --port 27943 -D "$d/3" -o lazy-pages.log \
	-v4 &
daemon=$!
sleep 0.2
"$criu" restore -D "$d/3" -d --lazy-pages -o restore.log -v4
restored "$d" "$daemon"
wait
