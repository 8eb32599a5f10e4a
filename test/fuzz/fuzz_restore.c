/* libFuzzer target: a restored client. A recorded session (helper/record.h
 * format, so fuzz_proxy's corpus and any wlcr-proxy --record file seed this
 * one too), and then messages the input spells out, build an app's journal;
 * the harness of test/unit/replay_harness.h dumps it as the proxy and the
 * plugin do (image built, packed, unpacked), a fresh proxy claims it and
 * runs the real replay against the harness's scripted compositor, whose
 * globals, serials, clock and misbehaviour come from the input. Then the
 * input drives the restored client: requests of the app and events of the
 * compositor, built from the protocol tables so that most reach the paths
 * that rewrite for a restored app (serials mapped into the app's space,
 * times moved onto its clock, global names, server ids, the news filter),
 * compositor restarts (the replay again, from the live journal), freezes
 * for a dump, and dumps and restores of the restored app.
 *
 * A target of its own, not a mode of fuzz_proxy: an input here runs two or
 * more proxies, a dump and a replay, some ten times slower than one of
 * fuzz_proxy's, whose plain message handling would get that much less of
 * the time; and fuzz_proxy's corpus keeps meaning what it meant.
 *
 * Input: RECORDING [SEPARATOR SCRIPT]. Without a script the compositor
 * offers the app's own globals under other names and nothing follows the
 * restore. SCRIPT, each part cut short where the input ends:
 *   u8 flags (FLAG_*), u32 the compositor's first serial,
 *   u32 the clock offset in ms (signed; used with FLAG_CLOCK),
 *   u8 n, n bytes: one per app global, in its order (PLAN_*),
 *   u8 n, 3n bytes (n % 8): globals the app never saw (interface, version,
 *     name),
 *   u8 n, n bytes: the app's unread bytes in the image (with FLAG_UNREAD),
 *   u16 n, n bytes: ops on the app before the dump (before()),
 *   u16 n, n bytes: ops while the replay runs, one per request the
 *     compositor gets, most of them nothing (during()),
 *   the rest: ops on the restored client (after()).
 *
 * WLCR_FUZZ_DEBUG=1 prints the proxy's log and each input's outcome,
 * RH_PRINT=1 what the harness's compositor and app were sent. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "protocols.h"
#include "protoload.h"
#include "record.h"
#include "replay_harness.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR "WLCR-RESTORE"

enum {
	FLAG_CONFIGURE_LATE = 1 << 0, /* configures after a batch's other answers (weston) */
	FLAG_CLOCK = 1 << 1,	      /* the app runs in a time namespace */
	FLAG_UNREAD = 1 << 2,	      /* the image carries unread bytes */
	FLAG_NO_PARTIAL = 1 << 3,     /* a half-sent request is not in the image */
	/* the compositor holds the delete_ids of syncs back until it is asked
	 * (libwayland-server before 1.22, after flushing a full buffer) */
	FLAG_HOLD_DELETES = 1 << 4,
};

enum {
	PLAN_MISSING = 1 << 7, /* this compositor lacks it */
	PLAN_OLDER = 1 << 6,   /* at a version below the app's */
	PLAN_NEWEST = 1 << 5,  /* at the newest version the proxy knows */
	PLAN_NAME = 0x1f,      /* 0: a name of its own, 0x1f: the old compositor's */
};

/* ---- reading the input ---------------------------------------------------------- */

struct fz {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static uint32_t u32(struct fz *f)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < 4; i++)
		v |= (uint32_t)u8(f) << (8 * i);
	return v;
}

static struct fz take(struct fz *f, size_t len)
{
	struct fz s = { f->p, len < f->n ? len : f->n };
	if (s.n) { /* p may be NULL: no script */
		f->p += s.n;
		f->n -= s.n;
	}
	return s;
}

/* ---- one input ------------------------------------------------------------------- */

