/* helper/replay.c end to end: an app's traffic is recorded in session A,
 * dumped, and replayed through a fresh proxy to the scripted compositor of
 * replay_harness.c, which gives its globals other names than the app saw.
 * Each case checks what the new compositor was asked and what the app was
 * told, for one protocol. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "protoload.h"
#include "replay_harness.h"
#include "session.h"
#include "takeover.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The checks print both logs when they fail; each evaluates once. */
#define HCHECK(h, cond)	   CHECK_OR(rh_print(h), cond)
#define HCHECK_EQ(h, a, b) CHECK_EQ_OR(rh_print(h), a, b)

/* The compositor the app ran on. */
static const struct rh_global old_globals[] = {
	{ 10, "wl_compositor", 4 },
	{ 11, "wl_shm", 1 },
	{ 12, "xdg_wm_base", 2 },
	{ 13, "wl_seat", 7 },
	{ 14, "wl_output", 3 },
	{ 15, "wp_fractional_scale_manager_v1", 1 },
	{ 16, "zwp_pointer_constraints_v1", 1 },
	{ 17, "zwp_text_input_manager_v3", 1 },
	{ 18, "xdg_activation_v1", 1 },
	{ 19, "zxdg_decoration_manager_v1", 1 },
	{ 20, "wp_viewporter", 1 },
	{ 21, "wp_presentation", 1 },
	{ 22, "zxdg_output_manager_v1", 3 },
	{ 23, "zwp_idle_inhibit_manager_v1", 1 },
	{ 24, "zwp_relative_pointer_manager_v1", 1 },
	{ 25, "zwp_primary_selection_device_manager_v1", 1 },
	{ 26, "zwlr_layer_shell_v1", 4 },
	{ 27, "org_kde_kwin_server_decoration_manager", 1 },
	{ 28, "zwp_tablet_manager_v2", 1 },
	{ 29, "zwp_pointer_gestures_v1", 3 },
	{ 30, "zxdg_exporter_v2", 1 },
	{ 31, "zxdg_importer_v2", 1 },
	{ 32, "zwlr_data_control_manager_v1", 2 },
};

/* The one it is restored on: other names in another order, and the old
 * compositor's names stand for other interfaces here. */
static const struct rh_global new_globals[] = {
	{ 1, "zwp_relative_pointer_manager_v1", 1 },
	{ 2, "zwp_idle_inhibit_manager_v1", 1 },
	{ 3, "zxdg_output_manager_v1", 3 },
	{ 4, "wp_presentation", 1 },
	{ 5, "wp_viewporter", 1 },
	{ 6, "zxdg_decoration_manager_v1", 1 },
	{ 7, "xdg_activation_v1", 1 },
	{ 8, "zwp_text_input_manager_v3", 1 },
	{ 9, "zwp_pointer_constraints_v1", 1 },
	{ 10, "wl_shm", 1 },
	{ 11, "xdg_wm_base", 5 },
	{ 12, "wl_compositor", 6 },
	{ 13, "wl_output", 4 },
	{ 14, "wl_seat", 9 },
	{ 15, "wp_fractional_scale_manager_v1", 1 },
	{ 16, "zwp_primary_selection_device_manager_v1", 1 },
	{ 17, "zxdg_importer_v2", 1 },
	{ 18, "zxdg_exporter_v2", 1 },
	{ 19, "zwp_pointer_gestures_v1", 3 },
	{ 20, "zwp_tablet_manager_v2", 1 },
	{ 21, "org_kde_kwin_server_decoration_manager", 1 },
	{ 22, "zwlr_layer_shell_v1", 4 },
	{ 23, "zwlr_data_control_manager_v1", 2 },
};

static uint32_t new_name(const char *iface)
{
	for (size_t i = 0; i < N(new_globals); i++)
		if (strcmp(new_globals[i].interface, iface) == 0)
			return new_globals[i].name;
	return 0;
}

static struct rh_options options(void)
{
	/* serials below the app's: a new compositor counts from anywhere */
	return (struct rh_options){ .globals = new_globals,
				    .nglobals = N(new_globals),
				    .serial = 7 };
}

#define POOL_MARK 0x5eedf00du

/* ---- the app before the dump (session A) ---------------------------------- */

struct app {
	struct session s;
	int pool; /* the memfd behind its wl_shm_pool */
	void *map;
};

/* The app's name for a global: session A's proxy's. */
static uint32_t app_name(struct session *a, const char *iface)
{
	const struct wlcr_names *names = &a->c->journal.names;
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->v[i].interface, iface) == 0)
			return names->v[i].name;
	return 0;
}

static bool app_bind(struct app *a, const char *iface, uint32_t version, uint32_t id)
{
	return REQ(&a->s, 2, WLCR_REQ_wl_registry_bind, "usun", app_name(&a->s, iface), iface,
		   version, id);
}

/* registry (2), compositor (3), shm (4), xdg_wm_base (5), surface (6),
 * pool (7, 4096 bytes of a memfd, mapped when map), buffer (8),
 * xdg_surface (9) and toplevel (10), not committed yet. */
static bool app_init(struct app *a, bool map)
{
	uint32_t mark = POOL_MARK;
	a->map = MAP_FAILED;
	a->pool = memfd_create("app-pool", MFD_CLOEXEC);
	if (session_init(&a->s) < 0 || a->pool < 0 || ftruncate(a->pool, 4096) < 0 ||
	    pwrite(a->pool, &mark, 4, 0) != 4)
		return false;
	if (map) {
		a->map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a->pool, 0);
		if (a->map == MAP_FAILED)
			return false;
	}
	if (!REQ(&a->s, 1, WLCR_REQ_wl_display_get_registry, "n", 2u))
		return false;
	for (size_t i = 0; i < N(old_globals); i++)
		if (!EVT(&a->s, 2, WLCR_EVT_wl_registry_global, "usu", old_globals[i].name,
			 old_globals[i].interface, old_globals[i].version))
			return false;
	struct session *s = &a->s;
	return app_bind(a, "wl_compositor", 4, 3) && app_bind(a, "wl_shm", 1, 4) &&
	       app_bind(a, "xdg_wm_base", 2, 5) &&
	       REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 6u) &&
	       REQ_FD(s, a->pool, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 7u, 4096u) &&
	       REQ(s, 7, WLCR_REQ_wl_shm_pool_create_buffer, "niiiiu", 8u, 0u, 32u, 32u, 128u,
		   0u) &&
	       REQ(s, 5, WLCR_REQ_xdg_wm_base_get_xdg_surface, "no", 9u, 6u) &&
	       REQ(s, 9, WLCR_REQ_xdg_surface_get_toplevel, "n", 10u) &&
	       REQ(s, 10, WLCR_REQ_xdg_toplevel_set_title, "s", "hello");
}

/* The initial commit, the configure (serial 100) and its ack, then the
 * buffer attached and committed. */
static bool app_map(struct app *a)
{
	struct session *s = &a->s;
	return REQ(s, 6, WLCR_REQ_wl_surface_commit, "") &&
	       EVT(s, 10, WLCR_EVT_xdg_toplevel_configure, "iia", 640u, 480u, 0u, NULL) &&
	       EVT(s, 9, WLCR_EVT_xdg_surface_configure, "u", 100u) &&
	       REQ(s, 9, WLCR_REQ_xdg_surface_ack_configure, "u", 100u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_attach, "oii", 8u, 0u, 0u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u, 32u, 32u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_commit, "");
}

/* A mapped toplevel: ids 2 to 10 as app_init says. */
static bool app_toplevel(struct app *a)
{
	return app_init(a, false) && app_map(a);
}

static void app_finish(struct app *a)
{
	if (a->map != MAP_FAILED)
		munmap(a->map, 4096);
	if (a->pool >= 0)
		close(a->pool);
	session_finish(&a->s);
}

/* A seat (11) with pointer and keyboard capabilities, and its wl_pointer (12). */
static bool app_seat_and_pointer(struct app *a)
{
	return app_bind(a, "wl_seat", 7, 11) &&
	       EVT(&a->s, 11, WLCR_EVT_wl_seat_capabilities, "u", 3u) &&
	       EVT(&a->s, 11, WLCR_EVT_wl_seat_name, "s", "seat0") &&
	       REQ(&a->s, 11, WLCR_REQ_wl_seat_get_pointer, "n", 12u);
}

/* Absorbed: nothing reached the compositor since mark. */
static bool nothing_sent_since(struct replay_harness *h, size_t mark)
{
	return h->up.n == mark;
}

/* ---- cases ---------------------------------------------------------------- */

