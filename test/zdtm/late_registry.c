/* What Mesa's EGL platform does on the software path: a second and a third
 * registry made late, the third on its own event queue, a wl_shm bound
 * through it, and buffers from pools destroyed right after create_buffer,
 * under ids reused from objects destroyed before (so a buffer's id is
 * below the wl_shm's its pool was made through). The replay must bind that
 * wl_shm before it makes the stand-in pools for those buffers. The window
 * shows one of them; afterwards a new pool through the late wl_shm works. */
#include <string.h>

#include "zdtm.h"

struct late {
	struct wl_shm *shm;
};

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	struct late *l = data;
	(void)version;
	if (strcmp(iface, "wl_shm") == 0 && !l->shm)
		l->shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
}

static const struct wl_registry_listener listener = { on_global, zdtm_global_remove_ignored };

/* A w x h buffer from a pool made through shm and destroyed at once. */
static struct wl_buffer *buffer_through(const struct wlc *t, struct wl_shm *shm, int w, int h,
					uint32_t color)
{
	struct wlc through = *t;
	through.shm = shm;
	return wlc_buffer(&through, w, h, color, NULL);
}

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "late_registry");
	wlc_window(&t, &w, "zdtm late registry");
	/* objects destroyed later: their ids come back for the buffers */
	struct wl_region *early[4];
	for (int i = 0; i < 4; i++)
		early[i] = wl_compositor_create_region(t.compositor);
	wlc_roundtrip(&t, "making the early objects");

	struct wl_registry *second = wl_display_get_registry(t.display);
	struct wl_event_queue *queue = wl_display_create_queue(t.display);
	struct wl_display *wrapped = wl_proxy_create_wrapper(t.display);
	wl_proxy_set_queue((struct wl_proxy *)wrapped, queue);
	struct wl_registry *third = wl_display_get_registry(wrapped);
	struct late late = { 0 };
	wl_registry_add_listener(third, &listener, &late);
	if (wl_display_roundtrip_queue(t.display, queue) < 0 || !late.shm)
		zdtm_fail("no wl_shm through the third registry");
	wlc_roundtrip(&t, "binding wl_shm late");

	for (int i = 0; i < 4; i++)
		wl_region_destroy(early[i]);
	wlc_roundtrip(&t, "freeing the early ids");
	struct wl_buffer *shown = buffer_through(&t, late.shm, 100, 80, 0xff2060c0);
	struct wl_buffer *spare = buffer_through(&t, late.shm, 20, 20, 0xffc06020);
	if (wl_proxy_get_id((struct wl_proxy *)shown) >
	    wl_proxy_get_id((struct wl_proxy *)late.shm))
		zdtm_fail("buffer %u was not made under an id below wl_shm %u",
			  wl_proxy_get_id((struct wl_proxy *)shown),
			  wl_proxy_get_id((struct wl_proxy *)late.shm));
	wl_surface_attach(w.surface, shown, 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 80);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);
	wlc_roundtrip(&t, "after the restore");
	wl_surface_attach(w.surface, buffer_through(&t, late.shm, 100, 80, 0xff2060c0), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 80);
	wl_surface_commit(w.surface);
	wl_buffer_destroy(spare);
	wlc_roundtrip(&t, "a new pool through the late wl_shm after the restore");
	(void)second;
	zdtm_pass();
}
