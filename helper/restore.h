/* A restore through CRIU, the proxy's side (the plugin's is
 * plugin/restore.c), as a caller of the replay engine:
 * 1. CTL_RESTORE registers an image (wlcr_restore_register), checked.
 * 2. The restored app's new socket names it by its token, a first message
 *    on object id 0 (wlcr_restore_claim): the journal is loaded and what
 *    the app had not read yet is queued for it.
 * 3. CTL_REPLAY, with the shm pools' fds and every task stopped, runs the
 *    replay (wlcr_restore_replay); its end answers the control connection. */
#ifndef WLCR_RESTORE_H
#define WLCR_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay.h"
#include "wlcr.pb-c.h"

struct wlcr_proxy;
struct wlcr_client;

/* Takes ownership of img. Returns 0, or -errno with err saying what is
 * wrong with it (unknown interface, missing core global, ...). */
int wlcr_restore_register(struct wlcr_proxy *proxy, Image *img, char *err, size_t errlen);
void wlcr_restore_finish_all(struct wlcr_proxy *proxy);

/* The first message of a new connection had sender 0: a token. Returns
 * true when it named a registered image (the client is now a restored one,
 * waiting for its replay). */
bool wlcr_restore_claim(struct wlcr_client *c, const uint8_t *msg, uint16_t size);

/* Whether c is a restored connection waiting for the replay of token. */
bool wlcr_restore_waits(const struct wlcr_client *c, const uint8_t *token, size_t token_len);
/* Starts the replay of a claimed client: pool fds in the image's order
 * (duplicated), pid the restored task (for its clock). Returns 0, or
 * -errno with err filled in. */
int wlcr_restore_replay(struct wlcr_client *c, const int *fds, size_t nfds, int pid,
			struct wlcr_replay_end end, char *err, size_t errlen);

#endif
