/* wlbench: proxied against direct, in one process, on the same compositor.
 *
 * usage: wlbench DIRECT_DISPLAY PROXIED_DISPLAY PROXY_PID
 *
 * Each measurement runs on both connections, alternating rounds so that
 * drift in the machine's load hits both alike, and prints the ratio
 * proxied/direct. Results are for the README, never for test assertions. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "wlclient.h"

struct conn {
	struct wlc wl;
	struct wlc_window win;
	struct wl_buffer *buffers[2];
	uint32_t *pixels[2];
	int width, height;
	bool frame_done;
	unsigned frames;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "wlbench: %s\n", what);
	exit(1);
}

static void conn_open(struct conn *c, const char *name, int width, int height)
{
	memset(c, 0, sizeof(*c));
	wlc_connect(&c->wl, name, die);
	wlc_window(&c->wl, &c->win, "wlbench");
	c->width = width;
	c->height = height;
	for (int i = 0; i < 2; i++)
		c->buffers[i] = wlc_buffer(&c->wl, width, height, 0xff000000u, &c->pixels[i]);
}

static void on_frame(void *data, struct wl_callback *cb, uint32_t time)
{
	struct conn *c = data;
	(void)time;
	wl_callback_destroy(cb);
	c->frame_done = true;
	c->frames++;
}

static const struct wl_callback_listener frame_listener = { on_frame };

static void draw(struct conn *c)
{
	int b = c->frames & 1;
	uint32_t color = 0xff000000u | (c->frames * 2654435761u >> 8);
	for (int i = 0; i < c->width * c->height; i++)
		c->pixels[b][i] = color;
	struct wl_callback *cb = wl_surface_frame(c->win.surface);
	wl_callback_add_listener(cb, &frame_listener, c);
	c->frame_done = false;
	wl_surface_attach(c->win.surface, c->buffers[b], 0, 0);
	wl_surface_damage(c->win.surface, 0, 0, c->width, c->height);
	wl_surface_commit(c->win.surface);
	wl_display_flush(c->wl.display);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ---- measurements ----------------------------------------------------- */

#define ROUNDTRIPS 4000
static void roundtrips(struct conn *c, double *samples, int n)
{
	for (int i = 0; i < n; i++) {
		double t = now_s();
		wl_display_roundtrip(c->wl.display);
		samples[i] = (now_s() - t) * 1e6;
	}
}

static void flush_blocking(struct conn *c)
{
	while (wl_display_flush(c->wl.display) < 0) {
		if (errno != EAGAIN)
			die("flush");
		struct pollfd p = { wl_display_get_fd(c->wl.display), POLLOUT, 0 };
		poll(&p, 1, -1);
	}
}

#define FLOOD 200000
/* requests per second: small requests, then a round trip to see them handled */
static double flood(struct conn *c)
{
	double t = now_s();
	for (int i = 0; i < FLOOD; i++) {
		wl_surface_damage(c->win.surface, 0, 0, 1, 1);
		/* libwayland-client's ring is 4 KiB and a marshal that finds it
		 * full with the socket full too is a fatal error: flush every
		 * 2 KiB and wait while the socket is full */
		if ((i & 127) == 127)
			flush_blocking(c);
	}
	wl_display_roundtrip(c->wl.display);
	return FLOOD / (now_s() - t);
}

/* frames per second over `seconds`, driven by frame callbacks */
static double fps(struct conn *c, double seconds)
{
	unsigned start = c->frames;
	double t = now_s();
	draw(c);
	while (now_s() - t < seconds) {
		if (c->frame_done)
			draw(c);
		if (wl_display_dispatch(c->wl.display) < 0)
			die("dispatch");
	}
	while (!c->frame_done)
		wl_display_dispatch(c->wl.display);
	return (c->frames - start) / (now_s() - t);
}

/* Floods display with damage requests until killed: one of the two busy
 * neighbours of the flood measurement, in a process of its own. */
static pid_t flooder(const char *display)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	struct conn c;
	conn_open(&c, display, 16, 16);
	for (;;) {
		for (int i = 0; i < 128; i++)
			wl_surface_damage(c.win.surface, 0, 0, 1, 1);
		flush_blocking(&c);
		/* read what comes back (nothing much), so the socket never fills */
		wl_display_dispatch_pending(c.wl.display);
		if (wl_display_prepare_read(c.wl.display) == 0) {
			struct pollfd p = { wl_display_get_fd(c.wl.display), POLLIN, 0 };
			if (poll(&p, 1, 0) > 0)
				wl_display_read_events(c.wl.display);
			else
				wl_display_cancel_read(c.wl.display);
		}
	}
}

#define FAIR_ROUNDTRIPS 2000
/* A third client's round trips while two others flood the same display:
 * what one client's burst costs its neighbours. Returns the p99 in us. */
