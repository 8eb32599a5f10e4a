# libadwaita's demo (GTK 4 with libadwaita's widgets and style), drawing with cairo; Tab moves
# the keyboard focus, which shows as a focus ring.
APP_CMD=(GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none adwaita-1-demo)
APP_KEY=Tab
