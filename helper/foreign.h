/* xdg-foreign handles across compositors. A handle names an exported
 * surface on one compositor; a replay exports it again and the new
 * compositor gives it another handle. The app that exported it keeps the
 * handle it was given (a second handle event is not in the protocol, and
 * the app has passed the first on already), and the proxy remembers which
 * handle it now stands for, so that an import of the old handle by any
 * client of this proxy (live, or replayed) reaches the surface. A client
 * of another proxy or of the compositor itself holds a handle that is gone:
 * its import gets the compositor's destroyed. */
#ifndef WLCR_FOREIGN_H
#define WLCR_FOREIGN_H

struct wlcr_proxy;

/* The app's handle now stands for the compositor's up. Returns 0 or
 * -ENOMEM. */
int wlcr_foreign_set(struct wlcr_proxy *proxy, const char *app, const char *up);
/* The compositor's handle for an app's handle (itself when none). */
const char *wlcr_foreign_lookup(const struct wlcr_proxy *proxy, const char *app);
void wlcr_foreign_finish(struct wlcr_proxy *proxy);

#endif
