/* One proxied client: its socket, its own upstream connection to the
 * compositor, and its journal. Messages are parsed, checked, journaled and
 * forwarded here; the few the proxy must rewrite are rewritten here. */
#ifndef WLCR_CLIENT_H
#define WLCR_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "conn.h"
#include "journal.h"
#include "loop.h"
#include "serials.h"

struct wlcr_proxy;
struct wlcr_upstream;

enum wlcr_client_state {
	WLCR_CLIENT_CONNECTED, /* forwarding both ways */
	WLCR_CLIENT_RESTORED,  /* a restored app's connection, its replay not started */
	WLCR_CLIENT_REPLAYING, /* its journal is being replayed onto the compositor */
	WLCR_CLIENT_WAITING,   /* its compositor is gone; its requests are journaled */
};

struct wlcr_client {
	struct wlcr_proxy *proxy;
	struct wlcr_client *next;	/* proxy->clients list */
	uint32_t index;			/* number in log lines: "client 3" */
	struct wlcr_conn down;		/* to the app */
	struct wlcr_conn up;		/* to the compositor (fd -1 while waiting for it) */
	struct wlcr_upstream *upstream; /* its compositor */
	enum wlcr_client_state state;
	/* a replay under way for a move to another compositor (wlcr ls) */
	bool moving;
	/* what helper/takeover.c does next, once the loop's batch is done:
	 * never while the client's own messages are being handled */
	enum { WLCR_TAKEOVER_NONE, WLCR_TAKEOVER_WAIT, WLCR_TAKEOVER_REPLAY } takeover_next;
	void *takeover_data;
	/* its own connection to the compositor ended (it did not just join
	 * while the compositor was away): if the compositor turns out to live
	 * on, it meant to close this one */
	bool lost_up;
	/* its replay ended because the compositor's connection did */
	bool replay_lost_up;
	/* the app's last wl_surface.commit, and when its last replay began:
	 * its first frame after a replay is logged with both delays (what a
	 * person sees of a restart or a move; bench/ reads it) */
	struct timespec last_commit, replay_began;
	bool first_frame_pending;
	struct wlcr_source down_src, up_src;
	struct wlcr_journal journal;
	pid_t pid;	 /* as the proxy (host) sees it */
	pid_t pid_in_ns; /* innermost pid namespace's view (NSpid) */
	uid_t uid;
	uint64_t sock_ino; /* inode of the proxy-side socket */
	int record_fd;	   /* --record: this client's recording, or -1 */
	bool dead;	   /* freed after the current loop batch */
	/* A dump is under way: the app is frozen, nothing is sent to it, and
	 * the proxy answers the compositor's pings in its place. */
	bool quiesced;
	uint32_t pings_answered;
	/* Set while a dump waits for what the app sent to reach the
	 * compositor: called once (and cleared) when up.out is empty, or when
	 * the client closes first (c->dead then tells). */
	void (*on_drained)(struct wlcr_client *c, void *data);
	void *on_drained_data;
	/* the replay engine's state (helper/replay.h), while and after one */
	struct wlcr_replay *replay;
	/* replayed at least once: server ids of an earlier compositor are
	 * the app's inert objects, new ones are paired (id_pairs) */
	bool replayed;
	bool first_message_seen;
	uint8_t restore_token[16]; /* WLCR_CLIENT_RESTORED: its image's */
	/* the compositor sent it a wl_display.error: the disconnect that
	 * follows is the compositor's choice, not its death */
	bool compositor_error;
	/* restored into a time namespace: its CLOCK_MONOTONIC minus the
	 * compositor's, in ms, added to the timestamps of events */
	int64_t time_offset_ms;
	/* restored: the app's serial space (NULL: the compositor's) */
	struct wlcr_serials *serials;
	/* After a restore the app still holds server-created ids of the old
	 * compositor (data offers), inert; new ones of the compositor that
	 * would collide get other ids on the app's side: up -> down pairs. */
	struct wlcr_id_pair {
		uint32_t up, down;
	} * id_pairs;
	uint32_t nid_pairs;
	/* delete_ids still to come for the proxy's own objects on the
	 * compositor (a replay's syncs and temporary objects), a multiset:
	 * eaten whenever they come. libwayland-server (before 1.22) may hold
	 * a delete_id back until it has another event for the client, which
	 * can be after the replay, when the app uses that id again. */
	uint32_t *eat_deletes;
	uint32_t eat_head, neat_deletes, cap_eat_deletes; /* live: [eat_head, neat_deletes) */
	/* CLOCK_MONOTONIC (ns) of the first and the last wl_surface.commit the
	 * app itself sent (never the replay's): a migration's frozen time as a
	 * person sees it runs from the source proxy's last to the destination
	 * proxy's first */
	uint64_t first_commit_ns, last_commit_ns;
};

