#include "proxy.h"

#include "foreign.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "accept.h"
#include "client.h"
#include "foreign.h"
#include "control.h"
#include "ctl.h"
#include "log.h"
#include "restore.h"
#include "takeover.h"
#include "upstream.h"

static int resolve(char *buf, size_t cap, const char *name, const char *what)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	int n;
	if (name[0] == '/') {
		n = snprintf(buf, cap, "%s", name);
	} else {
		if (!dir) {
			wlcr_err("XDG_RUNTIME_DIR is not set: cannot place the %s socket %s", what,
				 name);
			return -EINVAL;
		}
		n = snprintf(buf, cap, "%s/%s", dir, name);
	}
	if (n < 0 || (size_t)n >= cap) {
		wlcr_err("%s socket path too long: %s", what, name);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int listen_on(const char *path, int type)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* No fd even for the reserve: stop listening on src for a moment, or the
 * waiting connection keeps the loop spinning. */
void wlcr_proxy_pause_listening(struct wlcr_proxy *proxy, struct wlcr_source *src)
{
	wlcr_loop_update(&proxy->loop, src, 0);
	wlcr_timer_arm(&proxy->listen_again, 250);
}

static void on_accept(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_proxy *proxy = src->data;
	(void)events;
	for (;;) {
		int fd = wlcr_accept(&proxy->acceptor, proxy->listen_fd, true, "accept");
		if (fd == -EMFILE)
			continue;
		if (fd == -ENOSPC)
			wlcr_proxy_pause_listening(proxy, &proxy->listen_src);
		if (fd < 0) {
			if (fd != -EAGAIN && fd != -ENOSPC)
				wlcr_warn("accept: %s", strerror(-fd));
			return;
		}
		struct wlcr_client *c = wlcr_client_create(proxy, fd);
		if (!c)
			continue;
		c->next = proxy->clients;
		proxy->clients = c;
		proxy->nclients++;
	}
}

static void on_listen_again(struct wlcr_timer *timer)
{
	struct wlcr_proxy *proxy = timer->data;
	wlcr_loop_update(&proxy->loop, &proxy->listen_src, EPOLLIN);
	wlcr_loop_update(&proxy->loop, &proxy->ctl_src, EPOLLIN);
}

/* ---- lifecycle ------------------------------------------------------------ */

static int lock_socket(struct wlcr_proxy *proxy)
{
	/* As libwayland does: a lock file tells a live proxy from a stale
	 * socket left by one that died. */
	proxy->lock_fd = open(proxy->lock_path, O_CREAT | O_CLOEXEC | O_RDWR, 0600);
	if (proxy->lock_fd < 0) {
		wlcr_log_errno(WLCR_LOG_ERROR, "cannot open %s", proxy->lock_path);
		return -errno;
	}
	if (flock(proxy->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		wlcr_err("%s is in use by another wlcr-proxy (lock %s held)", proxy->socket_path,
			 proxy->lock_path);
		return -EADDRINUSE;
	}
	unlink(proxy->socket_path);
	unlink(proxy->ctl_path);
	return 0;
}

int wlcr_proxy_init(struct wlcr_proxy *proxy, const struct wlcr_proxy_options *opt)
{
	int ret;
	memset(proxy, 0, sizeof(*proxy));
	proxy->opt = *opt;
	proxy->listen_fd = proxy->lock_fd = proxy->ctl_fd = -1;
	proxy->acceptor.reserve_fd = -1;
	proxy->listen_again.src.fd = -1;
	proxy->loop.epfd = -1;

	char upstream_path[108];
	if ((ret = resolve(proxy->socket_path, sizeof(proxy->socket_path), opt->socket_name,
			   "listening")) < 0 ||
	    (ret = resolve(upstream_path, sizeof(upstream_path), opt->upstream, "compositor")) < 0)
		return ret;
	if (strcmp(proxy->socket_path, upstream_path) == 0) {
		wlcr_err("the proxy cannot listen on the compositor's own socket %s",
			 proxy->socket_path);
		return -EINVAL;
	}
	snprintf(proxy->lock_path, sizeof(proxy->lock_path), "%s.lock", proxy->socket_path);
	if (wlcr_ctl_path(proxy->ctl_path, sizeof(proxy->ctl_path), proxy->socket_path) < 0) {
		wlcr_err("socket path too long: %s", proxy->socket_path);
		return -ENAMETOOLONG;
	}
	if (opt->compat_file) {
		/* read once here for its errors; each compositor's table reads
		 * it again (helper/upstream.c) */
		struct wlcr_registry probe;
		int line = 0;
		ret = wlcr_registry_init(&probe, opt->shm_only);
		if (ret == 0)
			ret = wlcr_registry_load_compat(&probe, opt->compat_file, &line);
		wlcr_registry_finish(&probe);
		if (ret == -EINVAL) {
			wlcr_err("%s:%d: expected \"interface version\"", opt->compat_file, line);
			return ret;
		}
		if (ret < 0) {
			wlcr_err("%s: %s", opt->compat_file, strerror(-ret));
			return ret;
		}
	}
	proxy->upstream = wlcr_upstream_get(proxy, upstream_path);
	if (!proxy->upstream) {
		wlcr_err("out of memory");
		return -ENOMEM;
	}
	proxy->upstream_lost = wlcr_takeover_upstream_lost;
	wlcr_acceptor_init(&proxy->acceptor);
	if ((ret = wlcr_loop_init(&proxy->loop)) < 0) {
		wlcr_err("epoll: %s", strerror(-ret));
		return ret;
	}
	if ((ret = lock_socket(proxy)) < 0)
		return ret;
	proxy->listen_fd = listen_on(proxy->socket_path, SOCK_STREAM);
	if (proxy->listen_fd < 0) {
		wlcr_err("cannot listen on %s: %s", proxy->socket_path,
			 strerror(-proxy->listen_fd));
		return proxy->listen_fd;
	}
	/* a container whose uids are mapped reaches the socket, bind-mounted
	 * alone, as an unmapped user; on the host its directory guards it */
	if (opt->socket_mode >= 0 && chmod(proxy->socket_path, (mode_t)opt->socket_mode) < 0) {
		ret = -errno;
		wlcr_err("cannot set the mode of %s: %s", proxy->socket_path, strerror(-ret));
		return ret;
	}
	/* umask-independent: only the owner may talk to the control socket */
	mode_t old = umask(0077);
	proxy->ctl_fd = listen_on(proxy->ctl_path, SOCK_SEQPACKET);
	umask(old);
	if (proxy->ctl_fd < 0) {
		wlcr_err("cannot listen on %s: %s", proxy->ctl_path, strerror(-proxy->ctl_fd));
		return proxy->ctl_fd;
	}
	chmod(proxy->ctl_path, 0600);
	if ((ret = wlcr_loop_add(&proxy->loop, &proxy->listen_src, proxy->listen_fd, EPOLLIN,
				 on_accept, proxy)) < 0 ||
	    (ret = wlcr_loop_add(&proxy->loop, &proxy->ctl_src, proxy->ctl_fd, EPOLLIN,
				 wlcr_control_accept, proxy)) < 0 ||
	    (ret = wlcr_timer_init(&proxy->loop, &proxy->listen_again, on_listen_again, proxy)) <
		    0) {
		wlcr_err("epoll: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

static void reap_dead(struct wlcr_proxy *proxy)
{
	wlcr_control_reap(proxy);
	struct wlcr_client **pp = &proxy->clients;
	while (*pp) {
		struct wlcr_client *c = *pp;
		if (c->dead) {
			*pp = c->next;
			proxy->nclients--;
			wlcr_client_free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void on_signal(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_proxy *proxy = src->data;
	struct signalfd_siginfo si;
	(void)events;
	if (read(src->fd, &si, sizeof(si)) == sizeof(si)) {
		wlcr_info("signal %u: shutting down", si.ssi_signo);
		proxy->loop.quit = true;
	}
}

int wlcr_proxy_run(struct wlcr_proxy *proxy)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	struct wlcr_source sig_src;
	if (sfd < 0 || wlcr_loop_add(&proxy->loop, &sig_src, sfd, EPOLLIN, on_signal, proxy) < 0) {
		wlcr_log_errno(WLCR_LOG_ERROR, "signalfd");
		return -errno;
	}
	wlcr_info("serving %s for %s (control %s)", proxy->socket_path, proxy->upstream->path,
		  proxy->ctl_path);
	if (proxy->opt.ready_fd >= 0) {
		/* readiness: scripts wait for this line instead of sleeping */
		if (write(proxy->opt.ready_fd, "\n", 1) < 0)
			wlcr_log_errno(WLCR_LOG_WARN, "ready fd");
		close(proxy->opt.ready_fd);
		proxy->opt.ready_fd = -1;
	}
	int ret = 0;
	while (!proxy->loop.quit) {
		ret = wlcr_loop_dispatch(&proxy->loop, -1);
		wlcr_takeover_run_deferred(proxy);
		reap_dead(proxy);
		if (ret < 0) {
			wlcr_err("event loop: %s", strerror(-ret));
			break;
		}
	}
	wlcr_loop_remove(&proxy->loop, &sig_src);
	close(sfd);
	return ret;
}

void wlcr_proxy_finish(struct wlcr_proxy *proxy)
{
	wlcr_control_finish(proxy);
	wlcr_restore_finish_all(proxy);
	for (struct wlcr_client *c = proxy->clients; c; c = c->next)
		wlcr_client_close(c, "proxy shutting down");
	reap_dead(proxy);
	if (proxy->listen_fd >= 0) {
		close(proxy->listen_fd);
		unlink(proxy->socket_path);
	}
	if (proxy->ctl_fd >= 0) {
		close(proxy->ctl_fd);
		unlink(proxy->ctl_path);
	}
	if (proxy->lock_fd >= 0) {
		unlink(proxy->lock_path);
		close(proxy->lock_fd);
	}
	wlcr_acceptor_finish(&proxy->acceptor);
	wlcr_timer_finish(&proxy->loop, &proxy->listen_again);
	wlcr_upstream_free_all(proxy);
	wlcr_loop_finish(&proxy->loop);
	wlcr_foreign_finish(proxy);
}
