#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"
#include "log.h"
#include "proxy.h"
#include "restore.h"
#include "takeover.h"
#include "upstream.h"
#include "snapshot.h"

#ifndef WLCR_VERSION
#define WLCR_VERSION "0.1"
#endif

/* at most this many clients quiesced through one connection (one criu
 * dump of a process tree with that many Wayland connections) */
#define MAX_QUIESCED 64
/* A dump waits for the compositor to read what the app sent before it was
 * frozen; a compositor that does not fails the dump, well before the
 * plugin's own bound (WLCR_CTL_TIMEOUT_MS) */
#define DRAIN_TIMEOUT_MS 5000
/* shm pools one restore may hand over (CTL_POOLS, CTL_REPLAY) */
#define MAX_POOLS 65536

struct wlcr_control {
	struct wlcr_proxy *proxy;
	struct wlcr_control *next;
	struct wlcr_source src;
	int fd;
	uid_t uid;
	bool dead;
	/* clients quiesced through this connection, by index */
	uint32_t quiesced[MAX_QUIESCED];
	unsigned nquiesced;
	/* the client whose replay this connection waits for, by index */
	uint32_t replaying;
	/* the client quiesced whose journal goes out once the compositor has
	 * read what it sent, by index; and the bound on that wait */
	uint32_t draining;
	struct wlcr_timer drain_timer;
	/* the request being handled, with its fds */
	struct wlcr_ctl_frame frame;
	/* shm pool fds a restore sent ahead of CTL_REPLAY (CTL_POOLS) */
	int *pool_fds;
	size_t npool_fds;
};

static struct wlcr_client *client_by_ino(struct wlcr_proxy *proxy, uint64_t ino)
{
	for (struct wlcr_client *c = proxy->clients; c; c = c->next)
		if (!c->dead && c->sock_ino == ino)
			return c;
	return NULL;
}

static struct wlcr_client *client_by_index(struct wlcr_proxy *proxy, uint32_t index)
{
	for (struct wlcr_client *c = proxy->clients; c; c = c->next)
		if (!c->dead && c->index == index)
			return c;
	return NULL;
}

static void fill_client(CtlClient *out, const struct wlcr_client *c)
{
	const char *title, *app_id;
	wlcr_client_describe(c, &title, &app_id);
	out->index = c->index;
	out->pid = c->pid;
	out->has_pid_in_ns = true;
	out->pid_in_ns = c->pid_in_ns;
	out->uid = c->uid;
	out->sock_ino = c->sock_ino;
	out->title = (char *)title;
	out->app_id = (char *)app_id;
	out->live_objects = c->journal.nlive;
	out->journal_bytes = c->journal.bytes;
	out->checkpointable = c->journal.not_checkpointable == NULL;
	out->not_checkpointable_reason = (char *)c->journal.not_checkpointable;
	out->has_requests = out->has_events = true;
	out->requests = c->journal.requests;
	out->events = c->journal.events;
	out->state = (char *)wlcr_client_state_name(c);
	out->compositor = c->upstream ? c->upstream->path : NULL;
	out->has_first_commit_ns = out->has_last_commit_ns = c->last_commit_ns != 0;
	out->first_commit_ns = c->first_commit_ns;
	out->last_commit_ns = c->last_commit_ns;
}

static int list(struct wlcr_proxy *proxy, CtlReply *reply)
{
	size_t n = 0;
	CtlClient *items = calloc(proxy->nclients + 1, sizeof(*items));
	CtlClient **ptrs = calloc(proxy->nclients + 1, sizeof(*ptrs));
	if (!items || !ptrs) {
		free(items);
		free(ptrs);
		return -ENOMEM;
	}
	for (struct wlcr_client *c = proxy->clients; c; c = c->next) {
		if (c->dead)
			continue;
		ctl_client__init(&items[n]);
		fill_client(&items[n], c);
		ptrs[n] = &items[n];
		n++;
	}
	if (n == 0)
		free(items); /* otherwise ptrs[0] is items, freed by handle() */
	reply->n_clients = n;
	reply->clients = ptrs;
	return 0;
}

