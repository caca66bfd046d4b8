// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The flash arrays as the executor sees them (fw_array.h), over the
 * HAL's array operations (cim_fw_hal.h).
 *
 * Ideal card (params.analog = 0): cells hold exactly their targets and an
 * MVM is the exact integer column sum, so the card is bit-exact to the
 * CPU reference.  Analog card: an MVM is a conversion pass of the array
 * (the activations drive the rows bit-serially, the column ADCs digitize
 * each bit plane); the firmware applies the calibration (fw_calib.c) to
 * the raw readings and recombines the planes.  See docs/analog-model.md.
 * In both modes a column with a cell that cannot verify is served by one
 * of the tile's spare columns while any is left: the array does that.
 */
#include "fw_array.h"
#include "fw_analog.h"
#include "fw_string.h"

void fw_array_erase(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_tile *t;
	uint32_t c;

	if (ptile >= fw->p.tiles)
		return;
	t = fw_an_tile(fw, ptile);
	cim_hal_array_erase(fw->hal, ptile);
	for (c = 0; c < fw->p.cols; c++) {
		fw_an_cal_b(fw, t)[c] = 0;
		fw_an_cal_inva(fw, t)[c] = 0;
		fw_an_cal_win(fw, t)[c] = 0;
	}
	t->cal_loss_ppm = 0;
	t->st.flags = 0;
	/* the one P/E count of the tile: READ_WEAR, TEL_PE, the stats */
	cim_hal_tile_pe_inc(fw->hal, ptile);
}

int fw_array_program_row(struct cim_fw *fw, uint32_t ptile, uint32_t row,
			 uint32_t col0, const uint8_t *cells, uint32_t n)
{
	struct cim_tile_stats *ts;
	struct cim_hal_prog res;
	struct fw_an_tile *t;
	uint32_t i;
	int ret;

	if (ptile >= fw->p.tiles || row >= fw->p.rows ||
	    col0 > fw->p.cols || n > fw->p.cols - col0)
		return -CIM_ST_BAD_DESC;
	for (i = 0; i < n; i++)
		if (cells[i] > 15)
			return -CIM_ST_BAD_IMAGE;
	t = fw_an_tile(fw, ptile);
	ret = cim_hal_array_program_row(fw->hal, ptile, row, col0, cells, n,
					&res);
	t->st.program_pulses += res.pulses;
	t->st.verify_failures += res.verify_failures;
	t->st.spare_used += res.spares_taken;
	t->st.flags |= CIM_TILE_AN_PROGRAMMED;
	ts = cim_hal_tile_stats(fw->hal, ptile);
	if (ts)
		ts->program_pulses += res.row_pulses;
	t->st.programmed_ns = cim_hal_clock_now(fw->hal);
	return ret ? -CIM_ST_VERIFY_FAIL : 0;
}

void fw_array_colq(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t ncols,
		   int32_t *colq)
{
	cim_hal_array_colsum(fw->hal, ptile, row0, nrows, col0, ncols, colq);
}

void fw_an_measure(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t n,
		   const int16_t *x)
{
	struct cim_hal_conv *cv = &fw_an_card(fw)->conv;
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t adc = fw->adc_bits;

	cv->row0 = row0;
	cv->nrows = nrows;
	cv->col0 = col0;
	cv->n = n;
	cv->adc_bits = adc;
	cv->x = x;
	cv->cal_b = fw_an_cal_b(fw, t) + col0;
	cv->cal_inva = fw_an_cal_inva(fw, t) + col0;
	cv->cal_win = fw_an_cal_win(fw, t) + col0;
	cv->cal_k_q4 = fw->p.adc_cal_sigma_q4;
	cim_hal_array_convert(fw->hal, ptile, cv);
	t->st.adc_reranges += cv->reranges;
	t->st.adc_clips += cv->clips;
	/* each repeat: the column's ADC converts once more, adc bit-cycles */
	adc = adc < 1 ? 1 : adc > 16 ? 16 : adc;
	fw->rerange_ps += (uint64_t)cv->reranges * adc * fw->mvm_bit_ps;
}

static void fw_array_mvm_analog(struct cim_fw *fw, uint32_t ptile,
				uint32_t row0, uint32_t nrows, uint32_t col0,
				uint32_t ncols, const int16_t *x,
				int32_t *colsum)
{
	const struct cim_hal_conv *cv = &fw_an_card(fw)->conv;
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	const int32_t *cal_b = fw_an_cal_b(fw, t);
	const uint32_t *cal_inva = fw_an_cal_inva(fw, t);
	uint32_t c0, n, c, b, inva;
	int64_t sum, p;

	for (c0 = 0; c0 < ncols; c0 += n) {
		n = FW_MIN(ncols - c0, (uint32_t)FW_AN_CHUNK);
		fw_an_measure(fw, ptile, row0, nrows, col0 + c0, n, x);
		for (c = 0; c < n; c++) {
			inva = cal_inva[col0 + c0 + c];
			sum = 0;
			for (b = 0; b < FW_AN_PLANES; b++) {
				if (!cv->m[b])
					continue;	/* not converted */
				p = cv->meas[b][c];
				if (inva) {
					p -= ((int64_t)cal_b[col0 + c0 + c] *
					      cv->m[b]) / 256;
					p = (p * inva) / 65536;
				}
				sum += p * cv->w[b];
			}
			/* q8 to the integer the ideal card would give */
			colsum[c0 + c] = (int32_t)((sum + 128) >> 8);
		}
	}
}

void fw_array_mvm(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		  uint32_t nrows, uint32_t col0, uint32_t ncols,
		  const int16_t *x, int32_t *colsum)
{
	if (ptile >= fw->p.tiles || row0 > fw->p.rows ||
	    nrows > fw->p.rows - row0 || col0 > fw->p.cols ||
	    ncols > fw->p.cols - col0) {
		memset(colsum, 0, ncols * sizeof(*colsum));
		return;
	}
	if (fw->p.analog)
		fw_array_mvm_analog(fw, ptile, row0, nrows, col0, ncols, x,
				    colsum);
	else
		cim_hal_array_mvm(fw->hal, ptile, row0, nrows, col0, ncols, x,
				  colsum);
}
