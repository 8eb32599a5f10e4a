#include "planner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAGE 4096.0
/* what the app touches is measured over this long (wlcr_apptree_touched) */
#define TOUCHED_INTERVAL 0.1
/* a chain is given up for another mode only when that mode is predicted
 * to freeze the app this much less: the rounds done are lost */
#define ABANDON_MARGIN 0.8

/* bench/migrate, 2026-11-27 (README, "Migration measurements"): a 1 MiB
 * writer froze 45-75 ms copied, 56-83 ms lazily; 50 to 800 MiB writers
 * copied at 250-300 MB/s end to end; foot touched its pages lazily at
 * about 0.2 ms each. Pre-copy: foot's final dump and restore froze it
 * 85-100 ms; pre-dumps froze the 800 MiB writer 67-209 ms, the 200 MiB one
 * 27-79 ms, 50 MiB 5-21 ms (bench/traces); a round of a few hundred pages
 * lasted 60-100 ms; the final dump took about 0.1 ms per scattered page
 * written (185 pages: 24 ms, 277 pages: 27 ms); an eager restore read the
 * rounds' pages back at 530 MB/s (800 MiB) to over 1 GB/s (200 MiB).
 * Since CRIU patch 0012 (the page server's larger pipe) and the lazy
 * restore of a large copy (cmd_migrate.c), copies move 450-550 MB/s end to
 * end (50 MiB: 187 ms, 200 MiB: 455 ms, 800 MiB: 1.7 s frozen); lazy
 * pages' background transfer is unchanged. */
const struct wlcr_plan_costs wlcr_plan_default_costs = {
	.copy_fixed = 0.07,
	.copy_rate = 480e6,
	.lazy_fixed = 0.08,
	.lazy_rate = 260e6,
	.fault_time = 0.0002,
	.precopy_fixed = 0.08,
	.restore_rate = 800e6,
	.local_fault = 0.00001,
	.predump_fixed = 0.01,
	.predump_rate = 6.5e9,
	.round_fixed = 0.03,
	.page_cost = 0.0001,
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

static const struct wlcr_plan_costs *costs_of(const struct wlcr_plan_in *in)
{
	return in->costs ? in->costs : &wlcr_plan_default_costs;
}

static double rate(double bandwidth, double cap)
{
	return bandwidth > 0 ? fmin(bandwidth, cap) : cap;
}

double wlcr_plan_predump_freeze(const struct wlcr_plan_costs *k, uint64_t memory)
{
	return k->predump_fixed + (double)memory / k->predump_rate;
}

static void copy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
		     struct wlcr_plan_est *e)
{
	double push = (double)in->memory / rate(in->bandwidth, k->copy_rate);
	e->frozen = k->copy_fixed + push;
	e->total = e->frozen;
	e->cost = e->frozen;
	e->bytes = in->memory;
	snprintf(e->note, sizeof(e->note), "%.0f ms fixed + %.0f ms to move %.1f MiB",
		 k->copy_fixed * 1e3, push * 1e3, (double)in->memory / 1048576);
}

double wlcr_plan_lazy_prefetch(const struct wlcr_plan_in *in)
{
	const struct wlcr_plan_costs *k = costs_of(in);
	/* criu's background transfer starts small and grows (64 KiB more
	 * per request): some slack over the link's pace */
	double all = 1.5 * (double)in->memory / rate(in->bandwidth, k->lazy_rate);
	return all <= WLCR_LAZY_PREFETCH_MAX ? WLCR_LAZY_PREFETCH_MAX : 0;
}

static void lazy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
		     struct wlcr_plan_est *e)
{
	/* frozen until the first frame there: what the app touches for it
	 * comes a page fault at a time; the rest follows while it runs. A
	 * small app's pages all come first, while it is stopped. */
	double pages = (double)in->touched / PAGE;
	double faults = pages * (k->fault_time + in->rtt);
	double move = (double)in->memory / rate(in->bandwidth, k->lazy_rate);
	bool prefetch = wlcr_plan_lazy_prefetch(in) > 0;
	e->frozen = k->lazy_fixed + (prefetch ? 1.5 * move : faults);
	e->cost = e->frozen;
	e->total = k->lazy_fixed + move;
	e->bytes = in->memory;
	if (prefetch)
		snprintf(e->note, sizeof(e->note),
			 "%.0f ms fixed + %.0f ms for all its pages before it runs",
			 k->lazy_fixed * 1e3, 1.5 * move * 1e3);
	else
		snprintf(
			e->note, sizeof(e->note),
			"%.0f ms fixed + %.0f ms of faults for the %.0f pages it touches in 100 ms",
			k->lazy_fixed * 1e3, faults * 1e3, pages);
}

