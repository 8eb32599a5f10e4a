/* Logging for the proxy and the wlcr command. The CRIU plugin logs through
 * criu's own print_on_level() instead (plugin/log.h), so its lines land in
 * dump.log/restore.log. */
#ifndef WLCR_LOG_H
#define WLCR_LOG_H

#include <errno.h>

enum wlcr_log_level {
	WLCR_LOG_SILENT = 0,
	WLCR_LOG_ERROR = 1,
	WLCR_LOG_WARN = 2,
	WLCR_LOG_INFO = 3,
	WLCR_LOG_DEBUG = 4,
};

void wlcr_log_init(const char *prog, enum wlcr_log_level level);
enum wlcr_log_level wlcr_log_get_level(void);
/* Accepts "error", "warn", "info", "debug" or a digit; returns -1 otherwise. */
int wlcr_log_parse_level(const char *s);

void wlcr_log_at(enum wlcr_log_level level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define wlcr_log(level, ...)                                                                       \
	do {                                                                                       \
		if ((level) <= wlcr_log_get_level())                                               \
			wlcr_log_at(level, __FILE__, __LINE__, __VA_ARGS__);                       \
	} while (0)
#define wlcr_err(...)	wlcr_log(WLCR_LOG_ERROR, __VA_ARGS__)
#define wlcr_warn(...)	wlcr_log(WLCR_LOG_WARN, __VA_ARGS__)
#define wlcr_info(...)	wlcr_log(WLCR_LOG_INFO, __VA_ARGS__)
#define wlcr_debug(...) wlcr_log(WLCR_LOG_DEBUG, __VA_ARGS__)
/* Appends ": strerror(errno)"; errno is read before anything else runs. */
#define wlcr_log_errno(level, fmt, ...)                                                            \
	do {                                                                                       \
		int wlcr_saved_errno_ = errno;                                                     \
		wlcr_log(level, fmt ": %s", ##__VA_ARGS__, strerror(wlcr_saved_errno_));           \
	} while (0)

#endif
