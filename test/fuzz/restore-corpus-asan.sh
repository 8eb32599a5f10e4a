#!/bin/bash
# The restore target's corpus replay under AddressSanitizer/UBSan.
top=${WLCR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
WLCR_FUZZ_RESTORE_REPLAY=$top/build/asan/test/bin/fuzz-restore-replay exec "$top/test/fuzz/restore-corpus.sh"
