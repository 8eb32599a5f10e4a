/* The per-client journal: for every live object, what is needed to recreate
 * it and its state on a compositor. State, not history: its size grows with
 * live objects, never with frames or messages (DESIGN.md section 3). */
#ifndef WLCR_JOURNAL_H
#define WLCR_JOURNAL_H

#include <pixman.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "objmap.h"
#include "protocol.h"
#include "wire.h"

/* A copy of one message as it went over the wire, with dups of its fds. */
struct wlcr_msgcopy {
	uint16_t size;
	uint8_t nfds;
	int fds[WLCR_WIRE_MAX_ARGS];
	uint8_t bytes[];
};

/* Double-buffered wl_surface state (pending, then committed). */
struct wlcr_surface_state {
	bool attached; /* attach was requested (buffer may be 0: null) */
	uint32_t buffer;
	int32_t dx, dy;
	bool damaged;
	/* pending: the request was seen in this cycle */
	bool opaque_changed, input_changed;
	bool opaque_set, input_set; /* false: null, the protocol default */
	pixman_region32_t opaque, input;
	int32_t scale, transform;
	bool offset_set;
	int32_t offset_x, offset_y;
	/* wl_callback ids from wl_surface.frame, each a live object */
	uint32_t *frames;
	uint32_t nframes, cap_frames;
};

struct wlcr_surface {
	/* A synchronized subsurface's commits go to cached, which its
	 * parent's commit applies: a third state (DESIGN.md section 3). */
	struct wlcr_surface_state pending, cached, committed;
	bool has_cached;
	uint32_t subsurface; /* wl_subsurface id when it has that role, or 0 */
	uint32_t parent;     /* parent wl_surface of the subsurface */
	bool sync;	     /* subsurface mode; new subsurfaces are synchronized */
	/* wl_surface ids of its subsurfaces */
	uint32_t *children;
	uint32_t nchildren;
	/* wl_output ids the surface is on (wl_surface.enter/leave) */
	uint32_t *outputs;
	uint32_t noutputs;
	uint64_t commits; /* counter only; the journal keeps no per-commit data */
};

/* A wl_shm_pool's memory, shared by the pool and the buffers made from it:
 * buffers outlive a destroyed pool (weston-simple-shm destroys it at once),
 * and the replay then needs the pool's constructor (and fd) all the same. */
struct wlcr_pool {
	uint32_t refs; /* the pool object, if alive, and each buffer */
	uint32_t id;   /* the pool's object id (may be reused once retired) */
	bool retired;  /* the pool object is gone; ctor and size are here */
	struct wlcr_msgcopy *ctor;
	uint64_t size;
	uint32_t temp_id; /* replay: the temporary pool standing in for it */
	int32_t index;	  /* replay: its place in Image.pools */
};

struct wlcr_object {
	uint32_t id;
	/* built in, or read from XML at start-up (helper/protoload.h) */
	const struct wlcr_interface *iface;
	uint32_t version;
	bool zombie;	     /* destroyed by the client, awaiting delete_id */
	bool server_created; /* id >= 0xff000000, never gets delete_id */
	/* restored but not recreated (a popup and its surfaces): the proxy
	 * absorbs requests to it and answers its destruction itself */
	bool gone;
	/* ids are reused: an object's gen never is. The object at creator is
	 * the one that made this one only while its gen is creator_gen
	 * (wlcr_journal_creator); creator_iface is its interface either way,
	 * the one the constructor was a message of. */
	uint32_t gen;
	uint32_t creator; /* object whose message created this one */
	uint32_t creator_gen;
	const struct wlcr_interface *creator_iface;
	/* the request or event that created it; NULL for wl_display */
	struct wlcr_msgcopy *ctor;
	/* last value per request opcode (setters), iface->nrequests slots */
	struct wlcr_msgcopy **setters;
	/* requests that add up rather than replace (a data-control source's
	 * offers): all of them, in order, replayed right after the
	 * constructor; cap_list slots allocated */
	struct wlcr_msgcopy **list;
	uint32_t nlist, cap_list;
	/* last value per event opcode (what the client was told), for
	 * replay to send only what differs; iface->nevents slots */
	struct wlcr_msgcopy **events;
	struct wlcr_surface *surface; /* wl_surface */
	struct wlcr_pool *pool;	      /* wl_shm_pool, wl_buffer made from one */
	/* wl_region; or, in an object whose constructor took a region (a
	 * pointer constraint), that region as given, or as set since */
	pixman_region32_t *region;
	bool buffer_held;		/* wl_buffer committed and not released */
	uint32_t frame_surface;		/* wl_callback from wl_surface.frame */
	uint32_t role_surface;		/* wl_subsurface, xdg_surface: their wl_surface */
	uint32_t last_configure_serial; /* xdg_surface, zwlr_layer_surface_v1 */
	/* wl_keyboard, wl_pointer, wl_data_device (a drag), zwp_text_input_v3:
	 * the surface entered, or 0; a pointer constraint: 1 while active; a
	 * pointer gesture: the surface it began on, until its end; a shortcuts
	 * inhibitor: 1 while active; an idle notification: 1 while idle */
	uint32_t focus;
	bool source_in_use; /* data/primary source: the selection or a drag's */
	/* finished by its protocol, only its destruction left (an activation
	 * token that got its done, a oneshot pointer constraint that ended):
	 * a restore does not recreate it (it is gone) */
	bool defunct;
	/* zwp_text_input_v3: the app's commits, ever, and their number at the
	 * last restore, from where the new compositor counts again */
	uint32_t commits, commit_base;
};

