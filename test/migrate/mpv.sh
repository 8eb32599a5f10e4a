#!/bin/bash
# mpv playing a clip (--vo=wlshm) migrated live from a sway host to a weston host and back in
# each mode this machine can do: it leaves nothing behind, shows its window on weston, animates
# again on sway, and its key (space) pauses it there and resumes it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wt__require mpv ffmpeg wtype
mt_hosts
clip=$WT_DIR/clip.mkv
ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 10 -c:v ffv1 "$clip" ||
	wt_fail "ffmpeg could not make the clip"
# Run directly on headless weston, mpv shows its first frame and no other (test/apps/mpv.app).
MT_WESTON_STILL="mpv shows one frame on headless weston"
mh_app A app mpv --no-config --vo=wlshm --ao=null --loop=inf --osd-level=0 "$clip"
still() {
	wt_screenshot "$WT_DIR/s1.png" && sleep 0.5 && wt_screenshot "$WT_DIR/s2.png" &&
		wt__pngcmp compare "$WT_DIR/s1.png" "$WT_DIR/s2.png" >/dev/null
}
pause_resume() {
	WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wtype -k space
	wt_wait_for 10 "space to pause it ($1)" still
	WAYLAND_DISPLAY=$WT_UPSTREAM wt_as_user wtype -k space
	wt_screenshot "$WT_DIR/paused-$1.png"
	wt_wait_for 10 "space to resume it ($1)" e2e_changed_from "$WT_DIR/paused-$1.png" 8
}
mt_roundtrip animated "${MH_NSPID[app]}" pause_resume
