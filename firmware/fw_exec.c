// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The ops of one batch item, exactly as the comments of uapi/cim_image.h
 * define them, over the item's activation arena.  FC and CONV gather
 * their input vector (im2col for CONV), run one MVM per weight block on
 * its array, recombine the cell columns into weights digitally and add
 * the partial sums of split matrices; everything else is integer SIMD
 * work with the arithmetic of uapi/cim_quant.h, so an ideal card is
 * bit-exact to libcim's CPU reference.  Sums wrap in 32 bits, computed
 * unsigned so that wrapping is defined.
 */
#include "fw_internal.h"
#include "fw_array.h"
#include "fw_string.h"
#include "../uapi/cim_quant.h"

int8_t *fw_tensor(struct cim_fw *fw, const uint8_t *plan, uint32_t t)
{
	return fw_xtensor(&fw->x, plan, t);
}

int8_t *fw_xtensor(struct fw_xctx *xc, const uint8_t *plan, uint32_t t)
{
	return xc->arena + cim_image_tensors(plan)[t].offset;
}

/* Input row of window row o, tap k: may be outside [0, in). */
static int32_t fw_win_at(uint32_t o, uint32_t k, uint32_t stride,
			 uint32_t dil, uint32_t pad)
{
	return (int32_t)(o * stride + k * dil) - (int32_t)pad;
}

/* The K-long im2col vector of output pixel (oy, ox), group-major. */
static void fw_im2col(struct fw_xctx *xc, const struct cim_image_op *op,
		      const struct cim_image_tensor *in, const int8_t *x,
		      uint32_t oy, uint32_t ox)
{
	uint32_t G = op->groups, Cg = in->c / G;
	uint32_t Kg = op->kernel_h * op->kernel_w * Cg;
	uint32_t ky, kx, g;
	int32_t iy, ix;
	int8_t *dst;

	for (ky = 0; ky < op->kernel_h; ky++) {
		iy = fw_win_at(oy, ky, op->stride_h, op->dil_h, op->pad_top);
		for (kx = 0; kx < op->kernel_w; kx++) {
			ix = fw_win_at(ox, kx, op->stride_w, op->dil_w,
				       op->pad_left);
			dst = xc->col + (ky * op->kernel_w + kx) * Cg;
			for (g = 0; g < G; g++, dst += Kg) {
				if (iy < 0 || ix < 0 || (uint32_t)iy >= in->h ||
				    (uint32_t)ix >= in->w)
					memset(dst, (int8_t)op->in0_zp, Cg);
				else
					memcpy(dst, x + ((size_t)iy * in->w + ix) *
					       in->c + g * Cg, Cg);
			}
		}
	}
}

/*
 * The patch vector of the D output pixels from (oy, ox0) of a CONV with
 * duplicated windows (dup_w D, one group): kh rows of Wp input columns.
 */
static void fw_patch(struct fw_xctx *xc, const struct cim_image_op *op,
		     const struct cim_image_tensor *in, const int8_t *x,
		     uint32_t oy, uint32_t ox0)
{
	uint32_t Wp = (op->dup_w - 1) * op->stride_w +
		      (op->kernel_w - 1) * op->dil_w + 1;
	uint32_t ky, px, C = in->c;
	int32_t iy, ix;
	int8_t *dst = xc->col;

	for (ky = 0; ky < op->kernel_h; ky++) {
		iy = fw_win_at(oy, ky, op->stride_h, op->dil_h, op->pad_top);
		for (px = 0; px < Wp; px++, dst += C) {
			ix = (int32_t)(ox0 * op->stride_w + px) -
			     (int32_t)op->pad_left;
			if (iy < 0 || ix < 0 || (uint32_t)iy >= in->h ||
			    (uint32_t)ix >= in->w)
				memset(dst, (int8_t)op->in0_zp, C);
			else
				memcpy(dst, x + ((size_t)iy * in->w + ix) * C, C);
		}
	}
}

