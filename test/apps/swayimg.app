# swayimg, an image viewer, showing a generated image; '=' zooms in. Its buffers are files
# in /dev/shm that it unlinks: criu saves them as ghost files, above its 1 MiB default limit.
APP_SETUP='ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240 -frames:v 1 image.png'
APP_CMD=(swayimg image.png)
APP_KEY=equal
APP_DUMP_ARGS=(--ghost-limit 64M)
