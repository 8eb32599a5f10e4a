#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foreign.h"
#include "log.h"
#include "proc.h"
#include "protocols.h"
#include "proxy.h"
#include "record.h"
#include "replay.h"
#include "restore.h"
#include "upstream.h"
#include "unix.h"

static const char *iface_name(const struct wlcr_object *obj)
{
	return obj && obj->iface ? obj->iface->name : "?";
}

/* Sends wl_display.error to the app (as the compositor would), logs it,
 * and closes the client. */
static void post_error(struct wlcr_client *c, uint32_t object_id, uint32_t code, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));
static void post_error(struct wlcr_client *c, uint32_t object_id, uint32_t code, const char *fmt,
		       ...)
{
	char msg[512];
	uint8_t buf[WLCR_MAX_MESSAGE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wlcr_err("client %u: wl_display.error sent by the proxy: object %u, code %u: %s", c->index,
		 object_id, code, msg);
	int n = wlcr_wire_build(buf, sizeof(buf), 1, WLCR_EVT_wl_display_error, "ous", object_id,
				code, msg);
	if (n > 0 && wlcr_conn_write(&c->down, buf, (size_t)n, NULL, 0) == 0)
		wlcr_conn_flush(&c->down); /* best effort: it is being closed */
	wlcr_client_close(c, "protocol error");
}

void wlcr_client_refuse(int fd, uint32_t code, const char *why)
{
	uint8_t buf[WLCR_MAX_MESSAGE];
	int n = wlcr_wire_build(buf, sizeof(buf), 1, WLCR_EVT_wl_display_error, "ous", 1u, code,
				why);
	/* best effort, never blocking: the connection closes next */
	if (n > 0 && send(fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		wlcr_debug("cannot tell a refused client why: %s", strerror(errno));
}

void wlcr_client_update_interest(struct wlcr_client *c)
{
	if (c->dead)
		return;
	struct wlcr_loop *loop = &c->proxy->loop;
	/* Backpressure: stop reading from a side while the other side's
	 * queue is over the limit; the kernel socket buffer then fills and
	 * the sender blocks, as it would on a direct connection. */
	uint32_t down = wlcr_conn_out_len(&c->down) ? EPOLLOUT : 0;
	uint32_t up = wlcr_conn_out_len(&c->up) ? EPOLLOUT : 0;
	/* a replay holds the app's requests (in its socket) until it is done;
	 * while the compositor is away they are journaled */
	bool take_requests = c->state == WLCR_CLIENT_CONNECTED || c->state == WLCR_CLIENT_WAITING;
	if (take_requests && !wlcr_conn_out_full(&c->up))
		down |= EPOLLIN;
	if (c->quiesced)
		down = 0; /* frozen by criu: nothing to read, nothing to send */
	if (!wlcr_conn_out_full(&c->down))
		up |= EPOLLIN;
	wlcr_loop_update(loop, &c->down_src, down);
	if (c->up.fd >= 0)
		wlcr_loop_update(loop, &c->up_src, up);
}

/* Checks every object argument: it must exist, be alive and be of the
 * type the protocol says (libwayland-server's "invalid object"). */
static int check_objects(struct wlcr_client *c, const struct wlcr_wire_msg *m, char *err,
			 size_t errlen)
{
	for (unsigned i = 0; i < m->msg->nargs; i++) {
		const struct wlcr_arg *a = &m->msg->args[i];
		if (a->kind != WLCR_ARG_OBJECT || m->args[i].u == 0)
			continue;
		struct wlcr_object *o = wlcr_journal_get(&c->journal, m->args[i].u);
		if (!o || o->zombie) {
			snprintf(err, errlen, "unknown object %u in arg %s", m->args[i].u, a->name);
			return -EINVAL;
		}
		if (a->iface && o->iface != a->iface) {
			snprintf(err, errlen, "object %u in arg %s is a %s, not a %s", m->args[i].u,
				 a->name, iface_name(o), a->iface->name);
			return -EINVAL;
		}
	}
	return 0;
}

static void take_fds(struct wlcr_conn *conn, int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fds[i] = wlcr_fdq_pop(&conn->in_fds);
}

static void close_fds(const int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		close(fds[i]);
}

/* wl_registry.bind names one of the app's globals: it must be one the app
 * was told of, of that interface, at most at the version it was told.
 * Returns the name's entry, or NULL with err filled in. */
static const struct wlcr_name *check_bind(struct wlcr_client *c, const struct wlcr_wire_msg *m,
					  char *err, size_t errlen)
{
	uint32_t name = m->args[0].u;
	const struct wlcr_name *n = wlcr_names_by_name(&c->journal.names, name);
	if (!n) {
		snprintf(err, errlen, "invalid global %s (%u)", m->new_iface_name, name);
		return NULL;
	}
	if (strcmp(n->interface, m->new_iface_name) != 0) {
		snprintf(err, errlen, "invalid interface for global %u: have %s, wanted %s", name,
			 m->new_iface_name, n->interface);
		return NULL;
	}
	if (m->new_version == 0 || m->new_version > n->version) {
		snprintf(err, errlen, "invalid version for global %s (%u): have %u, wanted %u",
			 n->interface, name, n->version, m->new_version);
		return NULL;
	}
	return n;
}

/* ---- server ids after a restore ---------------------------------------- */

static uint32_t up_to_down(const struct wlcr_client *c, uint32_t id)
{
	for (uint32_t i = 0; id >= WLCR_SERVER_ID_MIN && i < c->nid_pairs; i++)
		if (c->id_pairs[i].up == id)
			return c->id_pairs[i].down;
	return id;
}

static uint32_t down_to_up(const struct wlcr_client *c, uint32_t id)
{
	for (uint32_t i = 0; id >= WLCR_SERVER_ID_MIN && i < c->nid_pairs; i++)
		if (c->id_pairs[i].down == id)
			return c->id_pairs[i].up;
	return id;
}

static bool down_taken(const struct wlcr_client *c, uint32_t id)
{
	if (wlcr_journal_get(&c->journal, id))
		return true;
	for (uint32_t i = 0; i < c->nid_pairs; i++)
		if (c->id_pairs[i].down == id)
			return true;
	return false;
}

/* A new server object: its own id on the app's side if free there, else
 * the lowest free one (libwayland-client, like the server, accepts only a
 * free slot or the next one). Returns the app's id, or 0 when out of memory. */
static uint32_t new_server_id(struct wlcr_client *c, uint32_t up)
{
	if (!down_taken(c, up) && down_to_up(c, up) == up)
		return up;
	uint32_t down = WLCR_SERVER_ID_MIN;
	while (down_taken(c, down))
		down++;
	struct wlcr_id_pair *p = realloc(c->id_pairs, (c->nid_pairs + 1) * sizeof(*p));
	if (!p)
		return 0;
	c->id_pairs = p;
	p[c->nid_pairs++] = (struct wlcr_id_pair){ up, down };
	wlcr_debug("client %u: compositor id %#x is %#x for the app", c->index, up, down);
	return down;
}

static void forget_pair(struct wlcr_client *c, uint32_t down)
{
	for (uint32_t i = 0; i < c->nid_pairs; i++)
		if (c->id_pairs[i].down == down) {
			c->id_pairs[i] = c->id_pairs[--c->nid_pairs];
			return;
		}
}

/* Rewrites the server ids of a message between the compositor's and the
 * app's. Events: object arguments and new ids; requests: object arguments
 * (the sender is done by the caller). */
static bool translate_ids(struct wlcr_client *c, struct wlcr_wire_msg *m, uint8_t *bytes,
			  bool event)
{
	for (unsigned i = 0; i < m->msg->nargs; i++) {
		uint8_t kind = m->msg->args[i].kind;
		uint32_t id = m->args[i].u, to = id;
		if (id < WLCR_SERVER_ID_MIN || (kind != WLCR_ARG_OBJECT && kind != WLCR_ARG_NEW_ID))
			continue;
		if (kind == WLCR_ARG_NEW_ID && event) {
			to = new_server_id(c, id);
			if (!to)
				return false;
			m->new_id = to;
		} else {
			to = event ? up_to_down(c, id) : down_to_up(c, id);
		}
		if (to != id) {
			m->args[i].u = to;
			wlcr_wire_set_word(bytes + m->args[i].offset, to);
		}
	}
	return true;
}

/* ---- serials after a restore (helper/serials.h) -------------------------- */

uint32_t wlcr_client_fresh_serial(struct wlcr_client *c)
{
	return ++c->journal.serial_last;
}

/* Requests: the app's serials become the compositor's. Returns false to
 * drop the request: an answer (ack, pong) to what the old compositor asked
 * means nothing to the new one. Other serials from before the restore
 * become 0, older than anything the compositor gave, which it refuses or
 * takes as stale (a set_cursor, a move) but never as an error. */
static bool serials_to_compositor(struct wlcr_client *c, struct wlcr_wire_msg *m, uint8_t *bytes)
{
	if (!c->serials)
		return true;
	for (unsigned i = 0; i < m->msg->nargs; i++) {
		if (m->msg->args[i].role != WLCR_ROLE_SERIAL)
			continue;
		uint32_t up = 0;
		if (!wlcr_serials_to_compositor(c->serials, m->args[i].u, &up)) {
			const char *name = m->msg->name;
			if (strcmp(name, "ack_configure") == 0 || strcmp(name, "pong") == 0)
				return false;
		}
		m->args[i].u = up;
		wlcr_wire_set_word(bytes + m->args[i].offset, up);
	}
	return true;
}

/* Events: the compositor's serials become the app's, in the order they
 * arrive; the newest is kept in the journal either way, where a later
 * restore continues from. */
static void serials_to_app(struct wlcr_client *c, struct wlcr_wire_msg *m, uint8_t *bytes)
{
	for (unsigned i = 0; i < m->msg->nargs; i++) {
		if (m->msg->args[i].role != WLCR_ROLE_SERIAL)
			continue;
		if (!c->serials) {
			/* not in sending order (sway sends a configure after
			 * newer serials): the newest, wrapping as serials do */
			if ((int32_t)(m->args[i].u - c->journal.serial_last) > 0)
				c->journal.serial_last = m->args[i].u;
			continue;
		}
		uint32_t down =
			wlcr_serials_to_app(c->serials, &c->journal.serial_last, m->args[i].u);
		m->args[i].u = down;
		wlcr_wire_set_word(bytes + m->args[i].offset, down);
	}
}

/* What one client may hold in the proxy is bounded, so that it cannot use
 * up fds or memory that every client shares: past a bound it is told which
 * and disconnected. Returns true when it was. */
static bool over_limits(struct wlcr_client *c, const struct wlcr_interface *it, uint32_t sender,
			const struct wlcr_message *msg, const struct wlcr_wire_msg *m)
{
	const struct wlcr_proxy_options *o = &c->proxy->opt;
	if (!m->new_id)
		return false;
	if (o->max_client_objects && c->journal.nlive >= o->max_client_objects) {
		post_error(c, sender, DISPLAY_ERROR_NO_MEMORY,
			   "%s@%u.%s: the client has %u objects, wlcr-proxy's limit per client "
			   "(--max-client-objects)",
			   it->name, sender, msg->name, c->journal.nlive);
		return true;
	}
	/* a constructor's fds (shm pools) are what the journal keeps */
	if (m->nfds && o->max_client_fds && c->journal.nfds + m->nfds > o->max_client_fds) {
		post_error(c, sender, DISPLAY_ERROR_NO_MEMORY,
			   "%s@%u.%s: the client holds %u file descriptors (shm pools) in "
			   "wlcr-proxy, its limit per client (--max-client-fds)",
			   it->name, sender, msg->name, c->journal.nfds);
		return true;
	}
	return false;
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void note_commit(struct wlcr_client *c)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->first_frame_pending && c->state == WLCR_CLIENT_CONNECTED) {
		c->first_frame_pending = false;
		wlcr_info("client %u: first frame on %s: %.1f ms after its replay began, %.1f ms "
			  "after its last frame before",
			  c->index, c->upstream->path, ms_between(&c->replay_began, &now),
			  c->last_commit.tv_sec ? ms_between(&c->last_commit, &now) : 0.0);
	}
	c->last_commit = now;
	c->last_commit_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	if (!c->first_commit_ns)
		c->first_commit_ns = c->last_commit_ns;
}

/* Whether an object argument is inert: not on this compositor since the
 * last replay. */
static bool names_gone(const struct wlcr_client *c, const struct wlcr_wire_msg *m)
{
	for (unsigned i = 0; c->replayed && i < m->msg->nargs; i++) {
		const struct wlcr_object *o =
			m->msg->args[i].kind == WLCR_ARG_OBJECT && m->args[i].u
				? wlcr_journal_get(&c->journal, m->args[i].u)
				: NULL;
		if (o && o->gone)
			return true;
	}
	return false;
}

/* import(id, handle): a handle an app was given before a replay of the
 * app that exported it stands for another one now (helper/foreign.h); the
 * journal keeps the app's. Returns false when the client was closed. */
static bool import_handle(struct wlcr_client *c, const uint8_t *bytes,
			  const struct wlcr_wire_msg *m)
{
	uint8_t out[WLCR_MAX_MESSAGE];
	const char *up = wlcr_foreign_lookup(c->proxy, m->args[1].str);
	int n = wlcr_wire_build(out, sizeof(out), wlcr_wire_word(bytes), m->opcode, "ns",
				m->args[0].u, up ? up : "");
	if (n < 0 || wlcr_conn_write(&c->up, out, (size_t)n, NULL, 0) < 0) {
		wlcr_client_close(c, "out of memory");
		return false;
	}
	return true;
}

/* Handles one complete request. Returns false when the client was closed. */
static bool handle_request(struct wlcr_client *c, uint8_t *bytes, uint16_t size, uint32_t sender,
			   uint16_t opcode)
{
	char err[256] = "";
	struct wlcr_wire_msg m;
	int fds[WLCR_MAX_FDS_OUT];
	struct wlcr_object *obj = wlcr_journal_get(&c->journal, sender);

	if (!c->first_message_seen) {
		c->first_message_seen = true;
		/* a restored app's connection names its image first */
		if (sender == 0 && wlcr_restore_claim(c, bytes, size))
			return true;
	}
	if (!obj || obj->zombie) {
		post_error(c, 1, DISPLAY_ERROR_INVALID_OBJECT, "invalid object %u", sender);
		return false;
	}
	const struct wlcr_interface *it = obj->iface;
	if (opcode >= it->nrequests) {
		post_error(c, sender, DISPLAY_ERROR_INVALID_METHOD,
			   "invalid method %u, object %s@%u", opcode, it->name, sender);
		return false;
	}
	const struct wlcr_message *msg = &it->requests[opcode];
	if (wlcr_wire_parse(bytes, size, msg, &m, err, sizeof(err)) < 0 ||
	    check_objects(c, &m, err, sizeof(err)) < 0) {
		post_error(c, sender, DISPLAY_ERROR_INVALID_METHOD, "%s@%u.%s: %s", it->name,
			   sender, msg->name, err);
		return false;
	}
	if (msg->since > obj->version) {
		post_error(c, sender, DISPLAY_ERROR_INVALID_METHOD,
			   "%s@%u.%s: invalid method (since %u > version %u)", it->name, sender,
			   msg->name, msg->since, obj->version);
		return false;
	}
	if (m.new_id && wlcr_journal_check_new_id(&c->journal, m.new_id, err, sizeof(err)) < 0) {
		post_error(c, sender, DISPLAY_ERROR_INVALID_OBJECT, "%s@%u.%s: %s", it->name,
			   sender, msg->name, err);
		return false;
	}
	uint32_t bind_to = 0; /* a bind: the compositor's name for the global */
	if (it == &wlcr_iface_wl_registry && opcode == WLCR_REQ_wl_registry_bind) {
		const struct wlcr_name *n = check_bind(c, &m, err, sizeof(err));
		if (!n) {
			post_error(c, sender, DISPLAY_ERROR_INVALID_OBJECT, "%s@%u.%s: %s",
				   it->name, sender, msg->name, err);
			return false;
		}
		bind_to = n->upstream;
		if (!bind_to)
			wlcr_info("client %u: %s %u is not on this compositor: the object it binds "
				  "is inert",
				  c->index, n->interface, n->name);
	}
	if (wlcr_fdq_count(&c->down.in_fds) < m.nfds) {
		post_error(c, sender, DISPLAY_ERROR_INVALID_METHOD,
			   "%s@%u.%s: fd expected, none queued", it->name, sender, msg->name);
		return false;
	}
	if (over_limits(c, it, sender, msg, &m))
		return false;
	take_fds(&c->down, fds, m.nfds);
	if (!serials_to_compositor(c, &m, bytes)) {
		wlcr_debug("client %u: dropping %s@%u.%s: a serial from before the restore",
			   c->index, it->name, sender, msg->name);
		close_fds(fds, m.nfds);
		return true;
	}
	/* a bind of a global this compositor lacks makes an inert object, and
	 * so does a request naming an inert object (a text input activated on
	 * an emulated seat): the compositor does not know it */
	bool gone = obj->gone ||
		    (it == &wlcr_iface_wl_registry && opcode == WLCR_REQ_wl_registry_bind &&
		     !bind_to) ||
		    (!(msg->flags & WLCR_MSG_DESTRUCTOR) && names_gone(c, &m));
	if (wlcr_journal_request(&c->journal, obj, &m, bytes, fds, err, sizeof(err)) < 0) {
		close_fds(fds, m.nfds);
		post_error(c, sender, DISPLAY_ERROR_INVALID_METHOD, "%s@%u.%s: %s", it->name,
			   sender, msg->name, err);
		return false;
	}
	size_t max_journal = c->proxy->opt.max_client_journal;
	if (max_journal && c->journal.bytes > max_journal) {
		close_fds(fds, m.nfds);
		post_error(c, sender, DISPLAY_ERROR_NO_MEMORY,
			   "%s@%u.%s: the client's state takes %zu bytes in wlcr-proxy, over its "
			   "limit per client (--max-client-journal %zu)",
			   it->name, sender, msg->name, c->journal.bytes, max_journal);
		return false;
	}
	if (gone) {
		/* not on this compositor since the restore: absorbed; what it
		 * makes is gone too, and its end is answered here */
		close_fds(fds, m.nfds);
		struct wlcr_object *made =
			m.new_id ? wlcr_journal_get(&c->journal, m.new_id) : NULL;
		if (made) {
			made->gone = true;
			wlcr_replay_answer_inert(c, made, true);
		}
		if (msg->flags & WLCR_MSG_DESTRUCTOR && sender < WLCR_SERVER_ID_MIN) {
			uint8_t ev[12];
			int n = wlcr_wire_build(ev, sizeof(ev), 1, WLCR_EVT_wl_display_delete_id,
						"u", sender);
			wlcr_journal_remove(&c->journal, sender);
			if (n < 0 || wlcr_conn_write(&c->down, ev, (size_t)n, NULL, 0) < 0) {
				wlcr_client_close(c, "out of memory");
				return false;
			}
		}
		return true;
	}
	/* the journal keeps the app's name (helper/names.h) */
	if (bind_to)
		wlcr_wire_set_word(bytes + m.args[0].offset, bind_to);
	if (c->nid_pairs) {
		/* the journal keeps the app's ids; the compositor gets its own */
		uint32_t up = down_to_up(c, sender);
		if (up != sender)
			wlcr_wire_set_word(bytes, up);
		translate_ids(c, &m, bytes, false);
		if (msg->flags & WLCR_MSG_DESTRUCTOR)
			forget_pair(c, sender);
	}
	if (it == &wlcr_iface_wl_surface && opcode == WLCR_REQ_wl_surface_commit)
		note_commit(c);
	if (c->state == WLCR_CLIENT_WAITING) {
		/* no compositor now: the journal has it, and the replay onto
		 * the next one makes it so (a callback is asked for again) */
		close_fds(fds, m.nfds);
		return true;
	}
	if (wlcr_log_get_level() >= WLCR_LOG_DEBUG)
		wlcr_debug("client %u -> %s@%u.%s (%u fds)", c->index, it->name, sender, msg->name,
			   m.nfds);
	if (it == &wlcr_iface_wl_surface && opcode == WLCR_REQ_wl_surface_commit)
		note_commit(c);
	if ((it == &wlcr_iface_zxdg_importer_v1 && opcode == WLCR_REQ_zxdg_importer_v1_import) ||
	    (it == &wlcr_iface_zxdg_importer_v2 &&
	     opcode == WLCR_REQ_zxdg_importer_v2_import_toplevel))
		return import_handle(c, bytes, &m);
	if (wlcr_conn_write(&c->up, bytes, size, fds, m.nfds) < 0) {
		wlcr_client_close(c, "out of memory");
		return false;
	}
	return true;
}

/* wl_registry.global/global_remove: the app's names and clamped versions
 * (helper/names.h); what the app must not see is dropped. Returns false to
 * drop. */
static bool rewrite_registry_event(struct wlcr_client *c, const struct wlcr_wire_msg *m,
				   uint8_t *bytes)
{
	struct wlcr_names *names = &c->journal.names;
	if (m->opcode == WLCR_EVT_wl_registry_global) {
		struct wlcr_global *g = wlcr_registry_from_upstream(
			&c->upstream->registry, m->args[0].u, m->args[1].str, m->args[2].u);
		if (!g) {
			wlcr_err("client %u: out of memory for global %s", c->index,
				 m->args[1].str);
			return false;
		}
		if (g->hidden) {
			/* once per global: people need to know why an app
			 * finds no such interface through the proxy */
			if (!g->told)
				wlcr_info("hiding %s version %u of %s (%s)", g->interface,
					  g->upstream_version, c->upstream->path, g->hidden_why);
			else
				wlcr_debug("client %u: hiding global %s: %s", c->index,
					   g->interface, g->hidden_why);
			g->told = true;
			return false;
		}
		struct wlcr_name *n = wlcr_names_by_upstream(names, m->args[0].u);
		if (n && strcmp(n->interface, g->interface) != 0) {
			/* the compositor gave the name to something else */
			n->upstream = 0;
			n = NULL;
		}
		if (!n)
			n = wlcr_names_add(names, 0, g->interface, g->version, m->args[0].u);
		if (!n) {
			wlcr_err("client %u: out of memory for global %s", c->index, g->interface);
			return false;
		}
		n->version = g->version;
		wlcr_wire_set_word(bytes + m->args[0].offset, n->name);
		wlcr_wire_set_word(bytes + m->args[2].offset, n->version);
		return true;
	}
	struct wlcr_name *n = wlcr_names_by_upstream(names, m->args[0].u);
	if (!n)
		return false;
	/* kept, for a bind that crosses the removal */
	n->removed = true;
	wlcr_wire_set_word(bytes + m->args[0].offset, n->name);
	return true;
}

/* Adds add to a 64-bit count split in two words, high first (presentation
 * time's seconds, relative pointer's microseconds). */
static void shift_split(uint8_t *bytes, const struct wlcr_wire_msg *m, unsigned hi, int64_t add)
{
	uint64_t v = ((uint64_t)m->args[hi].u << 32 | m->args[hi + 1].u) + (uint64_t)add;
	wlcr_wire_set_word(bytes + m->args[hi].offset, (uint32_t)(v >> 32));
	wlcr_wire_set_word(bytes + m->args[hi + 1].offset, (uint32_t)v);
}

/* A time namespace moves the monotonic and boot clocks, not the real-time
 * ones a compositor may present in (wp_presentation.clock_id). */
static bool presentation_clock_shifts(struct wlcr_client *c, const struct wlcr_object *feedback)
{
	struct wlcr_object *p = wlcr_journal_creator(&c->journal, feedback);
	const struct wlcr_msgcopy *clk = p && p->iface == &wlcr_iface_wp_presentation && p->events
						 ? p->events[WLCR_EVT_wp_presentation_clock_id]
						 : NULL;
	if (!clk || clk->size < 12)
		return true;
	uint32_t id;
	memcpy(&id, clk->bytes + 8, sizeof(id));
	return id != CLOCK_REALTIME && id != CLOCK_REALTIME_COARSE && id != CLOCK_TAI;
}

/* A restored app's clocks run in its own time namespace: the timestamps of
 * input, frame and presentation events are moved onto its clock. */
static void shift_times(struct wlcr_client *c, const struct wlcr_object *obj,
			const struct wlcr_wire_msg *m, uint8_t *bytes)
{
	int64_t ms = c->time_offset_ms;
	uint32_t shift = (uint32_t)ms; /* wraps like the protocol's */
	if (obj->iface == &wlcr_iface_wl_callback) {
		/* a frame callback's data is a timestamp; a sync's is a serial */
		if (obj->frame_surface)
			wlcr_wire_set_word(bytes + m->args[0].offset, m->args[0].u + shift);
		return;
	}
	if (obj->iface == &wlcr_iface_zwp_relative_pointer_v1 &&
	    m->opcode == WLCR_EVT_zwp_relative_pointer_v1_relative_motion) {
		shift_split(bytes, m, 0, ms * 1000);
		return;
	}
	if (obj->iface == &wlcr_iface_wp_presentation_feedback &&
	    m->opcode == WLCR_EVT_wp_presentation_feedback_presented) {
		if (!presentation_clock_shifts(c, obj))
			return;
		/* seconds in two words, then nanoseconds: carried by hand */
		int64_t ns = (int64_t)m->args[2].u + (ms % 1000) * 1000000;
		int64_t sec = ms / 1000 + (ns < 0 ? -1 : ns >= 1000000000 ? 1 : 0);
		ns = ns < 0 ? ns + 1000000000 : ns % 1000000000;
		shift_split(bytes, m, 0, sec);
		wlcr_wire_set_word(bytes + m->args[2].offset, (uint32_t)ns);
		return;
	}
	for (unsigned i = 0; i < m->msg->nargs; i++)
		if (m->msg->args[i].role == WLCR_ROLE_TIME)
			wlcr_wire_set_word(bytes + m->args[i].offset, m->args[i].u + shift);
}

int wlcr_client_expect_delete(struct wlcr_client *c, uint32_t id)
{
	if (c->eat_head == c->neat_deletes)
		c->eat_head = c->neat_deletes = 0;
	if (c->neat_deletes == c->cap_eat_deletes) {
		uint32_t cap = c->cap_eat_deletes ? 2 * c->cap_eat_deletes : 64;
		uint32_t *n = realloc(c->eat_deletes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->eat_deletes = n;
		c->cap_eat_deletes = cap;
	}
	c->eat_deletes[c->neat_deletes++] = id;
	return 0;
}

/* A delete_id the proxy owed itself: taken off the list. They come in the
 * order the proxy made them owed, almost always: the oldest is looked at
 * first, and one out of order takes the oldest's place. */
static bool eat_delete(struct wlcr_client *c, uint32_t id)
{
	for (uint32_t i = c->eat_head; i < c->neat_deletes; i++) {
		if (c->eat_deletes[i] != id)
			continue;
		c->eat_deletes[i] = c->eat_deletes[c->eat_head++];
		return true;
	}
	return false;
}

static bool handle_event(struct wlcr_client *c, uint8_t *bytes, uint16_t size, uint32_t sender,
			 uint16_t opcode)
{
	char err[256] = "";
	struct wlcr_wire_msg m;
	int fds[WLCR_MAX_FDS_OUT];
	if (sender == 1 && opcode == WLCR_EVT_wl_display_delete_id && size == 12 &&
	    eat_delete(c, wlcr_wire_word(bytes + 8)))
		return true;
	if (c->replay && wlcr_replay_consumes(c, sender, opcode, bytes, size))
		return !c->dead;
	if (c->nid_pairs && sender >= WLCR_SERVER_ID_MIN) {
		sender = up_to_down(c, sender);
		wlcr_wire_set_word(bytes, sender);
	}
	struct wlcr_object *obj = wlcr_journal_get(&c->journal, sender);

	if (!obj) {
		/* a server-created object the client already destroyed:
		 * libwayland-client drops such events too */
		wlcr_debug("client %u: dropping event %u for unknown object %u", c->index, opcode,
			   sender);
		return true;
	}
	const struct wlcr_interface *it = obj->iface;
	if (opcode >= it->nevents ||
	    wlcr_wire_parse(bytes, size, &it->events[opcode], &m, err, sizeof(err)) < 0) {
		wlcr_err("client %u: malformed event from the compositor: %s@%u opcode %u: %s",
			 c->index, it->name, sender, opcode, err[0] ? err : "invalid opcode");
		wlcr_client_close(c, "malformed event from the compositor");
		return false;
	}
	const struct wlcr_message *msg = &it->events[opcode];
	if (wlcr_fdq_count(&c->up.in_fds) < m.nfds) {
		wlcr_err("client %u: compositor sent %s@%u.%s without its fd", c->index, it->name,
			 sender, msg->name);
		wlcr_client_close(c, "malformed event from the compositor");
		return false;
	}
	take_fds(&c->up, fds, m.nfds);
	if ((c->replayed || c->state == WLCR_CLIENT_REPLAYING) &&
	    !translate_ids(c, &m, bytes, true)) {
		close_fds(fds, m.nfds);
		wlcr_client_close(c, "out of memory");
		return false;
	}
	enum wlcr_replay_verdict verdict =
		c->replay ? wlcr_replay_event(c, &m, bytes) : WLCR_REPLAY_FORWARD;
	if (verdict == WLCR_REPLAY_CONSUME || c->dead) {
		close_fds(fds, m.nfds);
		return !c->dead;
	}
	if (it == &wlcr_iface_wl_display && opcode == WLCR_EVT_wl_display_error) {
		struct wlcr_object *bad = wlcr_journal_get(&c->journal, m.args[0].u);
		c->compositor_error = true;
		wlcr_err("client %u: wl_display.error from the compositor: %s@%u: code %u: %s",
			 c->index, iface_name(bad), m.args[0].u, m.args[1].u,
			 m.args[2].str ? m.args[2].str : "");
	}
	if (c->quiesced && it == &wlcr_iface_xdg_wm_base && opcode == WLCR_EVT_xdg_wm_base_ping) {
		/* the app is frozen: answer for it, so that the compositor
		 * does not mark it unresponsive; it never sees this ping */
		uint8_t pong[16];
		int n = wlcr_wire_build(pong, sizeof(pong), sender, WLCR_REQ_xdg_wm_base_pong, "u",
					m.args[0].u);
		close_fds(fds, m.nfds);
		c->pings_answered++;
		if (n < 0 || wlcr_conn_write(&c->up, pong, (size_t)n, NULL, 0) < 0) {
			wlcr_client_close(c, "out of memory");
			return false;
		}
		return true;
	}
	if (it == &wlcr_iface_wl_registry && !rewrite_registry_event(c, &m, bytes)) {
		close_fds(fds, m.nfds);
		return true;
	}
	if (!wlcr_journal_event_news(obj, &m)) {
		wlcr_debug("client %u: dropping %s@%u.%s: not news to the app", c->index, it->name,
			   sender, msg->name);
		close_fds(fds, m.nfds);
		return true;
	}
	/* before journaling: a destructor event frees obj */
	if (c->time_offset_ms && verdict == WLCR_REPLAY_FORWARD)
		shift_times(c, obj, &m, bytes);
	/* what the replay swallows the app never sees: its serials stay the
	 * compositor's, for the replay's own answers */
	if (verdict == WLCR_REPLAY_FORWARD)
		serials_to_app(c, &m, bytes);
	if (it == &wlcr_iface_zwp_text_input_v3 && opcode == WLCR_EVT_zwp_text_input_v3_done &&
	    obj->commit_base) {
		/* the app counts its commits since it began, the compositor
		 * since the restore */
		m.args[0].u += obj->commit_base;
		wlcr_wire_set_word(bytes + m.args[0].offset, m.args[0].u);
	}
	if (wlcr_journal_event(&c->journal, obj, &m, bytes, fds, err, sizeof(err)) < 0) {
		close_fds(fds, m.nfds);
		wlcr_err("client %u: %s@%u.%s: %s", c->index, it->name, sender, msg->name, err);
		wlcr_client_close(c, "journal failure");
		return false;
	}
	if (wlcr_log_get_level() >= WLCR_LOG_DEBUG)
		wlcr_debug("client %u <- %s@%u.%s%s", c->index, it->name, sender, msg->name,
			   verdict == WLCR_REPLAY_SWALLOW ? " (the app knows it: not sent)" : "");
	if (verdict == WLCR_REPLAY_SWALLOW) {
		close_fds(fds, m.nfds);
		return true;
	}
	if (wlcr_conn_write(&c->down, bytes, size, fds, m.nfds) < 0) {
		wlcr_client_close(c, "out of memory");
		return false;
	}
	return true;
}

bool wlcr_client_process(struct wlcr_client *c, bool requests)
{
	struct wlcr_conn *from = requests ? &c->down : &c->up;
	char err[128];
	for (;;) {
		uint32_t sender;
		uint16_t opcode;
		size_t len = wlcr_conn_in_len(from);
		int size = wlcr_wire_peek(wlcr_conn_in_data(from), len, &sender, &opcode, err,
					  sizeof(err));
		if (size == 0)
			return true;
		if (size < 0) {
			if (requests) {
				post_error(c, 1, DISPLAY_ERROR_INVALID_METHOD, "%s", err);
			} else {
				wlcr_err("client %u: compositor sent a malformed message: %s",
					 c->index, err);
				wlcr_client_close(c, "malformed event from the compositor");
			}
			return false;
		}
		/* handlers rewrite in place; in.data is ours */
		uint8_t *bytes = (uint8_t *)wlcr_conn_in_data(from);
		bool ok = requests ? handle_request(c, bytes, (uint16_t)size, sender, opcode)
				   : handle_event(c, bytes, (uint16_t)size, sender, opcode);
		if (!ok)
			return false;
		wlcr_conn_in_consume(from, (size_t)size);
	}
}

/* The connection to the compositor ended: by the compositor's choice
 * (after a protocol error it told the app), or by its death, which the
 * proxy's hook tells apart (helper/takeover.h: the client then waits). */
static void up_lost(struct wlcr_client *c, const char *why)
{
	if (c->proxy->upstream_lost && !c->compositor_error)
		c->proxy->upstream_lost(c, why);
	else
		wlcr_client_close(c, why);
}

static void drained(struct wlcr_client *c)
{
	void (*fn)(struct wlcr_client *, void *) = c->on_drained;
	c->on_drained = NULL;
	if (fn)
		fn(c, c->on_drained_data);
}

static bool flush(struct wlcr_client *c, struct wlcr_conn *conn, const char *side)
{
	if (c->quiesced && conn == &c->down)
		return true;
	if (conn->fd < 0) /* no compositor now */
		return true;
	int ret = wlcr_conn_flush(conn);
	if (ret < 0 && ret != -EAGAIN) {
		char why[64];
		snprintf(why, sizeof(why), "write to %s: %s", side, strerror(-ret));
		if (conn == &c->up)
			up_lost(c, why);
		else
			wlcr_client_close(c, why);
		return !c->dead && c->state != WLCR_CLIENT_WAITING;
	}
	if (ret == 0 && conn == &c->up && c->on_drained)
		drained(c);
	return true;
}

void wlcr_client_turn(struct wlcr_client *c, bool is_down, uint32_t events)
{
	struct wlcr_conn *from = is_down ? &c->down : &c->up;
	struct wlcr_conn *to = is_down ? &c->up : &c->down;
	const char *from_name = is_down ? "client" : "compositor";
	const char *to_name = is_down ? "compositor" : "client";

	if (events & EPOLLOUT && !flush(c, from, from_name))
		return;
	if (events & (EPOLLHUP | EPOLLERR) && wlcr_conn_out_full(to)) {
		/* the peer is gone and its other side does not read: nobody
		 * is left to take these bytes */
		if (is_down)
			wlcr_client_close(c, "client hung up");
		else
			up_lost(c, "compositor hung up");
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR) && !wlcr_conn_out_full(to)) {
		size_t fds_before = wlcr_fdq_count(&from->in_fds);
		/* one turn's share: what is left waits for the next turn of the
		 * loop (epoll is level-triggered), after every other ready peer */
		int ret = wlcr_conn_read_max(from, WLCR_CLIENT_TURN_BYTES);
		if (ret > 0 && c->record_fd >= 0)
			wlcr_record_chunk(c->record_fd, is_down,
					  (unsigned)(wlcr_fdq_count(&from->in_fds) - fds_before),
					  wlcr_conn_in_data(from) + wlcr_conn_in_len(from) - ret,
					  (size_t)ret);
		if (ret < 0 && ret != -EAGAIN) {
			char why[64];
			snprintf(why, sizeof(why), "read from %s: %s", from_name, strerror(-ret));
			if (is_down)
				wlcr_client_close(c, why);
			else
				up_lost(c, why);
			return;
		}
		if (!wlcr_client_process(c, is_down))
			return;
		if (!flush(c, to, to_name))
			return;
		if (from->eof && is_down) {
			/* hand over what is still queued, as a direct peer would
			 * have received it, then go */
			if (to->fd >= 0)
				wlcr_conn_flush(to);
			wlcr_client_close(c, "client disconnected");
			return;
		}
		if (from->eof) {
			up_lost(c, "compositor closed the connection");
			return;
		}
	}
	wlcr_client_update_interest(c);
}

static void on_down(struct wlcr_source *src, uint32_t events)
{
	wlcr_client_turn(src->data, true, events);
}

static void on_up(struct wlcr_source *src, uint32_t events)
{
	wlcr_client_turn(src->data, false, events);
}

struct wlcr_client *wlcr_client_new(struct wlcr_proxy *proxy, int down_fd, int up_fd)
{
	struct wlcr_client *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->proxy = proxy;
	c->index = ++proxy->next_index;
	wlcr_conn_init(&c->down, down_fd, proxy->opt.buffer_limit);
	wlcr_conn_init(&c->up, up_fd, proxy->opt.buffer_limit);
	c->down_src.fd = c->up_src.fd = -1;
	c->record_fd = -1;
	c->upstream = proxy->upstream;
	if (c->upstream)
		wlcr_upstream_ref(c->upstream);
	if (wlcr_journal_init(&c->journal) < 0) {
		wlcr_client_free(c);
		return NULL;
	}
	return c;
}

int wlcr_client_attach_up(struct wlcr_client *c, int fd)
{
	wlcr_client_detach_up(c);
	c->up.fd = fd;
	if (c->proxy->loop.epfd >= 0 &&
	    wlcr_loop_add(&c->proxy->loop, &c->up_src, fd, EPOLLIN, on_up, c) < 0) {
		int e = errno;
		wlcr_client_detach_up(c);
		return -e;
	}
	c->compositor_error = false;
	return 0;
}

void wlcr_client_detach_up(struct wlcr_client *c)
{
	wlcr_loop_remove(&c->proxy->loop, &c->up_src);
	/* what was on its way either side is lost with the compositor: the
	 * journal has what the app asked for, events are the next one's */
	wlcr_conn_finish(&c->up);
	wlcr_conn_init(&c->up, -1, c->proxy->opt.buffer_limit);
	/* and so are the delete_ids that compositor owed */
	c->eat_head = c->neat_deletes = 0;
}

struct wlcr_client *wlcr_client_create(struct wlcr_proxy *proxy, int fd)
{
	struct wlcr_client *c = wlcr_client_new(proxy, fd, -1);
	if (!c) {
		wlcr_err("out of memory for a new client");
		close(fd);
		return NULL;
	}
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->pid = cred.pid;
		c->uid = cred.uid;
		c->pid_in_ns = wlcr_pid_in_ns(cred.pid);
	}
	struct stat st;
	if (fstat(fd, &st) == 0)
		c->sock_ino = st.st_ino;

	int up = c->upstream->down ? -ENOENT : wlcr_upstream_connect(c->upstream);
	if (up < 0 && (!proxy->upstream_lost || !proxy->opt.compositor_timeout_ms)) {
		char why[256];
		snprintf(why, sizeof(why), "wlcr-proxy cannot connect to the compositor at %s: %s",
			 c->upstream->path, strerror(-up));
		wlcr_err("client %u (pid %d): %s", c->index, (int)c->pid, why);
		wlcr_client_refuse(fd, DISPLAY_ERROR_IMPLEMENTATION, why);
		goto fail;
	}
	if (proxy->opt.record_dir) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/client-%u.wlrec", proxy->opt.record_dir, c->index);
		c->record_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (c->record_fd < 0)
			wlcr_log_errno(WLCR_LOG_WARN, "client %u: cannot record to %s", c->index,
				       path);
	}
	if (wlcr_loop_add(&proxy->loop, &c->down_src, fd, EPOLLIN, on_down, c) < 0 ||
	    (up >= 0 && wlcr_client_attach_up(c, up) < 0)) {
		wlcr_log_errno(WLCR_LOG_ERROR, "client %u: epoll", c->index);
		goto fail;
	}
	wlcr_info("client %u: connected, pid %d, uid %u", c->index, (int)c->pid, (unsigned)c->uid);
	if (up < 0) {
		/* the compositor is away: the client waits for it like the rest */
		char why[256];
		snprintf(why, sizeof(why), "cannot connect to the compositor at %s: %s",
			 c->upstream->path, strerror(-up));
		proxy->upstream_lost(c, why);
	}
	return c;
fail:
	wlcr_client_free(c);
	return NULL;
}

