/* SPDX-License-Identifier: MIT */
/* Quantizer internals. */
#ifndef CIM_QUANT_INTERNAL_H
#define CIM_QUANT_INTERNAL_H

#include "../include/cim_quantize.h"
#include "compiler.h"

/* The model, with everything it points to owned here. */
struct cim_quantized {
	struct cim_qmodel m;
	struct cim_qtensor *tensors;
	struct cim_qop *ops;
	uint32_t *src;		/* per qtensor: the graph tensor it holds */
	uint32_t cap;
};

/* Asymmetric int8 parameters covering [lo, hi] (and 0). */
struct cim_qparams cqi_act_params(float lo, float hi);
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
/* 4-bit weights: cell clamp(round(w/s) + z, 0, 15). */
int8_t cqi_q4(float w, float s, int32_t z);
/* 4-bit min/max parameters over [min(w,0), max(w,0)]. */
void cqi_w4_minmax(const float *w, uint32_t k, float *s, int32_t *z);

/* Full covariance up to this many inputs per group, else its diagonal. */
#define CQI_FULL_COV_MAX 64

/* Statistics of one FC/CONV layer's im2col input (quant_search.c). */
struct cqi_stats {
	uint32_t groups, kg;
	int full;		/* m2: groups x kg x kg, else groups x kg */
	int done;		/* cqi_stats_finish() ran: sum = mean, m2 = cov */
	uint64_t count;		/* vectors per group */
	double *sum;		/* groups x kg */
	double *m2;
	double *x;		/* scratch, kg */
};

int cqi_stats_init(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n);
void cqi_stats_add(struct cqi_stats *s, const struct cim_graph *g,
		   const struct cim_node *n, const float *const *v);
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

/* Integer kernels: one op, tensors t[] (HWC). */
void cqk_run_op(const struct cim_qmodel *m, const struct cim_qop *op,
		int8_t *const *t);

#endif
