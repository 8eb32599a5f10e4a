#!/bin/bash
# Every hand-written C source is clang-format clean (.clang-format at the root).
cd "$(dirname "$0")/../.." || exit 1
command -v clang-format >/dev/null || { echo "clang-format is not installed (scripts/setup)"; exit 77; }
exec clang-format --dry-run --Werror $(git ls-files '*.c' '*.h')
