#!/bin/bash
# The corpus replay under AddressSanitizer/UBSan.
top=${WLCR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
WLCR_FUZZ_REPLAY=$top/build/asan/test/bin/fuzz-replay exec "$top/test/fuzz/replay-corpus.sh"
