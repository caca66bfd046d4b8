// SPDX-License-Identifier: MIT
/*
 * The integer executor of a quantized model: weights read from its
 * matrices, every tensor in a buffer of its own.  The ops are the CPU
 * reference's (ref_ops.c), shared with the image executor
 * (cim_ref_run_image); what differs (weights from matrices instead of
 * cells, no arena reuse) is what comparing the two tests.  The
 * quantizer's statistics and SQNR report run on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "quant.h"
#include "map_internal.h"
#include "ref_ops.h"
#include "ref_private.h"

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

		for (k = 0; k < Kg; k++)	/* wrapping int32, as the card */
			a += (uint32_t)(xg[k] * (w[k] - zp));
		acc[n] = a;
	}
}

/*
 * P vectors at once on sgemm, where that is exact: every product
 * x * (w - zp) is an integer of at most 2^7 * 2^7, and while K of them
 * stay below 2^24 in magnitude every partial sum is exact in float, in
 * whatever order the GEMM adds them, so the int32 sums are the loop's.
 * One group only (a grouped layer's blocks are small: the loop serves).
 */
static int qmodel_mvm_batch(const void *ctx, uint32_t i, const int8_t *x,
			    uint32_t P, uint32_t *acc)
{
	const struct cim_qmodel *qm = ctx;
	const struct cim_qop *q = &qm->ops[i];
	uint32_t K, N, G, n, k, p;
	double wmax = q->op.wbits == 4 ? 15 : 128;
	float *xf, *wf, *yf;

	mapi_op_dims(qm, i, &K, &N, &G);
	if (G != 1 || (double)K * 128 * wmax >= 16777216.0)
		return -1;
	xf = malloc((size_t)P * K * sizeof(float));
	wf = malloc((size_t)N * K * sizeof(float));
	yf = malloc((size_t)P * N * sizeof(float));
	if (!xf || !wf || !yf) {
		free(xf);
		free(wf);
		free(yf);
		return -1;
	}
	for (k = 0; k < (size_t)P * K; k++)
		xf[k] = x[k];
	for (n = 0; n < N; n++) {
		int32_t zp = q->op.wbits == 4 ? q->wzp[n] : 0;

		for (k = 0; k < K; k++)
			wf[(size_t)n * K + k] = (float)(q->weights[(size_t)n * K + k] - zp);
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)P, (int)N,
		    (int)K, 1.0f, xf, (int)K, wf, (int)K, 0.0f, yf, (int)N);
	for (p = 0; p < P; p++)
		for (n = 0; n < N; n++)	/* wrapping, as the loop */
			acc[(size_t)p * N + n] = (uint32_t)q->bias[n] +
				(uint32_t)(int32_t)yf[(size_t)p * N + n];
	free(xf);
	free(wf);
	free(yf);
	return 0;
}

static void qmodel_requant(const void *ctx, uint32_t i, const int32_t **mult,
			   const int32_t **shift)
{
	const struct cim_qmodel *qm = ctx;

	*mult = qm->ops[i].mult;
	*shift = qm->ops[i].shift;
}

static void env_free(struct refi_env *e, uint32_t n_tensors)
{
	uint32_t i;

	for (i = 0; e->ptr && i < n_tensors; i++)
		free(e->ptr[i]);
	free(e->ptr);
	free((void *)e->shape);
	free(e->x);
	free(e->acc);
}

static const int32_t *qmodel_lut(const void *ctx, uint32_t i)
{
	return ((const struct cim_qmodel *)ctx)->ops[i].lut;
}

void cqi_qmodel_env(struct refi_env *e, const struct cim_qmodel *qm)
{
	e->ctx = qm;
	e->mvm = qmodel_mvm;
	e->mvm_batch = qmodel_mvm_batch;
	e->requant = qmodel_requant;
	e->lut = qmodel_lut;
}

