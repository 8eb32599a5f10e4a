# swayimg, an image viewer, showing a generated image; '=' zooms in. Its buffers are files
# in /dev/shm that it unlinks: criu saves them as ghost files, above its 1 MiB default limit.
APP_SETUP='ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240 -frames:v 1 image.png'
APP_CMD=(swayimg image.png)
APP_KEY=equal
APP_DUMP_ARGS=(--ghost-limit 64M)
# seen with swayimg run directly on sway: '=' zooms, the output's scale set to 2 and back
# to 1 (swaymsg), and the image is fitted to the window again at 320x240
APP_REFITS="swayimg fits the image to its window again when the output's scale changes, as it does run directly"
