// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * One submission: check what the firmware can check without looking at
 * an image, run it, and describe the outcome in its completion.  A bad
 * descriptor fails only itself; the rings keep going.
 */
#include "fw_internal.h"
#include "fw_string.h"

static int fw_ref_clean(const struct cim_dma_ref *r)
{
	return !r->reserved;
}

static int fw_desc_ok(const struct cim_desc *d)
{
	if (d->flags || d->reserved || !fw_ref_clean(&d->src) ||
	    !fw_ref_clean(&d->dst) || !fw_ref_clean(&d->result))
		return 0;
	if (d->opcode > CIM_OPC_UNLOAD)
		return 0;
	return d->slot < CIM_FW_MAX_IMAGES;
}

void fw_job_exec(struct cim_fw *fw, const struct cim_desc *d,
		 struct cim_cpl *c)
{
	uint64_t t0 = cim_hal_clock_now(fw->hal);
	uint64_t mvm0 = fw->mvm_count, rows0 = fw->program_rows;

	/* The completion goes to host memory: no stale bytes in it. */
	memset(c, 0, sizeof(*c));
	c->tag = d->tag;

	if (!fw_desc_ok(d)) {
		c->status = CIM_ST_BAD_DESC;
	} else if (fw->fault) {
		c->status = fw_fault_status(fw, d);
	} else {
		switch (d->opcode) {
		case CIM_OPC_NOP:
			c->status = CIM_ST_OK;
			break;
		case CIM_OPC_PROGRAM:
			c->status = fw_program(fw, d);
			break;
		case CIM_OPC_RUN:
			fw_run(fw, d, c, t0);
			fw_tel_account(fw, d, c, mvm0, rows0);
			return;
		case CIM_OPC_UNLOAD:
			c->status = fw_unload(fw, d);
			break;
		}
	}
	c->device_time_ns = cim_hal_clock_now(fw->hal) - t0;
	fw_tel_account(fw, d, c, mvm0, rows0);
	if (d->opcode == CIM_OPC_PROGRAM)
		fw_log(fw, c->status ? "program failed, status" : "programmed slot",
		       c->status ? c->status : d->slot);
}