static void a_toplevel_with_an_shm_buffer_replays_with_the_same_ids(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_init(&a, true) && app_map(&a));
	/* a frame callback and a sync the app still waits for */
	CHECK(REQ(&a.s, 6, WLCR_REQ_wl_surface_frame, "n", 11u));
	CHECK(REQ(&a.s, 6, WLCR_REQ_wl_surface_commit, ""));
	CHECK(REQ(&a.s, 1, WLCR_REQ_wl_display_sync, "n", 12u));
	struct rh_options o = options();
	o.pid = getpid(); /* the pool is found in the app's mappings */
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	/* binds by interface, to the new compositor's names */
	const char *bound[] = { "wl_compositor", "wl_shm", "xdg_wm_base" };
	for (uint32_t i = 0; i < 3; i++) {
		int at = rh_find_new(&h.up, 0, "wl_registry.bind", 3 + i);
		HCHECK(&h, at >= 0);
		HCHECK_EQ(&h, rh_arg(&h.up, at, 0), new_name(bound[i]));
		HCHECK(&h, strcmp(h.up.msgs[at].m.new_iface_name, bound[i]) == 0);
	}
	/* the same ids, the pool from the restored memory */
	int surface = rh_find_new(&h.up, 0, "wl_compositor.create_surface", 6);
	int pool = rh_find_new(&h.up, 0, "wl_shm.create_pool", 7);
	int buffer = rh_find_new(&h.up, 0, "wl_shm_pool.create_buffer", 8);
	int xdg = rh_find_new(&h.up, 0, "xdg_wm_base.get_xdg_surface", 9);
	int toplevel = rh_find_new(&h.up, 0, "xdg_surface.get_toplevel", 10);
	HCHECK(&h, surface >= 0 && pool >= 0 && buffer >= 0 && xdg >= 0 && toplevel >= 0);
	HCHECK(&h, h.up.msgs[pool].has_fd);
	HCHECK_EQ(&h, h.up.msgs[pool].fd_word, POOL_MARK);
	HCHECK_EQ(&h, rh_arg(&h.up, pool, 2), 4096);
	HCHECK_EQ(&h, h.up.msgs[buffer].m.sender, 7);
	HCHECK_EQ(&h, rh_arg(&h.up, xdg, 1), 6);
	int title = rh_find(&h.up, 0, "xdg_toplevel.set_title", 10);
	HCHECK(&h, title > toplevel);
	HCHECK(&h, strcmp(rh_str(&h.up, title, 0), "hello") == 0);

	/* the new configure acked, then the last buffer attached and committed */
	int ack = rh_find(&h.up, 0, "xdg_surface.ack_configure", 9);
	HCHECK(&h, ack > 0);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "xdg_surface.ack_configure", 9), 1);
	HCHECK_EQ(&h, rh_arg(&h.up, ack, 0), rh_object(&h, 9)->configure_serial);
	int attach = rh_find(&h.up, ack, "wl_surface.attach", 6);
	HCHECK(&h, attach > ack);
	HCHECK_EQ(&h, rh_arg(&h.up, attach, 0), 8);
	int commit = rh_find_last(&h.up, "wl_surface.commit", 6);
	HCHECK(&h, commit > attach);
	/* the pending frame callback on that commit, the sync again after it */
	int frame = rh_find_new(&h.up, 0, "wl_surface.frame", 11);
	HCHECK(&h, frame > ack && frame < commit);
	HCHECK(&h, rh_find_new(&h.up, (size_t)commit, "wl_display.sync", 12) > commit);

	/* the app is told nothing it knew: no global, and its buffer is
	 * still held; its sync is answered. The new compositor's toplevel
	 * state (0x0: the app chooses) differs from the 640x480 it knew: it
	 * comes once the replay is done, with a serial of the app's own whose
	 * ack stays in the proxy (the replay acked the compositor's) */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "xdg_toplevel.configure", 0), 1);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "xdg_surface.configure", 0), 1);
	int told = rh_find(&h.down, 0, "xdg_toplevel.configure", 10);
	HCHECK_EQ(&h, rh_arg(&h.down, told, 0), 0);
	int told_serial = rh_find(&h.down, 0, "xdg_surface.configure", 9);
	HCHECK(&h, told_serial > told && rh_arg(&h.down, told_serial, 0) > 100);
	size_t before_ack = h.up.n;
	HCHECK(&h, APP(&h, 9, WLCR_REQ_xdg_surface_ack_configure, "u",
		       rh_arg(&h.down, told_serial, 0)));
	HCHECK_EQ(&h, rh_count(&h.up, before_ack, "xdg_surface.ack_configure", 0), 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_registry.global", 0), 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_buffer.release", 0), 0);
	HCHECK(&h, rh_find(&h.down, 0, "wl_callback.done", 12) >= 0);
	HCHECK(&h, rh_find(&h.down, 0, "wl_display.delete_id", 1) >= 0);

	/* afterwards: the frame fires, and a new configure is acked in the
	 * app's serial space, which reaches the compositor as its own */
	size_t mark = h.down.n;
	HCHECK(&h, COMP(&h, 11, WLCR_EVT_wl_callback_done, "u", 1234u));
	HCHECK(&h, COMP(&h, 1, WLCR_EVT_wl_display_delete_id, "u", 11u));
	HCHECK(&h, rh_find(&h.down, mark, "wl_callback.done", 11) >= 0);
	uint32_t serial = h.serial + 1;
	HCHECK(&h, COMP(&h, 10, WLCR_EVT_xdg_toplevel_configure, "iia", 800u, 600u, 0u, NULL));
	HCHECK(&h, COMP(&h, 9, WLCR_EVT_xdg_surface_configure, "u", serial));
	int conf = rh_find(&h.down, mark, "xdg_surface.configure", 9);
	HCHECK(&h, conf >= 0);
	uint32_t app_serial = rh_arg(&h.down, conf, 0);
	HCHECK(&h, app_serial > 100);
	mark = h.up.n;
	HCHECK(&h, APP(&h, 9, WLCR_REQ_xdg_surface_ack_configure, "u", app_serial));
	HCHECK_EQ(&h, rh_arg(&h.up, rh_find(&h.up, mark, "xdg_surface.ack_configure", 9), 0),
		  serial);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- fractional-scale ---------------------------------------------------- */

/* A toplevel whose surface has a wp_fractional_scale_v1 (12, from the
 * manager 11), told a preferred scale of 1.5 (180/120). */
static bool app_fractional(struct app *a)
{
	return app_toplevel(a) && app_bind(a, "wp_fractional_scale_manager_v1", 1, 11) &&
	       REQ(&a->s, 11, WLCR_REQ_wp_fractional_scale_manager_v1_get_fractional_scale, "no",
		   12u, 6u) &&
	       EVT(&a->s, 12, WLCR_EVT_wp_fractional_scale_v1_preferred_scale, "u", 180u);
}

/* The new compositor tells a new fractional scale object its scale. */
static void preferred_scale(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "wp_fractional_scale_manager_v1.get_fractional_scale") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_wp_fractional_scale_v1_preferred_scale, "u",
			 *(uint32_t *)h->opt.data);
}

static void fractional_scale_is_recreated_and_only_a_new_scale_reaches_the_app(void)
{
	struct app a;
	CHECK(app_fractional(&a));
	uint32_t scales[] = { 180, 240 };
	for (size_t i = 0; i < N(scales); i++) {
		struct replay_harness h;
		struct rh_options o = options();
		o.on_request = preferred_scale;
		o.data = &scales[i];
		HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
		int made = rh_find_new(&h.up, 0,
				       "wp_fractional_scale_manager_v1.get_fractional_scale", 12);
		HCHECK(&h, made > rh_find_new(&h.up, 0, "wl_compositor.create_surface", 6));
		HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 6);
		int told = rh_find(&h.down, 0, "wp_fractional_scale_v1.preferred_scale", 12);
		if (scales[i] == 180) {
			HCHECK(&h, told < 0);
		} else {
			HCHECK(&h, told >= 0);
			HCHECK_EQ(&h, rh_arg(&h.down, told, 0), 240);
		}
		rh_finish(&h);
	}
	app_finish(&a);
}

static void fractional_scale_missing_on_the_new_compositor_is_emulated(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_fractional(&a));
	struct rh_global globals[N(new_globals)];
	size_t n = 0;
	for (size_t i = 0; i < N(new_globals); i++)
		if (strcmp(new_globals[i].interface, "wp_fractional_scale_manager_v1") != 0)
			globals[n++] = new_globals[i];
	struct rh_options o = options();
	o.globals = globals;
	o.nglobals = n;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "wl_registry.bind", 11), -1);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "wp_fractional_scale_manager_v1.get_fractional_scale", 0),
		  0);
	/* what the app asks of it is absorbed; its ends are answered */
	size_t up = h.up.n, down = h.down.n;
	HCHECK(&h, APP(&h, 12, WLCR_REQ_wp_fractional_scale_v1_destroy, ""));
	HCHECK(&h, APP(&h, 11, WLCR_REQ_wp_fractional_scale_manager_v1_get_fractional_scale, "no",
		       12u, 6u));
	HCHECK(&h, APP(&h, 12, WLCR_REQ_wp_fractional_scale_v1_destroy, ""));
	HCHECK(&h, APP(&h, 11, WLCR_REQ_wp_fractional_scale_manager_v1_destroy, ""));
	HCHECK(&h, nothing_sent_since(&h, up));
	HCHECK_EQ(&h, rh_count(&h.down, down, "wl_display.delete_id", 1), 3);
	int last = rh_find_last(&h.down, "wl_display.delete_id", 1);
	HCHECK_EQ(&h, rh_arg(&h.down, last, 0), 11);
	/* the rest of the app goes on as before */
	HCHECK(&h, APP(&h, 6, WLCR_REQ_wl_surface_commit, ""));
	HCHECK_EQ(&h, h.up.n, up + 1);
	HCHECK(&h, !h.error[0] && !h.b.c->dead);
	rh_finish(&h);
}

/* ---- pointer constraints ---------------------------------------------------- */

/* The new compositor starts a constraint as soon as it is made. */
static void constrain_at_once(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "zwp_pointer_constraints_v1.lock_pointer") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_zwp_locked_pointer_v1_locked, "");
	else if (strcmp(req->name, "zwp_pointer_constraints_v1.confine_pointer") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_zwp_confined_pointer_v1_confined, "");
}

/* The rectangles a temporary region got, in the order they were added. */
static bool region_is(struct replay_harness *h, uint32_t id, const uint32_t *rects, size_t n)
{
	int at = rh_find_new(&h->up, 0, "wl_compositor.create_region", id);
	if (at < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		at = rh_find(&h->up, (size_t)at + 1, "wl_region.add", id);
		for (unsigned k = 0; k < 4; k++)
			if (at < 0 || rh_arg(&h->up, at, k) != rects[4 * i + k])
				return false;
	}
	return rh_count(&h->up, 0, "wl_region.add", id) == n &&
	       rh_find(&h->up, (size_t)at, "wl_region.destroy", id) > at;
}

