// SPDX-License-Identifier: MIT
/*
 * cim_image_build(): an FC model description as a quantized model of FC
 * ops (input zero point folded into the bias), mapped by
 * cim_map_qmodel().  Kept for the callers that build small FC networks
 * by hand (cimctl's built-in models, the VM suite, the tests).  Pure C11.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_check.h"
#include "cim_compiler.h"

struct fc_qmodel {
	struct cim_qmodel qm;
	struct cim_qtensor *t;
	struct cim_qop *ops;
	int32_t **bias;
};

static void fc_free(struct fc_qmodel *f, uint32_t n)
{
	uint32_t i;

	for (i = 0; f->bias && i < n; i++)
		free(f->bias[i]);
	free(f->bias);
	free(f->t);
	free(f->ops);
}

static int fc_build(const struct cim_model_desc *m, struct fc_qmodel *f)
{
	uint32_t i, n, N = m->n_layers;

	memset(f, 0, sizeof(*f));
	f->t = calloc(N + 1, sizeof(*f->t));
	f->ops = calloc(N, sizeof(*f->ops));
	f->bias = calloc(N, sizeof(*f->bias));
	if (!f->t || !f->ops || !f->bias)
		return -ENOMEM;
	f->t[0].shape = (struct cim_image_tensor){ 0, m->layers[0].in_len, 1, 1 };
	for (i = 0; i < N; i++) {
		const struct cim_fc_layer *l = &m->layers[i];
		struct cim_qop *q = &f->ops[i];

		f->t[i + 1].shape = (struct cim_image_tensor){ 0, l->out_len, 1, 1 };
		f->bias[i] = malloc(l->out_len * sizeof(int32_t));
		if (!f->bias[i])
			return -ENOMEM;
		/* cimi_model_check() proved the folded bias fits. */
		for (n = 0; n < l->out_len; n++)
			f->bias[i][n] = (int32_t)cimi_folded_bias(l, n);
		q->op = (struct cim_image_op){
			.type = CIM_OP_FC, .in0 = i, .in1 = CIM_TENSOR_NONE,
			.out = i + 1, .in0_zp = l->in_zp, .out_zp = l->out_zp,
			.act_min = l->act_min, .act_max = l->act_max,
			.wbits = 8, .groups = 1,
		};
		q->weights = l->weights;
		q->bias = f->bias[i];
		q->mult = l->mult;
		q->shift = l->shift;
	}
	f->qm = (struct cim_qmodel){ N + 1, f->t, N, f->ops, N, 0 };
	return 0;
}

int cim_image_build(const struct cim_model_desc *m,
		    const struct cim_geometry *g, void **image, size_t *size)
{
	struct cim_map_opts o = { 0 };
	struct fc_qmodel f;
	int ret;

	if (!image || !size || !g)
		return -EINVAL;
	ret = cimi_model_check(m);
	if (ret)
		return ret;
	ret = fc_build(m, &f);
	if (!ret) {
		o.geom = *g;
		ret = cim_map_qmodel(&f.qm, &o, image, size, NULL);
		/* Only the geometry can be wrong here: say so as before. */
		if (ret == -ENOSPC || ret == -EFBIG)
			ret = -EINVAL;
	}
	fc_free(&f, m->n_layers);
	return ret;
}
