/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Inside the array model.  No state per cell beyond its level: a cell's
 * residual programming error, drift rate and pulses needed come from a
 * hash of (seed, tile, row, physical column, program generation); the
 * state memory holds per-tile and per-column state only.  Levels are
 * fixed point, 1/256 of a cell level ("q8").
 */
#ifndef _CIM_MODEL_INT_H_
#define _CIM_MODEL_INT_H_

#include "cim_model.h"
#include "../fw_analog.h"

#define MODEL_MAX_SPARES	16
#define MODEL_SPARE_BAD		0xffff	/* spare_of: spare that failed itself */
#define MODEL_BITS		8	/* input magnitude bits, bit-serial */
#define MODEL_WEAK_MAX_LEVEL	3	/* a weak cell reaches no higher */
/* over-range: a clipped conversion is repeated with the window doubled */
#define MODEL_RANGE_STEPS	3

/* Card-wide part, at the start of the state memory. */
struct model_card {
	uint64_t rng;			/* read noise PRNG; 0 = not seeded */
	/* scratch of one conversion pass */
	int32_t acc[CIM_HAL_CONV_PLANES][CIM_HAL_CONV_COLS];	/* q8 */
	uint32_t s2[CIM_HAL_CONV_COLS];
	uint32_t pcol[CIM_HAL_CONV_COLS];	/* physical column */
	int32_t spare[CIM_HAL_CONV_COLS];	/* spare index or -1 */
	uint32_t lo[CIM_HAL_CONV_COLS], hi[CIM_HAL_CONV_COLS];
	uint16_t ms[CIM_HAL_CONV_PLANES][CIM_HAL_CONV_COLS];
};

/* Per tile, followed by its spare columns' cells [spares][rows]. */
struct model_tile {
	uint32_t gen;			/* program generation */
	uint32_t programmed;		/* holds programmed cells */
	uint32_t wstamp;		/* bumped by every write to the cells */
	uint32_t reserved;
	uint64_t programmed_ns;		/* clock at the last (re)programming */
	uint16_t spare_of[MODEL_MAX_SPARES];	/* logical col + 1, 0 = free */
};

struct model_card *model_card(struct cim_model *m);
struct model_tile *model_tile(struct cim_model *m, uint32_t tile);
uint8_t *model_spare_cells(struct cim_model *m, struct model_tile *t,
			   uint32_t spare);
uint8_t *model_tile_cells(struct cim_model *m, uint32_t tile);
uint32_t model_nspares(const struct cim_model *m);
int32_t model_spare_index(const struct cim_model *m,
			  const struct model_tile *t, uint32_t col);
/* re-apply an injected stuck cell after a write to the tile */
void model_stuck(struct cim_model *m, uint32_t tile);

/* model_array.c: the exact MVM kernel */
void model_mvm_rows(const uint8_t *cells, size_t stride, uint32_t nrows,
		    uint32_t ncols, const int16_t *x, int32_t *colsum);
/*
 * Builds for a host with vector units (the userspace card) define
 * MODEL_HOST_SIMD and provide these, which add the same sums to colsum
 * and return 1, or return 0 (then the next way runs): model_mvm_host()
 * for a block of a tile's cells (the platform may keep the cells in a
 * layout of its own, rebuilt when the tile's wstamp changes),
 * model_mvm_rows_host() for cells in place.
 */
int model_mvm_host(struct cim_hal *h, struct cim_model *m, uint32_t tile,
		   uint32_t row0, uint32_t nrows, uint32_t col0, uint32_t ncols,
		   const int16_t *x, int32_t *colsum);
int model_mvm_rows_host(const uint8_t *cells, size_t stride, uint32_t nrows,
			uint32_t ncols, const int16_t *x, int32_t *colsum);
/*
 * And model_colsum_host(): sum[c] = the cells' column sums of a block
 * (spares not applied), 1 when it filled them (the platform may keep
 * them from an earlier call while the tile's wstamp is unchanged).
 */
int model_colsum_host(struct cim_hal *h, struct cim_model *m, uint32_t tile,
		      uint32_t row0, uint32_t nrows, uint32_t col0,
		      uint32_t ncols, int32_t *sum);

/* model_cells.c: the physics of one cell or column */
uint64_t model_rand(struct model_card *cd, uint32_t seed);
int32_t model_gauss(uint64_t r, uint32_t sigma);
static inline uint32_t model_isqrt(uint64_t v)
{
	return fw_isqrt(v);
}
uint32_t model_tile_loss_ppm(struct cim_hal *h, struct cim_model *m,
			     uint32_t tile);
int32_t model_level(const struct cim_card_params *p, uint32_t tile,
		    uint32_t row, uint32_t pcol, uint32_t t, uint32_t gen,
		    uint32_t lf_q16);
uint32_t model_col_gain_q16(const struct cim_card_params *p, uint32_t tile,
			    uint32_t pcol);
int32_t model_col_offset_q8(const struct cim_card_params *p, uint32_t tile,
			    uint32_t pcol);
uint32_t model_pulses(const struct cim_card_params *p, uint32_t tile,
		      uint32_t row, uint32_t pcol, uint32_t t, uint32_t gen);
uint32_t model_pulse_cap(const struct cim_card_params *p);

#endif /* _CIM_MODEL_INT_H_ */
