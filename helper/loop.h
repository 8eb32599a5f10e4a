/* A small epoll loop: each watched fd has one source with one callback. */
#ifndef WLCR_LOOP_H
#define WLCR_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct wlcr_source;
typedef void (*wlcr_source_fn)(struct wlcr_source *src, uint32_t events);

struct wlcr_source {
	int fd;
	uint32_t mask; /* EPOLLIN / EPOLLOUT currently watched */
	wlcr_source_fn fn;
	void *data;
};

struct wlcr_loop {
	int epfd;
	bool quit;
};

int wlcr_loop_init(struct wlcr_loop *loop);
void wlcr_loop_finish(struct wlcr_loop *loop);
int wlcr_loop_add(struct wlcr_loop *loop, struct wlcr_source *src, int fd, uint32_t mask,
		  wlcr_source_fn fn, void *data);
int wlcr_loop_update(struct wlcr_loop *loop, struct wlcr_source *src, uint32_t mask);
void wlcr_loop_remove(struct wlcr_loop *loop, struct wlcr_source *src);
/* A one-shot timer (a timerfd) in the loop. */
struct wlcr_timer;
typedef void (*wlcr_timer_fn)(struct wlcr_timer *timer);
struct wlcr_timer {
	struct wlcr_source src;
	wlcr_timer_fn fn;
	void *data;
};

/* Returns 0 or -errno; finish it with wlcr_timer_finish. */
int wlcr_timer_init(struct wlcr_loop *loop, struct wlcr_timer *timer, wlcr_timer_fn fn, void *data);
/* Fires once, ms from now; 0 disarms. */
void wlcr_timer_arm(struct wlcr_timer *timer, unsigned ms);
void wlcr_timer_finish(struct wlcr_loop *loop, struct wlcr_timer *timer);

/* Runs one batch of events, waiting at most timeout_ms (-1: forever).
 * Returns 0 or -errno. */
int wlcr_loop_dispatch(struct wlcr_loop *loop, int timeout_ms);

#endif