/* Takes ownership of fd (accepted from the listening socket). Returns the
 * client, or NULL with the fd closed and the reason logged. */
struct wlcr_client *wlcr_client_create(struct wlcr_proxy *proxy, int fd);
/* A client over the given fds (-1: none) without event-loop registration:
 * the building block of wlcr_client_create, and what the unit tests and the
 * fuzzer drive directly. Returns NULL when out of memory. */
struct wlcr_client *wlcr_client_new(struct wlcr_proxy *proxy, int down_fd, int up_fd);
/* Handles every complete message queued in down.in (requests) or up.in
 * (events): check, journal, rewrite, queue on the other side. Returns false
 * when the client was closed for a protocol error. */
bool wlcr_client_process(struct wlcr_client *c, bool requests);
/* wl_display error codes (wayland.xml) */
#define DISPLAY_ERROR_INVALID_OBJECT 0
#define DISPLAY_ERROR_INVALID_METHOD 1
#define DISPLAY_ERROR_NO_MEMORY	     2
#define DISPLAY_ERROR_IMPLEMENTATION 3

/* Tells the peer of a connection the proxy will not serve why, as a
 * wl_display.error (libwayland-client prints it), without blocking. */
void wlcr_client_refuse(int fd, uint32_t code, const char *why);
/* What one side of one client gets handled per turn of the event loop, at
 * most: one client's burst delays the others by no more than this much
 * work each (libwayland-server reads 4 KiB at a time). */
#define WLCR_CLIENT_TURN_BYTES 4096

/* One turn for one side (is_down: the app's) that epoll reported ready:
 * send what is queued towards it, read at most WLCR_CLIENT_TURN_BYTES
 * from it, handle the complete messages and pass them on. */
void wlcr_client_turn(struct wlcr_client *c, bool is_down, uint32_t events);
/* A new connection to the compositor (fd), the old one dropped with what
 * was on its way. Returns 0 or -errno. */
int wlcr_client_attach_up(struct wlcr_client *c, int fd);
void wlcr_client_detach_up(struct wlcr_client *c);
/* Closes both connections now; the memory is freed by wlcr_client_free. */
void wlcr_client_close(struct wlcr_client *c, const char *why);
void wlcr_client_free(struct wlcr_client *c);

/* For a dump: handles everything the app already sent and stops sending
 * to the app (events keep being journaled and queued). Returns 0 when
 * what the app sent is with the compositor, 1 when it is still queued
 * (on_drained tells when it is not), or -errno with err filled in and the
 * client as it was. */
int wlcr_client_quiesce(struct wlcr_client *c, char *err, size_t errlen);
/* After the dump, whatever its result: the queued events go out. */
void wlcr_client_resume(struct wlcr_client *c);

/* Sends what was queued outside the client's own event handling (a replay,
 * started from the control socket), and handles requests that waited. */
void wlcr_client_kick(struct wlcr_client *c);
/* The compositor owes a delete_id for id, which the app must not see. */
int wlcr_client_expect_delete(struct wlcr_client *c, uint32_t id);
/* Watches both connections as the state says (a replay holds the app's
 * requests in its socket; a client waiting for its compositor has none). */
void wlcr_client_update_interest(struct wlcr_client *c);
/* Its state for people: "connected", "waiting for the compositor",
 * "replaying", "moving", "restored, waiting for its replay". */
const char *wlcr_client_state_name(const struct wlcr_client *c);

/* A serial for an event the proxy makes up (a leave after a restore):
 * newer than every serial the app has seen, and never valid upstream. */
uint32_t wlcr_client_fresh_serial(struct wlcr_client *c);

/* Title and app_id from the journal (the last xdg_toplevel's), or "". */
void wlcr_client_describe(const struct wlcr_client *c, const char **ret_title,
			  const char **ret_app_id);

#endif
