/* Events queued for the app and not read when it is checkpointed: the done
 * events of 20 syncs sit in its socket (or in the proxy) at dump time. After
 * the restore every callback fires exactly once. */
#include "zdtm.h"

static int fired[20];

static void on_done(void *data, struct wl_callback *cb, uint32_t serial)
{
	(void)serial;
	fired[(intptr_t)data]++;
	wl_callback_destroy(cb);
}

static const struct wl_callback_listener listener = { on_done };

int main(void)
{
	struct wlc t;
	zdtm_init(&t, "unread_events");
	for (intptr_t i = 0; i < 20; i++) {
		struct wl_callback *cb = wl_display_sync(t.display);
		wl_callback_add_listener(cb, &listener, (void *)i);
	}
	/* flushed, not read: the answers wait in the socket */
	zdtm_ready_and_wait(&t);
	wlc_roundtrip(&t, "after the restore");
	for (int i = 0; i < 20; i++)
		if (fired[i] != 1)
			zdtm_fail("sync callback %d fired %d times", i, fired[i]);
	zdtm_pass();
}
