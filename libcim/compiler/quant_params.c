// SPDX-License-Identifier: MIT
/*
 * Quantization arithmetic (DESIGN.md §4, the TFLite spec): activation
 * parameters, per-channel weight scales, int32 bias with the input zero
 * point folded in, and Q31 multiplier + shift.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "quant.h"

int cim_quant_multiplier(double real, int32_t *mult, int32_t *shift)
{
	int e;
	double m;
	int64_t q;

	if (!(real >= 0) || !isfinite(real))
		return -EINVAL;
	if (real == 0) {
		*mult = 0;
		*shift = 0;
		return 0;
	}
	m = frexp(real, &e);	/* real = m * 2^e, m in [0.5, 1) */
	q = llround(m * (double)(1ll << 31));
	if (q == (1ll << 31)) {	/* rounding reached 1.0 */
		q /= 2;
		e++;
	}
	if (e < -31) {		/* too small: the result is 0 anyway */
		*mult = 0;
		*shift = 0;
		return 0;
	}
	if (e > 30)
		return -EINVAL;
	*mult = (int32_t)q;
	*shift = e;
	return 0;
}

struct cim_qparams cqi_act_params(float lo, float hi)
{
	struct cim_qparams p;
	double zp;

	lo = lo < 0 ? lo : 0;	/* 0 must be exact (padding, ReLU) */
	hi = hi > 0 ? hi : 0;
	if (hi - lo < 1e-8f)
		hi = lo + 1e-8f;
	p.scale = (hi - lo) / 255.0f;
	zp = round(-128.0 - lo / p.scale);
	p.zero_point = (int32_t)(zp < -128 ? -128 : zp > 127 ? 127 : zp);
	return p;
}

int8_t cqi_quantize(const struct cim_qparams *p, float x)
{
	double v = round(x / p->scale) + p->zero_point;

	if (isnan(v))	/* e.g. a lookup table of log or sqrt below 0 */
		v = p->zero_point;
	return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/*
 * One output channel: weights, scale, zero point; returns sum of W.
 * 4-bit: with the given scale s4 and zero point z4 if s4 > 0, else
 * min/max.
 */
static int64_t channel(const float *w, uint32_t k, uint32_t wbits, float s4,
		       int32_t z4, int8_t *q, float *scale, int32_t *wzp)
{
	int64_t sum = 0;
	uint32_t i;
	float s;

	if (wbits == 8) {
		s = cqi_w8_scale(w, k);
		for (i = 0; i < k; i++) {
			q[i] = cqi_q8(w[i], s);
			sum += q[i];
		}
		*wzp = 0;
	} else {
		if (s4 > 0) {
			s = s4;
			*wzp = z4;
		} else {
			cqi_w4_minmax(w, k, &s, wzp);
		}
		for (i = 0; i < k; i++) {
			q[i] = cqi_q4(w[i], s, *wzp);
			sum += q[i] - *wzp;
		}
	}
	*scale = s;
	return sum;
}

float cqi_w8_scale(const float *w, uint32_t k)
{
	float amax = 0;
	uint32_t i;

	for (i = 0; i < k; i++)
		amax = fabsf(w[i]) > amax ? fabsf(w[i]) : amax;
	return amax > 0 ? amax / 127.0f : 1.0f;
}

int8_t cqi_q8(float w, float s)
{
	double v = cqi_roundf(w / s);

	return (int8_t)(v < -127 ? -127 : v > 127 ? 127 : v);
}

int cqi_weights(struct cim_qop *op, const float *w, const float *b,
		uint32_t n, uint32_t k, uint32_t wbits, const float *s4,
		const int32_t *z4, float s_in, int32_t in_zp, float s_out)
{
	int8_t *q = malloc((size_t)n * k);
	int32_t *bias = malloc(n * 4), *mult = malloc(n * 4);
	int32_t *shift = malloc(n * 4);
	int32_t *wzp = wbits == 4 ? malloc(n * 4) : NULL;
	float *ws = malloc(n * sizeof(float));
	uint32_t i;
	int ret = 0;

	op->weights = q;
	op->bias = bias;
	op->mult = mult;
	op->shift = shift;
	op->wzp = wzp;
	op->wscale = ws;
	op->op.wbits = wbits;
	if (!q || !bias || !mult || !shift || (wbits == 4 && !wzp) || !ws)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		int32_t z;
		int64_t sum = channel(w + (size_t)i * k, k, wbits,
					s4 ? s4[i] : 0, z4 ? z4[i] : 0,
					q + (size_t)i * k, &ws[i], &z);
		double acc_scale = (double)s_in * ws[i];
		double bq = b ? round(b[i] / acc_scale) : 0;
		/* x - in_zp times W: the in_zp part is constant, into the bias */
		double folded = bq - (double)in_zp * (double)sum;

		if (wzp)
			wzp[i] = z;
		if (fabs(folded) > 2147483647.0)
			return -EINVAL;
		bias[i] = (int32_t)folded;
		ret = cim_quant_multiplier(acc_scale / s_out, &mult[i], &shift[i]);
	}
	return ret;
}
