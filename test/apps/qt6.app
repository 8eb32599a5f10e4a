# FocusWriter, a Qt 6 word processor on qt6-wayland; typing edits the document. Qt 6 warns of
# a wl_surface.enter it did not expect ("most likely a bug in the compositor"): none may show.
# It takes Qt's single-instance lock file (flock), which criu saves with --file-locks. Each
# run gets fresh data and config directories: a run that was killed leaves an emergency cache
# that the next run would offer to restore in a dialog.
APP_CMD=(QT_QPA_PLATFORM=wayland QT_WAYLAND_DISABLE_WINDOWDECORATION=1 sh -c
	'export XDG_DATA_HOME=$(mktemp -d -p .) XDG_CONFIG_HOME=$(mktemp -d -p .); exec focuswriter')
APP_TYPE=typed-after-restore
APP_MAX_DIFF=64
APP_DUMP_ARGS=(--file-locks)
APP_LOG_CLEAN="Ignoring unexpected"
# it shows a splash with an animated keyboard while it loads its themes
APP_STARTUP_S=5
