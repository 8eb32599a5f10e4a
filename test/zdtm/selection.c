/* The clipboard and serials. The app owns the selection when it is
 * checkpointed (and reads it back through the compositor, to show it
 * really did). After the restore the new connection never had that
 * selection: the app's source is cancelled and its selection is empty. The
 * serials it then gets continue above every one it saw before the dump,
 * and one of them sets a new selection, which the compositor (sway, which
 * checks serials strictly) accepts: the app reads it back. Needs a seat
 * with keyboard focus: the runner uses sway. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zdtm.h"

static struct wlc t;
static struct wl_surface *window;
static struct wl_seat *seat;
static struct wl_data_device_manager *manager;
static struct wl_data_offer *offer; /* the current selection, or NULL */
static uint32_t enter_serial, newest_serial, leave_serial, before;
static int enters, leaves, selections;
static bool restored;

static void saw_serial(uint32_t serial)
{
	/* a compositor may send them out of order (sway's configure comes
	 * after newer serials), but none after the restore is as old as one
	 * from before (no wrap in a test's lifetime) */
	if (restored && serial <= before)
		zdtm_fail("serial %u after the restore is not above %u", serial, before);
	if (serial > newest_serial)
		newest_serial = serial;
}

static void on_enter(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s,
		     struct wl_array *keys_down)
{
	(void)data;
	(void)k;
	(void)keys_down;
	saw_serial(serial);
	if (s != window)
		return;
	enter_serial = serial;
	enters++;
}

static void on_leave(void *data, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s)
{
	(void)data;
	(void)k;
	saw_serial(serial);
	if (s == window) {
		leave_serial = serial;
		leaves++;
	}
}

static void on_key(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t time, uint32_t key,
		   uint32_t state)
{
	(void)data;
	(void)k;
	(void)time;
	(void)key;
	(void)state;
	saw_serial(serial);
}

static void on_modifiers(void *data, struct wl_keyboard *k, uint32_t serial, uint32_t dep,
			 uint32_t lat, uint32_t lock, uint32_t group)
{
	(void)data;
	(void)k;
	(void)dep;
	(void)lat;
	(void)lock;
	(void)group;
	saw_serial(serial);
}

static const struct wl_keyboard_listener keyboard_listener = {
	zdtm_keymap_ignored, on_enter, on_leave, on_key, on_modifiers, zdtm_repeat_ignored,
};

/* ---- the app's data sources ---------------------------------------------------- */

struct source {
	struct wl_data_source *src;
	const char *text;
	bool cancelled;
};

static void on_target(void *data, struct wl_data_source *s, const char *mime)
{
	(void)data;
	(void)s;
	(void)mime;
}

static void on_send(void *data, struct wl_data_source *s, const char *mime, int32_t fd)
{
	struct source *src = data;
	(void)s;
	(void)mime;
	size_t len = strlen(src->text);
	if (write(fd, src->text, len) != (ssize_t)len)
		zdtm_fail("writing the selection: %s", strerror(errno));
	close(fd);
}

static void on_cancelled(void *data, struct wl_data_source *s)
{
	struct source *src = data;
	(void)s;
	src->cancelled = true;
}

static const struct wl_data_source_listener source_listener = {
	.target = on_target,
	.send = on_send,
	.cancelled = on_cancelled,
};

static void own_selection(struct source *src, const char *text)
{
	src->text = text;
	src->cancelled = false;
	src->src = wl_data_device_manager_create_data_source(manager);
	wl_data_source_add_listener(src->src, &source_listener, src);
	wl_data_source_offer(src->src, "text/plain;charset=utf-8");
}

/* ---- the selection as the compositor offers it ------------------------------- */

static void on_offer_mime(void *data, struct wl_data_offer *o, const char *mime)
{
	(void)data;
	(void)o;
	(void)mime;
}

static const struct wl_data_offer_listener offer_listener = { .offer = on_offer_mime };

static void on_data_offer(void *data, struct wl_data_device *d, struct wl_data_offer *o)
{
	(void)data;
	(void)d;
	wl_data_offer_add_listener(o, &offer_listener, NULL);
}

static void on_selection(void *data, struct wl_data_device *d, struct wl_data_offer *o)
{
	(void)data;
	(void)d;
	if (offer)
		wl_data_offer_destroy(offer);
	offer = o;
	selections++;
}

