// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Ideal flash arrays: programming sets cells exactly, an MVM is the exact
 * integer column sum.  The analog model (programming error, read noise,
 * drift, ADC, column gain and offset) replaces the internals of this
 * file and nothing else.
 */
#include "fw_internal.h"
#include "fw_array.h"
#include "fw_string.h"

void fw_array_erase(struct cim_fw *fw, uint32_t ptile)
{
	memset(cim_hal_tile_cells(fw->hal, ptile), 0,
	       (size_t)fw->p.rows * fw->p.cols);
	fw_charge_program(fw, 1);
	if (ptile < CIM_FW_MAX_TILES)
		fw->tile_tele[ptile].pe_cycles++;
}

int fw_array_program_row(struct cim_fw *fw, uint32_t ptile, uint32_t row,
			 uint32_t col0, const uint8_t *cells, uint32_t n)
{
	size_t at = (size_t)row * fw->p.cols + col0;
	uint8_t *cell = cim_hal_tile_cells(fw->hal, ptile) + at;
	uint32_t i;

	memcpy(cell, cells, n);
	fw_charge_program(fw, 1);
	if (ptile < CIM_FW_MAX_TILES)
		fw->tile_tele[ptile].program_pulses++;
	/* Fetch the tile again so that the compare really reads the array. */
	cell = cim_hal_tile_cells(fw->hal, ptile) + at;
	for (i = 0; i < n; i++)
		if (cell[i] != cells[i])
			return -CIM_ST_VERIFY_FAIL;
	return 0;
}

/*
 * Erased cells add nothing: whole 8-cell words of zeros are skipped,
 * which keeps diagonal-packed blocks (mostly zeros) cheap to emulate.
 */
void fw_array_mvm(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		  uint32_t nrows, uint32_t col0, uint32_t ncols,
		  const int8_t *x, int32_t *colsum)
{
	const uint8_t *base = cim_hal_tile_cells(fw->hal, ptile);
	const uint8_t *row;
	uint32_t r, c, k;
	uint64_t w;
	int32_t xv;

	memset(colsum, 0, ncols * sizeof(*colsum));
	for (r = 0; r < nrows; r++) {
		xv = x[r];
		if (!xv)
			continue;
		row = base + (size_t)(row0 + r) * fw->p.cols + col0;
		for (c = 0; c + 8 <= ncols; c += 8) {
			memcpy(&w, row + c, sizeof(w));
			if (!w)
				continue;
			for (k = 0; k < 8; k++)
				colsum[c + k] += xv * row[c + k];
		}
		for (; c < ncols; c++)
			colsum[c] += xv * row[c];
	}
}
