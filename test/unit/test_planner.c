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
	CHECK(p->frozen <=
	      k->precopy_fixed + 4 * MIB / (100 * MIB) + 800 * MIB / k->restore_rate + 1e-9);
	CHECK(p->frozen < plan.est[WLCR_MODE_COPY].frozen);
	/* an app that writes nothing needs one round */
	w.a = 0;
	CHECK_EQ(wlcr_plan(&in, &plan), 0);
	CHECK_EQ(plan.est[WLCR_MODE_PRECOPY].rounds, 1);
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
	{ "only_allowed_and_possible_modes_are_picked",
	  only_allowed_and_possible_modes_are_picked },
	{ "precopy_without_a_model_waits_for_its_rounds",
	  precopy_without_a_model_waits_for_its_rounds },
	{ "precopy_rounds_follow_the_working_set", precopy_rounds_follow_the_working_set },
	{ "the_fit_finds_the_model_it_was_given", the_fit_finds_the_model_it_was_given },
	{ "the_fit_copes_with_noise_and_nothing", the_fit_copes_with_noise_and_nothing },
	{ "modes_have_names", modes_have_names },
};

UNIT_MAIN(cases)
