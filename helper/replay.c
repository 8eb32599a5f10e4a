#include "replay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "foreign.h"
#include "log.h"
#include "protocols.h"
#include "proxy.h"
#include "upstream.h"
#include "wire.h"

enum phase {
	PHASE_IDS = 1,	/* syncs on every id below next_id */
	PHASE_REGISTRY, /* get_registry: the globals arrive */
	PHASE_SEATS,	/* the app's names pointed at them; seats bound: capabilities */
	PHASE_OBJECTS,	/* constructors, setters, first commits of xdg roles */
	PHASE_CONTENT,	/* acks, buffers, callbacks, commits */
	PHASE_DONE,
};

struct wlcr_replay {
	struct wlcr_replay_end end;
	int *pool_fds; /* a restore's, by index in its image's pools */
	size_t npools;
	enum phase phase;
	bool running;
	uint32_t next_id;   /* the client's next new id */
	uint32_t barrier;   /* the sync whose delete_id ends the phase */
	uint32_t temp_next; /* ids for the replay's own objects, above next_id */
	uint32_t temp_lo;
	/* phase 1 fills id slots a batch at a time: the next to fill, and
	 * the last of the batch under way (its done sends the next) */
	uint32_t ids_next, ids_last;
	/* phase 3 ends when its barrier has passed and every xdg_surface it
	 * committed has its configure: compositors send it later (weston
	 * from an idle callback) */
	unsigned configures_pending;
	bool barrier_passed;
	/* objects that got a differing event since their last done (outputs):
	 * their done goes to the app, a done after nothing new does not */
	uint32_t *changed;
	size_t nchanged;
	/* the compositor's globals now (its names), as its registries tell */
	uint32_t *present;
	size_t npresent;
	/* the app's seats, bound ahead of everything else, and the
	 * capabilities the compositor gives each: a keyboard or pointer of a
	 * seat without that capability cannot be made (wlroots refuses it) */
	struct seat_caps {
		uint32_t seat, caps;
	} * seats;
	size_t nseats;
};

static const char *const core_globals[] = { "wl_compositor", "wl_shm", "xdg_wm_base" };

bool wlcr_replay_core_global(const char *interface)
{
	for (size_t k = 0; k < sizeof(core_globals) / sizeof(core_globals[0]); k++)
		if (strcmp(interface, core_globals[k]) == 0)
			return true;
	return false;
}

/* ---- sending ---------------------------------------------------------------- */

static int send_up(struct wlcr_client *c, const uint8_t *bytes, size_t len, int fd)
{
	if (wlcr_log_get_level() >= WLCR_LOG_DEBUG && len >= 8)
		wlcr_debug("client %u replay -> object %u opcode %u (%zu bytes%s), first word %u",
			   c->index, wlcr_wire_word(bytes), wlcr_wire_word(bytes + 4) & 0xffff, len,
			   fd >= 0 ? ", 1 fd" : "", len >= 12 ? wlcr_wire_word(bytes + 8) : 0);
	return wlcr_conn_write(&c->up, bytes, len, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
}

#define SEND(c, sender, opcode, ...)                                                               \
	({                                                                                         \
		uint8_t b_[WLCR_MAX_MESSAGE];                                                      \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		n_ < 0 ? n_ : send_up(c, b_, (size_t)n_, -1);                                      \
	})

#define SEND_DOWN(c, sender, opcode, ...)                                                          \
	({                                                                                         \
		uint8_t b_[WLCR_MAX_MESSAGE];                                                      \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		n_ < 0 ? n_ : send_down(c, b_, (size_t)n_);                                        \
	})

/* An event the proxy makes up for the app (a leave, an emulated global's
 * answer) is journaled like the compositor's: it is what the app was told,
 * which the next replay compares against. */
static int send_down(struct wlcr_client *c, const uint8_t *bytes, size_t len)
{
	uint32_t sender = wlcr_wire_word(bytes);
	uint16_t opcode = (uint16_t)(wlcr_wire_word(bytes + 4) & 0xffff);
	struct wlcr_object *o = wlcr_journal_get(&c->journal, sender);
	struct wlcr_wire_msg m;
	char err[128];
	if (o && o->iface && opcode < o->iface->nevents &&
	    wlcr_wire_parse(bytes, len, &o->iface->events[opcode], &m, err, sizeof(err)) == 0 &&
	    wlcr_journal_event(&c->journal, o, &m, bytes, NULL, err, sizeof(err)) < 0)
		wlcr_warn("client %u: cannot journal %s@%u.%s: %s", c->index, o->iface->name,
			  sender, o->iface->events[opcode].name, err);
	return wlcr_conn_write(&c->down, bytes, len, NULL, 0);
}

/* A sync of the replay's own: its done is what it waits for, its
 * delete_id the client eats whenever it comes (helper/client.h). */
static int sync_up(struct wlcr_client *c, uint32_t id)
{
	int ret = SEND(c, 1, WLCR_REQ_wl_display_sync, "n", id);
	return ret < 0 ? ret : wlcr_client_expect_delete(c, id);
}

/* One of the replay's temporary objects goes. */
static int destroy_temp(struct wlcr_client *c, uint32_t id, uint16_t opcode)
{
	int ret = SEND(c, id, opcode, "");
	return ret < 0 ? ret : wlcr_client_expect_delete(c, id);
}

/* The phase ends with the done of a sync sent after all of it (not its
 * delete_id, which libwayland-server may hold back). */
static int barrier(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	rp->barrier = rp->next_id;
	return sync_up(c, rp->barrier);
}

static bool is_temp(const struct wlcr_replay *rp, uint32_t id)
{
	return id == rp->barrier || (id >= rp->temp_lo && id < rp->temp_next);
}

static void fail(struct wlcr_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool took_change(struct wlcr_replay *rp, uint32_t id);

/* Tells the caller; the replay's state stays until the client goes or the
 * next replay starts: code up the stack may still look at it. */
static void finish(struct wlcr_client *c, const char *error)
{
	struct wlcr_replay *rp = c->replay;
	struct wlcr_replay_end end = rp->end;
	rp->running = false;
	rp->end.fn = NULL;
	if (end.fn)
		end.fn(c, end.data, error);
}

static void fail(struct wlcr_client *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!c->replay->running)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wlcr_err("client %u: replay failed: %s", c->index, msg);
	finish(c, msg);
}

/* ---- phase 1 and 2 ------------------------------------------------------------ */

/* Slots filled per batch. Each sync costs the compositor two events (done,
 * delete_id); libwayland-server (before 1.22) drops a client whose events
 * it cannot send, and an app with 10 000 ids made weston do so, a run in
 * four, before the proxy had read the first of its 20 000 events. */
#define IDS_BATCH 512

static int ids_batch(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	uint32_t left = rp->next_id - rp->ids_next;
	uint32_t end = left > IDS_BATCH ? rp->ids_next + IDS_BATCH : rp->next_id;
	for (uint32_t id = rp->ids_next; id < end; id++)
		if (sync_up(c, id) < 0)
			return -ENOMEM;
	rp->ids_next = end;
	if (end < rp->next_id) {
		rp->ids_last = end - 1;
		return 0;
	}
	rp->ids_last = 0;
	/* the barrier is next_id; the replay's own objects come after it */
	return barrier(c);
}

static int phase_ids(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	/* libwayland-server accepts a new id only in a free slot or right
	 * after the last one: fill every slot below next_id with a callback
	 * that the server creates, fires and frees, so any order works next */
	rp->temp_lo = rp->temp_next = rp->next_id + 1;
	rp->ids_next = 2;
	return ids_batch(c);
}

struct collect {
	struct wlcr_object **objs;
	size_t n, cap;
};

static void collect_one(struct wlcr_object *obj, void *data)
{
	struct collect *col = data;
	if (col->n == col->cap)
		return;
	col->objs[col->n++] = obj;
}

static int collect(struct wlcr_client *c, struct collect *col)
{
	col->cap = c->journal.map.client_len + c->journal.map.server_len + 1;
	col->n = 0;
	col->objs = calloc(col->cap, sizeof(*col->objs));
	if (!col->objs)
		return -ENOMEM;
	wlcr_objmap_for_each(&c->journal.map, collect_one, col);
	return 0;
}

static bool replayable(const struct wlcr_object *o)
{
	return o->iface && !o->zombie && !o->server_created && !o->gone && o->ctor && o->id > 1;
}

static const struct wlcr_message *ctor_message(struct wlcr_client *c, const struct wlcr_object *o);

/* Any object argument of its constructor is gone (a viewport of a gone
 * surface, a subsurface on one). */
static bool made_with_gone(struct wlcr_client *c, const struct wlcr_object *o)
{
	const struct wlcr_message *msg = o->ctor ? ctor_message(c, o) : NULL;
	struct wlcr_wire_msg m;
	char err[128];
	if (!msg || wlcr_wire_parse(o->ctor->bytes, o->ctor->size, msg, &m, err, sizeof(err)) < 0)
		return false;
	for (unsigned i = 0; i < msg->nargs; i++) {
		/* a region is a value the journal keeps: its id may name
		 * something else by now */
		struct wlcr_object *a = msg->args[i].kind == WLCR_ARG_OBJECT &&
							msg->args[i].iface != &wlcr_iface_wl_region
						? wlcr_journal_get(&c->journal, m.args[i].u)
						: NULL;
		if (a && a->gone)
			return true;
	}
	return false;
}

/* Popups cannot survive a restore (their grab and their place belong to a
 * moment that is gone): a popup, its xdg_surface and wl_surface, and what
 * hangs off them are not recreated; the app gets popup_done instead and
 * closes them, and the proxy absorbs what it sends them meanwhile. */
static void mark_gone(struct wlcr_client *c, struct collect *col)
{
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_object *p = col->objs[i];
		if (p->defunct && !p->zombie)
			p->gone = true;
		if (p->iface != &wlcr_iface_xdg_popup || p->zombie)
			continue;
		p->gone = true;
		struct wlcr_object *xs = wlcr_journal_creator(&c->journal, p);
		if (xs && xs->iface == &wlcr_iface_xdg_surface) {
			xs->gone = true;
			struct wlcr_object *ws = wlcr_journal_get(&c->journal, xs->role_surface);
			if (ws)
				ws->gone = true;
		}
	}
	/* and what was made from them, or is a role of a gone surface */
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < col->n; i++) {
			struct wlcr_object *o = col->objs[i];
			if (o->gone || o->zombie)
				continue;
			struct wlcr_object *from = wlcr_journal_creator(&c->journal, o);
			struct wlcr_object *role = wlcr_journal_get(&c->journal, o->role_surface);
			struct wlcr_object *fs = wlcr_journal_get(&c->journal, o->frame_surface);
			if ((from && from->gone) || (role && role->gone) || (fs && fs->gone) ||
			    made_with_gone(c, o)) {
				o->gone = true;
				changed = true;
			}
		}
		/* a layer surface this compositor cannot show (no layer
		 * shell, its output gone): its wl_surface waits, unshown,
		 * for a compositor that can (helper/replay.h) */
		for (size_t i = 0; i < col->n; i++) {
			struct wlcr_object *o = col->objs[i];
			struct wlcr_object *ws =
				o->iface == &wlcr_iface_zwlr_layer_surface_v1 && o->gone
					? wlcr_journal_get(&c->journal, o->role_surface)
					: NULL;
			if (ws && !ws->gone && !ws->zombie) {
				ws->gone = true;
				changed = true;
			}
		}
	}
}

