/* The migration planner: from what was measured (the app's memory, the
 * link's bandwidth and round trip, what both hosts' kernels and CRIU can
 * do, and for pre-copy the app's write working set) it predicts each
 * mode's frozen time, total time and bytes, and picks the allowed mode
 * with the shortest predicted frozen time, saying why.
 *
 * Pure arithmetic, no I/O: unit-tested, and the benchmark prints its
 * prediction beside the measurement. */
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

/* What the planner's arithmetic rests on, measured with bench/migrate on
 * this project's machine (README, "Migration measurements"): the fixed
 * costs are a tiny app's frozen time (bench/memwriter holding 1 MiB); the
 * rates are fitted to the memory writers of 50 to 800 MiB. */
struct wlcr_plan_costs {
	double copy_fixed;     /* s: dump, images over the channel, restore */
	double copy_rate;      /* bytes/s a frozen app's memory moves end to end: criu
				* reads it, TLS, the page server writes it, the
				* restore reads it back; the link caps it */
	double lazy_fixed;     /* s: the same without the private memory */
	double fault_time;     /* s per page the app touches before its first frame
				* there: a page fault answered over the network */
	double precopy_fixed;  /* s: the final dump's fixed part */
	double restore_rate;   /* bytes/s the restore reads every round's pages back
				* into memory: frozen time, in pre-copy too */
	double predump_freeze; /* s: a pre-dump round's freeze */
};

struct wlcr_plan_in {
	uint64_t memory; /* what CRIU moves, bytes */
	/* anonymous memory the app touches in 100 ms (0: not measured): what
	 * a lazily restored copy fetches page by page before it can draw */
	uint64_t touched;
	double bandwidth;  /* the link, bytes/s (0: not measured) */
	double rtt;	   /* s */
	unsigned allowed;  /* WLCR_MODE_BIT()s the user allows */
	unsigned possible; /* WLCR_MODE_BIT()s both hosts can do */
	/* for each mode not possible: why (NULL: possible) */
	const char *why_not[WLCR_NMODES];
	/* pre-copy: the app's write working set (NULL: not known) */
	const struct wlcr_wss *wss;
	const struct wlcr_plan_costs *costs; /* NULL: this machine's defaults */
};

struct wlcr_plan_est {
	bool possible;
	double frozen; /* s */
	double total;  /* s */
	uint64_t bytes;
	unsigned rounds; /* pre-copy: pre-dump rounds before the final dump */
	char note[160];	 /* why not possible, or how it was estimated */
};

struct wlcr_plan {
	enum wlcr_mode mode; /* WLCR_MODE_NONE: no allowed mode is possible */
	struct wlcr_plan_est est[WLCR_NMODES];
	char why[512];
};

extern const struct wlcr_plan_costs wlcr_plan_default_costs;

/* Fills plan. Returns 0, or -ENOENT when no allowed mode is possible (why
 * says so). */
int wlcr_plan(const struct wlcr_plan_in *in, struct wlcr_plan *plan);
/* Pre-copy, after each round: what the rounds so far found. Round 0 sent
 * everything; round i (i >= 1) sent written[i] pages, those written during
 * interval[i] s (from round i-1's start to round i's). */
struct wlcr_rounds {
	unsigned n; /* rounds done */
	double interval[8], written[8];
	double since_last; /* s since the last round started */
};
enum wlcr_round_rule {
	WLCR_RULE_PLANNER, /* the working-set model: another round while it pays */
	WLCR_RULE_GOPHAUL, /* go-phaul's: at most 8, stop under 64 written pages
			    * or when the written set grows by 32 pages */
};
/* Whether to run another pre-dump round (1) or the final dump (0); for
 * the planner's rule also fits in->wss (which must point to writable
 * storage) from the rounds, and predicts the final dump's frozen time in
 * *ret_frozen. */
int wlcr_plan_next_round(const struct wlcr_plan_in *in, struct wlcr_wss *wss,
			 const struct wlcr_rounds *r, enum wlcr_round_rule rule,
			 double *ret_frozen);
/* "copy", "lazy", "precopy", "auto" <-> modes; 0 for "auto", -1 unknown. */
const char *wlcr_mode_name(enum wlcr_mode m);
int wlcr_mode_parse(const char *s);

#endif
