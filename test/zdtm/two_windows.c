/* Two toplevels: both come back, and after the restore both draw a new
 * frame whose callbacks fire. (The compositor places restored windows
 * anew, so the runner does not compare the screen.) */
#include "zdtm.h"

static int fired;

static void on_frame(void *data, struct wl_callback *cb, uint32_t time)
{
	(void)data;
	(void)time;
	wl_callback_destroy(cb);
	fired++;
}

static const struct wl_callback_listener frame_listener = { on_frame };

static void draw(struct wlc *t, struct wlc_window *w, uint32_t color, bool callback)
{
	if (callback) {
		struct wl_callback *cb = wl_surface_frame(w->surface);
		wl_callback_add_listener(cb, &frame_listener, NULL);
	}
	wl_surface_attach(w->surface, wlc_buffer(t, 90, 60, color, NULL), 0, 0);
	wl_surface_damage(w->surface, 0, 0, 90, 60);
	wl_surface_commit(w->surface);
}

int main(void)
{
	struct wlc t;
	struct wlc_window a, b;
	zdtm_init(&t, "two_windows");
	wlc_window(&t, &a, "zdtm window A");
	wlc_window(&t, &b, "zdtm window B");
	draw(&t, &a, 0xffc02020, false);
	draw(&t, &b, 0xff20c020, false);
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait_nocompare(&t);

	wlc_roundtrip(&t, "after the restore");
	draw(&t, &a, 0xffc02020, true);
	draw(&t, &b, 0xff20c020, true);
	while (fired < 2)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for both windows' frames");
	zdtm_pass();
}
