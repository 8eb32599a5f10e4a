#!/bin/bash
# Pages dropped with MADV_DONTNEED and MADV_FREE between pre-dumps
# (zdtm/static/uffd-track-dontneed). The test writes only after each pre-dump, a few pages
# after the last one, so the final dump must take most of its pages from the pre-dumps: the
# tracking works, it does not just dump everything again.
source "$(dirname "$0")/lib.sh"

dumps=$CRIU_SRC/test/dump/zdtm/static/uffd-track-dontneed
rm -rf "$dumps"
criu_zdtm uffd-track-dontneed --pre 3 --keep-img always
final=$(find "$dumps" -mindepth 2 -maxdepth 2 -name 4 -type d | head -n1)
[[ -n $final ]] || { echo "no final dump in $dumps"; exit 1; }
criu_stats "$final" >"$criu_tmp/stats"
rm -rf "$dumps"
grep -E '^pages_|^frozen_time' "$criu_tmp/stats"
skipped=$(awk '$1 == "pages_skipped_parent" { print $2 }' "$criu_tmp/stats")
written=$(awk '$1 == "pages_written" { print $2 }' "$criu_tmp/stats")
if ((skipped < 256 || skipped < 4 * written)); then
	echo "the final dump wrote $written pages and took $skipped from the pre-dumps"
	exit 1
fi
