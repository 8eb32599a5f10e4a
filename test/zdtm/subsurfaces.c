/* A toplevel with a synchronized subsurface at an offset: the child's
 * buffer was committed into its cached state and applied by the parent's
 * commit. The restored window shows both (the runner compares pixels), and
 * the child can be moved afterwards. */
#include "zdtm.h"

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "subsurfaces");
	if (!t.subcompositor)
		zdtm_fail("no wl_subcompositor");
	wlc_window(&t, &w, "zdtm subsurfaces");
	struct wl_surface *child = wl_compositor_create_surface(t.compositor);
	struct wl_subsurface *sub =
		wl_subcompositor_get_subsurface(t.subcompositor, child, w.surface);
	wl_subsurface_set_position(sub, 30, 20);
	wl_surface_attach(child, wlc_buffer(&t, 40, 40, 0xffe0e040, NULL), 0, 0);
	wl_surface_damage(child, 0, 0, 40, 40);
	wl_surface_commit(child); /* cached until the parent commits */
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 100, 0xff4040c0, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 100);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);
	wlc_roundtrip(&t, "after the restore");
	wl_subsurface_set_position(sub, 40, 30);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "moving the subsurface after the restore");
	zdtm_pass();
}
