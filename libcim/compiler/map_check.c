// SPDX-License-Identifier: MIT
/*
 * Validation of a quantized model against the rules of uapi/cim_image.h,
 * with messages that name the op.  Pure C11.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "map_internal.h"

struct qcheck {
	char *msg;
	size_t len;
};

static int bad(struct qcheck *c, const struct cim_qmodel *qm, uint32_t i,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int bad(struct qcheck *c, const struct cim_qmodel *qm, uint32_t i,
	       const char *fmt, ...)
{
	const char *name = qm && i < qm->n_ops ? qm->ops[i].name : NULL;
	va_list ap;
	int n = 0;

	if (!c->msg || !c->len)
		return -EINVAL;
	if (qm && i < qm->n_ops)
		n = snprintf(c->msg, c->len, "op %u%s%s%s: ", i, name ? " (" : "",
			     name ? name : "", name ? ")" : "");
	if (n < 0 || (size_t)n >= c->len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->msg + n, c->len - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int i8(int32_t v)
{
	return v >= -128 && v <= 127;
}

static int mult_ok(int32_t m, int32_t s)
{
	return m >= 0 && s >= -31 && s <= 30;
}

void mapi_op_dims(const struct cim_qmodel *qm, uint32_t i, uint32_t *K,
		  uint32_t *N, uint32_t *G)
{
	const struct cim_image_op *op = &qm->ops[i].op;
	const struct cim_image_tensor *in = &qm->tensors[op->in0].shape;

	*N = qm->tensors[i + 1].shape.c;
	*G = op->type == CIM_OP_CONV ? op->groups : 1;
	*K = op->type == CIM_OP_CONV ? op->kernel_h * op->kernel_w * in->c :
				       (uint32_t)cim_tensor_size(in);
	if (op->type == CIM_OP_CONV && op->dup_w > 1) {
		/* duplicated windows: patch rows, dup_w pixels' outputs */
		*K = op->kernel_h * in->c * ((op->dup_w - 1) * op->stride_w +
					     (op->kernel_w - 1) * op->dil_w + 1);
		*N *= op->dup_w;
	}
}

/* Unused fields of the op, as cim_op_unused_zero() sees them in an image. */
static int unused_zero(const struct cim_image_op *src)
{
	struct cim_image_op op = *src;

	op.block_first = op.block_count = 0;
	op.bias_offset = op.mult_offset = op.shift_offset = op.wzp_offset = 0;
	return cim_op_unused_zero(&op);
}

static int check_window(struct qcheck *c, const struct cim_qmodel *qm,
			uint32_t i, const struct cim_image_tensor *in,
			const struct cim_image_tensor *out)
{
	const struct cim_image_op *op = &qm->ops[i].op;
	const char *why = NULL;

	if (cim_check_window(op, in, out, &why))
		return bad(c, qm, i, "%s", why);
	return 0;
}

static int check_mvm(struct qcheck *c, const struct cim_qmodel *qm, uint32_t i)
{
	const struct cim_qop *q = &qm->ops[i];
	const struct cim_image_op *op = &q->op;
	const struct cim_image_tensor *in = &qm->tensors[op->in0].shape;
	const struct cim_image_tensor *out = &qm->tensors[i + 1].shape;
	uint32_t K, N, G, n;
	uint64_t j, nw;
	int r;

	if (op->type == CIM_OP_FC) {
		if (op->groups != 1 || out->h != 1 || out->w != 1)
			return bad(c, qm, i, "FC output must be 1x1xN, one group");
	} else {
		r = check_window(c, qm, i, in, out);
		if (r)
			return r;
		if (!op->groups || in->c % op->groups || out->c % op->groups)
			return bad(c, qm, i, "groups do not divide the channels");
	}
	mapi_op_dims(qm, i, &K, &N, &G);
	if (K > MAPI_MAX_VECTOR || N > MAPI_MAX_VECTOR)
		return bad(c, qm, i, "matrix %ux%u longer than %u", K, N,
			   MAPI_MAX_VECTOR);
	if (op->wbits != 8 && op->wbits != 4)
		return bad(c, qm, i, "weights must have 8 or 4 bits, not %u",
			   op->wbits);
	if (!q->weights || !q->bias || !q->mult || !q->shift ||
	    (op->wbits == 4 && !q->wzp))
		return bad(c, qm, i, "weights or requantization arrays missing");
	nw = (uint64_t)N * (K / G);
	for (j = 0; j < nw; j++) {
		int8_t w = q->weights[j];

		if (op->wbits == 8 ? w < -127 : (w < 0 || w > 15))
			return bad(c, qm, i, "weight %d out of range for %u bits",
				   w, op->wbits);
	}
	for (n = 0; n < N; n++) {
		if (!mult_ok(q->mult[n], q->shift[n]))
			return bad(c, qm, i, "output %u: multiplier or shift out of range",
				   n);
		if (op->wbits == 4 && (q->wzp[n] < 0 || q->wzp[n] > 15))
			return bad(c, qm, i, "output %u: weight zero point out of 4 bits",
				   n);
	}
	return 0;
}

