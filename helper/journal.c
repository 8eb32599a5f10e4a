#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "protocols.h"

/* What the journal does with a request that is neither constructor nor
 * destructor. The default is SETTER: keep the last value per opcode, which
 * bounds the journal by (live objects x opcodes). */
enum policy {
	P_SETTER = 0,
	/* actions and one-shot requests: nothing to restore, and never hold
	 * their fds (a held data-offer pipe would keep the peer waiting) */
	P_IGNORE,
	P_SURFACE,
	P_REGION,
	/* a new region for an object that took one at creation (a pointer
	 * constraint's set_region): the replay gives it to the constructor */
	P_REGION_ARG,
	/* requests that add up (a source's offers): kept in order, all */
	P_LIST,
};

struct policy_entry {
	const char *iface, *msg;
	enum policy policy;
	/* requests that undo each other share one slot (set/unset_maximized) */
	const char *slot_of;
};

static const struct policy_entry policy_table[] = {
	{ "wl_surface", "attach", P_SURFACE, NULL },
	{ "wl_surface", "damage", P_SURFACE, NULL },
	{ "wl_surface", "damage_buffer", P_SURFACE, NULL },
	{ "wl_surface", "frame", P_SURFACE, NULL },
	{ "wl_surface", "set_opaque_region", P_SURFACE, NULL },
	{ "wl_surface", "set_input_region", P_SURFACE, NULL },
	{ "wl_surface", "commit", P_SURFACE, NULL },
	{ "wl_surface", "set_buffer_transform", P_SURFACE, NULL },
	{ "wl_surface", "set_buffer_scale", P_SURFACE, NULL },
	{ "wl_surface", "offset", P_SURFACE, NULL },
	{ "wl_region", "add", P_REGION, NULL },
	{ "wl_region", "subtract", P_REGION, NULL },
	{ "xdg_wm_base", "pong", P_IGNORE, NULL },
	{ "xdg_toplevel", "move", P_IGNORE, NULL },
	{ "xdg_toplevel", "resize", P_IGNORE, NULL },
	{ "xdg_toplevel", "show_window_menu", P_IGNORE, NULL },
	{ "xdg_toplevel", "set_minimized", P_IGNORE, NULL },
	{ "xdg_toplevel", "unset_maximized", P_SETTER, "set_maximized" },
	{ "xdg_toplevel", "unset_fullscreen", P_SETTER, "set_fullscreen" },
	{ "xdg_popup", "grab", P_IGNORE, NULL },
	{ "xdg_popup", "reposition", P_IGNORE, NULL },
	{ "wl_subsurface", "place_below", P_SETTER, "place_above" },
	{ "wl_subsurface", "set_desync", P_SETTER, "set_sync" },
	{ "wl_shell_surface", "pong", P_IGNORE, NULL },
	{ "wl_shell_surface", "move", P_IGNORE, NULL },
	{ "wl_shell_surface", "resize", P_IGNORE, NULL },
	{ "wl_data_offer", "accept", P_IGNORE, NULL },
	{ "wl_data_offer", "receive", P_IGNORE, NULL },
	{ "wl_data_offer", "finish", P_IGNORE, NULL },
	{ "wl_data_offer", "set_actions", P_IGNORE, NULL },
	{ "wl_data_source", "offer", P_IGNORE, NULL },
	{ "wl_data_source", "set_actions", P_IGNORE, NULL },
	{ "wl_data_device", "start_drag", P_IGNORE, NULL },
	{ "wl_data_device", "set_selection", P_IGNORE, NULL },
	{ "zwp_primary_selection_offer_v1", "receive", P_IGNORE, NULL },
	{ "zwp_primary_selection_source_v1", "offer", P_IGNORE, NULL },
	{ "zwp_primary_selection_device_v1", "set_selection", P_IGNORE, NULL },
	{ "xdg_activation_v1", "activate", P_IGNORE, NULL },
	/* a data-control source is set as the selection again by a replay
	 * (where the compositor has data-control), with every mime type */
	{ "zwlr_data_control_source_v1", "offer", P_LIST, NULL },
	{ "zxdg_toplevel_decoration_v1", "unset_mode", P_SETTER, "set_mode" },
	{ "zwp_locked_pointer_v1", "set_region", P_REGION_ARG, NULL },
	{ "zwp_confined_pointer_v1", "set_region", P_REGION_ARG, NULL },
	/* text input state belongs to one focus episode, which a restore ends
	 * (the app gets leave): the app enables it again on the next enter */
	{ "zwp_text_input_v3", "enable", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "disable", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "set_surrounding_text", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "set_text_change_cause", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "set_content_type", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "set_cursor_rectangle", P_IGNORE, NULL },
	{ "zwp_text_input_v3", "commit", P_IGNORE, NULL },
	/* its popup does not survive a restore (xdg popups never do) */
	{ "zwlr_layer_surface_v1", "get_popup", P_IGNORE, NULL },
	{ "zwp_tablet_tool_v2", "set_cursor", P_IGNORE, NULL },
	{ "zwp_tablet_pad_v2", "set_feedback", P_IGNORE, NULL },
	{ "zwp_tablet_pad_ring_v2", "set_feedback", P_IGNORE, NULL },
	{ "zwp_tablet_pad_strip_v2", "set_feedback", P_IGNORE, NULL },
};

/* per interface index: per request opcode, policy and slot */
struct req_policy {
	uint8_t policy;
	uint16_t slot;
};
static struct req_policy **policies;

static uint16_t find_request(const struct wlcr_interface *it, const char *name)
{
	for (uint16_t i = 0; i < it->nrequests; i++)
		if (strcmp(it->requests[i].name, name) == 0)
			return i;
	return UINT16_MAX;
}

static int policies_init(void)
{
	if (policies)
		return 0;
	struct req_policy **p = calloc(wlcr_interfaces_count, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < wlcr_interfaces_count; i++) {
		const struct wlcr_interface *it = wlcr_interfaces[i];
		p[i] = calloc(it->nrequests ? it->nrequests : 1, sizeof(**p));
		if (!p[i])
			return -ENOMEM; /* process-lifetime table: not freed */
		for (uint16_t op = 0; op < it->nrequests; op++) {
			p[i][op].slot = op;
			/* fds in a request that is not a constructor belong to
			 * an action (receive); never keep them */
			if (it->requests[op].nfds && it->requests[op].new_id_arg < 0)
				p[i][op].policy = P_IGNORE;
		}
	}
	for (size_t k = 0; k < sizeof(policy_table) / sizeof(policy_table[0]); k++) {
		const struct policy_entry *e = &policy_table[k];
		const struct wlcr_interface *it = wlcr_interface_find(e->iface);
		if (!it)
			continue;
		uint16_t op = find_request(it, e->msg);
		if (op == UINT16_MAX)
			continue;
		p[it->index][op].policy = (uint8_t)e->policy;
		if (e->slot_of) {
			uint16_t s = find_request(it, e->slot_of);
			if (s != UINT16_MAX)
				p[it->index][op].slot = s;
		}
	}
	policies = p;
	return 0;
}

