/* The migration planner: from what was measured (the app's memory, the
 * pages it touches, the link's bandwidth and round trip, what both hosts'
 * kernels and CRIU can do, and for pre-copy the app's write working set)
 * it predicts each mode's frozen time, total time and bytes, and picks the
 * allowed mode with the shortest predicted frozen time, saying why. During
 * a pre-copy it decides after each round whether another round pays.
 *
 * Pure arithmetic, no I/O: unit-tested, replayed on recorded traces by
 * bench/precopy-sim, and the benchmark prints its prediction beside the
 * measurement. */
#ifndef WLCR_CLI_PLANNER_H
#define WLCR_CLI_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wss.h"

enum wlcr_mode {
	WLCR_MODE_NONE = 0,
	WLCR_MODE_COPY = 1, /* the values of MigMode */
	WLCR_MODE_LAZY = 2,
	WLCR_MODE_PRECOPY = 3,
};
#define WLCR_NMODES	 4
#define WLCR_MODE_BIT(m) (1u << (m))
#define WLCR_MODES_ALL                                                                             \
	(WLCR_MODE_BIT(WLCR_MODE_COPY) | WLCR_MODE_BIT(WLCR_MODE_LAZY) |                           \
	 WLCR_MODE_BIT(WLCR_MODE_PRECOPY))
/* go-phaul's bound on pre-copy rounds; the planner looks no further */
#define WLCR_MAX_ROUNDS 8

/* What the planner's arithmetic rests on, measured with bench/migrate on
 * this project's machine (README, "Migration measurements"). */
struct wlcr_plan_costs {
	double copy_fixed;    /* s: dump, images over the channel, restore */
	double copy_rate;     /* bytes/s a frozen app's memory moves end to end: criu
			       * reads it, TLS, the page server writes it, the
			       * restore reads it back (or, for a large app, a local
			       * criu lazy-pages after it runs); the link caps it */
	double lazy_fixed;    /* s: the same without the private memory */
	double lazy_rate;     /* bytes/s criu lazy-pages brings the memory in the
			       * background (its own path: requests of growing
			       * size, not the page server's stream) */
	double fault_time;    /* s per page the app touches before its first frame
			       * there: a page fault answered over the network */
	double precopy_fixed; /* s: the final dump's fixed part */
	double restore_rate;  /* bytes/s the restore reads every round's pages back
			       * into memory: frozen time, unless restored lazily */
	double local_fault;   /* s per page the app touches after a pre-copy
			       * restored lazily: a fault answered from the
			       * destination's own images */
	double predump_fixed; /* s: a pre-dump round's freeze, fixed part */
	double predump_rate;  /* bytes/s of the app's memory a pre-dump's freeze
			       * covers (it protects every page it saves) */
	double round_fixed;   /* s: a round's own overhead while the app runs
			       * (criu starting, the page server's round trip) */
	double page_cost;     /* s per page a round or the final dump moves, beyond
			       * its bytes: a written page among unwritten ones is
			       * two entries of the pagemap (it, and the hole after
			       * it), each a message of its own to the page server */
};

struct wlcr_plan_in {
	uint64_t memory; /* what CRIU moves, bytes */
	/* anonymous memory the app touches in 100 ms (0: not measured): what
	 * a lazily restored copy faults in before it can draw, and, before
	 * any round measured its writes, the bound on what it writes */
	uint64_t touched;
	double bandwidth;  /* the link, bytes/s (0: not measured) */
	double rtt;	   /* s */
	unsigned allowed;  /* WLCR_MODE_BIT()s the user allows */
	unsigned possible; /* WLCR_MODE_BIT()s both hosts can do */
	/* for each mode not possible: why (NULL: possible) */
	const char *why_not[WLCR_NMODES];
	/* pre-copy: the app's write working set as fitted from the rounds
	 * (NULL or not fitted: bounded by what it touches) */
	const struct wlcr_wss *wss;
	/* the destination restores a pre-copy's pages lazily from its own
	 * images (CRIU marks pages kept in the parent images lazy) */
	bool lazy_restore;
	const struct wlcr_plan_costs *costs; /* NULL: this machine's defaults */
};