static void pointer_constraints_replay_their_regions_and_end_their_episodes(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "zwp_pointer_constraints_v1", 1, 13));
	/* a persistent lock on 6, locked, with a region destroyed at once
	 * and its id reused by a surface */
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_region, "n", 14u));
	CHECK(REQ(s, 14, WLCR_REQ_wl_region_add, "iiii", 0u, 0u, 10u, 10u));
	CHECK(REQ(s, 14, WLCR_REQ_wl_region_add, "iiii", 20u, 20u, 5u, 5u));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_pointer_constraints_v1_lock_pointer, "nooou", 15u, 6u, 12u,
		  14u, 2u));
	CHECK(REQ(s, 14, WLCR_REQ_wl_region_destroy, ""));
	CHECK(EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", 14u));
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 14u));
	CHECK(EVT(s, 15, WLCR_EVT_zwp_locked_pointer_v1_locked, ""));
	/* a oneshot lock on 16 that ended: defunct */
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 16u));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_pointer_constraints_v1_lock_pointer, "nooou", 17u, 16u, 12u,
		  0u, 1u));
	CHECK(EVT(s, 17, WLCR_EVT_zwp_locked_pointer_v1_locked, ""));
	CHECK(EVT(s, 17, WLCR_EVT_zwp_locked_pointer_v1_unlocked, ""));
	/* a oneshot lock on 18, locked: the dump ends it */
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 18u));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_pointer_constraints_v1_lock_pointer, "nooou", 19u, 18u, 12u,
		  0u, 1u));
	CHECK(EVT(s, 19, WLCR_EVT_zwp_locked_pointer_v1_locked, ""));
	/* a persistent confinement on 20, made without a region and given
	 * one later, which is destroyed at once */
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 20u));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_pointer_constraints_v1_confine_pointer, "nooou", 21u, 20u,
		  12u, 0u, 2u));
	CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_region, "n", 22u));
	CHECK(REQ(s, 22, WLCR_REQ_wl_region_add, "iiii", 1u, 2u, 3u, 4u));
	CHECK(REQ(s, 21, WLCR_REQ_zwp_confined_pointer_v1_set_region, "o", 22u));
	CHECK(REQ(s, 22, WLCR_REQ_wl_region_destroy, ""));
	CHECK(EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", 22u));
	CHECK(wlcr_journal_get(&s->c->journal, 17)->defunct);

	struct rh_options o = options();
	o.on_request = constrain_at_once;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	/* at the claim, before anything of the new compositor: the active
	 * locks end, the ended one is not told again */
	int unlocked = rh_find(&h.down, 0, "zwp_locked_pointer_v1.unlocked", 15);
	HCHECK(&h, unlocked >= 0);
	HCHECK(&h, rh_find(&h.down, 0, "zwp_locked_pointer_v1.unlocked", 19) >= 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwp_locked_pointer_v1.unlocked", 17), 0);

	/* the persistent lock, with a temporary region of the same rectangles */
	int lock = rh_find_new(&h.up, 0, "zwp_pointer_constraints_v1.lock_pointer", 15);
	HCHECK(&h, lock >= 0);
	HCHECK_EQ(&h, rh_arg(&h.up, lock, 1), 6);
	HCHECK_EQ(&h, rh_arg(&h.up, lock, 2), 12);
	HCHECK_EQ(&h, rh_arg(&h.up, lock, 4), 2);
	uint32_t region = rh_arg(&h.up, lock, 3);
	HCHECK(&h, region > 22); /* the replay's own id, above the app's */
	const uint32_t rects[] = { 0, 0, 10, 10, 20, 20, 5, 5 };
	HCHECK(&h, region_is(&h, region, rects, 2));
	HCHECK(&h, rh_find_new(&h.up, 0, "wl_compositor.create_surface", 14) >= 0);
	/* and it reaches the app again when the new compositor locks */
	HCHECK(&h,
	       rh_find(&h.down, (size_t)unlocked, "zwp_locked_pointer_v1.locked", 15) > unlocked);
	/* the oneshot ones are over */
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "zwp_pointer_constraints_v1.lock_pointer", 17), -1);
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "zwp_pointer_constraints_v1.lock_pointer", 19), -1);
	HCHECK(&h, wlcr_journal_get(&h.b.c->journal, 17)->gone);
	HCHECK(&h, wlcr_journal_get(&h.b.c->journal, 19)->gone);
	/* the confinement, with the region it was given after its creation */
	int confine = rh_find_new(&h.up, 0, "zwp_pointer_constraints_v1.confine_pointer", 21);
	HCHECK(&h, confine >= 0);
	const uint32_t rect[] = { 1, 2, 3, 4 };
	HCHECK(&h, region_is(&h, rh_arg(&h.up, confine, 3), rect, 1));

	/* their destruction is answered by the proxy */
	size_t up = h.up.n, down = h.down.n;
	HCHECK(&h, APP(&h, 17, WLCR_REQ_zwp_locked_pointer_v1_destroy, ""));
	HCHECK(&h, APP(&h, 19, WLCR_REQ_zwp_locked_pointer_v1_destroy, ""));
	HCHECK(&h, nothing_sent_since(&h, up));
	int d = rh_find(&h.down, down, "wl_display.delete_id", 1);
	HCHECK_EQ(&h, rh_arg(&h.down, d, 0), 17);
	HCHECK_EQ(&h,
		  rh_arg(&h.down, rh_find(&h.down, (size_t)d + 1, "wl_display.delete_id", 1), 0),
		  19);
	/* while the recreated one goes to the compositor */
	HCHECK(&h, APP(&h, 15, WLCR_REQ_zwp_locked_pointer_v1_destroy, ""));
	HCHECK(&h, rh_find(&h.up, up, "zwp_locked_pointer_v1.destroy", 15) >= 0);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- text-input-v3 -------------------------------------------------------- */

static void enter_text_input(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "zwp_text_input_manager_v3.get_text_input") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_zwp_text_input_v3_enter, "o", 6u);
}

static void text_input_focus_ends_at_the_claim_and_commits_keep_counting(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "zwp_text_input_manager_v3", 1, 13));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_text_input_manager_v3_get_text_input, "no", 14u, 11u));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_text_input_v3_enter, "o", 6u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_enable, ""));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_set_surrounding_text, "sii", "abc", 1u, 1u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_set_content_type, "uu", 0u, 0u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_set_cursor_rectangle, "iiii", 1u, 2u, 3u, 4u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_commit, ""));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_text_input_v3_done, "u", 1u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_set_surrounding_text, "sii", "abcd", 2u, 2u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_commit, ""));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_text_input_v3_commit, ""));

	struct rh_options o = options();
	o.on_request = enter_text_input;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	int leave = rh_find(&h.down, 0, "zwp_text_input_v3.leave", 14);
	HCHECK(&h, leave >= 0);
	HCHECK_EQ(&h, rh_arg(&h.down, leave, 0), 6);
	HCHECK(&h, rh_find_new(&h.up, 0, "zwp_text_input_manager_v3.get_text_input", 14) >= 0);
	/* its state belonged to the focus that ended: the app sets it again */
	const char *episode[] = { "enable", "set_surrounding_text", "set_content_type",
				  "set_cursor_rectangle", "commit" };
	for (size_t i = 0; i < N(episode); i++) {
		char name[96];
		snprintf(name, sizeof(name), "zwp_text_input_v3.%s", episode[i]);
		HCHECK_EQ(&h, rh_count(&h.up, 0, name, 14), 0);
	}
	/* the new enter on the same surface is not the old one */
	int enter = rh_find(&h.down, (size_t)leave, "zwp_text_input_v3.enter", 14);
	HCHECK(&h, enter > leave);
	HCHECK_EQ(&h, rh_arg(&h.down, enter, 0), 6);

	/* the compositor counts this commit as its first, the app as its 4th */
	size_t up = h.up.n;
	HCHECK(&h, APP(&h, 14, WLCR_REQ_zwp_text_input_v3_enable, ""));
	HCHECK(&h, APP(&h, 14, WLCR_REQ_zwp_text_input_v3_commit, ""));
	HCHECK(&h, rh_find(&h.up, up, "zwp_text_input_v3.commit", 14) >= 0);
	size_t down = h.down.n;
	HCHECK(&h, COMP(&h, 14, WLCR_EVT_zwp_text_input_v3_done, "u", 1u));
	int done = rh_find(&h.down, down, "zwp_text_input_v3.done", 14);
	HCHECK(&h, done >= 0);
	HCHECK_EQ(&h, rh_arg(&h.down, done, 0), 4);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- xdg-activation -------------------------------------------------------- */

static void activation_token_done(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "xdg_activation_token_v1.commit") == 0)
		RH_QUEUE(h, req->m.sender, WLCR_EVT_xdg_activation_token_v1_done, "s", "new-token");
}

static void activation_tokens_are_recreated_until_done(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "xdg_activation_v1", 1, 13));
	CHECK(REQ(s, 13, WLCR_REQ_xdg_activation_v1_get_activation_token, "n", 14u));
	CHECK(REQ(s, 14, WLCR_REQ_xdg_activation_token_v1_set_app_id, "s", "first"));
	CHECK(REQ(s, 14, WLCR_REQ_xdg_activation_token_v1_set_surface, "o", 6u));
	CHECK(REQ(s, 14, WLCR_REQ_xdg_activation_token_v1_commit, ""));
	CHECK(EVT(s, 14, WLCR_EVT_xdg_activation_token_v1_done, "s", "old-token"));
	CHECK(REQ(s, 13, WLCR_REQ_xdg_activation_v1_get_activation_token, "n", 15u));
	CHECK(REQ(s, 15, WLCR_REQ_xdg_activation_token_v1_set_serial, "uo", 100u, 11u));
	CHECK(REQ(s, 15, WLCR_REQ_xdg_activation_token_v1_set_app_id, "s", "second"));
	CHECK(REQ(s, 15, WLCR_REQ_xdg_activation_token_v1_commit, ""));

	struct rh_options o = options();
	o.on_request = activation_token_done;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "xdg_activation_v1.get_activation_token", 14), -1);
	HCHECK(&h, rh_find_new(&h.up, 0, "xdg_activation_v1.get_activation_token", 15) >= 0);
	int serial = rh_find(&h.up, 0, "xdg_activation_token_v1.set_serial", 15);
	int app_id = rh_find(&h.up, 0, "xdg_activation_token_v1.set_app_id", 15);
	int commit = rh_find(&h.up, 0, "xdg_activation_token_v1.commit", 15);
	HCHECK(&h, serial >= 0 && app_id >= 0 && commit > serial && commit > app_id);
	HCHECK_EQ(&h, rh_arg(&h.up, serial, 1), 11);
	/* the old compositor's serial means nothing to this one */
	HCHECK_EQ(&h, rh_arg(&h.up, serial, 0), 0);
	HCHECK(&h, strcmp(rh_str(&h.up, app_id, 0), "second") == 0);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "xdg_activation_token_v1.commit", 0), 1);
	int done = rh_find(&h.down, 0, "xdg_activation_token_v1.done", 15);
	HCHECK(&h, done >= 0);
	HCHECK(&h, strcmp(rh_str(&h.down, done, 0), "new-token") == 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "xdg_activation_token_v1.done", 14), 0);

	size_t up = h.up.n, down = h.down.n;
	HCHECK(&h, APP(&h, 14, WLCR_REQ_xdg_activation_token_v1_destroy, ""));
	HCHECK(&h, nothing_sent_since(&h, up));
	HCHECK_EQ(&h, rh_arg(&h.down, rh_find(&h.down, down, "wl_display.delete_id", 1), 0), 14);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- xdg-decoration ---------------------------------------------------------- */

static void decoration_mode(struct replay_harness *h, const struct rh_msg *req)
{
	/* the compositor keeps server-side decorations */
	if (strcmp(req->name, "zxdg_toplevel_decoration_v1.unset_mode") == 0)
		RH_QUEUE(h, req->m.sender, WLCR_EVT_zxdg_toplevel_decoration_v1_configure, "u", 2u);
}

