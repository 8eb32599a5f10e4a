/* TCP for the migration: DEST parsing, connecting and listening with
 * bounded waits, and the addresses CRIU's own connections use. */
#ifndef WLCR_CLI_NET_H
#define WLCR_CLI_NET_H

#include <stddef.h>
#include <stdint.h>

/* "HOST", "HOST:PORT" or "[V6]:PORT" into host and port (default_port when
 * absent). Returns 0 or -EINVAL. */
int wlcr_net_parse(const char *dest, char *host, size_t cap, unsigned *port, unsigned default_port);
/* A TCP connection to host:port within timeout_ms, close-on-exec. Returns
 * the fd or -errno with err. */
int wlcr_net_connect(const char *host, unsigned port, int timeout_ms, char *err, size_t errlen);
/* A listening TCP socket on addr (NULL: every address) and port. */
int wlcr_net_listen(const char *addr, unsigned port, char *err, size_t errlen);
/* This end's (local) or the other end's (peer) address of a connected
 * socket, numeric. Returns 0 or -errno. */
int wlcr_net_addr(int fd, int peer, char *buf, size_t cap);
/* A TCP port free on addr now, for a criu server to bind next. Returns it
 * or -errno. */
int wlcr_net_free_port(const char *addr);
/* Bytes sent (acknowledged) and received over the established TCP
 * connections of this network namespace whose local or remote port is
 * port: how far CRIU's page transfer is. Returns 0 or -errno. */
int wlcr_net_port_bytes(unsigned port, uint64_t *ret_sent, uint64_t *ret_received);

#endif
