/* A small Wayland client library for our own test programs (the ZDTM-style
 * tests) and the benchmark: globals, an xdg toplevel, shm buffers. */
#ifndef WLCR_WLCLIENT_H
#define WLCR_WLCLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-client.h>

#include "xdg-shell-client-protocol.h"

struct wlc {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_subcompositor *subcompositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	/* called with a message when anything fails; must not return */
	void (*fail)(const char *msg);
};

struct wlc_window {
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;
};

/* Connects to name (NULL: $WAYLAND_DISPLAY) and binds the globals. */
void wlc_connect(struct wlc *c, const char *name, void (*fail)(const char *msg));
/* A toplevel, configured (the first configure acked). */
void wlc_window(struct wlc *c, struct wlc_window *w, const char *title);
/* A w x h XRGB8888 buffer of one colour, from a pool destroyed at once;
 * the mapping stays, its pixels in *ret_pixels if not NULL. */
struct wl_buffer *wlc_buffer(struct wlc *c, int w, int h, uint32_t color, uint32_t **ret_pixels);
/* A round trip; a broken connection (protocol error) fails, saying when. */
void wlc_roundtrip(struct wlc *c, const char *when);

#endif