static int phase_registry(struct wlcr_client *c)
{
	struct collect col;
	if (collect(c, &col) < 0)
		return -ENOMEM;
	int ret = 0;
	for (size_t i = 0; i < col.n && ret == 0; i++)
		if (replayable(col.objs[i]) && col.objs[i]->iface == &wlcr_iface_wl_registry)
			ret = send_up(c, col.objs[i]->ctor->bytes, col.objs[i]->ctor->size, -1);
	free(col.objs);
	return ret < 0 ? ret : barrier(c);
}

/* Now on the app's clock (its time namespace), in ms as input events say. */
static uint32_t app_now_ms(const struct wlcr_client *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + c->time_offset_ms);
}

/* Text input focus, pointer constraints, gestures under way, an active
 * shortcuts inhibitor and an idle seat end with the old compositor, like
 * keyboard focus: the app is told (a gesture is cancelled), and told again
 * when the new one starts them. A oneshot constraint is then finished for
 * good. */
static void end_episode(struct wlcr_client *c, struct wlcr_object *o)
{
	const struct wlcr_interface *it = o->iface;
	if (it == &wlcr_iface_zwp_text_input_v3)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_text_input_v3_leave, "o", o->focus);
	else if (it == &wlcr_iface_zwp_locked_pointer_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_locked_pointer_v1_unlocked, "");
	else if (it == &wlcr_iface_zwp_confined_pointer_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_confined_pointer_v1_unconfined, "");
	else if (it == &wlcr_iface_zwp_pointer_gesture_swipe_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_pointer_gesture_swipe_v1_end, "uui",
			  wlcr_client_fresh_serial(c), app_now_ms(c), 1u);
	else if (it == &wlcr_iface_zwp_pointer_gesture_pinch_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_pointer_gesture_pinch_v1_end, "uui",
			  wlcr_client_fresh_serial(c), app_now_ms(c), 1u);
	else if (it == &wlcr_iface_zwp_pointer_gesture_hold_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_pointer_gesture_hold_v1_end, "uui",
			  wlcr_client_fresh_serial(c), app_now_ms(c), 1u);
	else if (it == &wlcr_iface_zwp_keyboard_shortcuts_inhibitor_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_keyboard_shortcuts_inhibitor_v1_inactive, "");
	else if (it == &wlcr_iface_ext_idle_notification_v1)
		SEND_DOWN(c, o->id, WLCR_EVT_ext_idle_notification_v1_resumed, "");
	else
		return;
	if (wlcr_journal_constraint_oneshot(o))
		o->defunct = true;
	wlcr_journal_forget_events(&c->journal, o);
}

/* Tablets, tools and pads are the compositor's devices: the old one's are
 * removed (the new one announces its own). Returns whether o was one. */
static bool removed_with_compositor(struct wlcr_client *c, const struct wlcr_object *o)
{
	const struct wlcr_interface *it = o->iface;
	if (it == &wlcr_iface_zwp_tablet_v2)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_tablet_v2_removed, "");
	else if (it == &wlcr_iface_zwp_tablet_tool_v2)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_tablet_tool_v2_removed, "");
	else if (it == &wlcr_iface_zwp_tablet_pad_v2)
		SEND_DOWN(c, o->id, WLCR_EVT_zwp_tablet_pad_v2_removed, "");
	else
		return false;
	return true;
}

/* The old compositor's episodes end for the app before the new one's
 * begin: keyboard and pointer focus (leave), text input and pointer
 * constraints, a drag over the app; the selection empties, and the app's
 * own selection or drag source is cancelled (the new compositor never had
 * it). Objects that are not on the new compositor are worked out again. */
static void end_old_compositor(struct wlcr_client *c)
{
	struct collect col;
	if (collect(c, &col) < 0)
		return;
	for (size_t i = 0; i < col.n; i++) {
		struct wlcr_object *o = col.objs[i];
		/* what the old compositor made dies with it (offers the app
		 * holds stay inert); the app's own objects are worked out anew */
		o->gone = o->server_created;
		if (o->zombie)
			continue;
		if (o->server_created && !o->defunct && removed_with_compositor(c, o))
			o->defunct = true;
		/* a data-control source is set as the selection again
		 * (phase_objects), or cancelled where it cannot be */
		if (o->source_in_use && o->iface != &wlcr_iface_zwlr_data_control_source_v1) {
			if (o->iface == &wlcr_iface_wl_data_source)
				SEND_DOWN(c, o->id, WLCR_EVT_wl_data_source_cancelled, "");
			else if (o->iface == &wlcr_iface_zwp_primary_selection_source_v1)
				SEND_DOWN(c, o->id,
					  WLCR_EVT_zwp_primary_selection_source_v1_cancelled, "");
			o->source_in_use = false;
		}
		if (o->iface == &wlcr_iface_wl_data_device)
			SEND_DOWN(c, o->id, WLCR_EVT_wl_data_device_selection, "o", 0u);
		else if (o->iface == &wlcr_iface_zwp_primary_selection_device_v1)
			SEND_DOWN(c, o->id, WLCR_EVT_zwp_primary_selection_device_v1_selection, "o",
				  0u);
		else if (o->iface == &wlcr_iface_zwlr_data_control_device_v1) {
			/* the old compositor's offers die with it; the new one
			 * tells its selection when the device is made again */
			SEND_DOWN(c, o->id, WLCR_EVT_zwlr_data_control_device_v1_selection, "o",
				  0u);
			if (o->version >= 2)
				SEND_DOWN(c, o->id,
					  WLCR_EVT_zwlr_data_control_device_v1_primary_selection,
					  "o", 0u);
		}
		if (o->iface == &wlcr_iface_zwp_text_input_v3)
			/* the new compositor counts commits from 0 */
			o->commit_base = o->commits;
		if (!o->focus)
			continue;
		end_episode(c, o);
		/* the new compositor's enter is news, even with the same bytes */
		wlcr_journal_forget_events(&c->journal, o);
		if (o->iface == &wlcr_iface_wl_keyboard)
			SEND_DOWN(c, o->id, WLCR_EVT_wl_keyboard_leave, "uo",
				  wlcr_client_fresh_serial(c), o->focus);
		else if (o->iface == &wlcr_iface_wl_pointer)
			SEND_DOWN(c, o->id, WLCR_EVT_wl_pointer_leave, "uo",
				  wlcr_client_fresh_serial(c), o->focus);
		else if (o->iface == &wlcr_iface_wl_data_device)
			/* a drag over the app: it ended with the old compositor */
			SEND_DOWN(c, o->id, WLCR_EVT_wl_data_device_leave, "");
		o->focus = 0;
	}
	free(col.objs);
}

/* ---- phase 3: objects -------------------------------------------------------- */

