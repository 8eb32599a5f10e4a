#include "snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "protocols.h"
#include "wire.h"

/* ---- journal -> image ------------------------------------------------------ */

static bool bytes_dup(ProtobufCBinaryData *out, const uint8_t *p, size_t n)
{
	out->data = malloc(n ? n : 1);
	if (!out->data)
		return false;
	memcpy(out->data, p, n);
	out->len = n;
	return true;
}

static JRect **rects_from(const pixman_region32_t *r, size_t *ret_n)
{
	int n = 0;
	const pixman_box32_t *boxes = pixman_region32_rectangles((pixman_region32_t *)r, &n);
	*ret_n = 0;
	if (n <= 0)
		return NULL;
	JRect **out = calloc((size_t)n, sizeof(*out));
	if (!out)
		return NULL;
	for (int i = 0; i < n; i++) {
		out[i] = malloc(sizeof(JRect));
		if (!out[i])
			return out; /* *ret_n counts what is there: freed by the caller */
		jrect__init(out[i]);
		out[i]->x = boxes[i].x1;
		out[i]->y = boxes[i].y1;
		out[i]->width = boxes[i].x2 - boxes[i].x1;
		out[i]->height = boxes[i].y2 - boxes[i].y1;
		*ret_n = (size_t)i + 1;
	}
	return out;
}

static uint32_t *ids_dup(const uint32_t *ids, uint32_t n)
{
	if (!n)
		return NULL;
	uint32_t *out = malloc(n * sizeof(*out));
	if (out)
		memcpy(out, ids, n * sizeof(*out));
	return out;
}

static JSurfaceState *state_out(const struct wlcr_surface_state *s)
{
	JSurfaceState *o = malloc(sizeof(*o));
	if (!o)
		return NULL;
	jsurface_state__init(o);
#define SET(field, value)                                                                          \
	do {                                                                                       \
		o->has_##field = true;                                                             \
		o->field = (value);                                                                \
	} while (0)
	SET(attached, s->attached);
	SET(buffer, s->buffer);
	SET(dx, s->dx);
	SET(dy, s->dy);
	SET(damaged, s->damaged);
	SET(opaque_changed, s->opaque_changed);
	SET(input_changed, s->input_changed);
	SET(opaque_set, s->opaque_set);
	SET(input_set, s->input_set);
	SET(scale, s->scale);
	SET(transform, s->transform);
	SET(offset_set, s->offset_set);
	SET(offset_x, s->offset_x);
	SET(offset_y, s->offset_y);
#undef SET
	o->opaque = rects_from(&s->opaque, &o->n_opaque);
	o->input = rects_from(&s->input, &o->n_input);
	o->frames = ids_dup(s->frames, s->nframes);
	o->n_frames = o->frames ? s->nframes : 0;
	return o;
}

static JSurface *surface_out(const struct wlcr_surface *s)
{
	JSurface *o = malloc(sizeof(*o));
	if (!o)
		return NULL;
	jsurface__init(o);
	o->pending = state_out(&s->pending);
	o->committed = state_out(&s->committed);
	o->cached = state_out(&s->cached);
	o->has_has_cached = o->has_subsurface = o->has_parent = o->has_sync = true;
	o->has_cached = s->has_cached;
	o->subsurface = s->subsurface;
	o->parent = s->parent;
	o->sync = s->sync;
	o->children = ids_dup(s->children, s->nchildren);
	o->n_children = o->children ? s->nchildren : 0;
	o->outputs = ids_dup(s->outputs, s->noutputs);
	o->n_outputs = o->outputs ? s->noutputs : 0;
	return o;
}

static JMessage **messages_out(struct wlcr_msgcopy *const *slots, uint16_t n, size_t *ret_n)
{
	*ret_n = 0;
	if (!slots)
		return NULL;
	JMessage **out = calloc(n ? n : 1, sizeof(*out));
	if (!out)
		return NULL;
	for (uint16_t i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		JMessage *m = malloc(sizeof(*m));
		if (!m)
			break;
		jmessage__init(m);
		m->slot = i;
		out[(*ret_n)++] = m;
		if (!bytes_dup(&m->bytes, slots[i]->bytes, slots[i]->size))
			break;
	}
	return out;
}

struct build_ctx {
	const struct wlcr_journal *j;
	Journal *journal;
	Image *img;
	pid_t pid;
	int err;
	struct wlcr_pool **recs; /* img->pools[i] describes recs[i] */
	size_t nrecs;
};

