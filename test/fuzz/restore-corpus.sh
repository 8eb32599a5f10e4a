#!/bin/bash
# Replays the committed corpus of the restore target (test/fuzz/fuzz_restore.c):
# each input's session dumped, restored through the real replay, and the
# restored client driven on.
top=${WLCR_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "${WLCR_FUZZ_RESTORE_REPLAY:-$top/build/test/bin/fuzz-restore-replay}" "$top/test/fuzz/corpus-restore"
