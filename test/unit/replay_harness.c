#include "replay_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "replay.h"
#include "restore.h"
#include "snapshot.h"

/* ---- byte queues and logs ------------------------------------------------- */

static void buf_add(struct rh_buf *b, const uint8_t *bytes, size_t len)
{
	if (!len)
		return; /* bytes may be NULL: memcpy from NULL is undefined */
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		uint8_t *d = realloc(b->data, cap);
		if (!d)
			abort();
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
}

static void buf_drop(struct rh_buf *b, size_t len)
{
	memmove(b->data, b->data + len, b->len - len);
	b->len -= len;
}

static struct rh_msg *log_add(struct rh_log *log, const uint8_t *bytes, uint16_t size)
{
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		struct rh_msg *m = realloc(log->msgs, cap * sizeof(*m));
		if (!m)
			abort();
		log->msgs = m;
		log->cap = cap;
	}
	struct rh_msg *msg = &log->msgs[log->n++];
	memset(msg, 0, sizeof(*msg));
	msg->bytes = malloc(size);
	if (!msg->bytes)
		abort();
	memcpy(msg->bytes, bytes, size);
	msg->m.sender = wlcr_wire_word(bytes);
	msg->m.opcode = (uint16_t)(wlcr_wire_word(bytes + 4) & 0xffff);
	msg->m.size = size;
	snprintf(msg->name, sizeof(msg->name), "?");
	return msg;
}

/* Parses a logged message as sent by an object of iface; false when it
 * does not parse. */
static bool log_parse(struct rh_msg *msg, const struct wlcr_interface *iface, bool request,
		      char *err, size_t errlen)
{
	uint16_t op = msg->m.opcode;
	if (!iface || op >= (request ? iface->nrequests : iface->nevents)) {
		snprintf(err, errlen, "invalid %s %u on %s@%u", request ? "method" : "event", op,
			 iface ? iface->name : "?", msg->m.sender);
		return false;
	}
	const struct wlcr_message *def = request ? &iface->requests[op] : &iface->events[op];
	snprintf(msg->name, sizeof(msg->name), "%s.%s", iface->name, def->name);
	if (wlcr_wire_parse(msg->bytes, msg->m.size, def, &msg->m, err, errlen) < 0) {
		msg->m.msg = NULL;
		return false;
	}
	return true;
}

static void log_free(struct rh_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->msgs[i].bytes);
	free(log->msgs);
	memset(log, 0, sizeof(*log));
}

/* ---- the scripted compositor ---------------------------------------------- */

static struct rh_object *cobj(struct replay_harness *h, uint32_t id)
{
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i].id == id)
			return &h->objs[i];
	return NULL;
}

static struct rh_object *cobj_add(struct replay_harness *h, uint32_t id,
				  const struct wlcr_interface *iface, uint32_t version)
{
	if (h->nobjs == h->cap_objs) {
		size_t cap = h->cap_objs ? h->cap_objs * 2 : 64;
		struct rh_object *o = realloc(h->objs, cap * sizeof(*o));
		if (!o)
			abort();
		h->objs = o;
		h->cap_objs = cap;
	}
	struct rh_object *o = &h->objs[h->nobjs++];
	memset(o, 0, sizeof(*o));
	o->id = id;
	o->iface = iface;
	o->version = version;
	if (id < WLCR_SERVER_ID_MIN && id > h->max_id)
		h->max_id = id;
	return o;
}

static void cobj_remove(struct replay_harness *h, uint32_t id)
{
	struct rh_object *o = cobj(h, id);
	if (o)
		*o = h->objs[--h->nobjs];
}

/* An event of the compositor's, queued for the proxy. */
#define QUEUE_TO(q, sender, opcode, ...)                                                           \
	do {                                                                                       \
		uint8_t b_[512];                                                                   \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		if (n_ < 0)                                                                        \
			abort();                                                                   \
		buf_add(q, b_, (size_t)n_);                                                        \
	} while (0)

/* libwayland-server's answer to a client error: wl_display.error, and the
 * client is disconnected (nothing it sends afterwards is read). */
static void protocol_error(struct replay_harness *h, uint32_t object, uint32_t code,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void protocol_error(struct replay_harness *h, uint32_t object, uint32_t code,
			   const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!h->error[0])
		snprintf(h->error, sizeof(h->error), "compositor: %s", msg);
	h->disconnected = true;
	QUEUE_TO(&h->queue, 1, WLCR_EVT_wl_display_error, "ous", object, code, msg);
}

