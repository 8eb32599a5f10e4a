# imv, an image viewer drawing with OpenGL on Mesa's software renderer: Mesa creates a wl_shm
# pool for each buffer and destroys it right after create_buffer, so the journal keeps those
# pools' constructors and the replay makes stand-in pools for the buffers. 'd' shows its
# overlay (file name and zoom), and hides it again: every press shows.
APP_SETUP='ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240 -frames:v 1 image.png'
APP_CMD=(LIBGL_ALWAYS_SOFTWARE=1 imv-wayland image.png)
APP_KEY=d
