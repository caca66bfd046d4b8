// SPDX-License-Identifier: MIT
/*
 * Integer executor of a quantized model: the op semantics written in
 * uapi/cim_image.h, on int8 HWC tensors, with the requantization of
 * uapi/cim_quant.h.  The quantizer's SQNR report runs on it; the back
 * end's plan executor must agree with it bit for bit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "../../uapi/cim_quant.h"

static int32_t weight(const struct cim_qop *q, uint32_t n, uint32_t kg, uint32_t k)
{
	int32_t w = q->weights[(size_t)n * kg + k];

	return q->op.wbits == 4 ? w - q->wzp[n] : w;
}

static void run_mvm(const struct cim_qop *q, uint32_t n, const int8_t *x,
		    uint32_t kg, int8_t *y)
{
	uint32_t acc = (uint32_t)q->bias[n], k;

	for (k = 0; k < kg; k++)	/* wrapping int32, as the card */
		acc += (uint32_t)(x[k] * weight(q, n, kg, k));
	*y = cim_requant_out((int32_t)acc, q->mult[n], q->shift[n], q->op.out_zp,
			     q->op.act_min, q->op.act_max);
}

static void run_fc(const struct cim_qmodel *m, const struct cim_qop *q,
		   int8_t *const *t)
{
	const struct cim_image_tensor *in = &m->tensors[q->op.in0].shape;
	uint32_t K = (uint32_t)cim_tensor_size(in), N = m->tensors[q->op.out].shape.c, n;

	for (n = 0; n < N; n++)
		run_mvm(q, n, t[q->op.in0], K, &t[q->op.out][n]);
}

static void run_conv(const struct cim_qmodel *m, const struct cim_qop *q,
		     int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	const struct cim_image_tensor *in = &m->tensors[op->in0].shape;
	const struct cim_image_tensor *out = &m->tensors[op->out].shape;
	uint32_t G = op->groups, Cg = in->c / G, Ng = out->c / G;
	uint32_t Kg = op->kernel_h * op->kernel_w * Cg, oy, ox, g, j, ky, kx, ci;
	int8_t *col = malloc(Kg ? Kg : 1);

	if (!col)
		return;
	for (oy = 0; oy < out->h; oy++)
	for (ox = 0; ox < out->w; ox++)
	for (g = 0; g < G; g++) {
		for (ky = 0; ky < op->kernel_h; ky++)
		for (kx = 0; kx < op->kernel_w; kx++) {
			int64_t iy = (int64_t)oy * op->stride_h - op->pad_top + ky * op->dil_h;
			int64_t ix = (int64_t)ox * op->stride_w - op->pad_left + kx * op->dil_w;
			int8_t *c = col + (ky * op->kernel_w + kx) * Cg;

			for (ci = 0; ci < Cg; ci++)
				c[ci] = (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w) ?
					(int8_t)op->in0_zp :
					t[op->in0][((size_t)iy * in->w + ix) * in->c + g * Cg + ci];
		}
		for (j = 0; j < Ng; j++)
			run_mvm(q, g * Ng + j, col, Kg,
				&t[op->out][((size_t)oy * out->w + ox) * out->c + g * Ng + j]);
	}
	free(col);
}

static void run_pool(const struct cim_qmodel *m, const struct cim_qop *q,
		     int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	const struct cim_image_tensor *in = &m->tensors[op->in0].shape;
	const struct cim_image_tensor *out = &m->tensors[op->out].shape;
	uint32_t oy, ox, c, ky, kx;

	for (oy = 0; oy < out->h; oy++)
	for (ox = 0; ox < out->w; ox++)
	for (c = 0; c < out->c; c++) {
		int32_t best = -128, sum = 0, n = 0;

		for (ky = 0; ky < op->kernel_h; ky++)
		for (kx = 0; kx < op->kernel_w; kx++) {
			int64_t iy = (int64_t)oy * op->stride_h - op->pad_top + ky;
			int64_t ix = (int64_t)ox * op->stride_w - op->pad_left + kx;
			int32_t v;

			if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w) {
				if (op->flags & CIM_OPF_COUNT_PAD) {
					sum += op->in0_zp;
					n++;
				}
				continue;
			}
			v = t[op->in0][((size_t)iy * in->w + ix) * in->c + c];
			best = v > best ? v : best;
			sum += v;
			n++;
		}
		if (op->type == CIM_OP_AVGPOOL)	/* half away from zero */
			best = n ? (sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n)) : 0;
		t[op->out][((size_t)oy * out->w + ox) * out->c + c] =
			cim_clamp8(best, op->act_min, op->act_max);
	}
}

static void run_add(const struct cim_qmodel *m, const struct cim_qop *q,
		    int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	uint64_t n = cim_tensor_size(&m->tensors[op->out].shape), i;

	for (i = 0; i < n; i++) {
		int32_t a = (int32_t)((uint32_t)(t[op->in0][i] - op->in0_zp) << op->left_shift);
		int32_t b = (int32_t)((uint32_t)(t[op->in1][i] - op->in1_zp) << op->left_shift);
		int32_t s = cim_requant(a, op->in0_mult, op->in0_shift) +
			    cim_requant(b, op->in1_mult, op->in1_shift);

		t[op->out][i] = cim_requant_out(s, op->out_mult, op->out_shift,
						op->out_zp, op->act_min, op->act_max);
	}
}

