/* helper/journal.c through the real message handling: the journal keeps
 * state, not history. */
#include <pixman.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "journal.h"
#include "session.h"
#include "unit.h"

static bool one_frame(struct session *s)
{
	return REQ(s, 6, WLCR_REQ_wl_surface_attach, "oii", 8u, 0u, 0u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u, 32u, 32u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_frame, "n", 11u) &&
	       REQ(s, 6, WLCR_REQ_wl_surface_commit, "") &&
	       EVT(s, 11, WLCR_EVT_wl_callback_done, "u", 1234u) &&
	       EVT(s, 1, WLCR_EVT_wl_display_delete_id, "u", 11u) &&
	       EVT(s, 8, WLCR_EVT_wl_buffer_release, "");
}

static void hundred_thousand_frames_leave_the_journal_as_it_was(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(one_frame(&s));
	size_t bytes = s.c->journal.bytes;
	uint32_t live = s.c->journal.nlive;
	for (int i = 0; i < 100000; i++)
		CHECK(one_frame(&s));
	CHECK_EQ(s.c->journal.bytes, bytes);
	CHECK_EQ(s.c->journal.nlive, live);
	struct wlcr_object *surf = wlcr_journal_get(&s.c->journal, 6);
	CHECK_EQ(surf->surface->commits, 100002);
	CHECK_EQ(surf->surface->committed.buffer, 8);
	CHECK_EQ(surf->surface->committed.nframes, 0);
	CHECK(!wlcr_journal_get(&s.c->journal, 8)->buffer_held);
	session_finish(&s);
}

static void half_a_million_damage_requests_leave_the_journal_as_it_was(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u, 1u, 1u));
	size_t bytes = s.c->journal.bytes;
	for (int i = 0; i < 500000; i++)
		CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_damage, "iiii", (uint32_t)i % 800,
			  (uint32_t)i % 600, 1u, 1u));
	CHECK_EQ(s.c->journal.bytes, bytes);
	CHECK(wlcr_journal_get(&s.c->journal, 6)->surface->pending.damaged);
	session_finish(&s);
}

static void setters_keep_the_last_value_only(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 10, WLCR_REQ_xdg_toplevel_set_title, "s", "first title"));
	size_t bytes = s.c->journal.bytes;
	for (int i = 0; i < 1000; i++)
		CHECK(REQ(&s, 10, WLCR_REQ_xdg_toplevel_set_title, "s", "other title"));
	CHECK_EQ(s.c->journal.bytes, bytes);
	const char *title, *app_id;
	wlcr_client_describe(s.c, &title, &app_id);
	CHECK(strcmp(title, "other title") == 0);
	/* set and unset share one slot: the last of the two wins */
	CHECK(REQ(&s, 10, WLCR_REQ_xdg_toplevel_set_maximized, ""));
	CHECK(REQ(&s, 10, WLCR_REQ_xdg_toplevel_unset_maximized, ""));
	struct wlcr_object *tl = wlcr_journal_get(&s.c->journal, 10);
	CHECK(tl->setters[WLCR_REQ_xdg_toplevel_unset_maximized] == NULL);
	struct wlcr_msgcopy *mc = tl->setters[WLCR_REQ_xdg_toplevel_set_maximized];
	CHECK(mc &&
	      (wlcr_wire_word(mc->bytes + 4) & 0xffff) == WLCR_REQ_xdg_toplevel_unset_maximized);
	session_finish(&s);
}

static void destroyed_objects_are_zombies_until_delete_id(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	uint32_t live = s.c->journal.nlive;
	CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK_EQ(s.c->journal.nlive, live + 1);
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_destroy, ""));
	CHECK_EQ(s.c->journal.nlive, live);
	struct wlcr_object *z = wlcr_journal_get(&s.c->journal, 11);
	CHECK(z && z->zombie);
	/* a request to a zombie is an error, as on the compositor */
	CHECK(EVT(&s, 1, WLCR_EVT_wl_display_delete_id, "u", 11u));
	CHECK(wlcr_journal_get(&s.c->journal, 11) == NULL);
	session_finish(&s);
}

static void server_created_objects_go_at_once(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_data_device(&s));
	size_t bytes = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t id = 0xff000000u;
		/* the first round allocates the per-opcode slots */
		if (i == 1)
			bytes = s.c->journal.bytes;
		CHECK(EVT(&s, 5, WLCR_EVT_wl_data_device_data_offer, "n", id));
		CHECK(EVT(&s, id, WLCR_EVT_wl_data_offer_offer, "s", "text/plain"));
		CHECK(EVT(&s, 5, WLCR_EVT_wl_data_device_selection, "o", id));
		CHECK(REQ(&s, id, WLCR_REQ_wl_data_offer_destroy, ""));
		CHECK(wlcr_journal_get(&s.c->journal, id) == NULL);
		CHECK(EVT(&s, 5, WLCR_EVT_wl_data_device_selection, "o", 0u));
	}
	CHECK_EQ(s.c->journal.bytes, bytes);
	session_finish(&s);
}