/* What libwayland-server checks before a request reaches the compositor:
 * the version, every object argument (alive, of its type), every new id
 * (a free slot, at most one past the highest used) and, for a bind, the
 * global. Returns false after a protocol error. */
static bool check_request(struct replay_harness *h, const struct rh_object *sender,
			  const struct rh_msg *req)
{
	const struct wlcr_message *def = req->m.msg;
	if (def->since > sender->version) {
		protocol_error(h, sender->id, 1, "%s@%u: %s needs version %u, object has %u",
			       sender->iface->name, sender->id, req->name, def->since,
			       sender->version);
		return false;
	}
	for (unsigned i = 0; i < def->nargs; i++) {
		const struct wlcr_arg *a = &def->args[i];
		uint32_t id = req->m.args[i].u;
		if (a->kind == WLCR_ARG_OBJECT && id) {
			const struct rh_object *o = cobj(h, id);
			if (!o) {
				protocol_error(h, 1, 0, "unknown object (%u), message %s", id,
					       req->name);
				return false;
			}
			if (a->iface && o->iface != a->iface) {
				protocol_error(h, 1, 0, "%s: object %u in arg %s is a %s, not a %s",
					       req->name, id, a->name, o->iface->name,
					       a->iface->name);
				return false;
			}
		}
		if (a->kind == WLCR_ARG_NEW_ID &&
		    (id >= WLCR_SERVER_ID_MIN || id > h->max_id + 1 || cobj(h, id))) {
			protocol_error(h, 1, 0, "invalid new id %u, message %s", id, req->name);
			return false;
		}
	}
	if (req->m.new_iface_name) {
		const struct rh_global *g = NULL;
		for (size_t i = 0; i < h->opt.nglobals; i++)
			if (h->opt.globals[i].name == req->m.args[0].u)
				g = &h->opt.globals[i];
		if (!g || strcmp(g->interface, req->m.new_iface_name) != 0 ||
		    req->m.new_version > g->version || !wlcr_interface_find(g->interface)) {
			protocol_error(h, sender->id, 0, "invalid global %s (%u)",
				       req->m.new_iface_name, req->m.args[0].u);
			return false;
		}
	}
	return true;
}

static void answer(struct replay_harness *h, struct rh_object *sender, const struct rh_msg *req)
{
	const struct wlcr_interface *it = sender->iface;
	uint16_t op = req->m.opcode;
	uint32_t a[WLCR_WIRE_MAX_ARGS];
	for (unsigned i = 0; i < req->m.msg->nargs; i++)
		a[i] = req->m.args[i].u;
	if (it == &wlcr_iface_wl_display && op == WLCR_REQ_wl_display_sync) {
		QUEUE_TO(&h->queue, a[0], WLCR_EVT_wl_callback_done, "u", ++h->serial);
		/* the callback is destroyed with its done */
		cobj_remove(h, a[0]);
		QUEUE_TO(h->opt.hold_sync_deletes ? &h->held : &h->queue, 1,
			 WLCR_EVT_wl_display_delete_id, "u", a[0]);
	} else if (it == &wlcr_iface_wl_display && op == WLCR_REQ_wl_display_get_registry) {
		for (size_t i = 0; i < h->opt.nglobals; i++)
			QUEUE_TO(&h->queue, a[0], WLCR_EVT_wl_registry_global, "usu",
				 h->opt.globals[i].name, h->opt.globals[i].interface,
				 h->opt.globals[i].version);
	} else if (it == &wlcr_iface_xdg_wm_base && op == WLCR_REQ_xdg_wm_base_get_xdg_surface) {
		struct rh_object *s = cobj(h, a[1]);
		struct rh_object *x = cobj(h, a[0]);
		if (s && x) {
			s->role = x->id;
			x->surface = s->id;
		}
	} else if (it == &wlcr_iface_xdg_surface && (op == WLCR_REQ_xdg_surface_get_toplevel ||
						     op == WLCR_REQ_xdg_surface_get_popup)) {
		sender->toplevel = a[0];
		sender->popup = op == WLCR_REQ_xdg_surface_get_popup;
	} else if (it == &wlcr_iface_wl_surface && op == WLCR_REQ_wl_surface_commit &&
		   sender->role) {
		/* the initial commit of an xdg role asks for a configure */
		struct rh_object *x = cobj(h, sender->role);
		struct rh_buf *q = h->opt.configure_late ? &h->late : &h->queue;
		if (x && x->toplevel && !x->configured) {
			x->configured = true;
			if (x->popup)
				QUEUE_TO(q, x->toplevel, WLCR_EVT_xdg_popup_configure, "iiii", 0u,
					 0u, 100u, 100u);
			else
				QUEUE_TO(q, x->toplevel, WLCR_EVT_xdg_toplevel_configure, "iia", 0u,
					 0u, 0u, NULL);
			x->configure_serial = ++h->serial;
			QUEUE_TO(q, x->id, WLCR_EVT_xdg_surface_configure, "u",
				 x->configure_serial);
		}
	}
}

