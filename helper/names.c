#include "names.h"

#include <stdlib.h>
#include <string.h>

void wlcr_names_init(struct wlcr_names *names)
{
	memset(names, 0, sizeof(*names));
	names->next = 1;
}

void wlcr_names_finish(struct wlcr_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i].interface);
	free(names->v);
	memset(names, 0, sizeof(*names));
}

struct wlcr_name *wlcr_names_by_name(const struct wlcr_names *names, uint32_t name)
{
	for (size_t i = 0; i < names->n; i++)
		if (names->v[i].name == name)
			return &names->v[i];
	return NULL;
}

struct wlcr_name *wlcr_names_by_upstream(const struct wlcr_names *names, uint32_t upstream)
{
	for (size_t i = 0; upstream && i < names->n; i++)
		if (names->v[i].upstream == upstream && !names->v[i].removed)
			return &names->v[i];
	return NULL;
}

struct wlcr_name *wlcr_names_add(struct wlcr_names *names, uint32_t name, const char *interface,
				 uint32_t version, uint32_t upstream)
{
	if (names->n == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 32;
		struct wlcr_name *v = realloc(names->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		names->v = v;
		names->cap = cap;
	}
	char *iface = strdup(interface);
	if (!iface)
		return NULL;
	if (!name)
		name = names->next;
	if (name >= names->next)
		names->next = name + 1;
	struct wlcr_name *n = &names->v[names->n++];
	*n = (struct wlcr_name){ name, iface, version, upstream, false };
	return n;
}

size_t wlcr_names_bytes(const struct wlcr_names *names)
{
	size_t bytes = names->cap * sizeof(*names->v);
	for (size_t i = 0; i < names->n; i++)
		bytes += strlen(names->v[i].interface) + 1;
	return bytes;
}
