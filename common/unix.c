#include "unix.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int wlcr_unix_connect(const char *path, int type, int cloexec)
{
	return wlcr_unix_connect_timeout(path, type, cloexec, 0);
}

int wlcr_unix_connect_timeout(const char *path, int type, int cloexec, int timeout_ms)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, type | (cloexec ? SOCK_CLOEXEC : 0), 0);
	if (fd < 0)
		return -errno;
	if (timeout_ms > 0) {
		/* a unix connect waits on a full backlog as long as the send
		 * timeout says, so this bounds the connect too */
		struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

size_t wlcr_cmsg_fds(struct msghdr *msg, int *fds, size_t max, size_t *ret_total)
{
	size_t n = 0, total = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			total++;
			if (n < max)
				fds[n++] = fd;
			else
				close(fd);
		}
	}
	if (ret_total)
		*ret_total = total;
	return n;
}
