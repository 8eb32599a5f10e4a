/* wlcr-protogen: reads Wayland protocol XML files and writes the proxy's
 * message tables (see helper/protocol.h) as C source and header.
 *
 * usage: wlcr-protogen OUT.c OUT.h FILE.xml...
 *
 * All files are parsed before anything is written so that an argument may
 * name an interface from another file (xdg-shell names wl_surface). */
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arg {
	char *name;
	char kind;
	bool nullable;
	char *iface; /* NULL when absent */
};

struct message {
	char *name;
	unsigned since;
	bool destructor;
	struct arg *args;
	size_t nargs;
};

struct iface {
	char *name;
	unsigned version;
	struct message *req, *evt;
	size_t nreq, nevt;
};

static struct iface *ifaces;
static size_t nifaces;

struct parse_state {
	const char *file;
	XML_Parser parser;
	struct iface *cur_iface;
	struct message *cur_msg;
	bool failed;
};

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("wlcr-protogen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die("out of memory");
	return d;
}

static const char *attr(const char **atts, const char *key)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], key) == 0)
			return atts[i + 1];
	return NULL;
}

static unsigned parse_uint(struct parse_state *st, const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		die("%s:%lu: bad number '%s'", st->file,
		    (unsigned long)XML_GetCurrentLineNumber(st->parser), s);
	return (unsigned)v;
}

static char arg_kind(struct parse_state *st, const char *type)
{
	static const struct {
		const char *name;
		char kind;
	} kinds[] = {
		{ "int", 'i' },	   { "uint", 'u' },   { "fixed", 'f' }, { "string", 's' },
		{ "object", 'o' }, { "new_id", 'n' }, { "array", 'a' }, { "fd", 'h' },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, type) == 0)
			return kinds[i].kind;
	die("%s:%lu: unknown arg type '%s'", st->file,
	    (unsigned long)XML_GetCurrentLineNumber(st->parser), type);
	return 0;
}

