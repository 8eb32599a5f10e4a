/* The migration's progress on the terminal: the phase, bytes moved and the
 * rate, rewritten in place on a terminal, a line per phase otherwise. */
#ifndef WLCR_CLI_PROGRESS_H
#define WLCR_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct wlcr_progress {
	FILE *out;
	bool tty;
	bool quiet;
	double t0; /* s, when the migration started */
	char phase[48];
	double phase_t0;       /* s */
	uint64_t phase_bytes0; /* bytes at the phase's start */
	uint64_t bytes;
	double last_print;
	bool dirty; /* a line without its newline is on the terminal */
};

/* CLOCK_MONOTONIC in s */
double wlcr_now(void);
void wlcr_progress_init(struct wlcr_progress *p, FILE *out, bool quiet);
/* Enters a phase ("dump", "images", "restore", ...), printing it. */
void wlcr_progress_phase(struct wlcr_progress *p, const char *phase);
/* Bytes moved so far in this phase; printed at most 5 times a second. */
void wlcr_progress_bytes(struct wlcr_progress *p, uint64_t bytes);
/* A line of its own (ends a line in place first). */
void wlcr_progress_say(struct wlcr_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Ends the line in place, if any. */
void wlcr_progress_end(struct wlcr_progress *p);
/* "12.3 MiB" */
const char *wlcr_human(char *buf, size_t cap, double bytes);

#endif
