#include "serials.h"

static bool find(const struct wlcr_serials *s, bool by_up, uint32_t v, uint32_t *other)
{
	/* newest first: a compositor's serials wrap, the newest pair wins */
	for (uint32_t k = 1; k <= s->n; k++) {
		uint32_t i = (s->pos + WLCR_SERIALS_KEPT - k) % WLCR_SERIALS_KEPT;
		if ((by_up ? s->pairs[i].up : s->pairs[i].down) == v) {
			*other = by_up ? s->pairs[i].down : s->pairs[i].up;
			return true;
		}
	}
	return false;
}

uint32_t wlcr_serials_to_app(struct wlcr_serials *s, uint32_t *last, uint32_t up)
{
	uint32_t down;
	if (find(s, true, up, &down))
		return down;
	down = ++*last;
	s->pairs[s->pos].up = up;
	s->pairs[s->pos].down = down;
	s->pos = (s->pos + 1) % WLCR_SERIALS_KEPT;
	if (s->n < WLCR_SERIALS_KEPT)
		s->n++;
	return down;
}

bool wlcr_serials_to_compositor(const struct wlcr_serials *s, uint32_t down, uint32_t *up)
{
	return find(s, false, down, up);
}
