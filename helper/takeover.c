#include "takeover.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "proxy.h"
#include "upstream.h"

/* A compositor that creates its socket may need a moment to listen on it;
 * a stale socket (a killed compositor's) refuses until a new one replaces
 * it, which inotify reports: the retries back off. */
#define RETRY_MIN_MS 20
#define RETRY_MAX_MS 1000
/* A compositor that closed its clients and still takes connections after
 * this long is not going away: it meant to close them. One that shuts down
 * closes its clients first and its listening socket soon after. */
#define GRACE_MS 500

/* A move under way: where the client came from, and who waits to hear. */
struct move {
	struct wlcr_upstream *from;
	struct wlcr_replay_end done;
	bool returning; /* the move failed: the client goes back */
};

static void replay_live(struct wlcr_client *c, struct move *mv);

static double ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1e3 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* ---- waiting for a compositor ---------------------------------------------- */

static void watch_stop(struct wlcr_upstream *up)
{
	if (up->inotify_fd >= 0) {
		wlcr_loop_remove(&up->proxy->loop, &up->watch);
		close(up->inotify_fd);
		up->inotify_fd = -1;
	}
	wlcr_timer_arm(&up->retry, 0);
	wlcr_timer_arm(&up->give_up, 0);
}

static void retry_later(struct wlcr_upstream *up)
{
	if (up->retry_ms < RETRY_MIN_MS)
		up->retry_ms = RETRY_MIN_MS;
	wlcr_timer_arm(&up->retry, up->retry_ms);
	up->retry_ms = up->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : up->retry_ms * 2;
}

/* The compositor takes connections again: its waiting clients are replayed
 * onto it, except, when it is the same one that closed them and lives on,
 * those it closed. */
static void compositor_back(struct wlcr_upstream *up, bool same)
{
	struct wlcr_proxy *proxy = up->proxy;
	unsigned n = 0, closed = 0;
	up->down = false;
	watch_stop(up);
	for (struct wlcr_client *c = proxy->clients; c; c = c->next) {
		if (c->dead || c->upstream != up || c->state != WLCR_CLIENT_WAITING)
			continue;
		if (same && c->lost_up)
			closed++;
		else
			n++;
	}
	if (same)
		wlcr_warn("the compositor at %s (pid %d) closed %u client%s and still runs: "
			  "it meant to close %s",
			  up->path, (int)up->pid, closed, closed == 1 ? "" : "s",
			  closed == 1 ? "it" : "them");
	else
		wlcr_info("the compositor at %s is back after %.0f ms: replaying %u client%s",
			  up->path, ms_since(&up->down_since), n, n == 1 ? "" : "s");
	for (struct wlcr_client *c = proxy->clients; c; c = c->next) {
		if (c->dead || c->upstream != up || c->state != WLCR_CLIENT_WAITING)
			continue;
		if (same && c->lost_up)
			wlcr_client_close(c, "the compositor closed the connection");
		else
			replay_live(c, NULL);
	}
}

/* Whether the compositor accepts connections again; then its clients are
 * replayed onto it. */
static void try_connect(struct wlcr_upstream *up)
{
	int ret = wlcr_upstream_probe(up);
	if (ret == 0 && wlcr_upstream_same_as_lost(up)) {
		/* the one that closed its clients: it may be shutting down */
		if (ms_since(&up->down_since) < GRACE_MS) {
			up->retry_ms = RETRY_MIN_MS * 5;
			retry_later(up);
		} else {
			compositor_back(up, true);
		}
	} else if (ret == 0) {
		compositor_back(up, false);
	} else if (ret == -ECONNREFUSED) {
		/* the socket is there, nobody listens (yet) */
		retry_later(up);
	}
}

static void on_retry(struct wlcr_timer *timer)
{
	try_connect(timer->data);
}

