#!/bin/bash
# A copy of a large app is restored lazily from the destination's own images. If that restore
# fails after the commit (its local criu lazy-pages killed while it reads the pages back), the
# copy there is killed without ever running on pages that did not come, and the app runs on at
# the source, which kept it stopped until then: its window animating, every page whole. A retry
# then succeeds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_hosts
criu check --feature uffd-noncoop >/dev/null 2>&1 || wt_fail "no userfaultfd: no lazy restore"
# 800 MiB: its pages take seconds to read back, time enough to kill the daemon half-way
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 800 --rate 4 --report "$WT_DIR/report"
pid=${MH_NSPID[w]}
mt_intact A "$pid"
: >"$WT_DIR/report"
mt_migrate_bg A B "$pid" copy
wt_wait_for 60 "B to read the pages back" \
	"grep -q 'pages read back here' $WT_DIR/B/receive.log"
mh_in B pkill -KILL -f '^criu lazy-pages' || wt_fail "no criu lazy-pages on B to kill"
mt_bg_failed
grep -q 'runs here again' "$WT_DIR/bg.out" || wt_fail "no word that the app runs here again"
grep 'restore from the images here failed\|nothing of it runs here' "$WT_DIR/B/receive.log" |
	sed 's/^/    B: /' >&2
! grep -q corrupt "$WT_DIR/report" || wt_fail "a copy reported: $(cat "$WT_DIR/report")"
mt_intact A "$pid"
mt_clean B "$pid"
mt_migrate A B "$pid" copy
grep -q 'restore: lazy' "$WT_DIR/migrate.out" || wt_fail "the copy was not restored lazily"
mt_intact B "$pid"
mt_clean A "$pid"
