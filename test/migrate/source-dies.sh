#!/bin/bash
# Lazy migration's risk: the source host dies while the pages still follow the app that already
# runs on the destination. The app cannot continue (part of its memory is gone with the source):
# the destination kills its copy, says why, and keeps nothing of it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_hosts
criu check --feature uffd-noncoop >/dev/null 2>&1 || wt_fail "no userfaultfd: lazy mode untested"
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 200 --rate 4 --report "$WT_DIR/report"
pid=${MH_NSPID[w]}
mt_intact A "$pid"
mt_migrate_bg A B "$pid" lazy
mt_wait_out 'pages follow'
wt_log "host A dies"
kill -KILL "${MH_PID[A]}"
mt_bg_failed
mt_clean B "$pid"
grep 'lazy page transfer failed\|nothing of it runs here' "$WT_DIR/B/receive.log" | sed 's/^/    B: /' >&2
grep -q 'the app here was killed' "$WT_DIR/B/receive.log" ||
	wt_fail "B's receive does not say that it killed the app"
