/* Keyboard focus: the window has it when the app is checkpointed. After the
 * restore the app is told it lost it (the old compositor's focus ended),
 * then the new compositor's enter arrives, and a key typed then reaches it.
 * Needs a seat: the runner uses sway for this test and types a key. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "zdtm.h"

static struct wl_surface *window;
static int enters, leaves, keys;
static bool restored;
static bool leave_before_enter = true;

static void on_enter(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s,
		     struct wl_array *keys_down)
{
	(void)data;
	(void)k;
	(void)serial;
	(void)keys_down;
	if (s != window)
		return;
	if (restored && leaves == 0)
		leave_before_enter = false;
	enters++;
}

static void on_leave(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s)
{
	(void)data;
	(void)k;
	(void)serial;
	if (s == window)
		leaves++;
}

static void on_key(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t time, uint32_t key,
		   uint32_t state)
{
	(void)data;
	(void)k;
	(void)serial;
	(void)time;
	(void)key;
	if (state == WL_KEYBOARD_KEY_STATE_PRESSED)
		keys++;
}

static void on_modifiers(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t dep,
			 uint32_t lat, uint32_t lock, uint32_t group)
{
	(void)data;
	(void)k;
	(void)serial;
	(void)dep;
	(void)lat;
	(void)lock;
	(void)group;
}

static const struct wl_keyboard_listener keyboard_listener = {
	zdtm_keymap_ignored, on_enter, on_leave, on_key, on_modifiers, zdtm_repeat_ignored,
};

static struct wl_seat *seat;

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	(void)data;
	(void)version;
	if (strcmp(iface, "wl_seat") == 0)
		seat = wl_registry_bind(reg, name, &wl_seat_interface, 4);
}

static const struct wl_registry_listener registry_listener = { on_global,
							       zdtm_global_remove_ignored };

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "keyboard_focus");
	struct wl_registry *reg = wl_display_get_registry(t.display);
	wl_registry_add_listener(reg, &registry_listener, NULL);
	wlc_roundtrip(&t, "finding the seat");
	if (!seat)
		zdtm_fail("no wl_seat: this test needs a compositor with a seat");
	struct wl_keyboard *kb = wl_seat_get_keyboard(seat);
	wl_keyboard_add_listener(kb, &keyboard_listener, NULL);
	wlc_window(&t, &w, "zdtm keyboard_focus");
	window = w.surface;
	wl_surface_attach(w.surface, wlc_buffer(&t, 100, 100, 0xff804080, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 100);
	wl_surface_commit(w.surface);
	while (enters == 0)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for keyboard focus");
	wlc_roundtrip(&t, "before the checkpoint");
	zdtm_ready_and_wait(&t);

	restored = true;
	enters = leaves = 0;
	while (keys == 0)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for a key after the restore");
	/* sway may add a leave and enter of its own when a virtual keyboard
	 * (wtype) appears; what matters is a leave first */
	if (leaves < 1)
		zdtm_fail("no leave after the restore");
	if (enters < 1 || !leave_before_enter)
		zdtm_fail("no enter after the leave (enters %d)", enters);
	zdtm_pass();
}
