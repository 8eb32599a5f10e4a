/* The peer of a unix socket, by inode, through sock_diag (libnl-3). */
#ifndef WLCR_PLUGIN_SOCKDIAG_H
#define WLCR_PLUGIN_SOCKDIAG_H

#include <stdint.h>

/* Returns 0 with the inode of the socket connected to the one with inode
 * ino, or -errno. */
int wlcr_sockdiag_peer(uint32_t ino, uint32_t *ret_peer);

#endif
