#!/bin/bash
# auto choosing pre-copy: bench/memwriter holding 200 MiB that it keeps rewriting, moved with
# --mode auto --no-lazy from a sway host to a weston host and back. Copying it frozen would take
# its whole memory's transfer; auto measures the app and the link, plans pre-dump rounds while
# it runs, and the rounds' written pages decide how many. After each move the writer's own check
# of every page passes, its window is back and animating, nothing is left where it was, and
# back on sway the keys typed reach it. The plan (--plan) names pre-copy and its rounds. Then a
# writer rewriting all its memory all the time, whose chain auto may give up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_modes | grep -qx precopy || wt_skip "this CRIU cannot track memory: no pre-copy"
mt_hosts
keys=$WT_DIR/keys.txt
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 200 --rate 4 \
	--report "$WT_DIR/report" --keys "$keys"
pid=${MH_NSPID[w]}
mt_intact A "$pid"

wt_log "the plan: pre-copy, with its rounds"
mh_in A "$MH_WLCR" migrate --keys "${MH_KEYS[A]}" --plan --no-lazy "$pid" "${MH_ADDR[B]}" \
	>"$WT_DIR/plan" 2>&1 || wt_fail "wlcr migrate --plan failed: $(cat "$WT_DIR/plan")"
sed 's/^/    /' "$WT_DIR/plan" | grep -v '^    \[' >&2
grep -q '^precopy: frozen .* ms (.* round' "$WT_DIR/plan" || wt_fail "the plan has no pre-copy rounds"
grep -q '^-> precopy' "$WT_DIR/plan" || wt_fail "the plan does not choose pre-copy"
mt_intact A "$pid"

for move in "A B" "B A"; do
	read -r from to <<<"$move"
	mt_migrate "$from" "$to" "$pid" auto --no-lazy
	grep -q "runs on .*, mode precopy" "$WT_DIR/migrate.out" ||
		wt_fail "auto did not take pre-copy from $from to $to"
	grep -q "pre-copy: [0-9]* rounds\? before the final dump (rule planner)" \
		"$WT_DIR/migrate.out" || wt_fail "no word of the rounds"
	grep -q "predicted: frozen [0-9]* ms.*; measured [0-9]* ms" "$WT_DIR/migrate.out" ||
		wt_fail "the prediction is not shown beside the measured freeze"
	mt_gone_from "$from" "$pid"
	mt_intact "$to" "$pid"
done

wt_log "typing into it back on sway"
mh_use A
: >"$keys"
wt_type "x"
wt_wait_for 10 "the key to reach the memory writer" "grep -q '^key ' $keys"
mt_verify A "$pid"

# A writer rewriting all of its 50 MiB several times a second: auto plans pre-copy on its best
# case, and its rounds then find every page written again. Whether it gives the chain up (for
# copy: a final dump of 12800 scattered pages costs more than copying them all) depends on
# what the rounds measure; either way the app arrives whole, and a chain given up leaves
# nothing behind on either host.
wt_log "a writer rewriting all its memory, auto --no-lazy"
mh_kill A "$pid" KILL
wt_wait_for 10 "the first writer to go" "! mh_nspid_alive A $pid"
mh_app A h "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 50 --rate 400 \
	--report "$WT_DIR/report"
pid=${MH_NSPID[h]}
mt_intact A "$pid"
mt_migrate A B "$pid" auto --no-lazy
if grep -q "then given up for" "$WT_DIR/migrate.out"; then
	wt_log "the chain was given up"
	grep -q "gave the pre-copy up; starting again" "$WT_DIR/B/receive.log" ||
		wt_fail "the destination did not start again"
fi
mt_gone_from A "$pid"
mt_intact B "$pid"
mt_no_protocol_error
