/* plugin/sockdiag.c: the peer of a unix socket found by sock_diag, also
 * when the socket lives in another network namespace (an app in a
 * container), where a query from the caller's namespace finds nothing.
 * Needs root (a network namespace of its own), as make check runs. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../plugin/sockdiag.h"
#include "unit.h"
#include "unix.h"

static uint32_t ino_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

static void test_own_namespace(void)
{
	int sv[2];
	uint32_t peer = 0;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	int a = wlcr_sockdiag_peer(ino_of(sv[0]), &peer);
	uint32_t want = ino_of(sv[1]);
	int b = wlcr_sockdiag_peer_of(sv[0], ino_of(sv[0]), &peer);
	close(sv[0]);
	close(sv[1]);
	CHECK_EQ(a, 0);
	CHECK_EQ(b, 0);
	CHECK_EQ(peer, want);
}

/* A child in a network namespace of its own makes a connected pair there,
 * hands one end and the other's inode over, and keeps the other end until
 * told to go. */
static void test_other_namespace(void)
{
	int ch[2], go[2];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ch) == 0);
	CHECK(pipe2(go, O_CLOEXEC) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int sv[2];
		char c;
		if (unshare(CLONE_NEWNET) < 0 ||
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			_exit(1);
		uint32_t want = ino_of(sv[1]);
		char cmsg[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &want, sizeof(want) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cmsg,
				     .msg_controllen = sizeof(cmsg) };
		struct cmsghdr *c0 = CMSG_FIRSTHDR(&mh);
		c0->cmsg_level = SOL_SOCKET;
		c0->cmsg_type = SCM_RIGHTS;
		c0->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c0), &sv[0], sizeof(int));
		if (sendmsg(ch[1], &mh, 0) < 0)
			_exit(1);
		close(go[1]);
		(void)!read(go[0], &c, 1); /* EOF: the parent is done */
		_exit(0);
	}
	close(go[0]);
	uint32_t want = 0;
	int fd = -1;
	char cmsg[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &want, sizeof(want) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	ssize_t n = recvmsg(ch[0], &mh, MSG_CMSG_CLOEXEC);
	wlcr_cmsg_fds(&mh, &fd, 1, NULL);
	close(ch[0]);
	close(ch[1]);
	uint32_t peer = 0, ino = fd >= 0 ? ino_of(fd) : 0;
	/* from our namespace, sock_diag does not see it */
	int here = fd >= 0 ? wlcr_sockdiag_peer(ino, &peer) : -EBADF;
	int there = fd >= 0 ? wlcr_sockdiag_peer_of(fd, ino, &peer) : -EBADF;
	if (fd >= 0)
		close(fd);
	close(go[1]);
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK_EQ(n, (ssize_t)sizeof(want));
	CHECK_EQ(status, 0);
	CHECK(here < 0); /* the kernel says ENOENT, libnl an error: -EIO */
	CHECK_EQ(there, 0);
	CHECK_EQ(peer, want);
}

static const struct unit_case cases[] = {
	{ "peer_in_own_namespace", test_own_namespace },
	{ "peer_in_another_network_namespace", test_other_namespace },
};

UNIT_MAIN(cases)
