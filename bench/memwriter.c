/* wlcr-memwriter: a Wayland client that holds memory and keeps writing it,
 * for the migration benchmark and tests.
 *
 * usage: wlcr-memwriter [--mib N] [--rate MIB_PER_S] [--report FILE] [--keys FILE]
 *
 * It draws a frame every 20 ms (a colour that changes with each frame) and
 * between frames rewrites whole pages of its N MiB (default 50) at RATE
 * MiB/s (default 4), spread over all of it: page i * stride mod pages, the
 * stride coprime with the count. Every page carries its index and how often
 * it was written, and a body derived from both, so the program can check
 * its own memory: a sample of pages each frame, all of them on SIGUSR1.
 * A wrong page (lost by a migration, or zeros from a failed lazy transfer)
 * turns the window red for good. With --report, each full check writes
 * "ok PAGES" or "corrupt PAGE" to FILE (opened and closed each time, so a
 * checkpoint sees no open file). With --keys, each key it is sent (where the
 * compositor has a seat) appends "key CODE" to FILE, the same way: a test
 * types into it after a migration. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "wlclient.h"

#define PAGE	 4096u
#define WORDS	 (PAGE / 8)
#define MAGIC	 0x776c6372706167ull /* "wlcrpag" */
#define WIDTH	 320
#define HEIGHT	 240
#define FRAME_MS 20
#define SAMPLE	 64 /* pages checked each frame */

static volatile sig_atomic_t check_all;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_usr1(int sig)
{
	(void)sig;
	check_all = 1;
}

static void die(const char *msg)
{
	fprintf(stderr, "wlcr-memwriter: %s\n", msg);
	exit(1);
}

static uint64_t body(uint64_t index, uint64_t version, unsigned k)
{
	uint64_t x = index * 0x9e3779b97f4a7c15ull ^ version * 0xbf58476d1ce4e5b9ull ^ k;
	x ^= x >> 31;
	return x * 0x94d049bb133111ebull;
}

static void write_page(uint64_t *p, uint64_t index, uint64_t version)
{
	p[0] = MAGIC ^ index;
	p[1] = version;
	for (unsigned k = 2; k < WORDS; k++)
		p[k] = body(index, version, k);
}

