/* The control protocol on the proxy's NAME.ctl socket, used by the wlcr
 * command and the CRIU plugin. Each message is one SOCK_SEQPACKET datagram:
 * "WLCR", a little-endian u32 protocol version, then a protobuf CtlRequest
 * or CtlReply (proto/wlcr.proto). A message too large for one datagram (a
 * journal is as large as the app's state) travels in a memfd instead: the
 * datagram is "WLCB", the version and a u64 length, and the memfd is the
 * first fd passed with it. Peers of another version are told so with a
 * clear error instead of being misread. */
#ifndef WLCR_CTL_H
#define WLCR_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "wlcr.pb-c.h"

/* 2: messages of any size (memfd), CTL_POOLS */
#define WLCR_CTL_VERSION   2
#define WLCR_CTL_MAGIC	   "WLCR"
#define WLCR_CTL_MAGIC_BIG "WLCB"
/* messages up to this size go inline, larger ones in a memfd */
#define WLCR_CTL_INLINE_MAX (32 * 1024)
/* no real message comes near this: a bound on what a peer makes us read */
#define WLCR_CTL_MAX	 (1024u * 1024 * 1024)
#define WLCR_CTL_MAX_FDS 64
/* how long the plugin and the wlcr command wait for the proxy: no failure
 * of the proxy may leave a frozen app waiting for ever */
#define WLCR_CTL_TIMEOUT_MS 10000

/* One message as received: the payload (without the 8-byte header) and the
 * fds that came with it (the memfd of a large one is not among them). */
struct wlcr_ctl_frame {
	uint32_t version;
	uint8_t *payload;
	size_t len;
	int fds[WLCR_CTL_MAX_FDS];
	size_t nfds;
};

/* Builds "<wayland socket path>.ctl" into buf. Returns 0 or -ENAMETOOLONG. */
int wlcr_ctl_path(char *buf, size_t cap, const char *wayland_socket_path);

/* Sends one message, inline or in a memfd by its size. Returns 0 or -errno. */
int wlcr_ctl_send(int fd, uint32_t version, const ProtobufCMessage *msg);
int wlcr_ctl_send_fds(int fd, uint32_t version, const ProtobufCMessage *msg, const int *fds,
		      size_t nfds);
/* Receives one message into f (free with wlcr_ctl_frame_clear). Returns 1,
 * 0 at EOF, -EAGAIN when nothing is there (or, on a blocking socket, when
 * its SO_RCVTIMEO passed), -EPROTO for a datagram that is not ours, or
 * another -errno. More than WLCR_CTL_MAX_FDS fds are closed. */
int wlcr_ctl_recv(int fd, struct wlcr_ctl_frame *f);
/* Frees the payload and closes the fds still in f. */
void wlcr_ctl_frame_clear(struct wlcr_ctl_frame *f);

/* Client side: connects to a proxy's control socket; sends and receives on
 * it time out after timeout_ms (0: never). Returns fd or -errno. */
int wlcr_ctl_connect(const char *ctl_path, int timeout_ms);
/* Sends a request and waits for the reply. Returns 0 with *ret_reply set
 * (free with ctl_reply__free_unpacked), or -errno with a message for
 * people in err (no answer in time, version mismatch, proxy error,
 * malformed reply). */
int wlcr_ctl_call(int fd, const CtlRequest *req, CtlReply **ret_reply, char *err, size_t errlen);
/* The same, passing fds with the request. */
int wlcr_ctl_call_fds(int fd, const CtlRequest *req, const int *fds, size_t nfds,
		      CtlReply **ret_reply, char *err, size_t errlen);

#endif
