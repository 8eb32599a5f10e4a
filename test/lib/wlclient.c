#include "wlclient.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void failf(struct wlc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failf(struct wlc *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->fail(msg);
	abort(); /* fail() must not return */
}

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	struct wlc *c = data;
	(void)version;
	if (strcmp(iface, "wl_compositor") == 0)
		c->compositor = wl_registry_bind(reg, name, &wl_compositor_interface, 4);
	else if (strcmp(iface, "wl_subcompositor") == 0)
		c->subcompositor = wl_registry_bind(reg, name, &wl_subcompositor_interface, 1);
	else if (strcmp(iface, "wl_shm") == 0)
		c->shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
	else if (strcmp(iface, "xdg_wm_base") == 0)
		c->wm_base = wl_registry_bind(reg, name, &xdg_wm_base_interface, 1);
}

static void on_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
	(void)data;
	(void)reg;
	(void)name;
}

static const struct wl_registry_listener registry_listener = { on_global, on_global_remove };

static void on_ping(void *data, struct xdg_wm_base *wm, uint32_t serial)
{
	(void)data;
	xdg_wm_base_pong(wm, serial);
}

static const struct xdg_wm_base_listener wm_listener = { on_ping };

void wlc_connect(struct wlc *c, const char *name, void (*fail)(const char *msg))
{
	memset(c, 0, sizeof(*c));
	c->fail = fail;
	c->display = wl_display_connect(name);
	if (!c->display)
		failf(c, "cannot connect to the compositor %s", name ? name : "");
	c->registry = wl_display_get_registry(c->display);
	wl_registry_add_listener(c->registry, &registry_listener, c);
	wlc_roundtrip(c, "binding globals");
	if (!c->compositor || !c->shm || !c->wm_base)
		failf(c, "missing core globals");
	xdg_wm_base_add_listener(c->wm_base, &wm_listener, c);
}

static void on_configure(void *data, struct xdg_surface *xs, uint32_t serial)
{
	struct wlc_window *w = data;
	xdg_surface_ack_configure(xs, serial);
	w->configured = true;
}

static const struct xdg_surface_listener xdg_surface_listener = { on_configure };

static void on_tl_configure(void *data, struct xdg_toplevel *tl, int32_t w, int32_t h,
			    struct wl_array *states)
{
	(void)data;
	(void)tl;
	(void)w;
	(void)h;
	(void)states;
}

static void on_tl_close(void *data, struct xdg_toplevel *tl)
{
	(void)data;
	(void)tl;
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = on_tl_configure,
	.close = on_tl_close,
};

void wlc_window(struct wlc *c, struct wlc_window *w, const char *title)
{
	memset(w, 0, sizeof(*w));
	w->surface = wl_compositor_create_surface(c->compositor);
	w->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, title);
	wl_surface_commit(w->surface);
	while (!w->configured)
		if (wl_display_dispatch(c->display) < 0)
			failf(c, "connection lost before the first configure");
}

struct wl_buffer *wlc_buffer(struct wlc *c, int w, int h, uint32_t color, uint32_t **ret_pixels)
{
	int stride = w * 4, size = stride * h;
	int fd = memfd_create("wlc", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) < 0)
		failf(c, "memfd: %s", strerror(errno));
	uint32_t *px = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (px == MAP_FAILED)
		failf(c, "mmap: %s", strerror(errno));
	for (int i = 0; i < w * h; i++)
		px[i] = color;
	struct wl_shm_pool *pool = wl_shm_create_pool(c->shm, fd, size);
	struct wl_buffer *b =
		wl_shm_pool_create_buffer(pool, 0, w, h, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	if (ret_pixels)
		*ret_pixels = px;
	return b;
}

void wlc_roundtrip(struct wlc *c, const char *when)
{
	if (wl_display_roundtrip(c->display) >= 0)
		return;
	int err = wl_display_get_error(c->display);
	uint32_t id = 0;
	const struct wl_interface *iface = NULL;
	uint32_t code = wl_display_get_protocol_error(c->display, &iface, &id);
	if (err == EPROTO)
		failf(c, "%s: protocol error %u on %s@%u", when, code, iface ? iface->name : "?",
		      id);
	failf(c, "%s: connection broken: %s", when, strerror(err));
}