struct state {
	struct session a; /* the app before the dump */
	bool a_ready;
	/* its restore, and the compositor after; then maybe a restore of
	 * the restored app (a dump of it), and the compositor after that */
	struct replay_harness *h;
	struct session *dumped; /* the app whose image h restored */
	struct rh_global *globals;
	size_t nglobals;
	uint8_t flags;
	int64_t clock;
	struct fz unread, before, during, after;
	uint32_t a_serial; /* the old compositor's serials */
	uint32_t next_server_id;
	int stand_in; /* every fd the app sends or gets */
	/* the compositor's last event, to send again (the news filter) */
	uint8_t last[WLCR_MAX_MESSAGE];
	int last_len;
	uint32_t made; /* the new id of the app's last request */
};

/* Who a message is built for: an app's client, whose journal names its
 * objects, and the compositor it talks to (the harness's, or, before the
 * dump, the journal's view of it). */
struct side {
	struct state *st;
	struct wlcr_client *c;
	struct replay_harness *h; /* NULL before the dump */
	uint32_t *serial;	  /* the compositor's last serial */
};

static struct side before_dump(struct state *st)
{
	return (struct side){ st, st->a.c, NULL, &st->a_serial };
}

static struct side restored(struct state *st, struct replay_harness *h)
{
	return (struct side){ st, h->b.c, h, &h->serial };
}

static int stand_in(const struct side *s)
{
	return fcntl(s->st->stand_in, F_DUPFD_CLOEXEC, 3);
}

/* ---- values ------------------------------------------------------------------- */

static const struct wlcr_name *app_global(const struct side *s, struct fz *f)
{
	const struct wlcr_names *names = &s->c->journal.names;
	return names->n ? &names->v[u8(f) % names->n] : NULL;
}

/* A uint: small, any, or one that means something to the proxy now. */
static uint32_t value(const struct side *s, struct fz *f)
{
	uint8_t k = u8(f);
	if (k < 0x80)
		return k;
	if (k < 0xc0)
		return u32(f);
	const struct wlcr_journal *j = &s->c->journal;
	const struct wlcr_name *n;
	switch (k & 15) {
	case 0:
		return UINT32_MAX;
	case 1:
		return INT32_MAX;
	case 2:
		return 0x80000000u;
	case 3:
		return WLCR_SERVER_ID_MIN + u8(f);
	case 4:
		return j->serial_last - u8(f) % 4;
	case 5:
		return *s->serial - u8(f) % 4;
	case 6:
		n = app_global(s, f);
		return n ? n->name : 0;
	case 7:
		n = app_global(s, f);
		return n ? n->upstream : 0;
	case 8:
		return j->map.client_len;
	default:
		return u32(f);
	}
}

struct pick {
	const struct wlcr_interface *iface; /* NULL: any */
	uint32_t want, n, id;
};

static void pick_one(struct wlcr_object *o, void *data)
{
	struct pick *p = data;
	if ((p->iface && o->iface != p->iface) || o->zombie)
		return;
	if (p->n++ == p->want)
		p->id = o->id;
}

/* An id of the app's journal (either range, no zombie), of iface when it
 * has one. */
static uint32_t app_object(const struct side *s, struct fz *f, const struct wlcr_interface *iface)
{
	const struct wlcr_objmap *map = &s->c->journal.map;
	uint8_t k = u8(f);
	if (k == 0)
		return 0;
	for (int pass = 0; pass < 2; pass++, iface = NULL) {
		struct pick p = { iface, UINT32_MAX, 0, 0 };
		wlcr_objmap_for_each(map, pick_one, &p);
		if (!p.n)
			continue;
		p = (struct pick){ iface, k % p.n, 0, 0 };
		wlcr_objmap_for_each(map, pick_one, &p);
		return p.id;
	}
	return k;
}

/* An object the compositor knows, of iface when it has one: its id, or 0. */
static uint32_t comp_object(const struct side *s, struct fz *f, const struct wlcr_interface *iface)
{
	const struct replay_harness *h = s->h;
	if (!h)
		return app_object(s, f, iface);
	uint8_t k = u8(f);
	size_t n = 0;
	for (size_t i = 0; iface && i < h->nobjs; i++)
		n += h->objs[i].iface == iface;
	if (!n)
		return h->nobjs ? h->objs[k % h->nobjs].id : 0;
	k %= n;
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i].iface == iface && k-- == 0)
			return h->objs[i].id;
	return 0;
}

