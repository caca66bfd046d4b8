// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Reference for the firmware tests, written from the op comments of
 * uapi/cim_image.h as plainly as possible: direct convolution over the
 * weight values (no im2col, no cells, no blocks), one buffer per tensor.
 */
#include <stdlib.h>
#include <string.h>

#include "tnet.h"
#include "cim_quant.h"

static int8_t clampv(int64_t v, const struct cim_image_op *op)
{
	if (v < op->act_min)
		return (int8_t)op->act_min;
	if (v > op->act_max)
		return (int8_t)op->act_max;
	return (int8_t)v;
}

static int32_t weight(const struct tnet_op *o, uint32_t K, uint32_t N,
		      uint32_t k, uint32_t n)
{
	uint32_t G = o->op.groups ? o->op.groups : 1, Ng = N / G, Kg = K / G;
	uint32_t g = n / Ng;
	int32_t w = o->w[((size_t)g * Kg + (k - g * Kg)) * Ng + n % Ng];

	return o->op.wbits == 8 ? w : w - o->wzp[n];
}

static void ref_fc(const struct tnet *n, const struct tnet_op *o,
		   int8_t **t)
{
	uint32_t K = (uint32_t)tnet_size(n, o->op.in0), N = n->t[o->op.out].c;
	uint32_t k, j;
	uint32_t acc;

	for (j = 0; j < N; j++) {
		acc = (uint32_t)o->bias[j];
		for (k = 0; k < K; k++)
			acc += (uint32_t)(t[o->op.in0][k] * weight(o, K, N, k, j));
		t[o->op.out][j] = cim_requant_out((int32_t)acc, o->mult[j],
						  o->shift[j], o->op.out_zp,
						  o->op.act_min, o->op.act_max);
	}
}

static void ref_conv(const struct tnet *n, const struct tnet_op *o,
		     int8_t **t)
{
	const struct cim_image_op *op = &o->op;
	const struct cim_image_tensor *in = &n->t[op->in0], *out = &n->t[op->out];
	uint32_t C = in->c, N = out->c, G = op->groups, Cg = C / G, Ng = N / G;
	uint32_t K = op->kernel_h * op->kernel_w * C, Kg = K / G;
	uint32_t oy, ox, j, ky, kx, ci, g;
	int64_t iy, ix;
	int32_t x;
	uint32_t acc;

	for (oy = 0; oy < out->h; oy++)
		for (ox = 0; ox < out->w; ox++)
			for (j = 0; j < N; j++) {
				g = j / Ng;
				acc = (uint32_t)o->bias[j];
				for (ky = 0; ky < op->kernel_h; ky++)
					for (kx = 0; kx < op->kernel_w; kx++)
						for (ci = 0; ci < Cg; ci++) {
							iy = (int64_t)oy * op->stride_h - op->pad_top + (int64_t)ky * op->dil_h;
							ix = (int64_t)ox * op->stride_w - op->pad_left + (int64_t)kx * op->dil_w;
							if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w)
								x = op->in0_zp;
							else
								x = t[op->in0][(iy * in->w + ix) * C + g * Cg + ci];
							acc += (uint32_t)(x * weight(o, K, N, g * Kg + (ky * op->kernel_w + kx) * Cg + ci, j));
						}
				t[op->out][((size_t)oy * out->w + ox) * N + j] =
					cim_requant_out((int32_t)acc, o->mult[j], o->shift[j],
							op->out_zp, op->act_min, op->act_max);
			}
}

static void ref_pool(const struct tnet *n, const struct cim_image_op *op,
		     int8_t **t)
{
	const struct cim_image_tensor *in = &n->t[op->in0], *out = &n->t[op->out];
	uint32_t oy, ox, c, ky, kx;
	int64_t iy, ix, s, cnt, q, r;
	int32_t best;

	for (oy = 0; oy < out->h; oy++)
		for (ox = 0; ox < out->w; ox++)
			for (c = 0; c < in->c; c++) {
				s = 0;
				cnt = 0;
				best = -1000;
				for (ky = 0; ky < op->kernel_h; ky++)
					for (kx = 0; kx < op->kernel_w; kx++) {
						iy = (int64_t)oy * op->stride_h - op->pad_top + ky;
						ix = (int64_t)ox * op->stride_w - op->pad_left + kx;
						if (iy < 0 || ix < 0 || iy >= in->h || ix >= in->w) {
							if (op->flags & CIM_OPF_COUNT_PAD) {
								s += op->in0_zp;
								cnt++;
							}
							continue;
						}
						int32_t v = t[op->in0][(iy * in->w + ix) * in->c + c];
						s += v;
						cnt++;
						if (v > best)
							best = v;
					}
				if (op->type == CIM_OP_MAXPOOL) {
					t[op->out][((size_t)oy * out->w + ox) * in->c + c] = clampv(best, op);
					continue;
				}
				/* |s| / cnt, rounded half up, with s's sign */
				q = (s < 0 ? -s : s) / cnt;
				r = (s < 0 ? -s : s) % cnt;
				if (2 * r >= cnt)
					q++;
				t[op->out][((size_t)oy * out->w + ox) * in->c + c] =
					clampv(s < 0 ? -q : q, op);
			}
}

