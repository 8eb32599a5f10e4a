#!/bin/bash
# Migrations interrupted at each stage leave the app running where it was, its window animating
# and its memory whole, and nothing of it where it was going; a retry then succeeds. The app is
# bench/memwriter holding 200 MiB that it keeps rewriting and checks page by page.
#   1. the network cut while the memory is under way (copy)
#   2. the network cut while the pages follow the app that already runs there (lazy)
#   3. the receiving side killed while the memory is under way (copy)
#   4. the receiving side killed while the pages follow (lazy)
#   5. no wlcr-proxy on the destination
#   6. the destination's lazy-pages daemon killed while the pages follow, its wlcr receive
#      stopped meanwhile: the copy there waits on its next missing page, and never runs on
#      memory that did not come (the kernel would fill it with zeros)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_hosts
criu check --feature uffd-noncoop >/dev/null 2>&1 || wt_fail "no userfaultfd: lazy mode untested"
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 200 --rate 4 --report "$WT_DIR/report"
pid=${MH_NSPID[w]}
mt_intact A "$pid"

wt_log "1. network cut during the memory transfer (copy, A to B)"
# 200 MiB cross the veth pair in under half a second: slowed, the cut finds them under way
mh_link_rate A 400mbit
mt_migrate_bg A B "$pid" copy
mt_wait_out 'dump and memory: '
mh_link_state A down
mt_bg_failed
mh_link_state A up
mh_link_rate A off
grep -q 'keeps running here' "$WT_DIR/bg.out" || wt_fail "no word that the app keeps running"
mt_intact A "$pid"
mt_clean B "$pid"
mt_migrate A B "$pid" copy
mt_intact B "$pid"
mt_clean A "$pid"

wt_log "2. network cut while the pages follow (lazy, B to A)"
mt_migrate_bg B A "$pid" lazy
mt_wait_out 'pages follow'
mh_link_state B down
mt_bg_failed
mh_link_state B up
grep -q 'runs here again' "$WT_DIR/bg.out" || wt_fail "no word that the app runs here again"
mt_intact B "$pid"
mt_clean A "$pid"
mt_migrate B A "$pid" lazy
mt_intact A "$pid"
mt_clean B "$pid"

wt_log "3. receiving side killed during the memory transfer (copy, A to B)"
mh_link_rate A 400mbit
mt_migrate_bg A B "$pid" copy
mt_wait_out 'dump and memory: '
mh_kill B "${MH_RECEIVE_PID[B]}" KILL
mt_bg_failed
mh_link_rate A off
mt_intact A "$pid"
mt_clean B "$pid"
mh_receive B
mt_migrate A B "$pid" copy
mt_intact B "$pid"

wt_log "4. receiving side killed while the pages follow (lazy, B to A)"
mt_migrate_bg B A "$pid" lazy
mt_wait_out 'pages follow'
mh_kill A "${MH_RECEIVE_PID[A]}" KILL
mt_bg_failed
mt_intact B "$pid"
mt_clean A "$pid"
mh_receive A
mt_migrate B A "$pid" lazy
mt_intact A "$pid"

wt_log "5. no proxy on the destination (A to B)"
mh_proxy_pid=$(mh_in B pgrep -x wlcr-proxy)
mh_kill B "$mh_proxy_pid"
wt_wait_for 10 "B's proxy to go" "! mh_in B pgrep -x wlcr-proxy"
mt_migrate_bg A B "$pid" copy
mt_bg_failed
grep -q 'no wlcr-proxy answers at /run/wlcr/wlcr-0.ctl' "$WT_DIR/bg.out" ||
	wt_fail "the refusal does not name the missing proxy"
mt_intact A "$pid"
mh_proxy B
mt_migrate A B "$pid" copy
mt_intact B "$pid"
mt_clean A "$pid"

wt_log "6. the destination's lazy-pages daemon dies while the pages follow (lazy, B to A)"
: >"$WT_DIR/report"
mh_link_rate B 400mbit
mt_migrate_bg B A "$pid" lazy
mt_wait_out 'pages follow'
mh_kill A "${MH_RECEIVE_PID[A]}" STOP
mh_in A pkill -KILL -f '^criu lazy-pages'
# long enough for a copy running on zeros to check its pages (64 of them every 20 ms)
sleep 1
! grep -q corrupt "$WT_DIR/report" ||
	wt_fail "the copy on A ran on memory that never came: $(cat "$WT_DIR/report")"
mh_kill A "${MH_RECEIVE_PID[A]}" CONT
mt_bg_failed
mh_link_rate B off
! grep -q corrupt "$WT_DIR/report" || wt_fail "a copy reported: $(cat "$WT_DIR/report")"
mt_intact B "$pid"
mt_clean A "$pid"
mt_migrate B A "$pid" lazy
mt_intact A "$pid"
mt_clean B "$pid"
mt_no_protocol_error
