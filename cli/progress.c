#include "progress.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double wlcr_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *wlcr_human(char *buf, size_t cap, double bytes)
{
	if (bytes < 10 * 1024)
		snprintf(buf, cap, "%.0f B", bytes);
	else if (bytes < 10 * 1048576)
		snprintf(buf, cap, "%.1f KiB", bytes / 1024);
	else
		snprintf(buf, cap, "%.1f MiB", bytes / 1048576);
	return buf;
}

void wlcr_progress_init(struct wlcr_progress *p, FILE *out, bool quiet)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = isatty(fileno(out));
	p->quiet = quiet;
	p->t0 = p->phase_t0 = wlcr_now();
}

void wlcr_progress_end(struct wlcr_progress *p)
{
	if (p->dirty)
		fputc('\n', p->out);
	p->dirty = false;
	fflush(p->out);
}

static void print(struct wlcr_progress *p, bool final)
{
	double now = wlcr_now(), dt = now - p->phase_t0;
	char b[32], r[32];
	/* figures from the other side may start below ours */
	uint64_t moved = p->bytes > p->phase_bytes0 ? p->bytes - p->phase_bytes0 : 0;
	if (p->quiet)
		return;
	if (p->tty)
		fputs("\r\033[K", p->out);
	fprintf(p->out, "[%6.3fs] %s", now - p->t0, p->phase);
	if (moved)
		fprintf(p->out, ": %s, %s/s", wlcr_human(b, sizeof(b), (double)moved),
			wlcr_human(r, sizeof(r), dt > 0 ? (double)moved / dt : 0));
	if (p->tty && !final) {
		p->dirty = true;
	} else {
		fputc('\n', p->out);
		p->dirty = false;
	}
	fflush(p->out);
	p->last_print = now;
}

void wlcr_progress_phase(struct wlcr_progress *p, const char *phase)
{
	/* the phase that ends, with its final figures */
	if (p->phase[0] && p->bytes != p->phase_bytes0)
		print(p, true);
	else
		wlcr_progress_end(p);
	snprintf(p->phase, sizeof(p->phase), "%s", phase);
	p->phase_t0 = wlcr_now();
	p->phase_bytes0 = p->bytes;
	print(p, false);
}

void wlcr_progress_bytes(struct wlcr_progress *p, uint64_t bytes)
{
	p->bytes = bytes;
	/* a terminal gets the figures in place; a log a line a second */
	if (wlcr_now() - p->last_print >= (p->tty ? 0.2 : 1.0))
		print(p, false);
}

void wlcr_progress_say(struct wlcr_progress *p, const char *fmt, ...)
{
	va_list ap;
	wlcr_progress_end(p);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
}
