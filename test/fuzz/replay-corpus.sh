#!/bin/bash
# Replays the committed fuzz corpus (recorded sessions of real apps plus
# what libFuzzer found) through the proxy's message handling.
top=${WLCR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "${WLCR_FUZZ_REPLAY:-$top/build/test/bin/fuzz-replay}" "$top/test/fuzz/corpus"
