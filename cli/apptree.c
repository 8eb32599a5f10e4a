#include "apptree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static int push(pid_t **v, size_t *n, pid_t p)
{
	pid_t *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = p;
	*v = nv;
	return 0;
}

/* p and its descendants, through every thread's children list. */
static int walk(struct wlcr_apptree *t, pid_t p, unsigned depth)
{
	char path[64];
	if (depth > 64)
		return -ELOOP;
	int ret = push(&t->procs, &t->nprocs, p);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/proc/%d/task", p);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	struct dirent *e;
	pid_t *children = NULL;
	size_t nchildren = 0;
	while ((e = readdir(d))) {
		pid_t tid = atoi(e->d_name);
		if (tid <= 0)
			continue;
		if ((ret = push(&t->ids, &t->nids, tid)) < 0)
			break;
		char cpath[96];
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%d/children", p, tid);
		FILE *f = fopen(cpath, "re");
		int c;
		while (f && fscanf(f, "%d", &c) == 1)
			if ((ret = push(&children, &nchildren, c)) < 0)
				break;
		if (f)
			fclose(f);
		if (ret < 0)
			break;
	}
	closedir(d);
	for (size_t i = 0; ret == 0 && i < nchildren; i++)
		ret = walk(t, children[i], depth + 1);
	free(children);
	return ret;
}

/* smaps_rollup's "Anonymous:" and "Pss_Shmem:" in bytes: what a dump's
 * pages are made of (the shm pools a Wayland app draws into are shmem). */
static uint64_t memory_of(pid_t p)
{
	char path[64], line[256];
	unsigned long long kb, total = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", p);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Anonymous: %llu kB", &kb) == 1 ||
		    sscanf(line, "Pss_Shmem: %llu kB", &kb) == 1)
			total += kb;
	fclose(f);
	return total * 1024;
}

/* The proxy path p's socket fd is connected to, if it is a wlcr proxy's
 * (a NAME.ctl beside the peer's path, as the plugin decides at dump). */
static void proxy_of(struct wlcr_apptree *t, int pidfd, int fd)
{
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (dup < 0)
		return;
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	char ctl[sizeof(addr.sun_path) + 8];
	struct stat st;
	memset(&addr, 0, sizeof(addr));
	int ok = getpeername(dup, (struct sockaddr *)&addr, &len) == 0 &&
		 addr.sun_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
		 addr.sun_path[0] != '\0' &&
		 strnlen(addr.sun_path, sizeof(addr.sun_path)) < sizeof(addr.sun_path);
	close(dup);
	if (!ok || wlcr_ctl_path(ctl, sizeof(ctl), addr.sun_path) < 0 || stat(ctl, &st) < 0 ||
	    !S_ISSOCK(st.st_mode))
		return;
	for (size_t i = 0; i < t->nproxies; i++)
		if (strcmp(t->proxies[i], addr.sun_path) == 0)
			return;
	if (t->nproxies < WLCR_APPTREE_MAX_PROXIES)
		snprintf(t->proxies[t->nproxies++], sizeof(t->proxies[0]), "%s", addr.sun_path);
}

static void proxies_of(struct wlcr_apptree *t, pid_t p)
{
	char path[64], link[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", p);
	int pidfd = (int)syscall(SYS_pidfd_open, p, 0);
	DIR *d = pidfd >= 0 ? opendir(path) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char fdpath[320];
		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
		ssize_t n = readlink(fdpath, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:", 7) == 0)
			proxy_of(t, pidfd, atoi(e->d_name));
	}
	if (d)
		closedir(d);
	if (pidfd >= 0)
		close(pidfd);
}

int wlcr_apptree_collect(pid_t root, struct wlcr_apptree *t, char *err, size_t errlen)
{
	char path[64];
	memset(t, 0, sizeof(*t));
	t->root = root;
	snprintf(path, sizeof(path), "/proc/%d/comm", root);
	FILE *f = fopen(path, "re");
	if (!f || !fgets(t->comm, sizeof(t->comm), f)) {
		int e = errno ? errno : ESRCH;
		if (f)
			fclose(f);
		snprintf(err, errlen, "no process %d", root);
		return -e;
	}
	fclose(f);
	t->comm[strcspn(t->comm, "\n")] = '\0';
	int ret = walk(t, root, 0);
	if (ret < 0) {
		snprintf(err, errlen, "cannot read the process tree of %d: %s", root,
			 strerror(-ret));
		wlcr_apptree_free(t);
		return ret;
	}
	for (size_t i = 0; i < t->nprocs; i++) {
		t->memory += memory_of(t->procs[i]);
		proxies_of(t, t->procs[i]);
	}
	return 0;
}

/* Referenced bytes of p's anonymous mappings: no file behind them (the
 * heap, the stack, anonymous mmaps). File-backed pages come from files at
 * a restore, not over the network. */
static uint64_t referenced_anon(pid_t p)
{
	char path[64], line[512];
	unsigned long long kb, total = 0;
	bool anon = false;
	snprintf(path, sizeof(path), "/proc/%d/smaps", p);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		char name[300] = "";
		/* a mapping's first line: "start-end perms offset dev inode [name]" */
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %299s", &start, &end, name) >= 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			anon = name[0] == '\0' || name[0] == '[';
			continue;
		}
		if (anon && sscanf(line, "Referenced: %llu kB", &kb) == 1)
			total += kb;
	}
	fclose(f);
	return total * 1024;
}

int wlcr_apptree_touched(const struct wlcr_apptree *t, int interval_ms, uint64_t *ret_bytes)
{
	char path[64];
	for (size_t i = 0; i < t->nprocs; i++) {
		snprintf(path, sizeof(path), "/proc/%d/clear_refs", t->procs[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1", 1) != 1) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return -e;
		}
		close(fd);
	}
	nanosleep(&(struct timespec){ interval_ms / 1000, (interval_ms % 1000) * 1000000L }, NULL);
	uint64_t total = 0;
	for (size_t i = 0; i < t->nprocs; i++)
		total += referenced_anon(t->procs[i]);
	*ret_bytes = total;
	return 0;
}

size_t wlcr_apptree_signal(const struct wlcr_apptree *t, int sig)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nprocs; i++)
		n += kill(t->procs[i], sig) == 0;
	return n;
}

int wlcr_apptree_wait_gone(const struct wlcr_apptree *t, int timeout_ms)
{
	/* a pidfd turns readable when its process has exited */
	struct pollfd *p = calloc(t->nprocs + 1, sizeof(*p));
	size_t n = 0;
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < t->nprocs; i++) {
		int fd = (int)syscall(SYS_pidfd_open, t->procs[i], 0);
		if (fd >= 0)
			p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ret = 0;
	for (size_t done = 0; done < n;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 +
					  (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		int r = poll(p, n, (int)left);
		if (r < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		for (size_t i = 0; r > 0 && i < n; i++)
			if (p[i].fd >= 0 && p[i].revents) {
				close(p[i].fd);
				p[i].fd = -1; /* poll ignores it from now on */
				done++;
			}
	}
	for (size_t i = 0; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p);
	return ret;
}

void wlcr_apptree_free(struct wlcr_apptree *t)
{
	free(t->procs);
	free(t->ids);
	t->procs = t->ids = NULL;
	t->nprocs = t->nids = 0;
}