static void decoration_set_then_unset_replays_only_the_unset(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	/* made before the toplevel's first commit, as the protocol wants */
	CHECK(app_init(&a, false));
	CHECK(app_bind(&a, "zxdg_decoration_manager_v1", 1, 11));
	CHECK(REQ(s, 11, WLCR_REQ_zxdg_decoration_manager_v1_get_toplevel_decoration, "no", 12u,
		  10u));
	CHECK(REQ(s, 12, WLCR_REQ_zxdg_toplevel_decoration_v1_set_mode, "u", 1u));
	CHECK(REQ(s, 12, WLCR_REQ_zxdg_toplevel_decoration_v1_unset_mode, ""));
	CHECK(EVT(s, 12, WLCR_EVT_zxdg_toplevel_decoration_v1_configure, "u", 2u));
	CHECK(app_map(&a));

	struct rh_options o = options();
	o.on_request = decoration_mode;
	o.configure_late = true;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	int made = rh_find_new(&h.up, 0, "zxdg_decoration_manager_v1.get_toplevel_decoration", 12);
	HCHECK(&h, made >= 0);
	HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 10);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "zxdg_toplevel_decoration_v1.set_mode", 0), 0);
	int unset = rh_find(&h.up, 0, "zxdg_toplevel_decoration_v1.unset_mode", 12);
	HCHECK(&h, unset > made);
	HCHECK(&h, unset < rh_find(&h.up, 0, "wl_surface.commit", 6));
	/* the mode the app knows is not told again */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zxdg_toplevel_decoration_v1.configure", 0), 0);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- viewporter ------------------------------------------------------------- */

static void viewport_is_set_before_the_content_commit(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_init(&a, false));
	CHECK(app_bind(&a, "wp_viewporter", 1, 11));
	CHECK(REQ(s, 11, WLCR_REQ_wp_viewporter_get_viewport, "no", 12u, 6u));
	CHECK(REQ(s, 12, WLCR_REQ_wp_viewport_set_source, "ffff", 0u, 0u, 16u * 256, 16u * 256));
	CHECK(REQ(s, 12, WLCR_REQ_wp_viewport_set_destination, "ii", 64u, 48u));
	CHECK(app_map(&a));

	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	int made = rh_find_new(&h.up, 0, "wp_viewporter.get_viewport", 12);
	HCHECK(&h, made > rh_find_new(&h.up, 0, "wl_compositor.create_surface", 6));
	HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 6);
	int source = rh_find(&h.up, 0, "wp_viewport.set_source", 12);
	int dest = rh_find(&h.up, 0, "wp_viewport.set_destination", 12);
	HCHECK(&h, source > made && dest > made);
	HCHECK_EQ(&h, rh_arg(&h.up, source, 2), 16 * 256);
	HCHECK_EQ(&h, rh_arg(&h.up, dest, 0), 64);
	HCHECK_EQ(&h, rh_arg(&h.up, dest, 1), 48);
	int attach = rh_find(&h.up, 0, "wl_surface.attach", 6);
	int content = rh_find(&h.up, (size_t)attach, "wl_surface.commit", 6);
	HCHECK(&h, attach >= 0 && content > attach);
	HCHECK(&h, source < content && dest < content);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- presentation-time -------------------------------------------------------- */

static void presentation_clock(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "wl_registry.bind") == 0 &&
	    strcmp(req->m.new_iface_name, "wp_presentation") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_wp_presentation_clock_id, "u", 1u);
}

static void pending_presentation_feedback_is_recreated(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_bind(&a, "wp_presentation", 1, 11));
	CHECK(EVT(s, 11, WLCR_EVT_wp_presentation_clock_id, "u", 1u));
	CHECK(REQ(s, 11, WLCR_REQ_wp_presentation_feedback, "on", 6u, 12u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_attach, "oii", 8u, 0u, 0u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u, 32u, 32u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_commit, ""));

	struct rh_options o = options();
	o.on_request = presentation_clock;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	int made = rh_find_new(&h.up, 0, "wp_presentation.feedback", 12);
	HCHECK(&h, made > rh_find_new(&h.up, 0, "wl_compositor.create_surface", 6));
	HCHECK_EQ(&h, rh_arg(&h.up, made, 0), 6);
	/* for the commit that shows the content again, not the first one */
	HCHECK(&h, made > rh_find(&h.up, 0, "xdg_surface.ack_configure", 9));
	HCHECK(&h, made < rh_find_last(&h.up, "wl_surface.commit", 6));
	HCHECK_EQ(&h, rh_count(&h.down, 0, "wp_presentation.clock_id", 0), 0);

	/* the new compositor's answer reaches the app */
	size_t down = h.down.n;
	HCHECK(&h, COMP(&h, 12, WLCR_EVT_wp_presentation_feedback_presented, "uuuuuuu", 0u, 77u,
			500u, 16666666u, 0u, 9u, 1u));
	HCHECK(&h, COMP(&h, 1, WLCR_EVT_wl_display_delete_id, "u", 12u));
	int presented = rh_find(&h.down, down, "wp_presentation_feedback.presented", 12);
	HCHECK(&h, presented >= 0);
	HCHECK_EQ(&h, rh_arg(&h.down, presented, 1), 77);
	HCHECK(&h, rh_find(&h.down, (size_t)presented, "wl_display.delete_id", 1) > presented);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- xdg-output ----------------------------------------------------------------- */

/* The new compositor's output: the same as the app's, except its logical
 * size, which is h->opt.data. */
static void output_events(struct replay_harness *h, const struct rh_msg *req)
{
	const uint32_t *size = h->opt.data;
	if (strcmp(req->name, "wl_registry.bind") == 0 &&
	    strcmp(req->m.new_iface_name, "wl_output") == 0) {
		uint32_t id = req->m.new_id;
		RH_QUEUE(h, id, WLCR_EVT_wl_output_geometry, "iiiiissi", 0u, 0u, 300u, 200u, 0u,
			 "make", "model", 0u);
		RH_QUEUE(h, id, WLCR_EVT_wl_output_mode, "uiii", 3u, 1920u, 1080u, 60000u);
		RH_QUEUE(h, id, WLCR_EVT_wl_output_scale, "i", 1u);
		RH_QUEUE(h, id, WLCR_EVT_wl_output_done, "");
	} else if (strcmp(req->name, "zxdg_output_manager_v1.get_xdg_output") == 0) {
		uint32_t id = req->m.new_id;
		RH_QUEUE(h, id, WLCR_EVT_zxdg_output_v1_logical_position, "ii", 0u, 0u);
		RH_QUEUE(h, id, WLCR_EVT_zxdg_output_v1_logical_size, "ii", size[0], size[1]);
		RH_QUEUE(h, id, WLCR_EVT_zxdg_output_v1_name, "s", "OUT-1");
		RH_QUEUE(h, id, WLCR_EVT_zxdg_output_v1_done, "");
	}
}

static void xdg_output_is_recreated_and_only_a_new_size_reaches_the_app(void)
{
	struct app a;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_bind(&a, "wl_output", 3, 11));
	CHECK(EVT(s, 11, WLCR_EVT_wl_output_geometry, "iiiiissi", 0u, 0u, 300u, 200u, 0u, "make",
		  "model", 0u));
	CHECK(EVT(s, 11, WLCR_EVT_wl_output_mode, "uiii", 3u, 1920u, 1080u, 60000u));
	CHECK(EVT(s, 11, WLCR_EVT_wl_output_scale, "i", 1u));
	CHECK(EVT(s, 11, WLCR_EVT_wl_output_done, ""));
	CHECK(app_bind(&a, "zxdg_output_manager_v1", 2, 12));
	CHECK(REQ(s, 12, WLCR_REQ_zxdg_output_manager_v1_get_xdg_output, "no", 13u, 11u));
	CHECK(EVT(s, 13, WLCR_EVT_zxdg_output_v1_logical_position, "ii", 0u, 0u));
	CHECK(EVT(s, 13, WLCR_EVT_zxdg_output_v1_logical_size, "ii", 1920u, 1080u));
	CHECK(EVT(s, 13, WLCR_EVT_zxdg_output_v1_name, "s", "OUT-1"));
	CHECK(EVT(s, 13, WLCR_EVT_zxdg_output_v1_done, ""));

	uint32_t sizes[2][2] = { { 1920, 1080 }, { 1280, 720 } };
	for (size_t i = 0; i < 2; i++) {
		struct replay_harness h;
		struct rh_options o = options();
		o.on_request = output_events;
		o.data = sizes[i];
		HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
		int bind = rh_find_new(&h.up, 0, "wl_registry.bind", 11);
		HCHECK_EQ(&h, rh_arg(&h.up, bind, 0), new_name("wl_output"));
		int made = rh_find_new(&h.up, 0, "zxdg_output_manager_v1.get_xdg_output", 13);
		HCHECK(&h, made > bind);
		HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 11);
		/* the output itself is as the app knew it */
		HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_output.geometry", 0), 0);
		HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_output.done", 0), 0);
		int size = rh_find(&h.down, 0, "zxdg_output_v1.logical_size", 13);
		int done = rh_find(&h.down, 0, "zxdg_output_v1.done", 13);
		if (i == 0) {
			HCHECK(&h, size < 0 && done < 0);
		} else {
			HCHECK(&h, size >= 0 && done > size);
			HCHECK_EQ(&h, rh_arg(&h.down, size, 0), 1280);
			HCHECK_EQ(&h, rh_arg(&h.down, size, 1), 720);
		}
		HCHECK_EQ(&h, rh_count(&h.down, 0, "zxdg_output_v1.logical_position", 0), 0);
		HCHECK_EQ(&h, rh_count(&h.down, 0, "zxdg_output_v1.name", 0), 0);
		HCHECK(&h, !h.error[0]);
		rh_finish(&h);
	}
	app_finish(&a);
}

/* ---- idle-inhibit, relative pointer --------------------------------------------- */

static void idle_inhibitor_is_recreated_for_its_surface(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_toplevel(&a) && app_bind(&a, "zwp_idle_inhibit_manager_v1", 1, 11));
	CHECK(REQ(&a.s, 11, WLCR_REQ_zwp_idle_inhibit_manager_v1_create_inhibitor, "no", 12u, 6u));
	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	int made = rh_find_new(&h.up, 0, "zwp_idle_inhibit_manager_v1.create_inhibitor", 12);
	HCHECK(&h, made > rh_find_new(&h.up, 0, "wl_compositor.create_surface", 6));
	HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 6);
	HCHECK_EQ(&h, h.up.msgs[made].m.sender, 11);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

static void seat_events(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "wl_registry.bind") == 0 &&
	    strcmp(req->m.new_iface_name, "wl_seat") == 0) {
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_wl_seat_capabilities, "u", 3u);
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_wl_seat_name, "s", "seat0");
	}
}

static void relative_pointer_is_recreated_on_the_seats_pointer(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "zwp_relative_pointer_manager_v1", 1, 13));
	CHECK(REQ(&a.s, 13, WLCR_REQ_zwp_relative_pointer_manager_v1_get_relative_pointer, "no",
		  14u, 12u));
	struct rh_options o = options();
	o.on_request = seat_events;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	int pointer = rh_find_new(&h.up, 0, "wl_seat.get_pointer", 12);
	HCHECK(&h, pointer >= 0);
	HCHECK_EQ(&h, h.up.msgs[pointer].m.sender, 11);
	int made =
		rh_find_new(&h.up, 0, "zwp_relative_pointer_manager_v1.get_relative_pointer", 14);
	HCHECK(&h, made > pointer);
	HCHECK_EQ(&h, rh_arg(&h.up, made, 1), 12);
	/* the seat is as the app knew it */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_seat.capabilities", 0), 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "wl_seat.name", 0), 0);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- primary selection ----------------------------------------------------- */