static void regions_keep_their_rectangle_set(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 0u, 0u, 100u, 100u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_subtract, "iiii", 0u, 0u, 50u, 100u));
	size_t bytes = s.c->journal.bytes;
	for (int i = 0; i < 10000; i++)
		CHECK(REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 60u, 10u, 10u, 10u));
	CHECK_EQ(s.c->journal.bytes, bytes);
	struct wlcr_object *r = wlcr_journal_get(&s.c->journal, 11);
	pixman_box32_t *e = pixman_region32_extents(r->region);
	CHECK(e->x1 == 50 && e->x2 == 100 && e->y1 == 0 && e->y2 == 100);
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_set_opaque_region, "o", 11u));
	/* the surface keeps a copy: the region may go first */
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_destroy, ""));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	struct wlcr_object *surf = wlcr_journal_get(&s.c->journal, 6);
	CHECK(surf->surface->committed.opaque_set);
	CHECK_EQ(pixman_region32_extents(&surf->surface->committed.opaque)->x1, 50);
	session_finish(&s);
}

/* A rectangle of no area (a negative size), or one wholly outside the
 * square regions are kept in (past INT32_MAX), changes no region, as in a
 * compositor; and pixman is not handed it, which it would log on stderr as
 * its own bug ("Invalid rectangle passed"). */
static void regions_ignore_rectangles_of_no_area_quietly(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 0u, 0u, 100u, 100u));
	size_t bytes = s.c->journal.bytes;
	int err = memfd_create("stderr", MFD_CLOEXEC), saved = dup(2);
	CHECK(err >= 0 && saved >= 0 && dup2(err, 2) == 2);
	bool ok = REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 10u, 10u, (uint32_t)-5, 10u) &&
		  REQ(&s, 11, WLCR_REQ_wl_region_subtract, "iiii", 0u, 0u, 100u, (uint32_t)-1) &&
		  REQ(&s, 11, WLCR_REQ_wl_region_subtract, "iiii", (uint32_t)INT32_MAX - 5, 0u, 10u,
		      10u) &&
		  REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 0u, (uint32_t)INT32_MAX, 10u, 1u) &&
		  REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 0u, 0u, 0u, 10u);
	dup2(saved, 2);
	close(saved);
	off_t logged = lseek(err, 0, SEEK_END);
	close(err);
	CHECK(ok);
	CHECK_EQ(logged, 0);
	struct wlcr_object *r = wlcr_journal_get(&s.c->journal, 11);
	pixman_box32_t *e = pixman_region32_extents(r->region);
	CHECK(e->x1 == 0 && e->x2 == 100 && e->y1 == 0 && e->y2 == 100);
	CHECK_EQ(pixman_region32_n_rects(r->region), 1);
	CHECK_EQ(s.c->journal.bytes, bytes);
	session_finish(&s);
}

static void pending_frame_callbacks_are_known_until_done(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_frame, "n", 11u));
	struct wlcr_object *surf = wlcr_journal_get(&s.c->journal, 6);
	CHECK_EQ(surf->surface->pending.nframes, 1);
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	CHECK_EQ(surf->surface->pending.nframes, 0);
	CHECK_EQ(surf->surface->committed.nframes, 1);
	CHECK_EQ(surf->surface->committed.frames[0], 11);
	CHECK(EVT(&s, 11, WLCR_EVT_wl_callback_done, "u", 5u));
	CHECK_EQ(surf->surface->committed.nframes, 0);
	session_finish(&s);
}

static void configure_serials_and_focus_are_recorded(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(EVT(&s, 9, WLCR_EVT_xdg_surface_configure, "u", 77u));
	CHECK(REQ(&s, 9, WLCR_REQ_xdg_surface_ack_configure, "u", 77u));
	struct wlcr_object *xs = wlcr_journal_get(&s.c->journal, 9);
	CHECK_EQ(xs->last_configure_serial, 77);
	CHECK_EQ(s.c->journal.serial_last, 77);
	session_finish(&s);
}

/* A source is in use from set_selection or start_drag until the compositor
 * cancels it or the drag finishes: what the replay tells it. */
