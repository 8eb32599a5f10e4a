/* One compositor's globals, as the proxy presents them to every client of
 * that compositor: the versions clamped to what the proxy can journal and to
 * a portable baseline (the --compat table), so that a client checkpointed
 * on one compositor finds the same globals and versions on another, and the
 * globals the proxy cannot journal hidden. The names each client sees are
 * its own (helper/names.h). */
#ifndef WLCR_REGISTRY_H
#define WLCR_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wlcr_global {
	uint32_t upstream_name; /* the compositor's */
	char *interface;
	uint32_t version;	   /* advertised: clamped */
	uint32_t upstream_version; /* what the compositor offers */
	bool hidden;
	bool told;	      /* why it is hidden was logged */
	char hidden_why[240]; /* why it is hidden, for people */
};

struct wlcr_compat_entry {
	char *interface;
	uint32_t version;
};

struct wlcr_registry {
	struct wlcr_global *globals;
	size_t nglobals, cap;
	struct wlcr_compat_entry *compat;
	size_t ncompat;
	bool shm_only;
};

int wlcr_registry_init(struct wlcr_registry *reg, bool shm_only);
void wlcr_registry_finish(struct wlcr_registry *reg);
/* Loads "interface version" lines ('#' comments) over the built-in
 * baseline. Returns 0 or -errno; on a syntax error, -EINVAL with the line
 * number in *ret_line. */
int wlcr_registry_load_compat(struct wlcr_registry *reg, const char *path, int *ret_line);

/* A wl_registry.global from the compositor: the global as clients see it
 * (check ->hidden), or NULL on allocation failure. */
struct wlcr_global *wlcr_registry_from_upstream(struct wlcr_registry *reg, uint32_t upstream_name,
						const char *interface, uint32_t version);
struct wlcr_global *wlcr_registry_by_upstream(struct wlcr_registry *reg, uint32_t upstream_name);
/* The compositor went away: its globals with it (the compat table stays). */
void wlcr_registry_forget_globals(struct wlcr_registry *reg);

#endif
