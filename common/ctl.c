#include "ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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
	size_t len = protobuf_c_message_get_packed_size(msg);
	if (len > WLCR_CTL_MAX - 8)
		return -EMSGSIZE;
	uint8_t *buf = malloc(8 + len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, WLCR_CTL_MAGIC, 4);
	put_le32(buf + 4, version);
	protobuf_c_message_pack(msg, buf + 8);
	ssize_t n;
	do {
		n = send(fd, buf, 8 + len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	int ret = n < 0 ? -errno : 0;
	free(buf);
	return ret;
}

int wlcr_ctl_recv(int fd, uint8_t *buf, size_t cap, uint32_t *ret_version)
{
	ssize_t n;
	do {
		n = recv(fd, buf, cap, MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
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
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(ctl_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, ctl_path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int wlcr_ctl_call(int fd, const CtlRequest *req, CtlReply **ret_reply, char *err, size_t errlen)
{
	uint8_t *buf = malloc(WLCR_CTL_MAX);
	uint32_t version = 0;
	int ret;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = wlcr_ctl_send(fd, WLCR_CTL_VERSION, &req->base);
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
