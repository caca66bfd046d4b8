// SPDX-License-Identifier: MIT
/*
 * CPU reference ops, written from the comment on struct cim_image_op in
 * uapi/cim_image.h and nothing else, so that the ideal card (written
 * from the same comment) is bit-exact to them.  Pure C11.
 */
#include <stdlib.h>
#include <string.h>

#include "ref_ops.h"
#include "../../uapi/cim_quant.h"

void refi_op_vectors(const struct cim_image_op *op,
		     const struct cim_image_tensor *shape, uint64_t *K,
		     uint64_t *N)
{
	const struct cim_image_tensor *in = &shape[op->in0];

	*N = shape[op->out].c;
	*K = op->type == CIM_OP_CONV ?
	     (uint64_t)op->kernel_h * op->kernel_w * in->c : cim_tensor_size(in);
	if (op->type == CIM_OP_CONV && op->dup_w > 1) {
		/* duplicated windows: the patch vector, dup_w pixels' outputs */
		*K = (uint64_t)op->kernel_h * in->c *
		     ((op->dup_w - 1) * op->stride_w +
		      (op->kernel_w - 1) * op->dil_w + 1);
		*N *= op->dup_w;
	}
}

/* The patch vector of dup_w output pixels from (oy, ox0), one group. */
static void patch(const struct cim_image_op *op,
		  const struct cim_image_tensor *in, const int8_t *x,
		  uint32_t oy, uint32_t ox0, int8_t *col)
{
	uint32_t Wp = (op->dup_w - 1) * op->stride_w +
		      (op->kernel_w - 1) * op->dil_w + 1, ky, px;

	for (ky = 0; ky < op->kernel_h; ky++) {
		int64_t iy = (int64_t)oy * op->stride_h - op->pad_top +
			     (int64_t)ky * op->dil_h;

		for (px = 0; px < Wp; px++, col += in->c) {
			int64_t ix = (int64_t)ox0 * op->stride_w - op->pad_left + px;

			if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w)
				memset(col, (int8_t)op->in0_zp, in->c);
			else
				memcpy(col, x + ((size_t)iy * in->w + (size_t)ix) *
				       in->c, in->c);
		}
	}
}

/* Input row of window tap k of output o along one axis (may be outside). */
static int64_t tap(uint32_t o, uint32_t k, uint32_t stride, uint32_t dil,
		   uint32_t pad)
{
	return (int64_t)o * stride - pad + (int64_t)k * dil;
}

/* The im2col vector of output pixel (oy, ox), group-major. */
static void im2col(const struct cim_image_op *op,
		   const struct cim_image_tensor *in, const int8_t *x,
		   uint32_t oy, uint32_t ox, int8_t *col)
{
	uint32_t G = op->groups, Cg = in->c / G, ky, kx, g, ci;
	uint32_t Kg = op->kernel_h * op->kernel_w * Cg;

	for (ky = 0; ky < op->kernel_h; ky++) {
		int64_t iy = tap(oy, ky, op->stride_h, op->dil_h, op->pad_top);

		for (kx = 0; kx < op->kernel_w; kx++) {
			int64_t ix = tap(ox, kx, op->stride_w, op->dil_w,
					 op->pad_left);
			int inside = iy >= 0 && iy < in->h && ix >= 0 && ix < in->w;
			const int8_t *px = inside ?
				x + ((size_t)iy * in->w + (size_t)ix) * in->c : NULL;

			for (g = 0; g < G; g++) {
				int8_t *dst = col + (size_t)g * Kg +
					      (size_t)(ky * op->kernel_w + kx) * Cg;

				for (ci = 0; ci < Cg; ci++)
					dst[ci] = inside ? px[g * Cg + ci] :
							   (int8_t)op->in0_zp;
			}
		}
	}
}

/* im2col vectors per mvm_batch call, at most (bytes of x). */
#define BATCH_BYTES	(1u << 20)

/*
 * A CONV's pixels through mvm_batch, a run of them at a time; 0, or -1
 * if mvm_batch declined or scratch could not be had (nothing written).
 */