static Image *snapshot(struct wlcr_client *c, char *err, size_t errlen)
{
	Image *img = malloc(sizeof(*img));
	if (!img)
		goto nomem;
	image__init(img);
	img->pid = c->pid;
	img->has_pid_in_ns = true;
	img->pid_in_ns = c->pid_in_ns;
	img->proxy_socket = strdup(c->proxy->socket_path);
	img->compositor = strdup(c->upstream->path);
	if (!img->proxy_socket || !img->compositor)
		goto nomem;
	img->token.data = malloc(1); /* the plugin sets it; required in proto2 */
	if (!img->token.data)
		goto nomem;
	/* events the app has not been sent yet, and a request it sent half of */
	size_t out = wlcr_conn_out_len(&c->down), in = wlcr_conn_in_len(&c->down);
	if (out) {
		img->has_to_client = true;
		img->to_client.data = malloc(out);
		if (!img->to_client.data)
			goto nomem;
		memcpy(img->to_client.data, c->down.out.data + c->down.out.start, out);
		img->to_client.len = out;
	}
	if (in) {
		img->has_partial_request = true;
		img->partial_request.data = malloc(in);
		if (!img->partial_request.data)
			goto nomem;
		memcpy(img->partial_request.data, wlcr_conn_in_data(&c->down), in);
		img->partial_request.len = in;
	}
	int ret = wlcr_snapshot_build(&c->journal, c->pid, img);
	if (ret == 0)
		return img;
	snprintf(err, errlen, "client %u: cannot save its journal: %s", c->index, strerror(-ret));
	image__free_unpacked(img, NULL);
	return NULL;
nomem:
	snprintf(err, errlen, "out of memory");
	if (img)
		image__free_unpacked(img, NULL);
	return NULL;
}

static void resume_all(struct wlcr_control *ctl)
{
	/* a dump that gave up while the compositor was still reading */
	struct wlcr_client *waiting = client_by_index(ctl->proxy, ctl->draining);
	if (waiting)
		waiting->on_drained = NULL;
	ctl->draining = 0;
	wlcr_timer_arm(&ctl->drain_timer, 0);
	for (unsigned i = 0; i < ctl->nquiesced; i++) {
		struct wlcr_client *c = client_by_index(ctl->proxy, ctl->quiesced[i]);
		if (c)
			wlcr_client_resume(c);
	}
	ctl->nquiesced = 0;
}

static void send_reply(struct wlcr_control *ctl, CtlReply *reply, const char *err);
static void free_reply(CtlReply *reply);

/* The journal of a quiesced client whose requests have all reached the
 * compositor, as the answer to CTL_QUIESCE. */
static void hand_over(struct wlcr_control *ctl, struct wlcr_client *c)
{
	CtlReply reply = CTL_REPLY__INIT;
	char err[512] = "";
	reply.image = snapshot(c, err, sizeof(err));
	if (!reply.image)
		wlcr_client_resume(c);
	else
		wlcr_info("client %u: journal of %zu objects handed over for a dump", c->index,
			  reply.image->journal->n_objects);
	send_reply(ctl, &reply, err);
	free_reply(&reply);
}

static void on_drained(struct wlcr_client *c, void *data)
{
	struct wlcr_control *ctl = data;
	char err[128];
	ctl->draining = 0;
	wlcr_timer_arm(&ctl->drain_timer, 0);
	if (c->dead) {
		CtlReply reply = CTL_REPLY__INIT;
		snprintf(err, sizeof(err), "client %u closed its connection during the dump",
			 c->index);
		send_reply(ctl, &reply, err);
		return;
	}
	hand_over(ctl, c);
}

static void on_drain_timeout(struct wlcr_timer *timer)
{
	struct wlcr_control *ctl = timer->data;
	struct wlcr_client *c = client_by_index(ctl->proxy, ctl->draining);
	CtlReply reply = CTL_REPLY__INIT;
	char err[256];
	ctl->draining = 0;
	if (!c)
		return;
	snprintf(err, sizeof(err),
		 "client %u: the compositor did not read the app's last %zu bytes within %d ms",
		 c->index, wlcr_conn_out_len(&c->up), DRAIN_TIMEOUT_MS);
	wlcr_client_resume(c);
	send_reply(ctl, &reply, err);
}

/* Returns true when the answer comes later, once the compositor has read
 * what the app sent. */