/* An interface read from XML at start-up (helper/protoload.h) has the
 * defaults: setters, and requests with fds that make nothing ignored. */
static struct req_policy policy_of(const struct wlcr_interface *it, uint16_t op)
{
	if (it->index < wlcr_interfaces_count)
		return policies[it->index][op];
	bool action = it->requests[op].nfds && it->requests[op].new_id_arg < 0;
	return (struct req_policy){ action ? P_IGNORE : P_SETTER, op };
}

/* ---- allocation with accounting ------------------------------------------ */

static void *j_calloc(struct wlcr_journal *j, size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p)
		j->bytes += n * size;
	return p;
}

static void j_free(struct wlcr_journal *j, void *p, size_t size)
{
	if (!p)
		return;
	j->bytes -= size;
	free(p);
}

static void msgcopy_free(struct wlcr_journal *j, struct wlcr_msgcopy *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	j->nfds -= c->nfds;
	j_free(j, c, sizeof(*c) + c->size);
}

/* Replaces *slot with a copy of the message; reuses the old copy when the
 * size matches, which is the common case for setters sent every frame. */
static int msgcopy_set(struct wlcr_journal *j, struct wlcr_msgcopy **slot,
		       const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
		       bool keep_fds)
{
	struct wlcr_msgcopy *c = *slot;
	unsigned nfds = keep_fds ? m->nfds : 0;
	int dups[WLCR_WIRE_MAX_ARGS];

	for (unsigned i = 0; i < nfds; i++) {
		dups[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (dups[i] < 0) {
			while (i--)
				close(dups[i]);
			return -errno;
		}
	}
	if (!c || c->size != m->size) {
		msgcopy_free(j, c);
		*slot = NULL;
		c = j_calloc(j, 1, sizeof(*c) + m->size);
		if (!c) {
			for (unsigned i = 0; i < nfds; i++)
				close(dups[i]);
			return -ENOMEM;
		}
		*slot = c;
	} else {
		for (unsigned i = 0; i < c->nfds; i++)
			close(c->fds[i]);
		j->nfds -= c->nfds;
	}
	c->size = m->size;
	c->nfds = (uint8_t)nfds;
	j->nfds += nfds;
	memcpy(c->fds, dups, nfds * sizeof(int));
	memcpy(c->bytes, bytes, m->size);
	return 0;
}

/* Appends a copy of the message (no fds) to obj->list. */
static int list_add(struct wlcr_journal *j, struct wlcr_object *obj, const uint8_t *bytes,
		    size_t len)
{
	if (len > UINT16_MAX)
		return -EINVAL;
	if (obj->nlist == obj->cap_list) {
		uint32_t cap = obj->cap_list ? obj->cap_list * 2 : 4;
		struct wlcr_msgcopy **n = realloc(obj->list, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		j->bytes += (cap - obj->cap_list) * sizeof(*n);
		obj->list = n;
		obj->cap_list = cap;
	}
	struct wlcr_msgcopy *c = j_calloc(j, 1, sizeof(*c) + len);
	if (!c)
		return -ENOMEM;
	c->size = (uint16_t)len;
	memcpy(c->bytes, bytes, len);
	obj->list[obj->nlist++] = c;
	return 0;
}

int wlcr_journal_list_add(struct wlcr_journal *j, struct wlcr_object *obj, const uint8_t *bytes,
			  size_t len)
{
	return list_add(j, obj, bytes, len);
}

/* ---- regions ----------------------------------------------------------------- */

/* pixman's memory for a region's rectangles, counted in j->bytes like the
 * journal's own allocations, so that a client's bound covers regions too */
static size_t region_bytes(pixman_region32_t *r)
{
	return (size_t)pixman_region32_n_rects(r) * sizeof(pixman_box32_t);
}

/* j->bytes after a region that took before bytes changed */
static void region_account(struct wlcr_journal *j, pixman_region32_t *r, size_t before)
{
	j->bytes = j->bytes - before + region_bytes(r);
}

void wlcr_journal_region_set(struct wlcr_journal *j, pixman_region32_t *dst, pixman_region32_t *src)
{
	size_t before = region_bytes(dst);
	if (src)
		pixman_region32_copy(dst, src);
	else
		pixman_region32_clear(dst);
	region_account(j, dst, before);
}

/* ---- surfaces ------------------------------------------------------------- */

static void state_init(struct wlcr_surface_state *s)
{
	memset(s, 0, sizeof(*s));
	pixman_region32_init(&s->opaque);
	pixman_region32_init(&s->input);
	s->scale = 1;
}

static void state_finish(struct wlcr_journal *j, struct wlcr_surface_state *s)
{
	j->bytes -= region_bytes(&s->opaque) + region_bytes(&s->input);
	pixman_region32_fini(&s->opaque);
	pixman_region32_fini(&s->input);
	j_free(j, s->frames, s->cap_frames * sizeof(uint32_t));
	s->frames = NULL;
	s->nframes = s->cap_frames = 0;
}

static int frames_add(struct wlcr_journal *j, struct wlcr_surface_state *s, uint32_t id)
{
	if (s->nframes == s->cap_frames) {
		uint32_t cap = s->cap_frames ? s->cap_frames * 2 : 4;
		uint32_t *f = j_calloc(j, cap, sizeof(*f));
		if (!f)
			return -ENOMEM;
		if (s->nframes) /* memcpy from NULL is undefined even for 0 bytes */
			memcpy(f, s->frames, s->nframes * sizeof(*f));
		j_free(j, s->frames, s->cap_frames * sizeof(*f));
		s->frames = f;
		s->cap_frames = cap;
	}
	s->frames[s->nframes++] = id;
	return 0;
}

static void frames_remove(struct wlcr_surface_state *s, uint32_t id)
{
	for (uint32_t i = 0; i < s->nframes; i++) {
		if (s->frames[i] == id) {
			s->frames[i] = s->frames[--s->nframes];
			return;
		}
	}
}

static void surface_free(struct wlcr_journal *j, struct wlcr_surface *s)
{
	if (!s)
		return;
	state_finish(j, &s->pending);
	state_finish(j, &s->cached);
	state_finish(j, &s->committed);
	j_free(j, s->outputs, s->noutputs * sizeof(uint32_t));
	j_free(j, s->children, s->nchildren * sizeof(uint32_t));
	j_free(j, s, sizeof(*s));
}

/* Moves the changes in src into dst: a commit (pending -> committed or
 * cached) or a parent's commit (cached -> committed). */
static int state_apply(struct wlcr_journal *j, struct wlcr_surface_state *dst,
		       struct wlcr_surface_state *src, bool to_committed)
{
	if (src->attached) {
		dst->attached = true;
		dst->buffer = src->buffer;
		dst->dx = src->dx;
		dst->dy = src->dy;
		/* held until the compositor sends release */
		struct wlcr_object *buf = to_committed ? wlcr_journal_get(j, src->buffer) : NULL;
		if (buf)
			buf->buffer_held = true;
	}
	dst->damaged |= src->damaged;
	if (src->opaque_changed) {
		wlcr_journal_region_set(j, &dst->opaque, &src->opaque);
		dst->opaque_set = src->opaque_set;
		dst->opaque_changed = !to_committed;
	}
	if (src->input_changed) {
		wlcr_journal_region_set(j, &dst->input, &src->input);
		dst->input_set = src->input_set;
		dst->input_changed = !to_committed;
	}
	dst->scale = src->scale;
	dst->transform = src->transform;
	if (src->offset_set) {
		dst->offset_x = src->offset_x;
		dst->offset_y = src->offset_y;
		dst->offset_set = true;
	}
	for (uint32_t i = 0; i < src->nframes; i++)
		if (frames_add(j, dst, src->frames[i]) < 0)
			return -ENOMEM;
	/* what the protocol does not keep from one commit to the next */
	src->nframes = 0;
	src->attached = false;
	src->damaged = false;
	src->opaque_changed = src->input_changed = false;
	src->offset_set = false;
	return 0;
}

/* A subsurface is effectively synchronized when it or any ancestor is. */
static bool effectively_sync(struct wlcr_journal *j, const struct wlcr_surface *s)
{
	for (unsigned depth = 0; s && s->subsurface && depth < 64; depth++) {
		if (s->sync)
			return true;
		struct wlcr_object *p = wlcr_journal_get(j, s->parent);
		s = p ? p->surface : NULL;
	}
	return false;
}

/* The parent's state was applied: so is its synchronized children's cached
 * state, and theirs in turn. depth bounds a cycle a client could build. */
static int apply_children(struct wlcr_journal *j, struct wlcr_surface *s, unsigned depth)
{
	if (depth > 64)
		return 0;
	for (uint32_t i = 0; i < s->nchildren; i++) {
		struct wlcr_object *c = wlcr_journal_get(j, s->children[i]);
		if (!c || !c->surface || !c->surface->has_cached)
			continue;
		int ret = state_apply(j, &c->surface->committed, &c->surface->cached, true);
		c->surface->has_cached = false;
		if (ret == 0)
			ret = apply_children(j, c->surface, depth + 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int surface_commit(struct wlcr_journal *j, struct wlcr_object *obj)
{
	struct wlcr_surface *s = obj->surface;
	s->commits++;
	if (effectively_sync(j, s)) {
		s->has_cached = true;
		return state_apply(j, &s->cached, &s->pending, false);
	}
	int ret = 0;
	if (s->has_cached) {
		ret = state_apply(j, &s->committed, &s->cached, true);
		s->has_cached = false;
	}
	if (ret == 0)
		ret = state_apply(j, &s->committed, &s->pending, true);
	if (ret == 0)
		ret = apply_children(j, s, 0);
	return ret;
}

/* Sets of ids (a surface's subsurfaces, its outputs), kept in exact-size
 * arrays so that the accounting is exact and the sets stay small. */
static int ids_add(struct wlcr_journal *j, uint32_t **arr, uint32_t *n, uint32_t id)
{
	uint32_t *a = j_calloc(j, *n + 1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (*n)
		memcpy(a, *arr, *n * sizeof(*a));
	a[*n] = id;
	j_free(j, *arr, *n * sizeof(*a));
	*arr = a;
	(*n)++;
	return 0;
}

static int ids_remove(struct wlcr_journal *j, uint32_t **arr, uint32_t *n, uint32_t id)
{
	for (uint32_t i = 0; i < *n; i++) {
		if ((*arr)[i] != id)
			continue;
		uint32_t m = *n - 1;
		uint32_t *a = m ? j_calloc(j, m, sizeof(*a)) : NULL;
		if (m && !a)
			return -ENOMEM;
		for (uint32_t k = 0, o = 0; k < *n; k++)
			if (k != i)
				a[o++] = (*arr)[k];
		j_free(j, *arr, *n * sizeof(*a));
		*arr = a;
		*n = m;
		return 0;
	}
	return 0;
}

static bool ids_has(const uint32_t *arr, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (arr[i] == id)
			return true;
	return false;
}

/* The wl_subsurface role ends (its object destroyed, or its surface). */
static void subsurface_end(struct wlcr_journal *j, struct wlcr_surface *s, uint32_t surface_id)
{
	struct wlcr_object *p = wlcr_journal_get(j, s->parent);
	if (p && p->surface)
		ids_remove(j, &p->surface->children, &p->surface->nchildren, surface_id);
	s->subsurface = 0;
	s->parent = 0;
	s->has_cached = false;
}

static void region_drop(struct wlcr_journal *j, struct wlcr_object *obj)
{
	if (obj->region) {
		j->bytes -= region_bytes(obj->region);
		pixman_region32_fini(obj->region);
		j_free(j, obj->region, sizeof(*obj->region));
		obj->region = NULL;
	}
}

static int region_copy_from(struct wlcr_journal *j, pixman_region32_t *dst, bool *set,
			    uint32_t region_id)
{
	*set = true;
	if (region_id == 0) {
		/* null: opaque becomes empty, input becomes infinite; both
		 * are the protocol's initial state */
		wlcr_journal_region_set(j, dst, NULL);
		*set = false;
		return 0;
	}
	struct wlcr_object *r = wlcr_journal_get(j, region_id);
	if (!r || !r->region)
		return -EINVAL;
	wlcr_journal_region_set(j, dst, r->region);
	return 0;
}

static int surface_request(struct wlcr_journal *j, struct wlcr_object *obj,
			   const struct wlcr_wire_msg *m, char *err, size_t errlen)
{
	struct wlcr_surface_state *p = &obj->surface->pending;
	const struct wlcr_wire_arg *a = m->args;

	switch (m->opcode) {
	case WLCR_REQ_wl_surface_attach:
		p->attached = true;
		p->buffer = a[0].u;
		p->dx = (int32_t)a[1].u;
		p->dy = (int32_t)a[2].u;
		return 0;
	case WLCR_REQ_wl_surface_damage:
	case WLCR_REQ_wl_surface_damage_buffer:
		/* replay damages everything; the rectangles are history */
		p->damaged = true;
		return 0;
	case WLCR_REQ_wl_surface_frame: {
		struct wlcr_object *cb = wlcr_journal_get(j, a[0].u);
		if (cb)
			cb->frame_surface = obj->id;
		return frames_add(j, p, a[0].u);
	}
	case WLCR_REQ_wl_surface_set_opaque_region:
	case WLCR_REQ_wl_surface_set_input_region: {
		bool opaque = m->opcode == WLCR_REQ_wl_surface_set_opaque_region;
		*(opaque ? &p->opaque_changed : &p->input_changed) = true;
		if (region_copy_from(j, opaque ? &p->opaque : &p->input,
				     opaque ? &p->opaque_set : &p->input_set, a[0].u) < 0) {
			snprintf(err, errlen, "not a wl_region: %u", a[0].u);
			return -EINVAL;
		}
		return 0;
	}
	case WLCR_REQ_wl_surface_commit:
		return surface_commit(j, obj);
	case WLCR_REQ_wl_surface_set_buffer_transform:
		p->transform = (int32_t)a[0].u;
		return 0;
	case WLCR_REQ_wl_surface_set_buffer_scale:
		p->scale = (int32_t)a[0].u;
		return 0;
	case WLCR_REQ_wl_surface_offset:
		p->offset_set = true;
		p->offset_x = (int32_t)a[0].u;
		p->offset_y = (int32_t)a[1].u;
		return 0;
	}
	return 0;
}

static int surface_output(struct wlcr_journal *j, struct wlcr_surface *s, uint32_t output,
			  bool enter)
{
	if (!enter)
		return ids_remove(j, &s->outputs, &s->noutputs, output);
	return ids_has(s->outputs, s->noutputs, output)
		       ? 0
		       : ids_add(j, &s->outputs, &s->noutputs, output);
}

bool wlcr_journal_event_news(const struct wlcr_object *obj, const struct wlcr_wire_msg *m)
{
	const struct wlcr_interface *it = obj->iface;
	if (it == &wlcr_iface_wl_surface) {
		const struct wlcr_surface *s = obj->surface;
		return !s || ids_has(s->outputs, s->noutputs, m->args[0].u) !=
				     (m->opcode == WLCR_EVT_wl_surface_enter);
	}
	if (it == &wlcr_iface_wl_keyboard || it == &wlcr_iface_wl_pointer) {
		bool kb = it == &wlcr_iface_wl_keyboard;
		/* leave(serial, surface), enter(serial, surface, ...) */
		if (m->opcode == (kb ? WLCR_EVT_wl_keyboard_leave : WLCR_EVT_wl_pointer_leave))
			return obj->focus == m->args[1].u;
		if (m->opcode == (kb ? WLCR_EVT_wl_keyboard_enter : WLCR_EVT_wl_pointer_enter))
			return obj->focus != m->args[1].u;
	}
	return true;
}

/* ---- shm pools ---------------------------------------------------------- */

struct wlcr_pool *wlcr_journal_pool_new(struct wlcr_journal *j, uint32_t id)
{
	struct wlcr_pool *p = j_calloc(j, 1, sizeof(*p));
	if (p)
		p->id = id;
	return p;
}

void wlcr_journal_pool_ref(struct wlcr_pool *p)
{
	p->refs++;
}

static void pool_unref(struct wlcr_journal *j, struct wlcr_pool *p)
{
	if (!p || (p->refs && --p->refs > 0))
		return;
	msgcopy_free(j, p->ctor);
	j_free(j, p, sizeof(*p));
}

void wlcr_journal_pool_unref(struct wlcr_journal *j, struct wlcr_pool *p)
{
	pool_unref(j, p);
}

uint64_t wlcr_journal_pool_size(const struct wlcr_object *obj)
{
	/* wl_shm.create_pool(id, fd, size): the size is the last word; a
	 * later wl_shm_pool.resize(size) overrides it */
	const struct wlcr_msgcopy *resize =
		obj->setters ? obj->setters[WLCR_REQ_wl_shm_pool_resize] : NULL;
	if (resize && resize->size >= 12)
		return (uint32_t)wlcr_wire_word(resize->bytes + 8);
	if (obj->ctor && obj->ctor->size >= 16)
		return (uint32_t)wlcr_wire_word(obj->ctor->bytes + obj->ctor->size - 4);
	return 0;
}

/* The pool object goes; buffers made from it keep its memory described. */
static void pool_retire(struct wlcr_journal *j, struct wlcr_object *obj)
{
	struct wlcr_pool *p = obj->pool;
	obj->pool = NULL;
	if (!p)
		return;
	if (p->refs > 1 && !p->retired) {
		p->retired = true;
		p->size = wlcr_journal_pool_size(obj);
		p->ctor = obj->ctor; /* with its fd */
		obj->ctor = NULL;
	}
	pool_unref(j, p);
}

/* ---- objects -------------------------------------------------------------- */

static void object_free(struct wlcr_journal *j, struct wlcr_object *obj)
{
	/* first: retiring a pool reads its resize setter */
	if (obj->iface == &wlcr_iface_wl_shm_pool)
		pool_retire(j, obj);
	else
		pool_unref(j, obj->pool);
	obj->pool = NULL;
	if (obj->iface) {
		for (uint16_t i = 0; obj->setters && i < obj->iface->nrequests; i++)
			msgcopy_free(j, obj->setters[i]);
		for (uint16_t i = 0; obj->events && i < obj->iface->nevents; i++)
			msgcopy_free(j, obj->events[i]);
		if (obj->setters)
			j_free(j, obj->setters, obj->iface->nrequests * sizeof(void *));
		for (uint32_t i = 0; i < obj->nlist; i++)
			msgcopy_free(j, obj->list[i]);
		j_free(j, obj->list, obj->cap_list * sizeof(void *));
		if (obj->events)
			j_free(j, obj->events, obj->iface->nevents * sizeof(void *));
	}
	msgcopy_free(j, obj->ctor);
	surface_free(j, obj->surface);
	region_drop(j, obj);
	j_free(j, obj, sizeof(*obj));
}

/* Forgets an object for good: after delete_id, or at once for server ids. */
static void object_remove(struct wlcr_journal *j, struct wlcr_object *obj)
{
	if (!obj->zombie)
		j->nlive--;
	wlcr_objmap_remove(&j->map, obj->id);
	object_free(j, obj);
}

void wlcr_journal_remove(struct wlcr_journal *j, uint32_t id)
{
	struct wlcr_object *obj = wlcr_journal_get(j, id);
	if (obj)
		object_remove(j, obj);
}

/* The client or compositor destroyed it: drop its state now; keep the
 * slot as a zombie until delete_id for client ids, so that events still in
 * flight to it can be parsed (their fds must be consumed). */
static void object_destroyed(struct wlcr_journal *j, struct wlcr_object *obj)
{
	if (obj->frame_surface) {
		struct wlcr_object *s = wlcr_journal_get(j, obj->frame_surface);
		if (s && s->surface) {
			frames_remove(&s->surface->pending, obj->id);
			frames_remove(&s->surface->cached, obj->id);
			frames_remove(&s->surface->committed, obj->id);
		}
	}
	if (obj->iface == &wlcr_iface_wl_subsurface) {
		struct wlcr_object *s = wlcr_journal_get(j, obj->role_surface);
		if (s && s->surface && s->surface->subsurface == obj->id)
			subsurface_end(j, s->surface, s->id);
	}
	if (obj->surface) {
		if (obj->surface->subsurface)
			subsurface_end(j, obj->surface, obj->id);
		/* its subsurfaces lose their parent */
		for (uint32_t i = 0; i < obj->surface->nchildren; i++) {
			struct wlcr_object *c = wlcr_journal_get(j, obj->surface->children[i]);
			if (c && c->surface)
				c->surface->parent = 0;
		}
	}
	if (obj->server_created) {
		object_remove(j, obj);
		return;
	}
	const struct wlcr_interface *iface = obj->iface;
	uint32_t id = obj->id, version = obj->version;
	wlcr_objmap_remove(&j->map, id);
	object_free(j, obj);
	j->nlive--;
	struct wlcr_object *z = j_calloc(j, 1, sizeof(*z));
	if (!z)
		return; /* no zombie: late events are then "unknown object" */
	z->id = id;
	z->iface = iface;
	z->version = version;
	z->zombie = true;
	wlcr_objmap_insert(&j->map, id, z);
}

static struct wlcr_object *object_new(struct wlcr_journal *j, uint32_t id,
				      const struct wlcr_interface *iface, uint32_t version);

struct wlcr_object *wlcr_journal_object_new(struct wlcr_journal *j, uint32_t id,
					    const struct wlcr_interface *iface, uint32_t version)
{
	return object_new(j, id, iface, version);
}

void *wlcr_journal_alloc(struct wlcr_journal *j, size_t n, size_t size)
{
	return j_calloc(j, n, size);
}

int wlcr_journal_copy_bytes(struct wlcr_journal *j, struct wlcr_msgcopy **slot,
			    const uint8_t *bytes, size_t len)
{
	if (len < WLCR_WIRE_HEADER || len > WLCR_MAX_MESSAGE)
		return -EINVAL;
	struct wlcr_msgcopy *c = j_calloc(j, 1, sizeof(*c) + len);
	if (!c)
		return -ENOMEM;
	c->size = (uint16_t)len;
	memcpy(c->bytes, bytes, len);
	msgcopy_free(j, *slot);
	*slot = c;
	return 0;
}

int wlcr_journal_slots(struct wlcr_journal *j, struct wlcr_object *obj)
{
	if (!obj->iface)
		return 0;
	if (!obj->setters && obj->iface->nrequests &&
	    !(obj->setters = j_calloc(j, obj->iface->nrequests, sizeof(void *))))
		return -ENOMEM;
	if (!obj->events && obj->iface->nevents &&
	    !(obj->events = j_calloc(j, obj->iface->nevents, sizeof(void *))))
		return -ENOMEM;
	return 0;
}

static struct wlcr_object *object_new(struct wlcr_journal *j, uint32_t id,
				      const struct wlcr_interface *iface, uint32_t version)
{
	struct wlcr_object *obj = j_calloc(j, 1, sizeof(*obj));
	if (!obj)
		return NULL;
	obj->id = id;
	obj->gen = ++j->next_gen;
	obj->iface = iface;
	obj->version = version;
	obj->server_created = id >= WLCR_SERVER_ID_MIN;
	if (iface == &wlcr_iface_wl_surface) {
		obj->surface = j_calloc(j, 1, sizeof(*obj->surface));
		if (!obj->surface)
			goto fail;
		state_init(&obj->surface->pending);
		state_init(&obj->surface->cached);
		state_init(&obj->surface->committed);
	} else if (iface == &wlcr_iface_wl_region && wlcr_journal_region_give(j, obj) < 0) {
		goto fail;
	}
	struct wlcr_object *old = wlcr_objmap_get(&j->map, id);
	if (old && old->zombie) {
		/* reused before delete_id: the compositor had freed it */
		wlcr_objmap_remove(&j->map, id);
		object_free(j, old);
	}
	if (wlcr_objmap_insert(&j->map, id, obj) < 0)
		goto fail;
	j->nlive++;
	return obj;
fail:
	object_free(j, obj);
	return NULL;
}

struct wlcr_object *wlcr_journal_creator(const struct wlcr_journal *j,
					 const struct wlcr_object *obj)
{
	struct wlcr_object *from = wlcr_journal_get(j, obj->creator);
	return from && !from->zombie && from->gen == obj->creator_gen ? from : NULL;
}

int wlcr_journal_check_new_id(const struct wlcr_journal *j, uint32_t id, char *err, size_t errlen)
{
	if (id >= WLCR_SERVER_ID_MIN) {
		snprintf(err, errlen, "invalid new id %u: in the server's range", id);
		return -EINVAL;
	}
	uint32_t next = j->map.client_len > 1 ? j->map.client_len : 1;
	struct wlcr_object *old = wlcr_objmap_get(&j->map, id);
	if (id > next || (old && !old->zombie)) {
		snprintf(err, errlen, "invalid new id %u (next free is %u)", id, next);
		return -EINVAL;
	}
	return 0;
}

void wlcr_journal_forget_events(struct wlcr_journal *j, struct wlcr_object *obj)
{
	for (uint16_t i = 0; obj->events && i < obj->iface->nevents; i++) {
		msgcopy_free(j, obj->events[i]);
		obj->events[i] = NULL;
	}
}

int wlcr_journal_region_give(struct wlcr_journal *j, struct wlcr_object *obj)
{
	if (obj->region)
		return 0;
	obj->region = j_calloc(j, 1, sizeof(*obj->region));
	if (!obj->region)
		return -ENOMEM;
	pixman_region32_init(obj->region);
	return 0;
}

/* A region passed to a constructor or set since is a value, not a
 * reference: the app may destroy it at once, and its id may be reused. */
static int region_arg_set(struct wlcr_journal *j, struct wlcr_object *obj, uint32_t region_id)
{
	bool set;
	if (!region_id) {
		region_drop(j, obj);
		return 0;
	}
	if (wlcr_journal_region_give(j, obj) < 0)
		return -ENOMEM;
	return region_copy_from(j, obj->region, &set, region_id);
}

static int create_from(struct wlcr_journal *j, struct wlcr_object *creator,
		       const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
		       char *err, size_t errlen)
{
	const struct wlcr_arg *a = &m->msg->args[m->msg->new_id_arg];
	const struct wlcr_interface *iface = a->iface;
	uint32_t version = creator->version;

	if (!iface) {
		/* a bind: the proxy advertises only globals it has a table for */
		iface = wlcr_interface_find(m->new_iface_name);
		version = m->new_version;
		if (!iface) {
			snprintf(err, errlen, "no protocol table for %s", m->new_iface_name);
			return -EINVAL;
		}
	}
	if (m->new_id >= WLCR_SERVER_ID_MIN) {
		struct wlcr_object *old = wlcr_objmap_get(&j->map, m->new_id);
		if (old) {
			snprintf(err, errlen, "server reused live id %u", m->new_id);
			return -EINVAL;
		}
	}
	struct wlcr_object *obj = object_new(j, m->new_id, iface, version);
	if (!obj) {
		snprintf(err, errlen, "cannot record new id %u", m->new_id);
		return -ENOMEM;
	}
	obj->creator = creator->id;
	obj->creator_gen = creator->gen;
	obj->creator_iface = creator->iface;
	if (iface == &wlcr_iface_wl_subsurface) {
		/* get_subsurface(id, surface, parent): checked objects */
		struct wlcr_object *surf = wlcr_journal_get(j, m->args[1].u);
		struct wlcr_object *parent = wlcr_journal_get(j, m->args[2].u);
		obj->role_surface = m->args[1].u;
		if (surf && surf->surface && parent && parent->surface && surf != parent) {
			surf->surface->subsurface = obj->id;
			surf->surface->parent = parent->id;
			surf->surface->sync = true;
			if (ids_add(j, &parent->surface->children, &parent->surface->nchildren,
				    surf->id) < 0) {
				snprintf(err, errlen, "cannot record subsurface %u", obj->id);
				return -ENOMEM;
			}
		}
	} else if (iface == &wlcr_iface_xdg_surface) {
		obj->role_surface = m->args[1].u;
	} else if (iface == &wlcr_iface_zwlr_layer_surface_v1) {
		/* get_layer_surface(id, surface, output, layer, namespace) */
		obj->role_surface = m->args[1].u;
	} else if (iface == &wlcr_iface_wl_shm_pool) {
		obj->pool = wlcr_journal_pool_new(j, obj->id);
		if (!obj->pool) {
			snprintf(err, errlen, "cannot record pool %u", obj->id);
			return -ENOMEM;
		}
		obj->pool->refs = 1;
	} else if (iface == &wlcr_iface_wl_buffer && creator->pool) {
		obj->pool = creator->pool;
		obj->pool->refs++;
	}
	for (unsigned i = 0; i < m->msg->nargs; i++)
		if (m->msg->args[i].kind == WLCR_ARG_OBJECT &&
		    m->msg->args[i].iface == &wlcr_iface_wl_region && m->args[i].u &&
		    region_arg_set(j, obj, m->args[i].u) < 0) {
			snprintf(err, errlen, "not a wl_region: %u", m->args[i].u);
			return -EINVAL;
		}
	/* the constructor is the state; its fds (a shm pool) are kept */
	int ret = msgcopy_set(j, &obj->ctor, m, bytes, fds, true);
	if (ret < 0)
		snprintf(err, errlen, "cannot keep constructor of %u", m->new_id);
	return ret;
}

int wlcr_journal_keep_fd(struct wlcr_journal *j, struct wlcr_msgcopy *ctor, int fd)
{
	if (!ctor || ctor->nfds)
		return 0;
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup < 0)
		return -errno;
	ctor->fds[0] = dup;
	ctor->nfds = 1;
	j->nfds++;
	return 0;
}

int wlcr_journal_init(struct wlcr_journal *j)
{
	memset(j, 0, sizeof(*j));
	wlcr_objmap_init(&j->map);
	wlcr_names_init(&j->names);
	if (policies_init() < 0)
		return -ENOMEM;
	if (!object_new(j, 1, &wlcr_iface_wl_display, 1))
		return -ENOMEM;
	return 0;
}

static void free_one(struct wlcr_object *obj, void *data)
{
	object_free(data, obj);
}

void wlcr_journal_finish(struct wlcr_journal *j)
{
	wlcr_objmap_for_each(&j->map, free_one, j);
	wlcr_objmap_finish(&j->map);
	wlcr_names_finish(&j->names);
}

struct wlcr_object *wlcr_journal_get(const struct wlcr_journal *j, uint32_t id)
{
	return wlcr_objmap_get(&j->map, id);
}

static int setter_slot(struct wlcr_journal *j, struct wlcr_msgcopy ***arr, uint16_t n)
{
	if (*arr || n == 0)
		return 0;
	*arr = j_calloc(j, n, sizeof(**arr));
	return *arr ? 0 : -ENOMEM;
}

/* Constructors and destructors, alike for requests and events. Returns 1
 * when obj was destroyed (and must not be touched again), 0, or -errno. */
static int lifecycle(struct wlcr_journal *j, struct wlcr_object *obj, const struct wlcr_wire_msg *m,
		     const uint8_t *bytes, const int *fds, char *err, size_t errlen)
{
	if (m->msg->new_id_arg >= 0) {
		int ret = create_from(j, obj, m, bytes, fds, err, errlen);
		if (ret < 0)
			return ret;
	}
	if (m->msg->flags & WLCR_MSG_DESTRUCTOR) {
		object_destroyed(j, obj);
		return 1;
	}
	return 0;
}

/* A data source the compositor holds, as the selection or a drag's, stays
 * in use until it is cancelled (or a drag finishes): after a restore the
 * app is told it was cancelled, since the new compositor never had it. */
static void source_request(struct wlcr_journal *j, const struct wlcr_object *obj,
			   const struct wlcr_wire_msg *m)
{
	const struct wlcr_interface *it = obj->iface;
	bool uses = (it == &wlcr_iface_wl_data_device &&
		     (m->opcode == WLCR_REQ_wl_data_device_set_selection ||
		      m->opcode == WLCR_REQ_wl_data_device_start_drag)) ||
		    (it == &wlcr_iface_zwp_primary_selection_device_v1 &&
		     m->opcode == WLCR_REQ_zwp_primary_selection_device_v1_set_selection) ||
		    (it == &wlcr_iface_zwlr_data_control_device_v1 &&
		     (m->opcode == WLCR_REQ_zwlr_data_control_device_v1_set_selection ||
		      m->opcode == WLCR_REQ_zwlr_data_control_device_v1_set_primary_selection));
	struct wlcr_object *src = uses ? wlcr_journal_get(j, m->args[0].u) : NULL;
	if (src)
		src->source_in_use = true;
}

static void source_event(struct wlcr_object *obj, const struct wlcr_wire_msg *m)
{
	const struct wlcr_interface *it = obj->iface;
	if ((it == &wlcr_iface_wl_data_source &&
	     (m->opcode == WLCR_EVT_wl_data_source_cancelled ||
	      m->opcode == WLCR_EVT_wl_data_source_dnd_finished)) ||
	    (it == &wlcr_iface_zwp_primary_selection_source_v1 &&
	     m->opcode == WLCR_EVT_zwp_primary_selection_source_v1_cancelled) ||
	    (it == &wlcr_iface_zwlr_data_control_source_v1 &&
	     m->opcode == WLCR_EVT_zwlr_data_control_source_v1_cancelled))
		obj->source_in_use = false;
}

bool wlcr_journal_constraint_oneshot(const struct wlcr_object *obj)
{
	/* lock_pointer and confine_pointer: (id, surface, pointer, region,
	 * lifetime); the lifetime is the last word of the constructor */
	if (obj->creator_iface != &wlcr_iface_zwp_pointer_constraints_v1 || !obj->ctor ||
	    obj->ctor->size != 28)
		return false;
	return wlcr_wire_word(obj->ctor->bytes + 24) == 1; /* lifetime oneshot */
}

/* A pointer constraint is active from locked (confined) to unlocked
 * (unconfined); a oneshot one is then finished. */
static void constraint_event(struct wlcr_object *obj, const struct wlcr_wire_msg *m)
{
	bool locked = obj->iface == &wlcr_iface_zwp_locked_pointer_v1;
	if (!locked && obj->iface != &wlcr_iface_zwp_confined_pointer_v1)
		return;
	if (m->opcode == (locked ? WLCR_EVT_zwp_locked_pointer_v1_locked
				 : WLCR_EVT_zwp_confined_pointer_v1_confined)) {
		obj->focus = 1;
	} else {
		obj->focus = 0;
		if (wlcr_journal_constraint_oneshot(obj))
			obj->defunct = true;
	}
}

/* Episodes a restore ends (helper/replay.c): obj->focus is the surface a
 * gesture began on, or 1 while an inhibitor is active or the seat idle.
 * Tablets, tools, pads and imported surfaces the compositor let go of are
 * finished, only their destruction left. */
static void episode_event(struct wlcr_object *obj, const struct wlcr_wire_msg *m)
{
	const struct wlcr_interface *it = obj->iface;
	if (it == &wlcr_iface_zwp_pointer_gesture_swipe_v1 ||
	    it == &wlcr_iface_zwp_pointer_gesture_pinch_v1 ||
	    it == &wlcr_iface_zwp_pointer_gesture_hold_v1) {
		/* begin(serial, time, surface, fingers) in all three */
		if (m->opcode == 0)
			obj->focus = m->args[2].u;
		else if (strcmp(m->msg->name, "end") == 0)
			obj->focus = 0;
	} else if (it == &wlcr_iface_zwp_keyboard_shortcuts_inhibitor_v1) {
		obj->focus = m->opcode == WLCR_EVT_zwp_keyboard_shortcuts_inhibitor_v1_active;
	} else if (it == &wlcr_iface_ext_idle_notification_v1) {
		obj->focus = m->opcode == WLCR_EVT_ext_idle_notification_v1_idled;
	} else if ((it == &wlcr_iface_zwp_tablet_v2 &&
		    m->opcode == WLCR_EVT_zwp_tablet_v2_removed) ||
		   (it == &wlcr_iface_zwp_tablet_tool_v2 &&
		    m->opcode == WLCR_EVT_zwp_tablet_tool_v2_removed) ||
		   (it == &wlcr_iface_zwp_tablet_pad_v2 &&
		    m->opcode == WLCR_EVT_zwp_tablet_pad_v2_removed) ||
		   (it == &wlcr_iface_zxdg_imported_v1 &&
		    m->opcode == WLCR_EVT_zxdg_imported_v1_destroyed) ||
		   (it == &wlcr_iface_zxdg_imported_v2 &&
		    m->opcode == WLCR_EVT_zxdg_imported_v2_destroyed)) {
		obj->defunct = true;
	}
}

int wlcr_journal_request(struct wlcr_journal *j, struct wlcr_object *obj,
			 const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
			 char *err, size_t errlen)
{
	j->requests++;
	if (!obj->iface)
		return 0;
	int life = lifecycle(j, obj, m, bytes, fds, err, errlen);
	if (life)
		return life < 0 ? life : 0;

	source_request(j, obj, m);
	if (obj->iface == &wlcr_iface_zwp_text_input_v3 &&
	    m->opcode == WLCR_REQ_zwp_text_input_v3_commit)
		obj->commits++;
	struct req_policy policy = policy_of(obj->iface, m->opcode), *rp = &policy;
	switch (rp->policy) {
	case P_IGNORE:
		return 0;
	case P_LIST:
		return list_add(j, obj, bytes, m->size);
	case P_REGION_ARG:
		if (region_arg_set(j, obj, m->args[0].u) < 0) {
			snprintf(err, errlen, "not a wl_region: %u", m->args[0].u);
			return -EINVAL;
		}
		return 0;
	case P_SURFACE:
		return surface_request(j, obj, m, err, errlen);
	case P_REGION: {
		pixman_region32_t r;
		size_t before = region_bytes(obj->region);
		const int64_t lo = WLCR_REGION_MIN, hi = lo + WLCR_REGION_SIZE;
		int64_t x = (int32_t)m->args[0].u, y = (int32_t)m->args[1].u;
		int64_t x2 = x + (int32_t)m->args[2].u, y2 = y + (int32_t)m->args[3].u;
		x = x < lo ? lo : x;
		y = y < lo ? lo : y;
		x2 = x2 > hi ? hi : x2;
		y2 = y2 > hi ? hi : y2;
		/* a rectangle of no area (a negative size) changes nothing, as
		 * in a compositor; pixman would log it on stderr as its own bug */
		if (x2 <= x || y2 <= y)
			return 0;
		pixman_region32_init_rect(&r, (int32_t)x, (int32_t)y, (uint32_t)(x2 - x),
					  (uint32_t)(y2 - y));
		if (m->opcode == WLCR_REQ_wl_region_add)
			pixman_region32_union(obj->region, obj->region, &r);
		else
			pixman_region32_subtract(obj->region, obj->region, &r);
		pixman_region32_fini(&r);
		region_account(j, obj->region, before);
		return 0;
	}
	default:
		break;
	}
	/* a constructor's state is the new object, not a setter */
	if (m->msg->new_id_arg >= 0)
		return 0;
	if (obj->iface == &wlcr_iface_wl_subsurface) {
		struct wlcr_object *surf = wlcr_journal_get(j, obj->role_surface);
		struct wlcr_surface *ss = surf ? surf->surface : NULL;
		if (ss && ss->subsurface == obj->id && m->opcode == WLCR_REQ_wl_subsurface_set_sync)
			ss->sync = true;
		if (ss && ss->subsurface == obj->id &&
		    m->opcode == WLCR_REQ_wl_subsurface_set_desync) {
			ss->sync = false;
			/* desync applies what was cached, unless an ancestor
			 * still synchronizes it */
			if (ss->has_cached && !effectively_sync(j, ss)) {
				ss->has_cached = false;
				int ret = state_apply(j, &ss->committed, &ss->cached, true);
				if (ret < 0)
					return ret;
			}
		}
	}
	if (setter_slot(j, &obj->setters, obj->iface->nrequests) < 0)
		return -ENOMEM;
	return msgcopy_set(j, &obj->setters[rp->slot], m, bytes, fds, false);
}

int wlcr_journal_event(struct wlcr_journal *j, struct wlcr_object *obj,
		       const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
		       char *err, size_t errlen)
{
	j->events++;
	if (!obj->iface || obj->zombie)
		return 0;
	const struct wlcr_interface *it = obj->iface;

	if (it == &wlcr_iface_wl_display && m->opcode == WLCR_EVT_wl_display_delete_id) {
		struct wlcr_object *dead = wlcr_journal_get(j, m->args[0].u);
		/* a live object here was re-created before delete_id came */
		if (dead && dead->zombie)
			object_remove(j, dead);
		return 0;
	}
	int life = lifecycle(j, obj, m, bytes, fds, err, errlen);
	if (life)
		return life < 0 ? life : 0;
	if (it == &wlcr_iface_wl_buffer && m->opcode == WLCR_EVT_wl_buffer_release) {
		obj->buffer_held = false;
		return 0;
	}
	source_event(obj, m);
	if (it == &wlcr_iface_wl_surface)
		return surface_output(j, obj->surface, m->args[0].u,
				      m->opcode == WLCR_EVT_wl_surface_enter);
	if (it == &wlcr_iface_xdg_surface && m->opcode == WLCR_EVT_xdg_surface_configure)
		obj->last_configure_serial = m->args[0].u;
	if (it == &wlcr_iface_zwlr_layer_surface_v1) {
		if (m->opcode == WLCR_EVT_zwlr_layer_surface_v1_configure)
			obj->last_configure_serial = m->args[0].u;
		else /* closed: never shown again, only its destruction left */
			obj->defunct = true;
	}
	episode_event(obj, m);
	if (it == &wlcr_iface_wl_keyboard || it == &wlcr_iface_wl_pointer) {
		bool kb = it == &wlcr_iface_wl_keyboard;
		if (m->opcode == (kb ? WLCR_EVT_wl_keyboard_enter : WLCR_EVT_wl_pointer_enter))
			obj->focus = m->args[1].u;
		else if (m->opcode == (kb ? WLCR_EVT_wl_keyboard_leave : WLCR_EVT_wl_pointer_leave))
			obj->focus = 0;
	}
	if (it == &wlcr_iface_zwp_text_input_v3) {
		if (m->opcode == WLCR_EVT_zwp_text_input_v3_enter)
			obj->focus = m->args[0].u;
		else if (m->opcode == WLCR_EVT_zwp_text_input_v3_leave)
			obj->focus = 0;
	}
	constraint_event(obj, m);
	if (it == &wlcr_iface_xdg_activation_token_v1 &&
	    m->opcode == WLCR_EVT_xdg_activation_token_v1_done)
		obj->defunct = true;
	/* a drag over one of the app's surfaces: entered until leave or drop */
	if (it == &wlcr_iface_wl_data_device) {
		if (m->opcode == WLCR_EVT_wl_data_device_enter)
			obj->focus = m->args[1].u;
		else if (m->opcode == WLCR_EVT_wl_data_device_leave ||
			 m->opcode == WLCR_EVT_wl_data_device_drop)
			obj->focus = 0;
	}
	/* events with fds (keymaps) or new objects are not "what the client
	 * knows" in a way replay compares; the rest: last value per opcode */
	if (m->nfds || m->msg->new_id_arg >= 0)
		return 0;
	if (setter_slot(j, &obj->events, it->nevents) < 0)
		return -ENOMEM;
	return msgcopy_set(j, &obj->events[m->opcode], m, bytes, fds, false);
}
