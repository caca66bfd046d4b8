/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The analog array model inside the firmware: what fw_array.c,
 * fw_calib.c and fw_refresh.c share.  No state per cell: a cell's
 * residual programming error and drift rate come from a hash of (seed,
 * tile, row, physical column, program generation); the memory from
 * cim_hal_analog_mem() holds per-tile and per-column state only.
 * Levels are fixed point, 1/256 of a cell level ("q8").
 */
#ifndef _CIM_FW_ANALOG_H_
#define _CIM_FW_ANALOG_H_

#include "fw_internal.h"

#define FW_AN_MAX_SPARES	16
#define FW_AN_CHUNK		32	/* columns per accumulation pass */
#define FW_AN_BITS		8	/* input magnitude bits, bit-serial */
/* conversions per column: FW_AN_BITS of each polarity (see fw_an_drive) */
#define FW_AN_PLANES		(2 * FW_AN_BITS)
#define FW_AN_WEAK_MAX_LEVEL	3	/* a weak cell reaches no higher */
#define FW_AN_CAL_VECTORS	24	/* test vectors (x 8 planes) */
#define FW_AN_CAL_OFF_VECTORS	4	/* offset vectors, erased rows only */
#define FW_AN_CAL_OFF_ROWS	128	/* erased rows an offset vector drives */
#define FW_AN_MAX_ROWS		4096	/* rows calibration drives */
/* over-range: a clipped conversion is repeated with the window doubled */
#define FW_AN_RANGE_STEPS	3

/* Card-wide part, at the start of the analog memory. */
struct fw_an_card {
	uint64_t rng;			/* read noise PRNG; 0 = not seeded */
	uint64_t last_check_ns;		/* refresh scan */
	/* scratch of one accumulation pass */
	int32_t acc[FW_AN_PLANES][FW_AN_CHUNK];	/* analog plane sums, q8 */
	uint32_t s1[FW_AN_CHUNK], s2[FW_AN_CHUNK];	/* sum t, sum t^2 */
	uint32_t pcol[FW_AN_CHUNK];	/* physical column of each column */
	int32_t spare[FW_AN_CHUNK];	/* spare index or -1 */
	uint32_t m[FW_AN_PLANES];	/* active rows per plane */
	/* per column: driven rows from its first to its last programmed one */
	uint32_t lo[FW_AN_CHUNK], hi[FW_AN_CHUNK];
	uint16_t ms[FW_AN_PLANES][FW_AN_CHUNK];	/* active rows of that span */
	int32_t w[FW_AN_PLANES];	/* weight of each plane's reading */
	uint32_t enc;			/* FW_AN_ENC_* of the pass */
	int32_t meas[FW_AN_PLANES][FW_AN_CHUNK];	/* ADC reading, q8 */
	int32_t exp[FW_AN_PLANES][FW_AN_CHUNK];	/* from the targets */
	int64_t cal[4][FW_AN_CHUNK];	/* calibration regression sums */
	int16_t cal_x[FW_AN_MAX_ROWS];	/* calibration test vector */
	uint16_t cal_rows[FW_AN_MAX_ROWS];	/* programmed rows, shuffled */
};

/* Per tile, followed by its per-column and spare-column arrays. */
struct fw_an_tile {
	struct cim_analog_tile_stats st;
	uint32_t gen;			/* program generation */
	uint32_t cal_loss_ppm;		/* estimated loss when calibrated */
	uint16_t spare_of[FW_AN_MAX_SPARES];	/* logical col + 1, 0 = free */
	/*
	 * then: int32_t cal_b[cols]   offset per active row, q16
	 *       uint32_t cal_inva[cols]  1 / gain, q16 (0 = 1.0)
	 *       uint8_t spare_cells[spare_cols][rows]  targets
	 */
};

struct fw_an_card *fw_an_card(struct cim_fw *fw);
struct fw_an_tile *fw_an_tile(struct cim_fw *fw, uint32_t ptile);
int32_t *fw_an_cal_b(struct cim_fw *fw, struct fw_an_tile *t);
uint32_t *fw_an_cal_inva(struct cim_fw *fw, struct fw_an_tile *t);
uint8_t *fw_an_spare_cells(struct cim_fw *fw, struct fw_an_tile *t,
			   uint32_t spare);