static void on_watch(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_upstream *up = src->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[sizeof(up->path)];
	bool ours = false;
	(void)events;
	strcpy(path, up->path);
	const char *base = basename(path);
	for (;;) {
		ssize_t n = read(up->inotify_fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			ours |= ev->len && strcmp(ev->name, base) == 0;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (ours) {
		up->retry_ms = RETRY_MIN_MS;
		try_connect(up);
	}
}

static void on_give_up(struct wlcr_timer *timer)
{
	struct wlcr_upstream *up = timer->data;
	struct wlcr_proxy *proxy = up->proxy;
	char why[256];
	snprintf(why, sizeof(why), "the compositor at %s did not come back within %u s", up->path,
		 proxy->opt.compositor_timeout_ms / 1000);
	wlcr_warn("%s: closing the clients that waited for it", why);
	watch_stop(up);
	for (struct wlcr_client *c = proxy->clients; c; c = c->next)
		if (!c->dead && c->upstream == up && c->state == WLCR_CLIENT_WAITING)
			wlcr_client_close(c, why);
}

/* Watches the directory of the compositor's socket for it to be made again
 * (inotify: no polling), and bounds the wait. */
static void watch_start(struct wlcr_upstream *up)
{
	struct wlcr_loop *loop = &up->proxy->loop;
	if (up->retry.src.fd < 0 && wlcr_timer_init(loop, &up->retry, on_retry, up) < 0)
		wlcr_log_errno(WLCR_LOG_WARN, "timer");
	if (up->give_up.src.fd < 0 && wlcr_timer_init(loop, &up->give_up, on_give_up, up) < 0)
		wlcr_log_errno(WLCR_LOG_WARN, "timer");
	if (up->inotify_fd >= 0)
		return; /* watching already */
	char dir[sizeof(up->path)];
	strcpy(dir, up->path);
	up->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (up->inotify_fd < 0 ||
	    inotify_add_watch(up->inotify_fd, dirname(dir), IN_CREATE | IN_MOVED_TO | IN_ATTRIB) <
		    0 ||
	    wlcr_loop_add(loop, &up->watch, up->inotify_fd, EPOLLIN, on_watch, up) < 0) {
		wlcr_log_errno(WLCR_LOG_WARN, "cannot watch %s for the compositor to come back",
			       dir);
		if (up->inotify_fd >= 0)
			close(up->inotify_fd);
		up->inotify_fd = -1;
	}
	wlcr_timer_arm(&up->give_up, up->proxy->opt.compositor_timeout_ms);
	/* it may be back already: one try from the loop */
	up->retry_ms = RETRY_MIN_MS;
	wlcr_timer_arm(&up->retry, 1);
}

/* c waits for its compositor: what it sends is journaled, not forwarded. */
static void wait_for(struct wlcr_client *c, const char *why, bool lost_up)
{
	struct wlcr_upstream *up = c->upstream;
	if (!up->down)
		wlcr_warn("lost the compositor at %s (%s): its clients wait for it, up to %u s",
			  up->path, why, c->proxy->opt.compositor_timeout_ms / 1000);
	wlcr_upstream_lost(up);
	wlcr_client_detach_up(c);
	c->state = WLCR_CLIENT_WAITING;
	c->moving = false;
	c->lost_up = lost_up;
	wlcr_info("client %u: waiting for the compositor", c->index);
	watch_start(up);
	wlcr_client_update_interest(c);
}

/* Whether the compositor died or closed this client on purpose cannot be
 * told at once: one that shuts down closes its clients while it still runs.
 * The client waits either way; try_connect() tells them apart. */
void wlcr_takeover_upstream_lost(struct wlcr_client *c, const char *why)
{
	char msg[256];
	switch (c->state) {
	case WLCR_CLIENT_REPLAYING:
		/* its end decides (a restore fails, a move goes back, a live
		 * replay waits) */
		snprintf(msg, sizeof(msg), "the compositor went away (%s)", why);
		c->replay_lost_up = true;
		wlcr_replay_cancel(c, msg);
		return;
	case WLCR_CLIENT_WAITING:
		return;
	case WLCR_CLIENT_RESTORED:
		wlcr_client_close(c, why);
		return;
	case WLCR_CLIENT_CONNECTED:
		break;
	}
	if (!c->proxy->opt.compositor_timeout_ms) {
		wlcr_client_close(c, why);
		return;
	}
	if (c->journal.not_checkpointable) {
		/* its journal cannot rebuild it: waiting would not help */
		snprintf(msg, sizeof(msg), "%s; it cannot be replayed: %s", why,
			 c->journal.not_checkpointable);
		wlcr_client_close(c, msg);
		return;
	}
	wait_for(c, why, c->up.fd >= 0);
}

/* ---- replaying a running client ---------------------------------------------- */

static void live_ended(struct wlcr_client *c, void *data, const char *error)
{
	struct move *mv = data;
	struct wlcr_upstream *up = c->upstream;
	if (!error) {
		c->state = WLCR_CLIENT_CONNECTED;
		c->moving = false;
		wlcr_info("client %u: runs on %s", c->index, up->path);
		wlcr_client_update_interest(c);
		if (mv) {
			if (mv->returning) {
				wlcr_upstream_unref(mv->from);
			} else {
				wlcr_upstream_unref(mv->from);
				if (mv->done.fn)
					mv->done.fn(c, mv->done.data, NULL);
			}
			free(mv);
		}
		return;
	}
	if (c->dead) {
		if (mv && !mv->returning && mv->done.fn)
			mv->done.fn(c, mv->done.data, error);
		if (mv)
			wlcr_upstream_unref(mv->from);
		free(mv);
		return;
	}
	if (mv && !mv->returning) {
		/* the move failed: back where it came from */
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: the app goes back to %s", error, mv->from->path);
		if (mv->done.fn)
			mv->done.fn(c, mv->done.data, msg);
		struct wlcr_upstream *to = mv->from;
		mv->from = up;
		mv->returning = true;
		c->upstream = to;
		c->takeover_next = WLCR_TAKEOVER_REPLAY;
		c->takeover_data = mv;
		return;
	}
	bool lost = c->replay_lost_up;
	c->replay_lost_up = false;
	if (lost && c->proxy->opt.compositor_timeout_ms) {
		/* gone again (or it closed the replay: the wait tells) */
		if (mv)
			wlcr_upstream_unref(mv->from);
		free(mv);
		c->takeover_next = WLCR_TAKEOVER_WAIT;
		return;
	}
	if (mv)
		wlcr_upstream_unref(mv->from);
	free(mv);
	char why[600];
	snprintf(why, sizeof(why), "replay failed: %s", error);
	wlcr_client_close(c, why);
}

static void replay_live(struct wlcr_client *c, struct move *mv)
{
	char err[256];
	int fd = wlcr_upstream_connect(c->upstream);
	if (fd < 0) {
		snprintf(err, sizeof(err), "cannot connect to %s: %s", c->upstream->path,
			 strerror(-fd));
		live_ended(c, mv, err);
		return;
	}
	if (wlcr_client_attach_up(c, fd) < 0) {
		live_ended(c, mv, "out of memory");
		return;
	}
	c->state = WLCR_CLIENT_REPLAYING;
	/* a restored app stays in its time namespace: its clock is still
	 * this far from any compositor's on this host */
	struct wlcr_replay_params p = { .time_offset_ms = c->time_offset_ms,
					.end = { live_ended, mv } };
	if (wlcr_replay_start(c, &p, err, sizeof(err)) < 0) {
		/* nothing started: not the compositor's doing */
		if (mv)
			wlcr_upstream_unref(mv->from);
		free(mv);
		wlcr_client_close(c, err);
		return;
	}
	wlcr_client_kick(c);
}

void wlcr_takeover_run_deferred(struct wlcr_proxy *proxy)
{
	for (struct wlcr_client *c = proxy->clients; c; c = c->next) {
		int next = c->takeover_next;
		void *data = c->takeover_data;
		c->takeover_next = WLCR_TAKEOVER_NONE;
		c->takeover_data = NULL;
		if (c->dead) {
			if (next == WLCR_TAKEOVER_REPLAY && data) {
				wlcr_upstream_unref(((struct move *)data)->from);
				free(data);
			}
			continue;
		}
		if (next == WLCR_TAKEOVER_WAIT)
			wait_for(c, "the connection ended during a replay", true);
		else if (next == WLCR_TAKEOVER_REPLAY)
			replay_live(c, data);
	}
}

int wlcr_takeover_move(struct wlcr_client *c, const char *path, struct wlcr_replay_end done,
		       char *err, size_t errlen)
{
	if (c->state != WLCR_CLIENT_CONNECTED || c->quiesced) {
		snprintf(err, errlen, "client %u is %s", c->index,
			 c->quiesced ? "being dumped" : wlcr_client_state_name(c));
		return -EBUSY;
	}
	if (c->journal.not_checkpointable) {
		snprintf(err, errlen, "client %u cannot be replayed: %s", c->index,
			 c->journal.not_checkpointable);
		return -EOPNOTSUPP;
	}
	struct wlcr_upstream *to = wlcr_upstream_get(c->proxy, path);
	if (!to) {
		snprintf(err, errlen, "cannot use %s: path too long or out of memory", path);
		return -ENOMEM;
	}
	if (to == c->upstream) {
		snprintf(err, errlen, "client %u runs on %s already", c->index, path);
		return -EALREADY;
	}
	/* a compositor that is not there changes nothing; the client holds
	 * both compositors until the move ends */
	wlcr_upstream_ref(to);
	int fd = wlcr_upstream_connect(to);
	struct move *mv = fd >= 0 ? calloc(1, sizeof(*mv)) : NULL;
	if (fd >= 0)
		close(fd);
	if (!mv) {
		snprintf(err, errlen, "no compositor answers at %s: %s", path,
			 strerror(fd < 0 ? -fd : ENOMEM));
		wlcr_upstream_unref(to);
		return fd < 0 ? fd : -ENOMEM;
	}
	mv->from = c->upstream;
	mv->done = done;
	c->upstream = to;
	c->moving = true;
	wlcr_info("client %u: moving from %s to %s", c->index, mv->from->path, to->path);
	replay_live(c, mv);
	return 0;
}
