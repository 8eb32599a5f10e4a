/* ZDTM-style tests, in the shape of CRIU's own: a Wayland client sets up one
 * class of state, says it is ready, waits for SIGTERM while the runner
 * (test/zdtm/run.sh) checkpoints and restores it, then checks that the state
 * survived and prints PASS or FAIL. The client side is test/lib/wlclient. */
#ifndef WLCR_ZDTM_H
#define WLCR_ZDTM_H

#include "wlclient.h"

/* Connects through $WAYLAND_DISPLAY; any failure fails the test. */
void zdtm_init(struct wlc *t, const char *name);

/* Tells the runner the state is set up, then waits for SIGTERM (the runner
 * dumps and restores in between). Reads no events meanwhile. */
void zdtm_ready_and_wait(struct wlc *t);
/* The same, telling the runner not to compare the window before and after. */
void zdtm_ready_and_wait_nocompare(struct wlc *t);

/* Listener entries the keyboard and seat tests share: a keymap whose fd
 * is closed unread, repeat info and global removal ignored. */
void zdtm_keymap_ignored(void *data, struct wl_keyboard *k, uint32_t format, int32_t fd,
			 uint32_t size);
void zdtm_repeat_ignored(void *data, struct wl_keyboard *k, int32_t rate, int32_t delay);
void zdtm_global_remove_ignored(void *data, struct wl_registry *reg, uint32_t name);

__attribute__((noreturn, format(printf, 1, 2))) void zdtm_fail(const char *fmt, ...);
__attribute__((noreturn)) void zdtm_pass(void);

#endif