/*
 * One block's MVM on its array for input vector x (K long), added into
 * xc->acc.  Group j of the block sees rows j * rows.. and columns
 * j * outs * cpw.. of the MVM; the other groups' cells there are erased.
 *
 * The arrays are driven with u = x - zp, zp the op's input zero point,
 * and zp * (sum of the column's cells over the driven rows) is added
 * back digitally: sum x q = sum (x - zp) q + zp sum q, exactly.  A zero
 * activation (x = zp) then drives nothing and adds no analog error; with
 * the raw x (zp = -128 after a ReLU) it would be active in the top bit
 * plane, whose reading weighs -128.  u lies in [-255, 255]; when it has
 * both signs and leaves [-128, 127] it would take two polarity passes,
 * so that vector is driven raw (offset 0) instead.
 */
static int32_t fw_drive(int16_t *xb, uint32_t n, int32_t zp)
{
	int32_t lo = 0, hi = 0;
	uint32_t r;

	for (r = 0; r < n; r++) {
		xb[r] = (int16_t)(xb[r] - zp);
		lo = xb[r] < lo ? xb[r] : lo;
		hi = xb[r] > hi ? xb[r] : hi;
	}
	if (lo >= 0 || hi <= 0 || (lo >= -128 && hi <= 127))
		return zp;
	for (r = 0; r < n; r++)		/* back to the raw x */
		xb[r] = (int16_t)(xb[r] + zp);
	return 0;
}

static void fw_block(struct cim_fw *fw, struct fw_xctx *xc,
		     const uint8_t *plan, const struct cim_fw_slot *s,
		     const struct cim_image_op *op,
		     const struct cim_image_block *b, uint32_t Kg, uint32_t Ng,
		     uint32_t Nr, const int8_t *x)
{
	const int32_t *wzp = op->wbits == 4 ?
			     cim_image_param(plan, op->wzp_offset) : NULL;
	uint32_t cpw = op->wbits / 4, part = b->outs * cpw;
	uint32_t *acc = (uint32_t *)xc->acc;
	uint32_t nr = b->g_count * b->rows, nc = b->g_count * part;
	const int8_t *xg;
	const int32_t *cs;
	uint32_t j, r, o, n, xsum;
	int16_t *xb;
	int32_t off;

	for (j = 0; j < b->g_count; j++) {
		xg = x + (b->g_first + j) * Kg + b->row_base;
		xb = xc->xb + j * b->rows;
		for (r = 0; r < b->rows; r++)
			xb[r] = xg[r];
	}
	off = op->in0_zp ? fw_drive(xc->xb, nr, op->in0_zp) : 0;
	fw_array_mvm(fw, s->map[b->vtile], b->array_row, nr, b->array_col, nc,
		     xc->xb, xc->colsum);
	if (off) {
		/* + off * sum of the cells: the column sums of the raw x */
		fw_array_colq(fw, s->map[b->vtile], b->array_row, nr,
			      b->array_col, nc, xc->colq);
		for (n = 0; n < nc; n++)
			xc->colsum[n] = (int32_t)((uint32_t)xc->colsum[n] +
						  (uint32_t)off *
						  (uint32_t)xc->colq[n]);
	}

	for (j = 0; j < b->g_count; j++) {
		xg = x + (b->g_first + j) * Kg + b->row_base;
		xsum = 0;
		for (r = 0; r < b->rows; r++)
			xsum += (uint32_t)(int32_t)xg[r];
		cs = xc->colsum + j * part;
		n = (b->g_first + j) * Ng + b->col_base;
		for (o = 0; o < b->outs; o++, n++) {
			if (cpw == 2)	/* w = 16 * hi + lo - 128 */
				acc[n] += 16 * (uint32_t)cs[2 * o] +
					  (uint32_t)cs[2 * o + 1] - 128 * xsum;
			else		/* w = q - wzp[n % Nr] */
				acc[n] += (uint32_t)cs[o] -
					  (uint32_t)wzp[n < Nr ? n : n % Nr] *
					  xsum;
		}
	}
}

/*
 * SIMD CONV (CIM_OPF_SIMD): acc += W x on the tile's SIMD lanes, the
 * weights read from the params blob rather than driven through arrays.
 */
