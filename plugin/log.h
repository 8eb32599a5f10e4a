/* The plugin logs through criu's own log so that its lines land in
 * dump.log/restore.log, each prefixed "wlcr: ". criu exports
 * print_on_level(); Debian's criu-log.h does not compile on its own, so it
 * is declared here. */
#ifndef WLCR_PLUGIN_LOG_H
#define WLCR_PLUGIN_LOG_H

#include <errno.h>
#include <string.h>

/* criu's levels (criu/include/log.h) */
#define WLCR_CRIU_LOG_ERROR 1
#define WLCR_CRIU_LOG_WARN  2
#define WLCR_CRIU_LOG_INFO  3
#define WLCR_CRIU_LOG_DEBUG 4

extern void print_on_level(unsigned int loglevel, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

#define wlcr_pr_err(fmt, ...)  print_on_level(WLCR_CRIU_LOG_ERROR, "wlcr: " fmt "\n", ##__VA_ARGS__)
#define wlcr_pr_warn(fmt, ...) print_on_level(WLCR_CRIU_LOG_WARN, "wlcr: " fmt "\n", ##__VA_ARGS__)
#define wlcr_pr_info(fmt, ...) print_on_level(WLCR_CRIU_LOG_INFO, "wlcr: " fmt "\n", ##__VA_ARGS__)
#define wlcr_pr_debug(fmt, ...)                                                                    \
	print_on_level(WLCR_CRIU_LOG_DEBUG, "wlcr: " fmt "\n", ##__VA_ARGS__)

#endif