static const struct wlcr_message *ctor_message(struct wlcr_client *c, const struct wlcr_object *o)
{
	(void)c;
	/* the creator may be gone (a pool the app destroyed): its interface
	 * is known all the same */
	const struct wlcr_interface *it = o->creator_iface;
	uint16_t opcode = (uint16_t)(wlcr_wire_word(o->ctor->bytes + 4) & 0xffff);
	if (!it || opcode >= it->nrequests)
		return NULL;
	return &it->requests[opcode];
}

static bool is_present(const struct wlcr_replay *rp, uint32_t upstream)
{
	for (size_t i = 0; upstream && i < rp->npresent; i++)
		if (rp->present[i] == upstream)
			return true;
	return false;
}

/* This compositor's global, if the app may see it (not hidden). */
static const struct wlcr_global *present_global(struct wlcr_client *c, uint32_t upstream)
{
	const struct wlcr_global *g =
		is_present(c->replay, upstream)
			? wlcr_registry_by_upstream(&c->upstream->registry, upstream)
			: NULL;
	return g && !g->hidden ? g : NULL;
}

static bool multi_instance(const char *iface)
{
	return strcmp(iface, "wl_output") == 0 || strcmp(iface, "wl_seat") == 0;
}

/* The parsed bind that made o, or false when o was not made by one. */
static bool bound_global(struct wlcr_client *c, const struct wlcr_object *o,
			 struct wlcr_wire_msg *m)
{
	struct wlcr_object *from = wlcr_journal_creator(&c->journal, o);
	char err[128];
	return from && from->iface == &wlcr_iface_wl_registry && !o->zombie && o->ctor &&
	       wlcr_wire_parse(o->ctor->bytes, o->ctor->size,
			       &wlcr_iface_wl_registry.requests[WLCR_REQ_wl_registry_bind], m, err,
			       sizeof(err)) == 0;
}

/* The app's name entry a bind named (the journal keeps the app's name). */
static struct wlcr_name *bound_name(struct wlcr_client *c, const struct wlcr_object *o)
{
	struct wlcr_wire_msg m;
	return bound_global(c, o, &m) ? wlcr_names_by_name(&c->journal.names, m.args[0].u) : NULL;
}

/* Whether another of the app's names stands for upstream already. */
static bool taken(const struct wlcr_names *names, const struct wlcr_name *self, uint32_t upstream)
{
	for (size_t i = 0; i < names->n; i++)
		if (&names->v[i] != self && names->v[i].upstream == upstream &&
		    !names->v[i].removed)
			return true;
	return false;
}

/* Points one of the app's names at a global of this compositor with its
 * interface: the one it stood for, if that is still here (restored on the
 * compositor it left); else the first; outputs and seats a distinct one
 * each (binding two of the app's outputs to one output here would show it
 * one screen twice and never the loss of the other). 0 when none is left. */
static uint32_t map_one(struct wlcr_client *c, struct wlcr_name *n, uint32_t was)
{
	const struct wlcr_registry *reg = &c->upstream->registry;
	bool multi = multi_instance(n->interface);
	const struct wlcr_global *g = present_global(c, was);
	if (g && strcmp(g->interface, n->interface) == 0 &&
	    !(multi && taken(&c->journal.names, n, was)))
		return was;
	for (size_t i = 0; i < reg->nglobals; i++) {
		g = &reg->globals[i];
		if (!present_global(c, g->upstream_name) || strcmp(g->interface, n->interface) != 0)
			continue;
		if (multi && taken(&c->journal.names, n, g->upstream_name))
			continue;
		return g->upstream_name;
	}
	return 0;
}

/* Every name the app knows, pointed at this compositor's globals: first
 * those its objects were bound through, then the others. */
static int map_names(struct wlcr_client *c, struct collect *col)
{
	struct wlcr_names *names = &c->journal.names;
	uint32_t *was = calloc(names->n + 1, sizeof(*was));
	bool *bound = calloc(names->n + 1, sizeof(*bound));
	if (!was || !bound) {
		free(was);
		free(bound);
		return -ENOMEM;
	}
	for (size_t i = 0; i < names->n; i++) {
		was[i] = names->v[i].upstream;
		names->v[i].upstream = 0;
	}
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_name *n = bound_name(c, col->objs[i]);
		if (n)
			bound[n - names->v] = true;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < names->n; i++)
			if (bound[i] == (pass == 0) && !names->v[i].removed)
				names->v[i].upstream = map_one(c, &names->v[i], was[i]);
	free(was);
	free(bound);
	return 0;
}

/* Globals the app bound that this compositor lacks: a leaf global becomes
 * an inert object in the proxy (requests absorbed, and afterwards the
 * events a compositor without the feature would send); a core one fails
 * the replay in create(), naming it. */
static void mark_missing_globals(struct wlcr_client *c, struct collect *col)
{
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_object *o = col->objs[i];
		struct wlcr_name *n = bound_name(c, o);
		if (!n || n->upstream || wlcr_replay_core_global(n->interface))
			continue;
		o->gone = true;
		if (o->iface == &wlcr_iface_wl_output)
			wlcr_info(
				"client %u: one of its outputs is not on this compositor: removed",
				c->index);
		else
			wlcr_info("client %u: %s is missing on this compositor: emulated", c->index,
				  n->interface);
	}
}

/* The memory of a pool made by ctor (the pool's own constructor, or the
 * one a retired pool's record keeps). */
static int pool_fd(struct wlcr_client *c, const struct wlcr_pool *rec,
		   const struct wlcr_msgcopy *ctor)
{
	struct wlcr_replay *rp = c->replay;
	/* a running client's journal keeps the fd it made the pool with */
	if (ctor && ctor->nfds)
		return fcntl(ctor->fds[0], F_DUPFD_CLOEXEC, 3);
	if (!rec || rec->index < 0 || (size_t)rec->index >= rp->npools ||
	    rp->pool_fds[rec->index] < 0)
		return -1;
	return fcntl(rp->pool_fds[rec->index], F_DUPFD_CLOEXEC, 3);
}

/* The wl_shm a stand-in pool for rec goes through: the one its constructor
 * named, if that id is still a wl_shm, or any the app has bound. Its id
 * may be above the buffers' (made late, through a late registry), so the
 * buffers depend on it (deps_ready). */
static struct wlcr_object *stand_in_shm(struct wlcr_client *c, const struct wlcr_pool *rec)
{
	struct wlcr_object *shm =
		rec->ctor ? wlcr_journal_get(&c->journal, wlcr_wire_word(rec->ctor->bytes)) : NULL;
	if (shm && shm->iface == &wlcr_iface_wl_shm && replayable(shm))
		return shm;
	struct collect col;
	shm = NULL;
	if (collect(c, &col) < 0)
		return NULL;
	for (size_t i = 0; i < col.n && !shm; i++)
		if (col.objs[i]->iface == &wlcr_iface_wl_shm && replayable(col.objs[i]))
			shm = col.objs[i];
	free(col.objs);
	return shm;
}

/* A buffer whose pool the app destroyed: a temporary pool from the saved
 * constructor stands in for it (destroyed again after phase 3). */
static int temp_pool(struct wlcr_client *c, struct wlcr_pool *rec)
{
	struct wlcr_replay *rp = c->replay;
	if (rec->temp_id)
		return 0;
	const struct wlcr_message *msg = &wlcr_iface_wl_shm.requests[WLCR_REQ_wl_shm_create_pool];
	uint8_t bytes[WLCR_MAX_MESSAGE];
	struct wlcr_wire_msg m;
	char err[128];
	if (!rec->ctor || rec->ctor->size > sizeof(bytes))
		return -EINVAL;
	memcpy(bytes, rec->ctor->bytes, rec->ctor->size);
	if (wlcr_wire_parse(bytes, rec->ctor->size, msg, &m, err, sizeof(err)) < 0)
		return -EINVAL;
	struct wlcr_object *shm = stand_in_shm(c, rec);
	if (!shm)
		return -ENOENT;
	int fd = pool_fd(c, rec, rec->ctor);
	if (fd < 0)
		return -ENOMEM;
	wlcr_journal_keep_fd(&c->journal, rec->ctor, fd);
	rec->temp_id = rp->temp_next++;
	wlcr_wire_set_word(bytes, shm->id);
	wlcr_wire_set_word(bytes + m.args[0].offset, rec->temp_id);
	int ret = send_up(c, bytes, rec->ctor->size, fd);
	if (ret == 0 && rec->size > m.args[2].u)
		ret = SEND(c, rec->temp_id, WLCR_REQ_wl_shm_pool_resize, "i", (uint32_t)rec->size);
	return ret;
}

/* A temporary wl_region with r's rectangles, made from compositor. */
static int temp_region_of(struct wlcr_client *c, uint32_t compositor, pixman_region32_t *r,
			  uint32_t *ret_id)
{
	uint32_t id = c->replay->temp_next++;
	int n = 0;
	pixman_box32_t *b = pixman_region32_rectangles(r, &n);
	int ret = SEND(c, compositor, WLCR_REQ_wl_compositor_create_region, "n", id);
	for (int i = 0; i < n && ret == 0; i++)
		ret = SEND(c, id, WLCR_REQ_wl_region_add, "iiii", (uint32_t)b[i].x1,
			   (uint32_t)b[i].y1, (uint32_t)(b[i].x2 - b[i].x1),
			   (uint32_t)(b[i].y2 - b[i].y1));
	*ret_id = id;
	return ret;
}

