# FeatherPad, a Qt 5 text editor on qtwayland5; typing edits the document. Its text cursor
# blinks: up to 64 pixels may differ between two shots.
APP_CMD=(QT_QPA_PLATFORM=wayland QT_WAYLAND_DISABLE_WINDOWDECORATION=1 featherpad)
APP_TYPE=typed-after-restore
APP_MAX_DIFF=64
