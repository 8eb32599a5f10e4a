# foot as a server with two windows, each opened by footclient (which exits at once, -N):
# one process, two toplevels. Typing goes to the focused one.
APP_CMD=(sh -c '(until footclient -N sh -c "echo one; exec cat" 2>/dev/null; do sleep 0.1; done
	footclient -N sh -c "echo two; exec cat") &
	exec foot --server -o colors.alpha=1')
APP_TYPE=typed-after-restore