/* The wl_compositor a constructor's surface argument was made from. */
static uint32_t compositor_of_args(struct wlcr_client *c, const struct wlcr_message *msg,
				   const struct wlcr_wire_msg *m)
{
	for (unsigned i = 0; i < msg->nargs; i++) {
		struct wlcr_object *a = msg->args[i].iface == &wlcr_iface_wl_surface
						? wlcr_journal_get(&c->journal, m->args[i].u)
						: NULL;
		struct wlcr_object *from = a ? wlcr_journal_creator(&c->journal, a) : NULL;
		if (from && from->iface == &wlcr_iface_wl_compositor)
			return from->id;
	}
	return 0;
}

static int create(struct wlcr_client *c, struct wlcr_object *o)
{
	const struct wlcr_message *msg = ctor_message(c, o);
	uint8_t bytes[WLCR_MAX_MESSAGE];
	struct wlcr_wire_msg m;
	char err[128];
	if (!msg)
		return -EINVAL;
	memcpy(bytes, o->ctor->bytes, o->ctor->size);
	if (wlcr_wire_parse(bytes, o->ctor->size, msg, &m, err, sizeof(err)) < 0)
		return -EINVAL;
	if (o->iface == &wlcr_iface_zxdg_imported_v1 || o->iface == &wlcr_iface_zxdg_imported_v2) {
		/* import(id, handle): the handle as this compositor knows it */
		const char *up = wlcr_foreign_lookup(c->proxy, m.args[1].str);
		if (up && up != m.args[1].str)
			return SEND(c, m.sender, m.opcode, "ns", o->id, up);
	}
	if (m.new_iface_name) {
		/* wl_registry.bind: the compositor's name for the app's global now */
		const struct wlcr_name *n = wlcr_names_by_name(&c->journal.names, m.args[0].u);
		const struct wlcr_global *g = n ? present_global(c, n->upstream) : NULL;
		if (!g) {
			fail(c, "the compositor has no %s", m.new_iface_name);
			return -ENOENT;
		}
		if (g->version < m.new_version) {
			fail(c, "the compositor offers %s version %u, the app bound version %u",
			     g->interface, g->version, m.new_version);
			return -ENOENT;
		}
		wlcr_wire_set_word(bytes + m.args[0].offset, g->upstream_name);
	}
	if (o->iface == &wlcr_iface_wl_buffer && o->pool && o->pool->retired) {
		if (temp_pool(c, o->pool) < 0) {
			fail(c, "no pool memory for wl_buffer@%u", o->id);
			return -ENOENT;
		}
		wlcr_wire_set_word(bytes, o->pool->temp_id); /* made from the stand-in */
	}
	uint32_t temp_region = 0;
	for (unsigned i = 0; i < msg->nargs; i++) {
		/* a null region given one later by set_region (not replayed:
		 * the journal keeps it here) counts as given */
		if (msg->args[i].kind != WLCR_ARG_OBJECT ||
		    msg->args[i].iface != &wlcr_iface_wl_region || (!m.args[i].u && !o->region))
			continue;
		/* the app's region may be destroyed, its id reused: a
		 * temporary one with the content the journal kept */
		uint32_t compositor = compositor_of_args(c, msg, &m);
		int ret = o->region && compositor
				  ? temp_region_of(c, compositor, o->region, &temp_region)
				  : 0;
		if (ret < 0)
			return ret;
		wlcr_wire_set_word(bytes + m.args[i].offset, temp_region);
	}
	int fd = -1;
	if (m.nfds == 1 && o->iface == &wlcr_iface_wl_shm_pool) {
		fd = pool_fd(c, o->pool, o->ctor);
		if (fd < 0) {
			fail(c, "no memory for wl_shm_pool@%u", o->id);
			return -ENOENT;
		}
		wlcr_journal_keep_fd(&c->journal, o->ctor, fd);
	} else if (m.nfds) {
		fail(c, "%s@%u: cannot recreate a constructor with fds", o->iface->name, o->id);
		return -EINVAL;
	}
	int ret = send_up(c, bytes, o->ctor->size, fd);
	/* requests that add up (a source's offers) come before any use */
	for (uint32_t i = 0; ret == 0 && i < o->nlist; i++) {
		const struct wlcr_msgcopy *l = o->list[i];
		uint16_t op = l->size >= 8 ? (uint16_t)(wlcr_wire_word(l->bytes + 4) & 0xffff) : 0;
		if (l->size < 8 || wlcr_wire_word(l->bytes) != o->id || op >= o->iface->nrequests) {
			fail(c, "%s@%u: a listed request that is not its own", o->iface->name,
			     o->id);
			return -EINVAL;
		}
		ret = send_up(c, l->bytes, l->size, -1);
	}
	/* buffers made after a resize lie beyond the first size: the pool
	 * grows at once, before them */
	uint64_t size = o->iface == &wlcr_iface_wl_shm_pool ? wlcr_journal_pool_size(o) : 0;
	if (ret == 0 && size > m.args[2].u)
		ret = SEND(c, o->id, WLCR_REQ_wl_shm_pool_resize, "i", (uint32_t)size);
	if (ret == 0 && temp_region)
		ret = destroy_temp(c, temp_region, WLCR_REQ_wl_region_destroy);
	return ret;
}

/* Objects of the creator's and every object argument's: created first. */
static bool deps_ready(struct wlcr_client *c, const struct wlcr_object *o, const uint8_t *done)
{
	bool retired_pool = o->pool && o->pool->retired && o->iface == &wlcr_iface_wl_buffer;
	if (o->creator > 1 && !retired_pool) {
		/* a creator gone (destroyed, its id reused) is never ready:
		 * the object then fails the replay, saying so */
		const struct wlcr_object *from = wlcr_journal_creator(&c->journal, o);
		if (!from || !done[from->id])
			return false;
	}
	if (retired_pool && !o->pool->temp_id) {
		/* made through a stand-in pool, which goes through a wl_shm */
		const struct wlcr_object *shm = stand_in_shm(c, o->pool);
		if (shm && !done[shm->id])
			return false;
	}
	const struct wlcr_message *msg = ctor_message(c, o);
	struct wlcr_wire_msg m;
	char err[128];
	if (!msg || wlcr_wire_parse(o->ctor->bytes, o->ctor->size, msg, &m, err, sizeof(err)) < 0)
		return true; /* create() reports it */
	for (unsigned i = 0; i < msg->nargs; i++) {
		uint32_t id = m.args[i].u;
		/* a region is a value the journal keeps (create() remakes it) */
		if (msg->args[i].kind == WLCR_ARG_OBJECT && id > 1 && id < WLCR_SERVER_ID_MIN &&
		    msg->args[i].iface != &wlcr_iface_wl_region && !done[id])
			return false;
	}
	return true;
}

/* Roles whose surface shows nothing before a configure is acked. */
static bool configured_role(const struct wlcr_object *o)
{
	return o->iface == &wlcr_iface_xdg_surface || o->iface == &wlcr_iface_zwlr_layer_surface_v1;
}

/* A data-control device's selection is set again only to a source that
 * still is it (not cancelled since, not destroyed): another client's
 * selection may have replaced it. */
static bool stale_selection(struct wlcr_client *c, const struct wlcr_object *o, uint16_t slot)
{
	if (o->iface != &wlcr_iface_zwlr_data_control_device_v1 ||
	    (slot != WLCR_REQ_zwlr_data_control_device_v1_set_selection &&
	     slot != WLCR_REQ_zwlr_data_control_device_v1_set_primary_selection))
		return false;
	const struct wlcr_msgcopy *set = o->setters[slot];
	uint32_t id = set->size >= 12 ? wlcr_wire_word(set->bytes + 8) : 0;
	const struct wlcr_object *src = id ? wlcr_journal_get(&c->journal, id) : NULL;
	return !src || src->iface != &wlcr_iface_zwlr_data_control_source_v1 ||
	       !src->source_in_use || !replayable(src);
}

/* setters that must not be replayed: a stale serial would be refused */
static bool skip_setter(struct wlcr_client *c, const struct wlcr_object *o, uint16_t slot)
{
	return stale_selection(c, o, slot) ||
	       (o->iface == &wlcr_iface_xdg_surface &&
		slot == WLCR_REQ_xdg_surface_ack_configure) ||
	       (o->iface == &wlcr_iface_zwlr_layer_surface_v1 &&
		slot == WLCR_REQ_zwlr_layer_surface_v1_ack_configure) ||
	       /* create() grew the pool already */
	       (o->iface == &wlcr_iface_wl_shm_pool && slot == WLCR_REQ_wl_shm_pool_resize) ||
	       (o->iface == &wlcr_iface_wl_pointer && slot == WLCR_REQ_wl_pointer_set_cursor);
}

/* A serial in a setter (an activation token's) is the old compositor's:
 * 0, which compositors take as stale, as for the app's own old serials. */
