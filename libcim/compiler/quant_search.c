// SPDX-License-Identifier: MIT
/*
 * Calibration statistics of FC/CONV inputs and what the quantizer does
 * with them (docs/compiler.md, "Quantization"):
 *
 *  - per layer (and group) the mean mu and the covariance C of the
 *    im2col input vectors x over the calibration set, in the graph's
 *    weight order (FC: the input's elements; CONV: (ci, ky, kx));
 *  - for 4-bit weights, a per-channel search over clipped ranges for the
 *    scale and zero point minimizing the expected output error after
 *    bias correction, e^T C e with e = w_hat - w (the plain weight MSE
 *    e^T e without statistics);
 *  - bias correction: b -= e . mu, the mean output error the rounding of
 *    the weights would add.
 *
 * Everything is deterministic: fixed grids, sums in a fixed order, ties
 * to the first (widest) candidate.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"

#include "quant.h"

int cqi_stats_init(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n)
{
	const struct cim_tensor *w = &g->tensors[n->inputs[1]];
	size_t m2;

	memset(s, 0, sizeof(*s));
	s->groups = n->op == CIM_NODE_CONV ? n->attr.conv.group : 1;
	s->kg = (uint32_t)(w->size / w->dims[0]);
	s->full = s->kg <= CQI_FULL_COV_MAX;
	m2 = (size_t)s->groups * s->kg * (s->full ? s->kg : 1);
	s->sum = calloc((size_t)s->groups * s->kg, sizeof(double));
	s->sumf = calloc((size_t)s->groups * s->kg, sizeof(double));
	s->m2 = calloc(m2, sizeof(double));
	s->cross = s->full ? calloc(m2, sizeof(double)) : NULL;
	s->x = malloc(2 * (size_t)s->kg * sizeof(double));
	if (!s->sum || !s->sumf || !s->m2 || (s->full && !s->cross) || !s->x) {
		cqi_stats_free(s);
		return -ENOMEM;
	}
	return 0;
}

void cqi_stats_free(struct cqi_stats *s)
{
	free(s->sum);
	free(s->sumf);
	free(s->m2);
	free(s->cross);
	free(s->x);
	memset(s, 0, sizeof(*s));
}

/* One input vector of group grp: x (as the layer sees it), xf (float). */
static void add_vec(struct cqi_stats *s, uint32_t grp)
{
	uint32_t K = s->kg, i, j;
	double *sum = s->sum + (size_t)grp * K, *x = s->x, *xf = s->x + K;
	double *sumf = s->sumf + (size_t)grp * K;

	for (i = 0; i < K; i++) {
		sum[i] += x[i];
		sumf[i] += xf[i];
	}
	if (!s->full) {
		double *d = s->m2 + (size_t)grp * K;

		for (i = 0; i < K; i++)
			d[i] += x[i] * x[i];
		return;
	}
	for (i = 0; i < K; i++) {
		double *row = s->m2 + ((size_t)grp * K + i) * K;
		double *cr = s->cross + ((size_t)grp * K + i) * K;

		if (xf[i] != 0)
			for (j = 0; j < K; j++)	/* E[xf x^T] */
				cr[j] += xf[i] * x[j];
		if (x[i] == 0)
			continue;
		for (j = i; j < K; j++)	/* upper triangle, mirrored later */
			row[j] += x[i] * x[j];
	}
}

/* Elements per im2col block of the CONV statistics. */
#define STATS_BLOCK	(1u << 18)

/*
 * The vectors of one group: X, Xf (K x cols, row-major, one vector per
 * column; Xf may be X) added at once, with BLAS: C += X X^T (upper
 * triangle), cross += Xf X^T.
 */
