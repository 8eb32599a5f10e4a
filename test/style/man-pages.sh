#!/bin/bash
# Every man page's scdoc source builds (make man, make install need them all): scdoc stops at
# the first construct it cannot read, naming the line.
cd "$(dirname "$0")/../.." || exit 1
command -v scdoc >/dev/null || { echo "scdoc is not installed (scripts/setup)"; exit 77; }
rc=0
for f in man/*.scd; do
	if ! err=$(scdoc <"$f" 2>&1 >/dev/null); then
		echo "$f: $err"
		rc=1
	fi
done
exit $rc