static int send_setter(struct wlcr_client *c, const struct wlcr_object *o,
		       const struct wlcr_msgcopy *setter)
{
	uint8_t bytes[WLCR_MAX_MESSAGE];
	struct wlcr_wire_msg m;
	char err[128];
	uint16_t opcode = (uint16_t)(wlcr_wire_word(setter->bytes + 4) & 0xffff);
	if (setter->size > sizeof(bytes) || opcode >= o->iface->nrequests)
		return -EINVAL;
	memcpy(bytes, setter->bytes, setter->size);
	const struct wlcr_message *msg = &o->iface->requests[opcode];
	if (wlcr_wire_parse(bytes, setter->size, msg, &m, err, sizeof(err)) < 0)
		return -EINVAL;
	for (unsigned i = 0; i < msg->nargs; i++)
		if (msg->args[i].role == WLCR_ROLE_SERIAL)
			wlcr_wire_set_word(bytes + m.args[i].offset, 0);
	return send_up(c, bytes, setter->size, -1);
}

/* Objects that belong to a surface's next commit (frame callbacks,
 * presentation feedback): made with the content in phase 4. */
static bool made_with_content(const struct wlcr_object *o)
{
	return o->iface == &wlcr_iface_wl_callback ||
	       o->iface == &wlcr_iface_wp_presentation_feedback;
}

/* The app's names pointed at this compositor's globals, what it lacks
 * marked, and the app's seats bound first: their capabilities decide which
 * keyboards and pointers can be made. */
static int phase_seats(struct wlcr_client *c)
{
	struct collect col;
	if (collect(c, &col) < 0)
		return -ENOMEM;
	if (map_names(c, &col) < 0) {
		free(col.objs);
		return -ENOMEM;
	}
	mark_missing_globals(c, &col);
	mark_gone(c, &col);
	struct wlcr_replay *rp = c->replay;
	int ret = 0;
	for (size_t i = 0; i < col.n && ret == 0; i++) {
		struct wlcr_object *o = col.objs[i];
		if (o->iface != &wlcr_iface_wl_seat || !replayable(o) || !bound_name(c, o))
			continue;
		struct seat_caps *p = realloc(rp->seats, (rp->nseats + 1) * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		rp->seats = p;
		/* all capabilities until the compositor tells */
		p[rp->nseats++] = (struct seat_caps){ o->id, ~0u };
		ret = create(c, o);
	}
	free(col.objs);
	return ret < 0 ? ret : barrier(c);
}

static const struct seat_caps *caps_of(const struct wlcr_replay *rp, uint32_t seat)
{
	for (size_t i = 0; i < rp->nseats; i++)
		if (rp->seats[i].seat == seat)
			return &rp->seats[i];
	return NULL;
}

/* A keyboard, pointer or touch of a seat that has not that capability
 * here: inert. The seat's capabilities, which the app is told, make it
 * let go of it; it asks for a new one when the capability comes. */
static void mark_missing_devices(struct wlcr_client *c, struct collect *col)
{
	static const struct {
		const struct wlcr_interface *iface;
		uint32_t cap;
	} devices[] = {
		{ &wlcr_iface_wl_pointer, 1 },
		{ &wlcr_iface_wl_keyboard, 2 },
		{ &wlcr_iface_wl_touch, 4 },
	};
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_object *o = col->objs[i];
		for (size_t k = 0; k < sizeof(devices) / sizeof(devices[0]); k++) {
			if (o->iface != devices[k].iface || !replayable(o))
				continue;
			const struct wlcr_object *seat = wlcr_journal_creator(&c->journal, o);
			const struct seat_caps *sc = seat ? caps_of(c->replay, seat->id) : NULL;
			if (sc && !(sc->caps & devices[k].cap)) {
				o->gone = true;
				wlcr_info("client %u: %s@%u: the seat has none here: inert",
					  c->index, o->iface->name, o->id);
			}
		}
	}
}

static int phase_objects(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	struct collect col;
	if (collect(c, &col) < 0)
		return -ENOMEM;
	mark_missing_devices(c, &col);
	mark_gone(c, &col); /* and what hangs off them */
	for (size_t i = 0; i < col.n; i++) {
		/* no data-control here: the app's selection ends, as for
		 * wl_data_device */
		struct wlcr_object *o = col.objs[i];
		if (o->iface == &wlcr_iface_zwlr_data_control_source_v1 && o->source_in_use &&
		    !o->zombie && !replayable(o)) {
			SEND_DOWN(c, o->id, WLCR_EVT_zwlr_data_control_source_v1_cancelled, "");
			o->source_in_use = false;
		}
	}
	uint8_t *done = calloc(c->journal.map.client_len + 1, 1);
	if (!done) {
		free(col.objs);
		return -ENOMEM;
	}
	done[1] = 1;
	for (size_t i = 0; i < col.n; i++) {
		struct wlcr_object *o = col.objs[i];
		if ((o->iface == &wlcr_iface_wl_registry && o->id < rp->next_id) ||
		    (o->iface == &wlcr_iface_wl_seat && caps_of(rp, o->id)))
			done[o->id] = 1;
	}
	int ret = 0;
	bool progress = true;
	/* dependency order, not id order: ids are reused */
	while (progress && ret == 0) {
		progress = false;
		for (size_t i = 0; i < col.n && ret == 0; i++) {
			struct wlcr_object *o = col.objs[i];
			if (o->id >= WLCR_SERVER_ID_MIN || done[o->id] || !replayable(o) ||
			    made_with_content(o) || !deps_ready(c, o, done))
				continue;
			ret = create(c, o);
			done[o->id] = 1;
			progress = true;
		}
	}
	/* the stand-in pools have served */
	for (size_t i = 0; i < col.n && ret == 0; i++) {
		struct wlcr_pool *p = col.objs[i]->pool;
		if (p && p->temp_id) {
			ret = destroy_temp(c, p->temp_id, WLCR_REQ_wl_shm_pool_destroy);
			p->temp_id = 0;
		}
	}
	for (size_t i = 0; i < col.n && ret == 0; i++) {
		struct wlcr_object *o = col.objs[i];
		if (o->id >= WLCR_SERVER_ID_MIN || !replayable(o) || made_with_content(o))
			continue;
		if (!done[o->id]) {
			fail(c, "%s@%u: what it was made from is gone", o->iface->name, o->id);
			ret = -EINVAL;
			break;
		}
		for (uint16_t s = 0; o->setters && s < o->iface->nrequests && ret == 0; s++)
			if (o->setters[s] && !skip_setter(c, o, s))
				ret = send_setter(c, o, o->setters[s]);
	}
	/* xdg and layer roles: a first commit without a buffer asks for a
	 * configure (their setters, sent above, go with it) */
	for (size_t i = 0; i < col.n && ret == 0; i++) {
		struct wlcr_object *o = col.objs[i];
		if (configured_role(o) && replayable(o) && o->role_surface) {
			ret = SEND(c, o->role_surface, WLCR_REQ_wl_surface_commit, "");
			o->last_configure_serial = 0;
			rp->configures_pending++;
		}
	}
	free(done);
	free(col.objs);
	return ret < 0 ? ret : barrier(c);
}

/* ---- phase 4: content ----------------------------------------------------------- */

static unsigned depth(struct wlcr_client *c, const struct wlcr_object *o)
{
	unsigned d = 0;
	while (o && o->surface && o->surface->subsurface && d < 64) {
		o = wlcr_journal_get(&c->journal, o->surface->parent);
		d++;
	}
	return d;
}

static int region(struct wlcr_client *c, uint32_t compositor, uint32_t surface, uint16_t opcode,
		  pixman_region32_t *r)
{
	uint32_t id;
	int ret = temp_region_of(c, compositor, r, &id);
	if (ret == 0)
		ret = SEND(c, surface, opcode, "o", id);
	if (ret == 0)
		ret = destroy_temp(c, id, WLCR_REQ_wl_region_destroy);
	return ret;
}

/* One commit of surface state. full: the committed state, whole (what is
 * at its default is not sent); otherwise a synchronized subsurface's
 * commit its parent had not applied yet: only what it changed, which the
 * new compositor holds for the parent's commit (children come first). */
