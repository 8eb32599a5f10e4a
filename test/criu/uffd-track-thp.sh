#!/bin/bash
# Transparent huge pages written in part, in full and dropped between pre-dumps
# (zdtm/static/uffd-track-thp).
source "$(dirname "$0")/lib.sh"

criu_zdtm uffd-track-thp --pre 2