static void sources_in_use_are_tracked(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_data_device(&s));
	CHECK(REQ(&s, 3, WLCR_REQ_wl_data_device_manager_create_data_source, "n", 6u));
	struct wlcr_object *src = wlcr_journal_get(&s.c->journal, 6);
	CHECK(!src->source_in_use);
	CHECK(REQ(&s, 5, WLCR_REQ_wl_data_device_set_selection, "ou", 6u, 1u));
	CHECK(src->source_in_use);
	CHECK(EVT(&s, 6, WLCR_EVT_wl_data_source_cancelled, ""));
	CHECK(!src->source_in_use);
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 11u, "wl_compositor", 4u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 3u, "wl_compositor", 4u, 7u));
	CHECK(REQ(&s, 7, WLCR_REQ_wl_compositor_create_surface, "n", 8u));
	CHECK(REQ(&s, 5, WLCR_REQ_wl_data_device_start_drag, "ooou", 6u, 8u, 0u, 2u));
	CHECK(src->source_in_use);
	CHECK(EVT(&s, 6, WLCR_EVT_wl_data_source_dnd_drop_performed, ""));
	CHECK(src->source_in_use);
	CHECK(EVT(&s, 6, WLCR_EVT_wl_data_source_dnd_finished, ""));
	CHECK(!src->source_in_use);
	/* a null selection uses nothing */
	CHECK(REQ(&s, 5, WLCR_REQ_wl_data_device_set_selection, "ou", 0u, 3u));
	CHECK(!src->source_in_use);
	session_finish(&s);
}

/* surface 6 (toplevel) gets subsurface 12 on surface 11: the usual start
 * plus wl_subcompositor bound at 13 */
static bool with_subsurface(struct session *s)
{
	return session_toplevel(s) &&
	       EVT(s, 2, WLCR_EVT_wl_registry_global, "usu", 43u, "wl_subcompositor", 1u) &&
	       REQ(s, 3, WLCR_REQ_wl_compositor_create_surface, "n", 11u) &&
	       REQ(s, 2, WLCR_REQ_wl_registry_bind, "usun", 4u, "wl_subcompositor", 1u, 12u) &&
	       REQ(s, 12, WLCR_REQ_wl_subcompositor_get_subsurface, "noo", 13u, 11u, 6u);
}

static void synchronized_subsurface_state_waits_for_the_parent(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(with_subsurface(&s));
	struct wlcr_surface *child = wlcr_journal_get(&s.c->journal, 11)->surface;
	struct wlcr_surface *parent = wlcr_journal_get(&s.c->journal, 6)->surface;
	CHECK_EQ(child->subsurface, 13);
	CHECK_EQ(child->parent, 6);
	CHECK_EQ(parent->nchildren, 1);
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_attach, "oii", 8u, 0u, 0u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_commit, ""));
	/* cached, not committed, until the parent commits */
	CHECK(child->has_cached);
	CHECK_EQ(child->committed.buffer, 0);
	CHECK_EQ(child->cached.buffer, 8);
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	CHECK(!child->has_cached);
	CHECK_EQ(child->committed.buffer, 8);
	session_finish(&s);
}

static void set_desync_applies_the_cached_state(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(with_subsurface(&s));
	struct wlcr_surface *child = wlcr_journal_get(&s.c->journal, 11)->surface;
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_set_buffer_scale, "i", 2u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_commit, ""));
	CHECK_EQ(child->committed.scale, 1);
	CHECK(REQ(&s, 13, WLCR_REQ_wl_subsurface_set_desync, ""));
	CHECK_EQ(child->committed.scale, 2);
	/* desynchronized: a commit goes straight to committed */
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_set_buffer_scale, "i", 3u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_commit, ""));
	CHECK_EQ(child->committed.scale, 3);
	session_finish(&s);
}

static void subsurfaces_come_and_go_without_growing_the_journal(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(with_subsurface(&s));
	CHECK(REQ(&s, 13, WLCR_REQ_wl_subsurface_destroy, ""));
	CHECK(EVT(&s, 1, WLCR_EVT_wl_display_delete_id, "u", 13u));
	size_t bytes = s.c->journal.bytes;
	struct wlcr_surface *parent = wlcr_journal_get(&s.c->journal, 6)->surface;
	CHECK_EQ(parent->nchildren, 0);
	for (int i = 0; i < 1000; i++) {
		CHECK(REQ(&s, 12, WLCR_REQ_wl_subcompositor_get_subsurface, "noo", 13u, 11u, 6u));
		CHECK(REQ(&s, 13, WLCR_REQ_wl_subsurface_set_position, "ii", 5u, 5u));
		CHECK(REQ(&s, 11, WLCR_REQ_wl_surface_commit, ""));
		CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
		CHECK(REQ(&s, 13, WLCR_REQ_wl_subsurface_destroy, ""));
		CHECK(EVT(&s, 1, WLCR_EVT_wl_display_delete_id, "u", 13u));
	}
	CHECK_EQ(parent->nchildren, 0);
	CHECK_EQ(s.c->journal.bytes, bytes);
	session_finish(&s);
}

