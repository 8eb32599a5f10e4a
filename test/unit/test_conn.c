/* helper/conn.c over socketpairs: fd queue order, the 28-fd limit per
 * sendmsg, fds ahead of their bytes, split and maximal messages. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "unit.h"

static int pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
}

static ino_t ino_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

static int read_all(struct wlcr_conn *c, size_t want)
{
	for (int tries = 0; tries < 1000 && wlcr_conn_in_len(c) < want; tries++) {
		int r = wlcr_conn_read(c);
		if (r < 0 && r != -EAGAIN)
			return r;
	}
	return wlcr_conn_in_len(c) >= want ? 0 : -ETIMEDOUT;
}

static void fds_arrive_in_message_order(void)
{
	int sv[2], files[3];
	ino_t inos[3];
	struct wlcr_conn a, b;
	CHECK(pair(sv) == 0);
	wlcr_conn_init(&a, sv[0], 1 << 20);
	wlcr_conn_init(&b, sv[1], 1 << 20);
	for (int i = 0; i < 3; i++) {
		files[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int pipes[2];
		CHECK(pipe2(pipes, O_CLOEXEC) == 0);
		close(files[i]);
		close(pipes[1]);
		files[i] = pipes[0];
		inos[i] = ino_of(files[i]);
		uint8_t msg[8] = { (uint8_t)i };
		CHECK(wlcr_conn_write(&a, msg, sizeof(msg), &files[i], 1) == 0);
	}
	CHECK_EQ(wlcr_conn_flush(&a), 0);
	CHECK(read_all(&b, 24) == 0);
	CHECK_EQ(wlcr_fdq_count(&b.in_fds), 3);
	for (int i = 0; i < 3; i++) {
		int fd = wlcr_fdq_pop(&b.in_fds);
		CHECK_EQ(ino_of(fd), inos[i]);
		close(fd);
	}
	wlcr_conn_finish(&a);
	wlcr_conn_finish(&b);
}

/* Counts the fds of each recvmsg on a plain socket, as libwayland sees them. */
static int recv_counting(int fd, size_t *ret_bytes, int *ret_max_fds, int *ret_total_fds)
{
	uint8_t buf[65536];
	char cmsg[CMSG_SPACE(253 * sizeof(int))];
	*ret_bytes = 0;
	*ret_max_fds = *ret_total_fds = 0;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = cmsg,
				      .msg_controllen = sizeof(cmsg) };
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n <= 0)
			return n < 0 && errno == EAGAIN ? 0 : -1;
		int count = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (int i = 0; i < k; i++) {
				int f;
				memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				close(f);
			}
			count += k;
		}
		*ret_bytes += (size_t)n;
		*ret_total_fds += count;
		if (count > *ret_max_fds)
			*ret_max_fds = count;
	}
}

static void never_more_than_28_fds_per_sendmsg(void)
{
	int sv[2];
	struct wlcr_conn a;
	CHECK(pair(sv) == 0);
	wlcr_conn_init(&a, sv[0], 1 << 20);
	/* one message with 28 fds, then two with 20 each: 68 fds */
	int counts[3] = { 28, 20, 20 };
	for (int m = 0; m < 3; m++) {
		int fds[28];
		for (int i = 0; i < counts[m]; i++)
			fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		uint8_t msg[16] = { 0 };
		CHECK(wlcr_conn_write(&a, msg, sizeof(msg), fds, (size_t)counts[m]) == 0);
	}
	for (int i = 0; i < 10 && wlcr_conn_flush(&a) == -EAGAIN; i++)
		;
	size_t bytes;
	int max_fds, total;
	CHECK(recv_counting(sv[1], &bytes, &max_fds, &total) == 0);
	CHECK_EQ(bytes, 48);
	CHECK_EQ(total, 68);
	CHECK(max_fds <= 28);
	wlcr_conn_finish(&a);
	close(sv[1]);
}