static int state_content(struct wlcr_client *c, struct wlcr_object *o,
			 struct wlcr_surface_state *st, uint32_t compositor, bool full)
{
	const struct wlcr_surface_state *base = &o->surface->committed;
	int ret = 0;
	if ((full ? st->opaque_set : st->opaque_changed) && compositor)
		ret = st->opaque_set
			      ? region(c, compositor, o->id, WLCR_REQ_wl_surface_set_opaque_region,
				       &st->opaque)
			      : SEND(c, o->id, WLCR_REQ_wl_surface_set_opaque_region, "o", 0u);
	if (ret == 0 && (full ? st->input_set : st->input_changed) && compositor)
		ret = st->input_set ? region(c, compositor, o->id,
					     WLCR_REQ_wl_surface_set_input_region, &st->input)
				    : SEND(c, o->id, WLCR_REQ_wl_surface_set_input_region, "o", 0u);
	if (ret == 0 && (full ? st->scale != 1 : st->scale != base->scale))
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_set_buffer_scale, "i",
			   (uint32_t)st->scale);
	if (ret == 0 && (full ? st->transform != 0 : st->transform != base->transform))
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_set_buffer_transform, "i",
			   (uint32_t)st->transform);
	if (ret == 0 && st->offset_set && o->version >= 5)
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_offset, "ii", (uint32_t)st->offset_x,
			   (uint32_t)st->offset_y);
	/* callbacks the compositor had not fired: the new one fires them */
	for (uint32_t i = 0; i < st->nframes && ret == 0; i++)
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_frame, "n", st->frames[i]);
	struct wlcr_object *buf =
		st->attached && st->buffer ? wlcr_journal_get(&c->journal, st->buffer) : NULL;
	/* a null attach matters in a cached commit (it unmaps), not in the
	 * first one */
	bool live = buf && !buf->zombie;
	if (ret == 0 && st->attached && (live || (!full && !st->buffer))) {
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_attach, "oii", st->buffer,
			   (uint32_t)st->dx, (uint32_t)st->dy);
		if (ret == 0)
			ret = SEND(c, o->id, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u,
				   (uint32_t)INT32_MAX, (uint32_t)INT32_MAX);
	} else if (ret == 0 && !full && st->damaged) {
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_damage, "iiii", 0u, 0u,
			   (uint32_t)INT32_MAX, (uint32_t)INT32_MAX);
	}
	return ret == 0 ? SEND(c, o->id, WLCR_REQ_wl_surface_commit, "") : ret;
}

struct feedbacks {
	struct wlcr_client *c;
	uint32_t surface;
	int ret;
};

static void feedback_one(struct wlcr_object *o, void *data)
{
	struct feedbacks *f = data;
	if (f->ret || o->iface != &wlcr_iface_wp_presentation_feedback || !replayable(o) ||
	    o->ctor->size < 16)
		return;
	/* wp_presentation.feedback(surface, id) */
	if (wlcr_wire_word(o->ctor->bytes + 8) == f->surface)
		f->ret = create(f->c, o);
}

/* Feedback the old compositor never answered belongs to the content the
 * app last committed: asked again for the commit that shows it here. */
static int feedbacks_for(struct wlcr_client *c, const struct wlcr_object *surface)
{
	struct feedbacks f = { c, surface->id, 0 };
	wlcr_objmap_for_each(&c->journal.map, feedback_one, &f);
	return f.ret;
}

static int surface_content(struct wlcr_client *c, struct wlcr_object *o, uint32_t compositor)
{
	bool cached = o->surface->has_cached;
	int ret = cached ? state_content(c, o, &o->surface->committed, compositor, true) : 0;
	if (ret == 0)
		ret = feedbacks_for(c, o);
	if (ret == 0)
		ret = cached ? state_content(c, o, &o->surface->cached, compositor, false)
			     : state_content(c, o, &o->surface->committed, compositor, true);
	/* and those the app asked for since its last commit */
	for (uint32_t i = 0; i < o->surface->pending.nframes && ret == 0; i++)
		ret = SEND(c, o->id, WLCR_REQ_wl_surface_frame, "n", o->surface->pending.frames[i]);
	return ret;
}

static int phase_content(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	struct collect col;
	if (collect(c, &col) < 0)
		return -ENOMEM;
	int ret = 0;
	uint32_t compositor = 0;
	for (size_t i = 0; i < col.n; i++) {
		struct wlcr_object *o = col.objs[i];
		if (!compositor && o->iface == &wlcr_iface_wl_compositor && replayable(o))
			compositor = o->id;
		/* the configure of phase 3's commit: acked here, and the app's
		 * own ack of it later is swallowed */
		if (configured_role(o) && replayable(o) && o->last_configure_serial && ret == 0)
			ret = SEND(c, o->id,
				   o->iface == &wlcr_iface_xdg_surface
					   ? WLCR_REQ_xdg_surface_ack_configure
					   : WLCR_REQ_zwlr_layer_surface_v1_ack_configure,
				   "u", o->last_configure_serial);
	}
	/* children before parents: a synchronized child's commit waits for
	 * its parent's */
	for (unsigned d = 64; ret == 0; d--) {
		for (size_t i = 0; i < col.n && ret == 0; i++) {
			struct wlcr_object *o = col.objs[i];
			if (o->surface && replayable(o) && depth(c, o) == d)
				ret = surface_content(c, o, compositor);
		}
		if (d == 0)
			break;
	}
	/* wl_display.sync callbacks the app waits for */
	for (size_t i = 0; i < col.n && ret == 0; i++) {
		struct wlcr_object *o = col.objs[i];
		if (o->iface == &wlcr_iface_wl_callback && replayable(o) && o->creator == 1)
			ret = SEND(c, 1, WLCR_REQ_wl_display_sync, "n", o->id);
	}
	free(col.objs);
	(void)rp;
	return ret < 0 ? ret : barrier(c);
}

/* ---- done --------------------------------------------------------------------- */

static bool attached_somewhere(struct collect *col, uint32_t buffer)
{
	for (size_t i = 0; i < col->n; i++)
		if (col->objs[i]->surface && col->objs[i]->surface->committed.attached &&
		    col->objs[i]->surface->committed.buffer == buffer)
			return true;
	return false;
}

static void to_registries(struct wlcr_client *c, struct collect *col, uint16_t opcode,
			  const struct wlcr_name *n)
{
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_object *r = col->objs[i];
		if (r->iface != &wlcr_iface_wl_registry || r->zombie)
			continue;
		if (opcode == WLCR_EVT_wl_registry_global)
			SEND_DOWN(c, r->id, opcode, "usu", n->name, n->interface, n->version);
		else
			SEND_DOWN(c, r->id, opcode, "u", n->name);
	}
}

/* An output of the app's that this compositor does not have: its
 * surfaces leave it (the app then releases the wl_output, which the proxy
 * absorbs). */
static void output_vanished(struct wlcr_client *c, struct collect *col, struct wlcr_object *out)
{
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_object *s = col->objs[i];
		if (!s->surface || s->zombie)
			continue;
		for (uint32_t k = 0; k < s->surface->noutputs; k++)
			if (s->surface->outputs[k] == out->id) {
				SEND_DOWN(c, s->id, WLCR_EVT_wl_surface_leave, "o", out->id);
				break;
			}
	}
}

/* What differs between the globals the app knows and this compositor's:
 * names that stand for nothing here any more are removed (an output or a
 * protocol the app did not bind; one it bound is emulated, unless an
 * output), and globals here the app has not met (outputs and seats none
 * of the app's became, interfaces it never saw: a seat and xdg-decoration
 * after starting on headless weston) are announced under new names, as a
 * compositor announces a hotplugged one. */
static int tell_global_changes(struct wlcr_client *c, struct collect *col)
{
	struct wlcr_names *names = &c->journal.names;
	bool *bound = calloc(names->n + 1, sizeof(*bound));
	if (!bound)
		return -ENOMEM;
	for (size_t i = 0; i < col->n; i++) {
		struct wlcr_name *n = bound_name(c, col->objs[i]);
		if (n && !col->objs[i]->zombie && col->objs[i]->iface != &wlcr_iface_wl_output)
			bound[n - names->v] = true;
	}
	for (size_t i = 0; i < names->n; i++) {
		struct wlcr_name *n = &names->v[i];
		if (n->upstream || n->removed || bound[i])
			continue;
		to_registries(c, col, WLCR_EVT_wl_registry_global_remove, n);
		n->removed = true;
	}
	free(bound);
	const struct wlcr_registry *reg = &c->upstream->registry;
	for (size_t g = 0; g < reg->nglobals; g++) {
		const struct wlcr_global *gl = &reg->globals[g];
		if (!present_global(c, gl->upstream_name) ||
		    wlcr_names_by_upstream(names, gl->upstream_name))
			continue;
		struct wlcr_name *n =
			wlcr_names_add(names, 0, gl->interface, gl->version, gl->upstream_name);
		if (!n)
			return -ENOMEM;
		to_registries(c, col, WLCR_EVT_wl_registry_global, n);
	}
	return 0;
}

/* The replay acked the new compositor's configure itself; a toplevel whose
 * state differs from what the app knew gets it now, with a serial of the
 * app's own whose ack the proxy drops (the compositor has its ack). */
static void tell_toplevel_state(struct wlcr_client *c, struct wlcr_object *tl)
{
	const struct wlcr_msgcopy *conf =
		tl->events ? tl->events[WLCR_EVT_xdg_toplevel_configure] : NULL;
	if (!conf || !took_change(c->replay, tl->id))
		return;
	/* a copy: journaling what is sent replaces conf */
	uint8_t bytes[WLCR_MAX_MESSAGE];
	memcpy(bytes, conf->bytes, conf->size);
	send_down(c, bytes, conf->size);
	SEND_DOWN(c, tl->creator, WLCR_EVT_xdg_surface_configure, "u", wlcr_client_fresh_serial(c));
}

