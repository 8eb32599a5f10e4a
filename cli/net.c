#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int wlcr_net_parse(const char *dest, char *host, size_t cap, unsigned *port, unsigned default_port)
{
	const char *colon = NULL, *h = dest, *end;
	if (dest[0] == '[') {
		end = strchr(dest, ']');
		if (!end)
			return -EINVAL;
		h = dest + 1;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return -EINVAL;
	} else {
		colon = strrchr(dest, ':');
		if (colon && strchr(dest, ':') != colon)
			colon = NULL; /* a bare IPv6 address */
		end = colon ? colon : dest + strlen(dest);
	}
	size_t len = (size_t)(end - h);
	if (len == 0 || len >= cap)
		return -EINVAL;
	memcpy(host, h, len);
	host[len] = '\0';
	*port = default_port;
	if (colon) {
		char *e;
		unsigned long p = strtoul(colon + 1, &e, 10);
		if (*e || p == 0 || p > 65535)
			return -EINVAL;
		*port = (unsigned)p;
	}
	return 0;
}

int wlcr_net_connect(const char *host, unsigned port, int timeout_ms, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	int r = getaddrinfo(host, service, &hints, &res);
	if (r) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	int fd = -1, e = ECONNREFUSED;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			e = errno;
		} else {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int n = poll(&p, 1, timeout_ms);
			socklen_t len = sizeof(e);
			if (n == 0)
				e = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
				e = errno;
			if (e == 0) {
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
				break;
			}
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s port %u: %s", host, port, strerror(e));
		return -e;
	}
	return fd;
}

int wlcr_net_listen(const char *addr, unsigned port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res = NULL;
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	int r = getaddrinfo(addr, service, &hints, &res);
	if (r) {
		snprintf(err, errlen, "%s: %s", addr ? addr : "*", gai_strerror(r));
		return -EINVAL;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 8) < 0) {
			int e = errno;
			close(fd);
			fd = -e;
		}
	} else {
		fd = -errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot listen on %s port %u: %s", addr ? addr : "*", port,
			 strerror(-fd));
	return fd;
}

int wlcr_net_addr(int fd, int peer, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
		  : getsockname(fd, (struct sockaddr *)&ss, &len)) < 0)
		return -errno;
	int r = getnameinfo((struct sockaddr *)&ss, len, buf, (socklen_t)cap, NULL, 0,
			    NI_NUMERICHOST);
	return r ? -EINVAL : 0;
}

int wlcr_net_free_port(const char *addr)
{
	char err[128];
	int fd = wlcr_net_listen(addr, 0, err, sizeof(err));
	if (fd < 0)
		return fd;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int port = -EINVAL;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
						: ntohs(((struct sockaddr_in *)&ss)->sin_port);
	close(fd);
	return port;
}

/* One sock_diag dump of a family's established TCP sockets. */
static int dump_family(int nl, int family, unsigned port, uint64_t *sent, uint64_t *received)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = { .nlmsg_len = sizeof(req),
		       .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family,
		       .sdiag_protocol = IPPROTO_TCP,
		       .idiag_ext = 1 << (INET_DIAG_INFO - 1),
		       .idiag_states = 1 << 1 /* TCP_ESTABLISHED */ },
	};
	if (send(nl, &req, sizeof(req), 0) < 0)
		return -errno;
	static char buf[32768];
	for (;;) {
		ssize_t got = recv(nl, buf, sizeof(buf), 0);
		if (got < 0)
			return -errno;
		int n = (int)got;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			struct inet_diag_msg *m = NLMSG_DATA(h);
			if (ntohs(m->id.idiag_sport) != port && ntohs(m->id.idiag_dport) != port)
				continue;
			int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len);
			     a = RTA_NEXT(a, len)) {
				if (a->rta_type != INET_DIAG_INFO)
					continue;
				struct tcp_info ti;
				memset(&ti, 0, sizeof(ti));
				size_t size = RTA_PAYLOAD(a);
				memcpy(&ti, RTA_DATA(a), size < sizeof(ti) ? size : sizeof(ti));
				*sent += ti.tcpi_bytes_acked;
				*received += ti.tcpi_bytes_received;
			}
		}
	}
}

int wlcr_net_port_bytes(unsigned port, uint64_t *ret_sent, uint64_t *ret_received)
{
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -errno;
	uint64_t sent = 0, received = 0;
	int ret = dump_family(nl, AF_INET, port, &sent, &received);
	if (ret == 0)
		ret = dump_family(nl, AF_INET6, port, &sent, &received);
	close(nl);
	if (ret == 0) {
		*ret_sent = sent;
		*ret_received = received;
	}
	return ret;
}
