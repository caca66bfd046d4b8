// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Checks of a plan before anything acts on it: the shared checker of
 * uapi/cim_image.h (the kernel ran it too, but the card trusts no one),
 * with its walk state kept in struct cim_fw rather than on the small MCU
 * stack, then what only this firmware limits.
 */
#include "fw_internal.h"

uint32_t fw_plan_check(struct cim_fw *fw, const uint8_t *plan,
		       uint32_t plan_max)
{
	const struct cim_image_header *h = (const void *)plan;
	struct cim_image_limits lim;
	const char *why;

	lim.tile_rows = fw->p.rows;
	lim.tile_cols = fw->p.cols;
	lim.cell_bits = fw->p.cell_bits;
	lim.max_vector = CIM_FW_MAX_VECTOR;
	lim.max_plan_bytes = plan_max;
	lim.max_vtiles = FW_MIN(CIM_FW_MAX_VTILES, fw->p.tiles);
	lim.max_arena = fw->arena_size;
	if (cim_image_check_st(plan, h->total_size, &lim, &fw->check, &why))
		return CIM_ST_BAD_IMAGE;
	/* the scheduler keeps a few words per op */
	if (h->n_ops > CIM_FW_MAX_OPS)
		return CIM_ST_BAD_IMAGE;
	return CIM_ST_OK;
}