static void add_block(struct cqi_stats *s, uint32_t grp, const double *X,
		      const double *Xf, size_t cols)
{
	uint32_t K = s->kg, i;
	double *sum = s->sum + (size_t)grp * K, *sumf = s->sumf + (size_t)grp * K;
	size_t j;

	for (i = 0; i < K; i++) {
		const double *xr = X + (size_t)i * cols, *fr = Xf + (size_t)i * cols;
		double a = 0, af = 0, sq = 0;

		for (j = 0; j < cols; j++) {
			a += xr[j];
			af += fr[j];
			sq += xr[j] * xr[j];
		}
		sum[i] += a;
		sumf[i] += af;
		if (!s->full)
			s->m2[(size_t)grp * K + i] += sq;
	}
	if (!s->full)
		return;
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)K, (int)cols,
		    1.0, X, (int)cols, 1.0, s->m2 + (size_t)grp * K * K, (int)K);
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)K, (int)K,
		    (int)cols, 1.0, Xf, (int)cols, X, (int)cols, 1.0,
		    s->cross + (size_t)grp * K * K, (int)K);
}

static void to_double(const float *f, double *d, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		d[i] = f[i];
}

/* A CONV's input vectors, im2col blocks at a time; -ENOMEM (not added). */
static int add_conv(struct cqi_stats *s, const struct cim_graph *g,
		    const struct cim_node *n, const float *in, const float *inf)
{
	const struct cim_conv_attrs *a = &n->attr.conv;
	const struct cim_tensor *t = &g->tensors[n->inputs[0]];
	const struct cim_tensor *o = &g->tensors[n->output];
	uint32_t C = t->dims[1], H = t->dims[2], W = t->dims[3];
	uint32_t cpg = C / a->group, grp, K = s->kg;
	size_t plane = (size_t)o->dims[2] * o->dims[3], blk, p0;
	int same = in == inf;
	float *col;
	double *X, *Xf;

	blk = STATS_BLOCK / K ? STATS_BLOCK / K : 1;
	blk = blk > plane ? plane : blk;
	for (;;) {	/* smaller blocks when memory is short */
		col = malloc((size_t)K * blk * sizeof(float));
		X = malloc((size_t)K * blk * sizeof(double) * (same ? 1 : 2));
		if (col && X)
			break;
		free(col);
		free(X);
		if (blk == 1)
			return -ENOMEM;
		blk /= 2;
	}
	Xf = same ? X : X + (size_t)K * blk;
	for (grp = 0; grp < a->group; grp++) {
		size_t goff = (size_t)grp * cpg * H * W;

		for (p0 = 0; p0 < plane; p0 += blk) {
			size_t cols = plane - p0 < blk ? plane - p0 : blk;

			cgk_im2col(a, in + goff, cpg, H, W, o->dims[3], p0, cols, col);
			to_double(col, X, (size_t)K * cols);
			if (!same) {
				cgk_im2col(a, inf + goff, cpg, H, W, o->dims[3], p0,
					   cols, col);
				to_double(col, Xf, (size_t)K * cols);
			}
			add_block(s, grp, X, Xf, cols);
		}
	}
	s->count += plane;
	free(col);
	free(X);
	return 0;
}

void cqi_stats_add(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n, const float *in, const float *inf)
{
	uint32_t i, K = s->kg;

	if (!s->sum || !in || !inf)
		return;
	if (n->op == CIM_NODE_FC) {
		for (i = 0; i < K; i++) {
			s->x[i] = in[i];
			s->x[K + i] = inf[i];
		}
		add_vec(s, 0);
		s->count++;
		return;
	}
	add_conv(s, g, n, in, inf);
}

void cqi_stats_finish(struct cqi_stats *s)
{
	uint32_t K = s->kg, grp, i, j;
	double c = s->count ? (double)s->count : 1;

	if (!s->sum)
		return;
	for (grp = 0; grp < s->groups; grp++) {
		double *mu = s->sum + (size_t)grp * K, *muf = s->sumf + (size_t)grp * K;

		for (i = 0; i < K; i++) {
			mu[i] /= c;
			muf[i] /= c;
		}
		if (!s->full) {
			double *d = s->m2 + (size_t)grp * K;

			for (i = 0; i < K; i++)
				d[i] = fmax(d[i] / c - mu[i] * mu[i], 0);
			continue;
		}
		for (i = 0; i < K; i++) {
			double *row = s->m2 + ((size_t)grp * K + i) * K;
			double *cr = s->cross + ((size_t)grp * K + i) * K;

			for (j = 0; j < K; j++)
				cr[j] = cr[j] / c - muf[i] * mu[j];
			for (j = i; j < K; j++)
				row[j] = row[j] / c - mu[i] * mu[j];
			for (j = 0; j < i; j++)	/* lower = upper, already final */
				row[j] = s->m2[((size_t)grp * K + j) * K + i];
		}
	}
	s->done = 1;
}

