#!/bin/bash
# Mappings added, removed, moved, grown and split between pre-dumps
# (zdtm/static/uffd-track-vmas), also with --leave-running.
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-vmas --pre 3
criu_zdtm uffd-track-vmas --pre 2 --norst
