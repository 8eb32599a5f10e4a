/* Unix socket helpers shared by the proxy, the plugin and the wlcr command. */
#ifndef WLCR_UNIX_H
#define WLCR_UNIX_H

#include <stddef.h>
#include <sys/socket.h>

/* A socket of the type (SOCK_STREAM, SOCK_SEQPACKET) connected to path,
 * close-on-exec unless cloexec is 0. Returns the fd or -errno. */
int wlcr_unix_connect(const char *path, int type, int cloexec);
/* The same, and sends, receives and the connect itself time out after
 * timeout_ms (0: never). */
int wlcr_unix_connect_timeout(const char *path, int type, int cloexec, int timeout_ms);

/* Moves the fds of every SCM_RIGHTS message in msg into fds (up to max;
 * the rest are closed). Returns how many were stored; *ret_total counts all
 * of them when not NULL. */
size_t wlcr_cmsg_fds(struct msghdr *msg, int *fds, size_t max, size_t *ret_total);

#endif