static const struct wlcr_interface *comp_iface(const struct side *s, uint32_t id)
{
	if (!s->h) {
		const struct wlcr_object *o = wlcr_journal_get(&s->c->journal, id);
		return o ? o->iface : NULL;
	}
	const struct rh_object *o = rh_object(s->h, id);
	return o ? o->iface : NULL;
}

/* ---- messages ------------------------------------------------------------------- */

struct msg {
	uint8_t b[WLCR_MAX_MESSAGE];
	size_t len;
	unsigned nfds;
};

static bool put(struct msg *m, const void *p, size_t n)
{
	size_t padded = (n + 3) & ~(size_t)3;
	if (m->len + padded > sizeof(m->b))
		return false;
	memcpy(m->b + m->len, p, n);
	memset(m->b + m->len + n, 0, padded - n);
	m->len += padded;
	return true;
}

static bool put_u32(struct msg *m, uint32_t v)
{
	return put(m, &v, 4);
}

static bool put_str(struct msg *m, const char *str)
{
	uint32_t len = (uint32_t)strlen(str) + 1;
	return put_u32(m, len) && put(m, str, len);
}

static bool put_string(struct msg *m, struct fz *f, bool nullable)
{
	uint8_t k = u8(f);
	char s[64];
	if (k == 0 && nullable)
		return put_u32(m, 0);
	if (k & 0x80)
		return put_str(m, wlcr_interfaces[(k & 0x7f) % wlcr_interfaces_count]->name);
	size_t n = k & 0x3f;
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(u8(f) | 1); /* no NUL inside */
	s[n] = '\0';
	return put_str(m, s);
}

/* wl_registry.bind's new id: mostly one of the app's globals, by its name,
 * interface and a version it may bind. */
static bool put_bind(const struct side *s, struct fz *f, struct msg *m)
{
	uint8_t k = u8(f);
	const struct wlcr_name *n = k < 0xe0 ? app_global(s, f) : NULL;
	if (n && m->len == 12) {
		/* the name argument, written before: this global's */
		wlcr_wire_set_word(m->b + 8, n->name);
		return put_str(m, n->interface) &&
		       put_u32(m, n->version ? 1 + u8(f) % n->version : 1);
	}
	return put_str(m, wlcr_interfaces[u8(f) % wlcr_interfaces_count]->name) &&
	       put_u32(m, u8(f) % 10);
}

/* A message of sender's, its arguments from the input, as the app (event
 * false) or the compositor (event true) would send it. */
static bool build(const struct side *s, struct fz *f, struct msg *m, uint32_t sender,
		  uint16_t opcode, const struct wlcr_message *def, bool event)
{
	m->len = 8;
	m->nfds = 0;
	for (unsigned i = 0; i < def->nargs; i++) {
		const struct wlcr_arg *a = &def->args[i];
		bool ok = true;
		uint8_t k;
		switch (a->kind) {
		case WLCR_ARG_STRING:
			ok = put_string(m, f, a->nullable);
			break;
		case WLCR_ARG_OBJECT:
			ok = put_u32(m, event ? comp_object(s, f, a->iface)
					      : app_object(s, f, a->iface));
			break;
		case WLCR_ARG_NEW_ID:
			if (!a->iface && !put_bind(s, f, m))
				return false;
			k = u8(f);
			if (event) {
				ok = put_u32(m, k < 0x80 ? s->st->next_server_id++ : value(s, f));
			} else {
				s->st->made = k < 0xf0 ? s->c->journal.map.client_len : value(s, f);
				ok = put_u32(m, s->st->made);
			}
			break;
		case WLCR_ARG_ARRAY: {
			uint8_t bytes[64];
			uint32_t n = u8(f) & 0x3f;
			for (uint32_t b = 0; b < n; b++)
				bytes[b] = u8(f);
			ok = put_u32(m, n) && (!n || put(m, bytes, n));
			break;
		}
		case WLCR_ARG_FD:
			m->nfds++;
			break;
		default:
			if (a->role != WLCR_ROLE_SERIAL) {
				ok = put_u32(m, value(s, f));
				break;
			}
			/* mostly a fresh one, as compositors give, or a recent
			 * one the app was given, as apps answer */
			k = u8(f);
			if (k >= 0xc0)
				ok = put_u32(m, value(s, f));
			else if (event)
				ok = put_u32(m, ++*s->serial);
			else
				ok = put_u32(m, s->c->journal.serial_last - k % 4);
		}
		if (!ok)
			return false;
	}
	wlcr_wire_set_word(m->b, sender);
	wlcr_wire_set_word(m->b + 4, (uint32_t)m->len << 16 | opcode);
	return true;
}

