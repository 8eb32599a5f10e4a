#include "protoxml.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

struct parse_state {
	struct wlcr_protoxml *px;
	const char *file;
	XML_Parser parser;
	struct wlcr_protoxml_iface *cur_iface;
	struct wlcr_protoxml_msg *cur_msg;
	int error; /* 0, -ENOMEM or -EINVAL */
	char *err;
	size_t errlen;
};

/* Stops the parse with an error that names the file and line. */
static void stop(struct parse_state *st, int error, const char *what, const char *detail)
{
	if (st->error)
		return;
	st->error = error;
	snprintf(st->err, st->errlen, "%s:%lu: %s%s%s", st->file,
		 (unsigned long)XML_GetCurrentLineNumber(st->parser), what, detail ? " " : "",
		 detail ? detail : "");
	XML_StopParser(st->parser, XML_FALSE);
}

static const char *attr(const char **atts, const char *key)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], key) == 0)
			return atts[i + 1];
	return NULL;
}

static bool parse_uint(const char *s, unsigned *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 0xffffffffUL)
		return false;
	*ret = (unsigned)v;
	return true;
}

static char arg_kind(const char *type)
{
	static const struct {
		const char *name;
		char kind;
	} kinds[] = {
		{ "int", WLCR_ARG_INT },       { "uint", WLCR_ARG_UINT },
		{ "fixed", WLCR_ARG_FIXED },   { "string", WLCR_ARG_STRING },
		{ "object", WLCR_ARG_OBJECT }, { "new_id", WLCR_ARG_NEW_ID },
		{ "array", WLCR_ARG_ARRAY },   { "fd", WLCR_ARG_FD },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, type) == 0)
			return kinds[i].kind;
	return 0;
}

/* Grows *arr (of size each) by one zeroed element; NULL when out of memory. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == (cap ? *cap : *n)) {
		size_t c = cap ? (*cap ? *cap * 2 : 16) : *n + 1;
		void *p = realloc(*arr, c * size);
		if (!p)
			return NULL;
		*arr = p;
		if (cap)
			*cap = c;
	}
	void *e = (char *)*arr + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

static void on_start(void *data, const char *el, const char **atts)
{
	struct parse_state *st = data;
	const char *name = attr(atts, "name");
	if (st->error)
		return;
	if (strcmp(el, "interface") == 0) {
		const char *ver = attr(atts, "version");
		unsigned version;
		if (!name || !ver) {
			stop(st, -EINVAL, "interface without name or version", NULL);
			return;
		}
		if (!parse_uint(ver, &version) || version == 0) {
			stop(st, -EINVAL, "bad version", ver);
			return;
		}
		struct wlcr_protoxml *px = st->px;
		struct wlcr_protoxml_iface *it =
			grow((void **)&px->ifaces, &px->n, &px->cap, sizeof(*px->ifaces));
		if (!it || !(it->name = strdup(name))) {
			stop(st, -ENOMEM, "out of memory", NULL);
			return;
		}
		it->version = version;
		it->file = px->files[px->nfiles - 1];
		st->cur_iface = it;
	} else if (strcmp(el, "request") == 0 || strcmp(el, "event") == 0) {
		struct wlcr_protoxml_iface *it = st->cur_iface;
		if (!it || !name) {
			stop(st, -EINVAL, "message outside an interface or without name", NULL);
			return;
		}
		bool is_req = el[0] == 'r';
		struct wlcr_protoxml_msg *m =
			grow((void **)(is_req ? &it->req : &it->evt),
			     is_req ? &it->nreq : &it->nevt, NULL, sizeof(*m));
		if (!m || !(m->name = strdup(name))) {
			stop(st, -ENOMEM, "out of memory", NULL);
			return;
		}
		const char *since = attr(atts, "since");
		m->since = 1;
		if (since && !parse_uint(since, &m->since)) {
			stop(st, -EINVAL, "bad since", since);
			return;
		}
		const char *type = attr(atts, "type");
		m->destructor = type && strcmp(type, "destructor") == 0;
		st->cur_msg = m;
	} else if (strcmp(el, "arg") == 0) {
		struct wlcr_protoxml_msg *m = st->cur_msg;
		const char *type = attr(atts, "type");
		if (!m || !name || !type) {
			stop(st, -EINVAL, "arg outside a message or without name or type", NULL);
			return;
		}
		char kind = arg_kind(type);
		if (!kind) {
			stop(st, -EINVAL, "unknown arg type", type);
			return;
		}
		struct wlcr_protoxml_arg *a = grow((void **)&m->args, &m->nargs, NULL, sizeof(*a));
		const char *iface = attr(atts, "interface");
		if (!a || !(a->name = strdup(name)) || (iface && !(a->iface = strdup(iface)))) {
			stop(st, -ENOMEM, "out of memory", NULL);
			return;
		}
		a->kind = kind;
		const char *nullable = attr(atts, "allow-null");
		a->nullable = nullable && strcmp(nullable, "true") == 0;
	}
}

static void on_end(void *data, const char *el)
{
	struct parse_state *st = data;
	if (strcmp(el, "request") == 0 || strcmp(el, "event") == 0)
		st->cur_msg = NULL;
	else if (strcmp(el, "interface") == 0)
		st->cur_iface = NULL;
}

static void msgs_free(struct wlcr_protoxml_msg *ms, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ms[i].nargs; k++) {
			free(ms[i].args[k].name);
			free(ms[i].args[k].iface);
		}
		free(ms[i].args);
		free(ms[i].name);
	}
	free(ms);
}

static void iface_free(struct wlcr_protoxml_iface *it)
{
	msgs_free(it->req, it->nreq);
	msgs_free(it->evt, it->nevt);
	free(it->name);
}

int wlcr_protoxml_parse_file(struct wlcr_protoxml *px, const char *path, char *err, size_t errlen)
{
	size_t before = px->n;
	char **files = realloc(px->files, (px->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	px->files = files;
	if (!(files[px->nfiles] = strdup(path)))
		return -ENOMEM;
	px->nfiles++;
	FILE *f = fopen(path, "re");
	struct parse_state st = { .px = px, .file = path, .err = err, .errlen = errlen };
	if (!f) {
		st.error = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	st.parser = XML_ParserCreate(NULL);
	if (!st.parser) {
		st.error = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	char buf[8192];
	while (!st.error) {
		size_t n = fread(buf, 1, sizeof(buf), f);
		int done = n < sizeof(buf);
		if (ferror(f)) {
			st.error = -EIO;
			snprintf(err, errlen, "%s: read error", path);
			break;
		}
		if (XML_Parse(st.parser, buf, (int)n, done) == XML_STATUS_ERROR && !st.error) {
			st.error = -EINVAL;
			snprintf(err, errlen, "%s:%lu: %s", path,
				 (unsigned long)XML_GetCurrentLineNumber(st.parser),
				 XML_ErrorString(XML_GetErrorCode(st.parser)));
		}
		if (done)
			break;
	}
	XML_ParserFree(st.parser);
out:
	if (f)
		fclose(f);
	if (st.error) {
		/* px as it was: nothing of a broken file is used */
		while (px->n > before)
			iface_free(&px->ifaces[--px->n]);
		free(px->files[--px->nfiles]);
	}
	return st.error;
}

