#!/bin/bash
# An app with a userfaultfd of its own on some of its memory: that memory is dumped in full
# (zdtm/static/uffd-track-own), also with --leave-running.
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-own --pre 2
criu_zdtm uffd-track-own --pre 2 --norst
