/* cli/planner.c and cli/wss.c: the mode choice from measured inputs, and
 * the working-set fit the pre-copy planning rests on. */
#include <errno.h>
#include <math.h>

#include "planner.h"
#include "unit.h"
#include "wss.h"

#define MIB (1024.0 * 1024)

static struct wlcr_plan_in input(double mib, double bandwidth)
{
	struct wlcr_plan_in in = {
		.memory = (uint64_t)(mib * MIB),
		.bandwidth = bandwidth,
		.rtt = 1e-4,
		.allowed = WLCR_MODES_ALL,
		.possible = WLCR_MODE_BIT(WLCR_MODE_COPY) | WLCR_MODE_BIT(WLCR_MODE_LAZY),
		.why_not = { [WLCR_MODE_PRECOPY] = "no dirty-page tracking" },
	};
	return in;
}

static void copy_grows_with_memory_lazy_does_not(void)
{
	struct wlcr_plan small, big;
	struct wlcr_plan_in in = input(10, 100 * MIB);
	CHECK_EQ(wlcr_plan(&in, &small), 0);
	in = input(800, 100 * MIB);
	CHECK_EQ(wlcr_plan(&in, &big), 0);
	const struct wlcr_plan_est *c0 = &small.est[WLCR_MODE_COPY], *c1 = &big.est[WLCR_MODE_COPY];
	const struct wlcr_plan_est *l0 = &small.est[WLCR_MODE_LAZY], *l1 = &big.est[WLCR_MODE_LAZY];
	/* 790 MiB more at the slower of 100 MiB/s and criu's rate */
	double r = fmin(100 * MIB, wlcr_plan_default_costs.copy_rate);
	CHECK(fabs(c1->frozen - c0->frozen - 790 * MIB / r) < 0.01);
	CHECK(fabs(l1->frozen - l0->frozen) < 1e-9);
	/* lazy's memory comes while it runs: its total grows, not its freeze */
	CHECK(l1->total > l0->total + 7);
	CHECK_EQ(big.mode, WLCR_MODE_LAZY);
}

static void lazy_pays_for_what_the_app_touches(void)
{
	struct wlcr_plan plan;
	/* a terminal: little memory, but it touches much of it to draw */
	struct wlcr_plan_in in = input(8, 1000 * MIB);
	in.touched = (uint64_t)(4 * MIB);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_COPY);
	/* a big writer that touches little per frame */
	in = input(800, 1000 * MIB);
	in.touched = (uint64_t)(0.5 * MIB);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_LAZY);
}

static void lazy_waits_for_a_small_apps_pages(void)
{
	struct wlcr_plan plan;
	/* a terminal of 8 MiB: all of it moves in a few tens of ms, less
	 * than the faults of 4 MiB touched one by one */
	struct wlcr_plan_in in = input(8, 400 * MIB);
	in.touched = (uint64_t)(4 * MIB);
	CHECK(wlcr_plan_lazy_prefetch(&in) > 0);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK(strstr(plan.est[WLCR_MODE_LAZY].note, "all its pages before it runs") != NULL);
	CHECK(plan.est[WLCR_MODE_LAZY].frozen < wlcr_plan_default_costs.lazy_fixed + 0.1);
	/* 200 MiB would take seconds: it runs at once, and faults */
	in = input(200, 400 * MIB);
	in.touched = (uint64_t)(1 * MIB);
	CHECK(wlcr_plan_lazy_prefetch(&in) == 0);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK(strstr(plan.est[WLCR_MODE_LAZY].note, "faults") != NULL);
}

static void the_slower_of_link_and_criu_sets_the_pace(void)
{
	struct wlcr_plan fast, slow;
	struct wlcr_plan_in in = input(100, 10e9);
	CHECK_EQ(wlcr_plan(&in, &fast), 0);
	in = input(100, 10 * MIB);
	CHECK_EQ(wlcr_plan(&in, &slow), 0);
	const struct wlcr_plan_costs *k = &wlcr_plan_default_costs;
	CHECK(fabs(fast.est[WLCR_MODE_COPY].frozen - k->copy_fixed - 100 * MIB / k->copy_rate) <
	      1e-9);
	CHECK(fabs(slow.est[WLCR_MODE_COPY].frozen - k->copy_fixed - 10) < 1e-9);
}

static void only_allowed_and_possible_modes_are_picked(void)
{
	struct wlcr_plan plan;
	struct wlcr_plan_in in = input(200, 100 * MIB);
	in.allowed &= ~WLCR_MODE_BIT(WLCR_MODE_LAZY); /* --no-lazy */
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_COPY);
	CHECK(strstr(plan.why, "lazy (not allowed)") != NULL);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	CHECK_EQ(wlcr_plan(&in, &plan), -ENOENT);
	CHECK_EQ(plan.mode, WLCR_MODE_NONE);
	CHECK(strstr(plan.why, "no dirty-page tracking") != NULL);
}

