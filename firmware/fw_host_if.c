// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host interface: reset, the boot handshake and the two rings.  The host
 * owns SQ_TAIL and CQ_HEAD, the card owns SQ_HEAD and CQ_TAIL; anything
 * the host got wrong about the rings stops the card with STATUS=ERROR
 * rather than letting it read or write outside them.
 */
#include "fw_internal.h"
#include "fw_analog.h"
#include "fw_string.h"

static uint32_t fw_reg(struct cim_fw *fw, uint32_t off)
{
	return cim_hal_reg_read(fw->hal, off);
}

static void fw_set_reg(struct cim_fw *fw, uint32_t off, uint32_t val)
{
	cim_hal_reg_write(fw->hal, off, val);
}

void cim_fw_reset(struct cim_fw *fw, struct cim_hal *hal)
{
	memset(fw, 0, sizeof(*fw));
	fw->hal = hal;
	cim_hal_params(hal, &fw->p);
	/*
	 * PROGRAM uses fw->chunk as a bitmap of physical tiles; a card with
	 * more tiles than that has bits for is far beyond any real part.
	 */
	if (fw->p.tiles > 8 * sizeof(fw->chunk))
		fw->p.tiles = 8 * sizeof(fw->chunk);
	/*
	 * Scratch holds one tile row or column: a larger tile cannot run.
	 * Images for it fail the geometry check rather than overrun it.
	 */
	if (fw->p.rows > CIM_FW_MAX_LINE)
		fw->p.rows = CIM_FW_MAX_LINE;
	if (fw->p.cols > CIM_FW_MAX_LINE)
		fw->p.cols = CIM_FW_MAX_LINE;
	fw_time_init(fw);
	fw->arena = (int8_t *)cim_hal_act_mem(hal, &fw->arena_size);
	fw->x.arena = fw->arena;

	fw_set_reg(fw, CIM_REG_FW_ERROR, CIM_FWERR_NONE);
	fw_set_reg(fw, CIM_REG_FW_VERSION, 0);
	fw_set_reg(fw, CIM_REG_IF_VERSION, 0);
	fw_set_reg(fw, CIM_REG_SQ_HEAD, 0);
	fw_set_reg(fw, CIM_REG_CQ_TAIL, 0);
	fw_set_reg(fw, CIM_REG_PROGRESS, 0);
	fw_set_reg(fw, CIM_REG_JOB_TAG_LO, 0);
	fw_set_reg(fw, CIM_REG_JOB_TAG_HI, 0);
	fw_set_reg(fw, CIM_REG_JOB_DONE, 0);
	fw_set_reg(fw, CIM_REG_STATUS, CIM_STATUS_BOOTING);
	fw_log(fw, "reset, firmware", CIM_FW_VERSION);
}

/* Stop the rings until the host drops and raises CTRL_ENABLE again. */
static void fw_fail(struct cim_fw *fw, uint32_t fwerr)
{
	fw->running = 0;
	fw_log(fw, "stopped, error", fwerr);
	fw_set_reg(fw, CIM_REG_FW_ERROR, fwerr);
	fw_set_reg(fw, CIM_REG_STATUS, CIM_STATUS_ERROR);
	cim_hal_irq_raise(fw->hal, CIM_IRQ_ERROR);
}

static int fw_ring_ok(uint64_t base, uint32_t entries)
{
	return base && !(base & 63) &&
	       entries >= CIM_RING_MIN_ENTRIES &&
	       entries <= CIM_RING_MAX_ENTRIES &&
	       !(entries & (entries - 1));
}

static uint64_t fw_reg64(struct cim_fw *fw, uint32_t lo)
{
	return fw_reg(fw, lo) | (uint64_t)fw_reg(fw, lo + 4) << 32;
}

static void fw_handshake(struct cim_fw *fw)
{
	uint32_t host = fw_reg(fw, CIM_REG_HOST_VERSION);

	if (host >> 16 != CIM_IF_VERSION_MAJOR) {
		fw_fail(fw, CIM_FWERR_VERSION);
		return;
	}
	fw->sq_base = fw_reg64(fw, CIM_REG_SQ_BASE_LO);
	fw->cq_base = fw_reg64(fw, CIM_REG_CQ_BASE_LO);
	fw->sq_entries = fw_reg(fw, CIM_REG_SQ_ENTRIES);
	fw->cq_entries = fw_reg(fw, CIM_REG_CQ_ENTRIES);
	if (!fw_ring_ok(fw->sq_base, fw->sq_entries) ||
	    !fw_ring_ok(fw->cq_base, fw->cq_entries)) {
		fw_fail(fw, CIM_FWERR_RING);
		return;
	}

	/* A new session: the host starts its rings from zero too. */
	fw->sq_head = 0;
	fw->cq_tail = 0;
	fw->cq_seq = 0;
	fw_set_reg(fw, CIM_REG_SQ_HEAD, 0);
	fw_set_reg(fw, CIM_REG_CQ_TAIL, 0);
	fw_set_reg(fw, CIM_REG_FW_ERROR, CIM_FWERR_NONE);
	fw_set_reg(fw, CIM_REG_FW_VERSION, CIM_FW_VERSION);
	fw_set_reg(fw, CIM_REG_IF_VERSION, CIM_IF_VERSION);
	fw->running = 1;
	fw_set_reg(fw, CIM_REG_STATUS, CIM_STATUS_READY);
	fw_log(fw, "ready, sq entries", fw->sq_entries);
	cim_hal_irq_raise(fw->hal, CIM_IRQ_READY);
}

