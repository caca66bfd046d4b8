/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The flash arrays as the executor sees them: erase, program-and-verify
 * a row, one MVM.  Implemented in fw_array.c over the HAL's array
 * operations (ideal or analog arrays, see docs/analog-model.md).
 */
#ifndef _CIM_FW_ARRAY_H_
#define _CIM_FW_ARRAY_H_

#include "cim_fw.h"

void fw_array_erase(struct cim_fw *fw, uint32_t ptile);
/* cells: one value 0..15 per byte; returns 0 or a negative CIM_ST_*-style
 * code when a cell cannot verify; charges program time (pulses). */
int fw_array_program_row(struct cim_fw *fw, uint32_t ptile, uint32_t row,
			 uint32_t col0, const uint8_t *cells, uint32_t n);
/*
 * colsum[c] = what column col0+c reads when rows row0.. are driven with
 * x[0..nrows), each in [-255, 255]; ideal: sum_r x[r] * cell[row0+r][col0+c].
 * Bit-serial, 8 conversions per column when x has one sign or lies in
 * [-128, 127], 16 otherwise (see firmware/model/model_convert.c); rows
 * with x = 0 are not driven at all.  Does not charge time.
 */
void fw_array_mvm(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		  uint32_t nrows, uint32_t col0, uint32_t ncols,
		  const int16_t *x, int32_t *colsum);
/*
 * colq[c] = sum_r cell[row0+r][col0+c]: the targets the firmware
 * programmed (what a real card keeps per block column from PROGRAM),
 * exact in both modes.  Does not charge time.
 */
void fw_array_colq(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t ncols,
		   int32_t *colq);

#endif /* _CIM_FW_ARRAY_H_ */