static void ref_simple(const struct tnet *n, const struct tnet_op *o,
		       int8_t **t)
{
	const struct cim_image_op *op = &o->op;
	const struct cim_image_tensor *s1 = op->in1 == CIM_TENSOR_NONE ? NULL :
					    &n->t[op->in1];
	const struct cim_image_tensor *out = &n->t[op->out];
	uint64_t i, sz = tnet_size(n, op->out), px = (uint64_t)out->h * out->w;
	uint32_t c, g, ii, c0, c1, G = op->groups;
	int32_t a, b, sum;

	switch (op->type) {
	case CIM_OP_ADD:
		for (i = 0; i < sz; i++) {
			a = (t[op->in0][i] - op->in0_zp) * (1 << op->left_shift);
			b = (t[op->in1][i] - op->in1_zp) * (1 << op->left_shift);
			sum = (int32_t)((uint32_t)cim_requant(a, op->in0_mult, op->in0_shift) +
					(uint32_t)cim_requant(b, op->in1_mult, op->in1_shift));
			t[op->out][i] = clampv((int64_t)op->out_zp +
					       cim_requant(sum, op->out_mult, op->out_shift), op);
		}
		break;
	case CIM_OP_CONCAT:
		c0 = n->t[op->in0].c;
		c1 = n->t[op->in1].c;
		for (i = 0; i < px; i++)
			for (c = 0; c < c0 + c1; c++) {
				int64_t v = c < c0 ?
					(int64_t)op->out_zp + cim_requant(t[op->in0][i * c0 + c] - op->in0_zp, op->in0_mult, op->in0_shift) :
					(int64_t)op->out_zp + cim_requant(t[op->in1][i * c1 + c - c0] - op->in1_zp, op->in1_mult, op->in1_shift);
				t[op->out][i * (c0 + c1) + c] = clampv(v, op);
			}
		break;
	case CIM_OP_SHUFFLE:
		for (i = 0; i < px; i++)
			for (g = 0; g < G; g++)
				for (ii = 0; ii < out->c / G; ii++)
					t[op->out][i * out->c + ii * G + g] =
						t[op->in0][i * out->c + g * (out->c / G) + ii];
		break;
	case CIM_OP_LUT:	/* version 2.1 */
		for (i = 0; i < sz; i++)
			t[op->out][i] = clampv(o->lut[t[op->in0][i] + 128], op);
		break;
	case CIM_OP_MUL:
		for (i = 0; i < sz; i++) {
			int32_t v1 = s1->h * s1->w == 1 ? t[op->in1][i % out->c] :
							  t[op->in1][i];

			t[op->out][i] = clampv((int64_t)op->out_zp +
					       cim_requant((t[op->in0][i] - op->in0_zp) *
							   (v1 - op->in1_zp),
							   op->out_mult, op->out_shift), op);
		}
		break;
	case CIM_OP_SLICE:
		c0 = n->t[op->in0].c;
		for (i = 0; i < px; i++)
			for (c = 0; c < out->c; c++)
				t[op->out][i * out->c + c] =
					t[op->in0][i * c0 + op->chan_first + c];
		break;
	default:
		break;
	}
}

static int ref_exit(const struct tnet *n, const struct cim_image_op *op,
		    int8_t **t, int64_t margin)
{
	uint64_t i, top = 0, sz = tnet_size(n, op->in0);
	const int8_t *x = t[op->in0];

	memcpy(t[op->out], x, sz);
	if (margin < 0)
		margin = op->exit_margin;
	for (i = 1; i < sz; i++)
		if (x[i] > x[top])
			top = i;
	for (i = 0; i < sz; i++)
		if (i != top && (int64_t)x[top] - x[i] < margin)
			return 0;
	return 1;
}

void tnet_ref(const struct tnet *n, const int8_t *in, int8_t *out,
	      uint8_t *exits, uint32_t batch, int64_t margin)
{
	int8_t **t = calloc(n->n_ops + 1, sizeof(*t));
	uint64_t isz = tnet_size(n, 0), osz = tnet_size(n, n->output);
	uint32_t b, k, e, res;

	for (k = 0; k <= n->n_ops; k++)
		t[k] = calloc(1, tnet_size(n, k));
	for (b = 0; b < batch; b++) {
		memcpy(t[0], in + b * isz, isz);
		e = 0;
		res = n->output;
		for (k = 0; k < n->n_ops; k++) {
			const struct tnet_op *o = &n->ops[k];

			if (o->op.type == CIM_OP_FC)
				ref_fc(n, o, t);
			else if (o->op.type == CIM_OP_CONV)
				ref_conv(n, o, t);
			else if (o->op.type == CIM_OP_MAXPOOL || o->op.type == CIM_OP_AVGPOOL)
				ref_pool(n, &o->op, t);
			else if (o->op.type == CIM_OP_EXIT) {
				if (ref_exit(n, &o->op, t, margin)) {
					res = o->op.in0;
					break;
				}
				e++;
			} else
				ref_simple(n, o, t);
		}
		if (exits)
			exits[b] = (uint8_t)(k < n->n_ops ? e : e);
		memcpy(out + b * osz, t[res], osz);
	}
	for (k = 0; k <= n->n_ops; k++)
		free(t[k]);
	free(t);
}