/* A request of the app's, on one of its objects (of iface, if not NULL),
 * opcode from the input unless given (>= 0). */
static void app_request(const struct side *s, struct fz *f, const struct wlcr_interface *iface,
			int opcode)
{
	uint32_t id = app_object(s, f, iface);
	const struct wlcr_object *o = wlcr_journal_get(&s->c->journal, id);
	uint8_t op = u8(f);
	if (!o || !o->iface || !o->iface->nrequests)
		return;
	uint16_t opc = opcode >= 0 ? (uint16_t)opcode : op % o->iface->nrequests;
	if (opc >= o->iface->nrequests)
		return;
	/* mostly one the object's version has (the proxy refuses the others:
	 * fuzz_proxy covers that) */
	for (uint16_t i = 0; !(op & 0x80) && i < o->iface->nrequests; i++)
		if (o->iface->requests[(opc + i) % o->iface->nrequests].since <= o->version) {
			opc = (opc + i) % o->iface->nrequests;
			break;
		}
	struct msg m;
	if (!build(s, f, &m, id, opc, &o->iface->requests[opc], false))
		return;
	for (unsigned i = 0; i < m.nfds; i++)
		wlcr_fdq_push(&s->c->down.in_fds, stand_in(s), 0);
	if (s->h) {
		rh_app(s->h, m.b, (int)m.len, -1);
		return;
	}
	wlcr_conn_in_append(&s->c->down, m.b, m.len);
	if (wlcr_client_process(s->c, true))
		wlcr_conn_out_discard(&s->c->up);
}

/* An event of the compositor's on one of its objects (of iface, if not
 * NULL), opcode from the input unless given (>= 0): sent now, or queued
 * after the answers (from during()). */
static void comp_event(const struct side *s, struct fz *f, uint32_t id, int opcode, bool queue)
{
	const struct wlcr_interface *it = comp_iface(s, id);
	uint8_t op = u8(f);
	if (!it || !it->nevents)
		return;
	uint16_t opc = opcode >= 0 ? (uint16_t)opcode : op % it->nevents;
	if (opc >= it->nevents)
		return;
	struct msg m;
	if (!build(s, f, &m, id, opc, &it->events[opc], true))
		return;
	for (unsigned i = 0; i < m.nfds; i++)
		wlcr_fdq_push(&s->c->up.in_fds, stand_in(s), 0);
	if (!s->h) {
		wlcr_conn_in_append(&s->c->up, m.b, m.len);
		if (wlcr_client_process(s->c, false))
			wlcr_conn_out_discard(&s->c->down);
		return;
	}
	memcpy(s->st->last, m.b, m.len);
	s->st->last_len = (int)m.len;
	if (queue)
		rh_queue(s->h, m.b, (int)m.len);
	else
		rh_compositor(s->h, m.b, (int)m.len);
}

/* Bytes of the input as they come, the app's or the compositor's. */
static void raw(const struct side *s, struct fz *f, bool requests)
{
	struct fz bytes = take(f, u8(f));
	struct wlcr_client *c = s->c;
	if (requests) {
		rh_app(s->h, bytes.p, (int)bytes.n, -1);
		return;
	}
	if (wlcr_conn_in_append(&c->up, bytes.p, bytes.n) < 0 || !wlcr_client_process(c, false))
		return;
	rh_pump(s->h);
}

/* ---- the app before the dump ------------------------------------------------------ */

static int stand_in_for(void *arg)
{
	return stand_in(arg);
}

