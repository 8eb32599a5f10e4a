#include "conn.h"
#include "unix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Large enough for several maximal messages, so one read drains a burst. */
#define IN_CAP (32 * 1024)
/* SCM_MAX_FD: the most a single recvmsg can carry. */
#define MAX_FDS_IN 253

void wlcr_conn_init(struct wlcr_conn *conn, int fd, size_t out_limit)
{
	memset(conn, 0, sizeof(*conn));
	conn->fd = fd;
	conn->out_limit = out_limit;
}

void wlcr_fdq_clear(struct wlcr_fd_queue *q)
{
	while (q->count)
		close(wlcr_fdq_pop(q));
	free(q->fds);
	free(q->msg_start);
	memset(q, 0, sizeof(*q));
}

void wlcr_conn_finish(struct wlcr_conn *conn)
{
	if (conn->fd >= 0)
		close(conn->fd);
	conn->fd = -1;
	free(conn->in.data);
	free(conn->out.data);
	wlcr_fdq_clear(&conn->in_fds);
	wlcr_fdq_clear(&conn->out_fds);
	memset(&conn->in, 0, sizeof(conn->in));
	memset(&conn->out, 0, sizeof(conn->out));
}

size_t wlcr_fdq_count(const struct wlcr_fd_queue *q)
{
	return q->count;
}

int wlcr_fdq_push(struct wlcr_fd_queue *q, int fd, uint64_t msg_start)
{
	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		int *fds = malloc(cap * sizeof(*fds));
		uint64_t *starts = malloc(cap * sizeof(*starts));
		if (!fds || !starts) {
			free(fds);
			free(starts);
			return -ENOMEM;
		}
		/* unroll the ring into the new arrays */
		for (size_t i = 0; i < q->count; i++) {
			fds[i] = q->fds[(q->head + i) % q->cap];
			starts[i] = q->msg_start[(q->head + i) % q->cap];
		}
		free(q->fds);
		free(q->msg_start);
		q->fds = fds;
		q->msg_start = starts;
		q->head = 0;
		q->cap = cap;
	}
	size_t tail = (q->head + q->count) % q->cap;
	q->fds[tail] = fd;
	q->msg_start[tail] = msg_start;
	q->count++;
	return 0;
}

