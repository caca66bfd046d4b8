// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Per-tile telemetry: MVMs, program pulses, busy time and program/erase
 * cycles.  The executor charges MVMs and programmed rows to the clock
 * (fw_time.c counts them); here each finished descriptor hands what it
 * charged to the physical tiles of its slot.  Every virtual tile of an
 * image belongs to exactly one layer and is used once per batch item, so
 * an even split over the slot's tiles is exact.
 */
#include "fw_internal.h"

void fw_tel_account(struct cim_fw *fw, const struct cim_desc *d,
		    const struct cim_cpl *c, uint64_t mvm0, uint64_t rows0)
{
	const struct cim_fw_slot *s;
	struct cim_tile_stats *ts;
	uint64_t mvms, rows;
	uint32_t i, n;

	if (d->slot >= CIM_FW_MAX_IMAGES ||
	    (d->opcode != CIM_OPC_RUN && d->opcode != CIM_OPC_PROGRAM))
		return;
	s = &fw->slots[d->slot];
	/* A failed PROGRAM leaves n_vtiles of the slot's previous image. */
	n = d->opcode == CIM_OPC_PROGRAM ? d->map_count : s->n_vtiles;
	if (!n || n > CIM_FW_MAX_VTILES)
		return;
	mvms = fw_div_u64_u32(fw->mvm_count - mvm0, n);
	rows = fw_div_u64_u32(fw->program_rows - rows0, n);
	if (!mvms && !rows)
		return;
	for (i = 0; i < n; i++) {
		ts = cim_hal_tile_stats(fw->hal, s->map[i]);
		if (!ts)
			continue;
		ts->mvms += mvms;
		ts->program_rows += rows;
		ts->busy_ns += mvms * fw->p.mvm_ns +
			       rows * fw->p.program_row_ns;
		/* Cells were rewritten: one more program/erase cycle. */
		if (rows)
			ts->pe_cycles++;
	}
	(void)c;
}
