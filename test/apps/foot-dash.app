# foot running an interactive dash, Debian's sh: dash opens /dev/tty, which stock criu refuses
# as an inherited controlling terminal ("ctty inheritance detected": it took the pty master
# foot holds for the shell's terminal); the CRIU patch wlcr carries (criu/patches, 0001) fixes
# that. Typed text goes to the shell's line editor.
APP_CMD=(ENV= PS1='$ ' foot -o 'colors.alpha=1' dash -i)
APP_TYPE="echo typed-after-restore"
