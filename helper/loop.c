#include "loop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
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

static void on_timer(struct wlcr_source *src, uint32_t events)
{
	struct wlcr_timer *timer = src->data;
	uint64_t expirations;
	(void)events;
	if (read(src->fd, &expirations, sizeof(expirations)) == sizeof(expirations))
		timer->fn(timer);
}

int wlcr_timer_init(struct wlcr_loop *loop, struct wlcr_timer *timer, wlcr_timer_fn fn, void *data)
{
	timer->fn = fn;
	timer->data = data;
	timer->src.fd = -1;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	int ret = wlcr_loop_add(loop, &timer->src, fd, EPOLLIN, on_timer, timer);
	if (ret < 0) {
		close(fd);
		timer->src.fd = -1;
	}
	return ret;
}

void wlcr_timer_arm(struct wlcr_timer *timer, unsigned ms)
{
	struct itimerspec its = { .it_value = { ms / 1000, (long)(ms % 1000) * 1000000 } };
	if (timer->src.fd >= 0)
		timerfd_settime(timer->src.fd, 0, &its, NULL);
}

void wlcr_timer_finish(struct wlcr_loop *loop, struct wlcr_timer *timer)
{
	int fd = timer->src.fd;
	if (fd < 0)
		return;
	wlcr_loop_remove(loop, &timer->src);
	close(fd);
}