static void fw_simd_dot(const uint8_t *plan, const struct cim_image_op *op,
			uint32_t Kg, uint32_t Ng, uint32_t N, const int8_t *x,
			int32_t *acc)
{
	const int8_t *w = (const int8_t *)cim_image_param(plan,
							   op->weights_offset);
	const int32_t *wzp = op->wbits == 4 ?
			     cim_image_param(plan, op->wzp_offset) : NULL;
	uint32_t n, k, sum;
	const int8_t *xg;
	int32_t z;

	for (n = 0; n < N; n++, w += Kg) {
		xg = x + (n / Ng) * Kg;
		z = wzp ? wzp[n] : 0;
		sum = 0;
		for (k = 0; k < Kg; k++)
			sum += (uint32_t)(xg[k] * (w[k] - z));
		acc[n] = (int32_t)((uint32_t)acc[n] + sum);
	}
}

static void fw_op_mvm(struct cim_fw *fw, struct fw_xctx *xc,
		      const uint8_t *plan, const struct cim_fw_slot *s,
		      const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *in = &t[op->in0], *out = &t[op->out];
	const struct cim_image_block *blocks = cim_image_blocks(plan);
	const int32_t *bias = cim_image_param(plan, op->bias_offset);
	const int32_t *mult = cim_image_param(plan, op->mult_offset);
	const int32_t *shift = cim_image_param(plan, op->shift_offset);
	const int8_t *in0 = fw_xtensor(xc, plan, op->in0), *x = in0;
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint32_t N = out->c, G = op->type == CIM_OP_CONV ? op->groups : 1;
	uint32_t K = op->type == CIM_OP_CONV ?
		     op->kernel_h * op->kernel_w * in->c :
		     (uint32_t)cim_tensor_size(in);
	uint32_t R = op->replicas ? op->replicas : 1, per = op->block_count / R;
	uint32_t D = op->dup_w > 1 ? op->dup_w : 1, Nx = N * D, d, npx;
	uint32_t oy, ox, n, i, p = 0, first;

	if (D > 1)	/* duplicated windows: the patch vector */
		K = op->kernel_h * in->c * ((D - 1) * op->stride_w +
					    (op->kernel_w - 1) * op->dil_w + 1);
	for (oy = 0; oy < out->h; oy++) {
		if (!xc->lane)
			fw_progress(fw, 1);
		for (ox = 0; ox < out->w; ox += D) {
			if (D > 1) {
				fw_patch(xc, op, in, in0, oy, ox);
				x = xc->col;
			} else if (op->type == CIM_OP_CONV) {
				fw_im2col(xc, op, in, in0, oy, ox);
				x = xc->col;
			}
			for (n = 0; n < Nx; n++)
				xc->acc[n] = bias[n % N];
			if (op->flags & CIM_OPF_SIMD)
				fw_simd_dot(plan, op, K / G, N / G, N, x,
					    xc->acc);
			/* pixel p on replica p % R (an FC has one pixel) */
			first = op->block_first + (p++ % R) * per;
			for (i = 0; i < per; i++)
				fw_block(fw, xc, plan, s, op, &blocks[first + i],
					 K / G, Nx / G, N, x);
			/* pixels past the row's end: computed, dropped */
			npx = out->w - ox < D ? out->w - ox : D;
			for (d = 0; d < npx; d++, y += N)
				for (n = 0; n < N; n++)
					y[n] = cim_requant_out(xc->acc[d * N + n],
							       mult[n], shift[n],
							       op->out_zp,
							       op->act_min,
							       op->act_max);
		}
	}
}

/* s / n rounded half away from zero; n > 0. */
static int32_t fw_div_round(int32_t s, int32_t n)
{
	return s >= 0 ? (s + n / 2) / n : -((-s + n / 2) / n);
}

