/* The dump: for each socket connected to a wlcr proxy, have the proxy
 * quiesce the client and hand over its journal, add what the app has not
 * read yet, and write wayland-<ino>.img, then the manifest naming every
 * image of this dump. The control connection stays open until exit(DUMP):
 * closing it resumes the client, so a dump that fails anywhere leaves the
 * app running with nothing lost.
 *
 * Everything here runs in criu, in criu's namespaces: the proxy's control
 * socket is reached by its host path, never from inside a container. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "criu-plugin.h"
#include "ctl.h"
#include "image.h"
#include "log.h"
#include "peer.h"
#include "plugin.h"
#include "sockdiag.h"
#include "unix.h"

/* criu >= 4.1 records the plugins a dump needs; restore without them then
 * fails cleanly instead of at "BUG at sk-unix.c". Weak: older criu lacks it. */
extern int add_inventory_plugin(const char *name) __attribute__((weak));

#define MAX_CONTROLS 64
static int controls[MAX_CONTROLS];
static unsigned ncontrols;
static bool in_inventory;
/* the sockets saved by this dump, for the manifest */
static unsigned long long saved[MAX_CONTROLS];
static unsigned nsaved;

/* The app's unread bytes, without consuming them: the dump may fail and the
 * app go on reading. fds that come along are counted and closed. */
static int peek_unread(int fd, Image *img)
{
	int avail = 0;
	if (ioctl(fd, FIONREAD, &avail) < 0 || avail <= 0)
		return 0;
	uint8_t *buf = malloc((size_t)avail);
	char cmsg[CMSG_SPACE(253 * sizeof(int))];
	if (!buf)
		return -ENOMEM;
	struct iovec iov = { buf, (size_t)avail };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	ssize_t n = recvmsg(fd, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0) {
		int e = errno;
		free(buf);
		return e == EAGAIN ? 0 : -e;
	}
	size_t nfds = 0;
	wlcr_cmsg_fds(&mh, NULL, 0, &nfds); /* counted and closed */
	img->has_unread = true;
	img->unread.data = buf;
	img->unread.len = (size_t)n;
	img->has_unread_fds = nfds > 0;
	img->unread_fds = (uint32_t)nfds;
	return 0;
}

int wlcr_plugin_dump_sk(int fd, int ino)
{
	char path[PATH_MAX], ctl_path[PATH_MAX + 8], err[512], name[64];
	uint32_t proxy_ino = 0;
	CtlReply *reply = NULL;
	int ret;

	if (wlcr_plugin_peer_proxy(fd, path, sizeof(path)) <= 0)
		return -ENOTSUP;
	wlcr_ctl_path(ctl_path, sizeof(ctl_path), path);
	/* in the socket's own network namespace: a container's */
	ret = wlcr_sockdiag_peer_of(fd, (uint32_t)ino, &proxy_ino);
	if (ret < 0) {
		wlcr_pr_err("socket ino %d: cannot find its peer in %s: %s", ino, path,
			    strerror(-ret));
		return -EIO;
	}
	if (ncontrols == MAX_CONTROLS) {
		wlcr_pr_err("more than %d Wayland connections in one dump", MAX_CONTROLS);
		return -E2BIG;
	}
	/* every wait on the proxy is bounded: the app is frozen meanwhile */
	int ctl = wlcr_ctl_connect(ctl_path, WLCR_CTL_TIMEOUT_MS);
	if (ctl < 0) {
		wlcr_pr_err("socket ino %d: wlcr-proxy at %s does not answer on %s: %s", ino, path,
			    ctl_path,
			    ctl == -EAGAIN ? "it accepts no connections (timed out)"
					   : strerror(-ctl));
		return -ECONNREFUSED;
	}
	/* from here on, closing ctl resumes the client */
	controls[ncontrols++] = ctl;

	CtlRequest req = CTL_REQUEST__INIT;
	req.op = CTL_OP__CTL_QUIESCE;
	req.has_sock_ino = true;
	req.sock_ino = proxy_ino;
	ret = wlcr_ctl_call(ctl, &req, &reply, err, sizeof(err));
	if (ret == -ETIMEDOUT) {
		wlcr_pr_err("socket ino %d: wlcr-proxy %s did not hand over the app's journal "
			    "within %d s: the dump fails and the app goes on",
			    ino, path, WLCR_CTL_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	if (ret < 0) {
		wlcr_pr_err("socket ino %d: wlcr-proxy %s refused the dump: %s", ino, path, err);
		return ret == -EOPNOTSUPP ? -EIO : ret;
	}
	Image *img = reply->image;
	reply->image = NULL;
	ctl_reply__free_unpacked(reply, NULL);
	if (!img) {
		wlcr_pr_err("socket ino %d: wlcr-proxy %s sent no journal", ino, path);
		return -EPROTO;
	}
	img->client_ino = (uint64_t)ino;
	free(img->token.data);
	img->token.data = malloc(16);
	img->token.len = 16;
	if (!img->token.data || getrandom(img->token.data, 16, 0) != 16) {
		image__free_unpacked(img, NULL);
		wlcr_pr_err("socket ino %d: no random token", ino);
		return -EIO;
	}
	ret = peek_unread(fd, img);
	if (ret < 0) {
		wlcr_pr_err("socket ino %d: cannot read its queue: %s", ino, strerror(-ret));
		image__free_unpacked(img, NULL);
		return ret;
	}
	wlcr_image_name(name, sizeof(name), (unsigned long long)ino);
	ret = wlcr_image_write(criu_get_image_dir(), name, img, err, sizeof(err));
	if (ret < 0) {
		wlcr_pr_err("%s", err);
		image__free_unpacked(img, NULL);
		return ret;
	}
	wlcr_pr_info("saved socket ino %d (pid %d, proxy %s) in %s: %zu objects, %zu shm pools, "
		     "%zu unread bytes",
		     ino, img->pid, path, name, img->journal->n_objects, img->n_pools,
		     img->has_unread ? img->unread.len : 0);
	image__free_unpacked(img, NULL);
	/* rewritten with each image, so that it names exactly those of this
	 * dump however many follow */
	saved[nsaved++] = (unsigned long long)ino;
	ret = wlcr_manifest_write(criu_get_image_dir(), saved, nsaved, err, sizeof(err));
	if (ret < 0) {
		wlcr_pr_err("%s", err);
		return ret;
	}
	if (!in_inventory && add_inventory_plugin) {
		if (add_inventory_plugin(WLCR_PLUGIN_NAME)) {
			wlcr_pr_err("cannot record the plugin in the inventory");
			return -ENOMEM;
		}
		in_inventory = true;
	}
	return 0;
}

void wlcr_plugin_dump_init(void)
{
	/* an earlier dump's manifest in a reused directory would name images
	 * that are not this dump's; a dump that saves none leaves none */
	int ret = wlcr_manifest_remove(criu_get_image_dir());
	if (ret < 0)
		wlcr_pr_warn("cannot remove an earlier %s: %s", WLCR_MANIFEST, strerror(-ret));
	nsaved = 0;
}

void wlcr_plugin_dump_finish(void)
{
	CtlRequest req = CTL_REQUEST__INIT;
	req.op = CTL_OP__CTL_RESUME;
	for (unsigned i = 0; i < ncontrols; i++) {
		/* best effort: closing the connection resumes the client too */
		wlcr_ctl_send(controls[i], WLCR_CTL_VERSION, &req.base);
		close(controls[i]);
	}
	ncontrols = 0;
	nsaved = 0;
	in_inventory = false;
}
