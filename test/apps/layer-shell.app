# gtk-layer-demo (gtk-layer-shell's example, GTK 3): a wlr-layer-shell surface on sway's top
# layer, taking the keyboard (exclusive). F10 opens its menu, a popup of the layer surface
# (zwlr_layer_surface_v1.get_popup), which stays open into the next dump: the restored app is
# told popup_done, as for any popup open at a dump.
APP_CMD=(GTK_THEME=Adwaita NO_AT_BRIDGE=1 gtk-layer-demo --keyboard exclusive)
APP_KEY=F10
APP_WESTON_UNSHOWN="weston 10 has no layer shell: the proxy keeps the layer surface, unshown, for a compositor that has one"