/* The app's mapping of a pool's file, from /proc/PID/maps by its identity:
 * after a restore the app has the same mapping at the same address. */
static void find_mapping(pid_t pid, int fd, ShmPool *pool)
{
	struct stat st;
	char path[64], line[512];
	if (fstat(fd, &st) < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, offset, ino;
		unsigned major, minor;
		char perms[8];
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64, &start,
			   &end, perms, &offset, &major, &minor, &ino) != 7)
			continue;
		if (ino != st.st_ino || makedev(major, minor) != st.st_dev || perms[3] != 's')
			continue;
		/* the mapping that starts at the file's start covers the most */
		if (!pool->has_map_start || offset < pool->map_offset) {
			pool->has_map_start = pool->has_map_end = pool->has_map_offset = true;
			pool->map_start = start;
			pool->map_end = end;
			pool->map_offset = offset;
		}
	}
	fclose(f);
}

/* The index in img->pools of the pool record, adding it on first use. */
static int pool_index(struct build_ctx *ctx, const struct wlcr_journal *j, struct wlcr_pool *rec)
{
	Image *img = ctx->img;
	for (size_t i = 0; i < ctx->nrecs; i++)
		if (ctx->recs[i] == rec)
			return (int)i;
	const struct wlcr_msgcopy *ctor = rec->ctor;
	uint64_t size = rec->size;
	if (!rec->retired) {
		const struct wlcr_object *pool = wlcr_journal_get(j, rec->id);
		if (!pool || pool->pool != rec)
			return -EINVAL;
		ctor = pool->ctor;
		size = wlcr_journal_pool_size(pool);
	}
	if (!ctor || ctor->nfds != 1)
		return -EINVAL;
	struct wlcr_pool **recs = realloc(ctx->recs, (ctx->nrecs + 1) * sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	ctx->recs = recs;
	ShmPool **pools = realloc(img->pools, (img->n_pools + 1) * sizeof(*pools));
	if (!pools)
		return -ENOMEM;
	img->pools = pools;
	ShmPool *p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	shm_pool__init(p);
	pools[img->n_pools++] = p;
	recs[ctx->nrecs++] = rec;
	p->pool_id = rec->id;
	p->size = size;
	if (rec->retired) {
		p->has_retired = p->retired = true;
		p->has_ctor = true;
		if (!bytes_dup(&p->ctor, ctor->bytes, ctor->size))
			return -ENOMEM;
	}
	int fd = ctor->fds[0];
	find_mapping(ctx->pid, fd, p);
	if (!p->has_map_start) {
		/* not mapped by the app: the content itself goes into the image */
		if (p->size > 256u * 1024 * 1024)
			return -EFBIG;
		p->has_content = true;
		p->content.data = malloc(p->size ? p->size : 1);
		if (!p->content.data)
			return -ENOMEM;
		ssize_t n = pread(fd, p->content.data, p->size, 0);
		p->content.len = n > 0 ? (size_t)n : 0;
	}
	return (int)(img->n_pools - 1);
}

static void object_out(struct wlcr_object *obj, void *data)
{
	struct build_ctx *ctx = data;
	Journal *jn = ctx->journal;
	/* objects the compositor created (data offers) are kept too: the app
	 * still holds them after a restore, as inert objects */
	if (ctx->err)
		return;
	JObject *o = malloc(sizeof(*o));
	if (!o) {
		ctx->err = -ENOMEM;
		return;
	}
	jobject__init(o);
	jn->objects[jn->n_objects++] = o;
	o->id = obj->id;
	o->version = obj->version;
	if (obj->iface && !(o->interface = strdup(obj->iface->name)))
		goto nomem;
#define OPT(field, value)                                                                          \
	do {                                                                                       \
		if (value) {                                                                       \
			o->has_##field = true;                                                     \
			o->field = (value);                                                        \
		}                                                                                  \
	} while (0)
	OPT(zombie, obj->zombie);
	OPT(creator, obj->creator);
	/* a creator destroyed since, or its id reused: the link is stale */
	OPT(creator_gone, obj->creator > 1 && !wlcr_journal_creator(ctx->j, obj));
	if (obj->creator_iface && !(o->creator_interface = strdup(obj->creator_iface->name)))
		goto nomem;
	OPT(buffer_held, obj->buffer_held);
	OPT(frame_surface, obj->frame_surface);
	OPT(role_surface, obj->role_surface);
	OPT(last_configure_serial, obj->last_configure_serial);
	OPT(source_in_use, obj->source_in_use);
	OPT(focus, obj->focus);
	OPT(defunct, obj->defunct);
	OPT(commits, obj->commits);
	OPT(has_region, obj->region && obj->iface != &wlcr_iface_wl_region);
#undef OPT
	if (obj->ctor) {
		o->has_ctor = true;
		if (!bytes_dup(&o->ctor, obj->ctor->bytes, obj->ctor->size))
			goto nomem;
	}
	if (obj->iface) {
		o->setters = messages_out(obj->setters, obj->iface->nrequests, &o->n_setters);
		o->events = messages_out(obj->events, obj->iface->nevents, &o->n_events);
	}
	if (obj->nlist) {
		o->list = calloc(obj->nlist, sizeof(*o->list));
		if (!o->list)
			goto nomem;
		for (uint32_t i = 0; i < obj->nlist; i++) {
			if (!bytes_dup(&o->list[i], obj->list[i]->bytes, obj->list[i]->size))
				goto nomem;
			o->n_list++;
		}
	}
	if (obj->surface && !(o->surface = surface_out(obj->surface)))
		goto nomem;
	if (obj->region)
		o->region = rects_from(obj->region, &o->n_region);
	if (obj->pool && !obj->zombie) {
		int index = pool_index(ctx, ctx->j, obj->pool);
		if (index < 0) {
			ctx->err = index;
			return;
		}
		o->has_pool = true;
		o->pool = (uint32_t)index;
	}
	return;
nomem:
	ctx->err = -ENOMEM;
}

static void count_one(struct wlcr_object *obj, void *data)
{
	(void)obj;
	(*(size_t *)data)++;
}

int wlcr_snapshot_build(const struct wlcr_journal *j, pid_t pid, Image *img)
{
	Journal *jn = malloc(sizeof(*jn));
	if (!jn)
		return -ENOMEM;
	journal__init(jn);
	img->journal = jn;
	jn->next_id = j->map.client_len > 1 ? j->map.client_len : 2;
	jn->has_serial_last = true;
	jn->serial_last = j->serial_last;
	size_t n = 0;
	wlcr_objmap_for_each(&j->map, count_one, &n);
	jn->objects = calloc(n ? n : 1, sizeof(*jn->objects));
	if (!jn->objects)
		return -ENOMEM;
	struct build_ctx ctx = { j, jn, img, pid, 0, NULL, 0 };
	wlcr_objmap_for_each(&j->map, object_out, &ctx);
	free(ctx.recs);
	if (ctx.err)
		return ctx.err;

	const struct wlcr_names *names = &j->names;
	jn->globals = calloc(names->n ? names->n : 1, sizeof(*jn->globals));
	if (!jn->globals)
		return -ENOMEM;
	for (size_t i = 0; i < names->n; i++) {
		const struct wlcr_name *g = &names->v[i];
		JGlobal *o = malloc(sizeof(*o));
		if (!o)
			return -ENOMEM;
		jglobal__init(o);
		jn->globals[jn->n_globals++] = o;
		o->name = g->name;
		o->version = g->version;
		o->has_upstream_name = true;
		o->upstream_name = g->upstream;
		o->has_removed = g->removed;
		o->removed = g->removed;
		if (!(o->interface = strdup(g->interface)))
			return -ENOMEM;
	}
	return 0;
}

/* ---- image -> journal ------------------------------------------------------ */

static int rects_in(struct wlcr_journal *j, JRect *const *rects, size_t n, pixman_region32_t *r)
{
	pixman_region32_t in;
	int ret = 0;
	pixman_region32_init(&in);
	for (size_t i = 0; i < n && ret == 0; i++) {
		if (rects[i]->width < 0 || rects[i]->height < 0 ||
		    rects[i]->x > INT32_MAX - rects[i]->width ||
		    rects[i]->y > INT32_MAX - rects[i]->height)
			ret = -EINVAL;
		else
			pixman_region32_union_rect(&in, &in, rects[i]->x, rects[i]->y,
						   (unsigned)rects[i]->width,
						   (unsigned)rects[i]->height);
	}
	/* as the journal keeps them (journal.h) */
	pixman_region32_intersect_rect(&in, &in, WLCR_REGION_MIN, WLCR_REGION_MIN, WLCR_REGION_SIZE,
				       WLCR_REGION_SIZE);
	if (ret == 0)
		wlcr_journal_region_set(j, r, &in);
	pixman_region32_fini(&in);
	return ret;
}

static int ids_in(struct wlcr_journal *j, uint32_t **ret, uint32_t *ret_n, const uint32_t *ids,
		  size_t n)
{
	if (n > UINT32_MAX / 8)
		return -EINVAL;
	*ret_n = 0;
	*ret = NULL;
	if (!n)
		return 0;
	*ret = wlcr_journal_alloc(j, n, sizeof(uint32_t));
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, ids, n * sizeof(uint32_t));
	*ret_n = (uint32_t)n;
	return 0;
}

