// SPDX-License-Identifier: MIT
/*
 * The mapper's time model: the firmware scheduler's charges
 * (firmware/fw_time.c, docs/firmware.md) for MVMs and SIMD work, from
 * the card parameters in cim_map_opts.cost, and the card presets.
 * Pure C11.
 *
 * The presets repeat firmware/model/model_presets.c's numbers (the
 * compiler does not link the firmware); tests/firmware's test_ops
 * checks that the two tables agree.
 */
#include <errno.h>
#include <string.h>

#include "map_internal.h"

struct map_preset {
	const char *name;
	uint32_t tiles, rows, cols;
	struct cim_map_cost cost;
};

static const struct map_preset presets[] = {
	{ "m1076", 76, 1024, 1024,
	  { .mvm_ns = 4000, .mvm_fixed_ns = 100, .row_group = 128,
	    .adcs = 128, .adc_bits = 8, .simd_ps_per_elem = 1000,
	    .xfer_ps_per_byte = 63, .xfer_fixed_ns = 20, .simd_lanes = 16,
	    .simd_mhz = 500 } },
	{ "small", 8, 256, 256,
	  { .mvm_ns = 1000, .mvm_fixed_ns = 100, .row_group = 128,
	    .adcs = 32, .adc_bits = 8, .simd_ps_per_elem = 1000,
	    .xfer_ps_per_byte = 63, .xfer_fixed_ns = 20, .simd_lanes = 16,
	    .simd_mhz = 500 } },
};

int cim_map_preset(const char *name, struct cim_map_opts *o)
{
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		if (strcmp(name, presets[i].name))
			continue;
		o->geom.tile_rows = presets[i].rows;
		o->geom.tile_cols = presets[i].cols;
		o->geom.cell_bits = 4;
		o->max_tiles = presets[i].tiles;
		o->cost = presets[i].cost;
		return 0;
	}
	return -EINVAL;
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return b ? a / b + (a % b != 0) : 1;
}

void mapi_cost_init(struct mapi_plan *p)
{
	struct cim_map_cost *c = &p->cost;
	const struct cim_geometry *g = &p->opts.geom;
	uint64_t steps;

	*c = p->opts.cost;
	if (!c->mvm_ns)
		*c = presets[0].cost;
	if (!c->row_group)
		c->row_group = g->tile_rows;
	if (!c->adcs)
		c->adcs = g->tile_cols;
	if (!c->adc_bits)
		c->adc_bits = 1;
	steps = (uint64_t)div_up(g->tile_rows, c->row_group) *
		div_up(g->tile_cols, c->adcs) * c->adc_bits;
	p->bit_ps = c->mvm_ns > c->mvm_fixed_ns ?
		    (uint64_t)(c->mvm_ns - c->mvm_fixed_ns) * 1000 / steps : 0;
}

uint64_t mapi_mvm_ps(const struct mapi_plan *p, uint32_t rows, uint32_t cells)
{
	const struct cim_map_cost *c = &p->cost;

	return (uint64_t)c->mvm_fixed_ns * 1000 +
	       (uint64_t)div_up(rows, c->row_group) * div_up(cells, c->adcs) *
	       c->adc_bits * p->bit_ps;
}

uint64_t mapi_block_ps(const struct mapi_plan *p, const struct mapi_block *b)
{
	uint32_t cpw = mapi_cpw(&p->qm->ops[b->op].op);

	return mapi_mvm_ps(p, b->g_count * b->rows, b->g_count * b->outs * cpw);
}

uint32_t mapi_pixels(const struct cim_qmodel *qm, uint32_t i)
{
	const struct cim_image_op *op = &qm->ops[i].op;
	const struct cim_image_tensor *t = &qm->tensors[i + 1].shape;

	if (op->type != CIM_OP_CONV)
		return 1;
	/* duplicated windows: one MVM per run of dup_w pixels of a row */
	if (op->dup_w > 1)
		return t->h * ((t->w + op->dup_w - 1) / op->dup_w);
	return t->h * t->w;
}

/* SIMD elements per item of a non-MVM op (fw_sched.c's fw_simd_elems). */
uint64_t mapi_digital_elems(const struct cim_qmodel *qm, uint32_t i)
{
	const struct cim_image_op *op = &qm->ops[i].op;
	uint64_t out = cim_tensor_size(&qm->tensors[i + 1].shape);

	switch (op->type) {
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		return out * op->kernel_h * op->kernel_w;
	case CIM_OP_ADD:
		return 3 * out;
	case CIM_OP_MUL:
		return 2 * out;
	case CIM_OP_EXIT:
		return 2 * cim_tensor_size(&qm->tensors[op->in0].shape);
	default:
		return out;
	}
}
