#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_prog = "wlcr";
static enum wlcr_log_level log_level = WLCR_LOG_INFO;

void wlcr_log_init(const char *prog, enum wlcr_log_level level)
{
	log_prog = prog;
	log_level = level;
}

enum wlcr_log_level wlcr_log_get_level(void)
{
	return log_level;
}

int wlcr_log_parse_level(const char *s)
{
	static const char *const names[] = { "silent", "error", "warn", "info", "debug" };
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	if (s[0] >= '0' && s[0] <= '4' && s[1] == '\0')
		return s[0] - '0';
	return -1;
}

void wlcr_log_at(enum wlcr_log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *const tags[] = { "", "error", "warn", "info", "debug" };
	struct timespec ts;
	char msg[1024];
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *base = strrchr(file, '/');
	/* One fprintf per line so that lines from several processes sharing a
	 * log file do not interleave mid-line. */
	fprintf(stderr, "%s: %lld.%06ld %s: [%s:%d] %s\n", log_prog, (long long)ts.tv_sec,
		ts.tv_nsec / 1000, tags[level], base ? base + 1 : file, line, msg);
}