/* Buffers of every tensor and scratch for the longest op. */
static int env_init(struct refi_env *e, const struct cim_qmodel *qm)
{
	struct cim_image_tensor *shape;
	uint64_t K, N, kmax = 1, nmax = 1;
	uint32_t i;

	*e = (struct refi_env){ .ctx = qm, .mvm = qmodel_mvm,
				.mvm_batch = qmodel_mvm_batch,
				.requant = qmodel_requant, .lut = qmodel_lut };
	shape = calloc(qm->n_tensors, sizeof(*shape));
	e->shape = shape;
	e->ptr = calloc(qm->n_tensors, sizeof(*e->ptr));
	if (!shape || !e->ptr)
		return -ENOMEM;
	for (i = 0; i < qm->n_tensors; i++) {
		shape[i] = qm->tensors[i].shape;
		e->ptr[i] = calloc(1, cim_tensor_size(&shape[i]) + 1);
		if (!e->ptr[i])
			return -ENOMEM;
	}
	for (i = 0; i < qm->n_ops; i++) {
		refi_op_vectors(&qm->ops[i].op, shape, &K, &N);
		kmax = K > kmax ? K : kmax;
		nmax = N > nmax ? N : nmax;
	}
	e->x = malloc(kmax);
	e->acc = malloc(nmax * sizeof(*e->acc));
	return e->x && e->acc ? 0 : -ENOMEM;
}

/* One item through the ops; the tensor holding its result. */
static const int8_t *run_item(const struct refi_env *e,
			      const struct cim_qmodel *qm, const int8_t *in)
{
	uint32_t i;

	memcpy(e->ptr[0], in, cim_tensor_size(&e->shape[0]));
	for (i = 0; i < qm->n_ops; i++)
		if (refi_op(e, &qm->ops[i].op, i))
			return e->ptr[qm->ops[i].op.in0];
	return e->ptr[qm->output_tensor];
}

static int run(const struct cim_qmodel *qm, const int8_t *in, int8_t *out,
	       uint32_t batch, int8_t ***vals)
{
	struct refi_env e;
	uint64_t in_size, out_size;
	uint32_t b;
	int ret;

	ret = env_init(&e, qm);
	if (ret)
		goto out;
	in_size = cim_tensor_size(&e.shape[0]);
	out_size = cim_tensor_size(&e.shape[qm->output_tensor]);
	for (b = 0; b < batch; b++) {
		const int8_t *res = run_item(&e, qm, in + b * in_size);

		if (out)
			memcpy(out + b * out_size, res, out_size);
	}
	if (vals) {
		*vals = e.ptr;
		e.ptr = NULL;
	}
out:
	env_free(&e, qm->n_tensors);
	return ret;
}

int cim_qmodel_run(const struct cim_qmodel *m, const int8_t *in, int8_t *out,
		   int8_t ***vals)
{
	if (!m || !in || !m->n_tensors || m->output_tensor >= m->n_tensors)
		return -EINVAL;
	return run(m, in, out, 1, vals);
}

int cim_ref_run_qmodel(const struct cim_qmodel *qm, const int8_t *in,
		       int8_t *out, uint32_t batch)
{
	int ret = cim_qmodel_check(qm, NULL, 0);

	if (ret)
		return ret;
	if (batch && (!in || !out))
		return -EINVAL;
	return run(qm, in, out, batch, NULL);
}

/* NCHW float of the graph input -> HWC int8 tensor 0. */
void cim_qmodel_quantize_input(const struct cim_qmodel *m, const float *in,
			       int8_t *q)
{
	const struct cim_qtensor *t = &m->tensors[0];
	uint32_t c, p, hw = t->shape.h * t->shape.w;

	for (c = 0; c < t->shape.c; c++)
		for (p = 0; p < hw; p++)
			q[(size_t)p * t->shape.c + c] = cqi_quantize(&t->q, in[(size_t)c * hw + p]);
}

/* HWC int8 output tensor -> NCHW float. */
void cim_qmodel_dequantize_output(const struct cim_qmodel *m, const int8_t *q,
				  float *out)
{
	const struct cim_qtensor *t = &m->tensors[m->output_tensor];
	uint32_t c, p, hw = t->shape.h * t->shape.w;

	for (c = 0; c < t->shape.c; c++)
		for (p = 0; p < hw; p++)
			out[(size_t)c * hw + p] = t->q.scale *
				(q[(size_t)p * t->shape.c + c] - t->q.zero_point);
}
