/* The migration channel: MigMsg messages (proto/migrate.proto) over a TLS
 * connection, each a little-endian u32 length and the packed message. */
#ifndef WLCR_CLI_CHAN_H
#define WLCR_CLI_CHAN_H

#include "migrate.pb-c.h"
#include "tls.h"

/* a peer of another version is told so, not misread */
#define WLCR_MIG_VERSION 1
/* TCP port wlcr receive listens on unless told otherwise */
#define WLCR_MIG_PORT 7411
/* no message is near this: a bound on what a peer makes us allocate */
#define WLCR_MIG_MAX (64u * 1024 * 1024)
/* image files travel in pieces of this size */
#define WLCR_MIG_CHUNK (1024u * 1024)

/* Sends m. Returns 0 or -errno. */
int wlcr_chan_send(struct wlcr_tls *t, const MigMsg *m);
/* Sends a message with only op (and error, if not NULL). */
int wlcr_chan_send_op(struct wlcr_tls *t, MigOp op, const char *error);
/* Waits at most timeout_ms for a message. Returns 0 with *ret (free with
 * mig_msg__free_unpacked), -ETIMEDOUT, -ECONNRESET when the peer closed, or
 * -EPROTO for something that is not a MigMsg. */
int wlcr_chan_recv(struct wlcr_tls *t, MigMsg **ret, int timeout_ms);
/* What a -errno of the functions above means for people, peer naming the
 * other side ("the destination"); the text lasts until the next call. */
const char *wlcr_chan_strerror(int r, const char *peer);
/* "HELLO", "FILE", ... for messages to people. */
const char *wlcr_chan_op_name(MigOp op);

#endif
