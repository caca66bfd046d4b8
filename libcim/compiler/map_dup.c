// SPDX-License-Identifier: MIT
/*
 * Duplicated convolution windows (uapi/cim_image.h, dup_w): one MVM
 * computes D horizontally adjacent output pixels from their shared input
 * patch, through a matrix holding the kernel D times, each copy shifted
 * by the stride.  An MVM costs the row groups and ADC passes its block
 * spans plus a fixed part (DESIGN.md §3), so where one pixel's block
 * fills few of them (a small first layer, a 1x1 CONV over few channels,
 * 4-bit weights filling half an ADC pass) D pixels cost less than D
 * MVMs: more MACs per unit of MVM time.  The zeros of the shifted copies
 * take cells and time like any weight; D is chosen only where the time
 * per pixel still falls.  Pure C11.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

#define DUP_MAX	16	/* runs tried: 2..DUP_MAX pixels */

/* Patch width of D pixels. */
static uint32_t patch_w(const struct cim_image_op *op, uint32_t D)
{
	return (D - 1) * op->stride_w + (op->kernel_w - 1) * op->dil_w + 1;
}

/*
 * The best D for CONV op i (1: none): the one whose single block gives
 * the least MVM time per output pixel.  Only one-group CONVs whose
 * duplicated matrix still fits one array.
 */
static uint32_t best_dup(const struct mapi_plan *p, uint32_t i)
{
	const struct cim_geometry *g = &p->opts.geom;
	const struct cim_qop *q = &p->qm->ops[i];
	const struct cim_image_tensor *in = &p->qm->tensors[q->op.in0].shape;
	const struct cim_image_tensor *out = &p->qm->tensors[i + 1].shape;
	uint32_t cpw = mapi_cpw(&q->op), N = out->c, D, best = 1;
	uint64_t K = (uint64_t)q->op.kernel_h * q->op.kernel_w * in->c, Kd;
	uint64_t tb, t;

	if (q->op.groups != 1 || K > g->tile_rows || N * cpw > g->tile_cols)
		return 1;
	/* MVM time of one output row: runs of D pixels, the last one partial */
	tb = mapi_mvm_ps(p, (uint32_t)K, N * cpw) * out->w;
	for (D = 2; D <= DUP_MAX && D <= out->w; D++) {
		Kd = (uint64_t)q->op.kernel_h * in->c * patch_w(&q->op, D);
		if (Kd > g->tile_rows || (uint64_t)D * N * cpw > g->tile_cols ||
		    Kd > MAPI_MAX_VECTOR || (uint64_t)D * N > MAPI_MAX_VECTOR)
			break;
		t = mapi_mvm_ps(p, (uint32_t)Kd, D * N * cpw) *
		    ((out->w + D - 1) / D);
		if (t < tb) {
			best = D;
			tb = t;
		}
	}
	return best;
}

/*
 * The N' x K' weights of op q with D duplicated windows: row d * N + n
 * holds output n's kernel at patch columns d * stride_w + kx * dil_w,
 * and a zero weight elsewhere (0; for 4-bit weights the cell value
 * wzp[n], whose weight q - wzp is 0).
 */
static int8_t *expand(const struct cim_qop *q, uint32_t C, uint32_t N,
		      uint32_t D)
{
	const struct cim_image_op *op = &q->op;
	uint32_t Wp = patch_w(op, D), kh = op->kernel_h, kw = op->kernel_w;
	uint64_t Kd = (uint64_t)kh * Wp * C, K = (uint64_t)kh * kw * C;
	int8_t *w = malloc((size_t)(D * N * Kd)), *row;
	uint32_t d, n, ky, kx;

	if (!w)
		return NULL;
	for (d = 0; d < D; d++)
		for (n = 0; n < N; n++) {
			row = w + ((size_t)d * N + n) * Kd;
			memset(row, op->wbits == 4 ? q->wzp[n] : 0, (size_t)Kd);
			for (ky = 0; ky < kh; ky++)
				for (kx = 0; kx < kw; kx++)
					memcpy(row + ((size_t)ky * Wp + d * op->stride_w +
						      kx * op->dil_w) * C,
					       q->weights + (size_t)n * K +
					       ((size_t)ky * kw + kx) * C, C);
		}
	return w;
}

int mapi_dup_choose(struct mapi_plan *p)
{
	struct cim_qop *ops = p->own_ops;
	uint32_t i, D;

	/* AREA keeps one copy in the fewest cells: no shifted copies */
	if ((p->opts.flags & CIM_MAP_NO_DUP) ||
	    p->opts.objective == CIM_MAP_AREA)
		return 0;
	for (i = 0; i < p->qm->n_ops; i++) {
		if (ops[i].op.type != CIM_OP_CONV || !mapi_is_mvm(&ops[i].op))
			continue;
		D = best_dup(p, i);
		if (D < 2)
			continue;
		p->own_w[i] = expand(&ops[i],
				     p->qm->tensors[ops[i].op.in0].shape.c,
				     p->qm->tensors[i + 1].shape.c, D);
		if (!p->own_w[i])
			return -ENOMEM;
		ops[i].weights = p->own_w[i];
		ops[i].op.dup_w = D;
		p->dup_w[i] = D;
	}
	return 0;
}

int mapi_dup_set(struct mapi_plan *p, int on)
{
	uint32_t i, n = 0;

	for (i = 0; i < p->qm->n_ops; i++) {
		if (!p->dup_w[i])
			continue;
		p->own_ops[i].weights = on ? p->own_w[i] : p->orig_ops[i].weights;
		p->own_ops[i].op.dup_w = on ? p->dup_w[i] : 0;
		n++;
	}
	return n > 0;
}
