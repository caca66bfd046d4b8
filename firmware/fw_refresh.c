// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Refresh: between descriptors the firmware estimates each programmed
 * tile's drift from the time since it was programmed and the drift rate
 * the part is characterized with (the model's own rate), and past the
 * threshold in REFRESH_THRESH applies the policy in REFRESH_POLICY:
 *
 *  RECALIBRATE  re-measure the tile's column gain and offset once the
 *               drift grew by the threshold since its last calibration;
 *               undoes the drift common to a column, not the cell to
 *               cell part, and keeps the cells as they are;
 *  REPROGRAM    have the array re-read every cell (a multi-level read,
 *               scaled by the estimated mean loss) and top it up to the
 *               level read (cim_hal_array_refresh()),
 *               once the drift since programming passes the threshold.
 *               Charge loss only lowers levels, so topping up needs no
 *               erase (no P/E cycle); the cells get fresh residual
 *               errors and their drift starts again.  A cell that
 *               drifted by more than half a level reads, and is
 *               rewritten, as another level: counted as a misread.
 *
 * No copy of the targets is kept for this: with a threshold well below
 * half a level of drift (2 % of 15 levels is 0.3) the read gives back
 * exactly what was programmed.
 */
#include "fw_analog.h"
#include "fw_string.h"

static void fw_refresh_reprogram(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	struct cim_hal_refresh res;
	struct cim_tile_stats *ts;
	uint32_t lf_q16, keep;

	/* the read references follow the charge the estimate says is left */
	lf_q16 = (uint32_t)fw_div_u64_u32((uint64_t)fw_an_tile_loss_ppm(fw,
					  ptile) << 16, 1000000u);
	keep = lf_q16 < 65536 ? 65536 - lf_q16 : 1;
	cim_hal_array_refresh(fw->hal, ptile, keep, &res);
	t->st.misreads += res.misreads;
	t->st.program_pulses += res.pulses;
	ts = cim_hal_tile_stats(fw->hal, ptile);
	if (ts)
		ts->program_pulses += res.row_pulses;
	t->st.programmed_ns = cim_hal_clock_now(fw->hal);
	t->st.refreshes++;
	t->cal_loss_ppm = 0;
	/* the old compensation measured the drift that is gone now */
	if (t->st.flags & CIM_TILE_AN_CALIBRATED)
		fw_calibrate_tile(fw, ptile);
}

void fw_refresh_tile(struct cim_fw *fw, uint32_t ptile, uint32_t policy)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);

	if (policy == CIM_REFRESH_REPROGRAM) {
		fw_refresh_reprogram(fw, ptile);
	} else if (policy == CIM_REFRESH_RECALIBRATE) {
		t->st.recalibrations++;
		fw_calibrate_tile(fw, ptile);
	}
}

void fw_refresh_poll(struct cim_fw *fw)
{
	uint32_t policy, thresh, i, loss;
	struct fw_an_tile *t;

	if (!fw->p.analog || !fw->p.drift_ppm)
		return;
	policy = cim_hal_reg_read(fw->hal, CIM_REG_REFRESH_POLICY);
	if (policy != CIM_REFRESH_RECALIBRATE &&
	    policy != CIM_REFRESH_REPROGRAM)
		return;
	thresh = cim_hal_reg_read(fw->hal, CIM_REG_REFRESH_THRESH);
	/* a recalibration measures with the ADC bits in use now */
	fw_adc_latch(fw);
	if (!thresh)
		thresh = CIM_REFRESH_THRESH_DEFAULT;
	for (i = 0; i < fw->p.tiles; i++) {
		t = fw_an_tile(fw, i);
		if (!(t->st.flags & CIM_TILE_AN_PROGRAMMED))
			continue;
		loss = fw_an_tile_loss_ppm(fw, i);
		if (policy == CIM_REFRESH_RECALIBRATE)
			loss = loss > t->cal_loss_ppm ?
			       loss - t->cal_loss_ppm : 0;
		if (loss >= thresh)
			fw_refresh_tile(fw, i, policy);
	}
}

uint32_t fw_an_tile_list(struct cim_fw *fw, const struct cim_desc *d,
			 uint32_t *n)
{
	uint16_t *list = (uint16_t *)fw->chunk;
	uint32_t i;

	if (!d->map_count) {
		*n = fw->p.tiles;
		return CIM_ST_OK;
	}
	if (d->map_count > fw->p.tiles ||
	    d->map_count > sizeof(fw->chunk) / sizeof(*list))
		return CIM_ST_BAD_DESC;
	if (fw_bus_read(fw, d->map_addr, list, d->map_count * sizeof(*list)))
		return CIM_ST_DMA_ERROR;
	for (i = 0; i < d->map_count; i++)
		if (list[i] >= fw->p.tiles)
			return CIM_ST_BAD_DESC;
	*n = d->map_count;
	return CIM_ST_OK;
}

uint32_t fw_analog_stats(struct cim_fw *fw, const struct cim_desc *d)
{
	const uint16_t *list = (const uint16_t *)fw->chunk;
	struct cim_analog_tile_stats st;
	struct fw_sg_cursor cur;
	uint32_t ret, n, i, tile;

	ret = fw_an_tile_list(fw, d, &n);
	if (ret)
		return ret;
	if (!d->dst.sg_count || d->dst.length < (uint64_t)n * sizeof(st))
		return CIM_ST_BAD_DESC;
	fw_sg_open(&cur, &d->dst);
	for (i = 0; i < n; i++) {
		tile = d->map_count ? list[i] : i;
		st = fw_an_tile(fw, tile)->st;
		st.drift_ppm = fw_an_tile_loss_ppm(fw, tile);
		/* erases are counted once, in the wear table */
		st.pe_cycles = cim_hal_tile_pe(fw->hal, tile);
		if (fw_sg_write(fw, &cur, (uint64_t)i * sizeof(st), &st,
				sizeof(st)))
			return CIM_ST_DMA_ERROR;
	}
	return CIM_ST_OK;
}
