#include "ctl.h"
#include "unix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* the header of an inline datagram, or the whole datagram of a large one */
#define HDR_LEN	    8
#define BIG_HDR_LEN 16

int wlcr_ctl_path(char *buf, size_t cap, const char *wayland_socket_path)
{
	int n = snprintf(buf, cap, "%s.ctl", wayland_socket_path);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int send_datagram(int fd, const uint8_t *buf, size_t len, const int *fds, size_t nfds)
{
	char cmsg[CMSG_SPACE((WLCR_CTL_MAX_FDS + 1) * sizeof(int))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (nfds) {
		memset(cmsg, 0, sizeof(cmsg));
		mh.msg_control = cmsg;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	ssize_t n;
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* A memfd holding len bytes of buf. */
static int payload_memfd(const uint8_t *buf, size_t len)
{
	int mfd = memfd_create("wlcr-ctl", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t n = pwrite(mfd, buf + off, len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(mfd);
			return -e;
		}
		off += (size_t)n;
	}
	/* the receiver reads what was written, nothing later */
	fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return mfd;
}

int wlcr_ctl_send(int fd, uint32_t version, const ProtobufCMessage *msg)
{
	return wlcr_ctl_send_fds(fd, version, msg, NULL, 0);
}

int wlcr_ctl_send_fds(int fd, uint32_t version, const ProtobufCMessage *msg, const int *fds,
		      size_t nfds)
{
	if (nfds > WLCR_CTL_MAX_FDS)
		return -E2BIG;
	size_t len = protobuf_c_message_get_packed_size(msg);
	if (len > WLCR_CTL_MAX)
		return -EMSGSIZE;
	uint8_t *buf = malloc(HDR_LEN + len);
	if (!buf)
		return -ENOMEM;
	put_le32(buf + 4, version);
	protobuf_c_message_pack(msg, buf + HDR_LEN);
	int ret;
	if (len <= WLCR_CTL_INLINE_MAX) {
		memcpy(buf, WLCR_CTL_MAGIC, 4);
		ret = send_datagram(fd, buf, HDR_LEN + len, fds, nfds);
	} else {
		int mfd = payload_memfd(buf + HDR_LEN, len);
		ret = mfd;
		if (mfd >= 0) {
			uint8_t hdr[BIG_HDR_LEN];
			int all[WLCR_CTL_MAX_FDS + 1];
			memcpy(hdr, WLCR_CTL_MAGIC_BIG, 4);
			put_le32(hdr + 4, version);
			put_le32(hdr + 8, (uint32_t)len);
			put_le32(hdr + 12, (uint32_t)((uint64_t)len >> 32));
			all[0] = mfd;
			if (nfds)
				memcpy(all + 1, fds, nfds * sizeof(int));
			ret = send_datagram(fd, hdr, sizeof(hdr), all, nfds + 1);
			close(mfd);
		}
	}
	free(buf);
	return ret;
}

void wlcr_ctl_frame_clear(struct wlcr_ctl_frame *f)
{
	free(f->payload);
	for (size_t i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	memset(f, 0, sizeof(*f));
}

/* The payload of a large message: len bytes from the start of the memfd. */
static int read_memfd(int mfd, uint64_t len, struct wlcr_ctl_frame *f)
{
	struct stat st;
	if (len == 0 || len > WLCR_CTL_MAX || fstat(mfd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < len)
		return -EPROTO;
	f->payload = malloc((size_t)len);
	if (!f->payload)
		return -ENOMEM;
	for (size_t off = 0; off < len;) {
		ssize_t n = pread(mfd, f->payload + off, (size_t)len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		off += (size_t)n;
	}
	f->len = (size_t)len;
	return 1;
}

int wlcr_ctl_recv(int fd, struct wlcr_ctl_frame *f)
{
	char cmsg[CMSG_SPACE((WLCR_CTL_MAX_FDS + 1) * sizeof(int))];
	int fds[WLCR_CTL_MAX_FDS + 1];
	uint8_t *buf = malloc(HDR_LEN + WLCR_CTL_INLINE_MAX);
	memset(f, 0, sizeof(*f));
	if (!buf)
		return -ENOMEM;
	struct iovec iov = { buf, HDR_LEN + WLCR_CTL_INLINE_MAX };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	ssize_t n;
	do {
		/* a blocking socket waits as long as its SO_RCVTIMEO says */
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;
		free(buf);
		return e == EWOULDBLOCK ? -EAGAIN : -e;
	}
	size_t nfds = wlcr_cmsg_fds(&mh, fds, WLCR_CTL_MAX_FDS + 1, NULL), first = 0;
	int ret;
	if (n == 0) {
		ret = 0;
	} else if ((size_t)n > iov.iov_len || n < HDR_LEN) {
		ret = -EPROTO;
	} else if (memcmp(buf, WLCR_CTL_MAGIC, 4) == 0) {
		f->version = get_le32(buf + 4);
		f->len = (size_t)n - HDR_LEN;
		memmove(buf, buf + HDR_LEN, f->len);
		f->payload = buf;
		buf = NULL;
		ret = 1;
	} else if (memcmp(buf, WLCR_CTL_MAGIC_BIG, 4) == 0 && n == BIG_HDR_LEN && nfds > 0) {
		f->version = get_le32(buf + 4);
		uint64_t len = get_le32(buf + 8) | (uint64_t)get_le32(buf + 12) << 32;
		ret = read_memfd(fds[0], len, f);
		close(fds[0]);
		first = 1;
	} else {
		ret = -EPROTO;
	}
	free(buf);
	for (size_t i = first; i < nfds; i++) {
		if (ret > 0 && f->nfds < WLCR_CTL_MAX_FDS)
			f->fds[f->nfds++] = fds[i];
		else
			close(fds[i]);
	}
	if (ret <= 0)
		wlcr_ctl_frame_clear(f);
	return ret;
}

int wlcr_ctl_connect(const char *ctl_path, int timeout_ms)
{
	return wlcr_unix_connect_timeout(ctl_path, SOCK_SEQPACKET, 1, timeout_ms);
}

int wlcr_ctl_call(int fd, const CtlRequest *req, CtlReply **ret_reply, char *err, size_t errlen)
{
	return wlcr_ctl_call_fds(fd, req, NULL, 0, ret_reply, err, errlen);
}

/* A proxy that closed with our request unread resets us, but its answer
 * (why it refused us) may still be queued behind the error. */
static int recv_reply(int fd, struct wlcr_ctl_frame *f)
{
	int n = wlcr_ctl_recv(fd, f);
	return n == -ECONNRESET ? wlcr_ctl_recv(fd, f) : n;
}

int wlcr_ctl_call_fds(int fd, const CtlRequest *req, const int *fds, size_t nfds,
		      CtlReply **ret_reply, char *err, size_t errlen)
{
	struct wlcr_ctl_frame f;
	int ret = wlcr_ctl_send_fds(fd, WLCR_CTL_VERSION, &req->base, fds, nfds);
	if ((ret == -EPIPE || ret == -ECONNRESET) && recv_reply(fd, &f) > 0) {
		/* a proxy that refuses us says why before it closes */
		CtlReply *reply = ctl_reply__unpack(NULL, f.len, f.payload);
		wlcr_ctl_frame_clear(&f);
		if (reply && reply->error) {
			snprintf(err, errlen, "%s", reply->error);
			ctl_reply__free_unpacked(reply, NULL);
			return -EACCES;
		}
		if (reply)
			ctl_reply__free_unpacked(reply, NULL);
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot send to the proxy: %s",
			 ret == -EAGAIN ? "it does not take requests (timed out)" : strerror(-ret));
		return ret;
	}
	int n = recv_reply(fd, &f);
	if (n <= 0) {
		if (n == -EAGAIN)
			snprintf(err, errlen, "the proxy did not answer in time");
		else
			snprintf(err, errlen, "no valid reply from the proxy: %s",
				 n == 0 ? "it closed the connection" : strerror(-n));
		return n == 0 ? -ECONNRESET : n == -EAGAIN ? -ETIMEDOUT : n;
	}
	CtlReply *reply = ctl_reply__unpack(NULL, f.len, f.payload);
	uint32_t version = f.version;
	wlcr_ctl_frame_clear(&f);
	if (version != WLCR_CTL_VERSION) {
		snprintf(err, errlen,
			 "the proxy speaks control protocol version %u, this program version %u: "
			 "use a wlcr-proxy and plugin from the same release%s%s",
			 version, WLCR_CTL_VERSION, reply && reply->error ? ": " : "",
			 reply && reply->error ? reply->error : "");
		if (reply)
			ctl_reply__free_unpacked(reply, NULL);
		return -EPROTONOSUPPORT;
	}
	if (!reply) {
		snprintf(err, errlen, "malformed reply from the proxy");
		return -EPROTO;
	}
	if (reply->error) {
		snprintf(err, errlen, "%s", reply->error);
		ctl_reply__free_unpacked(reply, NULL);
		return -EREMOTEIO;
	}
	*ret_reply = reply;
	return 0;
}
