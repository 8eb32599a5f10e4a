/* Opaque and input regions, built from rectangles added and subtracted,
 * committed on a mapped surface; the regions are destroyed afterwards (the
 * surface keeps their state). The restored window looks the same and the
 * connection is sound. */
#include "zdtm.h"

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "regions");
	wlc_window(&t, &w, "zdtm regions");
	struct wl_region *opaque = wl_compositor_create_region(t.compositor);
	wl_region_add(opaque, 0, 0, 100, 100);
	wl_region_subtract(opaque, 20, 20, 30, 30);
	struct wl_region *input = wl_compositor_create_region(t.compositor);
	wl_region_add(input, 10, 10, 50, 50);
	wl_surface_set_opaque_region(w.surface, opaque);
	wl_surface_set_input_region(w.surface, input);
	wl_region_destroy(opaque);
	wl_region_destroy(input);
	wl_surface_attach(w.surface, wlc_buffer(&t, 100, 100, 0xffc04040, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 100);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);
	wlc_roundtrip(&t, "after the restore");
	wl_surface_set_input_region(w.surface, NULL);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "changing a region after the restore");
	zdtm_pass();
}
