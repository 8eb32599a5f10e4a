#include "record.h"

#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "client.h"

void wlcr_record_chunk(int fd, bool requests, unsigned nfds, const uint8_t *data, size_t len)
{
	while (len > 0) {
		size_t n = len > UINT16_MAX ? UINT16_MAX : len;
		uint8_t hdr[4] = { requests ? 0 : 1, (uint8_t)(nfds > 255 ? 255 : nfds), (uint8_t)n,
				   (uint8_t)(n >> 8) };
		struct iovec iov[2] = { { hdr, 4 }, { (void *)data, n } };
		if (writev(fd, iov, 2) < 0)
			return;
		data += n;
		len -= n;
		nfds = 0;
	}
}

size_t wlcr_record_replay_with(struct wlcr_client *c, const uint8_t *data, size_t size,
			       int (*fd_for)(void *arg), void *arg)
{
	size_t chunks = 0;
	while (size >= 4 && !c->dead) {
		bool requests = (data[0] & 1) == 0;
		/* no real chunk carries more than a few dozen fds */
		unsigned nfds = data[1] & 63;
		size_t len = (size_t)data[2] | (size_t)data[3] << 8;
		if (len > size - 4)
			break;
		struct wlcr_conn *in = requests ? &c->down : &c->up;
		for (unsigned i = 0; i < nfds; i++) {
			int fd = fd_for(arg);
			if (fd < 0 || wlcr_fdq_push(&in->in_fds, fd, 0) < 0) {
				if (fd >= 0)
					close(fd);
				return chunks;
			}
		}
		if (wlcr_conn_in_append(in, data + 4, len) < 0)
			break;
		data += 4 + len;
		size -= 4 + len;
		chunks++;
		if (!wlcr_client_process(c, requests))
			break;
		/* what would have been sent is not needed */
		wlcr_conn_out_discard(&c->down);
		wlcr_conn_out_discard(&c->up);
	}
	return chunks;
}

static int dup_devnull(void *arg)
{
	return fcntl(*(int *)arg, F_DUPFD_CLOEXEC, 3);
}

size_t wlcr_record_replay(struct wlcr_client *c, const uint8_t *data, size_t size)
{
	/* dup() of one open /dev/null is far cheaper than open() per fd,
	 * which matters at fuzzing speed */
	static int devnull = -1;
	if (devnull < 0)
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return 0;
	return wlcr_record_replay_with(c, data, size, dup_devnull, &devnull);
}
