#include "wss.h"

#include <errno.h>
#include <math.h>
#include <string.h>

double wlcr_wss_eval(const struct wlcr_wss *w, double t)
{
	return t <= 0 ? 0 : w->a * t / (t + w->d);
}

static double sse(const double *t, const double *y, size_t n, double a, double d)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double r = a * t[i] / (t[i] + d) - y[i];
		s += r * r;
	}
	return s;
}

int wlcr_wss_fit(const double *t, const double *y, size_t n, struct wlcr_wss *out)
{
	double ymax = 0, tmax = 0;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (t[i] < 0 || y[i] < 0)
			return -EINVAL;
		ymax = fmax(ymax, y[i]);
		tmax = fmax(tmax, t[i]);
	}
	if (n < 2 || tmax <= 0)
		return -EINVAL;
	if (ymax == 0) {
		/* writes nothing: M = 0 fits exactly */
		out->a = 0;
		out->d = 1;
		out->fitted = true;
		return 0;
	}
	/* start where the curve has risen to half its largest value */
	double a = 2 * ymax, d = tmax / 2, lambda = 1e-3;
	double cur = sse(t, y, n, a, d);
	for (int iter = 0; iter < 200; iter++) {
		/* the normal equations of the 2x2 problem: J^T J and J^T r */
		double jaa = 0, jad = 0, jdd = 0, ga = 0, gd = 0;
		for (size_t i = 0; i < n; i++) {
			double s = t[i] + d;
			double da = t[i] / s;		 /* dM/da */
			double dd = -a * t[i] / (s * s); /* dM/dd */
			double r = a * t[i] / s - y[i];
			jaa += da * da;
			jad += da * dd;
			jdd += dd * dd;
			ga += da * r;
			gd += dd * r;
		}
		bool improved = false;
		while (lambda < 1e12) {
			double m11 = jaa * (1 + lambda), m22 = jdd * (1 + lambda), m12 = jad;
			double det = m11 * m22 - m12 * m12;
			if (fabs(det) < 1e-300) {
				lambda *= 10;
				continue;
			}
			double sa = (-ga * m22 + gd * m12) / det;
			double sd = (-gd * m11 + ga * m12) / det;
			double na = a + sa, nd = d + sd;
			if (na > 0 && nd > 0) {
				double next = sse(t, y, n, na, nd);
				if (next < cur) {
					double gain = cur - next;
					a = na;
					d = nd;
					cur = next;
					lambda = fmax(lambda / 10, 1e-12);
					improved = true;
					if (gain <= 1e-12 * (cur + 1e-30))
						goto done;
					break;
				}
			}
			lambda *= 10;
		}
		if (!improved)
			goto done;
	}
	/* still creeping after 200 steps: the best so far is good enough */
done:
	out->a = a;
	out->d = d;
	out->rms = sqrt(cur / (double)n);
	out->fitted = true;
	return 0;
}