static void compositor_request(struct replay_harness *h, const uint8_t *bytes, uint16_t size)
{
	struct wlcr_client *c = h->b.c;
	struct rh_msg *req = log_add(&h->up, bytes, size);
	struct rh_object *sender = cobj(h, req->m.sender);
	char err[256] = "";
	bool ok = sender && log_parse(req, sender->iface, true, err, sizeof(err));
	/* its fds travel beside it */
	for (unsigned i = 0; ok && i < req->m.nfds; i++) {
		int fd = wlcr_fdq_pop(&c->up.out_fds);
		if (fd < 0) {
			snprintf(err, sizeof(err), "%s sent without its fd", req->name);
			ok = false;
			break;
		}
		req->has_fd = pread(fd, &req->fd_word, 4, 0) == 4;
		close(fd);
	}
	if (h->disconnected)
		return;
	if (!sender) {
		protocol_error(h, 1, 0, "invalid object %u", req->m.sender);
		return;
	}
	if (!ok) {
		protocol_error(h, sender->id, 1, "%s@%u: %s", sender->iface->name, sender->id, err);
		return;
	}
	if (!check_request(h, sender, req))
		return;
	const struct wlcr_message *def = req->m.msg;
	if (def->new_id_arg >= 0) {
		const struct wlcr_interface *it = def->args[def->new_id_arg].iface;
		uint32_t version = sender->version;
		if (!it) {
			it = wlcr_interface_find(req->m.new_iface_name);
			version = req->m.new_version;
		}
		cobj_add(h, req->m.new_id, it, version);
	}
	/* cobj_add may have moved it */
	uint32_t id = req->m.sender;
	sender = cobj(h, id);
	answer(h, sender, req);
	if (h->opt.on_request)
		h->opt.on_request(h, req);
	if (def->flags & WLCR_MSG_DESTRUCTOR) {
		cobj_remove(h, id);
		if (id < WLCR_SERVER_ID_MIN)
			QUEUE_TO(&h->queue, 1, WLCR_EVT_wl_display_delete_id, "u", id);
	}
}

/* Everything the proxy queued for the compositor, answered in order. */
static void compositor_read(struct replay_harness *h)
{
	struct wlcr_conn *up = &h->b.c->up;
	size_t len = wlcr_conn_out_len(up);
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	if (len)
		memcpy(copy, up->out.data + up->out.start, len);
	up->out.start = up->out.end = 0;
	for (size_t off = 0; off < len;) {
		uint32_t sender;
		uint16_t opcode;
		char err[128];
		int size =
			wlcr_wire_peek(copy + off, len - off, &sender, &opcode, err, sizeof(err));
		if (size <= 0) {
			snprintf(h->error, sizeof(h->error), "proxy sent a broken message: %s",
				 size ? err : "truncated");
			h->disconnected = true;
			break;
		}
		compositor_request(h, copy + off, (uint16_t)size);
		off += (size_t)size;
	}
	free(copy);
	if (wlcr_fdq_count(&up->out_fds) && !h->error[0])
		snprintf(h->error, sizeof(h->error), "proxy sent fds without their messages");
	wlcr_fdq_clear(&up->out_fds);
	buf_add(&h->queue, h->late.data, h->late.len);
	h->late.len = 0;
}

/* ---- the app's side --------------------------------------------------------- */