static bool page_ok(const uint64_t *p, uint64_t index)
{
	if (p[0] != (MAGIC ^ index))
		return false;
	/* the body of the version the header names; a few words suffice
	 * for a sample, all of them for the full check */
	for (unsigned k = 2; k < WORDS; k += 61)
		if (p[k] != body(index, p[1], k))
			return false;
	return p[WORDS - 1] == body(index, p[1], WORDS - 1);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

struct writer {
	uint8_t *mem;
	uint64_t pages, stride, cursor;
	double rate; /* pages per second */
	double owed; /* pages due but not yet written */
	bool corrupt;
	const char *report;
};

/* "ok PAGES" or "corrupt PAGE", on stderr and in the report file */
static void report(struct writer *w, const char *verdict, unsigned long long n)
{
	fprintf(stderr, "wlcr-memwriter: %s %llu\n", verdict, n);
	if (!w->report)
		return;
	FILE *f = fopen(w->report, "we");
	if (f) {
		fprintf(f, "%s %llu\n", verdict, n);
		fclose(f);
	}
}

static void check(struct writer *w, uint64_t first, uint64_t n)
{
	for (uint64_t i = 0; i < n && !w->corrupt; i++) {
		uint64_t idx = (first + i) % w->pages;
		if (!page_ok((uint64_t *)(w->mem + idx * PAGE), idx)) {
			w->corrupt = true;
			report(w, "corrupt", (unsigned long long)idx);
		}
	}
}

static void work(struct writer *w, double dt)
{
	w->owed += w->rate * dt;
	while (w->owed >= 1) {
		uint64_t idx = w->cursor * w->stride % w->pages;
		uint64_t *p = (uint64_t *)(w->mem + idx * PAGE);
		write_page(p, idx, p[1] + 1);
		w->cursor++;
		w->owed -= 1;
	}
	check(w, (uint64_t)rand() % w->pages, SAMPLE);
	if (check_all) {
		check_all = 0;
		check(w, 0, w->pages);
		if (!w->corrupt)
			report(w, "ok", (unsigned long long)w->pages);
	}
}

struct buf {
	struct wl_buffer *wl;
	uint32_t *pixels;
	bool busy;
};

static void on_release(void *data, struct wl_buffer *b)
{
	(void)b;
	((struct buf *)data)->busy = false;
}

static const struct wl_buffer_listener buffer_listener = { on_release };

/* --keys: the keys it is sent, appended to a file */
static const char *keys_file;

static void kb_keymap(void *data, struct wl_keyboard *kb, uint32_t format, int32_t fd,
		      uint32_t size)
{
	(void)data;
	(void)kb;
	(void)format;
	(void)size;
	close(fd);
}

static void kb_enter(void *data, struct wl_keyboard *kb, uint32_t serial, struct wl_surface *s,
		     struct wl_array *keys)
{
	(void)data;
	(void)kb;
	(void)serial;
	(void)s;
	(void)keys;
}

static void kb_leave(void *data, struct wl_keyboard *kb, uint32_t serial, struct wl_surface *s)
{
	(void)data;
	(void)kb;
	(void)serial;
	(void)s;
}

static void kb_key(void *data, struct wl_keyboard *kb, uint32_t serial, uint32_t time, uint32_t key,
		   uint32_t state)
{
	(void)data;
	(void)kb;
	(void)serial;
	(void)time;
	if (state != WL_KEYBOARD_KEY_STATE_PRESSED)
		return;
	FILE *f = fopen(keys_file, "ae");
	if (f) {
		fprintf(f, "key %u\n", key);
		fclose(f);
	}
}

static void kb_modifiers(void *data, struct wl_keyboard *kb, uint32_t serial, uint32_t dep,
			 uint32_t lat, uint32_t locked, uint32_t group)
{
	(void)data;
	(void)kb;
	(void)serial;
	(void)dep;
	(void)lat;
	(void)locked;
	(void)group;
}

static void kb_repeat(void *data, struct wl_keyboard *kb, int32_t rate, int32_t delay)
{
	(void)data;
	(void)kb;
	(void)rate;
	(void)delay;
}

static const struct wl_keyboard_listener keyboard_listener = {
	kb_keymap, kb_enter, kb_leave, kb_key, kb_modifiers, kb_repeat,
};

static void seat_caps(void *data, struct wl_seat *seat, uint32_t caps)
{
	struct wl_keyboard **kb = data;
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !*kb) {
		*kb = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(*kb, &keyboard_listener, NULL);
	}
}

static void seat_name(void *data, struct wl_seat *seat, const char *name)
{
	(void)data;
	(void)seat;
	(void)name;
}

static const struct wl_seat_listener seat_listener = { seat_caps, seat_name };

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	(void)version;
	if (strcmp(iface, "wl_seat") == 0 && !*(struct wl_seat **)data) {
		*(struct wl_seat **)data = wl_registry_bind(reg, name, &wl_seat_interface, 1);
	}
}

static void on_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
	(void)data;
	(void)reg;
	(void)name;
}