static bool quiesce(struct wlcr_control *ctl, const CtlRequest *req, char *err, size_t errlen)
{
	struct wlcr_client *c = req->has_sock_ino ? client_by_ino(ctl->proxy, req->sock_ino) : NULL;
	if (!c) {
		snprintf(err, errlen, "no client of this proxy has socket inode %llu",
			 (unsigned long long)req->sock_ino);
		return false;
	}
	if (ctl->uid != 0 && ctl->uid != c->uid) {
		snprintf(err, errlen, "client %u belongs to uid %u", c->index, (unsigned)c->uid);
		return false;
	}
	if (ctl->nquiesced == MAX_QUIESCED) {
		snprintf(err, errlen, "more than %d clients in one dump", MAX_QUIESCED);
		return false;
	}
	int ret = wlcr_client_quiesce(c, err, errlen);
	if (ret < 0)
		return false;
	ctl->quiesced[ctl->nquiesced++] = c->index;
	if (ret == 0) {
		hand_over(ctl, c);
		return true;
	}
	ctl->draining = c->index;
	c->on_drained = on_drained;
	c->on_drained_data = ctl;
	wlcr_timer_arm(&ctl->drain_timer, DRAIN_TIMEOUT_MS);
	return true;
}

static void restore(struct wlcr_control *ctl, CtlRequest *req, char *err, size_t errlen)
{
	if (ctl->uid != 0) {
		/* a restore runs as root; an image names what it may freeze */
		snprintf(err, errlen, "only root may restore");
		return;
	}
	if (!req->image) {
		snprintf(err, errlen, "restore without an image");
		return;
	}
	Image *img = req->image;
	req->image = NULL; /* ours now, whatever happens */
	wlcr_restore_register(ctl->proxy, img, err, errlen);
}

static void close_pool_fds(struct wlcr_control *ctl)
{
	for (size_t i = 0; i < ctl->npool_fds; i++)
		close(ctl->pool_fds[i]);
	ctl->npool_fds = 0;
}

/* The request's fds join the pools sent so far (a restore with more pools
 * than one message carries sends them ahead with CTL_POOLS). */
static bool take_pool_fds(struct wlcr_control *ctl, char *err, size_t errlen)
{
	struct wlcr_ctl_frame *f = &ctl->frame;
	if (ctl->uid != 0) {
		snprintf(err, errlen, "only root may restore");
		return false;
	}
	if (ctl->npool_fds + f->nfds > MAX_POOLS) {
		snprintf(err, errlen, "more than %d shm pools", MAX_POOLS);
		close_pool_fds(ctl);
		return false;
	}
	int *fds = realloc(ctl->pool_fds, (ctl->npool_fds + f->nfds + 1) * sizeof(*fds));
	if (!fds) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	ctl->pool_fds = fds;
	memcpy(fds + ctl->npool_fds, f->fds, f->nfds * sizeof(*fds));
	ctl->npool_fds += f->nfds;
	f->nfds = 0;
	return true;
}

/* A restore's or a move's end: the answer this connection owes. */
static void answer_later(struct wlcr_client *c, void *data, const char *error)
{
	struct wlcr_control *ctl = data;
	if (ctl->dead || ctl->replaying != c->index)
		return;
	ctl->replaying = 0;
	CtlReply reply = CTL_REPLY__INIT;
	send_reply(ctl, &reply, error);
}

static void restore_ended(struct wlcr_client *c, void *data, const char *error)
{
	answer_later(c, data, error);
	if (error) {
		/* half a restore must not run (the plugin kills the task) */
		wlcr_client_close(c, "replay failed");
		return;
	}
	c->state = WLCR_CLIENT_CONNECTED;
	wlcr_client_update_interest(c);
}

/* Returns true when the answer comes later, when the replay ends. */
static bool replay(struct wlcr_control *ctl, const CtlRequest *req, char *err, size_t errlen)
{
	if (!take_pool_fds(ctl, err, errlen))
		return false;
	for (struct wlcr_client *c = ctl->proxy->clients; c; c = c->next) {
		if (!wlcr_restore_waits(c, req->token.data, req->token.len))
			continue;
		struct wlcr_replay_end end = { restore_ended, ctl };
		c->state = WLCR_CLIENT_REPLAYING;
		if (wlcr_restore_replay(c, ctl->pool_fds, ctl->npool_fds,
					req->has_pid ? req->pid : 0, end, err, errlen) < 0) {
			c->state = WLCR_CLIENT_RESTORED;
			return false;
		}
		close_pool_fds(ctl); /* the replay has its own */
		ctl->replaying = c->index;
		wlcr_client_kick(c);
		return true;
	}
	if (!err[0])
		snprintf(err, errlen, "no restored connection waits for this token");
	return false;
}

