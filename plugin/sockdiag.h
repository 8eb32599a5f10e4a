/* The peer of a unix socket, by inode, through sock_diag (libnl-3). */
#ifndef WLCR_PLUGIN_SOCKDIAG_H
#define WLCR_PLUGIN_SOCKDIAG_H

#include <stdint.h>

/* Returns 0 with the inode of the socket connected to the one with inode
 * ino, asking sock_diag in the caller's network namespace, or -errno. */
int wlcr_sockdiag_peer(uint32_t ino, uint32_t *ret_peer);

/* The same for the socket fd (whose inode is ino), asked in the network
 * namespace the socket lives in: a unix socket belongs to the namespace of
 * the task that created it, and sock_diag only reports sockets of the
 * asker's own namespace. An app in a container connects from its own
 * namespace, so both its end and the proxy's accepted end live there. The
 * query then runs in a forked child that joins that namespace, and the
 * caller's namespaces never change. Without SIOCGSKNS (old kernels), or when
 * the child cannot join, it asks in the caller's namespace. */
int wlcr_sockdiag_peer_of(int fd, uint32_t ino, uint32_t *ret_peer);

#endif
