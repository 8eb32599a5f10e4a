# ffplay, ffmpeg's player, an SDL 2 application (software rendering), playing a generated clip
# in a loop; space pauses it. (SDL's own testsprite2 quits on Escape, but a new one started on
# sway after that quits at once as well, proxy or not.)
APP_SETUP='ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 10 -c:v ffv1 clip.mkv'
APP_CMD=(SDL_VIDEODRIVER=wayland SDL_AUDIODRIVER=dummy SDL_RENDER_DRIVER=software
	ffplay -loglevel error -an -loop 0 clip.mkv)
APP_KIND=animated
APP_KEY=space
APP_REACTS=stop