/* The write working set the pre-copy arithmetic uses: the fitted model,
 * or before the rounds have measured it, a line through what the app
 * touches in 100 ms (its writes are at most that; a line through it
 * bounds the saturating curve from above). NULL: nothing known. */
static const struct wlcr_wss *wss_or_bound(const struct wlcr_plan_in *in, struct wlcr_wss *bound)
{
	if (in->wss && in->wss->fitted)
		return in->wss;
	if (!in->touched)
		return NULL;
	bound->d = 1e6;
	bound->a = (double)in->touched / PAGE / TOUCHED_INTERVAL * bound->d;
	bound->rms = 0;
	bound->fitted = false;
	return bound;
}

struct chain {
	double frozen, total, cost, bytes;
};

/* A pre-copy's future from a point where the next run (a round or the
 * final dump) has `pending` bytes to send: `rounds` more rounds, each
 * moving what was written during the one before while the app runs, then
 * the final dump moving what was written during the last. */
static void chain_predict(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
			  const struct wlcr_wss *w, double pending, unsigned rounds,
			  struct chain *c)
{
	double link = rate(in->bandwidth, k->copy_rate), mem = (double)in->memory;
	double freeze = wlcr_plan_predump_freeze(k, in->memory);
	c->total = c->bytes = 0;
	for (unsigned i = 0; i < rounds; i++) {
		/* round 0 sends everything: whole runs of pages, not scattered */
		double scattered = i == 0 && pending >= mem ? 0 : pending / PAGE * k->page_cost;
		double round = k->round_fixed + freeze + pending / link + scattered;
		c->total += round;
		c->bytes += pending;
		pending = fmin(mem, wlcr_wss_eval(w, round) * PAGE);
	}
	/* the restore reads every round's pages back while the app is
	 * stopped, unless the destination serves them lazily from its own
	 * images: then only what the app touches first is waited for */
	double restore = in->lazy_restore ? (double)in->touched / PAGE * k->local_fault
					  : mem / k->restore_rate;
	c->frozen = k->precopy_fixed + pending / link + pending / PAGE * k->page_cost + restore;
	c->total += c->frozen;
	c->bytes += pending;
	c->cost = c->frozen + rounds * freeze;
}

/* The number of rounds (at least min, at most max) that minimises the
 * chain's cost; a round must pay for itself. */
static unsigned chain_best(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
			   const struct wlcr_wss *w, double pending, unsigned min, unsigned max,
			   struct chain *best)
{
	unsigned n = min;
	chain_predict(in, k, w, pending, min, best);
	for (unsigned r = min + 1; r <= max; r++) {
		struct chain c;
		chain_predict(in, k, w, pending, r, &c);
		if (c.cost < best->cost - 1e-4) {
			*best = c;
			n = r;
		}
	}
	return n;
}

