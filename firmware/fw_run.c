// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * RUN: push batch items one by one through the layers of a programmed
 * image.  Each layer accumulates, per virtual tile, what the array
 * computes in analog (column sums of input times 4-bit cell) and
 * recombines the two nibble columns digitally, then requantizes exactly
 * as the CPU reference does, so an ideal card is bit-exact to it.
 */
#include "fw_internal.h"
#include "fw_string.h"
#include "../uapi/cim_quant.h"

/*
 * One tile MVM of virtual tile vt on physical tile ptile, added into
 * fw->acc.  Sums are kept in unsigned arithmetic: a bias near the int32
 * limits may wrap, and wrapping must be defined and match the reference.
 */
static void fw_mvm(struct cim_fw *fw, const struct cim_image_vtile *vt,
		   uint32_t ptile, const int8_t *x)
{
	const uint8_t *cells = cim_hal_tile_cells(fw->hal, ptile);
	const uint8_t *row;
	uint32_t *colsum = (uint32_t *)fw->colsum;
	uint32_t *acc = (uint32_t *)fw->acc + vt->col_base;
	uint32_t ncols = 2 * vt->outs, r, c, j, xsum = 0;
	int32_t xv;

	memset(colsum, 0, ncols * sizeof(*colsum));
	for (r = 0; r < vt->rows; r++) {
		xv = x[vt->row_base + r];
		if (!xv)
			continue;
		xsum += (uint32_t)xv;
		row = cells + (size_t)r * fw->p.cols;
		for (c = 0; c < ncols; c++)
			colsum[c] += (uint32_t)(xv * row[c]);
	}

	/* cells hold w + 128 as 16 * hi + lo */
	for (j = 0; j < vt->outs; j++)
		acc[j] += 16 * colsum[2 * j] + colsum[2 * j + 1] - 128 * xsum;
	fw_charge_mvm(fw, 1);
}

/* One layer from x into y. */
static void fw_layer(struct cim_fw *fw, const uint8_t *plan,
		     const struct cim_fw_slot *s,
		     const struct cim_image_op *op, const int8_t *x, int8_t *y)
{
	const struct cim_image_vtile *vts = cim_image_vtiles(plan);
	const int32_t *bias = cim_image_param(plan, op->bias_offset);
	const int32_t *mult = cim_image_param(plan, op->mult_offset);
	const int32_t *shift = cim_image_param(plan, op->shift_offset);
	uint32_t n, v;

	for (n = 0; n < op->out_len; n++)
		fw->acc[n] = bias[n];
	for (v = op->vtile_first; v < op->vtile_first + op->vtile_count; v++)
		fw_mvm(fw, &vts[v], s->map[v], x);
	for (n = 0; n < op->out_len; n++)
		y[n] = cim_requant_out(fw->acc[n], mult[n], shift[n],
				       op->out_zp, op->act_min, op->act_max);
	fw_charge_simd(fw, op->out_len);
}

/* Batch item i from src to dst; 0 or -1 on a DMA error. */
static int fw_run_item(struct cim_fw *fw, const uint8_t *plan,
		       const struct cim_fw_slot *s, uint32_t i,
		       struct fw_sg_cursor *src, struct fw_sg_cursor *dst)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_op *ops = cim_image_ops(plan);
	int8_t *x = fw->act_in, *y = fw->act_out, *t;
	uint32_t k;

	if (fw_sg_read(fw, src, (uint64_t)i * h->input_size, x,
		       h->input_size))
		return -1;
	for (k = 0; k < h->n_ops; k++) {
		fw_layer(fw, plan, s, &ops[k], x, y);
		t = x;
		x = y;
		y = t;
	}
	return fw_sg_write(fw, dst, (uint64_t)i * h->output_size, x,
			   h->output_size);
}

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

static void fw_run_record(struct cim_fw *fw, const struct cim_desc *d,
			  struct cim_cpl *c)
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
	fw_sg_open(&cur, &d->result);
	if (fw_sg_write(fw, &cur, 0, &rec, sizeof(rec)))
		c->status = CIM_ST_DMA_ERROR;
}

void fw_run(struct cim_fw *fw, const struct cim_desc *d, struct cim_cpl *c,
	    uint64_t t0)
{
	const struct cim_fw_slot *s = &fw->slots[d->slot];
	const uint8_t *plan = cim_hal_plan_mem(fw->hal, d->slot);
	struct fw_sg_cursor src, dst;
	uint32_t i;

	if (!s->valid)
		c->status = CIM_ST_NO_IMAGE;
	else
		c->status = fw_run_check(d, (const void *)plan);
	if (c->status == CIM_ST_OK) {
		fw_sg_open(&src, &d->src);
		fw_sg_open(&dst, &d->dst);
		for (i = 0; i < d->batch; i++) {
			if (fw_run_item(fw, plan, s, i, &src, &dst)) {
				c->status = CIM_ST_DMA_ERROR;
				break;
			}
			c->batch_done = i + 1;
		}
	}
	/* The record and the completion report the same job time. */
	c->device_time_ns = cim_hal_clock_now(fw->hal) - t0;
	fw_run_record(fw, d, c);
}
