# GTK 3's demo; typing searches the demos
APP_CMD=(GTK_THEME=Adwaita NO_AT_BRIDGE=1 gtk3-demo)
APP_TYPE=Clipb