/* The app owns the primary selection and holds an offer of an earlier one:
 * the new compositor never had either. */
static void primary_selection_owned_or_offered_ends_at_the_restore(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	const uint32_t offer = 0xff000000;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "zwp_primary_selection_device_manager_v1", 1, 13));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_primary_selection_device_manager_v1_get_device, "no", 14u,
		  11u));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_primary_selection_device_v1_data_offer, "n", offer));
	CHECK(EVT(s, offer, WLCR_EVT_zwp_primary_selection_offer_v1_offer, "s", "text/plain"));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_primary_selection_device_v1_selection, "o", offer));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_primary_selection_device_manager_v1_create_source, "n", 15u));
	CHECK(REQ(s, 15, WLCR_REQ_zwp_primary_selection_source_v1_offer, "s", "text/plain"));
	CHECK(EVT(s, 12, WLCR_EVT_wl_pointer_enter, "uoff", 40u, 6u, 0u, 0u));
	CHECK(REQ(s, 14, WLCR_REQ_zwp_primary_selection_device_v1_set_selection, "ou", 15u, 40u));
	CHECK(wlcr_journal_get(&s->c->journal, 15)->source_in_use);

	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);

	/* the source and the device are recreated; the selection is not set
	 * again (its serial answered the old compositor) */
	HCHECK(&h, rh_find_new(&h.up, 0, "zwp_primary_selection_device_manager_v1.create_source",
			       15) >= 0);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "zwp_primary_selection_device_v1.set_selection", 0), 0);
	/* the app is told its source is cancelled and the selection empty */
	HCHECK(&h, rh_find(&h.down, 0, "zwp_primary_selection_source_v1.cancelled", 15) >= 0);
	int sel = rh_find(&h.down, 0, "zwp_primary_selection_device_v1.selection", 14);
	HCHECK(&h, sel >= 0);
	HCHECK_EQ(&h, rh_arg(&h.down, sel, 0), 0);

	/* reading the old offer reaches nobody: the fd the app passed is
	 * closed, so it reads an empty selection */
	int p[2];
	HCHECK(&h, pipe(p) == 0);
	size_t up = h.up.n;
	HCHECK(&h, APP_FD(&h, p[1], offer, WLCR_REQ_zwp_primary_selection_offer_v1_receive, "sh",
			  "text/plain"));
	close(p[1]); /* the proxy got a dup */
	HCHECK(&h, nothing_sent_since(&h, up));
	char byte;
	HCHECK_EQ(&h, read(p[0], &byte, 1), 0);
	close(p[0]);

	/* a new offer from the new compositor reaches the app, under an id
	 * that does not collide with the one it holds */
	size_t down = h.down.n;
	HCHECK(&h, COMP(&h, 14, WLCR_EVT_zwp_primary_selection_device_v1_data_offer, "n", offer));
	HCHECK(&h, COMP(&h, 14, WLCR_EVT_zwp_primary_selection_device_v1_selection, "o", offer));
	int made = rh_find(&h.down, down, "zwp_primary_selection_device_v1.data_offer", 14);
	HCHECK(&h, made >= 0);
	HCHECK(&h, rh_arg(&h.down, made, 0) != offer);
	int now = rh_find(&h.down, down, "zwp_primary_selection_device_v1.selection", 14);
	HCHECK_EQ(&h, rh_arg(&h.down, now, 0), rh_arg(&h.down, made, 0));
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- the clock of a restored app ------------------------------------------ */

/* A restored app's clock stays its own when it moves on (wlcr move, or a
 * compositor restart: helper/takeover.c): the replay there must not take
 * it for an app on the compositor's clock. */
static void a_restored_apps_clock_offset_survives_a_move(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_toplevel(&a));
	struct rh_options o = options();
	o.time_offset_ms = -86400123; /* its time namespace is a day behind */
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	struct wlcr_client *c = h.b.c;
	/* frame times are moved onto the app's clock */
	size_t mark = h.down.n;
	HCHECK(&h, APP(&h, 6, WLCR_REQ_wl_surface_frame, "n", 11u));
	HCHECK(&h, COMP(&h, 11, WLCR_EVT_wl_callback_done, "u", 100000000u));
	HCHECK_EQ(&h, rh_arg(&h.down, rh_find(&h.down, mark, "wl_callback.done", 11), 0),
		  (uint32_t)(100000000 - 86400123));
	/* another compositor, enough of one for a move to start */
	char dir[] = "/tmp/wlcr-unit-XXXXXX", path[64];
	HCHECK(&h, mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/wayland-1", dir);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool listening =
		l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(l, 4) == 0;
	char err[256] = "";
	int ret = listening ? wlcr_takeover_move(c, path, (struct wlcr_replay_end){ NULL, NULL },
						 err, sizeof(err))
			    : -1;
	int64_t offset = c->time_offset_ms;
	rh_finish(&h);
	if (l >= 0)
		close(l);
	unlink(path);
	rmdir(dir);
	CHECK(listening);
	CHECK_EQ(ret, 0);
	CHECK_EQ(offset, -86400123);
}

/* Zombies (destroyed, delete_id not seen) get their delete_id once
 * everything else the replay tells the app is told: journaling it frees
 * them (ASan found them read after that). */
static void zombies_get_delete_id_last(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_toplevel(&a));
	CHECK(REQ(&a.s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK(REQ(&a.s, 3, WLCR_REQ_wl_compositor_create_region, "n", 12u));
	CHECK(REQ(&a.s, 11, WLCR_REQ_wl_region_destroy, ""));
	CHECK(REQ(&a.s, 12, WLCR_REQ_wl_region_destroy, ""));
	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	int first = rh_find(&h.down, 0, "wl_display.delete_id", 1);
	HCHECK(&h, first >= 0);
	HCHECK_EQ(&h, rh_count(&h.down, (size_t)first, "wl_display.delete_id", 1), 2);
	HCHECK_EQ(&h, rh_find(&h.down, (size_t)first, "xdg_toplevel.configure", 10), -1);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- stand-in pools ------------------------------------------------------- */

/* ---- regions ---------------------------------------------------------------- */

/* A region that spans more than INT32_MAX (two rectangles that meet, each
 * as wide as wl_region.add allows) is dumped and replayed as rectangles
 * wl_region.add can carry: each with a positive width and height (the
 * width of the whole overflowed an int, undefined behaviour, and came out
 * -2). Its part near the origin, where surfaces are, is whole. */
static void a_region_wider_than_int32_replays_in_rectangles_that_fit(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_toplevel(&a));
	CHECK(REQ(&a.s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK(REQ(&a.s, 11, WLCR_REQ_wl_region_add, "iiii", (uint32_t)INT32_MIN, 0u,
		  (uint32_t)INT32_MAX, 10u));
	CHECK(REQ(&a.s, 11, WLCR_REQ_wl_region_add, "iiii", (uint32_t)-1, 0u, (uint32_t)INT32_MAX,
		  10u));
	CHECK(REQ(&a.s, 6, WLCR_REQ_wl_surface_set_opaque_region, "o", 11u));
	CHECK(REQ(&a.s, 6, WLCR_REQ_wl_surface_commit, ""));
	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	int set = rh_find(&h.up, 0, "wl_surface.set_opaque_region", 6);
	HCHECK(&h, set >= 0);
	uint32_t region = rh_arg(&h.up, set, 0);
	size_t rects = 0;
	for (int i = rh_find(&h.up, 0, "wl_region.add", region); i >= 0 && i < set;
	     i = rh_find(&h.up, (size_t)i + 1, "wl_region.add", region)) {
		int32_t x = (int32_t)rh_arg(&h.up, i, 0), w = (int32_t)rh_arg(&h.up, i, 2);
		HCHECK(&h, w > 0 && (int32_t)rh_arg(&h.up, i, 3) > 0);
		/* the surface's part of it */
		HCHECK(&h, x <= -4096 && (int64_t)x + w >= 4096);
		rects++;
	}
	HCHECK_EQ(&h, rects, 1);
	rh_finish(&h);
}

/* What Mesa's EGL platform does: a second and a third registry made late
 * (15, 16), wl_shm bound through the third (17), and a buffer (13) from a
 * pool (14) destroyed at once, both under ids reused from regions
 * destroyed before: the buffer's id is below the wl_shm's. */
static void a_stand_in_pool_waits_for_the_late_wl_shm_it_goes_through(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a));
	for (uint32_t id = 11; id <= 14; id++)
		CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_region, "n", id));
	CHECK(REQ(s, 1, WLCR_REQ_wl_display_get_registry, "n", 15u));
	CHECK(REQ(s, 1, WLCR_REQ_wl_display_get_registry, "n", 16u));
	for (size_t i = 0; i < N(old_globals); i++)
		CHECK(EVT(s, 16, WLCR_EVT_wl_registry_global, "usu", old_globals[i].name,
			  old_globals[i].interface, old_globals[i].version));
	CHECK(REQ(s, 16, WLCR_REQ_wl_registry_bind, "usun", app_name(s, "wl_shm"), "wl_shm", 1u,
		  17u));
	for (uint32_t id = 11; id <= 14; id++) {
		CHECK(REQ(s, id, WLCR_REQ_wl_region_destroy, ""));
		CHECK(EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", id));
	}
	CHECK(REQ_FD(s, a.pool, 17, WLCR_REQ_wl_shm_create_pool, "nhi", 14u, 4096u));
	CHECK(REQ(s, 14, WLCR_REQ_wl_shm_pool_create_buffer, "niiiiu", 13u, 0u, 16u, 16u, 64u, 0u));
	CHECK(REQ(s, 14, WLCR_REQ_wl_shm_pool_destroy, ""));
	CHECK(EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", 14u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_attach, "oii", 13u, 0u, 0u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_commit, ""));
	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	app_finish(&a);

	int bind = rh_find_new(&h.up, 0, "wl_registry.bind", 17);
	HCHECK(&h, bind >= 0);
	HCHECK_EQ(&h, h.up.msgs[bind].m.sender, 16);
	int stand_in = rh_find(&h.up, 0, "wl_shm.create_pool", 17);
	HCHECK(&h, stand_in > bind);
	int buffer = rh_find_new(&h.up, 0, "wl_shm_pool.create_buffer", 13);
	HCHECK(&h, buffer > stand_in);
	HCHECK_EQ(&h, h.up.msgs[buffer].m.sender, h.up.msgs[stand_in].m.new_id);
	HCHECK(&h, h.up.msgs[stand_in].has_fd);
	HCHECK_EQ(&h, h.up.msgs[stand_in].fd_word, POOL_MARK);
	HCHECK(&h, rh_find(&h.up, (size_t)buffer, "wl_shm_pool.destroy", 0) > buffer);
	int attach = rh_find_last(&h.up, "wl_surface.attach", 6);
	HCHECK_EQ(&h, rh_arg(&h.up, attach, 0), 13);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* A buffer (12) whose pool (11) the app destroyed, and whose pool's id
 * the app gave since to a global this compositor lacks (fractional-scale,
 * emulated: gone): the buffer is no child of that, and comes back. */
static void a_buffer_outlives_its_pools_id_given_to_something_gone(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a));
	CHECK(REQ_FD(s, a.pool, 4, WLCR_REQ_wl_shm_create_pool, "nhi", 11u, 4096u));
	CHECK(REQ(s, 11, WLCR_REQ_wl_shm_pool_create_buffer, "niiiiu", 12u, 0u, 16u, 16u, 64u, 0u));
	CHECK(REQ(s, 11, WLCR_REQ_wl_shm_pool_destroy, ""));
	CHECK(EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", 11u));
	CHECK(app_bind(&a, "wp_fractional_scale_manager_v1", 1, 11));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_attach, "oii", 12u, 0u, 0u));
	CHECK(REQ(s, 6, WLCR_REQ_wl_surface_commit, ""));
	struct rh_global globals[N(new_globals)];
	size_t n = 0;
	for (size_t i = 0; i < N(new_globals); i++)
		if (strcmp(new_globals[i].interface, "wp_fractional_scale_manager_v1") != 0)
			globals[n++] = new_globals[i];
	struct rh_options o = options();
	o.globals = globals;
	o.nglobals = n;
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	app_finish(&a);
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "wl_registry.bind", 11), -1);
	int buffer = rh_find_new(&h.up, 0, "wl_shm_pool.create_buffer", 12);
	HCHECK(&h, buffer >= 0);
	HCHECK_EQ(&h, rh_arg(&h.up, rh_find_last(&h.up, "wl_surface.attach", 6), 0), 12);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- data-control ---------------------------------------------------------- */

