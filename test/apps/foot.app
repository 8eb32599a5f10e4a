# foot, the terminal, running a non-interactive shell (an interactive one opens /dev/tty,
# which criu refuses as an inherited controlling terminal); typed text is echoed by cat
APP_CMD=(foot -o 'colors.alpha=1' sh -c 'echo ready; exec cat')
APP_TYPE=typed-after-restore
