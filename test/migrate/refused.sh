#!/bin/bash
# What the destination refuses, before any image reaches it, and the app going on meanwhile:
#   a peer whose key comes from another CA, a peer with no certificate at all (plain bytes on
#   the port), and a mode this machine cannot do (precopy without dirty-page tracking); wlcr
#   link-test refused the same way, then measuring the link with nothing kept there.
# Also auto mode's plan (--plan moves nothing) and the mode it picks, never lazy with --no-lazy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mt_hosts
mh_app A w "$WLCR_TOP/build/test/bin/wlcr-memwriter" --mib 20 --rate 4 --report "$WT_DIR/report"
pid=${MH_NSPID[w]}
mt_intact A "$pid"

wt_log "a key from another CA"
if mh_in A "$MH_WLCR" migrate --keys "${MH_KEYS[other]}" --timeout 5 --mode copy "$pid" \
	"${MH_ADDR[B]}" >"$WT_DIR/out" 2>&1; then
	wt_fail "a peer with another CA's key was accepted"
fi
sed 's/^/    /' "$WT_DIR/out" >&2
grep -q 'certificate' "$WT_DIR/out" ||
	wt_fail "the source is not told why it was refused"
wt_wait_for 10 "the destination to log the refusal" \
	"grep -q 'refused a connection from ${MH_ADDR[A]}' $WT_DIR/B/receive.log"
grep 'refused a connection' "$WT_DIR/B/receive.log" | sed 's/^/    B: /' >&2
grep -q 'refused a connection from .*: .*\(certificate\|closed\|TLS\)' "$WT_DIR/B/receive.log" || wt_fail "the refusal does not say why"
mt_intact A "$pid"
mt_clean B "$pid"

wt_log "wlcr link-test: refused with another CA's key, then measuring the link"
if mh_in A "$MH_WLCR" link-test -q --keys "${MH_KEYS[other]}" --timeout 5 --size 1M \
	"${MH_ADDR[B]}" >"$WT_DIR/out" 2>&1; then
	wt_fail "a link test with another CA's key was accepted"
fi
sed 's/^/    /' "$WT_DIR/out" >&2
grep -q 'certificate' "$WT_DIR/out" || wt_fail "link-test is not told why it was refused"
mh_in A "$MH_WLCR" link-test -q --keys "${MH_KEYS[A]}" --size 16M "${MH_ADDR[B]}" \
	>"$WT_DIR/out" 2>&1 || wt_fail "wlcr link-test failed: $(cat "$WT_DIR/out")"
sed 's/^/    /' "$WT_DIR/out" >&2
grep -Eq "^${MH_ADDR[B]}: 16\.0 MiB in [0-9.]+ s, [0-9.]+ MiB/s, round trip [0-9.]+ ms$" \
	"$WT_DIR/out" || wt_fail "link-test's result line is not as documented"
wt_wait_for 10 "the destination to log the link test" \
	"grep -q 'a link test from ${MH_ADDR[A]}, 16.0 MiB' $WT_DIR/B/receive.log"
mt_clean B "$pid"

wt_log "no certificate at all: plain bytes on the port"
refused=$(grep -c 'refused a connection' "$WT_DIR/B/receive.log")
mh_in A bash -c "exec 3<>/dev/tcp/${MH_ADDR[B]}/7411; printf 'HELLO, I am an image\n' >&3;
	timeout 5 cat <&3 >/dev/null; exit 0"
wt_wait_for 10 "the destination to refuse it" \
	"[[ \$(grep -c 'refused a connection' $WT_DIR/B/receive.log) -gt $refused ]]"
mt_clean B "$pid"

wt_log "precopy: refused with the reason (no tracking in this CRIU, or no rounds in this wlcr)"
if ! mt_modes | grep -qx precopy; then
	if mh_in A "$MH_WLCR" migrate --keys "${MH_KEYS[A]}" --mode precopy "$pid" \
		"${MH_ADDR[B]}" >"$WT_DIR/out" 2>&1; then
		wt_fail "precopy was not refused"
	fi
	sed 's/^/    /' "$WT_DIR/out" | grep -v '^    \[' >&2
	grep -q 'mem_dirty_track\|not implemented' "$WT_DIR/out" ||
		wt_fail "the refusal does not give the reason"
	mt_intact A "$pid"
	mt_clean B "$pid"
fi

wt_log "auto: the plan, then the move"
mh_in A "$MH_WLCR" migrate --keys "${MH_KEYS[A]}" --plan "$pid" "${MH_ADDR[B]}" \
	>"$WT_DIR/plan" 2>&1 || wt_fail "wlcr migrate --plan failed: $(cat "$WT_DIR/plan")"
sed 's/^/    /' "$WT_DIR/plan" | grep -v '^    \[' >&2
grep -q '^-> ' "$WT_DIR/plan" || wt_fail "no decision in the plan"
mt_intact A "$pid"
mt_migrate A B "$pid" auto
grep -q 'mode ' "$WT_DIR/migrate.out" || wt_fail "auto did not say which mode it took"
mt_intact B "$pid"
mt_clean A "$pid"
mt_migrate B A "$pid" auto --no-lazy
# copy, or pre-copy where this CRIU tracks memory (the planner may find its rounds cheaper)
grep -q 'runs on .*, mode \(copy\|precopy\)$' "$WT_DIR/migrate.out" ||
	wt_fail "--no-lazy gave lazy"
mt_intact A "$pid"
