/* The replay engine: recreates a restored client's server-side objects on
 * the compositor, with the same ids, from its journal (DESIGN.md section 4).
 *
 * 1. CTL_RESTORE registers an image (wlcr_replay_register) and checks it.
 * 2. The restored app's new socket names the image by its token, a first
 *    message on object id 0 (wlcr_replay_claim): the journal is loaded and
 *    what the app had not read yet is queued for it.
 * 3. CTL_REPLAY, with the shm pools' fds, runs the replay in phases, each
 *    ended by a wl_display.sync barrier: free every id up to the client's
 *    next one; registries; objects in dependency order and their setters;
 *    a first commit for xdg roles; ack the configure, attach the last
 *    buffers, re-issue pending callbacks and commit. Then zombies get their
 *    delete_id, buffers the compositor no longer holds their release, and
 *    the control connection its answer. */
#ifndef WLCR_REPLAY_H
#define WLCR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wlcr.pb-c.h"

struct wlcr_proxy;
struct wlcr_client;
struct wlcr_control;
struct wlcr_wire_msg;

/* Takes ownership of img. Returns 0, or -errno with err saying what is
 * wrong with it (unknown interface, missing core global, ...). */
int wlcr_replay_register(struct wlcr_proxy *proxy, Image *img, char *err, size_t errlen);
void wlcr_replay_finish_all(struct wlcr_proxy *proxy);

/* The first message of a new connection had sender 0: a token. Returns
 * true when it named a registered image (the client is now a restored one). */
bool wlcr_replay_claim(struct wlcr_client *c, const uint8_t *msg, uint16_t size);

/* Starts the replay; the answer goes to ctl when it ends. Takes the fds. */
int wlcr_replay_start(struct wlcr_client *c, struct wlcr_control *ctl, const uint8_t *token,
		      size_t token_len, int *fds, size_t nfds, int pid, char *err, size_t errlen);

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
/* The control connection that waits went away: the replay fails. */
void wlcr_replay_detach_control(struct wlcr_client *c);
void wlcr_replay_free(struct wlcr_client *c);

#endif