static const struct wlcr_interface *app_iface(struct replay_harness *h, uint32_t id)
{
	/* the journal forgets objects at delete_id; what the app was told
	 * about them just before is still parsed with what they were */
	const struct wlcr_object *o = wlcr_journal_get(&h->b.c->journal, id);
	for (size_t i = 0; i < h->nseen; i++)
		if (h->seen[i].id == id) {
			if (o && o->iface)
				h->seen[i].iface = o->iface;
			return h->seen[i].iface;
		}
	if (!o || !o->iface)
		return NULL;
	if (h->nseen == h->cap_seen) {
		size_t cap = h->cap_seen ? h->cap_seen * 2 : 64;
		void *s = realloc(h->seen, cap * sizeof(*h->seen));
		if (!s)
			abort();
		h->seen = s;
		h->cap_seen = cap;
	}
	h->seen[h->nseen].id = id;
	h->seen[h->nseen].iface = o->iface;
	h->nseen++;
	return o->iface;
}

/* Everything the proxy queued for the app, into the log. */
static void app_read(struct replay_harness *h)
{
	struct wlcr_conn *down = &h->b.c->down;
	size_t len = wlcr_conn_out_len(down);
	/* out.data is NULL until something was queued: NULL + 0 is undefined */
	const uint8_t *data = len ? down->out.data + down->out.start : NULL;
	for (size_t off = 0; off < len;) {
		uint32_t sender;
		uint16_t opcode;
		char err[128];
		int size =
			wlcr_wire_peek(data + off, len - off, &sender, &opcode, err, sizeof(err));
		if (size <= 0)
			break;
		struct rh_msg *ev = log_add(&h->down, data + off, (uint16_t)size);
		if (log_parse(ev, app_iface(h, sender), false, err, sizeof(err)) && ev->m.nfds &&
		    wlcr_fdq_count(&down->out_fds)) {
			int fd = wlcr_fdq_pop(&down->out_fds);
			ev->has_fd = pread(fd, &ev->fd_word, 4, 0) == 4;
			close(fd);
		}
		off += (size_t)size;
	}
	wlcr_conn_out_discard(down);
}

/* Until nobody has anything more to say: the compositor answers what the
 * proxy sent, and its events go to the proxy one at a time (so that each
 * event to the app is parsed with the journal as it was then). */
void rh_pump(struct replay_harness *h)
{
	struct wlcr_client *c = h->b.c;
	for (unsigned guard = 0; guard < 1000000 && !c->dead; guard++) {
		app_read(h);
		if (wlcr_conn_out_len(&c->up) || wlcr_fdq_count(&c->up.out_fds)) {
			compositor_read(h);
			continue;
		}
		if (!h->queue.len)
			break;
		uint32_t sender;
		uint16_t opcode;
		char err[128];
		int size = wlcr_wire_peek(h->queue.data, h->queue.len, &sender, &opcode, err,
					  sizeof(err));
		if (size <= 0)
			abort(); /* the harness built it */
		wlcr_conn_in_append(&c->up, h->queue.data, (size_t)size);
		buf_drop(&h->queue, (size_t)size);
		wlcr_client_process(c, false);
	}
	if (!c->dead)
		app_read(h);
}

/* ---- the dump and the plugin's part --------------------------------------- */

static Image *dump(struct replay_harness *h, struct session *a, char *err, size_t errlen)
{
	Image *img = malloc(sizeof(*img));
	if (!img)
		return NULL;
	image__init(img);
	img->client_ino = 1;
	img->pid = getpid();
	img->proxy_socket = strdup("wayland-harness");
	img->token.data = malloc(16);
	if (!img->proxy_socket || !img->token.data) {
		image__free_unpacked(img, NULL);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* the plugin's part: a token the restored socket will name */
	memcpy(img->token.data, h->token, 16);
	img->token.len = 16;
	int ret = wlcr_snapshot_build(&a->c->journal, h->opt.pid, img);
	if (ret < 0) {
		image__free_unpacked(img, NULL);
		snprintf(err, errlen, "wlcr_snapshot_build: %s", strerror(-ret));
		return NULL;
	}
	if (h->opt.on_image)
		h->opt.on_image(h, img);
	/* through the wire format, as the image file and CTL_RESTORE carry it */
	size_t len = image__get_packed_size(img);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf) {
		image__free_unpacked(img, NULL);
		return NULL;
	}
	image__pack(img, buf);
	image__free_unpacked(img, NULL);
	Image *copy = image__unpack(NULL, len, buf);
	free(buf);
	if (!copy)
		snprintf(err, errlen, "the packed image does not unpack");
	return copy;
}