struct wlcr_plan_est {
	bool possible;
	double frozen; /* s */
	double total;  /* s */
	uint64_t bytes;
	unsigned rounds; /* pre-copy: pre-dump rounds before the final dump */
	double cost;	 /* s: frozen plus the rounds' own freezes */
	char note[200];	 /* why not possible, or how it was estimated */
};

struct wlcr_plan {
	enum wlcr_mode mode; /* WLCR_MODE_NONE: no allowed mode is possible */
	struct wlcr_plan_est est[WLCR_NMODES];
	char why[768];
};

extern const struct wlcr_plan_costs wlcr_plan_default_costs;

/* Fills plan. Returns 0, or -ENOENT when no allowed mode is possible (why
 * says so). Modes are compared by their cost: the frozen time, plus for
 * pre-copy the freezes of its rounds. */
int wlcr_plan(const struct wlcr_plan_in *in, struct wlcr_plan *plan);

/* Pre-copy, after each round: what the rounds so far found. Round 0 sent
 * everything; round i (i >= 1) sent written[i] pages, those written during
 * interval[i] s (from round i-1's start to round i's). */
struct wlcr_rounds {
	unsigned n; /* rounds done */
	double interval[WLCR_MAX_ROUNDS], written[WLCR_MAX_ROUNDS];
	double since_last; /* s since the last round started */
};
enum wlcr_round_rule {
	WLCR_RULE_PLANNER, /* the working-set model: the rounds that minimise
			    * the final freeze plus the rounds' own */
	WLCR_RULE_GOPHAUL, /* go-phaul's: at most 8, stop under 64 written pages
			    * or when the written set grows by 32 pages */
};
enum wlcr_round_action {
	WLCR_ROUND_MORE,    /* another pre-dump round */
	WLCR_ROUND_FINAL,   /* the final dump now */
	WLCR_ROUND_ABANDON, /* give the chain up: another mode freezes it less */
};
struct wlcr_round_decision {
	enum wlcr_round_action action;
	unsigned more;		/* planner: rounds it expects still to run */
	double frozen;		/* s: the final dump's predicted freeze */
	double cost;		/* s: that plus the freezes of the rounds to come */
	enum wlcr_mode instead; /* ABANDON: the mode to take instead */
	char why[200];
};
/* Decides what follows the rounds in r. For the planner's rule it fits
 * *wss from the rounds (two or more) and, when in allows another mode than
 * pre-copy (auto), gives the chain up for one predicted to freeze the app
 * less than the chain's best continuation. */
void wlcr_plan_next_round(const struct wlcr_plan_in *in, struct wlcr_wss *wss,
			  const struct wlcr_rounds *r, enum wlcr_round_rule rule,
			  struct wlcr_round_decision *ret);
/* Lazy: how long the destination waits, the app stopped, for criu's
 * background transfer to bring all its pages before letting it run (0:
 * not at all). Only when all of it moves within WLCR_LAZY_PREFETCH_MAX:
 * then that is cheaper than the page faults of its first frame, each a
 * round trip to the source; a larger app runs at once. */
#define WLCR_LAZY_PREFETCH_MAX 0.1
double wlcr_plan_lazy_prefetch(const struct wlcr_plan_in *in);
/* A pre-dump round's freeze for an app of that much memory. */
double wlcr_plan_predump_freeze(const struct wlcr_plan_costs *k, uint64_t memory);
/* "copy", "lazy", "precopy", "auto" <-> modes; 0 for "auto", -1 unknown. */
const char *wlcr_mode_name(enum wlcr_mode m);
int wlcr_mode_parse(const char *s);

#endif
