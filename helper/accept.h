/* Accepting connections when the proxy runs out of fds. A listening
 * socket with a connection waiting stays readable: if accept() fails with
 * EMFILE the loop would spin on it for ever. A reserve fd, closed for the
 * moment, makes room to accept the connection, tell it why it is refused,
 * and close it; the log says so at most once a second. */
#ifndef WLCR_ACCEPT_H
#define WLCR_ACCEPT_H

#include <stdbool.h>
#include <time.h>

struct wlcr_acceptor {
	int reserve_fd;
	struct timespec logged; /* last "out of fds" line */
	unsigned refused;	/* connections refused since that line */
};

void wlcr_acceptor_init(struct wlcr_acceptor *a);
void wlcr_acceptor_finish(struct wlcr_acceptor *a);
/* Accepts one connection (non-blocking, close-on-exec). Returns its fd;
 * -EAGAIN when none waits; -EMFILE when one was refused for want of fds
 * (a Wayland peer, when wayland is set, was told why): call again;
 * -ENOSPC when not even the reserve made room: stop listening for a while;
 * or another -errno. what names the socket in the log. */
int wlcr_accept(struct wlcr_acceptor *a, int listen_fd, bool wayland, const char *what);

#endif
