// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Fault injection for recovery tests.  The host arms one-shot faults in
 * DBG_FAULT; each fires on the next descriptor it applies to and clears
 * its bit, so a test knows when it has happened.  The faults imitate what
 * a real card does wrong: stop answering (hang), die (crash), or fail one
 * job with a bus error, a failed tile or cells that do not verify.
 */
#include "fw_internal.h"

static uint32_t fw_fault_take(struct cim_fw *fw, uint32_t armed, uint32_t bit)
{
	cim_hal_reg_write(fw->hal, CIM_REG_DBG_FAULT, armed & ~bit);
	cim_hal_reg_write(fw->hal, CIM_REG_DBG_FIRED,
			  cim_hal_reg_read(fw->hal, CIM_REG_DBG_FIRED) + 1);
	fw_log(fw, "fault fired", bit);
	return bit;
}

uint32_t fw_fault_check(struct cim_fw *fw, const struct cim_desc *d)
{
	uint32_t armed = cim_hal_reg_read(fw->hal, CIM_REG_DBG_FAULT);

	fw->fault = 0;
	if (!(armed & CIM_FAULT_ALL))
		return 0;
	if (d->opcode == CIM_OPC_PROGRAM) {
		if (armed & CIM_FAULT_PROGRAM)
			fw->fault = fw_fault_take(fw, armed, CIM_FAULT_PROGRAM);
		return 0;
	}
	if (d->opcode != CIM_OPC_RUN)
		return 0;
	if (armed & CIM_FAULT_CRASH) {
		fw_fault_take(fw, armed, CIM_FAULT_CRASH);
		return CIM_FWERR_CRASH;
	}
	if (armed & CIM_FAULT_HANG) {
		fw_fault_take(fw, armed, CIM_FAULT_HANG);
		fw->hung = 1;
		return FW_STEP_HUNG;
	}
	if (armed & CIM_FAULT_DMA)
		fw->fault = fw_fault_take(fw, armed, CIM_FAULT_DMA);
	else if (armed & CIM_FAULT_TILE)
		fw->fault = fw_fault_take(fw, armed, CIM_FAULT_TILE);
	return 0;
}

uint32_t fw_fault_status(struct cim_fw *fw, const struct cim_desc *d)
{
	uint32_t f = fw->fault;

	fw->fault = 0;
	switch (f) {
	case CIM_FAULT_DMA:
		return CIM_ST_DMA_ERROR;
	case CIM_FAULT_TILE:
		return CIM_ST_TILE_FAULT;
	case CIM_FAULT_PROGRAM:
		/* As a real failed PROGRAM: the slot is left empty. */
		fw->slots[d->slot].valid = 0;
		return CIM_ST_VERIFY_FAIL;
	default:
		return CIM_ST_OK;
	}
}
