#!/bin/bash
# Pre-copy on a kernel without soft-dirty: memory written all the time while it is pre-dumped
# and dumped (zdtm/static/uffd-track-writes, userfaultfd dirty tracking); also with
# --leave-running (no tracker may be left in the task afterwards) and with pre-dumps that
# read the memory after the task runs again (--pre-dump-mode read).
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-writes --pre 2
criu_zdtm uffd-track-writes --pre 2 --norst
criu_zdtm uffd-track-writes --pre 3 --pre-dump-mode read
