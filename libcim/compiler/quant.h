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
 * mult/shift for s_in -> s_out.  0, -EINVAL (multiplier out of range),
 * -ENOMEM.  Arrays are malloc'ed into op's const pointers.
 */
int cqi_weights(struct cim_qop *op, const float *w, const float *b,
		uint32_t n, uint32_t k, uint32_t wbits, float s_in,
		int32_t in_zp, float s_out);

/* Integer kernels: one op, tensors t[] (HWC). */
void cqk_run_op(const struct cim_qmodel *m, const struct cim_qop *op,
		int8_t *const *t);

#endif