/* A clipboard owner through data-control (wl-copy): its device (14) holds
 * an offer of the compositor's, an earlier source (15) was replaced
 * (cancelled), and its source (16) with two mime types is the selection. */
static void app_data_control(struct app *a)
{
	struct session *s = &a->s;
	const uint32_t offer = 0xff000000;
	CHECK(app_toplevel(a) && app_seat_and_pointer(a));
	CHECK(app_bind(a, "zwlr_data_control_manager_v1", 2, 13));
	CHECK(REQ(s, 13, WLCR_REQ_zwlr_data_control_manager_v1_get_data_device, "no", 14u, 11u));
	CHECK(EVT(s, 14, WLCR_EVT_zwlr_data_control_device_v1_data_offer, "n", offer));
	CHECK(EVT(s, 14, WLCR_EVT_zwlr_data_control_device_v1_selection, "o", offer));
	CHECK(REQ(s, 13, WLCR_REQ_zwlr_data_control_manager_v1_create_data_source, "n", 15u));
	CHECK(REQ(s, 15, WLCR_REQ_zwlr_data_control_source_v1_offer, "s", "text/old"));
	CHECK(REQ(s, 14, WLCR_REQ_zwlr_data_control_device_v1_set_primary_selection, "o", 15u));
	CHECK(REQ(s, 13, WLCR_REQ_zwlr_data_control_manager_v1_create_data_source, "n", 16u));
	CHECK(REQ(s, 16, WLCR_REQ_zwlr_data_control_source_v1_offer, "s", "text/plain"));
	CHECK(REQ(s, 16, WLCR_REQ_zwlr_data_control_source_v1_offer, "s", "UTF8_STRING"));
	CHECK(REQ(s, 14, WLCR_REQ_zwlr_data_control_device_v1_set_selection, "o", 16u));
	/* another client's primary selection replaced 15 */
	CHECK(EVT(s, 15, WLCR_EVT_zwlr_data_control_source_v1_cancelled, ""));
	CHECK(wlcr_journal_get(&s->c->journal, 16)->source_in_use);
	CHECK(!wlcr_journal_get(&s->c->journal, 15)->source_in_use);
}

/* Where the compositor has data-control, the source that was the selection
 * is the selection again, with every mime type offered before it is set;
 * the one that was replaced is not set again. */
static void a_data_control_selection_is_set_again(void)
{
	struct app a;
	struct replay_harness h;
	app_data_control(&a);
	struct rh_options o = options();
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	int made = rh_find_new(&h.up, 0, "zwlr_data_control_manager_v1.create_data_source", 16);
	HCHECK(&h, made >= 0);
	int first = rh_find(&h.up, (size_t)made, "zwlr_data_control_source_v1.offer", 16);
	int second = rh_find(&h.up, (size_t)first + 1, "zwlr_data_control_source_v1.offer", 16);
	HCHECK(&h, first > made && second > first);
	HCHECK(&h, strcmp(rh_str(&h.up, first, 0), "text/plain") == 0);
	HCHECK(&h, strcmp(rh_str(&h.up, second, 0), "UTF8_STRING") == 0);
	int set = rh_find(&h.up, 0, "zwlr_data_control_device_v1.set_selection", 14);
	HCHECK(&h, set > second);
	HCHECK_EQ(&h, rh_arg(&h.up, set, 0), 16);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "zwlr_data_control_device_v1.set_primary_selection", 0),
		  0);
	/* the app's source lives on; the old compositor's offer is gone */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwlr_data_control_source_v1.cancelled", 0), 0);
	int sel = rh_find(&h.down, 0, "zwlr_data_control_device_v1.selection", 14);
	HCHECK(&h, sel >= 0);
	HCHECK_EQ(&h, rh_arg(&h.down, sel, 0), 0);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* A compositor without data-control: the app's selection is cancelled, as
 * for wl_data_device, and nothing of data-control reaches the compositor. */
static void a_data_control_selection_ends_without_data_control(void)
{
	struct app a;
	struct replay_harness h;
	app_data_control(&a);
	struct rh_global globals[N(new_globals)];
	size_t n = 0;
	for (size_t i = 0; i < N(new_globals); i++)
		if (strcmp(new_globals[i].interface, "zwlr_data_control_manager_v1") != 0)
			globals[n++] = new_globals[i];
	struct rh_options o = options();
	o.globals = globals;
	o.nglobals = n;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	HCHECK_EQ(&h, rh_count(&h.up, 0, "zwlr_data_control_manager_v1.create_data_source", 0), 0);
	HCHECK(&h, rh_find(&h.down, 0, "zwlr_data_control_source_v1.cancelled", 16) >= 0);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwlr_data_control_source_v1.cancelled", 15), 0);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

/* ---- the new compositor lacks a global ----------------------------------- */

/* options() without one interface */
static struct rh_options options_without(const char *iface, struct rh_global *globals)
{
	struct rh_options o = options();
	size_t n = 0;
	for (size_t i = 0; i < N(new_globals); i++)
		if (strcmp(new_globals[i].interface, iface) != 0)
			globals[n++] = new_globals[i];
	o.globals = globals;
	o.nglobals = n;
	return o;
}

/* ---- layer shell ------------------------------------------------------------ */

/* The scripted compositor's layer shell: a layer surface's first commit
 * gets a configure of the size in h->opt.data (0 0: as asked). */
static uint32_t layer_role_surface, layer_surface, layer_serial;
static bool layer_configured;
static void layer_configure(struct replay_harness *h, const struct rh_msg *req)
{
	const uint32_t *size = h->opt.data;
	if (strcmp(req->name, "zwlr_layer_shell_v1.get_layer_surface") == 0) {
		layer_surface = req->m.new_id;
		layer_role_surface = req->m.args[1].u;
		layer_configured = false;
	} else if (strcmp(req->name, "wl_surface.commit") == 0 &&
		   req->m.sender == layer_role_surface && !layer_configured) {
		layer_configured = true;
		layer_serial = ++h->serial;
		RH_QUEUE(h, layer_surface, WLCR_EVT_zwlr_layer_surface_v1_configure, "uuu",
			 layer_serial, size[0], size[1]);
	}
}

/* A layer surface (13) on its own wl_surface (11), bound layer shell 12:
 * its state set before the initial commit, configured at 200x50, acked,
 * and the buffer committed. */
static bool app_layer(struct app *a)
{
	struct session *s = &a->s;
	return app_init(a, false) && REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 11u) &&
	       app_bind(a, "zwlr_layer_shell_v1", 4, 12) &&
	       REQ(s, 12, WLCR_REQ_zwlr_layer_shell_v1_get_layer_surface, "noous", 13u, 11u, 0u, 2u,
		   "wlcr-test") &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_set_size, "uu", 200u, 50u) &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_set_anchor, "u", 1u) &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_set_exclusive_zone, "i", 50u) &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_set_margin, "iiii", 1u, 2u, 3u, 4u) &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_set_keyboard_interactivity, "u", 1u) &&
	       REQ(s, 11, WLCR_REQ_wl_surface_commit, "") &&
	       EVT(s, 13, WLCR_EVT_zwlr_layer_surface_v1_configure, "uuu", 200u, 200u, 50u) &&
	       REQ(s, 13, WLCR_REQ_zwlr_layer_surface_v1_ack_configure, "u", 200u) &&
	       REQ(s, 11, WLCR_REQ_wl_surface_attach, "oii", 8u, 0u, 0u) &&
	       REQ(s, 11, WLCR_REQ_wl_surface_commit, "");
}