static void precopy_without_a_model_waits_for_its_rounds(void)
{
	struct wlcr_plan plan;
	struct wlcr_plan_in in = input(200, 100 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK(isnan(plan.est[WLCR_MODE_PRECOPY].frozen));
	CHECK_EQ(plan.mode, WLCR_MODE_LAZY);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY) | WLCR_MODE_BIT(WLCR_MODE_COPY);
	/* copy has a prediction, pre-copy not yet: copy */
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_COPY);
}

static void precopy_rounds_follow_the_working_set(void)
{
	struct wlcr_plan plan;
	struct wlcr_plan_in in = input(800, 100 * MIB);
	/* rewrites 1024 pages (4 MiB) within a second, half of them in 0.2 s */
	struct wlcr_wss w = { .a = 1024, .d = 0.2, .fitted = true };
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY) | WLCR_MODE_BIT(WLCR_MODE_COPY);
	in.wss = &w;
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	const struct wlcr_plan_est *p = &plan.est[WLCR_MODE_PRECOPY];
	CHECK_EQ(plan.mode, WLCR_MODE_PRECOPY);
	CHECK(p->rounds >= 1 && p->rounds <= 8);
	/* the final dump moves at most the working set; the restore reads all */
	const struct wlcr_plan_costs *k = &wlcr_plan_default_costs;
	CHECK(p->frozen <= k->precopy_fixed + 4 * MIB / (100 * MIB) + 1024 * k->page_cost +
				   800 * MIB / k->restore_rate + 1e-9);
	CHECK(p->frozen < plan.est[WLCR_MODE_COPY].frozen);
	/* an app that writes nothing needs one round */
	w.a = 0;
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.est[WLCR_MODE_PRECOPY].rounds, 1);
}

static void auto_plans_precopy_from_what_the_app_touches(void)
{
	struct wlcr_plan plan;
	/* a 200 MiB writer touching 1 MiB in 100 ms, lazy not allowed */
	struct wlcr_plan_in in = input(200, 400 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.allowed &= ~WLCR_MODE_BIT(WLCR_MODE_LAZY);
	in.touched = (uint64_t)(1 * MIB);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	const struct wlcr_plan_est *p = &plan.est[WLCR_MODE_PRECOPY];
	CHECK(!isnan(p->frozen));
	CHECK(p->rounds >= 1 && p->rounds <= WLCR_MAX_ROUNDS);
	CHECK_EQ(plan.mode, WLCR_MODE_PRECOPY);
	CHECK(p->cost < plan.est[WLCR_MODE_COPY].cost);
	CHECK(strstr(plan.why, "precopy: frozen") != NULL);
	/* lazy allowed: it is not frozen while its memory moves at all */
	in.allowed |= WLCR_MODE_BIT(WLCR_MODE_LAZY);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_LAZY);
	/* unless the destination restores the rounds' pages lazily too, for
	 * an app that touches 4 MiB to draw (lazy faults them over the
	 * network, a lazy restore from the destination's own images) */
	in.lazy_restore = true;
	in.touched = (uint64_t)(4 * MIB);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_PRECOPY);
	/* a small app: pre-copy cannot beat copying it */
	in = input(4, 400 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.allowed &= ~WLCR_MODE_BIT(WLCR_MODE_LAZY);
	in.touched = (uint64_t)(2 * MIB);
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.mode, WLCR_MODE_COPY);
}

/* The rounds of a simulated app that writes M(t) = a t/(t + d) pages
 * within t of a round's start, run the way wlcr migrate runs them. */
static unsigned run_rounds(const struct wlcr_plan_in *in, double a, double d,
			   enum wlcr_round_rule rule, struct wlcr_round_decision *dec,
			   struct wlcr_wss *w)
{
	const struct wlcr_plan_costs *k = &wlcr_plan_default_costs;
	struct wlcr_wss truth = { .a = a, .d = d, .fitted = true };
	struct wlcr_rounds r = { 0 };
	double freeze = wlcr_plan_predump_freeze(k, in->memory);
	/* round 0 sends everything, round i what was written during i-1 */
	double pending = (double)in->memory / 4096;
	for (;;) {
		wlcr_plan_next_round(in, w, &r, rule, dec);
		if (dec->action != WLCR_ROUND_MORE || r.n > WLCR_MAX_ROUNDS)
			return r.n;
		double round = k->round_fixed + freeze + pending * 4096 / k->copy_rate;
		r.written[r.n] = pending;
		if (r.n > 0)
			r.interval[r.n] = r.since_last;
		pending = wlcr_wss_eval(&truth, round);
		r.since_last = round;
		r.n++;
	}
}

