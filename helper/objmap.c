#include "objmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

void wlcr_objmap_init(struct wlcr_objmap *map)
{
	memset(map, 0, sizeof(*map));
}

void wlcr_objmap_finish(struct wlcr_objmap *map)
{
	free(map->client);
	free(map->server);
	memset(map, 0, sizeof(*map));
}

struct wlcr_object *wlcr_objmap_get(const struct wlcr_objmap *map, uint32_t id)
{
	if (id == 0)
		return NULL;
	if (id >= WLCR_SERVER_ID_MIN) {
		uint32_t i = id - WLCR_SERVER_ID_MIN;
		return i < map->server_len ? map->server[i] : NULL;
	}
	return id < map->client_len ? map->client[id] : NULL;
}

static int grow(struct wlcr_object ***arr, uint32_t *cap, uint32_t need)
{
	if (need <= *cap)
		return 0;
	uint32_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	struct wlcr_object **a = realloc(*arr, n * sizeof(*a));
	if (!a)
		return -ENOMEM;
	memset(a + *cap, 0, (n - *cap) * sizeof(*a));
	*arr = a;
	*cap = n;
	return 0;
}

int wlcr_objmap_insert(struct wlcr_objmap *map, uint32_t id, struct wlcr_object *obj)
{
	if (id == 0)
		return -EINVAL;
	bool server = id >= WLCR_SERVER_ID_MIN;
	uint32_t i = server ? id - WLCR_SERVER_ID_MIN : id;
	struct wlcr_object ***arr = server ? &map->server : &map->client;
	uint32_t *len = server ? &map->server_len : &map->client_len;
	uint32_t *cap = server ? &map->server_cap : &map->client_cap;
	/* the client range starts at 1: slot 0 is never used */
	uint32_t first = server ? 0 : 1;
	if (i > (*len > first ? *len : first))
		return -EINVAL;
	if (i < *len && (*arr)[i])
		return -EEXIST;
	if (grow(arr, cap, i + 1) < 0)
		return -ENOMEM;
	(*arr)[i] = obj;
	if (i >= *len)
		*len = i + 1;
	return 0;
}

void wlcr_objmap_remove(struct wlcr_objmap *map, uint32_t id)
{
	/* len stays the high-water mark, as in libwayland-server: a freed slot
	 * may be reused, and the next new id is still len */
	if (id == 0 || !wlcr_objmap_get(map, id))
		return;
	if (id >= WLCR_SERVER_ID_MIN)
		map->server[id - WLCR_SERVER_ID_MIN] = NULL;
	else
		map->client[id] = NULL;
}

void wlcr_objmap_for_each(const struct wlcr_objmap *map,
			  void (*fn)(struct wlcr_object *obj, void *data), void *data)
{
	for (uint32_t i = 0; i < map->client_len; i++)
		if (map->client[i])
			fn(map->client[i], data);
	for (uint32_t i = 0; i < map->server_len; i++)
		if (map->server[i])
			fn(map->server[i], data);
}

int wlcr_objmap_reserve_server(struct wlcr_objmap *map, uint32_t len)
{
	if (grow(&map->server, &map->server_cap, len) < 0)
		return -ENOMEM;
	if (map->server_len < len)
		map->server_len = len;
	return 0;
}

int wlcr_objmap_reserve(struct wlcr_objmap *map, uint32_t len)
{
	if (len >= WLCR_SERVER_ID_MIN)
		return -EINVAL;
	if (grow(&map->client, &map->client_cap, len) < 0)
		return -ENOMEM;
	if (map->client_len < len)
		map->client_len = len;
	return 0;
}
