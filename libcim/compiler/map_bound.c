// SPDX-License-Identifier: MIT
/*
 * A lower bound on the period of ANY mapping of a model onto the card,
 * from the time model the firmware charges (fw_time.c, map_cost.c): no
 * replicas, packing, duplicated windows or choice of SIMD CONVs can
 * bring the period below it.  Pure C11.
 *
 * Every FC/CONV op runs either on arrays or as a SIMD CONV.
 * - On arrays, each MVM's blocks partition the op's matrix (uapi/
 *   cim_image.h: blocks cover it, replicas repeat it), each block at
 *   most tile_rows x tile_cols cells, and a block costs mvm_fixed_ns
 *   plus its row groups times ADC passes (times adc_bits bit-cycles).
 *   For a K x M matrix (M cells a row) cut into rectangles: every
 *   column meets rectangles of at least ceil(K / row_group) row groups
 *   in total, so the rectangles' row groups times ADC passes sum to at
 *   least ceil(K / row_group) * M / adcs, and likewise by rows; the
 *   same argument with tile_rows x tile_cols counts the blocks.  An op
 *   pays that per MVM, for every duplicated window D the format allows
 *   (its own K' x D*N matrix, one MVM per run of D pixels) at the best
 *   D.  Replicas split the MVMs, never reduce them.  Grouped ops:
 *   a phase holds at most row_group x adcs weight cells.
 *   Its SIMD unit still requantizes every output pixel's N values, adds
 *   at least N partial sums a pixel (fw_sched.c charges each block's
 *   outputs) and, with an input zero point, drives at least N offsets.
 * - As a SIMD CONV it costs its multiply-adds (ceil(N / lanes) * Kg
 *   cycles a pixel) and the requantization, on SIMD units only.
 * The other ops' SIMD work is what fw_sched.c charges them.
 *
 * Arrays and SIMD units are card_tiles each, so the period is at least
 * the larger of (array work) / tiles and (SIMD work) / tiles, for the
 * best split of the ops between the two.  A CONV whose SIMD work as a
 * SIMD CONV is no more than its SIMD work on arrays (a depthwise one:
 * fewer lane-cycles than the partial sums and offset drive it would
 * need) counts as a SIMD CONV.  The split is relaxed to
 * fractions of ops (a lower bound of the integer choice): ops move to
 * the SIMD in order of array time saved per SIMD time added, until the
 * two totals meet.  Besides, an op's SIMD work and that of the digital
 * ops after it stay on its replicas' homes (at most
 * CIM_IMAGE_MAX_REPLICAS of them): that share is a bound of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

static uint64_t div_up64(uint64_t a, uint64_t b)
{
	return b ? (a + b - 1) / b : 1;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * Fewest (row groups x ADC passes) of units rg x ad, and fewest pieces
 * of at most tr x tc, into which a K x M rectangle can be cut
 * (max of ceil(K / rg) * M / ad and K / rg * ceil(M / ad), rounded up).
 */
static uint64_t cut_lb(uint64_t K, uint64_t M, uint64_t rg, uint64_t ad)
{
	uint64_t a = div_up64(div_up64(K, rg) * M, ad);
	uint64_t b = div_up64(K * div_up64(M, ad), rg);

	return max_u64(a, b);
}

/* Least array time per item of op i (groups, K, N, dims as mapi_op_dims). */
static uint64_t array_lb(const struct mapi_plan *p, const struct cim_image_op *op,
			 const struct cim_image_tensor *in,
			 const struct cim_image_tensor *out, uint32_t K,
			 uint32_t N, uint32_t G)
{
	const struct cim_geometry *g = &p->opts.geom;
	const struct cim_map_cost *c = &p->cost;
	uint64_t cpw = op->wbits / 4, phase = (uint64_t)c->adc_bits * p->bit_ps;
	uint64_t fixed = (uint64_t)c->mvm_fixed_ns * 1000, best = UINT64_MAX;
	uint64_t Kd, M, mvms, t, cells, D, Dmax = 1;

	if (G > 1) {
		/* diagonal blocks: a phase, a block hold at most so many cells */
		cells = (uint64_t)K / G * N * cpw;
		mvms = op->type == CIM_OP_CONV ? (uint64_t)out->h * out->w : 1;
		return mvms * (div_up64(cells, (uint64_t)c->row_group * c->adcs) *
			       phase + div_up64(cells, (uint64_t)g->tile_rows *
						g->tile_cols) * fixed);
	}
	if (op->type == CIM_OP_CONV)
		Dmax = out->w < CIM_IMAGE_MAX_DUP ? out->w : CIM_IMAGE_MAX_DUP;
	for (D = 1; D <= Dmax; D++) {
		Kd = K;
		if (D > 1) {
			Kd = (uint64_t)op->kernel_h * in->c *
			     ((D - 1) * op->stride_w +
			      (op->kernel_w - 1) * op->dil_w + 1);
			if (Kd > MAPI_MAX_VECTOR || D * N > MAPI_MAX_VECTOR)
				break;
		}
		M = D * N * cpw;
		mvms = op->type == CIM_OP_CONV ?
		       (uint64_t)out->h * div_up64(out->w, D) : 1;
		t = mvms * (cut_lb(Kd, M, c->row_group, c->adcs) * phase +
			    cut_lb(Kd, M, g->tile_rows, g->tile_cols) * fixed);
		if (t < best)
			best = t;
	}
	return best;
}