int wlcr_fdq_pop(struct wlcr_fd_queue *q)
{
	if (!q->count)
		return -1;
	int fd = q->fds[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return fd;
}

static const uint64_t *fdq_start_at(const struct wlcr_fd_queue *q, size_t i)
{
	return &q->msg_start[(q->head + i) % q->cap];
}

static int fdq_at(const struct wlcr_fd_queue *q, size_t i)
{
	return q->fds[(q->head + i) % q->cap];
}

size_t wlcr_conn_in_len(const struct wlcr_conn *conn)
{
	return conn->in.end - conn->in.start;
}

const uint8_t *wlcr_conn_in_data(const struct wlcr_conn *conn)
{
	/* NULL + 0 is undefined behaviour in C */
	return conn->in.data ? conn->in.data + conn->in.start : NULL;
}

void wlcr_conn_in_consume(struct wlcr_conn *conn, size_t n)
{
	conn->in.start += n;
	if (conn->in.start == conn->in.end)
		conn->in.start = conn->in.end = 0;
}

size_t wlcr_conn_out_len(const struct wlcr_conn *conn)
{
	return conn->out.end - conn->out.start;
}

bool wlcr_conn_out_full(const struct wlcr_conn *conn)
{
	return wlcr_conn_out_len(conn) >= conn->out_limit;
}

int wlcr_conn_read(struct wlcr_conn *conn)
{
	return wlcr_conn_read_max(conn, IN_CAP);
}

int wlcr_conn_read_max(struct wlcr_conn *conn, size_t max)
{
	struct wlcr_buf *b = &conn->in;
	if (!b->data) {
		b->data = malloc(IN_CAP);
		if (!b->data)
			return -ENOMEM;
		b->cap = IN_CAP;
	}
	if (b->start > 0) {
		memmove(b->data, b->data + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
	}
	if (b->end == b->cap)
		return -ENOBUFS;

	char cmsg_buf[CMSG_SPACE(MAX_FDS_IN * sizeof(int))];
	struct iovec iov = { b->data + b->end, b->cap - b->end < max ? b->cap - b->end : max };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cmsg_buf,
		.msg_controllen = sizeof(cmsg_buf),
	};
	ssize_t n;
	do {
		n = recvmsg(conn->fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;

	int ret = 0, fds[MAX_FDS_IN];
	size_t nfds = wlcr_cmsg_fds(&msg, fds, MAX_FDS_IN, NULL);
	for (size_t i = 0; i < nfds; i++) {
		if (ret == 0)
			ret = wlcr_fdq_push(&conn->in_fds, fds[i], 0);
		if (ret < 0)
			close(fds[i]);
	}
	if (ret < 0)
		return ret;
	if (msg.msg_flags & MSG_CTRUNC)
		return -EMSGSIZE;
	if (n == 0) {
		conn->eof = true;
		return 0;
	}
	b->end += (size_t)n;
	return (int)n;
}

static int buf_reserve(struct wlcr_buf *b, size_t len);

int wlcr_conn_in_append(struct wlcr_conn *conn, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	if (buf_reserve(&conn->in, len) < 0)
		return -ENOMEM;
	memcpy(conn->in.data + conn->in.end, data, len);
	conn->in.end += len;
	return 0;
}

void wlcr_conn_out_discard(struct wlcr_conn *conn)
{
	conn->out.start = conn->out.end = 0;
	wlcr_fdq_clear(&conn->out_fds);
}

static int buf_reserve(struct wlcr_buf *b, size_t len)
{
	if (b->cap - b->end >= len)
		return 0;
	if (b->start > 0) {
		memmove(b->data, b->data + b->start, b->end - b->start);
		b->end -= b->start;
		b->start = 0;
		if (b->cap - b->end >= len)
			return 0;
	}
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->end < len)
		cap *= 2;
	uint8_t *data = realloc(b->data, cap);
	if (!data)
		return -ENOMEM;
	b->data = data;
	b->cap = cap;
	return 0;
}

int wlcr_conn_write(struct wlcr_conn *conn, const void *data, size_t len, const int *fds,
		    size_t nfds)
{
	int ret = buf_reserve(&conn->out, len);
	for (size_t i = 0; i < nfds; i++) {
		if (ret == 0)
			ret = wlcr_fdq_push(&conn->out_fds, fds[i], conn->out_total);
		if (ret < 0)
			close(fds[i]);
	}
	if (ret < 0)
		return ret;
	memcpy(conn->out.data + conn->out.end, data, len);
	conn->out.end += len;
	conn->out_total += len;
	return 0;
}

int wlcr_conn_flush(struct wlcr_conn *conn)
{
	while (wlcr_conn_out_len(conn) > 0 || conn->out_fds.count > 0) {
		size_t len = wlcr_conn_out_len(conn);
		uint64_t sent_pos = conn->out_total - len;
		size_t nfds = conn->out_fds.count;
		if (nfds > WLCR_MAX_FDS_OUT) {
			/* Stop before the message of the first fd we cannot
			 * send in this batch, so that no message goes out ahead
			 * of its fds. */
			nfds = WLCR_MAX_FDS_OUT;
			uint64_t limit = *fdq_start_at(&conn->out_fds, nfds);
			if (limit - sent_pos < len)
				len = (size_t)(limit - sent_pos);
			/* only a message with more than 28 fds gets here, and
			 * the parser refuses those */
			if (len == 0)
				return -EPROTO;
		}

		char cmsg_buf[CMSG_SPACE(WLCR_MAX_FDS_OUT * sizeof(int))];
		struct iovec iov = { conn->out.data + conn->out.start, len };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (nfds) {
			memset(cmsg_buf, 0, sizeof(cmsg_buf));
			msg.msg_control = cmsg_buf;
			msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
			for (size_t i = 0; i < nfds; i++) {
				int fd = fdq_at(&conn->out_fds, i);
				memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
			}
		}
		ssize_t n;
		do {
			n = sendmsg(conn->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		/* the kernel attached the fds to the first byte: they are gone */
		for (size_t i = 0; i < nfds; i++)
			close(wlcr_fdq_pop(&conn->out_fds));
		conn->out.start += (size_t)n;
		if (conn->out.start == conn->out.end)
			conn->out.start = conn->out.end = 0;
		if ((size_t)n < len)
			return -EAGAIN;
	}
	return 0;
}
