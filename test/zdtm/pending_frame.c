/* A frame callback the compositor has not fired yet (the surface is not
 * mapped) when the app is checkpointed: after the restore, mapping the
 * surface fires it, on the same object the app holds. */
#include "zdtm.h"

static bool fired;

static void on_frame(void *data, struct wl_callback *cb, uint32_t time)
{
	(void)data;
	(void)time;
	wl_callback_destroy(cb);
	fired = true;
}

static const struct wl_callback_listener frame_listener = { on_frame };

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "pending_frame");
	wlc_window(&t, &w, "zdtm pending_frame");
	struct wl_callback *cb = wl_surface_frame(w.surface);
	wl_callback_add_listener(cb, &frame_listener, NULL);
	wl_surface_commit(w.surface); /* no buffer: never repainted, never fired */
	wlc_roundtrip(&t, "before the checkpoint");
	if (fired)
		zdtm_fail("the frame callback of an unmapped surface fired");
	zdtm_ready_and_wait(&t);

	wlc_roundtrip(&t, "after the restore");
	wl_surface_attach(w.surface, wlc_buffer(&t, 64, 64, 0xff40c040, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 64, 64);
	wl_surface_commit(w.surface);
	while (!fired)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for the pending frame callback");
	zdtm_pass();
}
