/* wlcr-precopy-sim: replays recorded write working sets (bench/traces,
 * made by bench/wsstrace.c) through the pre-copy round rules and prints
 * which gives the shorter frozen time and total time, per app.
 *
 * usage: wlcr-precopy-sim [--bandwidth MIB_S] [--lazy-restore] TRACE...
 *
 * A simulated pre-copy runs as wlcr migrate runs one: round 0 sends all
 * the app's memory, round i what the app wrote during round i-1, then the
 * final dump what it wrote during the last round. How long a round lasts
 * and what a dump freezes come from the planner's cost model (the costs
 * bench/migrate measured, cli/planner.c) and the link; what the app wrote
 * during a round comes from the trace: round i uses the trace's sample i
 * (cyclically), the pages its tracker found written within the round's
 * length after the pre-dump let it run, and freezes the app as long as
 * that sample's pre-dump did. The decisions are the real code's
 * (wlcr_plan_next_round), once with the planner's rule and once with
 * go-phaul's; both see the same trace and the same costs, so the
 * difference between them is the rule alone. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner.h"
#include "wss.h"

#define PAGE	    4096.0
#define MAX_SAMPLES 64
#define MAX_POINTS  512

struct sample {
	double freeze; /* s the pre-dump froze the app */
	size_t n;
	double t[MAX_POINTS], pages[MAX_POINTS]; /* t in s */
};

struct trace {
	char app[64];
	double memory; /* bytes */
	size_t nsamples;
	struct sample s[MAX_SAMPLES];
};

static int load(const char *path, struct trace *tr)
{
	FILE *f = fopen(path, "re");
	char line[256];
	struct sample *cur = NULL;
	if (!f)
		return -errno;
	memset(tr, 0, sizeof(*tr));
	while (fgets(line, sizeof(line), f)) {
		double a, b;
		int k;
		if (line[0] == '#')
			continue;
		if (sscanf(line, "app %63s", tr->app) == 1)
			continue;
		if (sscanf(line, "memory %lf", &tr->memory) == 1)
			continue;
		if (sscanf(line, "sample %d freeze_ms %lf", &k, &a) == 2) {
			if (tr->nsamples >= MAX_SAMPLES)
				break;
			cur = &tr->s[tr->nsamples++];
			cur->freeze = a / 1e3;
			continue;
		}
		if (cur && sscanf(line, "%lf %lf", &a, &b) == 2 && cur->n < MAX_POINTS) {
			cur->t[cur->n] = a / 1e3;
			cur->pages[cur->n] = b;
			cur->n++;
		}
	}
	fclose(f);
	return tr->nsamples && tr->memory > 0 ? 0 : -EINVAL;
}

/* Pages the sample found written within t s; past its end, the pace of
 * its last second goes on, up to all of the app's pages. */
static double written(const struct trace *tr, const struct sample *s, double t)
{
	double all = tr->memory / PAGE;
	if (s->n == 0 || t <= 0)
		return 0;
	if (t <= s->t[0])
		return s->pages[0] * t / (s->t[0] > 0 ? s->t[0] : 1);
	for (size_t i = 1; i < s->n; i++)
		if (t <= s->t[i]) {
			double f = (t - s->t[i - 1]) / (s->t[i] - s->t[i - 1]);
			return s->pages[i - 1] + f * (s->pages[i] - s->pages[i - 1]);
		}
	size_t j = s->n - 1, i = j;
	while (i > 0 && s->t[j] - s->t[i] < 1)
		i--;
	double slope = s->t[j] > s->t[i] ? (s->pages[j] - s->pages[i]) / (s->t[j] - s->t[i]) : 0;
	return fmin(all, s->pages[j] + slope * (t - s->t[j]));
}

struct result {
	unsigned rounds;
	double frozen;	  /* s: the final dump's freeze */
	double freezes;	  /* s: the rounds' own freezes */
	double total;	  /* s: from round 0's start to the app running there */
	double bytes;	  /* sent */
	double predicted; /* s: the final freeze the rule's decision predicted */
};