void cqi_w4_minmax(const float *w, uint32_t k, float *s, int32_t *z)
{
	float lo = 0, hi = 0;
	double zz;
	uint32_t i;

	for (i = 0; i < k; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
	}
	*s = hi > lo ? (hi - lo) / 15.0f : 1.0f;
	zz = round(-lo / *s);
	*z = (int32_t)(zz < 0 ? 0 : zz > 15 ? 15 : zz);
}

/* e^T C e (C full K x K, or its diagonal, or the identity if NULL). */
static double quad(const double *e, uint32_t K, const double *C, int full)
{
	double acc = 0;
	uint32_t i, j;

	if (!C) {
		for (i = 0; i < K; i++)
			acc += e[i] * e[i];
		return acc;
	}
	if (!full) {
		for (i = 0; i < K; i++)
			acc += C[i] * e[i] * e[i];
		return acc;
	}
	for (i = 0; i < K; i++) {
		double r = 0;

		if (e[i] == 0)
			continue;
		for (j = 0; j < K; j++)
			r += C[(size_t)i * K + j] * e[j];
		acc += e[i] * r;
	}
	return acc;
}

#define N_RATIO 16	/* clip ratios 1, 0.95, ..., 0.25 of each end */

void cqi_w4_search(const float *w, uint32_t k, const double *C, int full,
		   double *e, float *s, int32_t *z)
{
	float lo = 0, hi = 0, bs;
	double best;
	int32_t bz;
	uint32_t i, a, c;

	cqi_w4_minmax(w, k, &bs, &bz);	/* candidate 0: min/max */
	for (i = 0; i < k; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
		e[i] = (double)bs * (cqi_q4(w[i], bs, bz) - bz) - w[i];
	}
	best = quad(e, k, C, full);
	if (!(hi > lo))
		goto out;
	for (a = 0; a < N_RATIO; a++) {
		for (c = 0; c < N_RATIO; c++) {
			float l = lo * (1.0f - 0.05f * a), h = hi * (1.0f - 0.05f * c);
			float cs = (h - l) / 15.0f;
			double zz, err;
			int32_t cz;

			if (!(cs > 0))
				continue;
			zz = round(-l / cs);
			cz = (int32_t)(zz < 0 ? 0 : zz > 15 ? 15 : zz);
			for (i = 0; i < k; i++)
				e[i] = (double)cs * (cqi_q4f(w[i], cs, cz) - (float)cz) - w[i];
			err = quad(e, k, C, full);
			if (err < best) {
				best = err;
				bs = cs;
				bz = cz;
			}
		}
	}
out:
	*s = bs;
	*z = bz;
}

/* In-place Cholesky A = L L^T (lower, k x k); 0, or -1 if not positive. */
static int cholesky(double *A, uint32_t k)
{
	uint32_t i, j, l;

	for (j = 0; j < k; j++) {
		double d = A[(size_t)j * k + j];

		for (l = 0; l < j; l++)
			d -= A[(size_t)j * k + l] * A[(size_t)j * k + l];
		if (!(d > 0))
			return -1;
		d = sqrt(d);
		A[(size_t)j * k + j] = d;
		for (i = j + 1; i < k; i++) {
			double v = A[(size_t)i * k + j];

			for (l = 0; l < j; l++)
				v -= A[(size_t)i * k + l] * A[(size_t)j * k + l];
			A[(size_t)i * k + j] = v / d;
		}
		for (i = 0; i < j; i++)
			A[(size_t)i * k + j] = 0;
	}
	return 0;
}