static void the_planner_stops_when_a_round_no_longer_pays(void)
{
	struct wlcr_round_decision dec;
	struct wlcr_wss w = { 0 };
	struct wlcr_plan_in in = input(800, 400 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	/* rewrites 4 MiB within a second, half of it in 0.2 s: what a round
	 * moves takes less time than its own overhead, so a second round
	 * catches as much as a third would: two rounds */
	unsigned n = run_rounds(&in, 1024, 0.2, WLCR_RULE_PLANNER, &dec, &w);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	CHECK_EQ(n, 2);
	CHECK_EQ(dec.more, 0);
	CHECK(!isnan(dec.frozen) && dec.frozen > 0);
	/* go-phaul's rule on the same app: it stops only when a round grows,
	 * falls under 64 pages, or at 8 */
	unsigned g = run_rounds(&in, 1024, 0.2, WLCR_RULE_GOPHAUL, &dec, &w);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	CHECK(g >= n);
}

static void the_planner_keeps_rounds_that_pay_and_fits_the_app(void)
{
	struct wlcr_round_decision dec;
	struct wlcr_wss w = { 0 };
	/* over a 50 MiB/s link an app writing 80 MiB within seconds: each
	 * round is shorter than the one before, for a while */
	struct wlcr_plan_in in = input(800, 50 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	unsigned n = run_rounds(&in, 20480, 2, WLCR_RULE_PLANNER, &dec, &w);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	CHECK_OR(fprintf(stderr, "    %u rounds\n", n), n >= 3 && n <= WLCR_MAX_ROUNDS);
	/* the fit found the app it was shown */
	CHECK(w.fitted);
	CHECK_OR(fprintf(stderr, "    a %.1f d %.3f\n", w.a, w.d),
		 fabs(w.a - 20480) < 200 && fabs(w.d - 2) < 0.05);
}

static void gophaul_stops_on_growth_few_pages_or_eight(void)
{
	struct wlcr_round_decision dec;
	struct wlcr_wss w = { 0 };
	struct wlcr_plan_in in = input(100, 400 * MIB);
	struct wlcr_rounds r = { .n = 3, .interval = { 0, 0.5, 0.1 } };
	r.written[0] = 25600;
	r.written[1] = 500;
	r.written[2] = 531; /* grew by 31: on */
	r.since_last = 0.1;
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_GOPHAUL, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_MORE);
	r.written[2] = 532; /* by 32: stop */
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_GOPHAUL, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	r.written[2] = 63; /* under 64: stop */
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_GOPHAUL, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	r.written[2] = 300;
	r.n = WLCR_MAX_ROUNDS;
	for (unsigned i = 3; i < WLCR_MAX_ROUNDS; i++) {
		r.written[i] = 300;
		r.interval[i] = 0.1;
	}
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_GOPHAUL, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_FINAL);
	/* and never stops after round 0 alone */
	r.n = 1;
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_GOPHAUL, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_MORE);
}

static void auto_gives_a_chain_up_when_lazy_is_better(void)
{
	struct wlcr_round_decision dec;
	struct wlcr_wss w = { 0 };
	/* an 800 MiB app that turns out to rewrite 100 MiB within 0.1 s:
	 * every final dump would be long; lazy faults in only what it
	 * touches */
	struct wlcr_plan_in in = input(800, 400 * MIB);
	in.possible |= WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	in.touched = (uint64_t)(1 * MIB);
	struct wlcr_rounds r = { .n = 3, .interval = { 0, 2.0, 0.3 } };
	r.written[0] = 204800;
	r.written[1] = 51200;
	r.written[2] = 40000;
	r.since_last = 0.3;
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_ABANDON);
	CHECK_EQ(dec.instead, WLCR_MODE_LAZY);
	CHECK(strstr(dec.why, "lazy") != NULL);
	/* --mode precopy: the chain goes on to its best end */
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK(dec.action != WLCR_ROUND_ABANDON);
	/* --no-lazy: never lazy; here copy, which sends whole runs of pages,
	 * not 40000 scattered ones, each its own message */
	in.allowed = WLCR_MODES_ALL & ~WLCR_MODE_BIT(WLCR_MODE_LAZY);
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_ABANDON);
	CHECK_EQ(dec.instead, WLCR_MODE_COPY);
	/* an app that writes a tenth of that: the chain's final dump beats
	 * copying it all */
	r.written[1] = 5120;
	r.written[2] = 4000;
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK(dec.action != WLCR_ROUND_ABANDON);
}

