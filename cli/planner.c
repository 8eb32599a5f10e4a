#include "planner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAGE 4096.0
/* go-phaul's bound on pre-copy rounds; the planner looks no further */
#define MAX_ROUNDS 8

/* bench/migrate, 2026-11-27 (README, "Migration measurements"): a 1 MiB
 * writer froze 74 ms copied and 83 ms lazily; 200 and 800 MiB writers
 * copied at about 250 MiB/s end to end; foot touched its pages lazily at
 * about 0.2 ms each. */
const struct wlcr_plan_costs wlcr_plan_default_costs = {
	.copy_fixed = 0.07,
	.copy_rate = 260e6,
	.lazy_fixed = 0.08,
	.fault_time = 0.0002,
	.precopy_fixed = 0.07,
	.restore_rate = 650e6,
	.predump_freeze = 0.03,
};

const char *wlcr_mode_name(enum wlcr_mode m)
{
	switch (m) {
	case WLCR_MODE_COPY:
		return "copy";
	case WLCR_MODE_LAZY:
		return "lazy";
	case WLCR_MODE_PRECOPY:
		return "precopy";
	default:
		return "auto";
	}
}

int wlcr_mode_parse(const char *s)
{
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES; m++)
		if (strcmp(s, wlcr_mode_name(m)) == 0)
			return m;
	return strcmp(s, "auto") == 0 ? 0 : -1;
}

static double rate(double bandwidth, double cap)
{
	return bandwidth > 0 ? fmin(bandwidth, cap) : cap;
}

static void copy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
		     struct wlcr_plan_est *e)
{
	double push = (double)in->memory / rate(in->bandwidth, k->copy_rate);
	e->frozen = k->copy_fixed + push;
	e->total = e->frozen;
	e->bytes = in->memory;
	snprintf(e->note, sizeof(e->note), "%.0f ms fixed + %.0f ms to move %.1f MiB",
		 k->copy_fixed * 1e3, push * 1e3, (double)in->memory / 1048576);
}

static void lazy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
		     struct wlcr_plan_est *e)
{
	/* frozen until the first frame there: what the app touches for it
	 * comes a page fault at a time; the rest follows while it runs */
	double pages = (double)in->touched / PAGE;
	double faults = pages * (k->fault_time + in->rtt);
	e->frozen = k->lazy_fixed + faults;
	e->total = k->lazy_fixed + (double)in->memory / rate(in->bandwidth, k->copy_rate);
	e->bytes = in->memory;
	snprintf(e->note, sizeof(e->note),
		 "%.0f ms fixed + %.0f ms of faults for the %.0f pages it touches in 100 ms",
		 k->lazy_fixed * 1e3, faults * 1e3, pages);
}

/* Pre-copy with n rounds before the final dump: round 0 sends everything,
 * round i what was written during round i-1, the final dump what was
 * written during the last round. The rounds' cost is their own freezes. */
static void precopy_rounds(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
			   unsigned n, double *ret_frozen, double *ret_total, double *ret_cost,
			   double *ret_bytes)
{
	double link = rate(in->bandwidth, k->copy_rate), mem = (double)in->memory;
	double sent = mem, t = k->predump_freeze + mem / link, total = t;
	for (unsigned i = 1; i < n; i++) {
		double w = fmin(mem, wlcr_wss_eval(in->wss, t) * PAGE);
		sent += w;
		t = k->predump_freeze + w / link;
		total += t;
	}
	double last = fmin(mem, wlcr_wss_eval(in->wss, t) * PAGE);
	*ret_frozen = k->precopy_fixed + last / link + mem / k->restore_rate;
	*ret_total = total + *ret_frozen;
	*ret_cost = *ret_frozen + n * k->predump_freeze;
	*ret_bytes = sent + last;
}

static void precopy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
			struct wlcr_plan_est *e)
{
	if (!in->wss || !in->wss->fitted) {
		/* decided once its first rounds have measured the app */
		e->frozen = e->total = NAN;
		e->bytes = in->memory;
		snprintf(e->note, sizeof(e->note),
			 "rounds chosen once the first rounds have measured the app's writes");
		return;
	}
	double best = INFINITY;
	for (unsigned n = 1; n <= MAX_ROUNDS; n++) {
		double frozen, total, cost, bytes;
		precopy_rounds(in, k, n, &frozen, &total, &cost, &bytes);
		/* a round must pay for itself by more than its own freeze */
		if (cost < best - 1e-4) {
			best = cost;
			e->rounds = n;
			e->frozen = frozen;
			e->total = total;
			e->bytes = (uint64_t)bytes;
		}
	}
	snprintf(e->note, sizeof(e->note),
		 "%u round%s, then %.0f ms; working set %.0f pages, half of it within %.2f s",
		 e->rounds, e->rounds == 1 ? "" : "s", e->frozen * 1e3, in->wss->a, in->wss->d);
}

