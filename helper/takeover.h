/* A running client's journal replayed onto a compositor, with no CRIU: the
 * app stays connected to the proxy throughout (its socket cannot change
 * peer), the proxy gives it a new connection upstream and the replay
 * engine (helper/replay.h) rebuilds its objects there. Two callers:
 *
 * - a compositor that goes away (a crash, a restart): its clients wait,
 *   their requests journaled, while the proxy watches for it to listen
 *   again (helper/upstream.h); then each is replayed onto it. If it dies
 *   again during a replay, they wait again. One that does not come back
 *   within --compositor-timeout ends them, saying why.
 * - `wlcr move`: one client to another compositor; its windows leave the
 *   first and show on the second. A move that fails takes it back. */
#ifndef WLCR_TAKEOVER_H
#define WLCR_TAKEOVER_H

#include <stddef.h>

#include "replay.h"

struct wlcr_client;
struct wlcr_proxy;

/* The proxy's hook for a client whose connection to its compositor ended
 * without a protocol error (struct wlcr_proxy.upstream_lost). */
void wlcr_takeover_upstream_lost(struct wlcr_client *c, const char *why);

/* What waits for the loop's batch to end (a client going back to waiting,
 * or its next replay): called by the proxy after each batch. */
void wlcr_takeover_run_deferred(struct wlcr_proxy *proxy);

/* Moves c to the compositor at path; done is told the outcome (error NULL:
 * c runs there). Returns 0 when the move started, or -errno with err filled
 * in and nothing changed. */
int wlcr_takeover_move(struct wlcr_client *c, const char *path, struct wlcr_replay_end done,
		       char *err, size_t errlen);

#endif
