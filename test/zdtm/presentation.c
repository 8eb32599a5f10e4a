/* Presentation feedback (presentation-time) across a restore, on weston:
 * a feedback the old compositor never answered is answered by the new one.
 *
 * Before the dump: a window whose first frame's feedback is presented (the
 * compositor's clock learnt), then a synchronized subsurface commits a
 * frame with a feedback but its parent does not commit: the compositor
 * holds that frame, and its feedback, when the app is checkpointed.
 * After the restore: that feedback is presented exactly once (the replay
 * asks for it again with the commit that shows the frame), and a new frame's feedback is presented
 * with a time on the app's own clock. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "presentation-time-client-protocol.h"
#include "zdtm.h"

static struct wp_presentation *presentation;
static uint32_t clock_id = UINT32_MAX;

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	(void)data;
	(void)version;
	if (strcmp(iface, "wp_presentation") == 0)
		presentation = wl_registry_bind(reg, name, &wp_presentation_interface, 1);
}

static const struct wl_registry_listener registry_listener = { on_global,
							       zdtm_global_remove_ignored };

static void on_clock(void *data, struct wp_presentation *p, uint32_t id)
{
	(void)data;
	(void)p;
	clock_id = id;
}

static const struct wp_presentation_listener presentation_listener = { on_clock };

struct feedback {
	int presented, discarded;
	uint64_t sec;
};

static void on_sync_output(void *data, struct wp_presentation_feedback *f, struct wl_output *o)
{
	(void)data;
	(void)f;
	(void)o;
}

static void on_presented(void *data, struct wp_presentation_feedback *f, uint32_t hi, uint32_t lo,
			 uint32_t nsec, uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo,
			 uint32_t flags)
{
	struct feedback *fb = data;
	(void)nsec;
	(void)refresh;
	(void)seq_hi;
	(void)seq_lo;
	(void)flags;
	fb->sec = (uint64_t)hi << 32 | lo;
	fb->presented++;
	wp_presentation_feedback_destroy(f);
}

static void on_discarded(void *data, struct wp_presentation_feedback *f)
{
	struct feedback *fb = data;
	fb->discarded++;
	wp_presentation_feedback_destroy(f);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	on_sync_output,
	on_presented,
	on_discarded,
};

static void ask(struct wl_surface *s, struct feedback *fb)
{
	wp_presentation_feedback_add_listener(wp_presentation_feedback(presentation, s),
					      &feedback_listener, fb);
}

static void wait_answer(struct wlc *t, struct feedback *fb, const char *what)
{
	while (fb->presented + fb->discarded == 0)
		if (wl_display_dispatch(t->display) < 0)
			zdtm_fail("connection lost waiting for %s", what);
}

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	zdtm_init(&t, "presentation");
	struct wl_registry *reg = wl_display_get_registry(t.display);
	wl_registry_add_listener(reg, &registry_listener, NULL);
	wlc_roundtrip(&t, "finding wp_presentation");
	if (!presentation || !t.subcompositor)
		zdtm_fail("no wp_presentation or wl_subcompositor");
	wp_presentation_add_listener(presentation, &presentation_listener, NULL);
	wlc_window(&t, &w, "zdtm presentation");

	struct feedback first = { 0 }, held = { 0 }, after = { 0 };
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 90, 0xff306090, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 90);
	ask(w.surface, &first);
	wl_surface_commit(w.surface);
	wait_answer(&t, &first, "the first frame's feedback");
	if (!first.presented)
		zdtm_fail("the first frame was discarded, not presented");
	if (clock_id == UINT32_MAX)
		zdtm_fail("no clock_id");

	struct wl_surface *child = wl_compositor_create_surface(t.compositor);
	wl_subcompositor_get_subsurface(t.subcompositor, child, w.surface);
	wl_surface_attach(child, wlc_buffer(&t, 40, 30, 0xffc04020, NULL), 0, 0);
	wl_surface_damage(child, 0, 0, 40, 30);
	ask(child, &held);
	/* synchronized: held until the parent commits, which it does not */
	wl_surface_commit(child);
	wlc_roundtrip(&t, "before the checkpoint");
	if (held.presented + held.discarded)
		zdtm_fail("the held frame's feedback came before its parent committed");
	/* the child's frame, shown after the restore, was not before */
	zdtm_ready_and_wait_nocompare(&t);

	wl_surface_commit(w.surface);
	wait_answer(&t, &held, "the held frame's feedback");
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 90, 0xff309060, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 90);
	ask(w.surface, &after);
	wl_surface_commit(w.surface);
	wait_answer(&t, &after, "a new frame's feedback");
	wlc_roundtrip(&t, "after the restore");
	if (held.presented + held.discarded != 1)
		zdtm_fail("the held frame's feedback was answered %d times",
			  held.presented + held.discarded);
	/* asked again for the commit that shows that frame here */
	if (!held.presented)
		zdtm_fail("the held frame was discarded, not presented");
	if (!after.presented)
		zdtm_fail("a frame after the restore was discarded, not presented");
	struct timespec now;
	clock_gettime((clockid_t)clock_id, &now);
	if (after.sec > (uint64_t)now.tv_sec || after.sec + 10 < (uint64_t)now.tv_sec)
		zdtm_fail("presented at %llu s on clock %u, which says %lld s now",
			  (unsigned long long)after.sec, clock_id, (long long)now.tv_sec);
	printf("held frame %s after the restore; new frame presented at %llu s (clock %u)\n",
	       held.presented ? "presented" : "discarded", (unsigned long long)after.sec, clock_id);
	zdtm_pass();
}
