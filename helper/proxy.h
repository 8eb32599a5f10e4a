/* The proxy as a whole: listening socket, control socket, clients, the
 * shared global table and the options. */
#ifndef WLCR_PROXY_H
#define WLCR_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accept.h"
#include "loop.h"

struct wlcr_client;
struct wlcr_control;
struct wlcr_foreign_handle;
struct wlcr_restore;
struct wlcr_upstream;

struct wlcr_proxy_options {
	const char *socket_name; /* under $XDG_RUNTIME_DIR, or an absolute path */
	const char *upstream;	 /* name under $XDG_RUNTIME_DIR, or an absolute path */
	int ready_fd;		 /* -1: none */
	bool shm_only;
	/* --protocol-dir: where protocol XML the build does not know is read
	 * first (helper/protoload.h), before the standard directories */
	const char **protocol_dirs;
	size_t nprotocol_dirs;
	const char *compat_file;
	/* bytes queued towards one side after which the proxy stops reading
	 * from the other side of that client */
	size_t buffer_limit;
	/* the listening socket's mode, or -1 for what the umask gives */
	int socket_mode;
	/* --record DIR: write each client's traffic to DIR/client-N.wlrec */
	const char *record_dir;
	/* what one client may hold, so that it cannot use up the proxy for
	 * the others (0: no bound): fds the journal keeps (shm pools), live
	 * objects, journal bytes */
	unsigned max_client_fds;
	uint32_t max_client_objects;
	size_t max_client_journal;
	/* how long clients wait for a compositor that went away before they
	 * are closed (0: they are closed at once, as a direct client is) */
	unsigned compositor_timeout_ms;
};

struct wlcr_proxy {
	struct wlcr_proxy_options opt;
	struct wlcr_loop loop;
	struct wlcr_upstream *upstream;	 /* --upstream: where new clients go */
	struct wlcr_upstream *upstreams; /* every compositor in use */
	/* a client's connection to its compositor ended, not by the
	 * compositor's choice (helper/takeover.h); NULL: closed with it */
	void (*upstream_lost)(struct wlcr_client *c, const char *why);
	char socket_path[108];
	char lock_path[113];
	char ctl_path[113];
	int listen_fd, lock_fd, ctl_fd;
	struct wlcr_acceptor acceptor;	/* accepting when fds run out */
	struct wlcr_timer listen_again; /* listening paused: no fd at all */
	struct wlcr_source listen_src, ctl_src;
	struct wlcr_client *clients;   /* singly linked, newest first */
	struct wlcr_control *controls; /* open control connections */
	struct wlcr_restore *restores; /* images registered, not yet claimed */
	uint32_t next_index;
	size_t nclients;
	/* xdg-foreign handles the app knows and what they stand for on the
	 * compositor now (helper/foreign.h) */
	struct wlcr_foreign_handle *foreign;
	size_t nforeign;
};

int wlcr_proxy_init(struct wlcr_proxy *proxy, const struct wlcr_proxy_options *opt);
void wlcr_proxy_finish(struct wlcr_proxy *proxy);
/* Stops listening on src for a moment: not even the reserve fd made room
 * to refuse the connection that waits (helper/accept.h). */
void wlcr_proxy_pause_listening(struct wlcr_proxy *proxy, struct wlcr_source *src);
/* Runs until a signal asks it to stop. Returns 0 or -errno. */
int wlcr_proxy_run(struct wlcr_proxy *proxy);

#endif
