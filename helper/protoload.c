#include "protoload.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "protoxml.h"

#ifndef WLCR_WP_DIR
#define WLCR_WP_DIR "/usr/share/wayland-protocols"
#endif

const char *const wlcr_protoload_default_dirs[] = {
	WLCR_WP_DIR, /* wayland-protocols' pkgdatadir, as the build found it */
	"/usr/share/wayland-protocols",
	"/usr/local/share/wayland-protocols",
	"/usr/share/plasma-wayland-protocols",
	NULL,
};

/* One interface read at start-up; it.index continues the built-in ones. */
struct rt_iface {
	struct wlcr_interface it;
	const struct wlcr_protoxml_iface *xml;
	struct wlcr_message *msgs; /* requests, then events */
	struct wlcr_arg *args;
};

/* an interface some XML defines that was left out, and why */
struct rejected {
	const char *name;
	char why[200];
};

static struct {
	struct wlcr_protoxml px;
	struct rt_iface **v;
	size_t n;
	struct rejected *rej;
	size_t nrej;
	char **seen_dirs; /* real paths, so that a directory is read once */
	size_t nseen;
} rt;

/* ---- reading the directories -------------------------------------------- */

static bool dir_seen(const char *dir)
{
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return true; /* gone: nothing to read */
	for (size_t i = 0; i < rt.nseen; i++)
		if (strcmp(rt.seen_dirs[i], real) == 0)
			return true;
	char **s = realloc(rt.seen_dirs, (rt.nseen + 1) * sizeof(*s));
	if (!s)
		return true;
	rt.seen_dirs = s;
	if (!(s[rt.nseen] = strdup(real)))
		return true;
	rt.nseen++;
	return false;
}

