/* The global names one client knows. libwayland-server gives each client
 * its own view of the globals; the proxy does too: each name it tells the
 * app stays the app's for life, and stands for whichever of the current
 * compositor's globals has that interface (and instance). After a restore
 * (through this proxy or another), a compositor restart or a move to
 * another compositor, the replay points the app's names at the new
 * compositor's globals, so a bind the app makes later by a name it was
 * told before still reaches a global of the interface it expects. */
#ifndef WLCR_NAMES_H
#define WLCR_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wlcr_name {
	uint32_t name; /* the app's */
	char *interface;
	uint32_t version;  /* as advertised to the app */
	uint32_t upstream; /* the compositor's name for it now; 0: none here */
	bool removed;	   /* the app was told global_remove */
};

struct wlcr_names {
	struct wlcr_name *v;
	size_t n, cap;
	uint32_t next; /* the next name to give */
};

void wlcr_names_init(struct wlcr_names *names);
void wlcr_names_finish(struct wlcr_names *names);
struct wlcr_name *wlcr_names_by_name(const struct wlcr_names *names, uint32_t name);
/* The live (not removed) name standing for the compositor's global, or NULL. */
struct wlcr_name *wlcr_names_by_upstream(const struct wlcr_names *names, uint32_t upstream);
/* A name for a global the app is told of now (the next free one, or name
 * when not 0, for a name restored from an image). Returns NULL when out of
 * memory. Pointers into the table move when it grows. */
struct wlcr_name *wlcr_names_add(struct wlcr_names *names, uint32_t name, const char *interface,
				 uint32_t version, uint32_t upstream);
/* Heap the table holds, for the journal's size. */
size_t wlcr_names_bytes(const struct wlcr_names *names);

#endif
