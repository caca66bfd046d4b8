// SPDX-License-Identifier: MIT
/*
 * Depthwise and small grouped convolutions on the tile SIMD.  Laid out
 * on arrays, a grouped CONV's matrix is block diagonal: a block of n
 * groups spans n * Kg rows and n * Ng * c cells but holds only n * Kg *
 * Ng * c of them, and an MVM costs every row group and ADC pass its
 * block spans (DESIGN.md §3).  The tile SIMD instead pays one lane-cycle
 * per multiply-add.  The mapper moves a grouped CONV onto the SIMD
 * (CIM_OPF_SIMD, uapi/cim_image.h) when the time model says its work per
 * item is less there than on arrays.  Pure C11.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

static uint64_t div_up64(uint64_t a, uint64_t b)
{
	return b ? (a + b - 1) / b : 1;
}

/* fw_time.c's fw_simd_mac_ps(): ceil(N / lanes) * Kg cycles a pixel. */
uint64_t mapi_simd_mac_ps(const struct mapi_plan *p, uint64_t pixels,
			  uint32_t N, uint32_t Kg)
{
	uint32_t lanes = p->cost.simd_lanes ? p->cost.simd_lanes : 1;

	if (!p->cost.simd_mhz)
		return 0;
	return pixels * div_up64(N, lanes) * Kg * 1000000 / p->cost.simd_mhz;
}

uint64_t mapi_digital_ps(const struct mapi_plan *p, uint32_t i)
{
	const struct cim_qmodel *qm = p->qm;
	const struct cim_image_op *op = &qm->ops[i].op;
	uint64_t e = mapi_digital_elems(qm, i) * p->cost.simd_ps_per_elem;
	uint32_t K, N, G;

	if (op->type != CIM_OP_CONV)
		return e;
	mapi_op_dims(qm, i, &K, &N, &G);
	return e + mapi_simd_mac_ps(p, mapi_pixels(qm, i), N, K / G);
}

/*
 * Modeled work per item of grouped CONV op i on arrays: the diagonal
 * runs of groups the balancer would cut (the run size with the least MVM
 * time per group), one MVM per pixel each, plus the SIMD's partial sums,
 * offset drive and requantization.
 */
static uint64_t array_ps(const struct mapi_plan *p, uint32_t i)
{
	const struct cim_geometry *g = &p->opts.geom;
	const struct cim_image_op *op = &p->qm->ops[i].op;
	uint32_t K, N, G, Kg, Ng, cpw = mapi_cpw(op), n, best = 1, most;
	uint64_t tb, t, pix = mapi_pixels(p->qm, i), simd;

	mapi_op_dims(p->qm, i, &K, &N, &G);
	Kg = K / G;
	Ng = N / G;
	if (Kg > g->tile_rows || Ng * cpw > g->tile_cols)
		return UINT64_MAX;	/* large groups: not a small grouped op */
	most = g->tile_rows / Kg;
	if (g->tile_cols / (Ng * cpw) < most)
		most = g->tile_cols / (Ng * cpw);
	if (G < most)
		most = G;
	tb = mapi_mvm_ps(p, Kg, Ng * cpw);
	for (n = 2; n <= most; n++) {
		t = mapi_mvm_ps(p, n * Kg, n * Ng * cpw);
		if (t * best <= tb * n) {
			best = n;
			tb = t;
		}
	}
	simd = (uint64_t)N * p->cost.simd_ps_per_elem * (op->in0_zp ? 3 : 2);
	return pix * (div_up64(G, best) * tb + simd);
}

static uint64_t simd_ps(const struct mapi_plan *p, uint32_t i)
{
	uint32_t K, N, G;
	uint64_t pix = mapi_pixels(p->qm, i);

	mapi_op_dims(p->qm, i, &K, &N, &G);
	return mapi_simd_mac_ps(p, pix, N, K / G) +
	       pix * N * p->cost.simd_ps_per_elem;
}

int mapi_simd_choose(struct mapi_plan *p)
{
	struct cim_qop *ops = p->own_ops;
	uint32_t i, n = 0, n_ops = p->qm->n_ops;

	if (!p->cost.simd_mhz || (p->opts.flags & CIM_MAP_NO_SIMD_CONV))
		return 0;
	for (i = 0; i < n_ops; i++) {
		if (ops[i].op.type != CIM_OP_CONV || ops[i].op.groups < 2)
			continue;
		if (simd_ps(p, i) <= array_ps(p, i)) {
			ops[i].op.flags |= CIM_OPF_SIMD;
			n++;
		}
	}
	for (i = 0; i < n_ops; i++)
		if (mapi_is_mvm(&ops[i].op))
			break;
	/* an image without blocks has no array to be placed on: keep them */
	if (n && i == n_ops)
		for (i = 0; i < n_ops; i++)
			ops[i].op.flags &= (uint16_t)~CIM_OPF_SIMD;
	return 0;
}
