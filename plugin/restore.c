/* The restore. RESTORE_UNIX_SK runs inside the restored task (its mount
 * namespace, still root): it reads the image, registers it with the proxy
 * and returns a socket connected to the proxy's listening socket, whose
 * first message (object id 0, never used by Wayland) carries the image's
 * token. RESUME_DEVICES_LATE runs in criu with every task stopped: it opens
 * the app's restored shm mappings through /proc/PID/map_files, hands them to
 * the proxy and waits for the replay; if the replay fails it kills the task
 * so that a half-restored app never runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "criu-plugin.h"
#include "ctl.h"
#include "image.h"
#include "log.h"
#include "plugin.h"
#include "unix.h"

/* the proxy's replay waits on the compositor: bounded, not forever */
#define REPLAY_TIMEOUT_S 20

/* WLCR_SOCKET (the path of another proxy's Wayland socket) retargets the
 * restore; otherwise the proxy the app was dumped from. */
static const char *target(const Image *img)
{
	const char *env = getenv("WLCR_SOCKET");
	return env && *env ? env : img->proxy_socket;
}

static int call(const char *socket_path, const CtlRequest *req, const int *fds, size_t nfds,
		int timeout_s, char *err, size_t errlen)
{
	char ctl_path[128]; /* sun_path holds 108 */
	CtlReply *reply = NULL;
	if (wlcr_ctl_path(ctl_path, sizeof(ctl_path), socket_path) < 0) {
		snprintf(err, errlen, "path too long: %s", socket_path);
		return -ENAMETOOLONG;
	}
	int fd = wlcr_ctl_connect(ctl_path, timeout_s * 1000);
	if (fd < 0) {
		snprintf(err, errlen, "no wlcr-proxy answers at %s: %s", ctl_path,
			 fd == -EAGAIN ? "it accepts no connections (timed out)" : strerror(-fd));
		return fd;
	}
	char why[400];
	int ret = 0;
	/* more pools than one message carries go ahead with CTL_POOLS */
	while (ret == 0 && nfds > WLCR_CTL_MAX_FDS) {
		CtlRequest pools = CTL_REQUEST__INIT;
		pools.op = CTL_OP__CTL_POOLS;
		ret = wlcr_ctl_call_fds(fd, &pools, fds, WLCR_CTL_MAX_FDS, &reply, why,
					sizeof(why));
		if (ret == 0)
			ctl_reply__free_unpacked(reply, NULL);
		fds += WLCR_CTL_MAX_FDS;
		nfds -= WLCR_CTL_MAX_FDS;
	}
	if (ret == 0)
		ret = wlcr_ctl_call_fds(fd, req, fds, nfds, &reply, why, sizeof(why));
	close(fd);
	if (ret < 0) {
		snprintf(err, errlen, "wlcr-proxy %s: %s", socket_path,
			 ret == -ETIMEDOUT ? "it did not answer in time" : why);
		return ret;
	}
	ctl_reply__free_unpacked(reply, NULL);
	return 0;
}

int wlcr_plugin_restore_sk(int ino)
{
	char name[64], err[768];
	Image *img = NULL;
	wlcr_image_name(name, sizeof(name), (unsigned long long)ino);
	int ret = wlcr_image_read(criu_get_image_dir(), name, &img, err, sizeof(err));
	if (ret == -ENOENT)
		return -ENOTSUP; /* not ours: another plugin's socket */
	if (ret < 0) {
		wlcr_pr_err("%s", err);
		return -EINVAL;
	}
	const char *proxy = target(img);
	CtlRequest req = CTL_REQUEST__INIT;
	req.op = CTL_OP__CTL_RESTORE;
	req.image = img;
	ret = call(proxy, &req, NULL, 0, 5, err, sizeof(err));
	if (ret < 0) {
		wlcr_pr_err("%s: cannot restore socket ino %d: %s", name, ino, err);
		image__free_unpacked(img, NULL);
		return ret;
	}

	/* not close-on-exec: it becomes the app's own fd */
	int fd = wlcr_unix_connect(proxy, SOCK_STREAM, 0);
	if (fd < 0) {
		wlcr_pr_err("%s: cannot connect to %s: %s", name, proxy, strerror(-fd));
		image__free_unpacked(img, NULL);
		return -ECONNREFUSED;
	}
	/* the token, as a message on object id 0 */
	uint8_t msg[8 + 16];
	uint32_t hdr[2] = { 0, (uint32_t)sizeof(msg) << 16 };
	memcpy(msg, hdr, 8);
	memcpy(msg + 8, img->token.data, 16);
	if (img->token.len != 16 || write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
		wlcr_pr_err("%s: cannot send the token to %s", name, proxy);
		close(fd);
		image__free_unpacked(img, NULL);
		return -EIO;
	}
	wlcr_pr_info("socket ino %d reconnected to %s (%zu objects to replay)", ino, proxy,
		     img->journal->n_objects);
	image__free_unpacked(img, NULL);
	return fd;
}

