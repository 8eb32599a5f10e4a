/* An app's write working set over time, the model of the pre-copy planner:
 * M(t) = a·t/(t+d) pages written within t seconds of a round's start (the
 * thesis' model: a is the set the app keeps rewriting, d how fast it gets
 * there), fitted by Levenberg–Marquardt to what the rounds found. */
#ifndef WLCR_CLI_WSS_H
#define WLCR_CLI_WSS_H

#include <stdbool.h>
#include <stddef.h>

struct wlcr_wss {
	double a;   /* pages */
	double d;   /* s */
	double rms; /* of the fit's residuals, pages */
	bool fitted;
};

/* Fits M to n points (t[i] s, pages[i]). Returns 0, or -EINVAL when the
 * points cannot determine the model (fewer than two, no time). */
int wlcr_wss_fit(const double *t, const double *pages, size_t n, struct wlcr_wss *out);
/* M(t) */
double wlcr_wss_eval(const struct wlcr_wss *w, double t);

#endif