static void before(struct state *st)
{
	struct side s = before_dump(st);
	struct fz *f = &st->before;
	while (f->n && !s.c->dead) {
		if (u8(f) & 1)
			app_request(&s, f, NULL, -1);
		else
			comp_event(&s, f, comp_object(&s, f, NULL), -1, false);
	}
}

/* ---- the compositor, while the replay runs ---------------------------------------- */

static void during(struct replay_harness *h, const struct rh_msg *req)
{
	struct state *st = h->opt.data;
	struct side s = restored(st, h); /* st->h is the one before, if any */
	struct fz *f = &st->during;
	if (!f->n)
		return;
	/* mostly nothing: a compositor that does what it is asked */
	switch (u8(f)) {
	case 1:
		comp_event(&s, f, comp_object(&s, f, NULL), -1, true);
		break;
	case 2:
		/* on what was just asked for, or asked of */
		comp_event(&s, f, u8(f) & 1 ? req->m.new_id : req->m.sender, -1, true);
		break;
	case 3:
		/* an error: libwayland-server then reads nothing more */
		comp_event(&s, f, 1, WLCR_EVT_wl_display_error, true);
		h->disconnected = true;
		break;
	case 4:
		comp_event(&s, f, 1, WLCR_EVT_wl_display_delete_id, true);
		break;
	case 5:
		/* a configure of the compositor's own accord */
		comp_event(&s, f, comp_object(&s, f, &wlcr_iface_xdg_surface),
			   WLCR_EVT_xdg_surface_configure, true);
		break;
	case 6:
		comp_event(&s, f, comp_object(&s, f, &wlcr_iface_wl_registry), -1, true);
		break;
	case 7:
		/* the compositor forgets what it meant to answer */
		h->queue.len = 0;
		break;
	}
}

/* ---- the restored client ------------------------------------------------------ */

/* What an app and its compositor say to each other every frame, where the
 * proxy rewrites for a restored app: a configure and its ack (serials), a
 * frame callback and presentation feedback (times). */
static void round_trip(const struct side *s, struct fz *f)
{
	switch (u8(f) % 3) {
	case 0:
		comp_event(s, f, comp_object(s, f, &wlcr_iface_xdg_surface),
			   WLCR_EVT_xdg_surface_configure, false);
		app_request(s, f, &wlcr_iface_xdg_surface, WLCR_REQ_xdg_surface_ack_configure);
		break;
	case 1:
		s->st->made = 0;
		app_request(s, f, &wlcr_iface_wl_surface, WLCR_REQ_wl_surface_frame);
		app_request(s, f, &wlcr_iface_wl_surface, WLCR_REQ_wl_surface_commit);
		comp_event(s, f, s->st->made, WLCR_EVT_wl_callback_done, false);
		break;
	case 2:
		s->st->made = 0;
		app_request(s, f, &wlcr_iface_wp_presentation, WLCR_REQ_wp_presentation_feedback);
		app_request(s, f, &wlcr_iface_wl_surface, WLCR_REQ_wl_surface_commit);
		comp_event(s, f, s->st->made,
			   u8(f) & 1 ? WLCR_EVT_wp_presentation_feedback_presented
				     : WLCR_EVT_wp_presentation_feedback_sync_output,
			   false);
		break;
	}
}

static bool restore(struct state *st, struct session *from, struct fz *plan, struct fz *extra,
		    uint32_t serial, int64_t clock);

