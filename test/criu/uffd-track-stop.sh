#!/bin/bash
# criu track-mem-stop ends an abandoned chain of pre-dumps (zdtm/static/uffd-track-stop: its
# hook runs it before the dump and checks that no tracker is left).
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-stop --pre 2
