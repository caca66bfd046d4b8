/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The flash arrays as the rest of the firmware sees them.  fw_array.c is
 * the only file that touches cells: it programs and verifies them and
 * runs the MVMs, ideally or through the analog model.  Physical tiles,
 * rows and columns are checked by the callers (plan check, tile map).
 */
#ifndef _CIM_FW_ARRAY_H_
#define _CIM_FW_ARRAY_H_

#include "cim_fw.h"

/* Erase every cell of a tile to 0: one program/erase cycle. */
void fw_array_erase(struct cim_fw *fw, uint32_t ptile);

/*
 * Program cells[0..n) (one value 0..15 per byte) into row, columns
 * col0.. of a tile and verify them.  Charges the program time and counts
 * the pulses.  0, or -CIM_ST_VERIFY_FAIL when a cell cannot verify.
 */
int fw_array_program_row(struct cim_fw *fw, uint32_t ptile, uint32_t row,
			 uint32_t col0, const uint8_t *cells, uint32_t n);

/*
 * One analog MVM: colsum[c] = sum over r < nrows of
 * x[r] * cell[row0 + r][col0 + c], for c < ncols.  Charges no time (the
 * scheduler does).
 */
void fw_array_mvm(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		  uint32_t nrows, uint32_t col0, uint32_t ncols,
		  const int8_t *x, int32_t *colsum);

#endif /* _CIM_FW_ARRAY_H_ */
