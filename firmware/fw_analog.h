/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The firmware's side of the analog arrays: what fw_array.c, fw_calib.c
 * and fw_refresh.c share.  The arrays themselves (cells, spare columns,
 * the physics) are behind the HAL's array operations (cim_fw_hal.h); the
 * firmware keeps, in the memory from cim_hal_analog_mem(), what it
 * measured and decided: per-column compensation (trims), per-tile
 * statistics and its drift estimate.  Levels are fixed point, 1/256 of a
 * cell level ("q8").
 */
#ifndef _CIM_FW_ANALOG_H_
#define _CIM_FW_ANALOG_H_

#include "fw_internal.h"

#define FW_AN_CHUNK		CIM_HAL_CONV_COLS	/* columns per pass */
#define FW_AN_BITS		8	/* input magnitude bits, bit-serial */
/* conversions per column: FW_AN_BITS of each polarity */
#define FW_AN_PLANES		CIM_HAL_CONV_PLANES
#define FW_AN_CAL_VECTORS	24	/* test vectors (x 8 planes) */
#define FW_AN_CAL_OFF_VECTORS	4	/* offset vectors, erased rows only */
#define FW_AN_CAL_OFF_ROWS	128	/* erased rows an offset vector drives */
#define FW_AN_CAL_CHECK_VECTORS	4	/* fresh vectors: error before/after */
#define FW_AN_MAX_ROWS		4096	/* rows calibration drives */

/* The trims of one pass of columns (CALIBRATE's before/after check). */
struct fw_cal_trims {
	int32_t b[FW_AN_CHUNK];
	uint32_t inva[FW_AN_CHUNK], win[FW_AN_CHUNK];
};

/* Card-wide part, at the start of the analog memory. */
struct fw_an_card {
	uint64_t last_check_ns;		/* refresh scan */
	/* the conversion pass in progress (fw_an_measure()) */
	struct cim_hal_conv conv;
	int32_t exp[FW_AN_PLANES][FW_AN_CHUNK];	/* from the targets */
	int64_t cal[4][FW_AN_CHUNK];	/* calibration regression sums */
	int64_t win[4][FW_AN_CHUNK];	/* range calibration sums */
	struct fw_cal_trims trims[2];	/* calibration check: old, new */
	int16_t cal_x[FW_AN_MAX_ROWS];	/* calibration test vector */
	uint16_t cal_rows[FW_AN_MAX_ROWS];	/* programmed rows, shuffled */
	uint8_t line[CIM_FW_MAX_LINE];	/* one row read back */
};

/* Per tile, followed by its per-column trims. */
struct fw_an_tile {
	struct cim_analog_tile_stats st;
	uint32_t cal_loss_ppm;		/* estimated loss when calibrated */
	uint32_t reserved;
	struct cim_calib_tile_report rep;	/* the last CALIBRATE's check */
	/*
	 * then: int32_t cal_b[cols]   offset per active row, q16
	 *       uint32_t cal_inva[cols]  1 / gain, q16 (0 = 1.0)
	 *       uint32_t cal_win[cols]   ADC window scale^2, q16 (0: the
	 *                                array's default window)
	 */
};

struct fw_an_card *fw_an_card(struct cim_fw *fw);
struct fw_an_tile *fw_an_tile(struct cim_fw *fw, uint32_t ptile);
int32_t *fw_an_cal_b(struct cim_fw *fw, struct fw_an_tile *t);
uint32_t *fw_an_cal_inva(struct cim_fw *fw, struct fw_an_tile *t);
uint32_t *fw_an_cal_win(struct cim_fw *fw, struct fw_an_tile *t);

/*
 * fw_analog.c: arithmetic the firmware needs, also used by the array
 * model of the emulators (firmware/model/), which is compiled with it.
 */
uint32_t fw_an_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		    uint32_t e);
int64_t fw_an_div_s64(int64_t n, int64_t d);
uint32_t fw_isqrt(uint64_t v);
/*
 * Mean level loss, ppm, after age_ns at drift_ppm per decade: the drift
 * law the part is characterized with.
 */
uint32_t fw_an_loss_ppm(const struct cim_card_params *p, uint64_t age_ns);
/* the firmware's estimate for a tile, from when it programmed it */
uint32_t fw_an_tile_loss_ppm(struct cim_fw *fw, uint32_t ptile);

/* fw_array.c */
/*
 * Raw ADC readings of the planes of x (row row0 + r driven with x[r]),
 * columns col0..col0+n (n <= FW_AN_CHUNK), into fw_an_card(fw)->conv
 * (meas[p][c] q8, m, w, s1; see struct cim_hal_conv), no compensation
 * applied.  Counts the over-range repeats.  Analog mode only.
 */
void fw_an_measure(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t n,
		   const int16_t *x);

/* fw_calib.c */
void fw_calibrate_tile(struct cim_fw *fw, uint32_t ptile);
uint32_t fw_calibrate(struct cim_fw *fw, const struct cim_desc *d);
uint32_t fw_calib_report(struct cim_fw *fw, const struct cim_desc *d);

/* fw_refresh.c */
void fw_refresh_poll(struct cim_fw *fw);
void fw_refresh_tile(struct cim_fw *fw, uint32_t ptile, uint32_t policy);
uint32_t fw_analog_stats(struct cim_fw *fw, const struct cim_desc *d);
/* tile list of a CALIBRATE / ANALOG_STATS descriptor into fw->chunk */
uint32_t fw_an_tile_list(struct cim_fw *fw, const struct cim_desc *d,
			 uint32_t *n);

#endif /* _CIM_FW_ANALOG_H_ */
