#!/bin/bash
# An interactive dash in a terminal: the shell keeps /dev/tty open, the terminal holds the pty
# master (zdtm/static/pty-ctty-master; stock CRIU fails with "ctty inheritance detected").
# Restored twice in a row too.
source "$(dirname "$0")/lib.sh"

criu_zdtm pty-ctty-master
criu_zdtm pty-ctty-master --iters 2