static double roundtrip_p99_beside_floods(struct conn *c, const char *display)
{
	static double samples[FAIR_ROUNDTRIPS];
	pid_t a = flooder(display), b = flooder(display);
	struct timespec settle = { 0, 200 * 1000 * 1000 };
	nanosleep(&settle, NULL);
	roundtrips(c, samples, FAIR_ROUNDTRIPS);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	qsort(samples, FAIR_ROUNDTRIPS, sizeof(double), cmp_double);
	return samples[FAIR_ROUNDTRIPS * 99 / 100];
}

static void proc_usage(int pid, double *ret_cpu_s, long *ret_rss_kb)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	unsigned long ut = 0, st = 0;
	if (f && fgets(buf, sizeof(buf), f)) {
		char *p = strrchr(buf, ')');
		/* fields 14 and 15 after the command */
		if (p)
			sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			       &st);
	}
	if (f)
		fclose(f);
	*ret_cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	*ret_rss_kb = 0;
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "VmRSS: %ld", ret_rss_kb) == 1)
			break;
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: wlbench DIRECT_DISPLAY PROXIED_DISPLAY PROXY_PID\n");
		return 2;
	}
	int proxy_pid = atoi(argv[3]);
	struct conn direct, proxied;
	conn_open(&direct, argv[1], 64, 64);
	conn_open(&proxied, argv[2], 64, 64);

	static double d_rt[ROUNDTRIPS], p_rt[ROUNDTRIPS];
	for (int round = 0; round < 4; round++) {
		roundtrips(&direct, d_rt + round * (ROUNDTRIPS / 4), ROUNDTRIPS / 4);
		roundtrips(&proxied, p_rt + round * (ROUNDTRIPS / 4), ROUNDTRIPS / 4);
	}
	qsort(d_rt, ROUNDTRIPS, sizeof(double), cmp_double);
	qsort(p_rt, ROUNDTRIPS, sizeof(double), cmp_double);
	double d_med = d_rt[ROUNDTRIPS / 2], p_med = p_rt[ROUNDTRIPS / 2];
	double d_p99 = d_rt[ROUNDTRIPS * 99 / 100], p_p99 = p_rt[ROUNDTRIPS * 99 / 100];

	double d_fl = 0, p_fl = 0;
	for (int round = 0; round < 3; round++) {
		d_fl += flood(&direct) / 3;
		p_fl += flood(&proxied) / 3;
	}
	double d_fair = 0, p_fair = 0;
	for (int round = 0; round < 2; round++) {
		d_fair += roundtrip_p99_beside_floods(&direct, argv[1]) / 2;
		p_fair += roundtrip_p99_beside_floods(&proxied, argv[2]) / 2;
	}
	double d_fps = 0, p_fps = 0;
	for (int round = 0; round < 2; round++) {
		d_fps += fps(&direct, 1.5) / 2;
		p_fps += fps(&proxied, 1.5) / 2;
	}

	/* 64 clients with a window each, drawing for 3 s, through the proxy */
	enum { NCLIENTS = 64 };
	static struct conn many[NCLIENTS];
	double cpu0, cpu1;
	long rss0, rss1;
	proc_usage(proxy_pid, &cpu0, &rss0);
	for (int i = 0; i < NCLIENTS; i++)
		conn_open(&many[i], argv[2], 32, 32);
	double t = now_s();
	for (int i = 0; i < NCLIENTS; i++)
		draw(&many[i]);
	unsigned frames = 0;
	while (now_s() - t < 3.0) {
		for (int i = 0; i < NCLIENTS; i++) {
			wl_display_dispatch_pending(many[i].wl.display);
			if (wl_display_prepare_read(many[i].wl.display) == 0) {
				wl_display_flush(many[i].wl.display);
				wl_display_read_events(many[i].wl.display);
			}
			wl_display_dispatch_pending(many[i].wl.display);
			if (many[i].frame_done) {
				frames++;
				draw(&many[i]);
			}
		}
	}
	double elapsed = now_s() - t;
	proc_usage(proxy_pid, &cpu1, &rss1);

	printf("| measurement | direct | proxied | proxied/direct |\n");
	printf("|---|---|---|---|\n");
	printf("| round trip, median (us) | %.1f | %.1f | %.2fx |\n", d_med, p_med, p_med / d_med);
	printf("| round trip, p99 (us) | %.1f | %.1f | %.2fx |\n", d_p99, p_p99, p_p99 / d_p99);
	printf("| flood of wl_surface.damage (requests/s) | %.0f | %.0f | %.2fx |\n", d_fl, p_fl,
	       p_fl / d_fl);
	printf("| round trip beside two flooding clients, p99 (us) | %.1f | %.1f | %.2fx |\n",
	       d_fair, p_fair, p_fair / d_fair);
	printf("| shm client, 64x64, frame callbacks (frames/s) | %.1f | %.1f | %.2fx |\n", d_fps,
	       p_fps, p_fps / d_fps);
	printf("| 64 proxied clients drawing for %.1f s: proxy CPU | | %.1f%% of one core "
	       "(%u frames) | |\n",
	       elapsed, 100 * (cpu1 - cpu0) / elapsed, frames);
	printf("| 64 proxied clients: proxy RSS | | %ld KiB (%ld KiB before they "
	       "connected) | |\n",
	       rss1, rss0);
	return 0;
}