void wlcr_client_close(struct wlcr_client *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	if (why)
		wlcr_info("client %u: closed: %s", c->index, why);
	wlcr_loop_remove(&c->proxy->loop, &c->down_src);
	wlcr_loop_remove(&c->proxy->loop, &c->up_src);
	wlcr_conn_finish(&c->down);
	wlcr_conn_finish(&c->up);
	drained(c); /* a dump waiting for it learns it is gone */
	/* a replay under way tells its caller */
	wlcr_replay_cancel(c, why ? why : "the client closed");
}

void wlcr_client_free(struct wlcr_client *c)
{
	if (!c)
		return;
	wlcr_client_close(c, NULL);
	if (c->record_fd >= 0)
		close(c->record_fd);
	wlcr_replay_free(c);
	free(c->serials);
	free(c->id_pairs);
	free(c->eat_deletes);
	wlcr_journal_finish(&c->journal);
	if (c->upstream)
		wlcr_upstream_unref(c->upstream);
	free(c);
}

int wlcr_client_quiesce(struct wlcr_client *c, char *err, size_t errlen)
{
	if (c->dead) {
		snprintf(err, errlen, "client %u is gone", c->index);
		return -ENOTCONN;
	}
	if (c->quiesced) {
		snprintf(err, errlen, "client %u is already being dumped", c->index);
		return -EBUSY;
	}
	if (c->journal.not_checkpointable) {
		snprintf(err, errlen, "client %u cannot be checkpointed: %s", c->index,
			 c->journal.not_checkpointable);
		return -EOPNOTSUPP;
	}
	/* everything the app wrote before criu froze it */
	for (;;) {
		int ret = wlcr_conn_read(&c->down);
		if (ret == -EAGAIN || (ret == 0 && c->down.eof))
			break;
		if (ret < 0) {
			snprintf(err, errlen, "client %u: read: %s", c->index, strerror(-ret));
			return ret;
		}
		if (!wlcr_client_process(c, true)) {
			snprintf(err, errlen, "client %u was closed for a protocol error",
				 c->index);
			return -EPROTO;
		}
	}
	if (c->down.eof) {
		snprintf(err, errlen, "client %u closed its connection", c->index);
		return -ENOTCONN;
	}
	c->quiesced = true;
	wlcr_client_update_interest(c);
	wlcr_info("client %u: quiesced for a dump", c->index);
	/* and into the compositor, so that the journal and the compositor
	 * agree: the rest goes as the compositor reads (on_drained); with no
	 * compositor now, the journal is all there is */
	int ret = c->up.fd >= 0 ? wlcr_conn_flush(&c->up) : 0;
	if (ret < 0 && ret != -EAGAIN) {
		snprintf(err, errlen, "client %u: write to the compositor: %s", c->index,
			 strerror(-ret));
		c->quiesced = false;
		wlcr_client_update_interest(c);
		return ret;
	}
	return ret == -EAGAIN ? 1 : 0;
}

