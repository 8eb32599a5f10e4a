/* The proxy's control socket (NAME.ctl): the wlcr command and the CRIU
 * plugin ask for the client list, quiesce a client for a dump and resume
 * it. A connection stays open as long as its peer wants; when it closes,
 * every client it quiesced is resumed, so a dump that dies half way (criu
 * killed, the plugin crashed) leaves the app running and connected. */
#ifndef WLCR_CONTROL_H
#define WLCR_CONTROL_H

#include <stdint.h>

struct wlcr_proxy;
struct wlcr_source;
struct wlcr_control;
struct wlcr_client;

void wlcr_control_accept(struct wlcr_source *src, uint32_t events);
/* Frees connections closed in this loop batch. */
void wlcr_control_reap(struct wlcr_proxy *proxy);
void wlcr_control_finish(struct wlcr_proxy *proxy);

#endif