/* LUT, MUL, SLICE (image version 2.1). */
static int check_simd(struct qcheck *c, const struct cim_qmodel *qm, uint32_t i,
		      const struct cim_image_tensor *t0,
		      const struct cim_image_tensor *t1,
		      const struct cim_image_tensor *out)
{
	const struct cim_qop *q = &qm->ops[i];
	const char *why = NULL;
	uint32_t j;

	if (q->op.groups)
		return bad(c, qm, i, "a field its type does not use is not zero");
	if (cim_check_simd_op(&q->op, t0, t1, out, &why))
		return bad(c, qm, i, "%s", why);
	if (q->op.type != CIM_OP_LUT)
		return 0;
	if (!q->lut)
		return bad(c, qm, i, "lookup table missing");
	for (j = 0; j < 256; j++)
		if (!i8(q->lut[j]))
			return bad(c, qm, i, "lookup table entry out of int8");
	return 0;
}

static int check_op(struct qcheck *c, const struct cim_qmodel *qm, uint32_t i)
{
	const struct cim_image_op *op = &qm->ops[i].op;
	const struct cim_image_tensor *t0, *t1 = NULL, *out;
	uint32_t two;

	if (!op->type || op->type > CIM_OP_MAX)
		return bad(c, qm, i, "unknown op type %u", op->type);
	if (!unused_zero(op))
		return bad(c, qm, i, "a field its type does not use is not zero");
	two = op->type == CIM_OP_ADD || op->type == CIM_OP_CONCAT ||
	      op->type == CIM_OP_MUL;
	if (op->out != i + 1 || op->in0 > i ||
	    (two ? op->in1 > i : op->in1 != CIM_TENSOR_NONE))
		return bad(c, qm, i, "reads a tensor not yet written or writes another");
	t0 = &qm->tensors[op->in0].shape;
	out = &qm->tensors[i + 1].shape;
	if (two) {
		t1 = &qm->tensors[op->in1].shape;
		if (!i8(op->in1_zp) || !mult_ok(op->in0_mult, op->in0_shift) ||
		    !mult_ok(op->in1_mult, op->in1_shift))
			return bad(c, qm, i, "input rescale out of range");
	}
	if (!i8(op->in0_zp) || !i8(op->out_zp) || !i8(op->act_min) ||
	    !i8(op->act_max) || op->act_min > op->act_max)
		return bad(c, qm, i, "zero point or activation range out of int8");

	switch (op->type) {
	case CIM_OP_FC:
	case CIM_OP_CONV:
		return check_mvm(c, qm, i);
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		if (op->groups || out->c != t0->c)
			return bad(c, qm, i, "pool changes the channel count");
		return check_window(c, qm, i, t0, out);
	case CIM_OP_ADD:
		if (op->groups || !cim_same_shape(t0, t1) || !cim_same_shape(t0, out))
			return bad(c, qm, i, "add of tensors of different shapes");
		if (op->left_shift > 20 || !mult_ok(op->out_mult, op->out_shift))
			return bad(c, qm, i, "add rescale out of range");
		return 0;
	case CIM_OP_CONCAT:
		if (op->groups || t0->h != t1->h || t0->w != t1->w ||
		    out->h != t0->h || out->w != t0->w ||
		    (uint64_t)t0->c + t1->c != out->c)
			return bad(c, qm, i, "concat shapes do not add up");
		return 0;
	case CIM_OP_SHUFFLE:
		if (!op->groups || t0->c % op->groups || !cim_same_shape(t0, out))
			return bad(c, qm, i, "bad channel shuffle");
		return 0;
	case CIM_OP_LUT:
	case CIM_OP_MUL:
	case CIM_OP_SLICE:
		return check_simd(c, qm, i, t0, t1, out);
	default:	/* CIM_OP_EXIT */
		if (op->groups || !cim_same_shape(t0, out) ||
		    cim_tensor_size(t0) != cim_tensor_size(&qm->tensors[qm->output_tensor].shape))
			return bad(c, qm, i, "exit tensor is not the size of the output");
		return 0;
	}
}

int cim_qmodel_check(const struct cim_qmodel *qm, char *msg, size_t len)
{
	struct qcheck c = { msg, len };
	uint32_t i;
	int r;

	if (msg && len)
		msg[0] = 0;
	if (!qm || !qm->n_ops || !qm->ops || !qm->tensors)
		return bad(&c, NULL, 0, "empty model");
	if (qm->n_tensors != qm->n_ops + 1)
		return bad(&c, NULL, 0, "tensor count %u is not op count + 1",
			   qm->n_tensors);
	if (!qm->output_tensor || qm->output_tensor >= qm->n_tensors)
		return bad(&c, NULL, 0, "bad output tensor %u", qm->output_tensor);
	if (qm->flags & ~(uint32_t)CIM_QMODEL_HOST_SOFTMAX)
		return bad(&c, NULL, 0, "unknown model flags 0x%x", qm->flags);
	for (i = 0; i < qm->n_tensors; i++) {
		const struct cim_image_tensor *t = &qm->tensors[i].shape;

		if (!t->c || !t->h || !t->w || cim_tensor_size(t) > 0x40000000u)
			return bad(&c, NULL, 0, "tensor %u empty or larger than 1 GiB", i);
	}
	for (i = 0; i < qm->n_ops; i++) {
		r = check_op(&c, qm, i);
		if (r)
			return r;
	}
	return 0;
}
