/* One end of a Wayland stream socket: the byte buffers in each direction and
 * the queues of fds that travel beside them (SCM_RIGHTS). */
#ifndef WLCR_CONN_H
#define WLCR_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libwayland receives at most 28 fds with one recvmsg; sending more in one
 * sendmsg truncates them (MSG_CTRUNC) and kills the connection. */
#define WLCR_MAX_FDS_OUT 28
/* libwayland refuses messages larger than its 4096-byte buffer. */
#define WLCR_MAX_MESSAGE 4096

struct wlcr_fd_queue {
	int *fds;
	/* For outgoing fds: stream offset where the message carrying the fd
	 * starts; an fd must be sent no later than that byte. */
	uint64_t *msg_start;
	size_t head, count, cap;
};

struct wlcr_buf {
	uint8_t *data;
	size_t start, end, cap;
};

struct wlcr_conn {
	int fd;
	struct wlcr_buf in;
	struct wlcr_buf out;
	struct wlcr_fd_queue in_fds;
	struct wlcr_fd_queue out_fds;
	/* total bytes ever appended to out: stream offsets for out_fds */
	uint64_t out_total;
	/* bytes after which the owner stops reading from the other side */
	size_t out_limit;
	bool eof;
};

void wlcr_conn_init(struct wlcr_conn *conn, int fd, size_t out_limit);
/* Closes the socket (unless -1) and every queued fd. */
void wlcr_conn_finish(struct wlcr_conn *conn);

/* Reads what the socket has into in/in_fds. Returns bytes read, 0 at EOF
 * (conn->eof set), -EAGAIN when nothing was there, or another -errno. */
int wlcr_conn_read(struct wlcr_conn *conn);
/* The same, reading at most max bytes (a turn's share of the loop). */
int wlcr_conn_read_max(struct wlcr_conn *conn, size_t max);
/* Sends as much of out as the socket takes, never more than
 * WLCR_MAX_FDS_OUT fds per sendmsg. Returns 0 when out is empty, -EAGAIN
 * when bytes remain, or another -errno. */
int wlcr_conn_flush(struct wlcr_conn *conn);

size_t wlcr_conn_in_len(const struct wlcr_conn *conn);
const uint8_t *wlcr_conn_in_data(const struct wlcr_conn *conn);
void wlcr_conn_in_consume(struct wlcr_conn *conn, size_t n);
size_t wlcr_conn_out_len(const struct wlcr_conn *conn);
bool wlcr_conn_out_full(const struct wlcr_conn *conn);

/* Queues a message; fds (owned by the queue afterwards) go out with or
 * before its first byte. Returns 0 or -ENOMEM (fds are then closed). */
int wlcr_conn_write(struct wlcr_conn *conn, const void *data, size_t len, const int *fds,
		    size_t nfds);

/* For tests and the fuzzer: input without a socket, output thrown away. */
int wlcr_conn_in_append(struct wlcr_conn *conn, const void *data, size_t len);
void wlcr_conn_out_discard(struct wlcr_conn *conn);

/* Incoming fd queue: */
size_t wlcr_fdq_count(const struct wlcr_fd_queue *q);
/* Removes the oldest fd and returns it, or -1 when empty. */
int wlcr_fdq_pop(struct wlcr_fd_queue *q);
int wlcr_fdq_push(struct wlcr_fd_queue *q, int fd, uint64_t msg_start);
void wlcr_fdq_clear(struct wlcr_fd_queue *q);

#endif
