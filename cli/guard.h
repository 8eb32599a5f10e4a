/* The destination's guard over a restored tree that is not yet the one
 * copy: a child process, in a session of its own, that kills the tree if
 * wlcr receive dies before the migration is complete (its pipe then ends
 * without a release). Without it a receive killed between the restore and
 * the end would leave a stopped copy behind, or a lazily restored app
 * running on with memory that never came. */
#ifndef WLCR_CLI_GUARD_H
#define WLCR_CLI_GUARD_H

#include <stddef.h>
#include <sys/types.h>

struct wlcr_guard {
	pid_t pid;
	int fd; /* the pipe's write end, or -1 */
};

/* Starts a guard over pids. Returns 0 or -errno. */
int wlcr_guard_start(struct wlcr_guard *g, const pid_t *pids, size_t n);
/* The migration is complete: the guard leaves the tree alone and exits. */
void wlcr_guard_release(struct wlcr_guard *g);
/* The migration failed: the guard kills the tree now, and exits. */
void wlcr_guard_fire(struct wlcr_guard *g);

#endif