static void simulate(const struct trace *tr, const struct wlcr_plan_in *in,
		     enum wlcr_round_rule rule, struct result *res)
{
	const struct wlcr_plan_costs *k = &wlcr_plan_default_costs;
	double link = in->bandwidth > 0 ? fmin(in->bandwidth, k->copy_rate) : k->copy_rate;
	struct wlcr_rounds r = { 0 };
	struct wlcr_wss w = { 0 };
	struct wlcr_round_decision dec;
	double pending = tr->memory; /* bytes the next run sends */
	memset(res, 0, sizeof(*res));
	for (;;) {
		wlcr_plan_next_round(in, &w, &r, rule, &dec);
		if (dec.action != WLCR_ROUND_MORE)
			break;
		const struct sample *s = &tr->s[r.n % tr->nsamples];
		/* round 0 sends whole runs; later rounds scattered pages */
		double scattered = r.n ? pending / PAGE * k->page_cost : 0;
		double round = k->round_fixed + s->freeze + pending / link + scattered;
		res->freezes += s->freeze;
		res->total += round;
		res->bytes += pending;
		r.written[r.n] = pending / PAGE;
		if (r.n > 0)
			r.interval[r.n] = r.since_last;
		/* the app runs from the pre-dump's unfreezing to the next run */
		pending = fmin(tr->memory, written(tr, s, round - s->freeze) * PAGE);
		r.since_last = round;
		r.n++;
	}
	res->rounds = r.n;
	res->predicted = dec.frozen;
	double restore = in->lazy_restore ? (double)in->touched / PAGE * k->local_fault
					  : tr->memory / k->restore_rate;
	res->frozen = k->precopy_fixed + pending / link + pending / PAGE * k->page_cost + restore;
	res->total += res->frozen;
	res->bytes += pending;
}

static const char *better(double a, double b)
{
	/* within a millisecond (or 0.5 %): the same */
	if (fabs(a - b) <= fmax(1e-3, 0.005 * fmin(a, b)))
		return "same";
	return a < b ? "planner" : "go-phaul";
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bandwidth", required_argument, NULL, 'b' },
		{ "lazy-restore", no_argument, NULL, 'l' },
		{ 0 },
	};
	double bandwidth = 0;
	bool lazy_restore = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bandwidth = atof(optarg) * 1048576;
			break;
		case 'l':
			lazy_restore = true;
			break;
		default:
			fprintf(stderr, "usage: wlcr-precopy-sim [--bandwidth MIB_S] "
					"[--lazy-restore] TRACE...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: wlcr-precopy-sim [--bandwidth MIB_S] [--lazy-restore] "
				"TRACE...\n");
		return 2;
	}
	printf("| app (memory) | rule | rounds | final freeze, ms | rounds' freezes, ms | total, s "
	       "| MiB sent | shorter final freeze | shorter with the rounds' | shorter total |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|\n");
	int ret = 0;
	for (int i = optind; i < argc; i++) {
		static struct trace tr;
		if (load(argv[i], &tr) < 0) {
			fprintf(stderr, "wlcr-precopy-sim: %s: not a trace\n", argv[i]);
			ret = 1;
			continue;
		}
		/* --mode precopy: nothing measured before the rounds; what the
		 * app touches (for a lazy restore's faults) as the trace's
		 * first 100 ms of writes */
		struct wlcr_plan_in in = {
			.memory = (uint64_t)tr.memory,
			.bandwidth = bandwidth,
			.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY),
			.possible = WLCR_MODES_ALL,
			.lazy_restore = lazy_restore,
		};
		if (lazy_restore)
			in.touched = (uint64_t)(written(&tr, &tr.s[0], 0.1) * PAGE);
		struct result p, g;
		simulate(&tr, &in, WLCR_RULE_PLANNER, &p);
		in.touched = lazy_restore ? in.touched : 0;
		simulate(&tr, &in, WLCR_RULE_GOPHAUL, &g);
		const char *bf = better(p.frozen, g.frozen);
		const char *ba = better(p.frozen + p.freezes, g.frozen + g.freezes);
		const char *bt = better(p.total, g.total);
		for (int rule = 0; rule < 2; rule++) {
			const struct result *x = rule ? &g : &p;
			printf("| %s (%.1f MiB) | %s | %u | %.0f | %.0f | %.2f | %.1f | %s | %s | "
			       "%s "
			       "|\n",
			       tr.app, tr.memory / 1048576, rule ? "go-phaul" : "planner",
			       x->rounds, x->frozen * 1e3, x->freezes * 1e3, x->total,
			       x->bytes / 1048576, rule ? "" : bf, rule ? "" : ba, rule ? "" : bt);
		}
	}
	return ret;
}
