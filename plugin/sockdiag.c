#include "sockdiag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/sockios.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct result {
	uint32_t ino;
	uint32_t peer;
	int found;
};

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[UNIX_DIAG_MAX + 1];
	struct unix_diag_msg *m = nlmsg_data(h);

	if (nlmsg_parse(h, sizeof(*m), tb, UNIX_DIAG_MAX, NULL) < 0 || m->udiag_ino != r->ino)
		return NL_SKIP;
	if (tb[UNIX_DIAG_PEER]) {
		r->peer = nla_get_u32(tb[UNIX_DIAG_PEER]);
		r->found = 1;
	}
	return NL_OK;
}

int wlcr_sockdiag_peer(uint32_t ino, uint32_t *ret_peer)
{
	struct unix_diag_req req = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0u,
		.udiag_ino = ino,
		.udiag_show = UDIAG_SHOW_PEER,
		/* lookup by inode alone */
		.udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE },
	};
	struct result r = { .ino = ino };
	int ret;

	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_SOCK_DIAG);
	if (ret == 0)
		ret = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &r);
	if (ret == 0)
		ret = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, &req, sizeof(req));
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	nl_socket_free(sk);
	if (ret < 0)
		return -EIO;
	if (!r.found)
		return -ENOENT;
	*ret_peer = r.peer;
	return 0;
}

/* What the child that joined the socket's namespace reports. */
struct child_answer {
	int32_t ret;
	uint32_t peer;
};

static int query_in(int nsfd, uint32_t ino, uint32_t *ret_peer)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		struct child_answer a = { .ret = 0 };
		if (setns(nsfd, CLONE_NEWNET) < 0)
			a.ret = -errno;
		else
			a.ret = wlcr_sockdiag_peer(ino, &a.peer);
		ssize_t n = write(p[1], &a, sizeof(a));
		_exit(n == (ssize_t)sizeof(a) ? 0 : 1);
	}
	close(p[1]);
	struct child_answer a = { .ret = -ECHILD };
	ssize_t n;
	do {
		n = read(p[0], &a, sizeof(a));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(a))
		return -ECHILD;
	if (a.ret == 0)
		*ret_peer = a.peer;
	return a.ret;
}

static bool same_file(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int wlcr_sockdiag_peer_of(int fd, uint32_t ino, uint32_t *ret_peer)
{
	int nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd < 0 || same_file(nsfd, "/proc/self/ns/net")) {
		if (nsfd >= 0)
			close(nsfd);
		return wlcr_sockdiag_peer(ino, ret_peer);
	}
	int ret = query_in(nsfd, ino, ret_peer);
	close(nsfd);
	/* a namespace we may not join: its sockets cannot be ours to see
	 * anyway, but the caller's namespace is worth the one query */
	if (ret == -EPERM || ret == -ECHILD)
		ret = wlcr_sockdiag_peer(ino, ret_peer);
	return ret;
}