static void fds_may_arrive_before_their_bytes(void)
{
	int sv[2];
	struct wlcr_conn b;
	CHECK(pair(sv) == 0);
	wlcr_conn_init(&b, sv[1], 1 << 20);
	/* first chunk: 4 bytes of a message and its fd; then the rest */
	uint8_t msg[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char cmsg[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { msg, 4 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cmsg,
			     .msg_controllen = sizeof(cmsg) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	CHECK(sendmsg(sv[0], &mh, 0) == 4);
	close(fd);
	CHECK(read_all(&b, 4) == 0);
	CHECK_EQ(wlcr_conn_in_len(&b), 4);
	CHECK_EQ(wlcr_fdq_count(&b.in_fds), 1);
	CHECK(write(sv[0], msg + 4, 8) == 8);
	CHECK(read_all(&b, 12) == 0);
	CHECK(memcmp(wlcr_conn_in_data(&b), msg, 12) == 0);
	CHECK_EQ(wlcr_fdq_count(&b.in_fds), 1);
	close(sv[0]);
	wlcr_conn_finish(&b);
}

static void split_and_maximal_messages_are_reassembled(void)
{
	int sv[2];
	struct wlcr_conn b;
	static uint8_t big[4096];
	CHECK(pair(sv) == 0);
	wlcr_conn_init(&b, sv[1], 1 << 20);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	/* byte by byte, then in one piece */
	for (size_t i = 0; i < sizeof(big); i += 1 + i / 512) {
		size_t n = 1 + i / 512;
		if (i + n > sizeof(big))
			n = sizeof(big) - i;
		CHECK(write(sv[0], big + i, n) == (ssize_t)n);
		CHECK(read_all(&b, i + n) == 0);
	}
	CHECK(write(sv[0], big, sizeof(big)) == (ssize_t)sizeof(big));
	CHECK(read_all(&b, 2 * sizeof(big)) == 0);
	CHECK(memcmp(wlcr_conn_in_data(&b), big, sizeof(big)) == 0);
	wlcr_conn_in_consume(&b, sizeof(big));
	CHECK(memcmp(wlcr_conn_in_data(&b), big, sizeof(big)) == 0);
	close(sv[0]);
	wlcr_conn_finish(&b);
}

static void peer_that_stops_reading_fills_the_queue_up_to_the_limit(void)
{
	int sv[2];
	struct wlcr_conn a;
	CHECK(pair(sv) == 0);
	wlcr_conn_init(&a, sv[0], 65536);
	uint8_t msg[4096] = { 0 };
	int rounds = 0;
	/* the proxy writes only while !out_full: count how far that goes */
	while (!wlcr_conn_out_full(&a) && rounds < 100000) {
		CHECK(wlcr_conn_write(&a, msg, sizeof(msg), NULL, 0) == 0);
		int r = wlcr_conn_flush(&a);
		CHECK(r == 0 || r == -EAGAIN);
		rounds++;
	}
	CHECK(wlcr_conn_out_full(&a));
	CHECK(wlcr_conn_out_len(&a) < 65536 + sizeof(msg));
	close(sv[1]);
	CHECK_EQ(wlcr_conn_flush(&a), -EPIPE);
	wlcr_conn_finish(&a);
}

static const struct unit_case cases[] = {
	{ "fds_arrive_in_message_order", fds_arrive_in_message_order },
	{ "never_more_than_28_fds_per_sendmsg", never_more_than_28_fds_per_sendmsg },
	{ "fds_may_arrive_before_their_bytes", fds_may_arrive_before_their_bytes },
	{ "split_and_maximal_messages_are_reassembled",
	  split_and_maximal_messages_are_reassembled },
	{ "peer_that_stops_reading_fills_the_queue_up_to_the_limit",
	  peer_that_stops_reading_fills_the_queue_up_to_the_limit },
};

UNIT_MAIN(cases)
