/* A popup open when the app is checkpointed: popups cannot survive (their
 * place and grab belong to a moment that is gone), so after the restore the
 * app gets popup_done, closes the popup and its surfaces without any
 * protocol error, and can open a new one. */
#include "zdtm.h"

static bool popup_done, popup_configured;

static void on_popup_configure(void *data, struct xdg_popup *p, int32_t x, int32_t y, int32_t w,
			       int32_t h)
{
	(void)data;
	(void)p;
	(void)x;
	(void)y;
	(void)w;
	(void)h;
	popup_configured = true;
}

static void on_popup_done(void *data, struct xdg_popup *p)
{
	(void)data;
	(void)p;
	popup_done = true;
}

static const struct xdg_popup_listener popup_listener = {
	.configure = on_popup_configure,
	.popup_done = on_popup_done,
};

struct popup {
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_popup *popup;
	bool configured;
};

static void on_xs_configure(void *data, struct xdg_surface *xs, uint32_t serial)
{
	struct popup *p = data;
	xdg_surface_ack_configure(xs, serial);
	p->configured = true;
}

static const struct xdg_surface_listener xs_listener = { on_xs_configure };

static void open_popup(struct wlc *t, struct wlc_window *parent, struct popup *p)
{
	struct xdg_positioner *pos = xdg_wm_base_create_positioner(t->wm_base);
	xdg_positioner_set_size(pos, 50, 30);
	xdg_positioner_set_anchor_rect(pos, 10, 10, 20, 20);
	p->configured = false;
	p->surface = wl_compositor_create_surface(t->compositor);
	p->xdg_surface = xdg_wm_base_get_xdg_surface(t->wm_base, p->surface);
	xdg_surface_add_listener(p->xdg_surface, &xs_listener, p);
	p->popup = xdg_surface_get_popup(p->xdg_surface, parent->xdg_surface, pos);
	xdg_popup_add_listener(p->popup, &popup_listener, p);
	xdg_positioner_destroy(pos);
	wl_surface_commit(p->surface);
	while (!p->configured)
		if (wl_display_dispatch(t->display) < 0)
			zdtm_fail("connection lost waiting for the popup's configure");
	wl_surface_attach(p->surface, wlc_buffer(t, 50, 30, 0xffe08020, NULL), 0, 0);
	wl_surface_damage(p->surface, 0, 0, 50, 30);
	wl_surface_commit(p->surface);
}

int main(void)
{
	struct wlc t;
	struct wlc_window w;
	struct popup p;
	zdtm_init(&t, "popup");
	wlc_window(&t, &w, "zdtm popup");
	wl_surface_attach(w.surface, wlc_buffer(&t, 120, 80, 0xff208040, NULL), 0, 0);
	wl_surface_damage(w.surface, 0, 0, 120, 80);
	wl_surface_commit(w.surface);
	open_popup(&t, &w, &p);
	wlc_roundtrip(&t, "before the checkpoint");
	if (popup_done)
		zdtm_fail("the popup was dismissed before the checkpoint");
	zdtm_ready_and_wait_nocompare(&t);

	wlc_roundtrip(&t, "after the restore");
	if (!popup_done)
		zdtm_fail("no popup_done after the restore");
	xdg_popup_destroy(p.popup);
	xdg_surface_destroy(p.xdg_surface);
	wl_surface_destroy(p.surface);
	wlc_roundtrip(&t, "closing the old popup");
	popup_done = false;
	open_popup(&t, &w, &p);
	wlc_roundtrip(&t, "opening a new popup");
	zdtm_pass();
}
