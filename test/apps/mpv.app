# mpv drawing through wl_shm, playing a generated clip in a loop; space pauses it
APP_SETUP='ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 10 -c:v ffv1 clip.mkv'
APP_CMD=(mpv --no-config --vo=wlshm --ao=null --loop=inf --osd-level=0 clip.mkv)
APP_KIND=animated
APP_KEY=space
APP_REACTS=stop
# Run directly on headless weston (no proxy), mpv shows its first frame and no other.
APP_WESTON_STILL="mpv shows one frame on headless weston"
