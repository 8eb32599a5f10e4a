/* common/ctl.c over SOCK_SEQPACKET socketpairs: small messages inline, a
 * message of any size in a memfd with its fds beside it, and what is not
 * ours refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "unit.h"

static int pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static ino_t ino_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* A reply carrying an image whose unread bytes are n bytes of a pattern. */
static void reply_of(CtlReply *reply, Image *img, Journal *jn, uint8_t *data, size_t n)
{
	ctl_reply__init(reply);
	image__init(img);
	journal__init(jn);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	img->journal = jn;
	img->proxy_socket = "/run/wlcr/wlcr-0";
	img->has_unread = true;
	img->unread.data = data;
	img->unread.len = n;
	reply->version = WLCR_CTL_VERSION;
	reply->image = img;
}

static void round_trip(size_t n, int nfds)
{
	int sv[2], fds[3];
	ino_t inos[3];
	CtlReply reply;
	Image img;
	Journal jn;
	uint8_t *data = malloc(n ? n : 1);
	CHECK(data);
	reply_of(&reply, &img, &jn, data, n);
	CHECK(pair(sv) == 0);
	for (int i = 0; i < nfds; i++) {
		int p[2];
		CHECK(pipe2(p, O_CLOEXEC) == 0);
		close(p[1]);
		fds[i] = p[0];
		inos[i] = ino_of(p[0]);
	}
	CHECK_EQ(wlcr_ctl_send_fds(sv[0], WLCR_CTL_VERSION, &reply.base, fds, (size_t)nfds), 0);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	struct wlcr_ctl_frame f;
	CHECK_EQ(wlcr_ctl_recv(sv[1], &f), 1);
	CHECK_EQ(f.version, WLCR_CTL_VERSION);
	CHECK_EQ(f.nfds, nfds);
	for (int i = 0; i < nfds; i++)
		CHECK_EQ(ino_of(f.fds[i]), inos[i]);
	CtlReply *back = ctl_reply__unpack(NULL, f.len, f.payload);
	CHECK(back && back->image && back->image->has_unread);
	CHECK_EQ(back->image->unread.len, n);
	CHECK(memcmp(back->image->unread.data, data, n) == 0);
	ctl_reply__free_unpacked(back, NULL);
	wlcr_ctl_frame_clear(&f);
	close(sv[0]);
	close(sv[1]);
	free(data);
}

static void a_small_message_goes_inline(void)
{
	round_trip(100, 0);
}

static void a_small_message_keeps_its_fds(void)
{
	round_trip(1000, 3);
}

static void a_message_larger_than_any_datagram_arrives_whole(void)
{
	/* a datagram holds at most the socket's send buffer, about 208 KiB */
	round_trip(3u << 20, 0);
}

static void a_large_message_keeps_its_fds_beside_the_memfd(void)
{
	round_trip(WLCR_CTL_INLINE_MAX + 1, 3);
}

static void a_datagram_without_our_magic_is_refused(void)
{
	int sv[2];
	struct wlcr_ctl_frame f;
	CHECK(pair(sv) == 0);
	CHECK(write(sv[0], "HELLO, WORLD", 12) == 12);
	CHECK_EQ(wlcr_ctl_recv(sv[1], &f), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}

static void a_large_message_shorter_than_it_says_is_refused(void)
{
	int sv[2];
	struct wlcr_ctl_frame f;
	CHECK(pair(sv) == 0);
	int mfd = memfd_create("short", MFD_CLOEXEC);
	CHECK(mfd >= 0 && ftruncate(mfd, 100) == 0);
	/* says 1 MiB, holds 100 bytes */
	uint8_t hdr[16] = { 'W', 'L', 'C', 'B', WLCR_CTL_VERSION, 0, 0, 0, 0, 0, 0x10, 0 };
	char cmsg[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { hdr, sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mfd, sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == sizeof(hdr));
	close(mfd);
	CHECK_EQ(wlcr_ctl_recv(sv[1], &f), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}

static void eof_is_zero(void)
{
	int sv[2];
	struct wlcr_ctl_frame f;
	CHECK(pair(sv) == 0);
	close(sv[0]);
	CHECK_EQ(wlcr_ctl_recv(sv[1], &f), 0);
	close(sv[1]);
}

static const struct unit_case cases[] = {
	{ "a small message goes inline", a_small_message_goes_inline },
	{ "a small message keeps its fds", a_small_message_keeps_its_fds },
	{ "a message larger than any datagram arrives whole",
	  a_message_larger_than_any_datagram_arrives_whole },
	{ "a large message keeps its fds beside the memfd",
	  a_large_message_keeps_its_fds_beside_the_memfd },
	{ "a datagram without our magic is refused", a_datagram_without_our_magic_is_refused },
	{ "a large message shorter than it says is refused",
	  a_large_message_shorter_than_it_says_is_refused },
	{ "EOF is zero", eof_is_zero },
};

UNIT_MAIN(cases)