static void layer_surface_is_set_up_before_its_initial_commit_and_acks_the_new_configure(void)
{
	struct app a;
	CHECK(app_layer(&a));
	uint32_t sizes[][2] = { { 200, 50 }, { 800, 50 } };
	for (size_t i = 0; i < N(sizes); i++) {
		struct replay_harness h;
		struct rh_options o = options();
		o.on_request = layer_configure;
		o.data = sizes[i];
		HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
		int made = rh_find_new(&h.up, 0, "zwlr_layer_shell_v1.get_layer_surface", 13);
		HCHECK(&h, made > rh_find_new(&h.up, 0, "wl_compositor.create_surface", 11));
		HCHECK_EQ(&h, rh_arg(&h.up, made, 3), 2);
		HCHECK(&h, strcmp(rh_str(&h.up, made, 4), "wlcr-test") == 0);
		/* its double-buffered state goes with the initial commit */
		int initial = rh_find(&h.up, made, "wl_surface.commit", 11);
		const char *setters[] = { "set_size", "set_anchor", "set_exclusive_zone",
					  "set_margin", "set_keyboard_interactivity" };
		for (size_t k = 0; k < N(setters); k++) {
			char name[96];
			snprintf(name, sizeof(name), "zwlr_layer_surface_v1.%s", setters[k]);
			int at = rh_find(&h.up, made, name, 13);
			HCHECK(&h, at > made && at < initial);
		}
		HCHECK_EQ(&h,
			  rh_arg(&h.up, rh_find(&h.up, 0, "zwlr_layer_surface_v1.set_size", 13), 0),
			  200);
		/* the new compositor's configure is acked, then the buffer */
		int ack = rh_find(&h.up, initial, "zwlr_layer_surface_v1.ack_configure", 13);
		HCHECK(&h, ack > initial);
		HCHECK_EQ(&h, rh_arg(&h.up, ack, 0), layer_serial);
		HCHECK_EQ(&h, rh_count(&h.up, 0, "zwlr_layer_surface_v1.ack_configure", 13), 1);
		int attach = rh_find(&h.up, ack, "wl_surface.attach", 11);
		HCHECK(&h, attach > ack && rh_arg(&h.up, attach, 0) == 8);
		HCHECK(&h, rh_find(&h.up, attach, "wl_surface.commit", 11) > attach);
		int told = rh_find(&h.down, 0, "zwlr_layer_surface_v1.configure", 13);
		if (sizes[i][0] == 200) {
			HCHECK_EQ(&h, told, -1); /* the app knows that size */
		} else {
			/* a new size, with a serial of the app's own above 200 */
			HCHECK(&h, told >= 0);
			HCHECK_EQ(&h, rh_arg(&h.down, told, 1), 800);
			uint32_t serial = rh_arg(&h.down, told, 0);
			HCHECK(&h, serial > 200);
			/* whose ack the compositor never sees: it has one */
			size_t up = h.up.n;
			HCHECK(&h, APP(&h, 13, WLCR_REQ_zwlr_layer_surface_v1_ack_configure, "u",
				       serial));
			HCHECK(&h, nothing_sent_since(&h, up));
		}
		HCHECK(&h, !h.error[0]);
		rh_finish(&h);
	}
	app_finish(&a);
}

static void layer_surface_where_no_layer_shell_is_stays_unshown_and_a_new_one_is_closed(void)
{
	struct app a;
	struct replay_harness h;
	CHECK(app_layer(&a));
	struct rh_global globals[N(new_globals)];
	struct rh_options o = options_without("zwlr_layer_shell_v1", globals);
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	/* neither it nor its wl_surface is made; the app is not told: on a
	 * compositor with layer shell it shows again (the journal keeps it) */
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "wl_registry.bind", 12), -1);
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "wl_compositor.create_surface", 11), -1);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwlr_layer_surface_v1.closed", 0), 0);
	HCHECK(&h, !h.error[0]);
	/* what the app does with it is absorbed, and journaled */
	size_t up = h.up.n;
	HCHECK(&h, APP(&h, 13, WLCR_REQ_zwlr_layer_surface_v1_set_size, "uu", 300u, 60u));
	HCHECK(&h, APP(&h, 11, WLCR_REQ_wl_surface_commit, ""));
	HCHECK(&h, nothing_sent_since(&h, up));
	/* one made here is closed at once, the protocol's clear end */
	HCHECK(&h, APP(&h, 3, WLCR_REQ_wl_compositor_create_surface, "n", 14u));
	size_t down = h.down.n;
	HCHECK(&h, APP(&h, 12, WLCR_REQ_zwlr_layer_shell_v1_get_layer_surface, "noous", 15u, 14u,
		       0u, 2u, "late"));
	HCHECK(&h, rh_find(&h.down, down, "zwlr_layer_surface_v1.closed", 15) >= 0);
	HCHECK(&h, APP(&h, 15, WLCR_REQ_zwlr_layer_surface_v1_destroy, ""));
	HCHECK(&h, !h.error[0] && !h.b.c->dead);
	rh_finish(&h);
}

/* ---- KDE server-side decoration -------------------------------------------- */

static void kde_decoration_modes(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "wl_registry.bind") == 0 &&
	    strcmp(req->m.new_iface_name, "org_kde_kwin_server_decoration_manager") == 0)
		RH_QUEUE(h, req->m.new_id,
			 WLCR_EVT_org_kde_kwin_server_decoration_manager_default_mode, "u", 2u);
	else if (strcmp(req->name, "org_kde_kwin_server_decoration_manager.create") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_org_kde_kwin_server_decoration_mode, "u", 2u);
}

/* GTK 3's way to ask for server-side decoration: manager 11, decoration 12
 * of surface 6, mode server. */
static bool app_kde_decoration(struct app *a)
{
	struct session *s = &a->s;
	return app_toplevel(a) && app_bind(a, "org_kde_kwin_server_decoration_manager", 1, 11) &&
	       EVT(s, 11, WLCR_EVT_org_kde_kwin_server_decoration_manager_default_mode, "u", 2u) &&
	       REQ(s, 11, WLCR_REQ_org_kde_kwin_server_decoration_manager_create, "no", 12u, 6u) &&
	       EVT(s, 12, WLCR_EVT_org_kde_kwin_server_decoration_mode, "u", 2u) &&
	       REQ(s, 12, WLCR_REQ_org_kde_kwin_server_decoration_request_mode, "u", 2u);
}

static void kde_server_decoration_is_recreated_or_becomes_client_side(void)
{
	struct app a;
	CHECK(app_kde_decoration(&a));
	struct replay_harness h;
	struct rh_options o = options();
	o.on_request = kde_decoration_modes;
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	int made = rh_find_new(&h.up, 0, "org_kde_kwin_server_decoration_manager.create", 12);
	HCHECK(&h, made >= 0 && rh_arg(&h.up, made, 1) == 6);
	int mode = rh_find(&h.up, made, "org_kde_kwin_server_decoration.request_mode", 12);
	HCHECK(&h, mode > made && rh_arg(&h.up, mode, 0) == 2);
	/* the same modes again: nothing new for the app */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "org_kde_kwin_server_decoration.mode", 0), 0);
	HCHECK_EQ(&h,
		  rh_count(&h.down, 0, "org_kde_kwin_server_decoration_manager.default_mode", 0),
		  0);
	rh_finish(&h);

	/* a compositor without it (weston): the app draws its decoration */
	struct rh_global globals[N(new_globals)];
	o = options_without("org_kde_kwin_server_decoration_manager", globals);
	HCHECK(&h, rh_restore(&h, &a.s, &o) == 0);
	app_finish(&a);
	HCHECK_EQ(&h, rh_find_new(&h.up, 0, "wl_registry.bind", 11), -1);
	int told = rh_find(&h.down, 0, "org_kde_kwin_server_decoration.mode", 12);
	HCHECK(&h, told >= 0 && rh_arg(&h.down, told, 0) == 1);
	/* a decoration made there is told the same at once */
	size_t down = h.down.n;
	HCHECK(&h, APP(&h, 12, WLCR_REQ_org_kde_kwin_server_decoration_release, ""));
	HCHECK(&h,
	       APP(&h, 11, WLCR_REQ_org_kde_kwin_server_decoration_manager_create, "no", 12u, 6u));
	told = rh_find(&h.down, down, "org_kde_kwin_server_decoration.mode", 12);
	HCHECK(&h, told >= 0 && rh_arg(&h.down, told, 0) == 1);
	HCHECK(&h, !h.error[0] && !h.b.c->dead);
	rh_finish(&h);
}

/* ---- tablets and gestures ------------------------------------------------------ */

static void tablets_go_with_the_old_compositor_and_a_gesture_under_way_is_cancelled(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	/* the server's ids, from the first (libwayland's are dense too) */
	const uint32_t tablet = 0xff000000u, tool = 0xff000001u, pad = 0xff000002u;
	CHECK(app_toplevel(&a) && app_seat_and_pointer(&a));
	CHECK(app_bind(&a, "zwp_tablet_manager_v2", 1, 13));
	CHECK(REQ(s, 13, WLCR_REQ_zwp_tablet_manager_v2_get_tablet_seat, "no", 14u, 11u));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_tablet_seat_v2_tablet_added, "n", tablet));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_tablet_seat_v2_tool_added, "n", tool));
	CHECK(EVT(s, 14, WLCR_EVT_zwp_tablet_seat_v2_pad_added, "n", pad));
	CHECK(EVT(s, pad, WLCR_EVT_zwp_tablet_pad_v2_removed, ""));
	CHECK(app_bind(&a, "zwp_pointer_gestures_v1", 3, 15));
	CHECK(REQ(s, 15, WLCR_REQ_zwp_pointer_gestures_v1_get_swipe_gesture, "no", 16u, 12u));
	CHECK(REQ(s, 15, WLCR_REQ_zwp_pointer_gestures_v1_get_pinch_gesture, "no", 17u, 12u));
	CHECK(EVT(s, 16, WLCR_EVT_zwp_pointer_gesture_swipe_v1_begin, "uuou", 300u, 1u, 6u, 3u));
	CHECK(EVT(s, 17, WLCR_EVT_zwp_pointer_gesture_pinch_v1_begin, "uuou", 301u, 1u, 6u, 2u));
	CHECK(EVT(s, 17, WLCR_EVT_zwp_pointer_gesture_pinch_v1_end, "uui", 302u, 2u, 0u));
	struct rh_options o = options();
	o.on_request = seat_events;
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	app_finish(&a);
	/* the old compositor's devices are removed; one removed before is not
	 * removed again; the new compositor announces its own */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwp_tablet_v2.removed", tablet), 1);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwp_tablet_tool_v2.removed", tool), 1);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwp_tablet_pad_v2.removed", pad), 0);
	HCHECK(&h, rh_find_new(&h.up, 0, "zwp_tablet_manager_v2.get_tablet_seat", 14) >= 0);
	/* the swipe under way is cancelled, with a serial above the app's */
	int end = rh_find(&h.down, 0, "zwp_pointer_gesture_swipe_v1.end", 16);
	HCHECK(&h, end >= 0);
	HCHECK(&h, rh_arg(&h.down, end, 0) > 302);
	HCHECK_EQ(&h, rh_arg(&h.down, end, 2), 1);
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zwp_pointer_gesture_pinch_v1.end", 17), 0);
	HCHECK(&h, rh_find_new(&h.up, 0, "zwp_pointer_gestures_v1.get_swipe_gesture", 16) >= 0);
	/* what the app says to the old devices is absorbed */
	size_t up = h.up.n;
	HCHECK(&h, APP(&h, tool, WLCR_REQ_zwp_tablet_tool_v2_destroy, ""));
	HCHECK(&h, nothing_sent_since(&h, up));
	HCHECK(&h, !h.error[0] && !h.b.c->dead);
	rh_finish(&h);
}