static bool is_xml(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.xml under dir, in name order (so that which of two definitions
 * wins does not depend on the file system), depth bounded. */
static int read_dir(const char *dir, unsigned depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **p = realloc(names, (n + 1) * sizeof(*names));
		if (!p || !(p[n] = strdup(e->d_name))) {
			names = p ? p : names;
			ret = -ENOMEM;
			break;
		}
		names = p;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && ret == 0; i++) {
		char path[PATH_MAX];
		struct stat st;
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 4)
				read_dir(path, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !is_xml(names[i]))
			continue;
		char err[512];
		int r = wlcr_protoxml_parse_file(&rt.px, path, err, sizeof(err));
		if (r == -ENOMEM)
			ret = r;
		else if (r < 0)
			wlcr_warn("protocol XML left out: %s", err);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* ---- the tables ------------------------------------------------------------ */

static struct rt_iface *rt_by_name(const char *name)
{
	for (size_t i = 0; i < rt.n; i++)
		if (rt.v[i] && strcmp(rt.v[i]->it.name, name) == 0)
			return rt.v[i];
	return NULL;
}

static bool rejected(const char *name)
{
	for (size_t i = 0; i < rt.nrej; i++)
		if (strcmp(rt.rej[i].name, name) == 0)
			return true;
	return false;
}

static int reject(const struct wlcr_protoxml_iface *x, const char *what, const char *detail)
{
	struct rejected *r = realloc(rt.rej, (rt.nrej + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	rt.rej = r;
	r[rt.nrej].name = x->name;
	snprintf(r[rt.nrej].why, sizeof(r[rt.nrej].why), "its XML %s %s", what, detail);
	rt.nrej++;
	return 0;
}

static void rt_free(struct rt_iface *r)
{
	if (!r)
		return;
	free(r->msgs);
	free(r->args);
	free(r);
}

/* The table of one interface; argument interfaces are resolved later. */
static struct rt_iface *rt_new(const struct wlcr_protoxml_iface *x)
{
	size_t nmsgs = x->nreq + x->nevt, nargs = 0;
	for (size_t i = 0; i < x->nreq; i++)
		nargs += x->req[i].nargs;
	for (size_t i = 0; i < x->nevt; i++)
		nargs += x->evt[i].nargs;
	struct rt_iface *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->msgs = calloc(nmsgs ? nmsgs : 1, sizeof(*r->msgs));
	r->args = calloc(nargs ? nargs : 1, sizeof(*r->args));
	if (!r->msgs || !r->args) {
		rt_free(r);
		return NULL;
	}
	r->xml = x;
	r->it.name = x->name;
	r->it.version = x->version;
	r->it.nrequests = (uint16_t)x->nreq;
	r->it.nevents = (uint16_t)x->nevt;
	r->it.requests = x->nreq ? r->msgs : NULL;
	r->it.events = x->nevt ? r->msgs + x->nreq : NULL;
	struct wlcr_arg *a = r->args;
	for (size_t j = 0; j < nmsgs; j++) {
		const struct wlcr_protoxml_msg *xm =
			j < x->nreq ? &x->req[j] : &x->evt[j - x->nreq];
		struct wlcr_message *m = &r->msgs[j];
		m->name = xm->name;
		m->since = (uint16_t)xm->since;
		m->nargs = (uint8_t)xm->nargs;
		m->flags = xm->destructor ? WLCR_MSG_DESTRUCTOR : 0;
		m->new_id_arg = -1;
		m->args = xm->nargs ? a : NULL;
		for (size_t k = 0; k < xm->nargs; k++, a++) {
			const struct wlcr_protoxml_arg *xa = &xm->args[k];
			a->name = xa->name;
			a->kind = (uint8_t)xa->kind;
			a->nullable = xa->nullable;
			a->role = (uint8_t)wlcr_protoxml_arg_role(x->name, xm->name, xa);
			m->nfds += xa->kind == WLCR_ARG_FD;
			if (xa->kind == WLCR_ARG_NEW_ID)
				m->new_id_arg = (int8_t)k;
		}
	}
	return r;
}

/* Points every argument at its interface. Returns the name of one no
 * table has, or NULL when all are there. */
static const char *resolve(struct rt_iface *r)
{
	const struct wlcr_protoxml_iface *x = r->xml;
	struct wlcr_arg *a = r->args;
	for (size_t j = 0; j < x->nreq + x->nevt; j++) {
		const struct wlcr_protoxml_msg *xm =
			j < x->nreq ? &x->req[j] : &x->evt[j - x->nreq];
		for (size_t k = 0; k < xm->nargs; k++, a++) {
			const char *want = xm->args[k].iface;
			if (!want)
				continue;
			const struct wlcr_interface *it = wlcr_interface_find_builtin(want);
			if (!it) {
				struct rt_iface *o = rt_by_name(want);
				it = o ? &o->it : NULL;
			}
			if (!it)
				return want;
			a->iface = it;
		}
	}
	return NULL;
}

static int build_tables(void)
{
	char err[256];
	rt.v = calloc(rt.px.n ? rt.px.n : 1, sizeof(*rt.v));
	if (!rt.v)
		return -ENOMEM;
	for (size_t i = 0; i < rt.px.n; i++) {
		const struct wlcr_protoxml_iface *x = &rt.px.ifaces[i];
		if (wlcr_interface_find_builtin(x->name) || rt_by_name(x->name) ||
		    rejected(x->name))
			continue; /* the first definition wins, a built-in one always */
		if (wlcr_protoxml_check(x, err, sizeof(err)) < 0 || x->nreq > UINT16_MAX ||
		    x->nevt > UINT16_MAX) {
			wlcr_warn("protocol XML left out: %s: %s", x->file, err);
			if (reject(x, "cannot be proxied:", err) < 0)
				return -ENOMEM;
			continue;
		}
		if (!(rt.v[rt.n++] = rt_new(x)))
			return -ENOMEM;
	}
	/* an interface naming one no XML defines cannot be parsed (a new_id
	 * of unknown type); those naming it cannot either, in turn */
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < rt.n; i++) {
			const char *missing = rt.v[i] ? resolve(rt.v[i]) : NULL;
			if (!missing)
				continue;
			wlcr_warn("protocol XML left out: %s: %s names %s, which no protocol XML "
				  "defines",
				  rt.v[i]->xml->file, rt.v[i]->it.name, missing);
			if (reject(rt.v[i]->xml,
				   "names an interface no protocol XML defines:", missing) < 0)
				return -ENOMEM;
			rt_free(rt.v[i]);
			rt.v[i] = NULL;
			changed = true;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < rt.n; i++)
		if (rt.v[i]) {
			rt.v[k] = rt.v[i];
			rt.v[k]->it.index = (uint32_t)(wlcr_interfaces_count + k);
			k++;
		}
	rt.n = k;
	return 0;
}

int wlcr_protoload_init(const char *const *dirs, size_t ndirs, bool defaults, char *err,
			size_t errlen)
{
	int ret;
	for (size_t i = 0; i < ndirs; i++) {
		struct stat st;
		ret = stat(dirs[i], &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
		if (ret < 0) {
			snprintf(err, errlen, "--protocol-dir %s: %s", dirs[i], strerror(-ret));
			return ret;
		}
		if (!dir_seen(dirs[i]) && (ret = read_dir(dirs[i], 0)) < 0) {
			snprintf(err, errlen, "--protocol-dir %s: %s", dirs[i], strerror(-ret));
			return ret;
		}
	}
	/* a default directory may well be missing */
	for (size_t i = 0; defaults && wlcr_protoload_default_dirs[i]; i++)
		if (!dir_seen(wlcr_protoload_default_dirs[i]) &&
		    read_dir(wlcr_protoload_default_dirs[i], 0) == -ENOMEM) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
	if ((ret = build_tables()) < 0)
		snprintf(err, errlen, "out of memory");
	return ret;
}

void wlcr_protoload_finish(void)
{
	for (size_t i = 0; i < rt.n; i++)
		rt_free(rt.v[i]);
	free(rt.v);
	free(rt.rej);
	for (size_t i = 0; i < rt.nseen; i++)
		free(rt.seen_dirs[i]);
	free(rt.seen_dirs);
	wlcr_protoxml_finish(&rt.px);
	memset(&rt, 0, sizeof(rt));
}

const struct wlcr_interface *wlcr_protoload_find(const char *name)
{
	struct rt_iface *r = rt_by_name(name);
	return r ? &r->it : NULL;
}

const struct wlcr_interface *wlcr_interface_find(const char *name)
{
	const struct wlcr_interface *it = wlcr_interface_find_builtin(name);
	return it ? it : wlcr_protoload_find(name);
}

bool wlcr_protoload_is_runtime(const struct wlcr_interface *it)
{
	return it && it->index >= wlcr_interfaces_count;
}

const char *wlcr_protoload_origin(const struct wlcr_interface *it)
{
	if (!wlcr_protoload_is_runtime(it))
		return NULL;
	size_t k = it->index - wlcr_interfaces_count;
	return k < rt.n ? rt.v[k]->xml->file : NULL;
}

const char *wlcr_protoload_why_not(const char *name)
{
	for (size_t i = 0; i < rt.nrej; i++)
		if (strcmp(rt.rej[i].name, name) == 0)
			return rt.rej[i].why;
	return NULL;
}

void wlcr_protoload_stats(size_t *ret_files, size_t *ret_ifaces)
{
	*ret_files = rt.px.nfiles;
	*ret_ifaces = rt.n;
}
