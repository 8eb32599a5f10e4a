/* The extension protocols toolkits bind, on sway, which offers them all:
 * their state on the compositor survives, and what belonged to the old
 * compositor's moment (focus, a pointer lock) ends and begins again.
 *
 * Before the dump: a 160x100 buffer shown at the tile's size through a
 * viewport, client-side decoration, an idle inhibitor, a text input that
 * has focus and is enabled, a persistent pointer lock (its region
 * destroyed at once and its id reused) with a relative pointer, the
 * outputs' xdg-output names, one activation token done and one set up but
 * not committed. The runner (run.sh) moves a virtual pointer over the
 * window, and compares the window and sway's view of it (border, idle
 * inhibitor) before and after.
 *
 * After the restore: the text input's leave, then sway's enter; the lock's
 * unlocked, then locked again and relative motion; the pending token
 * commits and gets its done; the finished one is destroyed without error;
 * no xdg-output event repeats what the app knew. (Presentation feedback is
 * zdtm/presentation's, on weston: headless sway 1.7 never presents, even to
 * a client connected directly.) */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "idle-inhibit-unstable-v1-client-protocol.h"
#include "pointer-constraints-unstable-v1-client-protocol.h"
#include "relative-pointer-unstable-v1-client-protocol.h"
#include "text-input-unstable-v3-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-output-unstable-v1-client-protocol.h"
#include "zdtm.h"

static struct wl_seat *seat;
static struct wp_viewporter *viewporter;
static struct zxdg_decoration_manager_v1 *decorations;
static struct zwp_idle_inhibit_manager_v1 *inhibits;
static struct zwp_pointer_constraints_v1 *constraints;
static struct zwp_relative_pointer_manager_v1 *relatives;
static struct zwp_text_input_manager_v3 *text_inputs;
static struct xdg_activation_v1 *activation;
static struct zxdg_output_manager_v1 *output_manager;
static struct wl_output *outputs[4];
static int noutputs;

static uint32_t seat_caps;
static void on_caps(void *data, struct wl_seat *s, uint32_t caps)
{
	(void)data;
	(void)s;
	seat_caps = caps;
}
static void on_seat_name(void *data, struct wl_seat *s, const char *name)
{
	(void)data;
	(void)s;
	(void)name;
}
static const struct wl_seat_listener seat_listener = { on_caps, on_seat_name };