/* ---- xdg-foreign --------------------------------------------------------------- */

static void new_handle(struct replay_harness *h, const struct rh_msg *req)
{
	if (strcmp(req->name, "zxdg_exporter_v2.export_toplevel") == 0)
		RH_QUEUE(h, req->m.new_id, WLCR_EVT_zxdg_exported_v2_handle, "s",
			 "handle-on-the-new-compositor");
}

static void exported_handle_stays_the_apps_and_imports_of_it_reach_the_new_one(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a) && app_bind(&a, "zxdg_exporter_v2", 1, 11));
	CHECK(REQ(s, 11, WLCR_REQ_zxdg_exporter_v2_export_toplevel, "no", 12u, 6u));
	CHECK(EVT(s, 12, WLCR_EVT_zxdg_exported_v2_handle, "s", "old"));
	CHECK(app_bind(&a, "zxdg_importer_v2", 1, 13));
	struct rh_options o = options();
	o.on_request = new_handle;
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	app_finish(&a);
	HCHECK(&h, rh_find_new(&h.up, 0, "zxdg_exporter_v2.export_toplevel", 12) >= 0);
	/* the app keeps the handle it handed out */
	HCHECK_EQ(&h, rh_count(&h.down, 0, "zxdg_exported_v2.handle", 12), 0);
	HCHECK(&h, APP(&h, 13, WLCR_REQ_zxdg_importer_v2_import_toplevel, "ns", 14u, "old"));
	int imp = rh_find_new(&h.up, 0, "zxdg_importer_v2.import_toplevel", 14);
	HCHECK(&h, imp >= 0);
	HCHECK(&h, strcmp(rh_str(&h.up, imp, 1), "handle-on-the-new-compositor") == 0);
	/* a handle the proxy never saw goes as it is */
	HCHECK(&h, APP(&h, 13, WLCR_REQ_zxdg_importer_v2_import_toplevel, "ns", 15u, "other"));
	HCHECK(&h, strcmp(rh_str(&h.up,
				 rh_find_new(&h.up, 0, "zxdg_importer_v2.import_toplevel", 15), 1),
			  "other") == 0);
	HCHECK(&h, !h.error[0] && !h.b.c->dead);
	rh_finish(&h);
}

/* ---- protocols read at start-up -------------------------------------------- */

/* The app's proxy is gone with the XML it read. */
static void forget_protocols(struct replay_harness *h)
{
	app_finish(h->opt.data);
	wlcr_protoload_finish();
}

/* An app of a proxy that read XML for a protocol the build does not know
 * is journaled and replayed like any; restored through a proxy without
 * that XML, the restore fails naming the interface. */
static void a_protocol_from_xml_replays_and_a_proxy_without_it_names_it(void)
{
	char dir[] = "/tmp/wlcr-protodir-XXXXXX";
	CHECK(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/echo.xml", dir);
	FILE *f = fopen(path, "w");
	CHECK(f);
	fputs("<protocol name=\"echo\"><interface name=\"wlcr_echo_manager_v1\" version=\"1\">"
	      "<request name=\"get_echo\"><arg name=\"id\" type=\"new_id\" "
	      "interface=\"wlcr_echo_v1\"/><arg name=\"surface\" type=\"object\" "
	      "interface=\"wl_surface\"/></request></interface>"
	      "<interface name=\"wlcr_echo_v1\" version=\"1\"><request name=\"say\">"
	      "<arg name=\"text\" type=\"string\"/></request></interface></protocol>\n",
	      f);
	fclose(f);
	const char *dirs[] = { dir };
	char err[256];
	int ret = wlcr_protoload_init(dirs, 1, false, err, sizeof(err));
	unlink(path);
	rmdir(dir);
	CHECK(ret == 0);
	const struct wlcr_interface *mgr = wlcr_interface_find("wlcr_echo_manager_v1");
	CHECK(mgr);

	struct rh_global globals[N(new_globals) + 1];
	memcpy(globals, new_globals, sizeof(new_globals));
	globals[N(new_globals)] = (struct rh_global){ 40, "wlcr_echo_manager_v1", 1 };
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a));
	CHECK(EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 32u, "wlcr_echo_manager_v1", 1u));
	CHECK(app_bind(&a, "wlcr_echo_manager_v1", 1, 11));
	CHECK(REQ(s, 11, 0, "no", 12u, 6u));
	CHECK(REQ(s, 12, 0, "s", "first"));
	CHECK(REQ(s, 12, 0, "s", "last"));
	struct rh_options o = options();
	o.globals = globals;
	o.nglobals = N(globals);
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	int made = rh_find_new(&h.up, 0, "wlcr_echo_manager_v1.get_echo", 12);
	HCHECK(&h, made >= 0 && rh_arg(&h.up, made, 1) == 6);
	/* the generic journal: the last value of each request */
	HCHECK_EQ(&h, rh_count(&h.up, 0, "wlcr_echo_v1.say", 12), 1);
	HCHECK(&h,
	       strcmp(rh_str(&h.up, rh_find(&h.up, 0, "wlcr_echo_v1.say", 12), 0), "last") == 0);
	rh_finish(&h);

	/* restored through a proxy that never read it */
	o.after_dump = forget_protocols;
	o.data = &a;
	CHECK(rh_restore(&h, s, &o) < 0);
	HCHECK(&h, strstr(h.error, "wlcr_echo_manager_v1") && strstr(h.error, "--protocol-dir"));
	rh_finish(&h);
}

/* ---- delete_ids held back ---------------------------------------------------- */

/* libwayland-server (before 1.22) may hold a delete_id back until it has
 * another event for the client: the replay ends on its syncs' done, and
 * the delete_ids of its own syncs and temporary objects, whenever they
 * come, never reach the app (it has reused those ids by then). An app with
 * more ids than one batch of phase 1. */
static void delete_ids_held_back_end_nothing_and_reach_nobody(void)
{
	struct app a;
	struct replay_harness h;
	struct session *s = &a.s;
	CHECK(app_toplevel(&a));
	/* 1500 regions: ids up to ~1510, three batches of id slots */
	for (uint32_t id = 11; id < 1511; id++)
		CHECK(REQ(s, 3, WLCR_REQ_wl_compositor_create_region, "n", id));
	struct rh_options o = options();
	o.hold_sync_deletes = true;
	HCHECK(&h, rh_restore(&h, s, &o) == 0);
	app_finish(&a);
	HCHECK(&h, h.ended);
	HCHECK(&h, rh_count(&h.up, 0, "wl_display.sync", 0) > 1500);
	/* the app goes on with the next id, then the held delete_ids come */
	HCHECK(&h, APP(&h, 3, WLCR_REQ_wl_compositor_create_region, "n", 1511u));
	size_t down = h.down.n;
	HCHECK(&h, rh_release_deletes(&h));
	HCHECK_EQ(&h, rh_count(&h.down, down, "wl_display.delete_id", 0), 0);
	HCHECK(&h, wlcr_journal_get(&h.b.c->journal, 1511) != NULL);
	HCHECK(&h, !h.error[0]);
	rh_finish(&h);
}

static const struct unit_case cases[] = {
	{ "delete_ids held back end nothing and reach nobody",
	  delete_ids_held_back_end_nothing_and_reach_nobody },
	{ "a data-control selection is set again", a_data_control_selection_is_set_again },
	{ "a data-control selection ends without data-control",
	  a_data_control_selection_ends_without_data_control },

	{ "a protocol from XML replays, and a proxy without it names it",
	  a_protocol_from_xml_replays_and_a_proxy_without_it_names_it },
	{ "layer surface is set up before its initial commit and acks the new configure",
	  layer_surface_is_set_up_before_its_initial_commit_and_acks_the_new_configure },
	{ "layer surface where no layer shell is stays unshown and a new one is closed",
	  layer_surface_where_no_layer_shell_is_stays_unshown_and_a_new_one_is_closed },
	{ "kde server decoration is recreated or becomes client side",
	  kde_server_decoration_is_recreated_or_becomes_client_side },
	{ "tablets go with the old compositor and a gesture under way is cancelled",
	  tablets_go_with_the_old_compositor_and_a_gesture_under_way_is_cancelled },
	{ "exported handle stays the app's and imports of it reach the new one",
	  exported_handle_stays_the_apps_and_imports_of_it_reach_the_new_one },
	{ "a buffer outlives its pool's id given to something gone",
	  a_buffer_outlives_its_pools_id_given_to_something_gone },
	{ "a stand-in pool waits for the late wl_shm it goes through",
	  a_stand_in_pool_waits_for_the_late_wl_shm_it_goes_through },
	{ "zombies_get_delete_id_last", zombies_get_delete_id_last },
	{ "a region wider than int32 replays in rectangles that fit",
	  a_region_wider_than_int32_replays_in_rectangles_that_fit },
	{ "a restored app's clock offset survives a move",
	  a_restored_apps_clock_offset_survives_a_move },
	{ "primary_selection_owned_or_offered_ends_at_the_restore",
	  primary_selection_owned_or_offered_ends_at_the_restore },
	{ "a_toplevel_with_an_shm_buffer_replays_with_the_same_ids",
	  a_toplevel_with_an_shm_buffer_replays_with_the_same_ids },
	{ "fractional_scale_is_recreated_and_only_a_new_scale_reaches_the_app",
	  fractional_scale_is_recreated_and_only_a_new_scale_reaches_the_app },
	{ "fractional_scale_missing_on_the_new_compositor_is_emulated",
	  fractional_scale_missing_on_the_new_compositor_is_emulated },
	{ "pointer_constraints_replay_their_regions_and_end_their_episodes",
	  pointer_constraints_replay_their_regions_and_end_their_episodes },
	{ "text_input_focus_ends_at_the_claim_and_commits_keep_counting",
	  text_input_focus_ends_at_the_claim_and_commits_keep_counting },
	{ "activation_tokens_are_recreated_until_done",
	  activation_tokens_are_recreated_until_done },
	{ "decoration_set_then_unset_replays_only_the_unset",
	  decoration_set_then_unset_replays_only_the_unset },
	{ "viewport_is_set_before_the_content_commit", viewport_is_set_before_the_content_commit },
	{ "pending_presentation_feedback_is_recreated",
	  pending_presentation_feedback_is_recreated },
	{ "xdg_output_is_recreated_and_only_a_new_size_reaches_the_app",
	  xdg_output_is_recreated_and_only_a_new_size_reaches_the_app },
	{ "idle_inhibitor_is_recreated_for_its_surface",
	  idle_inhibitor_is_recreated_for_its_surface },
	{ "relative_pointer_is_recreated_on_the_seats_pointer",
	  relative_pointer_is_recreated_on_the_seats_pointer },
};

UNIT_MAIN(cases)
