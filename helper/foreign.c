#include "foreign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

struct wlcr_foreign_handle {
	char *app, *up;
};

int wlcr_foreign_set(struct wlcr_proxy *proxy, const char *app, const char *up)
{
	for (size_t i = 0; i < proxy->nforeign; i++) {
		struct wlcr_foreign_handle *h = &proxy->foreign[i];
		if (strcmp(h->app, app) != 0)
			continue;
		char *u = strdup(up);
		if (!u)
			return -ENOMEM;
		free(h->up);
		h->up = u;
		return 0;
	}
	struct wlcr_foreign_handle *v = realloc(proxy->foreign, (proxy->nforeign + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	proxy->foreign = v;
	v[proxy->nforeign].app = strdup(app);
	v[proxy->nforeign].up = strdup(up);
	if (!v[proxy->nforeign].app || !v[proxy->nforeign].up) {
		free(v[proxy->nforeign].app);
		free(v[proxy->nforeign].up);
		return -ENOMEM;
	}
	proxy->nforeign++;
	return 0;
}

const char *wlcr_foreign_lookup(const struct wlcr_proxy *proxy, const char *app)
{
	for (size_t i = 0; app && i < proxy->nforeign; i++)
		if (strcmp(proxy->foreign[i].app, app) == 0)
			return proxy->foreign[i].up;
	return app;
}

void wlcr_foreign_finish(struct wlcr_proxy *proxy)
{
	for (size_t i = 0; i < proxy->nforeign; i++) {
		free(proxy->foreign[i].app);
		free(proxy->foreign[i].up);
	}
	free(proxy->foreign);
	proxy->foreign = NULL;
	proxy->nforeign = 0;
}
