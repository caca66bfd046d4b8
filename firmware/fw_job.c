// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * One submission: check what the firmware can check without looking at
 * an image, run it, and describe the outcome in its completion.  A bad
 * descriptor fails only itself; the rings keep going.
 */
#include "fw_internal.h"
#include "fw_analog.h"
#include "fw_string.h"

static int fw_ref_clean(const struct cim_dma_ref *r)
{
	return !r->reserved;
}

static int fw_desc_ok(const struct cim_desc *d)
{
	uint32_t known = d->opcode == CIM_OPC_RUN ? CIM_DESCF_EXIT_MARGIN :
			 d->opcode == CIM_OPC_PROGRAM ? CIM_DESC_F_TAG : 0;

	if ((d->flags & ~known) || !fw_ref_clean(&d->src) ||
	    !fw_ref_clean(&d->dst) || !fw_ref_clean(&d->result))
		return 0;
	if (d->exit_margin && !(d->flags & CIM_DESCF_EXIT_MARGIN))
		return 0;
	if (d->opcode > CIM_OPC_READ_SLOT && d->opcode != CIM_OPC_CALIBRATE &&
	    d->opcode != CIM_OPC_ANALOG_STATS &&
	    d->opcode != CIM_OPC_CALIB_REPORT)
		return 0;
	return d->slot < CIM_FW_MAX_IMAGES;
}

void fw_job_exec(struct cim_fw *fw, const struct cim_desc *d,
		 struct cim_cpl *c)
{
	uint64_t t0 = cim_hal_clock_now(fw->hal);

	/* Jobs found by one poll wait for the ones before them. */
	fw->last_queue_ns = t0 - fw->poll_start;
	fw_adc_latch(fw);
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
			fw_tele_job(fw, d, c);
			return;
		case CIM_OPC_UNLOAD:
			c->status = fw_unload(fw, d);
			break;
		case CIM_OPC_TELEMETRY:
			c->status = fw_telemetry(fw, d);
			break;
		/* analog arrays: fw_calib.c, fw_refresh.c */
		case CIM_OPC_CALIBRATE:
			c->status = fw_calibrate(fw, d);
			break;
		case CIM_OPC_ANALOG_STATS:
			c->status = fw_analog_stats(fw, d);
			break;
		case CIM_OPC_CALIB_REPORT:
			c->status = fw_calib_report(fw, d);
			break;
		case CIM_OPC_READ_WEAR:
			c->status = fw_read_wear(fw, d);
			break;
		case CIM_OPC_READ_SLOT:
			c->status = fw_read_slot(fw, d);
			break;
		}
	}
	c->device_time_ns = cim_hal_clock_now(fw->hal) - t0;
	fw_tele_job(fw, d, c);
	if (d->opcode == CIM_OPC_PROGRAM)
		fw_log(fw, c->status ? "program failed, status" : "programmed slot",
		       c->status ? c->status : d->slot);
}