static int mvm_op_batch(const struct refi_env *e, const struct cim_image_op *op,
			uint32_t i)
{
	const struct cim_image_tensor *in = &e->shape[op->in0];
	const struct cim_image_tensor *out = &e->shape[op->out];
	uint64_t K, N, P = (uint64_t)out->h * out->w, p0, p, n;
	const int32_t *mult, *shift;
	int8_t *y = e->ptr[op->out], *x;
	uint32_t *acc, run;
	int ret = 0;

	refi_op_vectors(op, e->shape, &K, &N);
	run = (uint32_t)(BATCH_BYTES / K ? BATCH_BYTES / K : 1);
	run = run < P ? run : (uint32_t)P;
	if (run < 2)
		return -1;
	x = malloc((size_t)run * K);
	acc = malloc((size_t)run * N * sizeof(*acc));
	if (!x || !acc) {
		free(x);
		free(acc);
		return -1;
	}
	e->requant(e->ctx, i, &mult, &shift);
	for (p0 = 0; p0 < P && !ret; p0 += run) {
		uint32_t cnt = P - p0 < run ? (uint32_t)(P - p0) : run;

		for (p = 0; p < cnt; p++)
			im2col(op, in, e->ptr[op->in0], (uint32_t)((p0 + p) / out->w),
			       (uint32_t)((p0 + p) % out->w), x + p * K);
		ret = e->mvm_batch(e->ctx, i, x, cnt, acc);
		for (p = 0; p < cnt && !ret; p++)
			for (n = 0; n < N; n++)
				*y++ = cim_requant_out((int32_t)acc[p * N + n], mult[n],
						       shift[n], op->out_zp,
						       op->act_min, op->act_max);
	}
	free(x);
	free(acc);
	return ret ? -1 : 0;	/* declined at the first run, or never */
}

static void mvm_op(const struct refi_env *e, const struct cim_image_op *op,
		   uint32_t i)
{
	const struct cim_image_tensor *in = &e->shape[op->in0];
	const struct cim_image_tensor *out = &e->shape[op->out];
	const int8_t *x = e->ptr[op->in0];
	int8_t *y = e->ptr[op->out];
	const int32_t *mult, *shift;
	uint32_t oy, ox, n, N = out->c, D = op->dup_w, d;

	if (op->type == CIM_OP_CONV && e->mvm_batch && !mvm_op_batch(e, op, i))
		return;
	e->requant(e->ctx, i, &mult, &shift);
	if (op->type == CIM_OP_CONV && D > 1) {
		/* D pixels a vector: acc[d * N + n] is output n of pixel ox + d */
		for (oy = 0; oy < out->h; oy++)
			for (ox = 0; ox < out->w; ox += D) {
				patch(op, in, x, oy, ox, e->x);
				e->mvm(e->ctx, i, e->x, e->acc);
				for (d = 0; d < D && ox + d < out->w; d++)
					for (n = 0; n < N; n++)
						*y++ = cim_requant_out(
							(int32_t)e->acc[d * N + n],
							mult[n], shift[n], op->out_zp,
							op->act_min, op->act_max);
			}
		return;
	}
	for (oy = 0; oy < out->h; oy++)
		for (ox = 0; ox < out->w; ox++) {
			const int8_t *col = x;

			if (op->type == CIM_OP_CONV) {
				im2col(op, in, x, oy, ox, e->x);
				col = e->x;
			}
			e->mvm(e->ctx, i, col, e->acc);
			for (n = 0; n < N; n++)
				*y++ = cim_requant_out((int32_t)e->acc[n], mult[n],
						       shift[n], op->out_zp,
						       op->act_min, op->act_max);
		}
}

/* Round s / n half away from zero; n > 0. */
static int64_t div_round(int64_t s, int64_t n)
{
	return s >= 0 ? (s + n / 2) / n : -((-s + n / 2) / n);
}

static void pool_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const struct cim_image_tensor *in = &e->shape[op->in0];
	const struct cim_image_tensor *out = &e->shape[op->out];
	const int8_t *x = e->ptr[op->in0];
	int8_t *y = e->ptr[op->out];
	uint32_t oy, ox, c, ky, kx;

	for (oy = 0; oy < out->h; oy++)
		for (ox = 0; ox < out->w; ox++)
			for (c = 0; c < out->c; c++) {
				int64_t s = 0, n = 0, mx = -129;

				for (ky = 0; ky < op->kernel_h; ky++)
					for (kx = 0; kx < op->kernel_w; kx++) {
						int64_t iy = tap(oy, ky, op->stride_h, 1, op->pad_top);
						int64_t ix = tap(ox, kx, op->stride_w, 1, op->pad_left);
						int8_t v;

						if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w) {
							if (op->flags & CIM_OPF_COUNT_PAD) {
								s += op->in0_zp;
								n++;
							}
							continue;
						}
						v = x[((size_t)iy * in->w + (size_t)ix) * in->c + c];
						s += v;
						n++;
						if (v > mx)
							mx = v;
					}
				if (op->type == CIM_OP_MAXPOOL)
					*y++ = cim_clamp8(mx, op->act_min, op->act_max);
				else
					*y++ = cim_clamp8(n ? div_round(s, n) : 0,
							  op->act_min, op->act_max);
			}
}

static void add_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const int8_t *a = e->ptr[op->in0], *b = e->ptr[op->in1];
	uint64_t i, n = cim_tensor_size(&e->shape[op->out]);
	int8_t *y = e->ptr[op->out];

	for (i = 0; i < n; i++) {
		int32_t va = (int32_t)((uint32_t)(a[i] - op->in0_zp) << op->left_shift);
		int32_t vb = (int32_t)((uint32_t)(b[i] - op->in1_zp) << op->left_shift);
		uint32_t sum = (uint32_t)cim_requant(va, op->in0_mult, op->in0_shift) +
			       (uint32_t)cim_requant(vb, op->in1_mult, op->in1_shift);

		y[i] = cim_requant_out((int32_t)sum, op->out_mult, op->out_shift,
				       op->out_zp, op->act_min, op->act_max);
	}
}

