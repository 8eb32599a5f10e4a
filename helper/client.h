/* One proxied client: its socket, its own upstream connection to the
 * compositor, and its journal. Messages are parsed, checked, journaled and
 * forwarded here; the few the proxy must rewrite are rewritten here. */
#ifndef WLCR_CLIENT_H
#define WLCR_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"
#include "journal.h"
#include "loop.h"
#include "serials.h"

struct wlcr_proxy;

struct wlcr_client {
	struct wlcr_proxy *proxy;
	struct wlcr_client *next; /* proxy->clients list */
	uint32_t index;		  /* number in log lines: "client 3" */
	struct wlcr_conn down;	  /* to the app */
	struct wlcr_conn up;	  /* to the compositor */
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
	/* restored from an image: replay under way (replay) or done (restored) */
	struct wlcr_replay *replay;
	bool restored;
	bool first_message_seen;
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

/* Sends what was queued outside the client's own event handling (the
 * replay, started from the control socket). */
void wlcr_client_kick(struct wlcr_client *c);

/* A serial for an event the proxy makes up (a leave after a restore):
 * newer than every serial the app has seen, and never valid upstream. */
uint32_t wlcr_client_fresh_serial(struct wlcr_client *c);

/* Title and app_id from the journal (the last xdg_toplevel's), or "". */
void wlcr_client_describe(const struct wlcr_client *c, const char **ret_title,
			  const char **ret_app_id);

#endif