/* As plugin/restore.c open_pools: the restored app's mapping, or a memfd
 * with the content the image holds. */
static int pool_fd(const ShmPool *p, char *err, size_t errlen)
{
	if (p->has_map_start) {
		char path[96];
		snprintf(path, sizeof(path), "/proc/self/map_files/%llx-%llx",
			 (unsigned long long)p->map_start, (unsigned long long)p->map_end);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	int fd = memfd_create("rh-pool", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)p->size) < 0) {
		snprintf(err, errlen, "pool %u: memfd: %s", p->pool_id, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* map_files needs CAP_SYS_ADMIN; the mapping is ours all the same */
	const void *from = p->has_map_start ? (const void *)(uintptr_t)p->map_start
					    : (const void *)p->content.data;
	size_t n = p->has_map_start ? p->map_end - p->map_start : p->content.len;
	if (n && pwrite(fd, from, n, (off_t)(p->has_map_start ? p->map_offset : 0)) != (ssize_t)n) {
		snprintf(err, errlen, "pool %u: write: %s", p->pool_id, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* As the control socket does when a restore's replay ends. */
static void replay_ended(struct wlcr_client *c, void *data, const char *error)
{
	struct replay_harness *h = data;
	h->ended = true;
	if (error) {
		snprintf(h->error, sizeof(h->error), "replay failed: %s", error);
		wlcr_client_close(c, "replay failed");
		return;
	}
	c->state = WLCR_CLIENT_CONNECTED;
}

/* Runs the replay begun on c to its end: 0, or -1 with h->error. */
static int replay_outcome(struct replay_harness *h, struct wlcr_client *c)
{
	rh_pump(h);
	if (c->dead) {
		if (!h->error[0])
			snprintf(h->error, sizeof(h->error), "the proxy closed the client");
		return -1;
	}
	if (!h->ended) {
		snprintf(h->error, sizeof(h->error), "the replay stalled");
		return -1;
	}
	return h->error[0] ? -1 : 0;
}

int rh_restore(struct replay_harness *h, struct session *a, const struct rh_options *opt)
{
	static uint8_t next_token;
	char err[512] = "";
	memset(h, 0, sizeof(*h));
	h->opt = *opt;
	h->serial = opt->serial;
	for (int i = 0; i < 16; i++)
		h->token[i] = (uint8_t)(0xa0 + i);
	h->token[15] = ++next_token;
	if (session_init(&h->b) < 0) {
		snprintf(h->error, sizeof(h->error), "session_init failed");
		return -1;
	}
	h->b_ready = true;
	/* the compositor's wl_display */
	cobj_add(h, 1, &wlcr_iface_wl_display, 1);

	Image *img = dump(h, a, err, sizeof(err));
	if (!img) {
		snprintf(h->error, sizeof(h->error), "dump: %s", err);
		return -1;
	}
	if (opt->after_dump)
		opt->after_dump(h);
	int fds[64];
	size_t nfds = img->n_pools;
	if (nfds > 64) {
		image__free_unpacked(img, NULL);
		snprintf(h->error, sizeof(h->error), "too many pools");
		return -1;
	}
	for (size_t i = 0; i < nfds; i++) {
		fds[i] = pool_fd(img->pools[i], err, sizeof(err));
		if (fds[i] < 0) {
			while (i--)
				close(fds[i]);
			image__free_unpacked(img, NULL);
			snprintf(h->error, sizeof(h->error), "%s", err);
			return -1;
		}
	}
	/* CTL_RESTORE: the proxy takes the image */
	if (wlcr_restore_register(&h->b.proxy, img, err, sizeof(err)) < 0) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		snprintf(h->error, sizeof(h->error), "register: %s", err);
		return -1;
	}
	/* the restored socket's first message names the image */
	struct wlcr_client *c = h->b.c;
	uint8_t claim[24];
	wlcr_wire_set_word(claim, 0);
	wlcr_wire_set_word(claim + 4, (uint32_t)sizeof(claim) << 16);
	memcpy(claim + 8, h->token, 16);
	wlcr_conn_in_append(&c->down, claim, sizeof(claim));
	if (!wlcr_client_process(c, true) || c->state != WLCR_CLIENT_RESTORED) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		snprintf(h->error, sizeof(h->error), "the proxy refused the claim");
		return -1;
	}
	app_read(h);
	/* CTL_REPLAY, with the pools' fds */
	struct wlcr_replay_end end = { replay_ended, h };
	int ret = -1;
	if (!wlcr_restore_waits(c, h->token, 16)) {
		snprintf(err, sizeof(err), "not waiting for its replay");
	} else {
		c->state = WLCR_CLIENT_REPLAYING;
		struct wlcr_replay_params p = { fds, nfds, opt->time_offset_ms, end };
		/* the proxy reads the offset from the restored task's /proc */
		ret = opt->time_offset_ms
			      ? wlcr_replay_start(c, &p, err, sizeof(err))
			      : wlcr_restore_replay(c, fds, nfds, 0, end, err, sizeof(err));
	}
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (ret < 0) {
		snprintf(h->error, sizeof(h->error), "wlcr_restore_replay: %s", err);
		return -1;
	}
	return replay_outcome(h, c);
}

int rh_replay_again(struct replay_harness *h)
{
	struct wlcr_client *c = h->b.c;
	char err[256];
	if (c->dead || c->state != WLCR_CLIENT_CONNECTED)
		return -1;
	/* a fresh compositor: its wl_display, nothing said yet */
	h->nobjs = 0;
	h->max_id = 0;
	h->queue.len = h->late.len = h->held.len = 0;
	h->disconnected = h->ended = false;
	h->error[0] = '\0';
	cobj_add(h, 1, &wlcr_iface_wl_display, 1);
	wlcr_client_detach_up(c);
	c->state = WLCR_CLIENT_REPLAYING;
	struct wlcr_replay_params p = { .time_offset_ms = c->time_offset_ms,
					.end = { replay_ended, h } };
	if (wlcr_replay_start(c, &p, err, sizeof(err)) < 0) {
		snprintf(h->error, sizeof(h->error), "wlcr_replay_start: %s", err);
		wlcr_client_close(c, err);
		return -1;
	}
	return replay_outcome(h, c);
}

void rh_finish(struct replay_harness *h)
{
	if (getenv("RH_PRINT"))
		rh_print(h);
	if (h->b_ready)
		session_finish(&h->b);
	log_free(&h->up);
	log_free(&h->down);
	free(h->objs);
	free(h->queue.data);
	free(h->late.data);
	free(h->held.data);
	free(h->seen);
	memset(h, 0, sizeof(*h));
}

bool rh_app(struct replay_harness *h, const uint8_t *bytes, int len, int fd)
{
	struct wlcr_client *c = h->b.c;
	if (c->dead || len < 0)
		return false;
	if (fd >= 0)
		wlcr_fdq_push(&c->down.in_fds, fcntl(fd, F_DUPFD_CLOEXEC, 3), 0);
	wlcr_conn_in_append(&c->down, bytes, (size_t)len);
	bool ok = wlcr_client_process(c, true);
	if (ok)
		rh_pump(h);
	return ok && !c->dead;
}

bool rh_compositor(struct replay_harness *h, const uint8_t *bytes, int len)
{
	if (h->b.c->dead || len < 0)
		return false;
	rh_queue(h, bytes, len);
	rh_pump(h);
	return !h->b.c->dead;
}

bool rh_release_deletes(struct replay_harness *h)
{
	if (h->b.c->dead)
		return false;
	buf_add(&h->queue, h->held.data, h->held.len);
	h->held.len = 0;
	rh_pump(h);
	return !h->b.c->dead;
}

void rh_queue(struct replay_harness *h, const uint8_t *bytes, int len)
{
	if (len < 8)
		abort();
	/* a destructor event ends the object on the compositor at once (its
	 * delete_id, for a client id, is the test's to send) */
	const struct rh_object *o = cobj(h, wlcr_wire_word(bytes));
	uint16_t op = (uint16_t)(wlcr_wire_word(bytes + 4) & 0xffff);
	const struct wlcr_message *def =
		o && o->iface && op < o->iface->nevents ? &o->iface->events[op] : NULL;
	struct wlcr_wire_msg m;
	char err[128];
	/* a new server object (a data offer) exists for the client's requests */
	if (def && def->new_id_arg >= 0 && def->args[def->new_id_arg].iface &&
	    wlcr_wire_parse(bytes, (uint16_t)len, def, &m, err, sizeof(err)) == 0 &&
	    !cobj(h, m.new_id))
		cobj_add(h, m.new_id, def->args[def->new_id_arg].iface, o->version);
	else if (def && def->flags & WLCR_MSG_DESTRUCTOR)
		cobj_remove(h, o->id);
	buf_add(&h->queue, bytes, (size_t)len);
}

/* ---- looking at the logs ------------------------------------------------- */

int rh_find(const struct rh_log *log, size_t from, const char *name, uint32_t sender)
{
	for (size_t i = from; i < log->n; i++)
		if (strcmp(log->msgs[i].name, name) == 0 &&
		    (!sender || log->msgs[i].m.sender == sender))
			return (int)i;
	return -1;
}

int rh_find_last(const struct rh_log *log, const char *name, uint32_t sender)
{
	for (size_t i = log->n; i-- > 0;)
		if (strcmp(log->msgs[i].name, name) == 0 &&
		    (!sender || log->msgs[i].m.sender == sender))
			return (int)i;
	return -1;
}

size_t rh_count(const struct rh_log *log, size_t from, const char *name, uint32_t sender)
{
	size_t n = 0;
	for (size_t i = from; i < log->n; i++)
		n += strcmp(log->msgs[i].name, name) == 0 &&
		     (!sender || log->msgs[i].m.sender == sender);
	return n;
}

int rh_find_new(const struct rh_log *log, size_t from, const char *name, uint32_t id)
{
	for (size_t i = from; i < log->n; i++)
		if (strcmp(log->msgs[i].name, name) == 0 && log->msgs[i].m.msg &&
		    log->msgs[i].m.new_id == id)
			return (int)i;
	return -1;
}

uint32_t rh_arg(const struct rh_log *log, int at, unsigned i)
{
	if (at < 0 || (size_t)at >= log->n || !log->msgs[at].m.msg ||
	    i >= log->msgs[at].m.msg->nargs)
		return 0xdeadbeef;
	return log->msgs[at].m.args[i].u;
}

const char *rh_str(const struct rh_log *log, int at, unsigned i)
{
	if (at < 0 || (size_t)at >= log->n || !log->msgs[at].m.msg ||
	    i >= log->msgs[at].m.msg->nargs || !log->msgs[at].m.args[i].str)
		return "";
	return log->msgs[at].m.args[i].str;
}

const struct rh_object *rh_object(const struct replay_harness *h, uint32_t id)
{
	for (size_t i = 0; i < h->nobjs; i++)
		if (h->objs[i].id == id)
			return &h->objs[i];
	return NULL;
}

static void print_log(const char *title, const struct rh_log *log)
{
	fprintf(stderr, "    %s:\n", title);
	for (size_t i = 0; i < log->n; i++) {
		const struct rh_msg *msg = &log->msgs[i];
		fprintf(stderr, "    %4zu %s@%u(", i, msg->name, msg->m.sender);
		for (unsigned k = 0; msg->m.msg && k < msg->m.msg->nargs; k++) {
			const struct wlcr_wire_arg *v = &msg->m.args[k];
			const char *sep = k ? ", " : "";
			switch (msg->m.msg->args[k].kind) {
			case WLCR_ARG_STRING:
				fprintf(stderr, "%s\"%s\"", sep, v->str ? v->str : "(null)");
				break;
			case WLCR_ARG_INT:
				fprintf(stderr, "%s%d", sep, (int32_t)v->u);
				break;
			case WLCR_ARG_FIXED:
				fprintf(stderr, "%s%g", sep, (int32_t)v->u / 256.0);
				break;
			case WLCR_ARG_ARRAY:
				fprintf(stderr, "%s[%u bytes]", sep, v->u);
				break;
			case WLCR_ARG_FD:
				fprintf(stderr, "%sfd", sep);
				break;
			case WLCR_ARG_NEW_ID:
				fprintf(stderr, "%snew %s%s%u", sep,
					msg->m.new_iface_name ? msg->m.new_iface_name : "",
					msg->m.new_iface_name ? " " : "", v->u);
				break;
			default:
				fprintf(stderr, "%s%u", sep, v->u);
			}
		}
		fprintf(stderr, ")\n");
	}
}

void rh_print(const struct replay_harness *h)
{
	print_log("requests to the compositor", &h->up);
	print_log("events to the app", &h->down);
	if (h->error[0])
		fprintf(stderr, "    error: %s\n", h->error);
}
