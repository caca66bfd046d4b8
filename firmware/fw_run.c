// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * RUN: push the batch items one by one through the ops of a programmed
 * image (fw_exec.c computes them), and let the scheduler (fw_sched.c)
 * place each item's work on the tiles' timelines.  The modeled clock
 * advances by the schedule's makespan, not by the sum of the work: on
 * the card, layers run pipelined across tiles over the items.
 */
#include "fw_internal.h"
#include "fw_string.h"

static uint32_t fw_run_check(const struct cim_desc *d,
			     const struct cim_image_header *h)
{
	if (!d->batch || !d->src.sg_count || !d->dst.sg_count)
		return CIM_ST_BAD_DESC;
	if (d->src.length != (uint64_t)d->batch * h->input_size ||
	    d->dst.length != (uint64_t)d->batch * h->output_size)
		return CIM_ST_BAD_DESC;
	if (d->result.sg_count &&
	    d->result.length < sizeof(struct cim_job_record))
		return CIM_ST_BAD_DESC;
	return CIM_ST_OK;
}

/* Has the result buffer room for the per-item exit bytes? */
static int fw_run_exit_bytes(const struct cim_desc *d)
{
	return d->result.sg_count &&
	       d->result.length >= sizeof(struct cim_job_record) +
				   (uint64_t)d->batch;
}

static void fw_run_record(struct cim_fw *fw, const struct cim_desc *d,
			  struct cim_cpl *c, uint32_t n_exited)
{
	struct cim_job_record rec;
	struct fw_sg_cursor cur;

	if (!d->result.sg_count ||
	    d->result.length < sizeof(struct cim_job_record))
		return;
	memset(&rec, 0, sizeof(rec));
	rec.status = c->status;
	rec.batch_done = c->batch_done;
	rec.device_time_ns = c->device_time_ns;
	rec.queue_time_ns = fw->last_queue_ns;
	rec.n_exited = n_exited;
	fw_sg_open(&cur, &d->result);
	if (fw_sg_write(fw, &cur, 0, &rec, sizeof(rec)))
		c->status = CIM_ST_DMA_ERROR;
}

/*
 * Item i: input into tensor 0, the ops, the result out.  The DMA time of
 * each direction is measured (charges are held) for the scheduler.
 * 0, or -1 on a DMA error.
 */
static int fw_run_item(struct cim_fw *fw, const struct cim_desc *d,
		       const uint8_t *plan, const struct cim_fw_slot *s,
		       uint32_t i, struct fw_sg_cursor *cur, uint32_t *exited)
{
	const struct cim_image_header *h = (const void *)plan;
	uint64_t in_ns, out_ns;
	uint32_t n_run, exit_idx, result;
	uint8_t e;

	fw->held_ns = 0;
	if (fw_sg_read(fw, &cur[0], (uint64_t)i * h->input_size,
		       fw_tensor(fw, plan, 0), h->input_size))
		return -1;
	in_ns = fw->held_ns;

	n_run = fw_exec_item(fw, plan, s, d->flags & CIM_DESCF_EXIT_MARGIN,
			     d->exit_margin, &exit_idx, &result);

	fw->held_ns = 0;
	if (fw_sg_write(fw, &cur[1], (uint64_t)i * h->output_size,
			fw_tensor(fw, plan, result), h->output_size))
		return -1;
	if (fw_run_exit_bytes(d)) {
		e = (uint8_t)FW_MIN(exit_idx, 255u);
		if (fw_sg_write(fw, &cur[2],
				sizeof(struct cim_job_record) + i, &e, 1))
			return -1;
	}
	out_ns = fw->held_ns;
	*exited += exit_idx < h->n_exits;
	fw_sched_item(fw, plan, s, n_run, result, in_ns, out_ns);
	return 0;
}

void fw_run(struct cim_fw *fw, const struct cim_desc *d, struct cim_cpl *c,
	    uint64_t t0)
{
	const struct cim_fw_slot *s = &fw->slots[d->slot];
	const uint8_t *plan = cim_hal_plan_mem(fw->hal, d->slot);
	struct fw_sg_cursor cur[3];
	uint32_t i, exited = 0;
	uint64_t naive, rerange;

	if (!s->valid)
		c->status = CIM_ST_NO_IMAGE;
	else
		c->status = fw_run_check(d, (const void *)plan);
	if (c->status == CIM_ST_OK) {
		fw_sg_open(&cur[0], &d->src);
		fw_sg_open(&cur[1], &d->dst);
		fw_sg_open(&cur[2], &d->result);
		fw_sched_begin(fw, plan);
		fw->rerange_ps = 0;
		fw->hold = 1;
		for (i = 0; i < d->batch; i++) {
			if (fw_run_item(fw, d, plan, s, i, cur, &exited)) {
				c->status = CIM_ST_DMA_ERROR;
				break;
			}
			c->batch_done = i + 1;
			/* the host asked to abort it (CANCEL_TAG) */
			if (fw_progress(fw, 1)) {
				c->status = CIM_ST_CANCELED;
				break;
			}
		}
		fw->hold = 0;
		/*
		 * ADC over-range repeats stall their tile; charged on top of
		 * the schedule, as if none overlapped other work.
		 */
		rerange = fw_div_u64_u32(fw->rerange_ps + 999, 1000);
		naive = fw_div_u64_u32(fw->sched.naive_ps + 999, 1000);
		cim_hal_clock_advance(fw->hal, rerange +
				      (fw->p.sched_naive ? naive :
				       fw->sched.makespan));
		fw->tele.last_pipelined_ns = fw->sched.makespan;
		fw->tele.last_naive_ns = naive;
		fw->tele.last_macs = fw->sched.macs;
		fw->tele.items += c->batch_done;
		fw->tele.items_exited += exited;
	}
	/* The record and the completion report the same job time. */
	c->device_time_ns = cim_hal_clock_now(fw->hal) - t0;
	fw_run_record(fw, d, c, exited);
}