static const struct wl_registry_listener registry_listener = { on_global, on_global_remove };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mib", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "report", required_argument, NULL, 'o' },
		{ "keys", required_argument, NULL, 'k' },
		{ 0 },
	};
	double mib = 50, rate_mib = 4;
	struct writer w = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'm')
			mib = atof(optarg);
		else if (c == 'r')
			rate_mib = atof(optarg);
		else if (c == 'o')
			w.report = optarg;
		else if (c == 'k')
			keys_file = optarg;
		else
			die("usage: wlcr-memwriter [--mib N] [--rate MIB_PER_S] [--report FILE] "
			    "[--keys FILE]");
	}
	w.pages = (uint64_t)(mib * 1048576 / PAGE);
	if (w.pages < 1)
		die("--mib too small");
	w.rate = rate_mib * 1048576 / PAGE;
	w.mem = mmap(NULL, w.pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		     0);
	if (w.mem == MAP_FAILED)
		die("cannot map the memory");
	for (uint64_t i = 0; i < w.pages; i++)
		write_page((uint64_t *)(w.mem + i * PAGE), i, 1);
	/* a stride near the golden ratio of the count, coprime with it:
	 * consecutive writes land far apart, all pages in turn */
	w.stride = (uint64_t)((double)w.pages * 0.618) | 1;
	while (gcd(w.stride, w.pages) != 1)
		w.stride += 2;
	srand((unsigned)getpid());
	signal(SIGUSR1, on_usr1);

	struct wlc wl;
	struct wlc_window win;
	wlc_connect(&wl, NULL, die);
	wlc_window(&wl, &win, "wlcr-memwriter");
	static struct wl_seat *seat;
	static struct wl_keyboard *keyboard;
	if (keys_file) {
		/* the seat, where the compositor has one */
		struct wl_registry *reg = wl_display_get_registry(wl.display);
		wl_registry_add_listener(reg, &registry_listener, &seat);
		wlc_roundtrip(&wl, "binding the seat");
		if (seat)
			wl_seat_add_listener(seat, &seat_listener, &keyboard);
		wlc_roundtrip(&wl, "the seat's capabilities");
	}
	struct buf bufs[2];
	for (int i = 0; i < 2; i++) {
		bufs[i].wl = wlc_buffer(&wl, WIDTH, HEIGHT, 0xff000000u, &bufs[i].pixels);
		bufs[i].busy = false;
		wl_buffer_add_listener(bufs[i].wl, &buffer_listener, &bufs[i]);
	}
	fprintf(stderr, "wlcr-memwriter: %llu pages, %.1f MiB/s, ready\n",
		(unsigned long long)w.pages, rate_mib);
	/* frames by poll's timeout, not a timerfd: criu 4.2.1 restores a
	 * periodic timerfd that expired while the app was frozen disarmed,
	 * and the app would never draw again */
	double last = now_s(), next_frame = last;
	for (uint32_t frame = 0;; frame++) {
		struct pollfd p = { .fd = wl_display_get_fd(wl.display), .events = POLLIN };
		wl_display_flush(wl.display);
		/* a clock that went back (a restore's time namespace starts
		 * where the dump read it, maybe before our last frame): now */
		if (next_frame - now_s() > 2 * FRAME_MS / 1e3)
			next_frame = now_s();
		double wait = next_frame - now_s();
		if (wait > 0 && poll(&p, 1, (int)(wait * 1e3) + 1) < 0 && errno != EINTR)
			die("poll");
		if (wait > 0 && (p.revents & POLLIN) && wl_display_dispatch(wl.display) < 0)
			die("the connection broke");
		double now = now_s();
		if (now < next_frame) {
			frame--;
			continue;
		}
		/* after a freeze: the next frame from now, not a burst */
		next_frame =
			now - next_frame > 1 ? now + FRAME_MS / 1e3 : next_frame + FRAME_MS / 1e3;
		double dt = now - last;
		last = now;
		/* a long gap is the freeze of a migration: not owed work */
		work(&w, dt > 1 ? (double)FRAME_MS / 1000 : dt);
		struct buf *b = !bufs[0].busy ? &bufs[0] : !bufs[1].busy ? &bufs[1] : NULL;
		if (!b)
			continue;
		uint32_t color = w.corrupt ? 0xffff0000u
					   : 0xff000000u | (frame * 2654435761u >> 8 & 0x00ffff);
		for (int i = 0; i < WIDTH * HEIGHT; i++)
			b->pixels[i] = color;
		wl_surface_attach(win.surface, b->wl, 0, 0);
		wl_surface_damage(win.surface, 0, 0, WIDTH, HEIGHT);
		wl_surface_commit(win.surface);
		b->busy = true;
	}
}
