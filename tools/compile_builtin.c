// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_builtin.h"
#include "models.h"

#define MAXL	CIMCTL_MODEL_MAX_LAYERS

/* Everything in one allocation, so that one free() releases it. */
struct built {
	struct cim_qmodel qm;
	struct cim_qtensor t[MAXL + 1];
	struct cim_qop ops[MAXL];
	int32_t wzp[MAXL][1024];
	int32_t bias[MAXL][1024];
	int32_t mult[MAXL][1024];
	int32_t shift[MAXL][1024];
	int8_t w[];
};

int compile_builtin(const char *name, uint32_t wbits, struct cim_qmodel **qm,
		    void **ctx)
{
	struct cimctl_model m;
	struct built *b;
	size_t nw = 0, at = 0, k;
	uint32_t i, n;

	if (!strcmp(name, "dwnet"))
		return compile_builtin_dw(wbits, qm, ctx);
	if (cimctl_model_builtin(name, &m))
		return -ENOENT;
	for (i = 0; i < m.desc.n_layers; i++) {
		if (m.layer[i].out_len > 1024) {
			cimctl_model_free(&m);
			return -ENOENT;
		}
		nw += (size_t)m.layer[i].in_len * m.layer[i].out_len;
	}
	b = calloc(1, sizeof(*b) + nw);
	if (!b) {
		cimctl_model_free(&m);
		return -ENOMEM;
	}
	b->t[0].shape = (struct cim_image_tensor){ 0, m.layer[0].in_len, 1, 1 };
	b->t[0].q = (struct cim_qparams){ 1.0f / 64, m.layer[0].in_zp };
	b->t[0].name = "input";
	for (i = 0; i < m.desc.n_layers; i++) {
		const struct cim_fc_layer *l = &m.layer[i];
		struct cim_qop *q = &b->ops[i];
		int8_t *w = b->w + at;

		b->t[i + 1].shape = (struct cim_image_tensor){ 0, l->out_len, 1, 1 };
		b->t[i + 1].q = (struct cim_qparams){ 1.0f / 16, l->out_zp };
		for (n = 0; n < l->out_len; n++) {
			int64_t sum = 0;

			for (k = 0; k < l->in_len; k++) {
				int8_t v = l->weights[(size_t)n * l->in_len + k];

				w[(size_t)n * l->in_len + k] = wbits == 8 ? v :
					(int8_t)((v + 128) >> 4);
				sum += wbits == 8 ? v : ((v + 128) >> 4) - 8;
			}
			b->wzp[i][n] = 8;
			b->bias[i][n] = (int32_t)(l->bias[n] - (int64_t)l->in_zp * sum);
		}
		q->op = (struct cim_image_op){
			.type = CIM_OP_FC, .in0 = i, .in1 = CIM_TENSOR_NONE,
			.out = i + 1, .in0_zp = l->in_zp, .out_zp = l->out_zp,
			.act_min = l->act_min, .act_max = l->act_max,
			.wbits = wbits, .groups = 1,
		};
		q->weights = w;
		q->bias = b->bias[i];
		q->mult = l->mult;
		q->shift = l->shift;
		q->wzp = wbits == 4 ? b->wzp[i] : NULL;
		q->name = i ? "fc2" : "fc1";
		at += (size_t)l->in_len * l->out_len;
	}
	b->t[m.desc.n_layers].name = "output";
	b->qm = (struct cim_qmodel){ m.desc.n_layers + 1, b->t, m.desc.n_layers,
				     b->ops, m.desc.n_layers,
				     CIM_QMODEL_HOST_SOFTMAX };
	/* mult/shift point into m, which goes away: copies in the block. */
	for (i = 0; i < m.desc.n_layers; i++) {
		memcpy(b->mult[i], m.layer[i].mult, m.layer[i].out_len * 4);
		memcpy(b->shift[i], m.layer[i].shift, m.layer[i].out_len * 4);
		b->ops[i].mult = b->mult[i];
		b->ops[i].shift = b->shift[i];
	}
	cimctl_model_free(&m);
	*qm = &b->qm;
	*ctx = b;
	return 0;
}
