#!/bin/bash
# The README's first command ends with scripts/demo: it must keep working.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/wlcr-demo-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$top/scripts/demo" "$out"
for f in before.png during.png after.png images/dump.log images/restore.log; do
	[[ -s $out/$f ]] || { echo "the demo wrote no $f"; exit 1; }
done