static void run_concat(const struct cim_qmodel *m, const struct cim_qop *q,
		       int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	uint32_t c0 = m->tensors[op->in0].shape.c, c1 = m->tensors[op->in1].shape.c;
	const struct cim_image_tensor *out = &m->tensors[op->out].shape;
	uint64_t p, n = (uint64_t)out->h * out->w;
	uint32_t c;

	for (p = 0; p < n; p++) {
		for (c = 0; c < c0; c++)
			t[op->out][p * out->c + c] = cim_requant_out(
				t[op->in0][p * c0 + c] - op->in0_zp, op->in0_mult,
				op->in0_shift, op->out_zp, op->act_min, op->act_max);
		for (c = 0; c < c1; c++)
			t[op->out][p * out->c + c0 + c] = cim_requant_out(
				t[op->in1][p * c1 + c] - op->in1_zp, op->in1_mult,
				op->in1_shift, op->out_zp, op->act_min, op->act_max);
	}
}

static void run_shuffle(const struct cim_qmodel *m, const struct cim_qop *q,
			int8_t *const *t)
{
	const struct cim_image_tensor *s = &m->tensors[q->op.out].shape;
	uint32_t G = q->op.groups, cpg = s->c / G, i, g;
	uint64_t p, n = (uint64_t)s->h * s->w;

	for (p = 0; p < n; p++)
		for (g = 0; g < G; g++)
			for (i = 0; i < cpg; i++)
				t[q->op.out][p * s->c + i * G + g] =
					t[q->op.in0][p * s->c + g * cpg + i];
}

static void run_lut(const struct cim_qmodel *m, const struct cim_qop *q,
		    int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	uint64_t n = cim_tensor_size(&m->tensors[op->out].shape), i;

	for (i = 0; i < n; i++)
		t[op->out][i] = cim_clamp8(q->lut[t[op->in0][i] + 128],
					   op->act_min, op->act_max);
}

static void run_mul(const struct cim_qmodel *m, const struct cim_qop *q,
		    int8_t *const *t)
{
	const struct cim_image_op *op = &q->op;
	const struct cim_image_tensor *s1 = &m->tensors[op->in1].shape;
	uint32_t C = m->tensors[op->out].shape.c, bc = s1->h == 1 && s1->w == 1;
	uint64_t n = cim_tensor_size(&m->tensors[op->out].shape), i;

	for (i = 0; i < n; i++) {
		int32_t b = bc ? t[op->in1][i % C] : t[op->in1][i];

		t[op->out][i] = cim_requant_out((t[op->in0][i] - op->in0_zp) *
						(b - op->in1_zp), op->out_mult,
						op->out_shift, op->out_zp,
						op->act_min, op->act_max);
	}
}

static void run_slice(const struct cim_qmodel *m, const struct cim_qop *q,
		      int8_t *const *t)
{
	const struct cim_image_tensor *s = &m->tensors[q->op.in0].shape;
	const struct cim_image_tensor *o = &m->tensors[q->op.out].shape;
	uint64_t p, n = (uint64_t)o->h * o->w;

	for (p = 0; p < n; p++)
		memcpy(t[q->op.out] + p * o->c,
		       t[q->op.in0] + p * s->c + q->op.chan_first, o->c);
}

void cqk_run_op(const struct cim_qmodel *m, const struct cim_qop *q,
		int8_t *const *t)
{
	switch (q->op.type) {
	case CIM_OP_FC:
		run_fc(m, q, t);
		break;
	case CIM_OP_CONV:
		run_conv(m, q, t);
		break;
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		run_pool(m, q, t);
		break;
	case CIM_OP_ADD:
		run_add(m, q, t);
		break;
	case CIM_OP_CONCAT:
		run_concat(m, q, t);
		break;
	case CIM_OP_SHUFFLE:
		run_shuffle(m, q, t);
		break;
	case CIM_OP_LUT:
		run_lut(m, q, t);
		break;
	case CIM_OP_MUL:
		run_mul(m, q, t);
		break;
	case CIM_OP_SLICE:
		run_slice(m, q, t);
		break;
	}
}

int cim_qmodel_run(const struct cim_qmodel *m, const int8_t *in, int8_t *out,
		   int8_t ***vals)
{
	int8_t **t;
	uint32_t i;
	int ret = 0;

	if (!m || !in || !m->n_tensors || m->output_tensor >= m->n_tensors)
		return -EINVAL;
	t = calloc(m->n_tensors, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < m->n_tensors && !ret; i++) {
		t[i] = malloc(cim_tensor_size(&m->tensors[i].shape) + 1);
		ret = t[i] ? 0 : -ENOMEM;
	}
	if (!ret) {
		memcpy(t[0], in, cim_tensor_size(&m->tensors[0].shape));
		for (i = 0; i < m->n_ops; i++)
			cqk_run_op(m, &m->ops[i], t);
		if (out)
			memcpy(out, t[m->output_tensor],
			       cim_tensor_size(&m->tensors[m->output_tensor].shape));
	}
	if (vals && !ret) {
		*vals = t;
		return 0;
	}
	for (i = 0; i < m->n_tensors; i++)
		free(t[i]);
	free(t);
	return ret;
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
