/* ZDTM-style tests, in the shape of CRIU's own: a Wayland client sets up one
 * class of state, says it is ready, waits for SIGTERM while the runner
 * (test/zdtm/run) checkpoints and restores it, then checks that the state
 * survived and prints PASS or FAIL. Built with libwayland-client. */
#ifndef WLCR_ZDTM_H
#define WLCR_ZDTM_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-client.h>

#include "xdg-shell-client-protocol.h"

struct zdtm {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_subcompositor *subcompositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
};

struct zdtm_window {
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;
};

/* Connects and binds the globals; fails the test on error. */
void zdtm_init(struct zdtm *t, const char *name);
/* A toplevel, configured (the first configure acked). */
void zdtm_window(struct zdtm *t, struct zdtm_window *w, const char *title);
/* A w x h buffer of one colour (XRGB8888) from a new pool. */
struct wl_buffer *zdtm_buffer(struct zdtm *t, int w, int h, uint32_t color);
/* Round trip; fails the test if the connection broke (a protocol error). */
void zdtm_roundtrip(struct zdtm *t, const char *when);

/* Tells the runner the state is set up, then waits for SIGTERM (the runner
 * dumps and restores in between). Reads no events meanwhile. */
void zdtm_ready_and_wait(struct zdtm *t);
/* The same, telling the runner not to compare the window before and after. */
void zdtm_ready_and_wait_nocompare(struct zdtm *t);

__attribute__((noreturn, format(printf, 1, 2))) void zdtm_fail(const char *fmt, ...);
__attribute__((noreturn)) void zdtm_pass(void);

#endif