static void precopy_est(const struct wlcr_plan_in *in, const struct wlcr_plan_costs *k,
			struct wlcr_plan_est *e)
{
	struct wlcr_wss bound;
	const struct wlcr_wss *w = wss_or_bound(in, &bound);
	double freeze = wlcr_plan_predump_freeze(k, in->memory);
	const char *restore = in->lazy_restore ? "lazy" : "reads all";
	e->bytes = in->memory;
	if (!w) {
		/* decided once its first rounds have measured the app */
		e->frozen = e->total = e->cost = NAN;
		snprintf(e->note, sizeof(e->note),
			 "rounds chosen once the first rounds have measured the app's writes");
		return;
	}
	struct chain c;
	if (w != &bound) {
		/* round 0 sends everything while the app runs */
		e->rounds = chain_best(in, k, w, (double)in->memory, 1, WLCR_MAX_ROUNDS, &c);
		e->frozen = c.frozen;
		e->total = c.total;
		e->cost = c.cost;
		e->bytes = (uint64_t)c.bytes;
		snprintf(e->note, sizeof(e->note),
			 "%u round%s of %.0f ms freeze each, working set %.0f pages, half of it "
			 "within %.2f s; restore %s",
			 e->rounds, e->rounds == 1 ? "" : "s", freeze * 1e3, w->a, w->d, restore);
		return;
	}
	/* Before any round, what the app writes is unknown: at most what it
	 * touches, maybe nothing. The plan takes the best case: round 0 is
	 * no loss against copy (its final dump moves only what was written
	 * since, and the rounds say how much), and the rounds give the
	 * chain up for lazy when they find it worse. The worst case is
	 * shown beside it. */
	static const struct wlcr_wss none = { .a = 0, .d = 1, .fitted = true };
	struct chain worst;
	chain_predict(in, k, &none, (double)in->memory, 1, &c);
	unsigned n = chain_best(in, k, w, (double)in->memory, 1, WLCR_MAX_ROUNDS, &worst);
	e->rounds = 1;
	e->frozen = c.frozen;
	e->total = c.total;
	e->cost = c.cost;
	snprintf(e->note, sizeof(e->note),
		 "at least: %.0f ms freeze of round 0, and the rounds measure its writes; "
		 "%.0f ms after %u round%s if it writes all it touches; restore %s",
		 freeze * 1e3, worst.frozen * 1e3, n, n == 1 ? "" : "s", restore);
}

/* Why the plan chose as it did, a line per mode. */
static void explain(const struct wlcr_plan_in *in, struct wlcr_plan *plan)
{
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
}