static void after(struct state *st)
{
	struct fz *f = &st->after;
	for (;;) {
		struct replay_harness *h = st->h;
		struct side s = restored(st, h);
		char err[256];
		if (!f->n || s.c->dead || s.c->state != WLCR_CLIENT_CONNECTED)
			return;
		uint8_t op = u8(f) % 19;
		/* a frozen app sends nothing */
		if (s.c->quiesced && (op <= 4 || op == 10 || op == 14 || op == 15))
			continue;
		switch (op) {
		case 0 ... 4:
			app_request(&s, f, NULL, -1);
			break;
		case 5 ... 9:
			comp_event(&s, f, comp_object(&s, f, NULL), -1, false);
			break;
		case 10:
			raw(&s, f, true);
			break;
		case 11:
			raw(&s, f, false);
			break;
		case 12:
			/* the end of an object the app destroyed, or of any */
			comp_event(&s, f, 1, WLCR_EVT_wl_display_delete_id, false);
			break;
		case 13:
			/* the same event again: not news to the app */
			if (st->last_len >= 8)
				rh_compositor(h, st->last, st->last_len);
			break;
		case 14:
			round_trip(&s, f);
			break;
		case 15:
			/* the compositor restarts: the live journal replayed */
			rh_replay_again(h);
			break;
		case 16: {
			/* the restored app dumped and restored again, onto a
			 * compositor of its own (its old proxy is gone) */
			if (wlcr_client_quiesce(s.c, err, sizeof(err)) < 0)
				break;
			uint32_t serial = u32(f);
			int64_t clock = u8(f) & 1 ? (int32_t)u32(f) : 0;
			struct fz none = { NULL, 0 };
			if (!restore(st, &h->b, &none, &none, serial, clock))
				return;
			break;
		}
		case 17:
			/* frozen for a dump (the proxy answers pings), or
			 * going on after one */
			if (s.c->quiesced)
				wlcr_client_resume(s.c);
			else
				wlcr_client_quiesce(s.c, err, sizeof(err));
			break;
		case 18:
			/* the delete_ids it held back (FLAG_HOLD_DELETES) */
			rh_release_deletes(h);
			break;
		}
	}
}

/* ---- the dump ----------------------------------------------------------------- */

/* The new compositor's globals: those of the app's names, as the plan
 * says, and others. */
static struct rh_global *plan_globals(const struct wlcr_names *names, struct fz *plan,
				      struct fz *extra, size_t *ret_n)
{
	uint8_t nextra = u8(extra) % 8;
	struct rh_global *globals = calloc(names->n + nextra + 1, sizeof(*globals));
	size_t n = 0;
	if (!globals)
		return NULL;
	for (size_t i = 0; i < names->n; i++) {
		const struct wlcr_name *a = &names->v[i];
		uint8_t g = u8(plan);
		/* the table's name: it outlives the journal */
		const struct wlcr_interface *it = wlcr_interface_find(a->interface);
		if (g & PLAN_MISSING || !it)
			continue;
		uint32_t version = a->version;
		if (g & PLAN_OLDER && version > 1)
			version--;
		if (g & PLAN_NEWEST)
			version = it->version;
		uint32_t name = g & PLAN_NAME;
		if (name == PLAN_NAME)
			name = a->upstream;
		if (name == 0)
			name = 100 + (uint32_t)i;
		globals[n++] = (struct rh_global){ name, it->name, version };
	}
	while (nextra--) {
		const struct wlcr_interface *it =
			wlcr_interfaces[u8(extra) % wlcr_interfaces_count];
		uint32_t version = 1 + u8(extra) % it->version;
		uint32_t name = u8(extra);
		globals[n++] = (struct rh_global){ name ? name : 99, it->name, version };
	}
	*ret_n = n;
	return globals;
}

/* What the dump adds beside the journal (helper/control.c and the
 * plugin): a request the app had half sent, what sat unread in its
 * socket. */
static void on_image(struct replay_harness *h, Image *img)
{
	struct state *st = h->opt.data;
	struct wlcr_conn *in = &st->dumped->c->down;
	size_t n = wlcr_conn_in_len(in);
	if (n && !(st->flags & FLAG_NO_PARTIAL) && (img->partial_request.data = malloc(n))) {
		img->has_partial_request = true;
		memcpy(img->partial_request.data, wlcr_conn_in_data(in), n);
		img->partial_request.len = n;
	}
	if (st->flags & FLAG_UNREAD && st->unread.n && (img->unread.data = malloc(st->unread.n))) {
		img->has_unread = true;
		memcpy(img->unread.data, st->unread.p, st->unread.n);
		img->unread.len = st->unread.n;
		img->has_unread_fds = true;
		img->unread_fds = st->unread.p[0] % 4;
	}
}

/* Dumps from (the app, or a restored app) and restores it through a fresh
 * proxy onto a compositor whose globals the plan makes from the app's.
 * The harness that restored from, if any, is finished: criu killed the
 * app it dumped. Returns true when the restored client is whole. */
