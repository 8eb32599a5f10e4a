/* A toplevel with a shm buffer: after the restore the app draws a new frame
 * and its frame callback fires. */
#include "zdtm.h"

static bool done;

static void on_frame(void *data, struct wl_callback *cb, uint32_t time)
{
	(void)data;
	(void)time;
	wl_callback_destroy(cb);
	done = true;
}

static const struct wl_callback_listener frame_listener = { on_frame };

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "toplevel_shm");
	wlc_window(&t, &w, "zdtm toplevel_shm");
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 80, 0xff2080c0, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 80);
	wl_surface_commit(w.surface);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);

	wlc_roundtrip(&t, "after the restore");
	struct wl_callback *cb = wl_surface_frame(w.surface);
	wl_callback_add_listener(cb, &frame_listener, NULL);
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 80, 0xff2080c0, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 80);
	wl_surface_commit(w.surface);
	while (!done)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for a frame after the restore");
	zdtm_pass();
}
