/* A whole restore through the real replay engine, without CRIU or a real
 * compositor. Session A (session.h) is the app as it ran before the dump;
 * the harness makes its image as the dump does (wlcr_snapshot_build, then
 * through the protobuf wire format), and plays everyone else: the restored
 * app, whose new connection to a fresh proxy (session b) claims the image
 * by its token; the CRIU plugin, which registers the image and hands over
 * the shm pools; and a scripted compositor, which answers the proxy's
 * requests as a real one would and refuses what a real one would refuse.
 *
 * Everything the proxy sends is kept in two logs, requests to the
 * compositor (up) and events to the app (down), for the tests to assert
 * on. A test adds the compositor's answers it needs (a seat's
 * capabilities, an output's modes) with an on_request hook. */
#ifndef WLCR_TEST_REPLAY_HARNESS_H
#define WLCR_TEST_REPLAY_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "session.h"
#include "wire.h"
#include "wlcr.pb-c.h"

struct rh_global {
	uint32_t name; /* the compositor's */
	const char *interface;
	uint32_t version;
};

/* One message the proxy sent, parsed with the receiver's view of its
 * sender (msg NULL when the receiver did not know the sender or opcode). */
struct rh_msg {
	uint8_t *bytes;
	struct wlcr_wire_msg m;
	char name[96]; /* "wl_surface.commit", or "?" */
	bool has_fd;
	uint32_t fd_word; /* the first 4 bytes of the file the fd names */
};

struct rh_log {
	struct rh_msg *msgs;
	size_t n, cap;
};

struct rh_buf {
	uint8_t *data;
	size_t len, cap;
};

struct replay_harness;

struct rh_options {
	/* the new compositor's globals, announced in this order */
	const struct rh_global *globals;
	size_t nglobals;
	/* for wlcr_snapshot_build: 0 puts the pools' content in the image;
	 * getpid() finds the pools the test mapped, which the harness then
	 * opens as the plugin does (/proc/PID/map_files) */
	pid_t pid;
	/* send xdg configures after the rest of a batch's answers, as weston
	 * does from an idle callback, instead of right after the commit */
	bool configure_late;
	/* hold back the delete_id of every wl_display.sync until the test
	 * calls rh_release_deletes, as libwayland-server (before 1.22) does
	 * when it had to flush its buffer right before queueing it */
	bool hold_sync_deletes;
	/* the compositor's serials continue from here */
	uint32_t serial;
	/* called once the image is made, before the new proxy takes it: the
	 * old proxy's part ends there (an app's journal may be freed) */
	void (*after_dump)(struct replay_harness *h);
	/* the app's clock minus the compositor's (a restore into a time
	 * namespace; 0: the restore reads it from /proc, as the proxy does) */
	int64_t time_offset_ms;
	/* called for each request after the default answers are queued */
	void (*on_request)(struct replay_harness *h, const struct rh_msg *req);
	/* called with the dump's image before it is packed (the plugin's and
	 * the proxy's extras: unread bytes, a half-sent request) */
	void (*on_image)(struct replay_harness *h, Image *img);
	void *data;
};

/* An object on the scripted compositor. */
struct rh_object {
	uint32_t id;
	const struct wlcr_interface *iface;
	uint32_t version;
	uint32_t surface;  /* xdg_surface: its wl_surface */
	uint32_t role;	   /* wl_surface: its xdg_surface */
	uint32_t toplevel; /* xdg_surface: its xdg_toplevel or xdg_popup */
	bool popup;
	bool configured; /* xdg_surface: its first configure was sent */
	uint32_t configure_serial;
};

struct replay_harness {
	struct rh_options opt;
	struct session b; /* the proxy the app is restored through */
	uint8_t token[16];
	struct rh_log up, down;
	/* the first protocol error the compositor saw (then it disconnected
	 * the client, as libwayland-server does), or why the restore failed */
	char error[512];
	bool disconnected;
	bool ended; /* the replay told its end */
	uint32_t serial;
	/* private */
	bool b_ready;
	struct rh_object *objs;
	size_t nobjs, cap_objs;
	uint32_t max_id;
	struct rh_buf queue, late, held;
	struct {
		uint32_t id;
		const struct wlcr_interface *iface;
	} * seen; /* the app's objects as last seen in b's journal */
	size_t nseen, cap_seen;
};