struct wlcr_journal {
	struct wlcr_objmap map;
	/* the global names the app was told, and what they stand for now */
	struct wlcr_names names;
	uint32_t nlive;
	size_t bytes;  /* heap held by the journal, for wlcr ls and the tests */
	unsigned nfds; /* fds it keeps (shm pools' constructors) */
	/* the newest (highest) serial the app was given, in its own serial
	 * space (which after a restore is not the compositor's: client.c) */
	uint32_t serial_last;
	uint32_t next_gen;
	/* first reason this client cannot be checkpointed, or NULL */
	const char *not_checkpointable;
	/* stats: counters only */
	uint64_t requests, events;
};

int wlcr_journal_init(struct wlcr_journal *j);
void wlcr_journal_finish(struct wlcr_journal *j);
struct wlcr_object *wlcr_journal_get(const struct wlcr_journal *j, uint32_t id);
/* The object that made obj, if it lives still (not destroyed, its id not
 * reused since), or NULL. */
struct wlcr_object *wlcr_journal_creator(const struct wlcr_journal *j,
					 const struct wlcr_object *obj);

/* Record a request from the client (already parsed and its objects
 * checked). fds are the message's; the journal dups what it keeps.
 * Returns 0 or -EINVAL/-ENOMEM with err filled in. */
int wlcr_journal_request(struct wlcr_journal *j, struct wlcr_object *obj,
			 const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
			 char *err, size_t errlen);
/* Record an event from the compositor. */
int wlcr_journal_event(struct wlcr_journal *j, struct wlcr_object *obj,
		       const struct wlcr_wire_msg *m, const uint8_t *bytes, const int *fds,
		       char *err, size_t errlen);

/* For rebuilding a journal from an image (helper/snapshot.c): */
struct wlcr_object *wlcr_journal_object_new(struct wlcr_journal *j, uint32_t id,
					    const struct wlcr_interface *iface, uint32_t version);
/* zeroed, counted in j->bytes; free only through the journal */
void *wlcr_journal_alloc(struct wlcr_journal *j, size_t n, size_t size);
/* *slot = a copy of one wire message (replacing what was there) */
int wlcr_journal_copy_bytes(struct wlcr_journal *j, struct wlcr_msgcopy **slot,
			    const uint8_t *bytes, size_t len);
/* appends a copy of one wire message to obj->list (snapshot load) */
int wlcr_journal_list_add(struct wlcr_journal *j, struct wlcr_object *obj, const uint8_t *bytes,
			  size_t len);
/* a pool record (snapshot load); refs = 0, the caller links it */
struct wlcr_pool *wlcr_journal_pool_new(struct wlcr_journal *j, uint32_t id);
void wlcr_journal_pool_ref(struct wlcr_pool *p);
/* drops a reference; frees the record at 0 (or when it had none) */
void wlcr_journal_pool_unref(struct wlcr_journal *j, struct wlcr_pool *p);
/* the size a wl_shm_pool has after its last resize */
uint64_t wlcr_journal_pool_size(const struct wlcr_object *pool_obj);
/* Gives a constructor kept without its fd (a restored pool's) a dup of fd,
 * counted in j->nfds. Returns 0 or -errno. */
int wlcr_journal_keep_fd(struct wlcr_journal *j, struct wlcr_msgcopy *ctor, int fd);
/* forgets an object (a zombie whose delete_id the replay sent itself) */
void wlcr_journal_remove(struct wlcr_journal *j, uint32_t id);
/* allocates obj's per-opcode setter and event slots */
/* Forgets what obj's events told the app: after a restore ended an
 * episode (a focus, a lock), the same events must reach it again. */
void wlcr_journal_forget_events(struct wlcr_journal *j, struct wlcr_object *obj);
/* Regions are kept inside this square: a compositor clips a region to its
 * surface anyway, and inside it every rectangle of one is at most
 * INT32_MAX wide and high, as wl_region.add and an image's JRect carry
 * them (a region spanning more made widths that overflowed). */
#define WLCR_REGION_MIN	 (-(1 << 30))
#define WLCR_REGION_SIZE INT32_MAX

/* dst = src (NULL: empty), its rectangles counted in j->bytes. */
void wlcr_journal_region_set(struct wlcr_journal *j, pixman_region32_t *dst,
			     pixman_region32_t *src);
/* Whether an event tells the app something new, by what the journal knows
 * it was told: a wl_surface.enter of an output the surface is on, a leave
 * of one it is not on, and a keyboard or pointer leave of a surface it did
 * not enter (or an enter of the one it is on) do not. A compositor that
 * took the surfaces over (a restore), or one that never sent a keyboard
 * its enter, sends those; Qt 6 warns of each as a compositor bug. */
bool wlcr_journal_event_news(const struct wlcr_object *obj, const struct wlcr_wire_msg *m);
/* Gives obj an empty region, if it has none. */
int wlcr_journal_region_give(struct wlcr_journal *j, struct wlcr_object *obj);
/* A pointer constraint made with lifetime oneshot. */
bool wlcr_journal_constraint_oneshot(const struct wlcr_object *obj);
int wlcr_journal_slots(struct wlcr_journal *j, struct wlcr_object *obj);

/* Checks a new_id before the request is recorded: free slot or exactly
 * the next one. Returns 0 or -EINVAL with err filled in. */
int wlcr_journal_check_new_id(const struct wlcr_journal *j, uint32_t id, char *err, size_t errlen);

#endif
