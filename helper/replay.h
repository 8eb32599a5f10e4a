/* The replay engine: recreates a client's server-side objects on a fresh
 * connection to a compositor, under the client's own ids, from its journal
 * (DESIGN.md section 4), whatever compositor that is. Its callers are thin:
 * a restore through CRIU (helper/restore.h: the journal from an image, the
 * app stopped), a compositor that came back after a crash and a move to
 * another compositor (helper/takeover.h: the journal of a running app).
 *
 * The replay runs in phases, each ended by a wl_display.sync barrier: free
 * every id up to the client's next one; registries; the app's global names
 * pointed at this compositor's globals (helper/names.h), objects in
 * dependency order and their setters, a first commit for xdg roles; ack
 * the configure, attach the last buffers, re-issue pending callbacks and
 * commit. At the start the old compositor's episodes end for the app
 * (focus, selection, drags); at the end zombies get their delete_id,
 * buffers the compositor no longer holds their release, globals the app
 * has not met are announced, and the caller is told. */
#ifndef WLCR_REPLAY_H
#define WLCR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wlcr_client;
struct wlcr_object;
struct wlcr_wire_msg;

/* How a replay ends: error NULL when the client is whole on its compositor.
 * A failed replay leaves the client open; the caller decides (a restore
 * closes it, a compositor that died again is waited for again). */
struct wlcr_replay_end {
	void (*fn)(struct wlcr_client *c, void *data, const char *error);
	void *data;
};

struct wlcr_replay_params {
	/* a restore's shm pool fds, in its image's order (duplicated); a
	 * running client's journal keeps its own */
	const int *pool_fds;
	size_t npools;
	/* the app's clock minus the compositor's (a restore's time namespace) */
	int64_t time_offset_ms;
	struct wlcr_replay_end end;
};

/* Starts the replay on c->up (a fresh connection). Returns 0, or -errno
 * with err filled in and nothing started. */
int wlcr_replay_start(struct wlcr_client *c, const struct wlcr_replay_params *p, char *err,
		      size_t errlen);
/* Ends a replay under way as failed (its end is told why). */
void wlcr_replay_cancel(struct wlcr_client *c, const char *why);
void wlcr_replay_free(struct wlcr_client *c);

/* The globals a client cannot do without: missing on the compositor, they
 * fail the replay (others are emulated). */
bool wlcr_replay_core_global(const char *interface);

/* What a compositor without a feature answers: for an object the app made
 * through an inert one (made_now: a global this compositor lacks), and for
 * each inert object at the end of a replay. A decoration is told the app
 * draws it, an import that it failed (destroyed), a layer surface made now
 * that it is closed; one made before stays unshown (its wl_surface inert)
 * until a replay onto a compositor with layer shell shows it again. */
void wlcr_replay_answer_inert(struct wlcr_client *c, struct wlcr_object *o, bool made_now);

/* Called for each raw event while a replay runs, before parsing: true when
 * it is the replay's own (its callbacks, barriers, temporary objects). */
bool wlcr_replay_consumes(struct wlcr_client *c, uint32_t sender, uint16_t opcode,
			  const uint8_t *bytes, uint16_t size);

enum wlcr_replay_verdict {
	WLCR_REPLAY_FORWARD, /* an event for the app */
	WLCR_REPLAY_SWALLOW, /* journal it, but the app knows it already */
	WLCR_REPLAY_CONSUME, /* the replay's own: neither journal nor app */
};
/* Called for each event while a replay runs, before it is journaled. */
enum wlcr_replay_verdict wlcr_replay_event(struct wlcr_client *c, const struct wlcr_wire_msg *m,
					   const uint8_t *bytes);

#endif