static void on_start(void *data, const char *el, const char **atts)
{
	struct parse_state *st = data;
	const char *name = attr(atts, "name");

	if (strcmp(el, "interface") == 0) {
		const char *ver = attr(atts, "version");
		if (!name || !ver)
			die("%s: interface without name or version", st->file);
		ifaces = xrealloc(ifaces, (nifaces + 1) * sizeof(*ifaces));
		st->cur_iface = &ifaces[nifaces++];
		memset(st->cur_iface, 0, sizeof(*st->cur_iface));
		st->cur_iface->name = xstrdup(name);
		st->cur_iface->version = parse_uint(st, ver);
	} else if (strcmp(el, "request") == 0 || strcmp(el, "event") == 0) {
		struct iface *it = st->cur_iface;
		if (!it || !name)
			die("%s: message outside an interface or without name", st->file);
		bool is_req = el[0] == 'r';
		struct message **list = is_req ? &it->req : &it->evt;
		size_t *n = is_req ? &it->nreq : &it->nevt;
		*list = xrealloc(*list, (*n + 1) * sizeof(**list));
		st->cur_msg = &(*list)[(*n)++];
		memset(st->cur_msg, 0, sizeof(*st->cur_msg));
		st->cur_msg->name = xstrdup(name);
		const char *since = attr(atts, "since");
		st->cur_msg->since = since ? parse_uint(st, since) : 1;
		const char *type = attr(atts, "type");
		st->cur_msg->destructor = type && strcmp(type, "destructor") == 0;
	} else if (strcmp(el, "arg") == 0) {
		struct message *m = st->cur_msg;
		const char *type = attr(atts, "type");
		if (!m || !name || !type)
			die("%s: arg outside a message or without name/type", st->file);
		m->args = xrealloc(m->args, (m->nargs + 1) * sizeof(*m->args));
		struct arg *a = &m->args[m->nargs++];
		a->name = xstrdup(name);
		a->kind = arg_kind(st, type);
		const char *nullable = attr(atts, "allow-null");
		a->nullable = nullable && strcmp(nullable, "true") == 0;
		const char *iface = attr(atts, "interface");
		a->iface = iface ? xstrdup(iface) : NULL;
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

static void parse_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	struct parse_state st = { .file = path };
	st.parser = XML_ParserCreate(NULL);
	if (!st.parser)
		die("out of memory");
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	char buf[8192];
	for (;;) {
		size_t n = fread(buf, 1, sizeof(buf), f);
		int done = n < sizeof(buf);
		if (ferror(f))
			die("%s: read error", path);
		if (XML_Parse(st.parser, buf, (int)n, done) == XML_STATUS_ERROR)
			die("%s:%lu: %s", path, (unsigned long)XML_GetCurrentLineNumber(st.parser),
			    XML_ErrorString(XML_GetErrorCode(st.parser)));
		if (done)
			break;
	}
	XML_ParserFree(st.parser);
	fclose(f);
}

static long find_iface(const char *name)
{
	for (size_t i = 0; i < nifaces; i++)
		if (strcmp(ifaces[i].name, name) == 0)
			return (long)i;
	return -1;
}

static void check_refs(void)
{
	for (size_t i = 0; i < nifaces; i++) {
		if (find_iface(ifaces[i].name) != (long)i)
			die("interface %s defined twice", ifaces[i].name);
		for (int dir = 0; dir < 2; dir++) {
			struct message *ms = dir ? ifaces[i].evt : ifaces[i].req;
			size_t n = dir ? ifaces[i].nevt : ifaces[i].nreq;
			for (size_t j = 0; j < n; j++) {
				size_t new_ids = 0;
				for (size_t k = 0; k < ms[j].nargs; k++) {
					struct arg *a = &ms[j].args[k];
					if (a->kind == 'n')
						new_ids++;
					if (a->iface && find_iface(a->iface) < 0)
						die("%s.%s: unknown interface %s", ifaces[i].name,
						    ms[j].name, a->iface);
				}
				/* the wire walker keeps one new_id per message */
				if (new_ids > 1)
					die("%s.%s: more than one new_id", ifaces[i].name,
					    ms[j].name);
				/* WLCR_WIRE_MAX_ARGS in wire.h */
				if (ms[j].nargs > 32)
					die("%s.%s: too many args", ifaces[i].name, ms[j].name);
			}
		}
	}
}

/* see enum wlcr_arg_role in helper/protocol.h */
static const char *arg_role(const struct iface *it, const struct message *m, const struct arg *a)
{
	if (a->kind != 'u')
		return "WLCR_ROLE_NONE";
	if (strcmp(a->name, "time") == 0)
		return "WLCR_ROLE_TIME";
	if (strcmp(a->name, "serial") == 0 &&
	    !(strcmp(it->name, "zwp_text_input_v3") == 0 && strcmp(m->name, "done") == 0))
		return "WLCR_ROLE_SERIAL";
	return "WLCR_ROLE_NONE";
}

static void write_messages(FILE *c, const struct iface *it, const char *dir,
			   const struct message *ms, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		if (!ms[j].nargs)
			continue;
		fprintf(c, "static const struct wlcr_arg %s_%s_%zu_args[] = {\n", it->name, dir, j);
		for (size_t k = 0; k < ms[j].nargs; k++) {
			const struct arg *a = &ms[j].args[k];
			fprintf(c, "\t{ \"%s\", '%c', %d, %s, ", a->name, a->kind, a->nullable,
				arg_role(it, &ms[j], a));
			if (a->iface)
				fprintf(c, "&wlcr_iface_%s },\n", a->iface);
			else
				fprintf(c, "NULL },\n");
		}
		fprintf(c, "};\n");
	}
	if (!n)
		return;
	fprintf(c, "static const struct wlcr_message %s_%s[] = {\n", it->name, dir);
	for (size_t j = 0; j < n; j++) {
		unsigned nfds = 0;
		int new_id = -1;
		for (size_t k = 0; k < ms[j].nargs; k++) {
			nfds += ms[j].args[k].kind == 'h';
			if (ms[j].args[k].kind == 'n')
				new_id = (int)k;
		}
		fprintf(c, "\t{ \"%s\", %u, %zu, %u, %s, %d, ", ms[j].name, ms[j].since,
			ms[j].nargs, nfds, ms[j].destructor ? "WLCR_MSG_DESTRUCTOR" : "0", new_id);
		if (ms[j].nargs)
			fprintf(c, "%s_%s_%zu_args },\n", it->name, dir, j);
		else
			fprintf(c, "NULL },\n");
	}
	fprintf(c, "};\n");
}

