#include "zdtm.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *test_name = "zdtm";

void zdtm_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL: %s: ", test_name);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

void zdtm_pass(void)
{
	printf("PASS: %s\n", test_name);
	fflush(stdout);
	exit(0);
}

static void fail(const char *msg)
{
	zdtm_fail("%s", msg);
}

void zdtm_init(struct wlc *t, const char *name)
{
	test_name = name;
	wlc_connect(t, NULL, fail);
}

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void ready_and_wait(struct wlc *t, const char *word)
{
	wl_display_flush(t->display);
	signal(SIGTERM, on_term);
	const char *ready = getenv("ZDTM_READY");
	if (ready) {
		/* a file, written and closed: nothing stays open for criu */
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, word, strlen(word)) != (ssize_t)strlen(word))
			zdtm_fail("cannot write %s", ready);
		close(fd);
	}
	while (!got_term)
		pause();
}

void zdtm_ready_and_wait(struct wlc *t)
{
	ready_and_wait(t, "ready\n");
}

void zdtm_ready_and_wait_nocompare(struct wlc *t)
{
	ready_and_wait(t, "ready nocompare\n");
}

void zdtm_keymap_ignored(void *data, struct wl_keyboard *k, uint32_t format, int32_t fd,
			 uint32_t size)
{
	(void)data;
	(void)k;
	(void)format;
	(void)size;
	close(fd);
}

void zdtm_repeat_ignored(void *data, struct wl_keyboard *k, int32_t rate, int32_t delay)
{
	(void)data;
	(void)k;
	(void)rate;
	(void)delay;
}

void zdtm_global_remove_ignored(void *data, struct wl_registry *reg, uint32_t name)
{
	(void)data;
	(void)reg;
	(void)name;
}