/* CTL_MOVE: the answer comes when the client runs on the other compositor
 * (or is back on its own after a failed move). */
static bool move(struct wlcr_control *ctl, const CtlRequest *req, char *err, size_t errlen)
{
	/* the client's number first, then the app's pid */
	struct wlcr_client *c = req->has_client ? client_by_index(ctl->proxy, req->client) : NULL;
	for (struct wlcr_client *k = ctl->proxy->clients; k && !c && req->has_pid; k = k->next)
		if (!k->dead && (k->pid == req->pid || k->pid_in_ns == req->pid))
			c = k;
	if (!c) {
		snprintf(err, errlen, "no client of this proxy is %s %d",
			 req->has_client ? "number" : "pid",
			 req->has_client ? (int)req->client : (int)req->pid);
		return false;
	}
	if (ctl->uid != 0 && ctl->uid != c->uid) {
		snprintf(err, errlen, "client %u belongs to uid %u", c->index, (unsigned)c->uid);
		return false;
	}
	if (!req->to || !req->to[0]) {
		snprintf(err, errlen, "move without a compositor to move to");
		return false;
	}
	struct wlcr_replay_end end = { answer_later, ctl };
	ctl->replaying = c->index;
	if (wlcr_takeover_move(c, req->to, end, err, errlen) < 0) {
		ctl->replaying = 0;
		return false;
	}
	return true;
}

static void send_reply(struct wlcr_control *ctl, CtlReply *reply, const char *err)
{
	reply->version = WLCR_CTL_VERSION;
	reply->proxy_version = WLCR_VERSION;
	reply->has_proxy_pid = true;
	reply->proxy_pid = getpid();
	reply->upstream = ctl->proxy->upstream->path;
	if (err && err[0]) {
		reply->error = (char *)err;
		wlcr_warn("control: %s", err);
	}
	int ret = wlcr_ctl_send(ctl->fd, WLCR_CTL_VERSION, &reply->base);
	if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET)
		wlcr_warn("control: cannot reply: %s", strerror(-ret));
}

static void free_reply(CtlReply *reply)
{
	if (reply->clients) {
		free(reply->clients[0]);
		free(reply->clients);
	}
	if (reply->image)
		image__free_unpacked(reply->image, NULL);
}

static void handle(struct wlcr_control *ctl, CtlRequest *req, bool bad_version)
{
	struct wlcr_proxy *proxy = ctl->proxy;
	CtlReply reply = CTL_REPLY__INIT;
	char err[512] = "";

	if (bad_version) {
		snprintf(err, sizeof(err), "control protocol version mismatch");
	} else if (!req) {
		snprintf(err, sizeof(err), "malformed request");
	} else if ((ctl->draining || ctl->replaying) && req->op != CTL_OP__CTL_RESUME) {
		/* an answer is owed already; RESUME gives up on it */
		snprintf(err, sizeof(err), "one request at a time: the last one is not answered");
	} else {
		switch (req->op) {
		case CTL_OP__CTL_HELLO:
			break;
		case CTL_OP__CTL_LIST:
			if (list(proxy, &reply) < 0)
				snprintf(err, sizeof(err), "out of memory");
			break;
		case CTL_OP__CTL_QUIESCE:
			if (quiesce(ctl, req, err, sizeof(err)))
				return; /* answered now or once drained */
			break;
		case CTL_OP__CTL_RESUME:
			resume_all(ctl);
			break;
		case CTL_OP__CTL_RESTORE:
			restore(ctl, req, err, sizeof(err));
			break;
		case CTL_OP__CTL_POOLS:
			take_pool_fds(ctl, err, sizeof(err));
			break;
		case CTL_OP__CTL_REPLAY:
			if (replay(ctl, req, err, sizeof(err)))
				return; /* answered when the replay ends */
			break;
		case CTL_OP__CTL_MOVE:
			if (move(ctl, req, err, sizeof(err)))
				return; /* answered when the move ends */
			break;
		default:
			snprintf(err, sizeof(err), "request %d is not supported by this proxy",
				 (int)req->op);
			break;
		}
	}
	send_reply(ctl, &reply, err);
	free_reply(&reply);
}