static void concat_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const struct cim_image_tensor *s0 = &e->shape[op->in0];
	const struct cim_image_tensor *s1 = &e->shape[op->in1];
	const int8_t *a = e->ptr[op->in0], *b = e->ptr[op->in1];
	uint64_t p, n = (uint64_t)s0->h * s0->w;
	int8_t *y = e->ptr[op->out];
	uint32_t c;

	for (p = 0; p < n; p++) {
		for (c = 0; c < s0->c; c++)
			*y++ = cim_requant_out(*a++ - op->in0_zp, op->in0_mult,
					       op->in0_shift, op->out_zp,
					       op->act_min, op->act_max);
		for (c = 0; c < s1->c; c++)
			*y++ = cim_requant_out(*b++ - op->in1_zp, op->in1_mult,
					       op->in1_shift, op->out_zp,
					       op->act_min, op->act_max);
	}
}

static void shuffle_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const struct cim_image_tensor *s = &e->shape[op->in0];
	const int8_t *x = e->ptr[op->in0];
	int8_t *y = e->ptr[op->out];
	uint32_t G = op->groups, per = s->c / G, g, i;
	uint64_t p, n = (uint64_t)s->h * s->w;

	for (p = 0; p < n; p++, x += s->c, y += s->c)
		for (g = 0; g < G; g++)
			for (i = 0; i < per; i++)
				y[i * G + g] = x[g * per + i];
}

static void lut_op(const struct refi_env *e, const struct cim_image_op *op,
		   uint32_t i)
{
	const int32_t *lut = e->lut(e->ctx, i);
	uint64_t k, n = cim_tensor_size(&e->shape[op->out]);
	const int8_t *x = e->ptr[op->in0];
	int8_t *y = e->ptr[op->out];

	for (k = 0; k < n; k++)
		y[k] = cim_clamp8(lut[x[k] + 128], op->act_min, op->act_max);
}

static void mul_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const struct cim_image_tensor *s1 = &e->shape[op->in1];
	uint64_t k, n = cim_tensor_size(&e->shape[op->out]);
	uint32_t C = e->shape[op->out].c, bc = s1->h == 1 && s1->w == 1;
	const int8_t *a = e->ptr[op->in0], *b = e->ptr[op->in1];
	int8_t *y = e->ptr[op->out];

	for (k = 0; k < n; k++) {
		int32_t vb = bc ? b[k % C] : b[k];

		y[k] = cim_requant_out((a[k] - op->in0_zp) * (vb - op->in1_zp),
				       op->out_mult, op->out_shift, op->out_zp,
				       op->act_min, op->act_max);
	}
}

static void slice_op(const struct refi_env *e, const struct cim_image_op *op)
{
	const struct cim_image_tensor *s = &e->shape[op->in0];
	const struct cim_image_tensor *o = &e->shape[op->out];
	const int8_t *x = e->ptr[op->in0] + op->chan_first;
	int8_t *y = e->ptr[op->out];
	uint64_t p, n = (uint64_t)o->h * o->w;

	for (p = 0; p < n; p++, x += s->c, y += o->c)
		memcpy(y, x, o->c);
}

/* The top value beats every other value by at least exit_margin. */
static int exit_op(const struct refi_env *e, const struct cim_image_op *op)
{
	uint64_t i, top = 0, n = cim_tensor_size(&e->shape[op->in0]);
	const int8_t *x = e->ptr[op->in0];

	memcpy(e->ptr[op->out], x, n);
	for (i = 1; i < n; i++)
		if (x[i] > x[top])
			top = i;
	for (i = 0; i < n; i++)
		if (i != top && (int64_t)x[top] - x[i] < (int64_t)op->exit_margin)
			return 0;
	return 1;
}

int refi_op(const struct refi_env *e, const struct cim_image_op *op,
	    uint32_t i)
{
	switch (op->type) {
	case CIM_OP_FC:
	case CIM_OP_CONV:
		mvm_op(e, op, i);
		return 0;
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		pool_op(e, op);
		return 0;
	case CIM_OP_ADD:
		add_op(e, op);
		return 0;
	case CIM_OP_CONCAT:
		concat_op(e, op);
		return 0;
	case CIM_OP_SHUFFLE:
		shuffle_op(e, op);
		return 0;
	case CIM_OP_LUT:
		lut_op(e, op, i);
		return 0;
	case CIM_OP_MUL:
		mul_op(e, op);
		return 0;
	case CIM_OP_SLICE:
		slice_op(e, op);
		return 0;
	default:
		return exit_op(e, op);
	}
}