/* The same for a layer surface: a size the app did not know. */
static void tell_layer_state(struct wlcr_client *c, struct wlcr_object *ls)
{
	const struct wlcr_msgcopy *conf =
		ls->events ? ls->events[WLCR_EVT_zwlr_layer_surface_v1_configure] : NULL;
	if (!conf || conf->size != 20 || !took_change(c->replay, ls->id))
		return;
	SEND_DOWN(c, ls->id, WLCR_EVT_zwlr_layer_surface_v1_configure, "uuu",
		  wlcr_client_fresh_serial(c), wlcr_wire_word(conf->bytes + 12),
		  wlcr_wire_word(conf->bytes + 16));
}

void wlcr_replay_answer_inert(struct wlcr_client *c, struct wlcr_object *o, bool made_now)
{
	const struct wlcr_interface *it = o->iface;
	if (it == &wlcr_iface_zxdg_toplevel_decoration_v1) {
		/* no server-side decorations here: the app draws its own */
		SEND_DOWN(c, o->id, WLCR_EVT_zxdg_toplevel_decoration_v1_configure, "u", 1u);
	} else if (it == &wlcr_iface_org_kde_kwin_server_decoration) {
		/* mode client, as KDE's protocol says it */
		SEND_DOWN(c, o->id, WLCR_EVT_org_kde_kwin_server_decoration_mode, "u", 1u);
	} else if (it == &wlcr_iface_zxdg_imported_v1 || it == &wlcr_iface_zxdg_imported_v2) {
		/* what a compositor answers a handle it does not know */
		SEND_DOWN(c, o->id, 0, "");
		o->defunct = true;
	} else if (it == &wlcr_iface_xdg_popup && made_now) {
		/* a popup of a popup the restore closed */
		SEND_DOWN(c, o->id, WLCR_EVT_xdg_popup_popup_done, "");
	} else if (it == &wlcr_iface_zwlr_layer_surface_v1 && made_now) {
		/* made here, where no layer shell shows it: the protocol's
		 * own end, which the app may answer by making another. One
		 * made before waits unshown for a compositor that shows it:
		 * closed would end it for good (swaybg lets go of the output) */
		SEND_DOWN(c, o->id, WLCR_EVT_zwlr_layer_surface_v1_closed, "");
		o->defunct = true;
	}
}

static void phase_done(struct wlcr_client *c)
{
	struct collect col;
	if (collect(c, &col) < 0) {
		fail(c, "out of memory");
		return;
	}
	for (size_t i = 0; i < col.n; i++) {
		struct wlcr_object *o = col.objs[i];
		if (o->zombie) {
			continue;
		} else if (o->iface == &wlcr_iface_xdg_popup && o->gone) {
			SEND_DOWN(c, o->id, WLCR_EVT_xdg_popup_popup_done, "");
		} else if (o->iface == &wlcr_iface_wl_output && o->gone) {
			output_vanished(c, &col, o);
		} else if (o->iface == &wlcr_iface_wl_seat && o->gone) {
			/* an emulated seat: one without keyboard or pointer */
			SEND_DOWN(c, o->id, WLCR_EVT_wl_seat_capabilities, "u", 0u);
		} else if (o->gone && !o->server_created && !o->defunct) {
			wlcr_replay_answer_inert(c, o, false);
		} else if (o->iface == &wlcr_iface_wl_buffer && o->buffer_held &&
			   !attached_somewhere(&col, o->id)) {
			/* the new compositor never had it */
			SEND_DOWN(c, o->id, WLCR_EVT_wl_buffer_release, "");
			o->buffer_held = false;
		}
	}
	if (tell_global_changes(c, &col) < 0) {
		free(col.objs);
		fail(c, "out of memory");
		return;
	}
	for (size_t i = 0; i < col.n; i++)
		if (col.objs[i]->iface == &wlcr_iface_xdg_toplevel && !col.objs[i]->gone)
			tell_toplevel_state(c, col.objs[i]);
		else if (col.objs[i]->iface == &wlcr_iface_zwlr_layer_surface_v1 &&
			 !col.objs[i]->gone)
			tell_layer_state(c, col.objs[i]);
	/* last: journaling a delete_id frees the zombie, which col still
	 * points to */
	for (size_t i = 0; i < col.n; i++)
		if (col.objs[i]->zombie && col.objs[i]->id < WLCR_SERVER_ID_MIN)
			/* the app waits for it; the old compositor had sent it
			 * or was about to */
			SEND_DOWN(c, 1, WLCR_EVT_wl_display_delete_id, "u", col.objs[i]->id);
	free(col.objs);
	wlcr_info("client %u: replay done", c->index);
	c->replayed = true;
	finish(c, NULL);
}

static void advance(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	int ret = 0;
	rp->barrier_passed = false;
	rp->phase++;
	switch (rp->phase) {
	case PHASE_REGISTRY:
		ret = phase_registry(c);
		break;
	case PHASE_SEATS:
		ret = phase_seats(c);
		break;
	case PHASE_OBJECTS:
		ret = phase_objects(c);
		break;
	case PHASE_CONTENT:
		ret = phase_content(c);
		break;
	default:
		phase_done(c);
		return;
	}
	if (ret < 0 && rp->running)
		fail(c, "cannot queue the replay's requests: %s", strerror(-ret));
}

