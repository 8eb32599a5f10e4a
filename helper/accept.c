#include "accept.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "log.h"

void wlcr_acceptor_init(struct wlcr_acceptor *a)
{
	memset(a, 0, sizeof(*a));
	a->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void wlcr_acceptor_finish(struct wlcr_acceptor *a)
{
	if (a->reserve_fd >= 0)
		close(a->reserve_fd);
	a->reserve_fd = -1;
}

static int refuse_one(struct wlcr_acceptor *a, int listen_fd, bool wayland, const char *what,
		      int err)
{
	struct timespec now;
	if (a->reserve_fd >= 0)
		close(a->reserve_fd);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd >= 0) {
		if (wayland)
			wlcr_client_refuse(fd, DISPLAY_ERROR_NO_MEMORY,
					   "wlcr-proxy is out of file descriptors");
		close(fd);
		a->refused++;
	}
	a->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != a->logged.tv_sec) {
		wlcr_warn("%s: %s: refused %u connection%s (raise the open files limit, or lower "
			  "--max-client-fds)",
			  what, strerror(err), a->refused, a->refused == 1 ? "" : "s");
		a->logged = now;
		a->refused = 0;
	}
	if (fd >= 0)
		return -EMFILE;
	return errno == EAGAIN ? -EAGAIN : -ENOSPC;
}

int wlcr_accept(struct wlcr_acceptor *a, int listen_fd, bool wayland, const char *what)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd >= 0)
		return fd;
	if (errno == EMFILE || errno == ENFILE)
		return refuse_one(a, listen_fd, wayland, what, errno);
	return errno == EINTR ? -EAGAIN : -errno;
}
