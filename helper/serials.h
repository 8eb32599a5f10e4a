/* Serials after a restore. The app holds serials of the old compositor;
 * the new one starts its own count, maybe below them. Toolkits compare
 * serials (the newest input event's, a configure's), so a restored app
 * keeps one serial space that only moves forward: each compositor serial
 * gets the next one of the app's, and requests carrying one are mapped
 * back. Serials from before the restore map to nothing. */
#ifndef WLCR_SERIALS_H
#define WLCR_SERIALS_H

#include <stdbool.h>
#include <stdint.h>

/* how many recent serials requests can still name: apps answer with the
 * serial of a recent event (a click, a key, the last configure) */
#define WLCR_SERIALS_KEPT 256

struct wlcr_serials {
	uint32_t n, pos; /* pairs filled, next slot to overwrite */
	struct {
		uint32_t up, down;
	} pairs[WLCR_SERIALS_KEPT];
};

/* The app's serial for the compositor's serial up: the one given before
 * for the same up, or *last + 1 (stored in *last). */
uint32_t wlcr_serials_to_app(struct wlcr_serials *s, uint32_t *last, uint32_t up);
/* The compositor's serial for the app's serial down: true and *up set, or
 * false when down is older than the restore or was made up by the proxy. */
bool wlcr_serials_to_compositor(const struct wlcr_serials *s, uint32_t down, uint32_t *up);

#endif