static void control_close(struct wlcr_control *ctl)
{
	if (ctl->dead)
		return;
	/* whatever happened to the dump, the apps go on */
	resume_all(ctl);
	if (ctl->replaying) {
		/* a restore nobody waits for fails; a move goes on */
		struct wlcr_client *c = client_by_index(ctl->proxy, ctl->replaying);
		ctl->replaying = 0;
		if (c && c->state == WLCR_CLIENT_REPLAYING && !c->moving)
			wlcr_replay_cancel(c, "the restore gave up waiting");
	}
	wlcr_ctl_frame_clear(&ctl->frame);
	close_pool_fds(ctl);
	wlcr_timer_finish(&ctl->proxy->loop, &ctl->drain_timer);
	wlcr_loop_remove(&ctl->proxy->loop, &ctl->src);
	close(ctl->fd);
	ctl->dead = true;
}

static void on_readable(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_control *ctl = src->data;
	(void)events;
	wlcr_ctl_frame_clear(&ctl->frame);
	int n = wlcr_ctl_recv(ctl->fd, &ctl->frame);
	if (n > 0) {
		CtlRequest *req = ctl_request__unpack(NULL, ctl->frame.len, ctl->frame.payload);
		handle(ctl, req, ctl->frame.version != WLCR_CTL_VERSION);
		if (req)
			ctl_request__free_unpacked(req, NULL);
		wlcr_ctl_frame_clear(&ctl->frame);
	} else if (n != -EAGAIN) {
		/* a peer that closes after its last answer (criu after a dump)
		 * is no news */
		if (n < 0 && n != -ECONNRESET)
			wlcr_warn("control: %s", strerror(-n));
		control_close(ctl);
	}
}

/* Only root and the proxy's own user may connect: they can read every
 * client's state and freeze it. */
void wlcr_control_accept(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_proxy *proxy = src->data;
	(void)events;
	int fd = wlcr_accept(&proxy->acceptor, proxy->ctl_fd, false, "control: accept");
	if (fd == -ENOSPC)
		wlcr_proxy_pause_listening(proxy, &proxy->ctl_src);
	if (fd < 0)
		return; /* a refused one: the next turn takes the next */
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != getuid())) {
		/* told why, rather than left to find a closed socket */
		CtlReply reply = CTL_REPLY__INIT;
		char err[160];
		snprintf(err, sizeof(err),
			 "uid %u may not control this proxy: only root and uid %u may",
			 (unsigned)cred.uid, (unsigned)getuid());
		reply.version = WLCR_CTL_VERSION;
		reply.error = err;
		wlcr_ctl_send(fd, WLCR_CTL_VERSION, &reply.base);
		wlcr_warn("control: refused a connection from uid %u", (unsigned)cred.uid);
		close(fd);
		return;
	}
	struct wlcr_control *ctl = calloc(1, sizeof(*ctl));
	if (!ctl) {
		close(fd);
		return;
	}
	ctl->proxy = proxy;
	ctl->fd = fd;
	ctl->uid = cred.uid;
	if (wlcr_timer_init(&proxy->loop, &ctl->drain_timer, on_drain_timeout, ctl) < 0 ||
	    wlcr_loop_add(&proxy->loop, &ctl->src, fd, EPOLLIN, on_readable, ctl) < 0) {
		wlcr_timer_finish(&proxy->loop, &ctl->drain_timer);
		close(fd);
		free(ctl);
		return;
	}
	ctl->next = proxy->controls;
	proxy->controls = ctl;
}

void wlcr_control_reap(struct wlcr_proxy *proxy)
{
	struct wlcr_control **pp = &proxy->controls;
	while (*pp) {
		struct wlcr_control *ctl = *pp;
		if (ctl->dead) {
			*pp = ctl->next;
			free(ctl->pool_fds);
			free(ctl);
		} else {
			pp = &ctl->next;
		}
	}
}

void wlcr_control_finish(struct wlcr_proxy *proxy)
{
	for (struct wlcr_control *ctl = proxy->controls; ctl; ctl = ctl->next)
		control_close(ctl);
	wlcr_control_reap(proxy);
}