static int state_in(struct wlcr_journal *j, struct wlcr_surface_state *s, const JSurfaceState *in)
{
	if (!in)
		return 0;
	s->attached = in->attached;
	s->buffer = in->buffer;
	s->dx = in->dx;
	s->dy = in->dy;
	s->damaged = in->damaged;
	s->opaque_changed = in->opaque_changed;
	s->input_changed = in->input_changed;
	s->opaque_set = in->opaque_set;
	s->input_set = in->input_set;
	s->scale = in->has_scale ? in->scale : 1;
	s->transform = in->transform;
	s->offset_set = in->offset_set;
	s->offset_x = in->offset_x;
	s->offset_y = in->offset_y;
	if (rects_in(j, in->opaque, in->n_opaque, &s->opaque) < 0 ||
	    rects_in(j, in->input, in->n_input, &s->input) < 0)
		return -EINVAL;
	int ret = ids_in(j, &s->frames, &s->nframes, in->frames, in->n_frames);
	s->cap_frames = s->nframes;
	return ret;
}

static int messages_in(struct wlcr_journal *j, struct wlcr_msgcopy **slots, uint16_t nslots,
		       JMessage *const *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!slots || in[i]->slot >= nslots)
			return -EINVAL;
		int ret = wlcr_journal_copy_bytes(j, &slots[in[i]->slot], in[i]->bytes.data,
						  in[i]->bytes.len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int object_in(struct wlcr_journal *j, const JObject *o, struct wlcr_pool **recs,
		     size_t nrecs)
{
	const struct wlcr_interface *iface = NULL;
	if (o->interface) {
		iface = wlcr_interface_find(o->interface);
		if (!iface)
			return -ENOENT;
	} else {
		return -ENOENT; /* only wl_display (id 1) is made without one */
	}
	struct wlcr_object *obj = wlcr_journal_get(j, o->id);
	if (obj && o->id != 1)
		return -EEXIST;
	if (!obj)
		obj = wlcr_journal_object_new(j, o->id, iface, o->version);
	if (!obj)
		return -EINVAL;
	if (o->zombie) {
		obj->zombie = true;
		j->nlive--;
	}
	/* only a compositor can make these: after a restore they are inert */
	obj->gone = obj->server_created;
	obj->creator = o->creator;
	if (o->creator_interface &&
	    !(obj->creator_iface = wlcr_interface_find(o->creator_interface)))
		return -ENOENT;
	obj->buffer_held = o->buffer_held;
	obj->frame_surface = o->frame_surface;
	obj->role_surface = o->role_surface;
	obj->last_configure_serial = o->last_configure_serial;
	obj->source_in_use = o->source_in_use;
	obj->focus = o->focus;
	obj->defunct = o->defunct;
	obj->commits = o->commits;
	if (o->has_region && wlcr_journal_region_give(j, obj) < 0)
		return -ENOMEM;
	if (o->has_pool) {
		if (o->pool >= nrecs)
			return -EINVAL;
		obj->pool = recs[o->pool];
		wlcr_journal_pool_ref(obj->pool);
	}
	int ret = 0;
	if (o->has_ctor)
		ret = wlcr_journal_copy_bytes(j, &obj->ctor, o->ctor.data, o->ctor.len);
	if (ret == 0 && (o->n_setters || o->n_events))
		ret = wlcr_journal_slots(j, obj);
	if (ret == 0 && iface)
		ret = messages_in(j, obj->setters, iface->nrequests, o->setters, o->n_setters);
	if (ret == 0 && iface)
		ret = messages_in(j, obj->events, iface->nevents, o->events, o->n_events);
	for (size_t i = 0; ret == 0 && i < o->n_list; i++)
		ret = wlcr_journal_list_add(j, obj, o->list[i].data, o->list[i].len);
	if (ret == 0 && obj->region)
		ret = rects_in(j, o->region, o->n_region, obj->region);
	if (ret == 0 && obj->surface && o->surface) {
		struct wlcr_surface *s = obj->surface;
		const JSurface *in = o->surface;
		if ((ret = state_in(j, &s->pending, in->pending)) == 0 &&
		    (ret = state_in(j, &s->committed, in->committed)) == 0)
			ret = state_in(j, &s->cached, in->cached);
		s->has_cached = in->has_cached;
		s->subsurface = in->subsurface;
		s->parent = in->parent;
		s->sync = in->sync;
		if (ret == 0)
			ret = ids_in(j, &s->children, &s->nchildren, in->children, in->n_children);
		if (ret == 0)
			ret = ids_in(j, &s->outputs, &s->noutputs, in->outputs, in->n_outputs);
	}
	return ret;
}

int wlcr_snapshot_load(struct wlcr_journal *j, const Image *img, char *err, size_t errlen)
{
	const Journal *in = img->journal;
	struct wlcr_pool **recs = calloc(img->n_pools + 1, sizeof(*recs));
	if (!recs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < img->n_pools; i++) {
		const ShmPool *p = img->pools[i];
		recs[i] = wlcr_journal_pool_new(j, p->pool_id);
		if (!recs[i] ||
		    (p->retired &&
		     (!p->has_ctor ||
		      wlcr_journal_copy_bytes(j, &recs[i]->ctor, p->ctor.data, p->ctor.len) < 0))) {
			snprintf(err, errlen, "shm pool %zu: missing or bad constructor", i);
			free(recs);
			return -EINVAL;
		}
		recs[i]->retired = p->retired;
		recs[i]->size = p->size;
		recs[i]->index = (int32_t)i;
		/* retired records live as long as their buffers; the pool
		 * object holds its own reference */
	}
	/* ids freed before the dump leave holes: the slots exist all the same */
	if (in->next_id < 2 || in->next_id >= WLCR_SERVER_ID_MIN ||
	    wlcr_objmap_reserve(&j->map, in->next_id) < 0) {
		snprintf(err, errlen, "next id %u out of range", in->next_id);
		return -EINVAL;
	}
	j->serial_last = in->serial_last;
	for (size_t i = 0; i < in->n_globals; i++) {
		const JGlobal *g = in->globals[i];
		struct wlcr_name *n;
		if (g->name == 0 || wlcr_names_by_name(&j->names, g->name)) {
			free(recs);
			snprintf(err, errlen, "global name %u given twice", g->name);
			return -EINVAL;
		}
		n = wlcr_names_add(&j->names, g->name, g->interface, g->version, g->upstream_name);
		if (!n) {
			free(recs);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		n->removed = g->removed;
	}
	for (size_t i = 0; i < in->n_objects; i++) {
		const JObject *o = in->objects[i];
		/* server-created ones (offers the app holds) load as gone */
		int ret = o->id == 0 ? -EDOM : object_in(j, o, recs, img->n_pools);
		if (ret < 0) {
			const struct wlcr_interface *have =
				o->interface ? wlcr_interface_find(o->interface) : NULL;
			free(recs);
			if (ret == -ENOENT && !have)
				/* named, with what would make it restorable */
				snprintf(
					err, errlen,
					"the app uses %s, and this wlcr-proxy has no protocol "
					"table for it: give it the protocol's XML (--protocol-dir)",
					o->interface ? o->interface : "an object without interface");
			else
				snprintf(err, errlen, "object %u (%s): %s", o->id,
					 o->interface ? o->interface : "?",
					 ret == -EDOM ? "id out of the client's range"
						      : strerror(-ret));
			return ret == -ENOMEM ? ret : -EINVAL;
		}
	}
	/* creators, once every object is in (an id may be reused by a later
	 * creator): a stale link stays stale */
	for (size_t i = 0; i < in->n_objects; i++) {
		const JObject *o = in->objects[i];
		struct wlcr_object *obj = wlcr_journal_get(j, o->id);
		struct wlcr_object *from = obj ? wlcr_journal_get(j, o->creator) : NULL;
		if (from && !o->creator_gone)
			obj->creator_gen = from->gen;
	}
	/* a record nothing refers to (a corrupt image) is dropped */
	for (size_t i = 0; i < img->n_pools; i++)
		if (recs[i]->refs == 0)
			wlcr_journal_pool_unref(j, recs[i]);
	free(recs);
	return 0;
}
