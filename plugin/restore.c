/* The restore, in three places, each in the namespaces it runs in:
 *
 * - init(RESTORE), in criu before any task exists, in criu's namespaces:
 *   reads the images this dump wrote (the manifest names them; others in a
 *   reused directory are stale and ignored) and registers each with its
 *   proxy over the control socket. Whatever can fail fails here, before
 *   anything is created: a corrupt image, no proxy, a proxy that refuses.
 * - RESTORE_UNIX_SK, inside the restored task (its mount and network
 *   namespaces, still root, still criu's code): connects by path to the
 *   proxy's Wayland socket, which a container sees at the same path as the
 *   host (the /run/wlcr convention), and sends the image's token as a first
 *   message on object id 0, which Wayland never uses. The socket is made
 *   there, not in criu, so that it belongs to the task's network namespace
 *   and a later dump of the container finds it among the container's
 *   sockets. It records getpid(), the task's pid in its own pid namespace,
 *   which criu restores exactly.
 * - RESUME_DEVICES_LATE, in criu with every task stopped: criu gives the
 *   new host pid; its innermost NSpid names the tasks RESTORE_UNIX_SK saw.
 *   Opens the app's restored shm mappings through /proc/PID/map_files,
 *   hands them to the proxy and waits for the replay; if the replay fails
 *   it kills the task, so that a half-restored app never runs.
 *
 * RESTORE_UNIX_SK runs in a child of criu forked after init: what init
 * read is there (copy-on-write), and what it reports back goes through a
 * MAP_SHARED region made in init. The control socket is only ever used
 * from criu itself: a task in a container never gets near it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
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
#include "proc.h"
#include "unix.h"

/* the proxy's replay waits on the compositor: bounded, not forever */
#define REPLAY_TIMEOUT_S 20
/* registering an image: the proxy checks it against its compositor */
#define REGISTER_TIMEOUT_S 5

/* What RESTORE_UNIX_SK tells RESUME_DEVICES_LATE, one per image, in memory
 * shared with the restored tasks. */
struct restored {
	int32_t pid_in_ns; /* getpid() of the task that got the socket; 0: none yet */
	int32_t replayed;
};

/* The images of the restore at hand, read in init. */
static Image **images;
static char (*names)[32];
static size_t nimages;
static struct restored *shared;

/* WLCR_SOCKET (the path of another proxy's Wayland socket) retargets the
 * restore; otherwise the proxy the app was dumped from. The same path
 * serves init, in criu's mount namespace, and RESTORE_UNIX_SK, in the
 * task's: in a container, the /run/wlcr convention makes them one socket. */
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

static bool listed(const unsigned long long *inos, size_t n, unsigned long long ino)
{
	for (size_t i = 0; i < n; i++)
		if (inos[i] == ino)
			return true;
	return false;
}

/* Says which wayland-*.img under dirfd this restore leaves alone. */
static void log_ignored(int dirfd, const unsigned long long *inos, size_t n, const char *why)
{
	unsigned long long *all = NULL;
	size_t nall = 0;
	if (wlcr_image_list(dirfd, &all, &nall) < 0)
		return;
	for (size_t i = 0; i < nall; i++) {
		if (listed(inos, n, all[i]))
			continue;
		char name[32];
		wlcr_image_name(name, sizeof(name), all[i]);
		wlcr_pr_warn("%s: ignored: %s", name, why);
	}
	free(all);
}

void wlcr_plugin_restore_finish(void)
{
	for (size_t i = 0; i < nimages; i++)
		image__free_unpacked(images[i], NULL);
	free(images);
	free(names);
	if (shared)
		munmap(shared, nimages * sizeof(*shared));
	images = NULL;
	names = NULL;
	shared = NULL;
	nimages = 0;
}

/* Which images belong to the dump at hand: with criu >= 4.1, only a dump
 * whose inventory names the plugin has any; of those, the ones the
 * manifest names (a dump by an older wlcr wrote none: all of them). */
static int this_dumps_images(int dirfd, bool dump_named_us, unsigned long long **ret_inos,
			     size_t *ret_n)
{
	char err[256];
	if (!dump_named_us) {
		log_ignored(dirfd, NULL, 0,
			    "this dump's inventory does not name the wlcr plugin: a stale "
			    "image of an earlier dump in this directory");
		*ret_inos = NULL;
		*ret_n = 0;
		return 0;
	}
	int ret = wlcr_manifest_read(dirfd, ret_inos, ret_n, err, sizeof(err));
	if (ret == -ENOENT) {
		/* criu too old to list plugins, or an older wlcr's dump */
		ret = wlcr_image_list(dirfd, ret_inos, ret_n);
		if (ret == 0 && *ret_n)
			wlcr_pr_warn("no %s: images from an older wlcr, restoring every "
				     "wayland-*.img here",
				     WLCR_MANIFEST);
		return ret;
	}
	if (ret < 0) {
		wlcr_pr_err("%s", err);
		return ret;
	}
	log_ignored(dirfd, *ret_inos, *ret_n,
		    "not in " WLCR_MANIFEST ": a stale image of an earlier dump in this directory");
	return 0;
}

