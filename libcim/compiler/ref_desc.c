// SPDX-License-Identifier: MIT
/*
 * CPU reference of an FC model description, straight from its arrays
 * with the input zero point subtracted (not folded): an independent
 * check of the folding and mapping cim_image_build() does.  Pure C11.
 */
#include <errno.h>

#include "model_check.h"
#include "ref_private.h"
#include "../../uapi/cim_quant.h"

static void run_layer(const struct cim_fc_layer *l, const int8_t *x, int8_t *y)
{
	uint32_t n, k;

	for (n = 0; n < l->out_len; n++) {
		const int8_t *w = l->weights + (size_t)n * l->in_len;
		int64_t acc = l->bias[n];

		for (k = 0; k < l->in_len; k++)
			acc += (int64_t)(x[k] - l->in_zp) * w[k];
		/* cimi_model_check() proved that acc fits an int32. */
		y[n] = cim_requant_out((int32_t)acc, l->mult[n], l->shift[n],
				       l->out_zp, l->act_min, l->act_max);
	}
}

int cim_ref_run_model(const struct cim_model_desc *m, const int8_t *in,
		      int8_t *out, uint32_t batch)
{
	int8_t buf[2][CIMI_MAX_VECTOR];
	uint32_t b, i, in_len, out_len;
	int ret;

	ret = cimi_model_check(m);
	if (ret)
		return ret;
	if (batch && (!in || !out))
		return -EINVAL;
	in_len = m->layers[0].in_len;
	out_len = m->layers[m->n_layers - 1].out_len;
	for (b = 0; b < batch; b++) {
		const int8_t *x = in + (size_t)b * in_len;

		for (i = 0; i < m->n_layers; i++) {
			int8_t *y = i + 1 == m->n_layers ?
				    out + (size_t)b * out_len : buf[i & 1];

			run_layer(&m->layers[i], x, y);
			x = y;
		}
	}
	return 0;
}