int wlcr_plan(const struct wlcr_plan_in *in, struct wlcr_plan *plan)
{
	const struct wlcr_plan_costs *k = in->costs ? in->costs : &wlcr_plan_default_costs;
	memset(plan, 0, sizeof(*plan));
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES; m++) {
		struct wlcr_plan_est *e = &plan->est[m];
		e->possible = in->possible & WLCR_MODE_BIT(m);
		if (!e->possible) {
			e->frozen = e->total = NAN;
			snprintf(e->note, sizeof(e->note), "%s",
				 in->why_not[m] ? in->why_not[m] : "not possible");
			continue;
		}
		if (m == WLCR_MODE_COPY)
			copy_est(in, k, e);
		else if (m == WLCR_MODE_LAZY)
			lazy_est(in, k, e);
		else
			precopy_est(in, k, e);
	}

	/* the allowed mode with the shortest predicted frozen time; pre-copy
	 * without a model yet only when nothing else is allowed */
	enum wlcr_mode best = WLCR_MODE_NONE;
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES; m++) {
		const struct wlcr_plan_est *e = &plan->est[m];
		if (!e->possible || !(in->allowed & WLCR_MODE_BIT(m)) || isnan(e->frozen))
			continue;
		if (best == WLCR_MODE_NONE || e->frozen < plan->est[best].frozen)
			best = m;
	}
	if (best == WLCR_MODE_NONE && (in->allowed & WLCR_MODE_BIT(WLCR_MODE_PRECOPY)) &&
	    plan->est[WLCR_MODE_PRECOPY].possible)
		best = WLCR_MODE_PRECOPY;
	plan->mode = best;

	size_t used = 0;
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES && used < sizeof(plan->why); m++) {
		const struct wlcr_plan_est *e = &plan->est[m];
		const char *tag = !(in->allowed & WLCR_MODE_BIT(m)) ? " (not allowed)" : "";
		int w;
		if (!e->possible)
			w = snprintf(plan->why + used, sizeof(plan->why) - used,
				     "%s%s: not possible: %s\n", wlcr_mode_name(m), tag, e->note);
		else if (isnan(e->frozen))
			w = snprintf(plan->why + used, sizeof(plan->why) - used, "%s%s: %s\n",
				     wlcr_mode_name(m), tag, e->note);
		else
			w = snprintf(plan->why + used, sizeof(plan->why) - used,
				     "%s%s: frozen %.0f ms (%s), total %.1f s\n", wlcr_mode_name(m),
				     tag, e->frozen * 1e3, e->note, e->total);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return best == WLCR_MODE_NONE ? -ENOENT : 0;
}

int wlcr_plan_next_round(const struct wlcr_plan_in *in, struct wlcr_wss *wss,
			 const struct wlcr_rounds *r, enum wlcr_round_rule rule, double *ret_frozen)
{
	const struct wlcr_plan_costs *k = in->costs ? in->costs : &wlcr_plan_default_costs;
	double link = rate(in->bandwidth, k->copy_rate);
	/* what the app wrote since the last round started: a round's worth
	 * of its rate so far (until there is a model) */
	double last = r->n >= 2 ? r->written[r->n - 1] : (double)in->memory / PAGE;
	/* the restore reads every round's pages back, whatever the rounds */
	double restore = (double)in->memory / k->restore_rate;
	*ret_frozen = k->precopy_fixed + last * PAGE / link + restore;
	if (r->n == 0)
		return 1; /* round 0 copies everything while the app runs */
	if (r->n >= MAX_ROUNDS)
		return 0;
	if (rule == WLCR_RULE_GOPHAUL) {
		if (r->n < 2)
			return 1;
		double w = r->written[r->n - 1], before = r->written[r->n - 2];
		return !(w < 64 || (r->n >= 3 && w > before + 32));
	}
	if (r->n < 2)
		return 1; /* nothing measured about its writes yet */
	/* fit M(t) to the rounds' (interval, written); with one point, the
	 * line through it (a large d) */
	double t[8], y[8];
	size_t np = 0;
	for (unsigned i = 1; i < r->n; i++, np++) {
		t[np] = r->interval[i];
		y[np] = r->written[i];
	}
	if (np >= 2 && wlcr_wss_fit(t, y, np, wss) == 0) {
		/* fitted */
	} else {
		wss->d = 1e6;
		wss->a = y[0] * (t[0] + wss->d) / (t[0] > 0 ? t[0] : 1e-3);
		wss->fitted = true;
	}
	/* stop now: the final dump moves what was written since the last
	 * round began; one more round first: it moves that while the app
	 * runs, and the final dump what is written during it */
	double now = fmin((double)in->memory, wlcr_wss_eval(wss, r->since_last) * PAGE);
	double round_time = k->predump_freeze + now / link;
	double after = fmin((double)in->memory, wlcr_wss_eval(wss, round_time) * PAGE);
	double frozen_now = k->precopy_fixed + now / link + restore;
	double frozen_after = k->precopy_fixed + after / link + restore;
	*ret_frozen = frozen_now;
	/* another round pays when it saves more than its own freeze */
	if (frozen_now - frozen_after > k->predump_freeze) {
		*ret_frozen = frozen_after;
		return 1;
	}
	return 0;
}
