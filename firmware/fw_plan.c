// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Checks of a plan before anything acts on it.  cim_image_check() vets
 * the shape of only those virtual tiles that some layer's range names,
 * yet PROGRAM writes the cells of every virtual tile into a physical
 * tile: an orphan vtile shaped larger than a tile would write past it.
 * So every vtile must belong to a layer, and each layer's vtiles must
 * cover its weight matrix exactly once, as the CPU reference requires.
 */
#include "fw_internal.h"

static int fw_blocks_overlap(const struct cim_image_vtile *a,
			     const struct cim_image_vtile *b)
{
	return a->row_base < b->row_base + b->rows &&
	       b->row_base < a->row_base + a->rows &&
	       a->col_base < b->col_base + b->outs &&
	       b->col_base < a->col_base + a->outs;
}

/* Called after cim_image_check(): all blocks named by a layer are sane. */
static int fw_layer_tiled(const struct cim_image_op *op,
			  const struct cim_image_vtile *vt)
{
	uint64_t area = 0;
	uint32_t i, j, end = op->vtile_first + op->vtile_count;

	for (i = op->vtile_first; i < end; i++) {
		area += (uint64_t)vt[i].rows * vt[i].outs;
		for (j = i + 1; j < end; j++)
			if (fw_blocks_overlap(&vt[i], &vt[j]))
				return 0;
	}
	return area == (uint64_t)op->in_len * op->out_len;
}

uint32_t fw_plan_check(struct cim_fw *fw, const uint8_t *plan,
		       uint32_t plan_max)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_op *ops;
	struct cim_image_limits lim;
	uint64_t owned = 0;
	const char *why;
	uint32_t i;

	lim.tile_rows = fw->p.rows;
	lim.tile_cols = fw->p.cols;
	lim.cell_bits = fw->p.cell_bits;
	lim.max_vector = CIM_FW_MAX_VECTOR;
	lim.max_plan_bytes = plan_max;
	lim.max_vtiles = FW_MIN(CIM_FW_MAX_VTILES, fw->p.tiles);
	if (cim_image_check(plan, h->total_size, &lim, &why))
		return CIM_ST_BAD_IMAGE;

	/*
	 * Layer ranges are disjoint (each vtile names its one layer), so
	 * they cover every vtile exactly when their lengths add up.
	 */
	ops = cim_image_ops(plan);
	for (i = 0; i < h->n_ops; i++)
		owned += ops[i].vtile_count;
	if (owned != h->n_vtiles)
		return CIM_ST_BAD_IMAGE;
	for (i = 0; i < h->n_ops; i++)
		if (!fw_layer_tiled(&ops[i], cim_image_vtiles(plan)))
			return CIM_ST_BAD_IMAGE;
	return CIM_ST_OK;
}