int wlcr_plan(const struct wlcr_plan_in *in, struct wlcr_plan *plan)
{
	const struct wlcr_plan_costs *k = costs_of(in);
	memset(plan, 0, sizeof(*plan));
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES; m++) {
		struct wlcr_plan_est *e = &plan->est[m];
		e->possible = in->possible & WLCR_MODE_BIT(m);
		if (!e->possible) {
			e->frozen = e->total = e->cost = NAN;
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

	/* the allowed mode with the lowest predicted cost (the frozen time,
	 * and a pre-copy's rounds' own freezes); on a tie the simpler mode.
	 * Pre-copy without a prediction only when nothing else is allowed */
	enum wlcr_mode best = WLCR_MODE_NONE;
	for (int m = WLCR_MODE_COPY; m < WLCR_NMODES; m++) {
		const struct wlcr_plan_est *e = &plan->est[m];
		if (!e->possible || !(in->allowed & WLCR_MODE_BIT(m)) || isnan(e->cost))
			continue;
		if (best == WLCR_MODE_NONE || e->cost < plan->est[best].cost)
			best = m;
	}
	if (best == WLCR_MODE_NONE && (in->allowed & WLCR_MODE_BIT(WLCR_MODE_PRECOPY)) &&
	    plan->est[WLCR_MODE_PRECOPY].possible)
		best = WLCR_MODE_PRECOPY;
	plan->mode = best;
	explain(in, plan);
	return best == WLCR_MODE_NONE ? -ENOENT : 0;
}

/* go-phaul: at most 8 rounds; stop when a round found fewer than 64
 * written pages, or when the written set grew by 32 pages or more since
 * the round before (the app writes faster than the rounds catch up). */
static enum wlcr_round_action gophaul(const struct wlcr_rounds *r)
{
	if (r->n >= WLCR_MAX_ROUNDS)
		return WLCR_ROUND_FINAL;
	if (r->n < 2)
		return WLCR_ROUND_MORE; /* round 0 sent everything */
	double w = r->written[r->n - 1];
	if (w < 64)
		return WLCR_ROUND_FINAL;
	if (r->n >= 3 && w >= r->written[r->n - 2] + 32)
		return WLCR_ROUND_FINAL;
	return WLCR_ROUND_MORE;
}

/* The rounds' (interval, written) points; returns how many. */
static size_t round_points(const struct wlcr_rounds *r, double *t, double *y)
{
	size_t np = 0;
	for (unsigned i = 1; i < r->n && i < WLCR_MAX_ROUNDS; i++) {
		if (r->interval[i] <= 0)
			continue;
		t[np] = r->interval[i];
		y[np] = r->written[i];
		np++;
	}
	return np;
}

void wlcr_plan_next_round(const struct wlcr_plan_in *in, struct wlcr_wss *wss,
			  const struct wlcr_rounds *r, enum wlcr_round_rule rule,
			  struct wlcr_round_decision *ret)
{
	const struct wlcr_plan_costs *k = costs_of(in);
	double mem = (double)in->memory, link = rate(in->bandwidth, k->copy_rate);
	double freeze = wlcr_plan_predump_freeze(k, in->memory);
	double t[WLCR_MAX_ROUNDS], y[WLCR_MAX_ROUNDS];
	memset(ret, 0, sizeof(*ret));
	ret->instead = WLCR_MODE_NONE;
	if (r->n == 0) {
		/* round 0 copies everything while the app runs */
		ret->action = WLCR_ROUND_MORE;
		ret->frozen = ret->cost = NAN;
		snprintf(ret->why, sizeof(ret->why), "round 0 sends everything while it runs");
		return;
	}
	size_t np = round_points(r, t, y);
	if (np < 2 || wlcr_wss_fit(t, y, np, wss) < 0) {
		/* No model yet. What the final dump would move now is at most
		 * what the one round measured found (written pages only grow
		 * with time, and this round was shorter), or the line through
		 * what the app touches, or everything. Another round cannot
		 * save more than the time to move that: when even that is
		 * less than a round's freeze, stop; otherwise run it, and it
		 * measures the app. */
		struct wlcr_wss bound;
		double pending = mem;
		if (np == 1)
			pending = fmin(mem, y[0] * PAGE);
		else if (wss_or_bound(in, &bound))
			pending = fmin(mem, wlcr_wss_eval(&bound, r->since_last) * PAGE);
		struct chain now;
		static const struct wlcr_wss none = { .a = 0, .d = 1, .fitted = true };
		chain_predict(in, k, &none, pending, 0, &now);
		ret->frozen = now.frozen;
		ret->cost = now.cost;
		if (rule == WLCR_RULE_GOPHAUL) {
			ret->action = gophaul(r);
			snprintf(ret->why, sizeof(ret->why), "go-phaul's rule");
		} else {
			bool pays = pending / link + pending / PAGE * k->page_cost > freeze;
			ret->action = pays ? WLCR_ROUND_MORE : WLCR_ROUND_FINAL;
			ret->more = pays;
			snprintf(ret->why, sizeof(ret->why), "at most %.0f pages to move: %s",
				 pending / PAGE,
				 pays ? "another round measures the app's writes"
				      : "less than a round's own freeze");
		}
		return;
	}

	/* the final dump now moves what was written since the last round
	 * began */
	double pending = fmin(mem, wlcr_wss_eval(wss, r->since_last) * PAGE);
	struct chain best;
	unsigned left = r->n >= WLCR_MAX_ROUNDS ? 0 : WLCR_MAX_ROUNDS - r->n;
	unsigned more = chain_best(in, k, wss, pending, 0, left, &best);
	ret->frozen = best.frozen;
	ret->cost = best.cost;
	if (rule == WLCR_RULE_GOPHAUL) {
		struct chain now;
		chain_predict(in, k, wss, pending, 0, &now);
		ret->action = gophaul(r);
		ret->frozen = now.frozen;
		ret->cost = now.cost;
		snprintf(ret->why, sizeof(ret->why), "go-phaul's rule");
		return;
	}
	ret->more = more;
	ret->action = more ? WLCR_ROUND_MORE : WLCR_ROUND_FINAL;
	snprintf(ret->why, sizeof(ret->why),
		 "M(t) = %.0f t/(t + %.3f) pages: %u more round%s, then %.0f ms frozen", wss->a,
		 wss->d, more, more == 1 ? "" : "s", best.frozen * 1e3);

	/* auto: another allowed mode may now look better than anything the
	 * chain can still do (the rounds found the app writing more than
	 * expected) */
	struct wlcr_plan other;
	struct wlcr_plan_in alt = *in;
	alt.allowed &= ~WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	if (!alt.allowed || wlcr_plan(&alt, &other) < 0)
		return;
	const struct wlcr_plan_est *e = &other.est[other.mode];
	if (e->cost < best.cost * ABANDON_MARGIN) {
		ret->action = WLCR_ROUND_ABANDON;
		ret->instead = other.mode;
		snprintf(ret->why, sizeof(ret->why),
			 "M(t) = %.0f t/(t + %.3f) pages: the chain's best is %.0f ms, %s %.0f ms",
			 wss->a, wss->d, best.cost * 1e3, wlcr_mode_name(other.mode),
			 e->cost * 1e3);
	}
}