/* fds of the restored app's shm mappings, in the order of img->pools; -1
 * where the pool's content is in the image instead. */
static int open_pools(int pid, const Image *img, int *fds, char *err, size_t errlen)
{
	for (size_t i = 0; i < img->n_pools; i++) {
		const ShmPool *p = img->pools[i];
		fds[i] = -1;
		if (!p->has_map_start) {
			/* a fresh memfd with the saved content */
			int fd = memfd_create("wlcr-pool", MFD_CLOEXEC);
			if (fd < 0 || ftruncate(fd, (off_t)p->size) < 0 ||
			    (p->content.len && pwrite(fd, p->content.data, p->content.len, 0) !=
						       (ssize_t)p->content.len)) {
				snprintf(err, errlen, "pool %u: cannot recreate its content: %s",
					 p->pool_id, strerror(errno));
				if (fd >= 0)
					close(fd);
				return -EIO;
			}
			fds[i] = fd;
			continue;
		}
		char path[96];
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", pid,
			 (unsigned long long)p->map_start, (unsigned long long)p->map_end);
		fds[i] = open(path, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0) {
			snprintf(err, errlen, "pool %u: cannot open the restored mapping %s: %s",
				 p->pool_id, path, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int replay_one(int pid, const char *name, Image *img)
{
	char err[768] = "";
	int *fds = calloc(img->n_pools + 1, sizeof(*fds));
	if (!fds) {
		wlcr_pr_err("%s: out of memory for %zu shm pools", name, img->n_pools);
		return -ENOMEM;
	}
	for (size_t i = 0; i < img->n_pools; i++)
		fds[i] = -1;
	int ret = open_pools(pid, img, fds, err, sizeof(err));
	if (ret == 0) {
		CtlRequest req = CTL_REQUEST__INIT;
		req.op = CTL_OP__CTL_REPLAY;
		req.has_token = true;
		req.token = img->token;
		req.has_pid = true;
		req.pid = pid;
		ret = call(target(img), &req, fds, img->n_pools, REPLAY_TIMEOUT_S, err,
			   sizeof(err));
	}
	for (size_t i = 0; i < img->n_pools; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	if (ret < 0)
		wlcr_pr_err("%s: replay failed: %s", name, err);
	else
		wlcr_pr_info("%s: replayed on %s", name, target(img));
	return ret;
}

int wlcr_plugin_resume_late(int pid)
{
	int dirfd = criu_get_image_dir();
	int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
	int failed = 0;
	if (!d) {
		if (dup >= 0)
			close(dup);
		return 0;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "wayland-", 8) != 0)
			continue;
		char err[768];
		Image *img = NULL;
		if (wlcr_image_read(dirfd, e->d_name, &img, err, sizeof(err)) < 0)
			continue; /* RESTORE_UNIX_SK already failed on it */
		if (img->pid == pid && replay_one(pid, e->d_name, img) < 0)
			failed = 1;
		image__free_unpacked(img, NULL);
	}
	closedir(d);
	if (failed) {
		/* criu ignores this hook's result: a half-restored app must
		 * not run, so it goes, and criu then fails at detach */
		wlcr_pr_err("killing restored task %d: its Wayland state could not be replayed",
			    pid);
		kill(pid, SIGKILL);
		return -EIO;
	}
	return 0;
}
