/* Recorded sessions: what wlcr-proxy --record writes, and what the fuzzer
 * and the corpus replay feed back through a client's message handling.
 *
 * A recording is a sequence of chunks, each as one read() brought it in:
 *   u8  direction (0: request bytes from the app, 1: event bytes from the
 *       compositor)
 *   u8  number of fds that arrived with the chunk
 *   u16 length (little-endian), then that many bytes. */
#ifndef WLCR_RECORD_H
#define WLCR_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wlcr_client;

/* Appends one chunk to fd. Errors are ignored: a recording is a debugging
 * aid and must never disturb the session. */
void wlcr_record_chunk(int fd, bool requests, unsigned nfds, const uint8_t *data, size_t len);

/* Feeds a recording through c (built with wlcr_client_new, no sockets),
 * standing in /dev/null for the fds. Stops at the first malformed chunk or
 * when the client gets closed; returns the number of chunks handled. */
size_t wlcr_record_replay(struct wlcr_client *c, const uint8_t *data, size_t size);
/* The same with fd_for(arg) for each fd (an fd it gives is the client's,
 * -1 ends the replay). */
size_t wlcr_record_replay_with(struct wlcr_client *c, const uint8_t *data, size_t size,
			       int (*fd_for)(void *arg), void *arg);

#endif