struct bop {
	double arr, simd_arr, simd_only;	/* ps per item */
	int movable;				/* a CONV may go on the SIMD */
};

/* SIMD time an op adds when it leaves the arrays. */
static double added(const struct bop *a)
{
	return a->simd_only > a->simd_arr ? a->simd_only - a->simd_arr : 0;
}

/* Array time saved per SIMD time added, largest first; FCs last. */
static int by_gain(const void *x, const void *y)
{
	const struct bop *a = x, *b = y;
	double l, r;

	if (a->movable != b->movable)
		return a->movable ? -1 : 1;
	/* a->arr / da > b->arr / db  <=>  a->arr * db > b->arr * da */
	l = a->arr * added(b);
	r = b->arr * added(a);
	return l > r ? -1 : l < r;
}

int mapi_bound(const struct mapi_plan *p, struct cim_map_report *rep)
{
	const struct cim_qmodel *qm = p->qm;
	const struct cim_qop *ops = p->orig_ops;
	uint64_t simd_ps = p->cost.simd_ps_per_elem, home = 0, e;
	uint64_t tiles = p->opts.max_tiles ? p->opts.max_tiles : 1;
	uint64_t *after = calloc(qm->n_ops, sizeof(*after));
	uint32_t *src = malloc(qm->n_tensors * sizeof(*src));
	struct bop *b = calloc(qm->n_ops, sizeof(*b));
	double arr = 0, simd = 0, d, T;
	uint32_t k, n = 0, K, N, G;

	if (!after || !src || !b) {
		free(after);
		free(src);
		free(b);
		return -ENOMEM;
	}
	/* the digital ops' SIMD work, and the MVM op whose homes it is on */
	src[0] = UINT32_MAX;
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &ops[k].op;

		if (op->type == CIM_OP_FC || op->type == CIM_OP_CONV) {
			src[k + 1] = k;
			continue;
		}
		src[k + 1] = op->type == CIM_OP_EXIT ? UINT32_MAX : src[op->in0];
		e = mapi_digital_elems(qm, k) * simd_ps;
		simd += (double)e;
		if (src[op->in0] != UINT32_MAX)
			after[src[op->in0]] += e;
	}
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &ops[k].op;
		const struct cim_image_tensor *in, *out = &qm->tensors[k + 1].shape;
		uint64_t pix, outs, on_arr, on_simd;

		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		/* the op's own matrix, without the windows the mapper chose */
		in = &qm->tensors[op->in0].shape;
		N = out->c;
		G = op->type == CIM_OP_CONV ? op->groups : 1;
		K = op->type == CIM_OP_CONV ? op->kernel_h * op->kernel_w * in->c :
					      (uint32_t)cim_tensor_size(in);
		pix = op->type == CIM_OP_CONV ? (uint64_t)out->h * out->w : 1;
		outs = pix * N * simd_ps;
		on_arr = outs * (op->in0_zp ? 3 : 2);
		on_simd = outs;
		b[n].movable = op->type == CIM_OP_CONV && p->cost.simd_mhz;
		if (b[n].movable)
			on_simd += mapi_simd_mac_ps(p, pix, N, K / G);
		b[n].arr = (double)array_lb(p, op, in, out, K, N, G);
		b[n].simd_arr = (double)on_arr;
		b[n].simd_only = (double)on_simd;
		if (b[n].movable && on_simd <= on_arr) {
			/* cheaper on the SIMD in both: there in any best split */
			b[n].arr = 0;
			b[n].simd_arr = (double)on_simd;
			b[n].movable = 0;
		}
		/* its SIMD work and that after it, on at most this many homes */
		e = (b[n].movable && on_simd < on_arr ? on_simd : on_arr) + after[k];
		home = max_u64(home, e / CIM_IMAGE_MAX_REPLICAS);
		arr += b[n].arr;
		simd += b[n].simd_arr;
		n++;
	}
	rep->lb_array_ps = (uint64_t)arr;
	rep->lb_simd_ps = (uint64_t)simd;
	/* move CONVs to the SIMD while the arrays are the busier */
	qsort(b, n, sizeof(*b), by_gain);
	for (k = 0; k < n && arr > simd && b[k].movable; k++) {
		d = added(&b[k]);
		if (simd + d <= arr - b[k].arr) {
			arr -= b[k].arr;
			simd += d;
			continue;
		}
		/* a fraction f of it: arr - f * A = simd + f * d */
		arr -= (arr - simd) * b[k].arr / (b[k].arr + d);
		simd = arr;
	}
	T = (arr > simd ? arr : simd) / (double)tiles;
	rep->period_lb_ps = max_u64((uint64_t)T, home);
	free(after);
	free(src);
	free(b);
	return 0;
}
