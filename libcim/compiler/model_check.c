// SPDX-License-Identifier: MIT
/*
 * Model validation.  Pure C11: no OS calls, linked by the firmware host
 * tests too.
 */
#include <errno.h>

#include "model_check.h"

int64_t cimi_folded_bias(const struct cim_fc_layer *l, uint32_t n)
{
	const int8_t *w = l->weights + (size_t)n * l->in_len;
	int64_t sum = 0;
	uint32_t k;

	for (k = 0; k < l->in_len; k++)
		sum += w[k];
	return (int64_t)l->bias[n] - (int64_t)l->in_zp * sum;
}

static int int8_range(int32_t v)
{
	return v >= -128 && v <= 127;
}

/*
 * cim_requant_out() shifts left with wrap-around and then adds the zero
 * point in int32.  Accept only parameters for which, with |acc| <= bound,
 * neither wraps: |requant| <= (bound << shift) * mult / 2^31 + 1, plus at
 * most 128 of zero point.
 */
static int requant_ok(int64_t bound, int32_t mult, int32_t shift)
{
	if (shift > 0) {
		if (bound > (int64_t)INT32_MAX >> shift)
			return 0;
		bound <<= shift;
	}
	return (bound * mult >> 31) + 1 + 128 <= INT32_MAX;
}

/*
 * The card adds partial sums of x * w (|x| <= 128) and the folded bias in
 * an int32, in an order we do not control.  Every partial sum is bounded
 * by |bias'| + 128 * sum |w|, so requiring that bound to fit keeps every
 * order overflow-free, on the card and in the reference.
 */
static int output_ok(const struct cim_fc_layer *l, uint32_t n)
{
	const int8_t *w = l->weights + (size_t)n * l->in_len;
	int64_t abs_sum = 0, b;
	uint32_t k;

	for (k = 0; k < l->in_len; k++) {
		if (w[k] < -127)
			return 0;
		abs_sum += w[k] < 0 ? -w[k] : w[k];
	}
	if (l->mult[n] < 0 || l->shift[n] < -31 || l->shift[n] > 30)
		return 0;
	b = cimi_folded_bias(l, n);
	if (b < 0)
		b = -b;
	return b + 128 * abs_sum <= INT32_MAX &&
	       requant_ok(b + 128 * abs_sum, l->mult[n], l->shift[n]);
}

static int layer_ok(const struct cim_fc_layer *l)
{
	uint32_t n;

	if (!l->in_len || !l->out_len || l->in_len > CIMI_MAX_VECTOR ||
	    l->out_len > CIMI_MAX_VECTOR)
		return 0;
	if (!l->weights || !l->bias || !l->mult || !l->shift)
		return 0;
	if (!int8_range(l->in_zp) || !int8_range(l->out_zp) ||
	    !int8_range(l->act_min) || !int8_range(l->act_max) ||
	    l->act_min > l->act_max)
		return 0;
	for (n = 0; n < l->out_len; n++)
		if (!output_ok(l, n))
			return 0;
	return 1;
}

int cimi_model_check(const struct cim_model_desc *m)
{
	uint32_t i;

	if (!m || !m->n_layers || !m->layers)
		return -EINVAL;
	for (i = 0; i < m->n_layers; i++) {
		if (!layer_ok(&m->layers[i]))
			return -EINVAL;
		if (i && m->layers[i].in_len != m->layers[i - 1].out_len)
			return -EINVAL;
	}
	return 0;
}
