/* The process tree a migration moves, as /proc shows it: its processes and
 * threads (CRIU restores every pid and thread id as it was), the memory
 * CRIU will copy, and the wlcr proxies its Wayland connections go through. */
#ifndef WLCR_CLI_APPTREE_H
#define WLCR_CLI_APPTREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WLCR_APPTREE_MAX_PROXIES 8

struct wlcr_apptree {
	pid_t root;
	char comm[32];
	pid_t *procs; /* the root first, then its descendants */
	size_t nprocs;
	pid_t *ids; /* every pid and thread id, the root first */
	size_t nids;
	/* private anonymous and shared memory the tree has resident: what
	 * CRIU's page transfer moves, to a few percent */
	uint64_t memory;
	/* paths of the proxies' Wayland sockets the tree is connected to */
	char proxies[WLCR_APPTREE_MAX_PROXIES][108];
	size_t nproxies;
};

/* Fills t for the tree of root. Returns 0 or -errno with err. */
int wlcr_apptree_collect(pid_t root, struct wlcr_apptree *t, char *err, size_t errlen);
/* The anonymous memory the tree touches within interval_ms, in bytes: the
 * pages a lazily restored copy needs before it can draw again, each one a
 * page fault answered over the network. Clears the pages' referenced bits
 * (/proc/PID/clear_refs), waits, and sums "Referenced" over the anonymous
 * mappings of /proc/PID/smaps. Returns 0 or -errno. */
int wlcr_apptree_touched(const struct wlcr_apptree *t, int interval_ms, uint64_t *ret_bytes);
/* Sends sig to every process of the tree; returns how many were there. */
size_t wlcr_apptree_signal(const struct wlcr_apptree *t, int sig);
/* Waits up to timeout_ms for every process of the tree to be gone. Returns
 * 0, or -ETIMEDOUT. */
int wlcr_apptree_wait_gone(const struct wlcr_apptree *t, int timeout_ms);
void wlcr_apptree_free(struct wlcr_apptree *t);

#endif
