# GTK 4's demo, drawing with cairo (no GPU here); typing searches the demos
APP_CMD=(GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none gtk4-demo)
APP_TYPE=Clipb
