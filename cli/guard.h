/* The destination's guard over what a migration left on this host before it
 * is complete: a child process, in a session of its own, that removes the
 * image directory and kills the restored tree (once armed with it) if wlcr
 * receive dies first (its pipe then ends without a release). Without it a
 * receive killed half-way would leave the app's memory on disk, a stopped
 * copy behind, or a lazily restored app running on with memory that never
 * came. */
#ifndef WLCR_CLI_GUARD_H
#define WLCR_CLI_GUARD_H

#include <stddef.h>
#include <sys/types.h>

struct wlcr_guard {
	pid_t pid;
	int fd; /* the pipe's write end, or -1 */
};

/* Starts a guard over dir (NULL: none). Returns 0 or -errno. */
int wlcr_guard_start(struct wlcr_guard *g, const char *dir);
/* The tree about to be restored: killed too if receive dies, also half
 * restored; only processes that started after the guard, so never one
 * that held the pid before. Returns 0 or -errno. */
int wlcr_guard_arm(struct wlcr_guard *g, const pid_t *pids, size_t n);
/* The migration is over, well or not, and receive cleans up itself: the
 * guard exits, touching nothing. */
void wlcr_guard_release(struct wlcr_guard *g);
/* The migration failed: the guard kills the armed tree now, and exits. */
void wlcr_guard_fire(struct wlcr_guard *g);

#endif
