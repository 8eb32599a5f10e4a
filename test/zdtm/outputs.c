/* Outputs that differ after the restore. The app binds every output of a
 * sway with two; its window is on the second when it is checkpointed. The
 * runner restores it on weston, which has one output, at scale 2. The app
 * must learn it as from a compositor whose outputs changed: the window
 * leaves the vanished output, whose global is removed, and enters the
 * other, whose new scale arrives with a done. */
#include <stdio.h>
#include <string.h>

#include "zdtm.h"

#define MAX_OUTPUTS 4

struct output {
	struct wl_output *wl;
	uint32_t name;
	int32_t scale, pending_scale;
	bool removed, entered;
	int dones;
};

static struct output outputs[MAX_OUTPUTS];
static int noutputs;
static struct wl_surface *window;
static int leaves_of_removed;
static bool restored;

static struct output *find(struct wl_output *wl)
{
	for (int i = 0; i < noutputs; i++)
		if (outputs[i].wl == wl)
			return &outputs[i];
	zdtm_fail("an event for an output never bound");
}

static void on_geometry(void *data, struct wl_output *o, int32_t x, int32_t y, int32_t pw,
			int32_t ph, int32_t sub, const char *make, const char *model, int32_t tr)
{
	(void)data;
	(void)o;
	(void)x;
	(void)y;
	(void)pw;
	(void)ph;
	(void)sub;
	(void)make;
	(void)model;
	(void)tr;
}

static void on_mode(void *data, struct wl_output *o, uint32_t flags, int32_t w, int32_t h,
		    int32_t refresh)
{
	(void)data;
	(void)o;
	(void)flags;
	(void)w;
	(void)h;
	(void)refresh;
}

static void on_done(void *data, struct wl_output *o)
{
	(void)data;
	struct output *out = find(o);
	if (out->removed)
		zdtm_fail("done for output %u after its global was removed", out->name);
	out->scale = out->pending_scale;
	out->dones++;
}

static void on_scale(void *data, struct wl_output *o, int32_t factor)
{
	(void)data;
	find(o)->pending_scale = factor;
}

static const struct wl_output_listener output_listener = {
	.geometry = on_geometry,
	.mode = on_mode,
	.done = on_done,
	.scale = on_scale,
};

static void on_enter(void *data, struct wl_surface *s, struct wl_output *o)
{
	(void)data;
	(void)s;
	struct output *out = find(o);
	if (out->removed)
		zdtm_fail("entered output %u after its global was removed", out->name);
	out->entered = true;
}

static void on_leave(void *data, struct wl_surface *s, struct wl_output *o)
{
	(void)data;
	(void)s;
	struct output *out = find(o);
	out->entered = false;
	if (restored && o == outputs[1].wl)
		leaves_of_removed++;
}

static const struct wl_surface_listener surface_listener = { on_enter, on_leave };

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	(void)data;
	(void)version;
	if (strcmp(iface, "wl_output") != 0)
		return;
	if (restored)
		zdtm_fail("a new output %u after the restore: none was added", name);
	if (noutputs == MAX_OUTPUTS)
		zdtm_fail("more than %d outputs", MAX_OUTPUTS);
	struct output *out = &outputs[noutputs++];
	out->name = name;
	out->scale = out->pending_scale = 1;
	out->wl = wl_registry_bind(reg, name, &wl_output_interface, 3);
	wl_output_add_listener(out->wl, &output_listener, NULL);
}

static void on_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
	(void)data;
	(void)reg;
	for (int i = 0; i < noutputs; i++)
		if (outputs[i].name == name) {
			outputs[i].removed = true;
			wl_output_release(outputs[i].wl);
		}
}

static const struct wl_registry_listener registry_listener = { on_global, on_global_remove };

static struct wlc t;

static bool settled(void)
{
	return outputs[1].removed && leaves_of_removed > 0 && outputs[0].entered &&
	       outputs[0].scale == 2;
}

int main(void)
{
	struct wlc_window w;
	zdtm_init(&t, "outputs");
	struct wl_registry *reg = wl_display_get_registry(t.display);
	wl_registry_add_listener(reg, &registry_listener, NULL);
	wlc_roundtrip(&t, "binding the outputs");
	wlc_roundtrip(&t, "the outputs' state");
	if (noutputs != 2)
		zdtm_fail("%d outputs: the runner makes two", noutputs);
	wlc_window(&t, &w, "zdtm outputs");
	window = w.surface;
	wl_surface_add_listener(window, &surface_listener, NULL);
	wl_surface_attach(w.surface, wlc_buffer(&t, 100, 100, 0xff4080c0, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 100, 100);
	wl_surface_commit(w.surface);
	/* the runner focused the second output: the window opens there */
	while (!outputs[1].entered)
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost waiting to enter the second output");
	if (outputs[0].entered)
		zdtm_fail("the window is on both outputs");
	zdtm_ready_and_wait_nocompare(&t);

	restored = true;
	while (!settled())
		if (wl_display_dispatch(t.display) < 0)
			zdtm_fail("connection lost after the restore");
	wlc_roundtrip(&t, "after the restore");
	printf("output %u removed, left %d time(s); output %u at scale %d after %d dones\n",
	       outputs[1].name, leaves_of_removed, outputs[0].name, outputs[0].scale,
	       outputs[0].dones);
	zdtm_pass();
}