static void fw_op_pool(struct fw_xctx *xc, const uint8_t *plan,
		       const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *in = &t[op->in0], *out = &t[op->out];
	const int8_t *x = fw_xtensor(xc, plan, op->in0);
	int8_t *y = fw_xtensor(xc, plan, op->out);
	int avg = op->type == CIM_OP_AVGPOOL;
	int pad = op->flags & CIM_OPF_COUNT_PAD;
	uint32_t oy, ox, ky, kx, c;
	int32_t iy, ix, v, cnt, xv;

	for (oy = 0; oy < out->h; oy++) {
		for (ox = 0; ox < out->w; ox++) {
			for (c = 0; c < in->c; c++) {
				v = avg ? 0 : -128;
				cnt = 0;
				for (ky = 0; ky < op->kernel_h; ky++) {
					iy = fw_win_at(oy, ky, op->stride_h, 1,
						       op->pad_top);
					for (kx = 0; kx < op->kernel_w; kx++) {
						ix = fw_win_at(ox, kx, op->stride_w,
							       1, op->pad_left);
						if (iy < 0 || ix < 0 ||
						    (uint32_t)iy >= in->h ||
						    (uint32_t)ix >= in->w) {
							if (avg && pad) {
								v += op->in0_zp;
								cnt++;
							}
							continue;
						}
						xv = x[((size_t)iy * in->w + ix) *
						       in->c + c];
						if (avg)
							v += xv;
						else if (xv > v)
							v = xv;
						cnt++;
					}
				}
				if (avg)
					v = fw_div_round(v, cnt);
				*y++ = cim_clamp8(v, op->act_min, op->act_max);
			}
		}
	}
}

static void fw_op_add(struct fw_xctx *xc, const uint8_t *plan,
		      const struct cim_image_op *op)
{
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	const int8_t *x0 = fw_xtensor(xc, plan, op->in0);
	const int8_t *x1 = fw_xtensor(xc, plan, op->in1);
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint64_t i, n = cim_tensor_size(out);
	int32_t a, b;
	uint32_t sum;

	for (i = 0; i < n; i++) {
		a = (x0[i] - op->in0_zp) * (1 << op->left_shift);
		b = (x1[i] - op->in1_zp) * (1 << op->left_shift);
		sum = (uint32_t)cim_requant(a, op->in0_mult, op->in0_shift) +
		      (uint32_t)cim_requant(b, op->in1_mult, op->in1_shift);
		y[i] = cim_requant_out((int32_t)sum, op->out_mult,
				       op->out_shift, op->out_zp, op->act_min,
				       op->act_max);
	}
}

static void fw_op_concat(struct fw_xctx *xc, const uint8_t *plan,
			 const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	uint32_t c0 = t[op->in0].c, c1 = t[op->in1].c;
	uint64_t p, np = (uint64_t)t[op->out].h * t[op->out].w;
	const int8_t *x0 = fw_xtensor(xc, plan, op->in0);
	const int8_t *x1 = fw_xtensor(xc, plan, op->in1);
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint32_t c;

	for (p = 0; p < np; p++) {
		for (c = 0; c < c0; c++)
			*y++ = cim_requant_out(*x0++ - op->in0_zp, op->in0_mult,
					       op->in0_shift, op->out_zp,
					       op->act_min, op->act_max);
		for (c = 0; c < c1; c++)
			*y++ = cim_requant_out(*x1++ - op->in1_zp, op->in1_mult,
					       op->in1_shift, op->out_zp,
					       op->act_min, op->act_max);
	}
}

static void fw_op_shuffle(struct fw_xctx *xc, const uint8_t *plan,
			  const struct cim_image_op *op)
{
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	uint32_t C = out->c, G = op->groups, Cg = C / G, i, g;
	uint64_t p, np = (uint64_t)out->h * out->w;
	const int8_t *x = fw_xtensor(xc, plan, op->in0);
	int8_t *y = fw_xtensor(xc, plan, op->out);

	for (p = 0; p < np; p++, x += C, y += C)
		for (g = 0; g < G; g++)
			for (i = 0; i < Cg; i++)
				y[i * G + g] = x[g * Cg + i];
}

/* LUT: one table lookup per value (version 2.1). */
static void fw_op_lut(struct fw_xctx *xc, const uint8_t *plan,
		      const struct cim_image_op *op)
{
	const struct cim_image_tensor *out = &cim_image_tensors(plan)[op->out];
	const int32_t *lut = cim_image_param(plan, op->lut_offset);
	const int8_t *x = fw_xtensor(xc, plan, op->in0);
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint64_t i, n = cim_tensor_size(out);

	for (i = 0; i < n; i++)
		y[i] = cim_clamp8(lut[x[i] + 128], op->act_min, op->act_max);
}

