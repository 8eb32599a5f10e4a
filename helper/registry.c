#include "registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "protoload.h"

/* The portable baseline: the highest version both headless weston 10 and
 * sway 1.7 offer, so a client may move between them. */
static const struct {
	const char *interface;
	uint32_t version;
} baseline[] = {
	{ "wl_compositor", 4 },	  { "wl_subcompositor", 1 },
	{ "wl_shm", 1 },	  { "wl_output", 3 },
	{ "wl_seat", 7 },	  { "wl_data_device_manager", 3 },
	{ "xdg_wm_base", 2 },	  { "zxdg_output_manager_v1", 2 },
	{ "wp_presentation", 1 }, { "wp_viewporter", 1 },
};

/* GPU buffer paths, hidden by --shm-only so toolkits fall back to wl_shm */
static const char *const gpu_interfaces[] = {
	"zwp_linux_dmabuf_v1",
	"wl_drm",
	"zwp_linux_explicit_synchronization_v1",
};

static int compat_set(struct wlcr_registry *reg, const char *interface, uint32_t version)
{
	for (size_t i = 0; i < reg->ncompat; i++) {
		if (strcmp(reg->compat[i].interface, interface) == 0) {
			reg->compat[i].version = version;
			return 0;
		}
	}
	struct wlcr_compat_entry *c = realloc(reg->compat, (reg->ncompat + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	reg->compat = c;
	c[reg->ncompat].interface = strdup(interface);
	if (!c[reg->ncompat].interface)
		return -ENOMEM;
	c[reg->ncompat].version = version;
	reg->ncompat++;
	return 0;
}

int wlcr_registry_init(struct wlcr_registry *reg, bool shm_only)
{
	memset(reg, 0, sizeof(*reg));
	reg->shm_only = shm_only;
	for (size_t i = 0; i < sizeof(baseline) / sizeof(baseline[0]); i++)
		if (compat_set(reg, baseline[i].interface, baseline[i].version) < 0)
			return -ENOMEM;
	return 0;
}

void wlcr_registry_finish(struct wlcr_registry *reg)
{
	for (size_t i = 0; i < reg->nglobals; i++)
		free(reg->globals[i].interface);
	for (size_t i = 0; i < reg->ncompat; i++)
		free(reg->compat[i].interface);
	free(reg->globals);
	free(reg->compat);
	memset(reg, 0, sizeof(*reg));
}

int wlcr_registry_load_compat(struct wlcr_registry *reg, const char *path, int *ret_line)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char line[256];
	int lineno = 0, ret = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char iface[128];
		unsigned version;
		char extra;
		int n = sscanf(line, "%127s %u %c", iface, &version, &extra);
		if (n <= 0)
			continue;
		if (n != 2 || version == 0) {
			*ret_line = lineno;
			ret = -EINVAL;
			break;
		}
		ret = compat_set(reg, iface, version);
		if (ret < 0)
			break;
	}
	fclose(f);
	return ret;
}

struct wlcr_global *wlcr_registry_by_upstream(struct wlcr_registry *reg, uint32_t upstream_name)
{
	for (size_t i = 0; i < reg->nglobals; i++)
		if (reg->globals[i].upstream_name == upstream_name)
			return &reg->globals[i];
	return NULL;
}

void wlcr_registry_forget_globals(struct wlcr_registry *reg)
{
	for (size_t i = 0; i < reg->nglobals; i++)
		free(reg->globals[i].interface);
	reg->nglobals = 0;
}

static void classify(struct wlcr_registry *reg, struct wlcr_global *g)
{
	const struct wlcr_interface *it = wlcr_interface_find(g->interface);
	g->hidden = false;
	g->hidden_why[0] = '\0';
	g->version = g->upstream_version;
	for (size_t i = 0; i < sizeof(gpu_interfaces) / sizeof(gpu_interfaces[0]); i++) {
		if (reg->shm_only && strcmp(g->interface, gpu_interfaces[i]) == 0) {
			g->hidden = true;
			snprintf(g->hidden_why, sizeof(g->hidden_why), "--shm-only");
			return;
		}
	}
	if (!it) {
		/* the proxy cannot tell its messages apart: hidden, and the
		 * user is told how to give the proxy its XML */
		const char *why_not = wlcr_protoload_why_not(g->interface);
		g->hidden = true;
		if (why_not)
			snprintf(g->hidden_why, sizeof(g->hidden_why), "%s", why_not);
		else
			snprintf(g->hidden_why, sizeof(g->hidden_why),
				 "no protocol XML found; add --protocol-dir with its XML");
		return;
	}
	if (g->version > it->version)
		g->version = it->version;
	for (size_t i = 0; i < reg->ncompat; i++)
		if (strcmp(reg->compat[i].interface, g->interface) == 0 &&
		    g->version > reg->compat[i].version)
			g->version = reg->compat[i].version;
}

struct wlcr_global *wlcr_registry_from_upstream(struct wlcr_registry *reg, uint32_t upstream_name,
						const char *interface, uint32_t version)
{
	struct wlcr_global *g = wlcr_registry_by_upstream(reg, upstream_name);
	if (g && strcmp(g->interface, interface) == 0) {
		if (g->upstream_version != version) {
			g->upstream_version = version;
			classify(reg, g);
		}
		return g;
	}
	if (g) {
		/* the compositor reused the name for something else */
		g->upstream_name = 0;
	}
	if (reg->nglobals == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 32;
		struct wlcr_global *a = realloc(reg->globals, cap * sizeof(*a));
		if (!a)
			return NULL;
		reg->globals = a;
		reg->cap = cap;
	}
	g = &reg->globals[reg->nglobals];
	memset(g, 0, sizeof(*g));
	g->interface = strdup(interface);
	if (!g->interface)
		return NULL;
	reg->nglobals++;
	g->upstream_name = upstream_name;
	g->upstream_version = version;
	classify(reg, g);
	return g;
}