#define BIND(var, iface, version)                                                                  \
	if (strcmp(name, #iface) == 0)                                                             \
	var = wl_registry_bind(reg, id, &iface##_interface, version < v ? version : v)

static void on_global(void *data, struct wl_registry *reg, uint32_t id, const char *name,
		      uint32_t v)
{
	(void)data;
	BIND(seat, wl_seat, 5);
	if (seat && strcmp(name, "wl_seat") == 0)
		wl_seat_add_listener(seat, &seat_listener, NULL);
	BIND(viewporter, wp_viewporter, 1);
	BIND(decorations, zxdg_decoration_manager_v1, 1);
	BIND(inhibits, zwp_idle_inhibit_manager_v1, 1);
	BIND(constraints, zwp_pointer_constraints_v1, 1);
	BIND(relatives, zwp_relative_pointer_manager_v1, 1);
	BIND(text_inputs, zwp_text_input_manager_v3, 1);
	BIND(activation, xdg_activation_v1, 1);
	BIND(output_manager, zxdg_output_manager_v1, 3);
	if (strcmp(name, "wl_output") == 0 && noutputs < 4)
		outputs[noutputs++] = wl_registry_bind(reg, id, &wl_output_interface, 3);
}

static const struct wl_registry_listener registry_listener = { on_global,
							       zdtm_global_remove_ignored };

/* ---- the window ------------------------------------------------------------ */

static int tile_w, tile_h;
static bool configured;
static struct wl_surface *surface;

static void on_xdg_configure(void *data, struct xdg_surface *xs, uint32_t serial)
{
	(void)data;
	xdg_surface_ack_configure(xs, serial);
	configured = true;
}
static const struct xdg_surface_listener xdg_surface_listener = { on_xdg_configure };

static void on_tl_configure(void *data, struct xdg_toplevel *tl, int32_t w, int32_t h,
			    struct wl_array *states)
{
	(void)data;
	(void)tl;
	(void)states;
	if (w > 0 && h > 0) {
		tile_w = w;
		tile_h = h;
	}
}
static void on_tl_close(void *data, struct xdg_toplevel *tl)
{
	(void)data;
	(void)tl;
}
static const struct xdg_toplevel_listener toplevel_listener = { .configure = on_tl_configure,
								.close = on_tl_close };

static int decoration_configures;
static void on_decoration(void *data, struct zxdg_toplevel_decoration_v1 *d, uint32_t mode)
{
	(void)data;
	(void)d;
	(void)mode;
	decoration_configures++;
}
static const struct zxdg_toplevel_decoration_v1_listener decoration_listener = { on_decoration };

/* ---- input: pointer, lock, relative motion, text input ----------------------- */

static bool restored;
static int pointer_enters, locks, unlocks, relative_motions, ti_enters, ti_leaves;
static bool unlock_before_lock = true, ti_leave_before_enter = true;

static void on_p_enter(void *data, struct wl_pointer *p, uint32_t serial, struct wl_surface *s,
		       wl_fixed_t x, wl_fixed_t y)
{
	(void)data;
	(void)p;
	(void)serial;
	(void)x;
	(void)y;
	if (s == surface)
		pointer_enters++;
}
static void on_p_leave(void *data, struct wl_pointer *p, uint32_t serial, struct wl_surface *s)
{
	(void)data;
	(void)p;
	(void)serial;
	(void)s;
}
static void on_p_motion(void *data, struct wl_pointer *p, uint32_t time, wl_fixed_t x, wl_fixed_t y)
{
	(void)data;
	(void)p;
	(void)time;
	(void)x;
	(void)y;
}
static void on_p_button(void *data, struct wl_pointer *p, uint32_t serial, uint32_t time,
			uint32_t button, uint32_t state)
{
	(void)data;
	(void)p;
	(void)serial;
	(void)time;
	(void)button;
	(void)state;
}
static void on_p_axis(void *data, struct wl_pointer *p, uint32_t time, uint32_t axis,
		      wl_fixed_t value)
{
	(void)data;
	(void)p;
	(void)time;
	(void)axis;
	(void)value;
}
static void on_p_frame(void *data, struct wl_pointer *p)
{
	(void)data;
	(void)p;
}
static void on_p_axis_source(void *data, struct wl_pointer *p, uint32_t source)
{
	(void)data;
	(void)p;
	(void)source;
}
static void on_p_axis_stop(void *data, struct wl_pointer *p, uint32_t time, uint32_t axis)
{
	(void)data;
	(void)p;
	(void)time;
	(void)axis;
}
static void on_p_axis_discrete(void *data, struct wl_pointer *p, uint32_t axis, int32_t discrete)
{
	(void)data;
	(void)p;
	(void)axis;
	(void)discrete;
}
static const struct wl_pointer_listener pointer_listener = {
	.enter = on_p_enter,
	.leave = on_p_leave,
	.motion = on_p_motion,
	.button = on_p_button,
	.axis = on_p_axis,
	.frame = on_p_frame,
	.axis_source = on_p_axis_source,
	.axis_stop = on_p_axis_stop,
	.axis_discrete = on_p_axis_discrete,
};

static void on_locked(void *data, struct zwp_locked_pointer_v1 *l)
{
	(void)data;
	(void)l;
	if (restored && unlocks == 0)
		unlock_before_lock = false;
	locks++;
}
static void on_unlocked(void *data, struct zwp_locked_pointer_v1 *l)
{
	(void)data;
	(void)l;
	unlocks++;
}
static const struct zwp_locked_pointer_v1_listener lock_listener = { on_locked, on_unlocked };

static void on_relative(void *data, struct zwp_relative_pointer_v1 *r, uint32_t hi, uint32_t lo,
			wl_fixed_t dx, wl_fixed_t dy, wl_fixed_t udx, wl_fixed_t udy)
{
	(void)data;
	(void)r;
	(void)hi;
	(void)lo;
	(void)dx;
	(void)dy;
	(void)udx;
	(void)udy;
	relative_motions++;
}
static const struct zwp_relative_pointer_v1_listener relative_listener = { on_relative };

static struct zwp_text_input_v3 *text_input;
/* the app's own count, which done's serial must equal for the app to take
 * the input method's text (text-input-v3) */
static uint32_t ti_commits, ti_done_serial;
static char ti_text[64];
static int ti_texts_taken;

static void ti_commit(struct zwp_text_input_v3 *ti)
{
	zwp_text_input_v3_commit(ti);
	ti_commits++;
}

static void on_ti_enter(void *data, struct zwp_text_input_v3 *ti, struct wl_surface *s)
{
	(void)data;
	if (s != surface)
		return;
	if (restored && ti_leaves == 0)
		ti_leave_before_enter = false;
	ti_enters++;
	/* what a toolkit does on enter */
	zwp_text_input_v3_enable(ti);
	zwp_text_input_v3_set_content_type(ti, ZWP_TEXT_INPUT_V3_CONTENT_HINT_NONE,
					   ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_NORMAL);
	ti_commit(ti);
}
static void on_ti_leave(void *data, struct zwp_text_input_v3 *ti, struct wl_surface *s)
{
	(void)data;
	if (s != surface)
		return;
	ti_leaves++;
	zwp_text_input_v3_disable(ti);
	ti_commit(ti);
}
static void on_ti_preedit(void *data, struct zwp_text_input_v3 *ti, const char *text, int32_t b,
			  int32_t e)
{
	(void)data;
	(void)ti;
	(void)text;
	(void)b;
	(void)e;
}
static char ti_pending[64];
static void on_ti_commit(void *data, struct zwp_text_input_v3 *ti, const char *text)
{
	(void)data;
	(void)ti;
	snprintf(ti_pending, sizeof(ti_pending), "%s", text ? text : "");
}
static void on_ti_delete(void *data, struct zwp_text_input_v3 *ti, uint32_t before, uint32_t after)
{
	(void)data;
	(void)ti;
	(void)before;
	(void)after;
}
static void on_ti_done(void *data, struct zwp_text_input_v3 *ti, uint32_t serial)
{
	(void)data;
	(void)ti;
	ti_done_serial = serial;
	/* a serial other than the app's count: the state is not for it */
	if (serial == ti_commits && ti_pending[0]) {
		memcpy(ti_text, ti_pending, sizeof(ti_text));
		ti_texts_taken++;
	}
	ti_pending[0] = 0;
}
static const struct zwp_text_input_v3_listener text_input_listener = {
	on_ti_enter, on_ti_leave, on_ti_preedit, on_ti_commit, on_ti_delete, on_ti_done,
};

/* ---- xdg-output, activation ------------------------------------ */

static int xdg_output_events;
static void on_xo_position(void *data, struct zxdg_output_v1 *o, int32_t x, int32_t y)
{
	(void)data;
	(void)o;
	(void)x;
	(void)y;
	xdg_output_events++;
}
static void on_xo_size(void *data, struct zxdg_output_v1 *o, int32_t w, int32_t h)
{
	(void)data;
	(void)o;
	(void)w;
	(void)h;
	xdg_output_events++;
}
static void on_xo_done(void *data, struct zxdg_output_v1 *o)
{
	(void)data;
	(void)o;
}
static void on_xo_name(void *data, struct zxdg_output_v1 *o, const char *name)
{
	(void)data;
	(void)o;
	(void)name;
	xdg_output_events++;
}
static void on_xo_description(void *data, struct zxdg_output_v1 *o, const char *d)
{
	(void)data;
	(void)o;
	(void)d;
}
static const struct zxdg_output_v1_listener xdg_output_listener = {
	on_xo_position, on_xo_size, on_xo_done, on_xo_name, on_xo_description,
};

static int tokens_done[2];
static void on_token(void *data, struct xdg_activation_token_v1 *t, const char *token)
{
	(void)t;
	(void)token;
	tokens_done[(intptr_t)data]++;
}
static const struct xdg_activation_token_v1_listener token_listener = { on_token };

/* ---- driving ---------------------------------------------------------------- */

/* Dispatches until *done is true, for up to secs seconds. */
static bool dispatch_until(struct wlc *t, bool (*done)(void), int secs, const char *what)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (done())
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= secs)
			zdtm_fail(
				"no %s within %d s (configured %d, text input enters %d leaves %d, "
				"texts %d (done %u, commits %u), pointer enters %d, locks %d "
				"unlocks %d, relative motions %d, tokens done %d %d)",
				what, secs, configured, ti_enters, ti_leaves, ti_texts_taken,
				ti_done_serial, ti_commits, pointer_enters, locks, unlocks,
				relative_motions, tokens_done[0], tokens_done[1]);
		wl_display_flush(t->display);
		struct pollfd p = { .fd = wl_display_get_fd(t->display), .events = POLLIN };
		if (poll(&p, 1, 100) > 0 && wl_display_dispatch(t->display) < 0)
			zdtm_fail("connection lost waiting for %s", what);
		if (wl_display_dispatch_pending(t->display) < 0)
			zdtm_fail("connection lost waiting for %s", what);
	}
}

