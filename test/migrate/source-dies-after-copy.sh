#!/bin/bash
# A copy of a large app is restored lazily from the destination's own images: once it runs
# there, the source is no longer needed. The source host dies right after the commit, while the
# destination still reads the pages back: the app runs on there, its memory whole (the memory
# writer checks every page), and the destination keeps nothing but the app.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_hosts
criu check --feature uffd-noncoop >/dev/null 2>&1 || wt_fail "no userfaultfd: no lazy restore"
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 200 --rate 4 --report "$WT_DIR/report"
pid=${MH_NSPID[w]}
mt_intact A "$pid"
mt_migrate_bg A B "$pid" copy
mt_wait_out 'starting there'
wt_log "host A dies"
kill -KILL "${MH_PID[A]}"
wait "$MT_BG" || :
wt_wait_for 20 "B's receive to say the app runs there" \
	"grep -q 'wlcr-memwriter (pid $pid) runs here (copy)' $WT_DIR/B/receive.log"
grep 'runs here\|pages read back' "$WT_DIR/B/receive.log" | sed 's/^/    B: /' >&2
mt_intact B "$pid"
[[ -z $(mh_in B ls /var/tmp) ]] || wt_fail "B keeps a work directory: $(mh_in B ls /var/tmp)"