static void the_planner_waits_for_round_one_without_a_bound(void)
{
	struct wlcr_round_decision dec;
	struct wlcr_wss w = { 0 };
	struct wlcr_plan_in in = input(50, 400 * MIB);
	in.allowed = WLCR_MODE_BIT(WLCR_MODE_PRECOPY);
	struct wlcr_rounds r = { .n = 0 };
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_MORE);
	/* round 0 done; nothing known of its writes (touched not measured
	 * when the mode was given): round 1 measures them */
	r.n = 1;
	r.written[0] = 12800;
	r.since_last = 0.3;
	wlcr_plan_next_round(&in, &w, &r, WLCR_RULE_PLANNER, &dec);
	CHECK_EQ(dec.action, WLCR_ROUND_MORE);
}

static void the_fit_finds_the_model_it_was_given(void)
{
	double t[8], y[8];
	for (int i = 0; i < 8; i++) {
		t[i] = 0.05 * (1 << i);
		y[i] = 5000 * t[i] / (t[i] + 0.3);
	}
	struct wlcr_wss w;
	CHECK_EQ(wlcr_wss_fit(t, y, 8, &w), 0);
	CHECK(w.fitted);
	CHECK(fabs(w.a - 5000) < 1);
	CHECK(fabs(w.d - 0.3) < 1e-3);
	CHECK(w.rms < 1e-3);
	CHECK(fabs(wlcr_wss_eval(&w, 1) - 5000 / 1.3) < 1);
}

static void the_fit_copes_with_noise_and_nothing(void)
{
	double t[6] = { 0.1, 0.2, 0.4, 0.8, 1.6, 3.2 }, y[6];
	/* +-2 % around a = 2000, d = 0.5 */
	const double noise[6] = { 0.02, -0.015, 0.01, -0.02, 0.005, -0.01 };
	for (int i = 0; i < 6; i++)
		y[i] = 2000 * t[i] / (t[i] + 0.5) * (1 + noise[i]);
	struct wlcr_wss w;
	CHECK_EQ(wlcr_wss_fit(t, y, 6, &w), 0);
	CHECK(fabs(w.a - 2000) < 100);
	CHECK(fabs(w.d - 0.5) < 0.1);
	for (int i = 0; i < 6; i++)
		y[i] = 0;
	CHECK_EQ(wlcr_wss_fit(t, y, 6, &w), 0);
	CHECK(wlcr_wss_eval(&w, 10) == 0);
	CHECK_EQ(wlcr_wss_fit(t, y, 1, &w), -EINVAL);
}

static void modes_have_names(void)
{
	CHECK_EQ(wlcr_mode_parse("copy"), WLCR_MODE_COPY);
	CHECK_EQ(wlcr_mode_parse("lazy"), WLCR_MODE_LAZY);
	CHECK_EQ(wlcr_mode_parse("precopy"), WLCR_MODE_PRECOPY);
	CHECK_EQ(wlcr_mode_parse("auto"), 0);
	CHECK_EQ(wlcr_mode_parse("fast"), -1);
	CHECK(strcmp(wlcr_mode_name(WLCR_MODE_LAZY), "lazy") == 0);
}

static const struct unit_case cases[] = {
	{ "copy_grows_with_memory_lazy_does_not", copy_grows_with_memory_lazy_does_not },
	{ "the_slower_of_link_and_criu_sets_the_pace", the_slower_of_link_and_criu_sets_the_pace },
	{ "lazy_pays_for_what_the_app_touches", lazy_pays_for_what_the_app_touches },
	{ "lazy_waits_for_a_small_apps_pages", lazy_waits_for_a_small_apps_pages },
	{ "only_allowed_and_possible_modes_are_picked",
	  only_allowed_and_possible_modes_are_picked },
	{ "precopy_without_a_model_waits_for_its_rounds",
	  precopy_without_a_model_waits_for_its_rounds },
	{ "precopy_rounds_follow_the_working_set", precopy_rounds_follow_the_working_set },
	{ "auto_plans_precopy_from_what_the_app_touches",
	  auto_plans_precopy_from_what_the_app_touches },
	{ "the_planner_stops_when_a_round_no_longer_pays",
	  the_planner_stops_when_a_round_no_longer_pays },
	{ "the_planner_keeps_rounds_that_pay_and_fits_the_app",
	  the_planner_keeps_rounds_that_pay_and_fits_the_app },
	{ "gophaul_stops_on_growth_few_pages_or_eight",
	  gophaul_stops_on_growth_few_pages_or_eight },
	{ "auto_gives_a_chain_up_when_lazy_is_better", auto_gives_a_chain_up_when_lazy_is_better },
	{ "the_planner_waits_for_round_one_without_a_bound",
	  the_planner_waits_for_round_one_without_a_bound },
	{ "the_fit_finds_the_model_it_was_given", the_fit_finds_the_model_it_was_given },
	{ "the_fit_copes_with_noise_and_nothing", the_fit_copes_with_noise_and_nothing },
	{ "modes_have_names", modes_have_names },
};

UNIT_MAIN(cases)
