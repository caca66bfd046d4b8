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
 * Items run in lanes: up to FW_LANES at once where the platform has the
 * threads (cim_hal_lanes()), one at a time elsewhere.  Their inputs are
 * read in item order, the items executed together, then their outputs
 * written and their work scheduled in item order: the outputs, the
 * completion and the modeled time are those of one item at a time.
 */
#define FW_LANES	8

struct fw_lanes {
	struct cim_fw *fw;
	const struct cim_desc *d;
	const uint8_t *plan;
	const struct cim_fw_slot *s;
	struct fw_xctx *x[FW_LANES];
	uint64_t in_ns[FW_LANES];
	uint32_t n_run[FW_LANES], exit_idx[FW_LANES], result[FW_LANES];
};

static void fw_run_lane(void *arg, uint32_t k)
{
	struct fw_lanes *l = arg;

	l->n_run[k] = fw_exec_item(l->fw, l->x[k], l->plan, l->s,
				   l->d->flags & CIM_DESCF_EXIT_MARGIN,
				   l->d->exit_margin, &l->exit_idx[k],
				   &l->result[k]);
}

/* The lanes of this RUN: 1 on an analog card (its noise comes in order). */
static uint32_t fw_run_lanes(struct cim_fw *fw, struct fw_lanes *l)
{
	void *mem[FW_LANES] = { NULL };
	size_t xsize = (sizeof(struct fw_xctx) + 7) & ~(size_t)7;
	uint32_t n = 1, k;

	l->x[0] = &fw->x;
	if (!fw->p.analog)
		n = cim_hal_lanes(fw->hal, FW_LANES,
				  (uint32_t)xsize + fw->arena_size, mem);
	for (k = 1; k < n; k++) {
		l->x[k] = mem[k];
		l->x[k]->arena = (int8_t *)mem[k] + xsize;
		l->x[k]->lane = k;
	}
	return n ? n : 1;
}

/*
 * Items i..i+n-1: inputs into tensor 0 of their lanes (the DMA time of
 * each measured: charges are held, for the scheduler), then the ops.
 * Returns the items read (< n after a DMA error).
 */
static uint32_t fw_run_in(struct cim_fw *fw, struct fw_lanes *l, uint32_t i,
			  uint32_t n, struct fw_sg_cursor *cur)
{
	const struct cim_image_header *h = (const void *)l->plan;
	uint32_t k;

	for (k = 0; k < n; k++) {
		fw->held_ns = 0;
		if (fw_sg_read(fw, &cur[0], (uint64_t)(i + k) * h->input_size,
			       fw_xtensor(l->x[k], l->plan, 0), h->input_size))
			break;
		l->in_ns[k] = fw->held_ns;
	}
	if (k > 1)
		cim_hal_lanes_run(fw->hal, fw_run_lane, l, k);
	else if (k)
		fw_run_lane(l, 0);
	return k;
}

/* Item i + k, run in lane k: its result out, its work scheduled.  0 or -1. */
static int fw_run_out(struct cim_fw *fw, struct fw_lanes *l, uint32_t i,
		      uint32_t k, struct fw_sg_cursor *cur, uint32_t *exited)
{
	const struct cim_image_header *h = (const void *)l->plan;
	const struct cim_desc *d = l->d;
	uint32_t exit_idx = l->exit_idx[k];
	uint8_t e;

	fw->held_ns = 0;
	if (fw_sg_write(fw, &cur[1], (uint64_t)(i + k) * h->output_size,
			fw_xtensor(l->x[k], l->plan, l->result[k]),
			h->output_size))
		return -1;
	if (fw_run_exit_bytes(d)) {
		e = (uint8_t)FW_MIN(exit_idx, 255u);
		if (fw_sg_write(fw, &cur[2],
				sizeof(struct cim_job_record) + i + k, &e, 1))
			return -1;
	}
	*exited += exit_idx < h->n_exits;
	fw_sched_item(fw, l->plan, l->s, l->n_run[k], l->result[k],
		      l->in_ns[k], fw->held_ns);
	return 0;
}

void fw_run(struct cim_fw *fw, const struct cim_desc *d, struct cim_cpl *c,
	    uint64_t t0)
{
	const struct cim_fw_slot *s = &fw->slots[d->slot];
	const uint8_t *plan = cim_hal_plan_mem(fw->hal, d->slot);
	uint32_t i, k, n, nin, lanes, exited = 0;
	struct fw_sg_cursor cur[3];
	uint64_t naive, rerange;
	struct fw_lanes l;

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
		l.fw = fw;
		l.d = d;
		l.plan = plan;
		l.s = s;
		lanes = fw_run_lanes(fw, &l);
		for (i = 0; i < d->batch && c->status == CIM_ST_OK; i += n) {
			n = FW_MIN(lanes, d->batch - i);
			nin = fw_run_in(fw, &l, i, n, cur);
			for (k = 0; k < n; k++) {
				if (k == nin ||
				    fw_run_out(fw, &l, i, k, cur, &exited)) {
					c->status = CIM_ST_DMA_ERROR;
					break;
				}
				c->batch_done = i + k + 1;
				/* the host asked to abort it (CANCEL_TAG) */
				if (fw_progress(fw, 1)) {
					c->status = CIM_ST_CANCELED;
					break;
				}
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