/* MUL: product of the zero-point-free values, requantized (2.1). */
static void fw_op_mul(struct fw_xctx *xc, const uint8_t *plan,
		      const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *out = &t[op->out], *s1 = &t[op->in1];
	const int8_t *x0 = fw_xtensor(xc, plan, op->in0);
	const int8_t *x1 = fw_xtensor(xc, plan, op->in1);
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint64_t i, n = cim_tensor_size(out);
	uint32_t c = 0, per = s1->h == 1 && s1->w == 1 && out->h * out->w > 1;

	for (i = 0; i < n; i++) {
		int32_t v1 = per ? x1[c] : x1[i];

		y[i] = cim_requant_out((x0[i] - op->in0_zp) * (v1 - op->in1_zp),
				       op->out_mult, op->out_shift, op->out_zp,
				       op->act_min, op->act_max);
		if (++c == out->c)
			c = 0;
	}
}

/* SLICE: a run of each pixel's channels (2.1). */
static void fw_op_slice(struct fw_xctx *xc, const uint8_t *plan,
			const struct cim_image_op *op)
{
	const struct cim_image_tensor *t = cim_image_tensors(plan);
	const struct cim_image_tensor *in = &t[op->in0], *out = &t[op->out];
	const int8_t *x = fw_xtensor(xc, plan, op->in0) + op->chan_first;
	int8_t *y = fw_xtensor(xc, plan, op->out);
	uint64_t p, np = (uint64_t)out->h * out->w;

	for (p = 0; p < np; p++, x += in->c, y += out->c)
		memcpy(y, x, out->c);
}

/* EXIT: copy, and does the top value beat every other by the margin? */
static int fw_op_exit(struct fw_xctx *xc, const uint8_t *plan,
		      const struct cim_image_op *op, uint32_t margin)
{
	const struct cim_image_tensor *in = &cim_image_tensors(plan)[op->in0];
	const int8_t *x = fw_xtensor(xc, plan, op->in0);
	uint64_t i, n = cim_tensor_size(in);
	int32_t top = -129, second = -129;

	memcpy(fw_xtensor(xc, plan, op->out), x, n);
	for (i = 0; i < n; i++) {
		if (x[i] > top) {
			second = top;
			top = x[i];
		} else if (x[i] > second) {
			second = x[i];
		}
	}
	/* one value has no other to beat */
	return n == 1 || (uint32_t)(top - second) >= margin;
}

uint32_t fw_exec_item(struct cim_fw *fw, struct fw_xctx *xc,
		      const uint8_t *plan, const struct cim_fw_slot *s,
		      int use_margin, uint32_t margin, uint32_t *exit_idx,
		      uint32_t *result)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_op *op = cim_image_ops(plan);
	uint32_t k, exits = 0;

	*exit_idx = h->n_exits;
	*result = h->output_tensor;
	for (k = 0; k < h->n_ops; k++, op++) {
		if (!xc->lane)
			fw_progress(fw, 1);
		switch (op->type) {
		case CIM_OP_FC:
		case CIM_OP_CONV:
			fw_op_mvm(fw, xc, plan, s, op);
			break;
		case CIM_OP_MAXPOOL:
		case CIM_OP_AVGPOOL:
			fw_op_pool(xc, plan, op);
			break;
		case CIM_OP_ADD:
			fw_op_add(xc, plan, op);
			break;
		case CIM_OP_CONCAT:
			fw_op_concat(xc, plan, op);
			break;
		case CIM_OP_SHUFFLE:
			fw_op_shuffle(xc, plan, op);
			break;
		case CIM_OP_LUT:
			fw_op_lut(xc, plan, op);
			break;
		case CIM_OP_MUL:
			fw_op_mul(xc, plan, op);
			break;
		case CIM_OP_SLICE:
			fw_op_slice(xc, plan, op);
			break;
		case CIM_OP_EXIT:
			if (fw_op_exit(xc, plan, op, use_margin ? margin :
				       op->exit_margin)) {
				*exit_idx = exits;
				*result = op->in0;
				return k + 1;
			}
			exits++;
			break;
		}
	}
	return h->n_ops;
}
