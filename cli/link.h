/* Measuring the link to a wlcr receive: filler PROBE messages through the
 * migration channel itself (the same TLS, route and peer as CRIU's page
 * transfer), the last one marked so that the receiver answers PROBE_ACK
 * once it has read them all. migrate probes briefly to plan; link-test
 * pushes as much as the app it would move holds. */
#ifndef WLCR_CLI_LINK_H
#define WLCR_CLI_LINK_H

#include <stdint.h>

#include "progress.h"
#include "tls.h"

/* the piece PROBE messages carry */
#define WLCR_LINK_PIECE (256u * 1024)

/* Sends PROBE messages of WLCR_LINK_PIECE until bytes went out or max_s
 * passed (0: no bound in time), the last marked last; prog (may be NULL)
 * shows the bytes. Returns 0 or -errno. */
int wlcr_link_push(struct wlcr_tls *t, uint64_t bytes, double max_s, struct wlcr_progress *prog);

#endif
