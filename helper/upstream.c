#include "upstream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "proxy.h"
#include "unix.h"

struct wlcr_upstream *wlcr_upstream_get(struct wlcr_proxy *proxy, const char *path)
{
	for (struct wlcr_upstream *up = proxy->upstreams; up; up = up->next)
		if (strcmp(up->path, path) == 0)
			return up;
	if (strlen(path) >= sizeof(((struct wlcr_upstream *)0)->path))
		return NULL;
	struct wlcr_upstream *up = calloc(1, sizeof(*up));
	if (!up)
		return NULL;
	strcpy(up->path, path);
	up->proxy = proxy;
	up->inotify_fd = -1;
	up->watch.fd = up->retry.src.fd = up->give_up.src.fd = -1;
	if (wlcr_registry_init(&up->registry, proxy->opt.shm_only) < 0 ||
	    (proxy->opt.compat_file &&
	     wlcr_registry_load_compat(&up->registry, proxy->opt.compat_file, &(int){ 0 }) < 0)) {
		wlcr_registry_finish(&up->registry);
		free(up);
		return NULL;
	}
	up->next = proxy->upstreams;
	proxy->upstreams = up;
	return up;
}

static void upstream_free(struct wlcr_upstream *up)
{
	struct wlcr_loop *loop = &up->proxy->loop;
	if (up->inotify_fd >= 0) {
		wlcr_loop_remove(loop, &up->watch);
		close(up->inotify_fd);
	}
	wlcr_timer_finish(loop, &up->retry);
	wlcr_timer_finish(loop, &up->give_up);
	wlcr_registry_finish(&up->registry);
	free(up);
}

void wlcr_upstream_ref(struct wlcr_upstream *up)
{
	up->clients++;
}

void wlcr_upstream_unref(struct wlcr_upstream *up)
{
	struct wlcr_proxy *proxy = up->proxy;
	if (--up->clients > 0 || up == proxy->upstream)
		return;
	for (struct wlcr_upstream **pp = &proxy->upstreams; *pp; pp = &(*pp)->next)
		if (*pp == up) {
			*pp = up->next;
			break;
		}
	upstream_free(up);
}

void wlcr_upstream_free_all(struct wlcr_proxy *proxy)
{
	while (proxy->upstreams) {
		struct wlcr_upstream *up = proxy->upstreams;
		proxy->upstreams = up->next;
		upstream_free(up);
	}
	proxy->upstream = NULL;
}

int wlcr_upstream_connect(struct wlcr_upstream *up)
{
	int fd = wlcr_unix_connect(up->path, SOCK_STREAM, 1);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat st;
	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		up->pid = cred.pid;
	if (fd >= 0 && stat(up->path, &st) == 0)
		up->ino = st.st_ino;
	return fd;
}

/* 1 when the process runs, 0 when it is gone or on its way out (the
 * kernel closes its sockets one by one after it marks it exiting, so a
 * client may see its end before the listening socket goes), -1 when it
 * cannot be told. */
static int process_runs(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	char state;
	unsigned long flags;
	/* "pid (comm) state ppid pgrp session tty_nr tpgid flags ..." */
	if (!p || sscanf(p + 2, "%c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return -1;
	return state != 'Z' && state != 'X' && !(flags & 0x4 /* PF_EXITING */);
}

int wlcr_upstream_probe(struct wlcr_upstream *up)
{
	int fd = wlcr_upstream_connect(up);
	if (fd < 0)
		return fd;
	close(fd);
	/* the listening socket of one on its way out still takes connections */
	return up->pid > 0 && process_runs(up->pid) == 0 ? -ECONNREFUSED : 0;
}

bool wlcr_upstream_same_as_lost(const struct wlcr_upstream *up)
{
	return up->pid == up->lost_pid && up->ino == up->lost_ino;
}

void wlcr_upstream_lost(struct wlcr_upstream *up)
{
	if (up->down)
		return;
	up->down = true;
	up->lost_pid = up->pid;
	up->lost_ino = up->ino;
	clock_gettime(CLOCK_MONOTONIC, &up->down_since);
	wlcr_registry_forget_globals(&up->registry);
}