static void a_null_region_resets_the_committed_one(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(REQ(&s, 3, WLCR_REQ_wl_compositor_create_region, "n", 11u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_region_add, "iiii", 0u, 0u, 10u, 10u));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_set_input_region, "o", 11u));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	struct wlcr_surface *surf = wlcr_journal_get(&s.c->journal, 6)->surface;
	CHECK(surf->committed.input_set);
	/* a commit without set_input_region keeps it */
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	CHECK(surf->committed.input_set);
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_set_input_region, "o", 0u));
	CHECK(REQ(&s, 6, WLCR_REQ_wl_surface_commit, ""));
	CHECK(!surf->committed.input_set);
	session_finish(&s);
}

static void drags_and_focus_are_tracked(void)
{
	struct session s;
	CHECK(session_init(&s) == 0);
	CHECK(session_toplevel(&s));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 44u, "wl_seat", 7u));
	CHECK(EVT(&s, 2, WLCR_EVT_wl_registry_global, "usu", 45u, "wl_data_device_manager", 3u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 4u, "wl_seat", 7u, 11u));
	CHECK(REQ(&s, 2, WLCR_REQ_wl_registry_bind, "usun", 5u, "wl_data_device_manager", 3u, 12u));
	CHECK(REQ(&s, 11, WLCR_REQ_wl_seat_get_keyboard, "n", 13u));
	CHECK(REQ(&s, 12, WLCR_REQ_wl_data_device_manager_get_data_device, "no", 14u, 11u));
	CHECK(EVT(&s, 13, WLCR_EVT_wl_keyboard_enter, "uoa", 5u, 6u, 0u, (const void *)NULL));
	CHECK_EQ(wlcr_journal_get(&s.c->journal, 13)->focus, 6);
	CHECK(EVT(&s, 14, WLCR_EVT_wl_data_device_enter, "uoffo", 6u, 6u, 0u, 0u, 0u));
	CHECK_EQ(wlcr_journal_get(&s.c->journal, 14)->focus, 6);
	CHECK(EVT(&s, 14, WLCR_EVT_wl_data_device_drop, ""));
	CHECK_EQ(wlcr_journal_get(&s.c->journal, 14)->focus, 0);
	CHECK(EVT(&s, 13, WLCR_EVT_wl_keyboard_leave, "uo", 7u, 6u));
	CHECK_EQ(wlcr_journal_get(&s.c->journal, 13)->focus, 0);
	session_finish(&s);
}

static const struct unit_case cases[] = {
	{ "sources_in_use_are_tracked", sources_in_use_are_tracked },
	{ "drags_and_focus_are_tracked", drags_and_focus_are_tracked },
	{ "synchronized_subsurface_state_waits_for_the_parent",
	  synchronized_subsurface_state_waits_for_the_parent },
	{ "set_desync_applies_the_cached_state", set_desync_applies_the_cached_state },
	{ "subsurfaces_come_and_go_without_growing_the_journal",
	  subsurfaces_come_and_go_without_growing_the_journal },
	{ "a_null_region_resets_the_committed_one", a_null_region_resets_the_committed_one },
	{ "hundred_thousand_frames_leave_the_journal_as_it_was",
	  hundred_thousand_frames_leave_the_journal_as_it_was },
	{ "half_a_million_damage_requests_leave_the_journal_as_it_was",
	  half_a_million_damage_requests_leave_the_journal_as_it_was },
	{ "setters_keep_the_last_value_only", setters_keep_the_last_value_only },
	{ "destroyed_objects_are_zombies_until_delete_id",
	  destroyed_objects_are_zombies_until_delete_id },
	{ "server_created_objects_go_at_once", server_created_objects_go_at_once },
	{ "regions_keep_their_rectangle_set", regions_keep_their_rectangle_set },
	{ "regions_ignore_rectangles_of_no_area_quietly",
	  regions_ignore_rectangles_of_no_area_quietly },
	{ "pending_frame_callbacks_are_known_until_done",
	  pending_frame_callbacks_are_known_until_done },
	{ "configure_serials_and_focus_are_recorded", configure_serials_and_focus_are_recorded },
};

UNIT_MAIN(cases)