int cqi_gptq_prep(const double *C, uint32_t k, double *U, double *tmp)
{
	double mean = 0, damp;
	uint32_t i, j, l;

	for (i = 0; i < k; i++)
		mean += C[(size_t)i * k + i];
	mean /= k;
	if (!(mean > 0))
		return -1;
	damp = CQI_GPTQ_DAMP * mean;
	/* H = C + damp I (dead inputs get 1 as in GPTQ), tmp = chol(H) */
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			tmp[(size_t)i * k + j] = C[(size_t)i * k + j];
	for (i = 0; i < k; i++) {
		if (!(C[(size_t)i * k + i] > 0)) {
			for (j = 0; j < k; j++)
				tmp[(size_t)i * k + j] = tmp[(size_t)j * k + i] = 0;
			tmp[(size_t)i * k + i] = mean;
		}
		tmp[(size_t)i * k + i] += damp;
	}
	if (cholesky(tmp, k))
		return -1;
	/* U = L^-1 (lower), then H^-1 = U^T U */
	for (i = 0; i < k; i++) {
		for (j = 0; j <= i; j++) {
			double v = i == j ? 1 : 0;

			for (l = j; l < i; l++)
				v -= tmp[(size_t)i * k + l] * U[(size_t)l * k + j];
			U[(size_t)i * k + j] = v / tmp[(size_t)i * k + i];
		}
		for (j = i + 1; j < k; j++)
			U[(size_t)i * k + j] = 0;
	}
	for (i = 0; i < k; i++)		/* tmp = H^-1 */
		for (j = 0; j < k; j++) {
			double v = 0;

			for (l = i > j ? i : j; l < k; l++)
				v += U[(size_t)l * k + i] * U[(size_t)l * k + j];
			tmp[(size_t)i * k + j] = v;
		}
	if (cholesky(tmp, k))		/* H^-1 = L L^T; U = L^T (upper) */
		return -1;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			U[(size_t)i * k + j] = tmp[(size_t)j * k + i];
	return 0;
}

void cqi_gptq_row(const float *w, uint32_t k, const double *U, float s,
		  int32_t z, float *out, double *r)
{
	uint32_t i, j;

	for (i = 0; i < k; i++)
		r[i] = w[i];
	for (i = 0; i < k; i++) {
		int8_t q = cqi_q4((float)r[i], s, z);
		double deq = (double)s * (q - z);
		double err = (r[i] - deq) / U[(size_t)i * k + i];

		out[i] = (float)deq;
		for (j = i + 1; j < k; j++)
			r[j] -= err * U[(size_t)i * k + j];
	}
}

int cqi_refit(const float *w, uint32_t k, const double *C, const double *X,
	      float *out, double *L, double *r)
{
	double mean = 0;
	uint32_t i, j;

	for (i = 0; i < k; i++)
		mean += C[(size_t)i * k + i];
	mean /= k;
	if (!(mean > 0))
		return -1;
	for (i = 0; i < k; i++) {
		for (j = 0; j < k; j++)
			L[(size_t)i * k + j] = C[(size_t)i * k + j];
		L[(size_t)i * k + i] += CQI_GPTQ_DAMP * mean;
	}
	if (cholesky(L, k))
		return -1;
	for (i = 0; i < k; i++) {	/* r = X^T w, then L y = r */
		double v = 0;

		for (j = 0; j < k; j++)
			v += X[(size_t)j * k + i] * w[j];
		for (j = 0; j < i; j++)
			v -= L[(size_t)i * k + j] * r[j];
		r[i] = v / L[(size_t)i * k + i];
	}
	for (i = k; i-- > 0;) {		/* L^T u = y */
		double v = r[i];

		for (j = i + 1; j < k; j++)
			v -= L[(size_t)j * k + i] * r[j];
		r[i] = v / L[(size_t)i * k + i];
	}
	for (i = 0; i < k; i++)
		out[i] = (float)r[i];
	return 0;
}