void wlcr_protoxml_finish(struct wlcr_protoxml *px)
{
	for (size_t i = 0; i < px->n; i++)
		iface_free(&px->ifaces[i]);
	for (size_t i = 0; i < px->nfiles; i++)
		free(px->files[i]);
	free(px->ifaces);
	free(px->files);
	memset(px, 0, sizeof(*px));
}

int wlcr_protoxml_check(const struct wlcr_protoxml_iface *it, char *err, size_t errlen)
{
	for (int dir = 0; dir < 2; dir++) {
		const struct wlcr_protoxml_msg *ms = dir ? it->evt : it->req;
		size_t n = dir ? it->nevt : it->nreq;
		for (size_t j = 0; j < n; j++) {
			size_t new_ids = 0;
			for (size_t k = 0; k < ms[j].nargs; k++)
				new_ids += ms[j].args[k].kind == WLCR_ARG_NEW_ID;
			/* the wire walker keeps one new_id per message */
			if (new_ids > 1) {
				snprintf(err, errlen, "%s.%s: more than one new_id", it->name,
					 ms[j].name);
				return -EINVAL;
			}
			/* WLCR_WIRE_MAX_ARGS in wire.h */
			if (ms[j].nargs > 32) {
				snprintf(err, errlen, "%s.%s: too many args", it->name, ms[j].name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int wlcr_protoxml_arg_role(const char *iface, const char *msg, const struct wlcr_protoxml_arg *a)
{
	if (a->kind != WLCR_ARG_UINT)
		return WLCR_ROLE_NONE;
	if (strcmp(a->name, "time") == 0)
		return WLCR_ROLE_TIME;
	if (strcmp(a->name, "serial") == 0 &&
	    !(strcmp(iface, "zwp_text_input_v3") == 0 && strcmp(msg, "done") == 0))
		return WLCR_ROLE_SERIAL;
	return WLCR_ROLE_NONE;
}
