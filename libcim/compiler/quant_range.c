// SPDX-License-Identifier: MIT
/*
 * Activation ranges that minimize the int8 error.  The min/max of the
 * calibration set spends most of the 256 levels on a few outliers: a
 * narrower range rounds every other value finer and clips the outliers.
 * Calibration fills one histogram per tensor (a side for the negative
 * values, one for the positive, each in bins whose width doubles
 * whenever a value falls past the last one, so one pass over the data
 * is enough and zero stays on a bin edge) and cqi_hist_range() picks the
 * clipped range [a, b] whose expected squared error, rounding noise
 * (step^2 / 12 per value not exactly 0: zeros stay exact) plus clipping,
 * is smallest.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"

int cqi_hist_init(struct cqi_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->bins = calloc(2 * CQI_HIST_BINS, sizeof(*h->bins));
	return h->bins ? 0 : -ENOMEM;
}

void cqi_hist_free(struct cqi_hist *h)
{
	free(h->bins);
	h->bins = NULL;
}

/* Side s (0: negative values, 1: positive) twice as coarse. */
static void coarsen(struct cqi_hist *h, int s)
{
	uint64_t *c = h->bins + (size_t)s * CQI_HIST_BINS;
	uint32_t i;

	for (i = 0; i < CQI_HIST_BINS / 2; i++)
		c[i] = c[2 * i] + c[2 * i + 1];
	memset(c + CQI_HIST_BINS / 2, 0, CQI_HIST_BINS / 2 * sizeof(*c));
	h->width[s] *= 2;
}

void cqi_hist_add(struct cqi_hist *h, const float *v, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		float x = v[i], m = fabsf(x);
		int s = x > 0;
		double q;

		if (!(m > 0)) {		/* 0, or a NaN no range can hold */
			h->zeros += m == 0;
			continue;
		}
		if (!isfinite(m))
			continue;
		if (h->width[s] == 0)	/* the first value: half way up */
			h->width[s] = (double)m * 2 / CQI_HIST_BINS;
		while ((q = m / h->width[s]) >= CQI_HIST_BINS)
			coarsen(h, s);
		h->bins[(size_t)s * CQI_HIST_BINS + (uint32_t)q]++;
	}
}

/*
 * One side's prefix sums of count, count * c and count * c^2 (c the
 * bin's centre, a magnitude) and its number of bins in use.
 */
struct side {
	double n[CQI_HIST_BINS + 1], s1[CQI_HIST_BINS + 1], s2[CQI_HIST_BINS + 1];
	uint32_t used;
	double width;
};

static void prefix(const struct cqi_hist *h, int s, struct side *d)
{
	const uint64_t *c = h->bins + (size_t)s * CQI_HIST_BINS;
	uint32_t i;

	d->width = h->width[s];
	d->used = 0;
	d->n[0] = d->s1[0] = d->s2[0] = 0;
	for (i = 0; i < CQI_HIST_BINS; i++) {
		double x = (i + 0.5) * d->width, k = (double)c[i];

		d->n[i + 1] = d->n[i] + k;
		d->s1[i + 1] = d->s1[i] + k * x;
		d->s2[i + 1] = d->s2[i] + k * x * x;
		if (c[i])
			d->used = i + 1;
	}
}

/* Squared error of clipping side d at magnitude j * width: bins j and up. */
static double clip_err(const struct side *d, uint32_t j)
{
	double b = j * d->width, n = d->n[d->used] - d->n[j];
	double s1 = d->s1[d->used] - d->s1[j], s2 = d->s2[d->used] - d->s2[j];

	return s2 - 2 * b * s1 + b * b * n;
}

/* Candidate edges of a side: CQI_HIST_CANDS steps down from its top. */
#define CQI_HIST_CANDS 128

static uint32_t cand(const struct side *d, uint32_t i)
{
	uint32_t j = (uint32_t)(((uint64_t)d->used * (CQI_HIST_CANDS - i) +
				 CQI_HIST_CANDS - 1) / CQI_HIST_CANDS);

	return j ? j : 1;
}

int cqi_hist_range(const struct cqi_hist *h, float *lo, float *hi)
{
	struct side *d = malloc(2 * sizeof(*d));
	double best = INFINITY, nz;
	uint32_t i, k, ia = 0, ib = 0, na, nb;

	if (!d)
		return -ENOMEM;
	prefix(h, 0, &d[0]);
	prefix(h, 1, &d[1]);
	nz = d[0].n[d[0].used] + d[1].n[d[1].used];
	*lo = *hi = 0;
	if (nz == 0) {
		free(d);
		return 0;
	}
	/* an empty side stays at 0: a range never reaches past the data */
	na = d[0].used ? CQI_HIST_CANDS : 1;
	nb = d[1].used ? CQI_HIST_CANDS : 1;
	for (i = 0; i < na; i++) {
		uint32_t ja = d[0].used ? cand(&d[0], i) : 0;
		double a = ja * d[0].width, ea = ja ? clip_err(&d[0], ja) : 0;

		for (k = 0; k < nb; k++) {
			uint32_t jb = d[1].used ? cand(&d[1], k) : 0;
			double b = jb * d[1].width, step = (a + b) / 255;
			double in = d[0].n[ja] + d[1].n[jb];
			double e = ea + (jb ? clip_err(&d[1], jb) : 0) +
				   in * step * step / 12;

			if (e < best) {
				best = e;
				ia = ja;
				ib = jb;
			}
		}
	}
	*lo = -(float)(ia * d[0].width);
	*hi = (float)(ib * d[1].width);
	free(d);
	return 0;
}