int wlcr_replay_start(struct wlcr_client *c, const struct wlcr_replay_params *p, char *err,
		      size_t errlen)
{
	if (c->replay && c->replay->running) {
		snprintf(err, errlen, "client %u: a replay is under way already", c->index);
		return -EBUSY;
	}
	struct wlcr_serials *serials = calloc(1, sizeof(*serials));
	struct wlcr_replay *rp = calloc(1, sizeof(*rp));
	int *fds = malloc((p->npools ? p->npools : 1) * sizeof(int));
	if (!serials || !rp || !fds) {
		free(serials);
		free(rp);
		free(fds);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	size_t n = 0;
	for (; n < p->npools; n++)
		if ((fds[n] = fcntl(p->pool_fds[n], F_DUPFD_CLOEXEC, 3)) < 0)
			break;
	if (n < p->npools) {
		snprintf(err, errlen, "cannot keep the shm pools' fds: %s", strerror(errno));
		while (n--)
			close(fds[n]);
		free(serials);
		free(rp);
		free(fds);
		return -EMFILE;
	}
	wlcr_replay_free(c);
	c->replay = rp;
	rp->pool_fds = fds;
	rp->npools = p->npools;
	rp->end = p->end;
	rp->next_id = c->journal.map.client_len > 1 ? c->journal.map.client_len : 2;
	c->time_offset_ms = p->time_offset_ms;
	/* the app keeps one serial space, above every serial it saw; server
	 * ids the old compositor gave it stay the app's (inert), and the new
	 * compositor's are paired anew */
	free(c->serials);
	c->serials = serials;
	free(c->id_pairs);
	c->id_pairs = NULL;
	c->nid_pairs = 0;
	end_old_compositor(c);
	clock_gettime(CLOCK_MONOTONIC, &c->replay_began);
	c->first_frame_pending = true;
	rp->running = true;
	rp->phase = PHASE_IDS;
	if (phase_ids(c) < 0) {
		snprintf(err, errlen, "out of memory");
		rp->running = false;
		return -ENOMEM;
	}
	wlcr_info("client %u: replay of %u objects started on %s (%zu shm pools handed over, "
		  "clock offset %lld ms)",
		  c->index, c->journal.nlive, c->upstream->path, p->npools,
		  (long long)c->time_offset_ms);
	return 0;
}

/* ---- events and requests while and after replaying ------------------------------ */

static bool same_as_known(struct wlcr_client *c, const struct wlcr_wire_msg *m,
			  const uint8_t *bytes)
{
	struct wlcr_object *o = wlcr_journal_get(&c->journal, m->sender);
	if (!o || !o->events || m->opcode >= o->iface->nevents || !o->events[m->opcode])
		return false;
	const struct wlcr_msgcopy *k = o->events[m->opcode];
	return k->size == m->size && memcmp(k->bytes, bytes, m->size) == 0;
}

bool wlcr_replay_consumes(struct wlcr_client *c, uint32_t sender, uint16_t opcode,
			  const uint8_t *bytes, uint16_t size)
{
	struct wlcr_replay *rp = c->replay;
	if (!rp || !rp->running)
		return false;
	if (sender == 1 && opcode == WLCR_EVT_wl_display_delete_id && size == 12) {
		/* the client ate the replay's own (helper/client.h) */
		uint32_t id = wlcr_wire_word(bytes + 8);
		return (rp->phase == PHASE_IDS && id > 1 && id < rp->next_id) || is_temp(rp, id);
	}
	if (sender == rp->barrier && opcode == WLCR_EVT_wl_callback_done) {
		rp->barrier_passed = true;
		if (!rp->configures_pending)
			advance(c);
		return true;
	}
	if (rp->phase == PHASE_IDS && rp->ids_last && sender == rp->ids_last &&
	    opcode == WLCR_EVT_wl_callback_done) {
		/* the batch is through: the next one */
		if (ids_batch(c) < 0)
			fail(c, "cannot queue the replay's requests: %s", strerror(ENOMEM));
		return true;
	}
	/* the callbacks of phase 1 and the barriers, the temporary regions:
	 * the same ids as the app's objects, so decided before parsing */
	return (rp->phase == PHASE_IDS && sender > 1 && sender < rp->next_id) ||
	       is_temp(rp, sender);
}

/* Output state comes as events closed by a done: a scale that changed
 * must reach the app with its done, an unchanged batch not at all. */
static void note_change(struct wlcr_replay *rp, uint32_t id)
{
	for (size_t i = 0; i < rp->nchanged; i++)
		if (rp->changed[i] == id)
			return;
	uint32_t *n = realloc(rp->changed, (rp->nchanged + 1) * sizeof(*n));
	if (n) {
		rp->changed = n;
		n[rp->nchanged++] = id;
	}
}

static bool took_change(struct wlcr_replay *rp, uint32_t id)
{
	for (size_t i = 0; i < rp->nchanged; i++)
		if (rp->changed[i] == id) {
			rp->changed[i] = rp->changed[--rp->nchanged];
			return true;
		}
	return false;
}

/* A layer surface's configure(serial, width, height) gives the size the
 * app knows (the serial is not compared). */
static bool same_layer_size(const struct wlcr_object *o, const struct wlcr_wire_msg *m)
{
	const struct wlcr_msgcopy *k =
		o->events ? o->events[WLCR_EVT_zwlr_layer_surface_v1_configure] : NULL;
	return k && k->size == 20 && m->size == 20 &&
	       wlcr_wire_word(k->bytes + 12) == m->args[1].u &&
	       wlcr_wire_word(k->bytes + 16) == m->args[2].u;
}

/* String argument arg of the last event opcode the app was told, or NULL. */
static const char *known_string(const struct wlcr_object *o, uint16_t opcode, unsigned arg)
{
	static uint8_t copy[WLCR_MAX_MESSAGE];
	const struct wlcr_msgcopy *k =
		o->events && opcode < o->iface->nevents ? o->events[opcode] : NULL;
	struct wlcr_wire_msg m;
	char err[64];
	if (!k || k->size > sizeof(copy))
		return NULL;
	memcpy(copy, k->bytes, k->size);
	if (wlcr_wire_parse(copy, k->size, &o->iface->events[opcode], &m, err, sizeof(err)) < 0)
		return NULL;
	return m.args[arg].str;
}

/* Events a protocol sends once per object, whose value never changes
 * after (an output's name; an xdg_output's description below version 3):
 * one the app already has is not sent again, even if the new compositor's
 * differs (Qt 6 warns of "name received after output has been initialized"
 * as a compositor bug). */
static bool once_per_object(const struct wlcr_object *o, const struct wlcr_wire_msg *m)
{
	const struct wlcr_interface *it = o ? o->iface : NULL;
	bool once = (it == &wlcr_iface_wl_output && m->opcode == WLCR_EVT_wl_output_name) ||
		    (it == &wlcr_iface_zxdg_output_v1 &&
		     (m->opcode == WLCR_EVT_zxdg_output_v1_name ||
		      (m->opcode == WLCR_EVT_zxdg_output_v1_description && o->version < 3)));
	return once && o->events && o->events[m->opcode];
}

enum wlcr_replay_verdict wlcr_replay_event(struct wlcr_client *c, const struct wlcr_wire_msg *m,
					   const uint8_t *bytes)
{
	struct wlcr_replay *rp = c->replay;
	if (!rp || !rp->running)
		return WLCR_REPLAY_FORWARD;
	if (m->sender == 1 && m->opcode == WLCR_EVT_wl_display_error) {
		fail(c, "the compositor refused the replay: object %u, code %u: %s", m->args[0].u,
		     m->args[1].u, m->args[2].str ? m->args[2].str : "");
		return WLCR_REPLAY_CONSUME;
	}
	struct wlcr_object *o = wlcr_journal_get(&c->journal, m->sender);
	const struct wlcr_interface *it = o ? o->iface : NULL;
	if (it == &wlcr_iface_xdg_wm_base && m->opcode == WLCR_EVT_xdg_wm_base_ping) {
		SEND(c, m->sender, WLCR_REQ_xdg_wm_base_pong, "u", m->args[0].u);
		return WLCR_REPLAY_CONSUME;
	}
	if (it == &wlcr_iface_xdg_surface && m->opcode == WLCR_EVT_xdg_surface_configure &&
	    rp->phase == PHASE_OBJECTS && !o->last_configure_serial) {
		/* the configure phase 4 acks: journaled before it runs */
		o->last_configure_serial = m->args[0].u;
		if (--rp->configures_pending == 0 && rp->barrier_passed)
			advance(c);
		return c->dead ? WLCR_REPLAY_CONSUME : WLCR_REPLAY_SWALLOW;
	}
	if (it == &wlcr_iface_wl_seat && m->opcode == WLCR_EVT_wl_seat_capabilities &&
	    rp->phase == PHASE_SEATS) {
		struct seat_caps *sc = (struct seat_caps *)caps_of(rp, m->sender);
		if (sc)
			sc->caps = m->args[0].u;
	}
	if (it == &wlcr_iface_wl_registry && rp->phase == PHASE_REGISTRY) {
		/* this compositor's globals: the app's names are pointed at
		 * them in the next phase (helper/names.h), and what is new to
		 * the app is announced at the end */
		if (m->opcode == WLCR_EVT_wl_registry_global &&
		    wlcr_registry_from_upstream(&c->upstream->registry, m->args[0].u,
						m->args[1].str, m->args[2].u) &&
		    !is_present(rp, m->args[0].u)) {
			uint32_t *p = realloc(rp->present, (rp->npresent + 1) * sizeof(*p));
			if (p) {
				rp->present = p;
				p[rp->npresent++] = m->args[0].u;
			}
		}
		return WLCR_REPLAY_CONSUME;
	}
	/* a toplevel state the app did not know (activated again, another
	 * size): told once the replay is done */
	if (it == &wlcr_iface_xdg_toplevel && m->opcode == WLCR_EVT_xdg_toplevel_configure &&
	    o->events && o->events[m->opcode] && !same_as_known(c, m, bytes))
		note_change(rp, m->sender);
	if (it == &wlcr_iface_zwlr_layer_surface_v1 &&
	    m->opcode == WLCR_EVT_zwlr_layer_surface_v1_configure) {
		/* as an xdg_surface's: the first is the one phase 4 acks; a
		 * size the app did not know is told once the replay is done,
		 * with a serial of its own (the compositor has its ack) */
		if (!same_layer_size(o, m))
			note_change(rp, m->sender);
		if (rp->phase == PHASE_OBJECTS && !o->last_configure_serial) {
			o->last_configure_serial = m->args[0].u;
			if (--rp->configures_pending == 0 && rp->barrier_passed)
				advance(c);
		}
		return c->dead ? WLCR_REPLAY_CONSUME : WLCR_REPLAY_SWALLOW;
	}
	if ((it == &wlcr_iface_zxdg_exported_v1 && m->opcode == WLCR_EVT_zxdg_exported_v1_handle) ||
	    (it == &wlcr_iface_zxdg_exported_v2 && m->opcode == WLCR_EVT_zxdg_exported_v2_handle)) {
		/* the app keeps the handle it has handed out; imports of it
		 * through this proxy reach the new one (helper/foreign.h) */
		const char *known = known_string(o, m->opcode, 0);
		if (known && m->args[0].str) {
			if (wlcr_foreign_set(c->proxy, known, m->args[0].str) < 0)
				wlcr_warn("client %u: out of memory for xdg-foreign handle %s",
					  c->index, known);
			wlcr_info("client %u: %s@%u: the exported surface's handle %s is %s on "
				  "this compositor",
				  c->index, it->name, m->sender, known, m->args[0].str);
			return WLCR_REPLAY_CONSUME;
		}
	}
	if (once_per_object(o, m))
		/* the app keeps the one it was given; so does the journal,
		 * for what the next replay compares */
		return WLCR_REPLAY_CONSUME;
	if (it == &wlcr_iface_wl_registry)
		return WLCR_REPLAY_FORWARD; /* a global hotplugged meanwhile */
	if (it == &wlcr_iface_xdg_surface || it == &wlcr_iface_xdg_toplevel ||
	    it == &wlcr_iface_xdg_popup)
		return WLCR_REPLAY_SWALLOW;
	if (m->msg->nargs == 0 && strcmp(m->msg->name, "done") == 0)
		return took_change(rp, m->sender) ? WLCR_REPLAY_FORWARD : WLCR_REPLAY_SWALLOW;
	if (same_as_known(c, m, bytes))
		return WLCR_REPLAY_SWALLOW;
	note_change(rp, m->sender);
	return WLCR_REPLAY_FORWARD;
}

void wlcr_replay_cancel(struct wlcr_client *c, const char *why)
{
	if (c->replay && c->replay->running)
		fail(c, "%s", why);
}

void wlcr_replay_free(struct wlcr_client *c)
{
	struct wlcr_replay *rp = c->replay;
	if (!rp)
		return;
	for (size_t i = 0; i < rp->npools; i++)
		if (rp->pool_fds[i] >= 0)
			close(rp->pool_fds[i]);
	free(rp->pool_fds);
	free(rp->changed);
	free(rp->present);
	free(rp->seats);
	free(rp);
	c->replay = NULL;
}
