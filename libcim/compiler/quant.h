/* SPDX-License-Identifier: MIT */
/* Quantizer internals. */
#ifndef CIM_QUANT_INTERNAL_H
#define CIM_QUANT_INTERNAL_H

#include "cim_quantize.h"
#include "compiler.h"

/* The model, with everything it points to owned here. */
struct cim_quantized {
	struct cim_qmodel m;
	struct cim_qtensor *tensors;
	struct cim_qop *ops;
	uint32_t *src;		/* per qtensor: the graph tensor it holds */
	uint8_t *wsrc;		/* per op: where its weights came from */
	int act_mse;		/* activation ranges: least error, not min/max */
	uint32_t cap;
};

/* quant_grid.c: weights already on a 4-bit grid, and their origin. */
enum cqi_wsrc {
	CQI_WSRC_NONE,		/* no weights */
	CQI_WSRC_INT8,		/* 8-bit symmetric per channel */
	CQI_WSRC_MINMAX,	/* 4-bit, min/max of the channel */
	CQI_WSRC_SEARCH,	/* 4-bit, clipping search (+ GPTQ) on calib data */
	CQI_WSRC_GRID,		/* 4-bit grid found in the file, kept exactly */
};
/* 1 if the k weights lie on their 4-bit min/max grid (then *s, *z). */
int cqi_w4_on_grid(const float *w, uint32_t k, float *s, int32_t *z);
/* 1 if every one of n rows of k weights does. */
int cqi_layer_on_grid(const float *w, uint32_t n, uint32_t k);
void cqi_set_wsrc(struct cim_quantized *q, const struct cim_qop *op,
		  uint8_t src);
const char *cqi_wsrc_name(const struct cim_quantized *q, uint32_t op);

/* Asymmetric int8 parameters covering [lo, hi] (and 0). */
struct cim_qparams cqi_act_params(float lo, float hi);
/*
 * roundf(v) (halves away from 0) without the libm call or branches: the
 * weight searches round millions of quotients, and this vectorizes.
 * Same value for every v (a huge v, or a NaN, comes back as it is; the
 * sign of a zero result may differ, which no caller sees).
 */
static inline float cqi_roundf(float v)
{
	int small = (v > -8388608.0f) & (v < 8388608.0f);	/* else integral */
	float a = small ? v : 0.0f, t = (float)(int32_t)a, d = a - t;

	t += (d >= 0.5f ? 1.0f : 0.0f) - (d <= -0.5f ? 1.0f : 0.0f);
	return small ? t : v;
}

/* 4-bit weights: cell clamp(round(w/s) + z, 0, 15).  Inline: hot. */
static inline float cqi_q4f(float w, float s, int32_t z)
{
	float v = cqi_roundf(w / s) + (float)z;
	int below = v < 0.0f, above = v > 15.0f;	/* both: no branch */

	v = below ? 0.0f : v;
	return above ? 15.0f : v;
}

static inline int8_t cqi_q4(float w, float s, int32_t z)
{
	return (int8_t)cqi_q4f(w, s, z);
}

/* round(x / scale) + zp clamped to int8. */
int8_t cqi_quantize(const struct cim_qparams *p, float x);

/*
 * FC/CONV weights of n rows of k floats into op (wbits 8 or 4): weights,
 * wscale, wzp, bias (float bias b may be NULL) with in_zp folded, and
 * mult/shift for s_in -> s_out.  4-bit rows use scale s4[i] and zero
 * point z4[i] if s4 is not NULL, else their min/max.  0, -EINVAL
 * (multiplier out of range), -ENOMEM.  Arrays are malloc'ed into op's
 * const pointers.
 */
int cqi_weights(struct cim_qop *op, const float *w, const float *b,
		uint32_t n, uint32_t k, uint32_t wbits, const float *s4,
		const int32_t *z4, float s_in, int32_t in_zp, float s_out);

/* 8-bit weights: symmetric scale max|w|/127, value clamp(round(w/s)). */
float cqi_w8_scale(const float *w, uint32_t k);
int8_t cqi_q8(float w, float s);
/* 4-bit min/max parameters over [min(w,0), max(w,0)]. */
void cqi_w4_minmax(const float *w, uint32_t k, float *s, int32_t *z);

/*
 * Activation histograms (quant_range.c): CQI_HIST_BINS bins for the
 * negative values and as many for the positive, widths doubling as the
 * range grows; exact zeros counted apart.
 */
#define CQI_HIST_BINS 1024
/*
 * The choice of ranges runs two int8 models over the calibration set: not
 * when that is more than this many multiply-adds (then min/max).  A few
 * seconds; fewer samples judge badly (16 of efficientnet_b0's chose the
 * worse set).
 */
