/* Is a unix socket connected to a wlcr proxy? */
#ifndef WLCR_PLUGIN_PEER_H
#define WLCR_PLUGIN_PEER_H

#include <stddef.h>

/* Returns 1 with the proxy's Wayland socket path in path (the peer's bound
 * name, as getpeername() gives it), 0 when the peer is something else, or
 * -errno. Cheap for sockets that are not ours: no connection is made unless
 * a NAME.ctl exists beside the peer's path. */
int wlcr_plugin_peer_proxy(int fd, char *path, size_t cap);

#endif