static int cmp_name(const void *a, const void *b)
{
	const struct iface *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void write_output(const char *cpath, const char *hpath)
{
	FILE *h = fopen(hpath, "w");
	if (!h)
		die("%s: %s", hpath, strerror(errno));
	fprintf(h, "/* Generated by wlcr-protogen. Do not edit. */\n"
		   "#ifndef WLCR_PROTOCOLS_GEN_H\n#define WLCR_PROTOCOLS_GEN_H\n"
		   "#include \"protocol.h\"\n\n");
	for (size_t i = 0; i < nifaces; i++)
		fprintf(h, "extern const struct wlcr_interface wlcr_iface_%s;\n", ifaces[i].name);
	fprintf(h, "\nenum wlcr_iface_index {\n");
	for (size_t i = 0; i < nifaces; i++)
		fprintf(h, "\tWLCR_IFACE_%s = %zu,\n", ifaces[i].name, i);
	fprintf(h, "};\n\n");
	for (size_t i = 0; i < nifaces; i++) {
		for (size_t j = 0; j < ifaces[i].nreq; j++)
			fprintf(h, "#define WLCR_REQ_%s_%s %zu\n", ifaces[i].name,
				ifaces[i].req[j].name, j);
		for (size_t j = 0; j < ifaces[i].nevt; j++)
			fprintf(h, "#define WLCR_EVT_%s_%s %zu\n", ifaces[i].name,
				ifaces[i].evt[j].name, j);
	}
	fprintf(h, "\n#endif\n");
	if (fclose(h))
		die("%s: %s", hpath, strerror(errno));

	FILE *c = fopen(cpath, "w");
	if (!c)
		die("%s: %s", cpath, strerror(errno));
	fprintf(c, "/* Generated by wlcr-protogen. Do not edit. */\n"
		   "#include <string.h>\n#include \"protocols.h\"\n\n");
	for (size_t i = 0; i < nifaces; i++) {
		const struct iface *it = &ifaces[i];
		write_messages(c, it, "requests", it->req, it->nreq);
		write_messages(c, it, "events", it->evt, it->nevt);
		fprintf(c, "const struct wlcr_interface wlcr_iface_%s = { \"%s\", %u, %zu, %zu, ",
			it->name, it->name, it->version, it->nreq, it->nevt);
		fprintf(c, it->nreq ? "%s_requests, " : "NULL, ", it->name);
		fprintf(c, it->nevt ? "%s_events, " : "NULL, ", it->name);
		fprintf(c, "%zu };\n\n", i);
	}
	fprintf(c, "const struct wlcr_interface *const wlcr_interfaces[] = {\n");
	for (size_t i = 0; i < nifaces; i++)
		fprintf(c, "\t&wlcr_iface_%s,\n", ifaces[i].name);
	fprintf(c, "};\nconst size_t wlcr_interfaces_count = %zu;\n\n", nifaces);

	/* sorted copy for bsearch by name */
	struct iface **sorted = xrealloc(NULL, nifaces * sizeof(*sorted));
	for (size_t i = 0; i < nifaces; i++)
		sorted[i] = &ifaces[i];
	qsort(sorted, nifaces, sizeof(*sorted), cmp_name);
	fprintf(c, "static const struct wlcr_interface *const by_name[] = {\n");
	for (size_t i = 0; i < nifaces; i++)
		fprintf(c, "\t&wlcr_iface_%s,\n", sorted[i]->name);
	fprintf(c, "};\n\n");
	free(sorted);
	fprintf(c,
		"const struct wlcr_interface *wlcr_interface_find(const char *name)\n{\n"
		"\tsize_t lo = 0, hi = %zu;\n"
		"\twhile (lo < hi) {\n"
		"\t\tsize_t mid = (lo + hi) / 2;\n"
		"\t\tint r = strcmp(name, by_name[mid]->name);\n"
		"\t\tif (r == 0)\n\t\t\treturn by_name[mid];\n"
		"\t\tif (r < 0)\n\t\t\thi = mid;\n\t\telse\n\t\t\tlo = mid + 1;\n"
		"\t}\n\treturn NULL;\n}\n",
		nifaces);
	if (fclose(c))
		die("%s: %s", cpath, strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc < 4)
		die("usage: wlcr-protogen OUT.c OUT.h FILE.xml...");
	for (int i = 3; i < argc; i++)
		parse_file(argv[i]);
	check_refs();
	write_output(argv[1], argv[2]);
	return 0;
}
