// SPDX-License-Identifier: MIT
/*
 * CPU reference straight from a quantized model: weights from its
 * matrices, every tensor in a buffer of its own.  Shares the ops with
 * the image runner (ref_ops.c); what differs (weights read from matrices
 * instead of cells, no arena reuse) is what the comparison of the two
 * tests.  Pure C11.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"
#include "ref_ops.h"

static void qmodel_mvm(const void *ctx, uint32_t i, const int8_t *x,
		       uint32_t *acc)
{
	const struct cim_qmodel *qm = ctx;
	const struct cim_qop *q = &qm->ops[i];
	uint32_t K, N, G, Kg, Ng, n, k;

	mapi_op_dims(qm, i, &K, &N, &G);
	Kg = K / G;
	Ng = N / G;
	for (n = 0; n < N; n++) {
		const int8_t *w = q->weights + (size_t)n * Kg;
		const int8_t *xg = x + (size_t)(n / Ng) * Kg;
		int32_t zp = q->op.wbits == 4 ? q->wzp[n] : 0;
		uint32_t a = (uint32_t)q->bias[n];

		for (k = 0; k < Kg; k++)
			a += (uint32_t)(xg[k] * (w[k] - zp));
		acc[n] = a;
	}
}

static void qmodel_requant(const void *ctx, uint32_t i, const int32_t **mult,
			   const int32_t **shift)
{
	const struct cim_qmodel *qm = ctx;

	*mult = qm->ops[i].mult;
	*shift = qm->ops[i].shift;
}

static const int32_t *qmodel_lut(const void *ctx, uint32_t i)
{
	return ((const struct cim_qmodel *)ctx)->ops[i].lut;
}

int cim_ref_run_qmodel(const struct cim_qmodel *qm, const int8_t *in,
		       int8_t *out, uint32_t batch)
{
	struct cim_image_tensor *shape = NULL;
	struct refi_env e = { 0 };
	uint64_t total = 0, in_size, out_size;
	int8_t *data = NULL;
	uint32_t b, i;
	int ret;

	ret = cim_qmodel_check(qm, NULL, 0);
	if (ret)
		return ret;
	if (batch && (!in || !out))
		return -EINVAL;
	for (i = 0; i < qm->n_tensors; i++)
		total += cim_tensor_size(&qm->tensors[i].shape);
	shape = malloc(qm->n_tensors * sizeof(*shape));
	e.ptr = malloc(qm->n_tensors * sizeof(*e.ptr));
	data = total <= SIZE_MAX ? malloc((size_t)total) : NULL;
	e.x = malloc(MAPI_MAX_VECTOR);
	e.acc = malloc(MAPI_MAX_VECTOR * sizeof(*e.acc));
	if (!shape || !e.ptr || !data || !e.x || !e.acc) {
		ret = -ENOMEM;
		goto out;
	}
	total = 0;
	for (i = 0; i < qm->n_tensors; i++) {
		shape[i] = qm->tensors[i].shape;
		e.ptr[i] = data + total;
		total += cim_tensor_size(&shape[i]);
	}
	e.shape = shape;
	e.ctx = qm;
	e.mvm = qmodel_mvm;
	e.requant = qmodel_requant;
	e.lut = qmodel_lut;
	in_size = cim_tensor_size(&shape[0]);
	out_size = cim_tensor_size(&shape[qm->output_tensor]);
	for (b = 0; b < batch; b++) {
		const int8_t *res = e.ptr[qm->output_tensor];

		memcpy(e.ptr[0], in + b * in_size, in_size);
		for (i = 0; i < qm->n_ops; i++)
			if (refi_op(&e, &qm->ops[i].op, i)) {
				res = e.ptr[qm->ops[i].op.in0];
				break;
			}
		memcpy(out + b * out_size, res, out_size);
	}
out:
	free(shape);
	free(e.ptr);
	free(data);
	free(e.x);
	free(e.acc);
	return ret;
}