/* fw_analog.c: the model's arithmetic */
uint32_t fw_an_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		    uint32_t e);
uint64_t fw_an_rand(struct fw_an_card *cd, uint32_t seed);
int32_t fw_an_gauss(uint64_t r, uint32_t sigma);
uint32_t fw_an_isqrt(uint64_t v);
int64_t fw_an_div_s64(int64_t n, int64_t d);
/* mean level loss, ppm, after age_ns at drift_ppm per decade */
uint32_t fw_an_loss_ppm(const struct cim_card_params *p, uint64_t age_ns);
uint32_t fw_an_tile_loss_ppm(struct cim_fw *fw, uint32_t ptile);
/* the level target t programmed into (ptile, row, pcol) reads now, q8 */
int32_t fw_an_level(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		    uint32_t pcol, uint32_t t, uint32_t gen, uint32_t loss_ppm);
/* column gain (q16) and reference error per active row (q8) */
uint32_t fw_an_col_gain_q16(struct cim_fw *fw, uint32_t ptile, uint32_t pcol);
int32_t fw_an_col_offset_q8(struct cim_fw *fw, uint32_t ptile, uint32_t pcol);
int fw_an_col_weak(struct cim_fw *fw, uint32_t ptile, uint32_t pcol);
/* pulses to program target t; > pulse cap when it cannot verify */
uint32_t fw_an_pulses(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		      uint32_t pcol, uint32_t t, uint32_t gen);
uint32_t fw_an_pulse_cap(const struct cim_card_params *p);

/* fw_array.c */
/* what the firmware believes (ptile, row, logical col) holds */
uint32_t fw_an_target(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		      uint32_t col);
/*
 * How an input vector x (values in [-255, 255]) is driven, bit-serially:
 *   UNSIGNED  every x >= 0: plane b (0..7) drives the rows with bit b of
 *             x set, weight +2^b;
 *   NEGATIVE  every x <= 0: the same with -x, weight -2^b;
 *   TWOS      mixed signs, all in [-128, 127]: two's complement, plane b
 *             drives bit b of (uint8)x, weight 2^b, plane 7 -128;
 *   SIGNMAG   mixed signs beyond int8: planes 0..7 drive the positive
 *             rows' magnitude bits (+2^b), planes 8..15 the negative
 *             rows' (-2^b): twice the conversions.
 * fw_an_drive() gives a row's plane mask (bit p: active in plane p).
 */
#define FW_AN_ENC_UNSIGNED	0
#define FW_AN_ENC_NEGATIVE	1
#define FW_AN_ENC_TWOS		2
#define FW_AN_ENC_SIGNMAG	3
uint32_t fw_an_encoding(const int16_t *x, uint32_t n);
uint32_t fw_an_drive(uint32_t enc, int32_t x);
/*
 * Raw ADC readings of the planes of x (row row0 + r driven with x[r], as
 * fw_an_encoding() picks), columns col0..col0+n (n <= FW_AN_CHUNK), into
 * cd->meas[p][c] (q8, reference added back, no compensation), with
 * cd->m, cd->w, cd->enc, cd->s1, cd->s2 filled.  A plane with no active
 * row is not converted (meas 0).  Analog mode only.
 */
void fw_an_measure(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t n,
		   const int16_t *x);

/* fw_calib.c */
void fw_calibrate_tile(struct cim_fw *fw, uint32_t ptile);
uint32_t fw_calibrate(struct cim_fw *fw, const struct cim_desc *d);

/* fw_refresh.c */
void fw_refresh_poll(struct cim_fw *fw);
void fw_refresh_tile(struct cim_fw *fw, uint32_t ptile, uint32_t policy);
uint32_t fw_analog_stats(struct cim_fw *fw, const struct cim_desc *d);
/* tile list of a CALIBRATE / ANALOG_STATS descriptor into fw->chunk */
uint32_t fw_an_tile_list(struct cim_fw *fw, const struct cim_desc *d,
			 uint32_t *n);

#endif /* _CIM_FW_ANALOG_H_ */