static bool restore(struct state *st, struct session *from, struct fz *plan, struct fz *extra,
		    uint32_t serial, int64_t clock)
{
	size_t n = 0;
	struct rh_global *globals = plan_globals(&from->c->journal.names, plan, extra, &n);
	struct replay_harness *h = calloc(1, sizeof(*h));
	if (!globals || !h) {
		free(globals);
		free(h);
		return false;
	}
	struct rh_options opt = {
		.globals = globals,
		.nglobals = n,
		.pid = getpid(),
		.configure_late = st->flags & FLAG_CONFIGURE_LATE,
		.hold_sync_deletes = st->flags & FLAG_HOLD_DELETES,
		.serial = serial,
		.time_offset_ms = clock,
		.on_request = during,
		.on_image = on_image,
		.data = st,
	};
	st->dumped = from;
	int ret = rh_restore(h, from, &opt);
	if (getenv("WLCR_FUZZ_DEBUG"))
		fprintf(stderr, "fuzz: %u objects, %zu globals: %s\n", from->c->journal.nlive, n,
			ret == 0 ? "restored" : h->error);
	if (st->h) {
		rh_finish(st->h);
		free(st->h);
	}
	free(st->globals);
	st->h = h;
	st->globals = globals;
	st->nglobals = n;
	st->dumped = NULL;
	return ret == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Every fd of the app's is this one small file, mapped here as an app
	 * maps its pools: the dump finds the mapping (helper/snapshot.c), so
	 * a pool of any size needs no copy of its content in the image. */
	static int pool_file = -1;
	bool debug = getenv("WLCR_FUZZ_DEBUG");
	wlcr_log_init("fuzz", debug ? WLCR_LOG_INFO : WLCR_LOG_SILENT);
	if (pool_file < 0) {
		/* as wlcr-proxy starts: the protocol XML of the standard
		 * directories too, journaled generically */
		char err[256];
		if (wlcr_protoload_init(NULL, 0, true, err, sizeof(err)) < 0)
			abort();
		int fd = memfd_create("fuzz-pool", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, 4096) < 0 ||
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED)
			abort();
		pool_file = fd;
	}

	const uint8_t *sep = memmem(data, size, SEPARATOR, strlen(SEPARATOR));
	size_t reclen = sep ? (size_t)(sep - data) : size;
	struct fz script = { sep ? sep + strlen(SEPARATOR) : NULL,
			     sep ? size - reclen - strlen(SEPARATOR) : 0 };
	struct state *st = calloc(1, sizeof(*st));
	if (!st)
		return 0;
	st->stand_in = pool_file;
	st->next_server_id = WLCR_SERVER_ID_MIN;
	st->flags = u8(&script);
	uint32_t serial = u32(&script);
	st->clock = (int32_t)u32(&script);
	struct fz plan = take(&script, u8(&script));
	struct fz extra = take(&script, 1 + 3 * (size_t)(script.n ? script.p[0] % 8 : 0));
	st->unread = take(&script, u8(&script));
	size_t n = u8(&script);
	st->before = take(&script, n | (size_t)u8(&script) << 8);
	n = u8(&script);
	st->during = take(&script, n | (size_t)u8(&script) << 8);
	st->after = script;

	if (session_init(&st->a) < 0)
		goto out;
	st->a_ready = true;
	struct side a = before_dump(st);
	/* the stand-in file for every fd: the dump finds it mapped */
	wlcr_record_replay_with(a.c, data, reclen, stand_in_for, &a);
	before(st);
	/* a client the proxy closed is not dumped; nor one it cannot dump */
	if (st->a.c->dead || st->a.c->journal.not_checkpointable)
		goto out;
	if (restore(st, &st->a, &plan, &extra, serial, st->flags & FLAG_CLOCK ? st->clock : 0))
		after(st);
	if (debug && st->h->error[0])
		fprintf(stderr, "fuzz: at the end: %s\n", st->h->error);
out:
	if (st->h) {
		rh_finish(st->h);
		free(st->h);
	}
	if (st->a_ready)
		session_finish(&st->a);
	free(st->globals);
	free(st);
	return 0;
}
