#!/bin/bash
# Children forked between pre-dumps inherit their parent's tracker and must get their own
# (zdtm/static/uffd-track-fork), also with --leave-running.
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-fork --pre 2
criu_zdtm uffd-track-fork --pre 3 --norst