static const struct wl_data_device_listener device_listener = {
	.data_offer = on_data_offer,
	.selection = on_selection,
};

/* The selection's text, read through the compositor (which asks our own
 * source for it). */
static void read_selection(char *buf, size_t len)
{
	int p[2];
	if (!offer)
		zdtm_fail("no selection to read");
	if (pipe2(p, O_CLOEXEC) < 0)
		zdtm_fail("pipe: %s", strerror(errno));
	wl_data_offer_receive(offer, "text/plain;charset=utf-8", p[1]);
	close(p[1]);
	wlc_roundtrip(&t, "asking for the selection"); /* our source writes it */
	size_t n = 0;
	struct pollfd pfd = { p[0], POLLIN, 0 };
	while (n + 1 < len && poll(&pfd, 1, 5000) > 0) {
		ssize_t r = read(p[0], buf + n, len - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	close(p[0]);
}

static void wait_for(bool (*cond)(void), const char *what)
{
	while (!cond())
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting for %s", what);
}

static bool focused(void)
{
	return enters > 0;
}

static struct source first, second;

static bool first_cancelled(void)
{
	return first.cancelled && enters > 0;
}

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	(void)data;
	(void)version;
	if (strcmp(iface, "wl_seat") == 0)
		seat = wl_registry_bind(reg, name, &wl_seat_interface, 4);
	else if (strcmp(iface, "wl_data_device_manager") == 0)
		manager = wl_registry_bind(reg, name, &wl_data_device_manager_interface, 3);
}

static const struct wl_registry_listener registry_listener = { on_global,
							       zdtm_global_remove_ignored };

int main(void)
{
	struct wlc_window w;
	char text[64];
	zdtm_init(&t, "selection");
	struct wl_registry *reg = wl_display_get_registry(t.display);
	wl_registry_add_listener(reg, &registry_listener, NULL);
	wlc_roundtrip(&t, "finding the seat");
	if (!seat || !manager)
		zdtm_fail("no wl_seat or data device manager: this test needs sway");
	struct wl_keyboard *kb = wl_seat_get_keyboard(seat);
	wl_keyboard_add_listener(kb, &keyboard_listener, NULL);
	struct wl_data_device *dev = wl_data_device_manager_get_data_device(manager, seat);
	wl_data_device_add_listener(dev, &device_listener, NULL);
	wlc_window(&t, &w, "zdtm selection");
	window = w.surface;
	wl_surface_attach(w.surface, wlc_buffer(&t, 100, 100, 0xff408040, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 100);
	wl_surface_commit(w.surface);
	wait_for(focused, "keyboard focus");

	own_selection(&first, "before the dump");
	wl_data_device_set_selection(dev, first.src, enter_serial);
	wlc_roundtrip(&t, "setting the selection");
	read_selection(text, sizeof(text));
	if (strcmp(text, first.text) != 0)
		zdtm_fail("the selection before the dump reads \"%s\"", text);
	before = newest_serial;
	zdtm_ready_and_wait_nocompare(&t);

	restored = true;
	enters = leaves = 0;
	wait_for(first_cancelled, "the old selection's source to be cancelled, and focus");
	if (leaves < 1 || leave_serial <= before)
		zdtm_fail("leave %d times, serial %u (%u before the dump)", leaves, leave_serial,
			  before);
	wlc_roundtrip(&t, "after the restore");
	if (offer)
		zdtm_fail("a selection is still offered after the restore");
	wl_data_source_destroy(first.src);

	/* the serial of the new enter, as the app knows it, sets a selection */
	own_selection(&second, "after the restore");
	wl_data_device_set_selection(dev, second.src, enter_serial);
	wlc_roundtrip(&t, "setting the selection again");
	if (second.cancelled)
		zdtm_fail("the compositor refused the selection (serial %u)", enter_serial);
	read_selection(text, sizeof(text));
	if (strcmp(text, second.text) != 0)
		zdtm_fail("the selection after the restore reads \"%s\"", text);
	printf("serials: %u before the dump, leave %u, enter %u after\n", before, leave_serial,
	       enter_serial);
	zdtm_pass();
}