void wlcr_client_resume(struct wlcr_client *c)
{
	if (c->dead || !c->quiesced)
		return;
	c->quiesced = false;
	c->on_drained = NULL;
	wlcr_info("client %u: resumed (%u pings answered meanwhile)", c->index, c->pings_answered);
	if (flush(c, &c->down, "client"))
		wlcr_client_update_interest(c);
}

void wlcr_client_kick(struct wlcr_client *c)
{
	if (c->dead)
		return;
	/* requests a replay held, complete in the buffer already */
	if (c->state == WLCR_CLIENT_CONNECTED && wlcr_conn_in_len(&c->down) &&
	    !wlcr_client_process(c, true))
		return;
	if (flush(c, &c->up, "compositor") && flush(c, &c->down, "client"))
		wlcr_client_update_interest(c);
}

const char *wlcr_client_state_name(const struct wlcr_client *c)
{
	switch (c->state) {
	case WLCR_CLIENT_CONNECTED:
		return "connected";
	case WLCR_CLIENT_RESTORED:
		return "restored, waiting for its replay";
	case WLCR_CLIENT_REPLAYING:
		return c->moving ? "moving" : "replaying";
	case WLCR_CLIENT_WAITING:
		return "waiting for the compositor";
	}
	return "?";
}

struct describe_ctx {
	const char *title, *app_id;
};

static const char *setter_string(const struct wlcr_object *obj, uint16_t opcode)
{
	if (!obj->setters || !obj->setters[opcode])
		return NULL;
	const struct wlcr_msgcopy *mc = obj->setters[opcode];
	if (mc->size <= 12 || wlcr_wire_word(mc->bytes + 8) == 0)
		return NULL;
	/* the parser checked the string when it was recorded */
	return (const char *)mc->bytes + 12;
}

static void describe_one(struct wlcr_object *obj, void *data)
{
	struct describe_ctx *d = data;
	if (obj->iface != &wlcr_iface_xdg_toplevel || obj->zombie)
		return;
	const char *t = setter_string(obj, WLCR_REQ_xdg_toplevel_set_title);
	const char *a = setter_string(obj, WLCR_REQ_xdg_toplevel_set_app_id);
	if (t)
		d->title = t;
	if (a)
		d->app_id = a;
}

void wlcr_client_describe(const struct wlcr_client *c, const char **ret_title,
			  const char **ret_app_id)
{
	struct describe_ctx d = { "", "" };
	wlcr_objmap_for_each(&c->journal.map, describe_one, &d);
	*ret_title = d.title;
	*ret_app_id = d.app_id;
}