/* Dumps session a, restores it through h->b and runs the replay to its
 * end. Returns 0 when the client is restored; otherwise h->error says why.
 * rh_finish must be called either way. */
int rh_restore(struct replay_harness *h, struct session *a, const struct rh_options *opt);
/* The compositor restarted: a fresh one with the same globals, onto which
 * the restored client is replayed again from its live journal, on its own
 * clock still (as helper/takeover.c does). Returns 0 when it is whole
 * there again; otherwise h->error says why. */
int rh_replay_again(struct replay_harness *h);
void rh_finish(struct replay_harness *h);

/* A request of the restored app (fd: -1 for none), or an event the
 * compositor sends of its own accord; both are then pumped until quiet.
 * Return false when the proxy closed the client. A destructor event ends
 * the object on the compositor; its delete_id is the caller's to send. */
bool rh_app(struct replay_harness *h, const uint8_t *bytes, int len, int fd);
bool rh_compositor(struct replay_harness *h, const uint8_t *bytes, int len);
/* From an on_request hook: an event after the answers queued so far. An
 * event with a new id makes that object on the compositor (a data offer);
 * a destructor event ends its sender. */
void rh_queue(struct replay_harness *h, const uint8_t *bytes, int len);
/* Sends the delete_ids hold_sync_deletes held back, and pumps. */
bool rh_release_deletes(struct replay_harness *h);
/* Runs the proxy and the compositor until neither has anything to say
 * (after bytes were fed to the client directly). */
void rh_pump(struct replay_harness *h);

/* The index of the first message at or after from named name (a sender
 * of 0 matches any), or -1. */
int rh_find(const struct rh_log *log, size_t from, const char *name, uint32_t sender);
/* The same, the last one. */
int rh_find_last(const struct rh_log *log, const char *name, uint32_t sender);
size_t rh_count(const struct rh_log *log, size_t from, const char *name, uint32_t sender);
/* The first message at or after from named name whose new_id is id, or -1. */
int rh_find_new(const struct rh_log *log, size_t from, const char *name, uint32_t id);
/* Argument i of message at (a uint, object, new id or string length). */
uint32_t rh_arg(const struct rh_log *log, int at, unsigned i);
const char *rh_str(const struct rh_log *log, int at, unsigned i);

/* The compositor's object id, or NULL when it has none. */
const struct rh_object *rh_object(const struct replay_harness *h, uint32_t id);

/* Both logs and the error, to stderr; rh_finish does it too when the
 * environment has RH_PRINT. */
void rh_print(const struct replay_harness *h);

/* Build-and-send shorthands: APP(h, sender, opcode, sig, args...) */
#define RH_BUILD_(fn, h, sender, opcode, ...)                                                      \
	({                                                                                         \
		uint8_t b_[4096];                                                                  \
		int n_ = wlcr_wire_build(b_, sizeof(b_), sender, opcode, __VA_ARGS__);             \
		fn;                                                                                \
	})
#define APP(h, sender, opcode, ...) RH_BUILD_(rh_app(h, b_, n_, -1), h, sender, opcode, __VA_ARGS__)
#define APP_FD(h, fd, sender, opcode, ...)                                                         \
	RH_BUILD_(rh_app(h, b_, n_, fd), h, sender, opcode, __VA_ARGS__)
#define COMP(h, sender, opcode, ...)                                                               \
	RH_BUILD_(rh_compositor(h, b_, n_), h, sender, opcode, __VA_ARGS__)
#define RH_QUEUE(h, sender, opcode, ...)                                                           \
	RH_BUILD_(rh_queue(h, b_, n_), h, sender, opcode, __VA_ARGS__)

#endif