int wlcr_plugin_restore_init(bool dump_named_us)
{
	int dirfd = criu_get_image_dir();
	unsigned long long *inos = NULL;
	size_t n = 0;
	char err[768];
	int ret = this_dumps_images(dirfd, dump_named_us, &inos, &n);
	if (ret < 0 || n == 0) {
		free(inos);
		return ret < 0 ? -EINVAL : 0;
	}
	images = calloc(n, sizeof(*images));
	names = calloc(n, sizeof(*names));
	shared = mmap(NULL, n * sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED)
		shared = NULL;
	nimages = n;
	if (!images || !names || !shared) {
		wlcr_pr_err("out of memory for %zu images", n);
		ret = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		wlcr_image_name(names[i], sizeof(names[i]), inos[i]);
		ret = wlcr_image_read(dirfd, names[i], &images[i], err, sizeof(err));
		if (ret < 0) {
			wlcr_pr_err("%s", err);
			ret = -EINVAL;
			goto fail;
		}
		if (images[i]->token.len != 16 || images[i]->client_ino != inos[i]) {
			wlcr_pr_err("%s: corrupt: %s", names[i],
				    images[i]->token.len != 16 ? "no 16-byte token"
							       : "made for another socket");
			ret = -EINVAL;
			goto fail;
		}
	}
	/* only once every image reads: a failure then leaves nothing
	 * registered but the images before it, which no connection claims */
	for (size_t i = 0; i < n; i++) {
		const char *proxy = target(images[i]);
		CtlRequest req = CTL_REQUEST__INIT;
		req.op = CTL_OP__CTL_RESTORE;
		req.image = images[i];
		ret = call(proxy, &req, NULL, 0, REGISTER_TIMEOUT_S, err, sizeof(err));
		if (ret < 0) {
			wlcr_pr_err("%s: cannot restore socket ino %llu: %s", names[i], inos[i],
				    err);
			goto fail;
		}
		wlcr_pr_info("%s: registered with %s (pid %d, %d in its namespace; %zu objects)",
			     names[i], proxy, images[i]->pid,
			     images[i]->has_pid_in_ns ? images[i]->pid_in_ns : images[i]->pid,
			     images[i]->journal->n_objects);
	}
	free(inos);
	return 0;
fail:
	free(inos);
	wlcr_plugin_restore_finish();
	return ret;
}

static ssize_t image_of(int ino)
{
	for (size_t i = 0; i < nimages; i++)
		if (images[i]->client_ino == (uint64_t)(unsigned)ino)
			return (ssize_t)i;
	return -1;
}

int wlcr_plugin_restore_sk(int ino)
{
	ssize_t i = image_of(ino);
	if (i < 0)
		return -ENOTSUP; /* not ours: another plugin's socket */
	const Image *img = images[i];
	const char *proxy = target(img);
	/* not close-on-exec: it becomes the app's own fd */
	int fd = wlcr_unix_connect(proxy, SOCK_STREAM, 0);
	if (fd < 0) {
		wlcr_pr_err("%s: cannot connect to %s from the restored task (pid %d in its "
			    "namespace): %s%s",
			    names[i], proxy, getpid(), strerror(-fd),
			    fd == -ENOENT ? "; a container must see the proxy's socket at the "
					    "path the host has it (wlcr container-args)"
					  : "");
		return -ECONNREFUSED;
	}
	/* the token, as a message on object id 0 */
	uint8_t msg[8 + 16];
	uint32_t hdr[2] = { 0, (uint32_t)sizeof(msg) << 16 };
	memcpy(msg, hdr, 8);
	memcpy(msg + 8, img->token.data, 16);
	if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
		wlcr_pr_err("%s: cannot send the token to %s", names[i], proxy);
		close(fd);
		return -EIO;
	}
	shared[i].pid_in_ns = getpid();
	wlcr_pr_info("socket ino %d reconnected to %s by pid %d (in its namespace)", ino, proxy,
		     getpid());
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
		/* the host pid, from criu's namespaces: the task's own
		 * /proc may not be mounted, or be the container's */
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

static int replay_one(int pid, const char *name, const Image *img)
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
		wlcr_pr_info("%s: replayed on %s for pid %d", name, target(img), pid);
	return ret;
}

int wlcr_plugin_resume_late(int pid)
{
	if (nimages == 0)
		return -ENOTSUP;
	int inner = wlcr_pid_in_ns(pid), failed = 0, mine = 0;
	for (size_t i = 0; i < nimages; i++) {
		if (shared[i].replayed || shared[i].pid_in_ns == 0 || shared[i].pid_in_ns != inner)
			continue;
		shared[i].replayed = 1;
		mine = 1;
		if (replay_one(pid, names[i], images[i]) < 0)
			failed = 1;
	}
	if (failed) {
		/* criu ignores this hook's result: a half-restored app must
		 * not run, so it goes, and criu then fails at detach */
		wlcr_pr_err("killing restored task %d: its Wayland state could not be replayed",
			    pid);
		kill(pid, SIGKILL);
		return -EIO;
	}
	return mine ? 0 : -ENOTSUP;
}
