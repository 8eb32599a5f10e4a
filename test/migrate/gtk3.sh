#!/bin/bash
# gtk3-demo migrated live from a sway host to a weston host and back in each mode this machine
# can do: it leaves nothing behind, shows its window on weston, comes back to sway with the same
# pixels, and takes typed text (the demo list's search).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt__require gtk3-demo wtype
mt_hosts
mh_app A app GTK_THEME=Adwaita gtk3-demo
# After typing, GTK draws a focus ring around the selected row until the window loses keyboard
# focus, which a move does (the old compositor's leave, the new one's enter): its 2x(240+22)
# pixels may differ, nothing else.
MT_MAX_DIFF=600
typing() {
	wt_screenshot "$WT_DIR/typing-$1.png"
	wt_type "Clipb"
	wt_wait_for 10 "typed text to change the window ($1)" e2e_changed_from "$WT_DIR/typing-$1.png" 8
	# the search closes by itself (GTK's timeout): the next round starts from the same window
	wt_type $'\e'
}
mt_roundtrip static "${MH_NSPID[app]}" typing
