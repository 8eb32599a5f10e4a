/* A compositor the proxy connects clients to: its socket, its globals as
 * the proxy presents them (helper/registry.h), and whether it is there.
 * The proxy's own (--upstream) is one; `wlcr move` adds others, for as long
 * as clients use them.
 *
 * When it goes away (a crash, a restart), its clients stay connected to
 * the proxy and wait: the proxy watches the socket's directory (inotify,
 * no polling) and, once the compositor listens again, has every waiting
 * client's journal replayed onto it (helper/takeover.h). A compositor that
 * does not come back within --compositor-timeout ends its clients. */
#ifndef WLCR_UPSTREAM_H
#define WLCR_UPSTREAM_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "loop.h"
#include "registry.h"

struct wlcr_proxy;

struct wlcr_upstream {
	struct wlcr_upstream *next; /* proxy->upstreams */
	struct wlcr_proxy *proxy;
	char path[108];
	struct wlcr_registry registry;
	unsigned clients; /* clients whose compositor this is */
	pid_t pid;	  /* the compositor's, from its socket (0: unknown) */
	ino_t ino;	  /* its socket file's inode, at the last connect */
	/* which compositor went away: one that takes connections again under
	 * both is the same one, which closed its clients but lives on */
	pid_t lost_pid;
	ino_t lost_ino;
	bool down; /* gone; its clients wait for it */
	struct timespec down_since;
	/* while down: the socket's directory watched, a connect retried
	 * while a new socket does not accept yet, and the end of the wait */
	int inotify_fd;
	struct wlcr_source watch;
	struct wlcr_timer retry, give_up;
	unsigned retry_ms; /* the next retry's delay: backs off, reset by inotify */
};

/* The upstream for path, made on first use (registry from the proxy's
 * options). Returns NULL when out of memory or the path is too long. */
struct wlcr_upstream *wlcr_upstream_get(struct wlcr_proxy *proxy, const char *path);
/* A client takes or leaves it; an unused upstream other than the proxy's
 * own is freed. */
void wlcr_upstream_ref(struct wlcr_upstream *up);
void wlcr_upstream_unref(struct wlcr_upstream *up);
void wlcr_upstream_free_all(struct wlcr_proxy *proxy);

/* A new connection to the compositor. Returns the fd or -errno. */
int wlcr_upstream_connect(struct wlcr_upstream *up);
/* Whether a compositor listens at its path, one that is not on its way
 * out (then up->pid and up->ino are its). Returns 0, or -errno
 * (-ECONNREFUSED: not yet, or not any more). */
int wlcr_upstream_probe(struct wlcr_upstream *up);
/* The compositor that answers now is the one that went away. */
bool wlcr_upstream_same_as_lost(const struct wlcr_upstream *up);
/* The compositor is gone: forget its globals and wait for it. */
void wlcr_upstream_lost(struct wlcr_upstream *up);

#endif
