#include "ctl.h"
#include "unix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
	if (len > WLCR_CTL_MAX - 8)
		return -EMSGSIZE;
	uint8_t *buf = malloc(8 + len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, WLCR_CTL_MAGIC, 4);
	put_le32(buf + 4, version);
	protobuf_c_message_pack(msg, buf + 8);
	char cmsg[CMSG_SPACE(WLCR_CTL_MAX_FDS * sizeof(int))];
	struct iovec iov = { buf, 8 + len };
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
	int ret = n < 0 ? -errno : 0;
	free(buf);
	return ret;
}

int wlcr_ctl_recv(int fd, uint8_t *buf, size_t cap, uint32_t *ret_version)
{
	size_t nfds = 0;
	return wlcr_ctl_recv_fds(fd, buf, cap, ret_version, NULL, 0, &nfds);
}

int wlcr_ctl_recv_fds(int fd, uint8_t *buf, size_t cap, uint32_t *ret_version, int *fds,
		      size_t maxfds, size_t *ret_nfds)
{
	char cmsg[CMSG_SPACE(WLCR_CTL_MAX_FDS * sizeof(int))];
	struct iovec iov = { buf, cap };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	ssize_t n;
	*ret_nfds = 0;
	do {
		n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		/* blocking callers: wait as the socket's own timeout says */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK))
			do {
				n = recvmsg(fd, &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC);
			} while (n < 0 && errno == EINTR);
	}
	if (n >= 0)
		*ret_nfds = wlcr_cmsg_fds(&mh, fds, maxfds, NULL);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if ((size_t)n > cap)
		return -EMSGSIZE;
	if (n < 8 || memcmp(buf, WLCR_CTL_MAGIC, 4) != 0)
		return -EPROTO;
	*ret_version = get_le32(buf + 4);
	/* an empty payload is valid protobuf, but 0 means EOF here */
	return n == 8 ? -ENODATA : (int)(n - 8);
}

int wlcr_ctl_connect(const char *ctl_path)
{
	return wlcr_unix_connect(ctl_path, SOCK_SEQPACKET, 1);
}

int wlcr_ctl_call(int fd, const CtlRequest *req, CtlReply **ret_reply, char *err, size_t errlen)
{
	return wlcr_ctl_call_fds(fd, req, NULL, 0, ret_reply, err, errlen);
}

int wlcr_ctl_call_fds(int fd, const CtlRequest *req, const int *fds, size_t nfds,
		      CtlReply **ret_reply, char *err, size_t errlen)
{
	uint8_t *buf = malloc(WLCR_CTL_MAX);
	uint32_t version = 0;
	int ret;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = wlcr_ctl_send_fds(fd, WLCR_CTL_VERSION, &req->base, fds, nfds);
	if (ret < 0) {
		snprintf(err, errlen, "cannot send to the proxy: %s", strerror(-ret));
		goto out;
	}
	int n = wlcr_ctl_recv(fd, buf, WLCR_CTL_MAX, &version);
	if (n <= 0) {
		ret = n == 0 ? -ECONNRESET : n;
		snprintf(err, errlen, "no valid reply from the proxy: %s",
			 n == 0 ? "it closed the connection" : strerror(-n));
		goto out;
	}
	CtlReply *reply = ctl_reply__unpack(NULL, (size_t)n, buf + 8);
	if (version != WLCR_CTL_VERSION) {
		snprintf(err, errlen,
			 "the proxy speaks control protocol version %u, this program version %u: "
			 "use a wlcr-proxy and plugin from the same release%s%s",
			 version, WLCR_CTL_VERSION, reply && reply->error ? ": " : "",
			 reply && reply->error ? reply->error : "");
		if (reply)
			ctl_reply__free_unpacked(reply, NULL);
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	if (!reply) {
		snprintf(err, errlen, "malformed reply from the proxy");
		ret = -EPROTO;
		goto out;
	}
	if (reply->error) {
		snprintf(err, errlen, "%s", reply->error);
		ctl_reply__free_unpacked(reply, NULL);
		ret = -EREMOTEIO;
		goto out;
	}
	*ret_reply = reply;
	ret = 0;
out:
	free(buf);
	return ret;
}
