/* A client of the real message handling without sockets to a compositor:
 * requests and events are built with wlcr_wire_build and fed through
 * wlcr_client_process, as the proxy's event loop would. The app side is a
 * socketpair so that errors the proxy sends can be read back. */
#ifndef WLCR_TEST_SESSION_H
#define WLCR_TEST_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "protocols.h"
#include "proxy.h"

struct session {
	struct wlcr_proxy proxy;
	struct wlcr_client *c;
	int app_fd; /* the app's end of the socket */
};

int session_init(struct session *s);
void session_finish(struct session *s);
/* Returns false when the proxy closed the client. fd: -1 for none. */
bool session_request(struct session *s, uint32_t sender, uint16_t opcode, int fd,
		     const uint8_t *msg, int len);
bool session_event(struct session *s, uint32_t sender, uint16_t opcode, const uint8_t *msg,
		   int len);
/* The text of the wl_display.error the app received, or "" if none. */
const char *session_error(struct session *s);

/* Build-and-send shorthands: REQ(s, sender, opcode, sig, args...) */
#define REQ(s, sender, opcode, ...)                                                                \
	({                                                                                         \
		uint8_t b_[4096];                                                                  \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		session_request(s, sender, opcode, -1, b_, n_);                                    \
	})
#define REQ_FD(s, fd, sender, opcode, ...)                                                         \
	({                                                                                         \
		uint8_t b_[4096];                                                                  \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		session_request(s, sender, opcode, fd, b_, n_);                                    \
	})
#define EVT(s, sender, opcode, ...)                                                                \
	({                                                                                         \
		uint8_t b_[4096];                                                                  \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		session_event(s, sender, opcode, b_, n_);                                          \
	})

/* The usual start: registry (2), compositor (3), shm (4), xdg_wm_base (5),
 * surface (6), pool (7, 4096 bytes), buffer (8), xdg_surface (9),
 * xdg_toplevel (10), committed once. */
bool session_toplevel(struct session *s);
/* Or: registry (2), wl_data_device_manager (3), wl_seat (4) and its
 * wl_data_device (5). */
bool session_data_device(struct session *s);

#endif