/*
 * Progress (interface 1.3): the host tells a long job from a hung one by
 * whether PROGRESS moves, so every few thousand cycles of work count a
 * step: a batch item, an op of it, a row of a layer's outputs, a chunk of
 * cells programmed.  The steps are the cancel points too: a job whose tag
 * the host wrote to CANCEL_TAG stops at the next one.
 */
static void fw_job_begin(struct cim_fw *fw, uint64_t tag)
{
	fw->job_tag = tag;
	fw->job_done = 0;
	fw_set_reg(fw, CIM_REG_JOB_DONE, 0);
	fw_set_reg(fw, CIM_REG_JOB_TAG_LO, (uint32_t)tag);
	fw_set_reg(fw, CIM_REG_JOB_TAG_HI, (uint32_t)(tag >> 32));
}

static int fw_canceled(struct cim_fw *fw)
{
	return fw->job_tag && fw_reg64(fw, CIM_REG_CANCEL_TAG_LO) == fw->job_tag;
}

int fw_progress(struct cim_fw *fw, uint32_t steps)
{
	fw->progress += steps;
	fw->job_done += steps;
	fw_set_reg(fw, CIM_REG_PROGRESS, fw->progress);
	fw_set_reg(fw, CIM_REG_JOB_DONE, fw->job_done);
	return fw_canceled(fw);
}

/* One descriptor in, one completion out; 0, or a CIM_FWERR_* */
static uint32_t fw_ring_step(struct cim_fw *fw)
{
	struct cim_desc d;
	struct cim_cpl c;
	uint32_t fault;

	if (fw_bus_read(fw, fw->sq_base + (uint64_t)fw->sq_head * sizeof(d),
			&d, sizeof(d)))
		return CIM_FWERR_DMA;
	fw_job_begin(fw, d.tag);
	fault = fw_fault_check(fw, &d);
	if (fault)
		return fault;	/* hung or crashed: no completion */
	if (fw_canceled(fw)) {
		memset(&c, 0, sizeof(c));
		c.tag = d.tag;
		c.status = CIM_ST_CANCELED;
		fw_log(fw, "canceled before it ran, opcode", d.opcode);
	} else {
		fw_job_exec(fw, &d, &c);
	}
	fw_job_begin(fw, 0);
	fw_progress(fw, 1);
	c.seq = ++fw->cq_seq;
	if (fw_bus_write(fw, fw->cq_base + (uint64_t)fw->cq_tail * sizeof(c),
			 &c, sizeof(c)))
		return CIM_FWERR_DMA;

	/* Publish the completion before giving the host its SQ slot back. */
	fw->cq_tail = (fw->cq_tail + 1) & (fw->cq_entries - 1);
	fw_set_reg(fw, CIM_REG_CQ_TAIL, fw->cq_tail);
	fw->sq_head = (fw->sq_head + 1) & (fw->sq_entries - 1);
	fw_set_reg(fw, CIM_REG_SQ_HEAD, fw->sq_head);
	return 0;
}

static int fw_rings(struct cim_fw *fw)
{
	uint32_t sq_tail = fw_reg(fw, CIM_REG_SQ_TAIL);
	uint32_t cq_head, err = 0;
	int done = 0;

	fw->poll_start = cim_hal_clock_now(fw->hal);
	if (sq_tail >= fw->sq_entries) {
		fw_fail(fw, CIM_FWERR_RING);
		return 0;
	}
	while (fw->sq_head != sq_tail) {
		cq_head = fw_reg(fw, CIM_REG_CQ_HEAD);
		if (cq_head >= fw->cq_entries) {
			err = CIM_FWERR_RING;
			break;
		}
		/* One slot stays empty so that full and empty differ. */
		if (((fw->cq_tail + 1) & (fw->cq_entries - 1)) == cq_head)
			break;
		err = fw_ring_step(fw);
		if (err == FW_STEP_HUNG)
			err = 0;
		if (err || fw->hung)
			break;
		done++;
	}
	if (done)
		cim_hal_irq_raise(fw->hal, CIM_IRQ_CPL);
	if (err)
		fw_fail(fw, err);
	return done;
}

int cim_fw_poll(struct cim_fw *fw)
{
	uint32_t status;

	if (!(fw_reg(fw, CIM_REG_CTRL) & CIM_CTRL_ENABLE)) {
		if (fw->running ||
		    fw_reg(fw, CIM_REG_STATUS) != CIM_STATUS_BOOTING) {
			fw->running = 0;
			fw_set_reg(fw, CIM_REG_FW_ERROR, CIM_FWERR_NONE);
			fw_set_reg(fw, CIM_REG_STATUS, CIM_STATUS_BOOTING);
		}
		return 0;
	}
	if (fw->hung)
		return 0;	/* FAULT_HANG: silent until reset */
	if (!fw->running) {
		/* After a failure, wait for the host to drop CTRL_ENABLE. */
		status = fw_reg(fw, CIM_REG_STATUS);
		if (status & CIM_STATUS_ERROR)
			return 0;
		fw_handshake(fw);
		if (!fw->running)
			return 0;
	}
	/* Drifted tiles are refreshed before the next job uses them. */
	fw_refresh_poll(fw);
	return fw_rings(fw);
}
