#include "zdtm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *test_name = "zdtm";

void zdtm_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL: %s: ", test_name);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

void zdtm_pass(void)
{
	printf("PASS: %s\n", test_name);
	fflush(stdout);
	exit(0);
}

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	struct zdtm *t = data;
	(void)version;
	if (strcmp(iface, "wl_compositor") == 0)
		t->compositor = wl_registry_bind(reg, name, &wl_compositor_interface, 4);
	else if (strcmp(iface, "wl_subcompositor") == 0)
		t->subcompositor = wl_registry_bind(reg, name, &wl_subcompositor_interface, 1);
	else if (strcmp(iface, "wl_shm") == 0)
		t->shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
	else if (strcmp(iface, "xdg_wm_base") == 0)
		t->wm_base = wl_registry_bind(reg, name, &xdg_wm_base_interface, 1);
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

void zdtm_init(struct zdtm *t, const char *name)
{
	test_name = name;
	memset(t, 0, sizeof(*t));
	t->display = wl_display_connect(NULL);
	if (!t->display)
		zdtm_fail("cannot connect to the compositor");
	t->registry = wl_display_get_registry(t->display);
	wl_registry_add_listener(t->registry, &registry_listener, t);
	zdtm_roundtrip(t, "binding globals");
	if (!t->compositor || !t->shm || !t->wm_base)
		zdtm_fail("missing core globals");
	xdg_wm_base_add_listener(t->wm_base, &wm_listener, t);
}

static void on_configure(void *data, struct xdg_surface *xs, uint32_t serial)
{
	struct zdtm_window *w = data;
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

void zdtm_window(struct zdtm *t, struct zdtm_window *w, const char *title)
{
	memset(w, 0, sizeof(*w));
	w->surface = wl_compositor_create_surface(t->compositor);
	w->xdg_surface = xdg_wm_base_get_xdg_surface(t->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, title);
	wl_surface_commit(w->surface);
	while (!w->configured)
		if (wl_display_dispatch(t->display) < 0)
			zdtm_fail("connection lost before the first configure");
}

struct wl_buffer *zdtm_buffer(struct zdtm *t, int w, int h, uint32_t color)
{
	int stride = w * 4, size = stride * h;
	int fd = memfd_create("zdtm", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) < 0)
		zdtm_fail("memfd: %s", strerror(errno));
	uint32_t *px = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (px == MAP_FAILED)
		zdtm_fail("mmap: %s", strerror(errno));
	for (int i = 0; i < w * h; i++)
		px[i] = color;
	struct wl_shm_pool *pool = wl_shm_create_pool(t->shm, fd, size);
	struct wl_buffer *b =
		wl_shm_pool_create_buffer(pool, 0, w, h, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	/* the mapping stays: the restored app must still have it */
	return b;
}

void zdtm_roundtrip(struct zdtm *t, const char *when)
{
	if (wl_display_roundtrip(t->display) < 0) {
		int err = wl_display_get_error(t->display);
		uint32_t id = 0;
		const struct wl_interface *iface = NULL;
		uint32_t code = wl_display_get_protocol_error(t->display, &iface, &id);
		if (err == EPROTO)
			zdtm_fail("%s: protocol error %u on %s@%u", when, code,
				  iface ? iface->name : "?", id);
		zdtm_fail("%s: connection broken: %s", when, strerror(err));
	}
}

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void ready_and_wait(struct zdtm *t, const char *word);

void zdtm_ready_and_wait(struct zdtm *t)
{
	ready_and_wait(t, "ready\n");
}

void zdtm_ready_and_wait_nocompare(struct zdtm *t)
{
	ready_and_wait(t, "ready nocompare\n");
}

static void ready_and_wait(struct zdtm *t, const char *word)
{
	wl_display_flush(t->display);
	signal(SIGTERM, on_term);
	const char *ready = getenv("ZDTM_READY");
	if (ready) {
		/* a file, written and closed: nothing stays open for criu */
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, word, strlen(word)) != (ssize_t)strlen(word))
			zdtm_fail("cannot write %s", ready);
		close(fd);
	}
	while (!got_term)
		pause();
}
