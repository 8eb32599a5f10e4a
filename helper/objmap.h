/* Object id -> object, for the two id ranges of one Wayland connection:
 * client-allocated ids from 1 and server-allocated ids from 0xff000000.
 * Both sides allocate densely, so two growable arrays are enough. */
#ifndef WLCR_OBJMAP_H
#define WLCR_OBJMAP_H

#include <stdint.h>

struct wlcr_object;

struct wlcr_objmap {
	struct wlcr_object **client; /* index = id */
	uint32_t client_len;	     /* highest client id ever used + 1 */
	uint32_t client_cap;
	struct wlcr_object **server; /* index = id - 0xff000000 */
	uint32_t server_len;
	uint32_t server_cap;
};

void wlcr_objmap_init(struct wlcr_objmap *map);
void wlcr_objmap_finish(struct wlcr_objmap *map);
struct wlcr_object *wlcr_objmap_get(const struct wlcr_objmap *map, uint32_t id);
/* Returns 0, -EINVAL for id 0 or an id beyond what one past the end
 * allows (libwayland-server refuses a new id that skips slots), or
 * -ENOMEM. */
int wlcr_objmap_insert(struct wlcr_objmap *map, uint32_t id, struct wlcr_object *obj);
/* Raises the client high-water mark to len (a restored client's next id). */
int wlcr_objmap_reserve(struct wlcr_objmap *map, uint32_t len);
/* The same for the server range: len slots from 0xff000000. */
int wlcr_objmap_reserve_server(struct wlcr_objmap *map, uint32_t len);
void wlcr_objmap_remove(struct wlcr_objmap *map, uint32_t id);
/* Calls fn for every object, in id order. */
void wlcr_objmap_for_each(const struct wlcr_objmap *map,
			  void (*fn)(struct wlcr_object *obj, void *data), void *data);

#endif