#define CQI_SELECT_MACS 20000000000ull
struct cqi_hist {
	uint64_t *bins;		/* 2 x CQI_HIST_BINS: negative side, positive */
	double width[2];	/* bin width of each side, 0 before any value */
	uint64_t zeros;
};

int cqi_hist_init(struct cqi_hist *h);
void cqi_hist_add(struct cqi_hist *h, const float *v, uint64_t n);
void cqi_hist_free(struct cqi_hist *h);
/* The range [lo, hi] (lo <= 0 <= hi) of least expected int8 error. */
int cqi_hist_range(const struct cqi_hist *h, float *lo, float *hi);

/*
 * SQNR (dB) of quantized model m's output over the first n samples of d
 * against the float outputs fout (n x the output's size, NCHW).
 */
int cqi_output_sqnr(const struct cim_qmodel *m, const struct cim_dataset *d,
		    uint32_t n, const float *fout, double *sqnr);

/* The card's longest im2col vector (its MAX_VECTOR register). */
#define CQI_MAX_VECTOR		16384

/* Full covariance up to this many inputs per group, else its diagonal. */
#define CQI_FULL_COV_MAX 64

/* Statistics of one FC/CONV layer's im2col input (quant_search.c). */
struct cqi_stats {
	uint32_t groups, kg;
	int full;		/* m2: groups x kg x kg, else groups x kg */
	int done;		/* cqi_stats_finish() ran: sum = mean, m2 = cov */
	uint64_t count;		/* vectors per group */
	double *sum;		/* groups x kg: inputs x as the layer sees them */
	double *sumf;		/* groups x kg: the float graph's inputs xf */
	double *m2;		/* cov(x, x) */
	double *cross;		/* full only: cov(xf, x), row i = xf_i */
	double *x;		/* scratch, 2 kg */
};

int cqi_stats_init(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n);
/* One sample: in = the layer's input as quantized, inf = float (NCHW). */
void cqi_stats_add(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n, const float *in, const float *inf);
void cqi_stats_finish(struct cqi_stats *s);
void cqi_stats_free(struct cqi_stats *s);

/*
 * 4-bit scale and zero point of one channel of k weights minimizing
 * e^T C e over a grid of clipped ranges (C: k x k if full, else a
 * diagonal of k; NULL: identity, the weight MSE); candidate 0 is
 * min/max and wins ties.  e: k doubles of scratch.
 */
void cqi_w4_search(const float *w, uint32_t k, const double *C, int full,
		   double *e, float *s, int32_t *z);

/*
 * GPTQ rounding (Frantar et al. 2022) of 4-bit weights with a fixed
 * scale and zero point: weights rounded one at a time, each one's error
 * spread over the ones not yet rounded through the inverse of
 * H = C + damp * mean(diag C) * I, which minimizes e^T C e far better
 * than rounding to nearest.  prep: U = the upper Cholesky factor of
 * H^-1 (k x k; tmp: k x k scratch); -1 if C is degenerate.  row: out[i]
 * = s * (q_i - z), values that round back to the chosen cells; r: k
 * doubles of scratch.
 */
#define CQI_GPTQ_DAMP 0.01

/*
 * Refit a row of weights to inputs that carry upstream quantization
 * error: out = argmin E|w.xf - out.x|^2 = (C + damp)^-1 X^T w with
 * C = cov(x, x), X = cov(xf, x).  L: k x k, r: k scratch.  -1 if C is
 * degenerate.
 */
int cqi_refit(const float *w, uint32_t k, const double *C, const double *X,
	      float *out, double *L, double *r);
int cqi_gptq_prep(const double *C, uint32_t k, double *U, double *tmp);
void cqi_gptq_row(const float *w, uint32_t k, const double *U, float s,
		  int32_t z, float *out, double *r);

/*
 * Sequential statistics (quant_seq.c): the float graph and the quantized
 * model built so far, advanced over the calibration set one layer at a
 * time, each sample keeping only the tensors later nodes read.
 */
struct cqi_seq;
struct refi_env;
/* The quantized model's executor callbacks (quant_exec.c) into e. */
void cqi_qmodel_env(struct refi_env *e, const struct cim_qmodel *qm);
int cqi_seq_init(struct cqi_seq **s, struct cim_graph *g,
		 const struct cim_dataset *d, uint32_t cap, const uint8_t *fl);
/*
 * st: statistics of n's input, quantized (model so far) and float.  On
 * entry st holds calibration's unfinished float statistics of n; nodes
 * fl[] (cqi_seq_init) did not mark take their float sums from it, the
 * others get the float inputs too (for cov(xf, x)): the float graph
 * runs only up to the last marked node.
 */
int cqi_seq_stats(struct cqi_seq *s, struct cim_quantized *q,
		  const int32_t *qid, const struct cim_node *n,
		  struct cqi_stats *st);
void cqi_seq_free(struct cqi_seq *s);

#endif
