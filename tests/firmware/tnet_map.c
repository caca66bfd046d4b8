// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * A test network through the product mapper: libcim-compiler's
 * cim_map_qmodel() with the THROUGHPUT objective (replicas, period
 * balancing, packing; libcim/compiler/map_balance.c) for balance_tiles
 * arrays and the card's time model given in the tnet.  The map_*.c
 * sources are compiled into the firmware tests (firmware/Makefile).
 */
#include <stdlib.h>
#include <string.h>

#include "cim_map.h"
#include "tnet.h"

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* Matrix K x Ng per group of op k as the qmodel's N x Kg rows. */
static int8_t *rows_of(const struct tnet *n, uint32_t k, uint32_t K,
		       uint32_t N, uint32_t G)
{
	const struct tnet_op *o = &n->ops[k];
	uint32_t Kg = K / G, Ng = N / G, g, r, c;
	int8_t *w = xzalloc((size_t)N * Kg);

	for (g = 0; g < G; g++)
		for (r = 0; r < Kg; r++)
			for (c = 0; c < Ng; c++)
				w[((size_t)g * Ng + c) * Kg + r] = (int8_t)
					o->w[((size_t)g * Kg + r) * Ng + c];
	return w;
}

int tnet_product_map(struct tnet *n, void **img, size_t *size)
{
	struct cim_qtensor *t = xzalloc((n->n_ops + 1) * sizeof(*t));
	struct cim_qop *q = xzalloc(n->n_ops * sizeof(*q));
	struct cim_qmodel qm = { n->n_ops + 1, t, n->n_ops, q, n->output, 0 };
	struct cim_map_opts o;
	struct cim_map_report rep;
	const struct cim_image_header *h;
	const struct cim_image_op *iop;
	const struct cim_image_tensor *it;
	uint32_t k, K, N, G;
	int r;

	for (k = 0; k <= n->n_ops; k++) {
		t[k].shape = n->t[k];
		t[k].shape.offset = 0;
		t[k].q.scale = 1;
	}
	for (k = 0; k < n->n_ops; k++) {
		const struct tnet_op *s = &n->ops[k];
		struct cim_image_op *op = &q[k].op;

		*op = s->op;
		op->block_first = op->block_count = op->replicas = 0;
		op->bias_offset = op->mult_offset = op->shift_offset = 0;
		op->wzp_offset = op->lut_offset = 0;
		q[k].lut = s->lut;
		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		N = n->t[k + 1].c;
		G = op->type == CIM_OP_CONV ? op->groups : 1;
		K = op->type == CIM_OP_FC ? (uint32_t)tnet_size(n, op->in0) :
		    op->kernel_h * op->kernel_w * n->t[op->in0].c;
		q[k].weights = rows_of(n, k, K, N, G);
		q[k].bias = s->bias;
		q[k].mult = s->mult;
		q[k].shift = s->shift;
		q[k].wzp = s->wzp;
	}
	memset(&o, 0, sizeof(o));
	o.geom.tile_rows = n->tile_rows;
	o.geom.tile_cols = n->tile_cols;
	o.geom.cell_bits = 4;
	o.max_tiles = n->balance_tiles;
	o.objective = CIM_MAP_THROUGHPUT;
	o.cost.mvm_ns = n->mvm_ns;
	o.cost.mvm_fixed_ns = n->mvm_fixed_ns;
	o.cost.row_group = n->row_group ? n->row_group : n->tile_rows;
	o.cost.adcs = n->adcs ? n->adcs : n->tile_cols;
	o.cost.adc_bits = n->adc_bits;
	o.cost.simd_ps_per_elem = n->simd_ps;
	r = cim_map_qmodel(&qm, &o, img, size, &rep);
	for (k = 0; k < n->n_ops; k++)
		free((void *)q[k].weights);
	free(q);
	free(t);
	if (r) {
		n->n_vtiles = rep.tiles;
		return -1;
	}
	/* what the hand-made mapper used to report back */
	h = *img;
	iop = cim_image_ops(*img);
	it = cim_image_tensors(*img);
	for (k = 0; k < n->n_ops; k++) {
		n->ops[k].op.replicas = iop[k].replicas;
		n->ops[k].op.block_first = iop[k].block_first;
		n->ops[k].op.block_count = iop[k].block_count;
	}
	for (k = 0; k <= n->n_ops; k++)
		n->t[k].offset = it[k].offset;
	n->n_vtiles = h->n_vtiles;
	n->n_blocks = h->n_blocks;
	n->arena = h->arena_size;
	n->period_ps = rep.period_ps;
	cim_map_report_free(&rep);
	return 0;
}