static bool shown_done;
static void on_shown(void *data, struct wl_callback *cb, uint32_t time)
{
	(void)data;
	(void)time;
	wl_callback_destroy(cb);
	shown_done = true;
}
static const struct wl_callback_listener shown_listener = { on_shown };

static bool frame_shown(void)
{
	return shown_done;
}

static bool tiled(void)
{
	return tile_w > 0;
}

static bool has_pointer(void)
{
	return seat_caps & WL_SEAT_CAPABILITY_POINTER;
}

static bool set_up(void)
{
	return configured && ti_texts_taken > 0 && locks > 0 && tokens_done[0] > 0;
}

static bool back(void)
{
	return ti_texts_taken > 0 && locks > 0 && tokens_done[1] > 0;
}

static bool moved(void)
{
	return relative_motions > 0;
}

int main(void)
{
	struct wlc t;
	zdtm_init(&t, "extensions");
	struct wl_registry *reg = wl_display_get_registry(t.display);
	wl_registry_add_listener(reg, &registry_listener, NULL);
	wlc_roundtrip(&t, "binding the extensions");
	if (!seat || !viewporter || !decorations || !inhibits || !constraints || !relatives ||
	    !text_inputs || !activation || !output_manager || !noutputs)
		zdtm_fail("a protocol is missing: this test needs sway");

	for (int i = 0; i < noutputs; i++)
		zxdg_output_v1_add_listener(
			zxdg_output_manager_v1_get_xdg_output(output_manager, outputs[i]),
			&xdg_output_listener, NULL);

	/* before the window, as toolkits do: sway tells a text input of
	 * focus when the focus moves, not when it is made */
	text_input = zwp_text_input_manager_v3_get_text_input(text_inputs, seat);
	zwp_text_input_v3_add_listener(text_input, &text_input_listener, NULL);
	surface = wl_compositor_create_surface(t.compositor);
	struct xdg_surface *xs = xdg_wm_base_get_xdg_surface(t.wm_base, surface);
	xdg_surface_add_listener(xs, &xdg_surface_listener, NULL);
	struct xdg_toplevel *tl = xdg_surface_get_toplevel(xs);
	xdg_toplevel_add_listener(tl, &toplevel_listener, NULL);
	xdg_toplevel_set_title(tl, "zdtm extensions");
	/* before the first commit, as the protocol wants */
	struct zxdg_toplevel_decoration_v1 *deco =
		zxdg_decoration_manager_v1_get_toplevel_decoration(decorations, tl);
	zxdg_toplevel_decoration_v1_add_listener(deco, &decoration_listener, NULL);
	zxdg_toplevel_decoration_v1_set_mode(deco, ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE);
	wl_surface_commit(surface);
	while (!configured)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost before the first configure");

	/* stripes, so that a scale the viewport did not apply shows */
	uint32_t *px;
	struct wl_buffer *buf = wlc_buffer(&t, 160, 100, 0xff204080, &px);
	for (int y = 0; y < 100; y++)
		for (int x = 0; x < 160; x++)
			px[y * 160 + x] = (x / 10 + y / 10) % 2 ? 0xffe0c040 : 0xff204080;
	struct wp_viewport *vp = wp_viewporter_get_viewport(viewporter, surface);
	wp_viewport_set_destination(vp, 240, 150);
	zwp_idle_inhibit_manager_v1_create_inhibitor(inhibits, surface);
	wl_surface_attach(surface, buf, 0, 0);
	wl_surface_damage_buffer(surface, 0, 0, 160, 100);
	wl_surface_commit(surface);

	/* sway's first configure has no size: the window fills the tile it
	 * gets once mapped, so that the pointer, wherever it is, is over it */
	dispatch_until(&t, tiled, 10, "a configure with the tile's size");
	wp_viewport_set_destination(vp, tile_w, tile_h);
	struct wl_callback *shown = wl_surface_frame(surface);
	wl_callback_add_listener(shown, &shown_listener, NULL);
	wl_surface_commit(surface);
	dispatch_until(&t, frame_shown, 10, "the frame at the tile's size");

	/* the runner's virtual pointer */
	dispatch_until(&t, has_pointer, 10, "pointer on the seat");
	struct wl_pointer *pointer = wl_seat_get_pointer(seat);
	wl_pointer_add_listener(pointer, &pointer_listener, NULL);
	zwp_relative_pointer_v1_add_listener(
		zwp_relative_pointer_manager_v1_get_relative_pointer(relatives, pointer),
		&relative_listener, NULL);
	/* the region is a value: destroyed at once, its id taken by another */
	struct wl_region *r = wl_compositor_create_region(t.compositor);
	wl_region_add(r, 0, 0, tile_w, tile_h);
	struct zwp_locked_pointer_v1 *lock = zwp_pointer_constraints_v1_lock_pointer(
		constraints, surface, pointer, r, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT);
	zwp_locked_pointer_v1_add_listener(lock, &lock_listener, NULL);
	wl_region_destroy(r);
	wlc_roundtrip(&t, "after destroying the lock's region");
	struct wl_region *other = wl_compositor_create_region(t.compositor);
	wl_region_add(other, 0, 0, 1, 1);

	struct xdg_activation_token_v1 *finished =
		xdg_activation_v1_get_activation_token(activation);
	xdg_activation_token_v1_add_listener(finished, &token_listener, (void *)0);
	xdg_activation_token_v1_set_surface(finished, surface);
	xdg_activation_token_v1_commit(finished);
	struct xdg_activation_token_v1 *pending =
		xdg_activation_v1_get_activation_token(activation);
	xdg_activation_token_v1_add_listener(pending, &token_listener, (void *)1);
	xdg_activation_token_v1_set_surface(pending, surface);
	xdg_activation_token_v1_set_app_id(pending, "zdtm-extensions");

	/* the runner moves the pointer over the window meanwhile */
	dispatch_until(&t, set_up, 15, "text from the input method, pointer lock and a done token");
	if (strcmp(ti_text, "im-1") != 0)
		zdtm_fail("the input method's text before the checkpoint is '%s'", ti_text);
	wlc_roundtrip(&t, "before the checkpoint");
	int xo_before = xdg_output_events, deco_before = decoration_configures;
	if (xo_before == 0)
		zdtm_fail("no xdg-output events before the checkpoint");
	zdtm_ready_and_wait(&t);

	restored = true;
	ti_enters = locks = relative_motions = ti_texts_taken = 0;
	xdg_activation_token_v1_commit(pending);
	xdg_activation_token_v1_destroy(finished);
	dispatch_until(&t, back, 15,
		       "text from the input method, pointer lock, relative motion and token");
	/* sway locks on keyboard focus, and a locked cursor may not have
	 * re-entered the window: released, the cursor moves and enters */
	if (!moved())
		zwp_locked_pointer_v1_destroy(lock);
	dispatch_until(&t, moved, 15, "relative motion");
	if (strcmp(ti_text, "im-2") != 0)
		zdtm_fail("the input method's text after the restore is '%s'", ti_text);
	wlc_roundtrip(&t, "after the restore");
	if (ti_leaves < 1 || !ti_leave_before_enter)
		zdtm_fail("text input: no leave before the new enter (leaves %d)", ti_leaves);
	if (unlocks < 1 || !unlock_before_lock)
		zdtm_fail("pointer lock: no unlocked before the new locked (unlocks %d)", unlocks);
	if (xdg_output_events != xo_before)
		zdtm_fail("xdg-output told the app again what it knew (%d events, %d before)",
			  xdg_output_events, xo_before);
	if (decoration_configures != deco_before)
		zdtm_fail("the decoration mode was configured again");
	printf("text input leave %d enter %d, done serial %u = commits, lock unlocked %d locked "
	       "%d, relative motions %d\n",
	       ti_leaves, ti_enters, ti_done_serial, unlocks, locks, relative_motions);
	wl_region_destroy(other);
	zdtm_pass();
}
