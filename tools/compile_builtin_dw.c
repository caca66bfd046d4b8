// SPDX-License-Identifier: MIT
/*
 * cim-compile --builtin dwnet: a small depthwise-separable network with
 * deterministic pseudo-random weights, the shape of a MobileNet block:
 * 1x1 expand, two depthwise 3x3 (stride 1, then 2), 1x1 project, FC.
 * It fits the small card and exercises the grouped CONVs on the tile
 * SIMD (CIM_OPF_SIMD) and replicas end to end (tests/vm, tests/libcim).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_builtin.h"

#define DW_OPS	5
#define DW_ZP	(-5)		/* every activation's zero point */

struct dwnet {
	struct cim_qmodel qm;
	struct cim_qtensor t[DW_OPS + 1];
	struct cim_qop ops[DW_OPS];
	int32_t bias[DW_OPS][64], mult[DW_OPS][64], shift[DW_OPS][64];
	int32_t wzp[DW_OPS][64];
	int8_t w[DW_OPS][576 * 10];
};

static uint32_t dw_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* Op k: CONV (k x k, groups, stride) or FC over tensor k, n outputs. */
static void dw_op(struct dwnet *d, uint64_t *s, uint32_t i, uint32_t type,
		  uint32_t n, uint32_t k, uint32_t groups, uint32_t stride,
		  uint32_t wbits, int32_t shift)
{
	const struct cim_image_tensor *in = &d->t[i].shape;
	struct cim_qop *q = &d->ops[i];
	uint32_t K, j, ho = in->h, wo = in->w;

	if (type == CIM_OP_CONV) {
		ho = (in->h + 2 * (k / 2) - k) / stride + 1;
		wo = (in->w + 2 * (k / 2) - k) / stride + 1;
		K = k * k * in->c / groups;
	} else {
		ho = wo = 1;
		K = (uint32_t)cim_tensor_size(in);
	}
	d->t[i + 1].shape = (struct cim_image_tensor){ 0, n, ho, wo };
	d->t[i + 1].q = (struct cim_qparams){ 1.0f / 16, DW_ZP };
	q->op = (struct cim_image_op){
		.type = (uint16_t)type, .in0 = i, .in1 = CIM_TENSOR_NONE,
		.out = i + 1, .in0_zp = DW_ZP, .out_zp = DW_ZP,
		.act_min = -128, .act_max = 127, .wbits = wbits,
		.groups = groups,
	};
	if (type == CIM_OP_CONV) {
		q->op.kernel_h = q->op.kernel_w = k;
		q->op.stride_h = q->op.stride_w = stride;
		q->op.dil_h = q->op.dil_w = 1;
		q->op.pad_top = q->op.pad_left = k / 2;
		q->op.pad_bottom = q->op.pad_right = k / 2;
	}
	for (j = 0; j < K * n; j++)
		d->w[i][j] = wbits == 8 ? (int8_t)(dw_rand(s) % 255 - 127) :
					  (int8_t)(dw_rand(s) % 16);
	for (j = 0; j < n; j++) {
		d->bias[i][j] = (int32_t)(dw_rand(s) % 4001) - 2000;
		d->mult[i][j] = (1 << 30) + (int32_t)(dw_rand(s) % (1 << 28));
		d->shift[i][j] = wbits == 8 ? shift : shift + 4;
		d->wzp[i][j] = 8;
	}
	q->weights = d->w[i];
	q->bias = d->bias[i];
	q->mult = d->mult[i];
	q->shift = d->shift[i];
	q->wzp = wbits == 4 ? d->wzp[i] : NULL;
}

int compile_builtin_dw(uint32_t wbits, struct cim_qmodel **qm, void **ctx)
{
	static const char *const names[DW_OPS] = {
		"expand", "dw1", "dw2", "project", "fc" };
	struct dwnet *d = calloc(1, sizeof(*d));
	uint64_t s = 14;
	uint32_t i;

	if (!d)
		return -ENOMEM;
	d->t[0].shape = (struct cim_image_tensor){ 0, 8, 12, 12 };
	d->t[0].q = (struct cim_qparams){ 1.0f / 16, DW_ZP };
	d->t[0].name = "input";
	dw_op(d, &s, 0, CIM_OP_CONV, 32, 1, 1, 1, wbits, -8);
	dw_op(d, &s, 1, CIM_OP_CONV, 32, 3, 32, 1, wbits, -8);
	dw_op(d, &s, 2, CIM_OP_CONV, 32, 3, 32, 2, wbits, -8);
	dw_op(d, &s, 3, CIM_OP_CONV, 16, 1, 1, 1, wbits, -9);
	dw_op(d, &s, 4, CIM_OP_FC, 10, 0, 1, 1, wbits, -11);
	for (i = 0; i < DW_OPS; i++)
		d->ops[i].name = names[i];
	d->t[DW_OPS].name = "output";
	d->qm = (struct cim_qmodel){ DW_OPS + 1, d->t, DW_OPS, d->ops, DW_OPS,
				     0 };
	*qm = &d->qm;
	*ctx = d;
	return 0;
}
