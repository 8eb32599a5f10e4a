/* The control protocol on the proxy's NAME.ctl socket, used by the wlcr
 * command and the CRIU plugin. Each message is one SOCK_SEQPACKET datagram:
 * "WLCR", a little-endian u32 protocol version, then a protobuf CtlRequest
 * or CtlReply (proto/wlcr.proto). Peers of another version are told so
 * with a clear error instead of being misread. */
#ifndef WLCR_CTL_H
#define WLCR_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "wlcr.pb-c.h"

#define WLCR_CTL_VERSION 1
#define WLCR_CTL_MAGIC	 "WLCR"
#define WLCR_CTL_MAX	 (256 * 1024)
#define WLCR_CTL_MAX_FDS 64

/* Builds "<wayland socket path>.ctl" into buf. Returns 0 or -ENAMETOOLONG. */
int wlcr_ctl_path(char *buf, size_t cap, const char *wayland_socket_path);

/* Sends one framed message. Returns 0 or -errno. */
int wlcr_ctl_send(int fd, uint32_t version, const ProtobufCMessage *msg);
int wlcr_ctl_send_fds(int fd, uint32_t version, const ProtobufCMessage *msg, const int *fds,
		      size_t nfds);
/* As wlcr_ctl_recv, also taking up to maxfds fds (more are closed). */
int wlcr_ctl_recv_fds(int fd, uint8_t *buf, size_t cap, uint32_t *ret_version, int *fds,
		      size_t maxfds, size_t *ret_nfds);
/* Receives one datagram into buf. Returns the payload length (payload at
 * buf + 8), -EPROTO for a datagram without our magic, 0 at EOF, or -errno. */
int wlcr_ctl_recv(int fd, uint8_t *buf, size_t cap, uint32_t *ret_version);

/* Client side: connects to a proxy's control socket. Returns fd or -errno. */
int wlcr_ctl_connect(const char *ctl_path);
/* Sends a request and waits for the reply. Returns 0 with *ret_reply set
 * (free with ctl_reply__free_unpacked), or -errno with a message for
 * people in err (version mismatch, proxy error, malformed reply). */
int wlcr_ctl_call(int fd, const CtlRequest *req, CtlReply **ret_reply, char *err, size_t errlen);
/* The same, passing fds with the request. */
int wlcr_ctl_call_fds(int fd, const CtlRequest *req, const int *fds, size_t nfds,
		      CtlReply **ret_reply, char *err, size_t errlen);

#endif
