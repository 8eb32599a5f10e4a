# alacritty, a GL terminal, on Mesa's software renderer (llvmpipe) through wl_shm. Mesa's EGL
# platform makes its own registries late, on its own event queue, binds wl_shm through the
# last one and destroys each pool right after create_buffer: the replay must bind that
# wl_shm before it makes stand-in pools for the buffers. Typed text is echoed by cat.
APP_CMD=(LIBGL_ALWAYS_SOFTWARE=1 alacritty -e sh -c 'echo ready; exec cat')
APP_TYPE=typed-after-restore
