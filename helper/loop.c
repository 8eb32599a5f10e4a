#include "loop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

int wlcr_loop_init(struct wlcr_loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void wlcr_loop_finish(struct wlcr_loop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

int wlcr_loop_add(struct wlcr_loop *loop, struct wlcr_source *src, int fd, uint32_t mask,
		  wlcr_source_fn fn, void *data)
{
	src->fd = fd;
	src->mask = mask;
	src->fn = fn;
	src->data = data;
	struct epoll_event ev = { .events = mask, .data.ptr = src };
	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int wlcr_loop_update(struct wlcr_loop *loop, struct wlcr_source *src, uint32_t mask)
{
	if (src->mask == mask)
		return 0;
	src->mask = mask;
	struct epoll_event ev = { .events = mask, .data.ptr = src };
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, src->fd, &ev) < 0 ? -errno : 0;
}

void wlcr_loop_remove(struct wlcr_loop *loop, struct wlcr_source *src)
{
	if (src->fd >= 0)
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, src->fd, NULL);
	src->fd = -1;
}

int wlcr_loop_dispatch(struct wlcr_loop *loop, int timeout_ms)
{
	struct epoll_event evs[32];
	int n = epoll_wait(loop->epfd, evs, 32, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct wlcr_source *src = evs[i].data.ptr;
		/* a callback earlier in this batch may have removed it */
		if (src->fd >= 0)
			src->fn(src, evs[i].events);
	}
	return 0;
}
