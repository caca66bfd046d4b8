/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Hardware abstraction the firmware core runs on.  Four implementations:
 * the card MCU (firmware/mcu/), the kernel virtual card (kernel/vcard/),
 * the userspace card (firmware/sim/) and the host unit tests
 * (tests/firmware/); the emulators share the array model in
 * firmware/model/.  Linked, not called through pointers.
 */
#ifndef _CIM_FW_HAL_H_
#define _CIM_FW_HAL_H_

#include "cim_fw.h"

/* Card side of the register file (see uapi/cim_card.h). */
uint32_t cim_hal_reg_read(struct cim_hal *h, uint32_t off);
void cim_hal_reg_write(struct cim_hal *h, uint32_t off, uint32_t val);

/* Host-memory DMA by bus address: 0, or -1 on a bus error. */
int cim_hal_dma_read(struct cim_hal *h, uint64_t bus, void *dst, uint32_t len);
int cim_hal_dma_write(struct cim_hal *h, uint64_t bus, const void *src,
		      uint32_t len);

/* Set bits in IRQ_STATUS and interrupt the host if they are unmasked. */
void cim_hal_irq_raise(struct cim_hal *h, uint32_t bits);

/*
 * The flash arrays, at the level of the array operations the tiles'
 * control logic performs (docs/firmware.md#hal).  Columns are the
 * logical columns 0..cols-1: a column the array moved to one of its
 * spare columns (column redundancy, CIM_REG_SPARE_COLS) is served by
 * that spare in every operation.  Operations that take time on the array
 * (erase, program, refresh) advance the modeled clock themselves; on the
 * card, real time passes.  Emulators implement them with the array model
 * (firmware/model/), the card MCU with the array registers (mcu/).
 */

/* Block erase of a tile, spares included; its columns stay remapped. */
void cim_hal_array_erase(struct cim_hal *h, uint32_t tile);

/* What programming a row did (cim_hal_array_program_row()). */
struct cim_hal_prog {
	uint64_t pulses;		/* pulses of the row's cells */
	uint64_t row_pulses;		/* pulse steps the row took (time),
					 * copies to spares included */
	uint32_t verify_failures;	/* cells that did not verify */
	uint32_t spares_taken;		/* columns moved to a spare */
};

/*
 * Program-and-verify cells col0..col0+n-1 of a row to levels (0..15),
 * from the erased state.  A column whose cell cannot verify within the
 * pulse cap moves to a free spare (the cells it holds are copied).  0, or
 * -1 when a column could not be placed (no spare left); *res filled.
 */
int cim_hal_array_program_row(struct cim_hal *h, uint32_t tile, uint32_t row,
			      uint32_t col0, const uint8_t *levels, uint32_t n,
			      struct cim_hal_prog *res);

/*
 * Read-back for verify: the level each cell verifies at (multi-level
 * read with the verify references).  raw: the column itself, even when
 * a spare serves it.
 */
void cim_hal_array_read(struct cim_hal *h, uint32_t tile, uint32_t row,
			uint32_t col0, uint32_t n, int raw, uint8_t *levels);

/*
 * Exact integer MVM of the digital (ideal) array: colsum[c] = sum_r
 * x[r] * cell[row0 + r][col0 + c], x[r] in [-255, 255].
 */
void cim_hal_array_mvm(struct cim_hal *h, uint32_t tile, uint32_t row0,
		       uint32_t nrows, uint32_t col0, uint32_t ncols,
		       const int16_t *x, int32_t *colsum);

/* sum[c] = sum_r cell[row0 + r][col0 + c]: the column sums of levels. */
void cim_hal_array_colsum(struct cim_hal *h, uint32_t tile, uint32_t row0,
			  uint32_t nrows, uint32_t col0, uint32_t ncols,
			  int32_t *sum);

#define CIM_HAL_CONV_COLS	32	/* columns per conversion pass */
#define CIM_HAL_CONV_PLANES	16	/* 8 magnitude bits, 2 polarities */

/*
 * One bit-serial conversion pass of the analog array over columns
 * col0..col0+n-1 (n <= CIM_HAL_CONV_COLS): rows row0 + r driven with
 * x[r] in [-255, 255], one bit plane at a time (encoding: see
 * firmware/model/model_convert.c); each column's ADC (adc_bits)
 * digitizes the difference between the column and a reference the array
 * derives from the column's programmed levels and the trims (cal_b,
 * cal_inva of the columns, as the firmware's calibration wrote them).
 * Readings come back raw, q8 (1/256 of a level), reference added back.
 */
struct cim_hal_conv {
	/* in */
	uint32_t row0, nrows, col0, n, adc_bits;
	const int16_t *x;
	const int32_t *cal_b;		/* [n]: offset per active row, q16 */
	const uint32_t *cal_inva;	/* [n]: 1 / gain, q16, 0 = 1.0 */
	/*
	 * [n] or NULL: the column's window scale^2, q16, as CALIBRATE
	 * measured it (0: the array's default window); cal_k_q4: window
	 * half-width in those sigmas, 1/16.
	 */
	const uint32_t *cal_win;
	uint32_t cal_k_q4;
	/* out */
	uint32_t enc;			/* drive encoding used */
	uint32_t m[CIM_HAL_CONV_PLANES];	/* active rows per plane */
	int32_t w[CIM_HAL_CONV_PLANES];	/* weight of each plane's reading */
	uint32_t s1[CIM_HAL_CONV_COLS];	/* sum of the column's levels */
	int32_t meas[CIM_HAL_CONV_PLANES][CIM_HAL_CONV_COLS];
	uint32_t reranges, clips;	/* conversions repeated, clipped */
};
void cim_hal_array_convert(struct cim_hal *h, uint32_t tile,
			   struct cim_hal_conv *cv);

/* What a refresh of a tile did (cim_hal_array_refresh()). */
struct cim_hal_refresh {
	uint64_t pulses;		/* of all cells */
	uint64_t row_pulses;		/* pulse steps of the rows (time) */
	uint32_t misreads;		/* cells rewritten at another level */
};

/*
 * Re-read every programmed cell of the tile (multi-level read, the
 * references scaled by keep_q16, the share of charge the firmware
 * estimates is left) and top it up to the level read; no erase.
 */
void cim_hal_array_refresh(struct cim_hal *h, uint32_t tile,
			   uint32_t keep_q16, struct cim_hal_refresh *res);

/*
 * Analog state memory: cim_fw_analog_bytes() bytes, 8-byte aligned,
 * zeroed at power-on and kept across cim_fw_reset().
 */
void *cim_hal_analog_mem(struct cim_hal *h);
/* Wear and activity counters of a physical tile; they outlive resets. */
struct cim_tile_stats *cim_hal_tile_stats(struct cim_hal *h, uint32_t tile);

/* Plan memory of an image slot: CIM_REG_PLAN_BYTES bytes. */
uint8_t *cim_hal_plan_mem(struct cim_hal *h, uint32_t slot);

/*
 * Activation memory: *size bytes, 8-byte aligned, holding the arena of
 * the batch item being run (the platform reports *size to the host in
 * CIM_REG_ARENA_BYTES).
 */
uint8_t *cim_hal_act_mem(struct cim_hal *h, uint32_t *size);

/*
 * Program/erase cycles of a physical tile.  Kept where a card reset or a
 * host driver reload does not lose them (flash info block on the card).
 */
uint32_t cim_hal_tile_pe(struct cim_hal *h, uint32_t tile);
void cim_hal_tile_pe_inc(struct cim_hal *h, uint32_t tile);

/*
 * Batch items executed at once: a platform with threads of its own (the
 * userspace card) may run up to cim_hal_lanes() items of a RUN together,
 * each in its own struct fw_xctx; the card MCU and the kernel virtual
 * card run one at a time (they return 1).  Lane 0 is the firmware's
 * own; for lanes k = 1.. the platform sets mem[k] to bytes of 8-byte
 * aligned memory it keeps.  Returns the lanes (1..max).
 */
uint32_t cim_hal_lanes(struct cim_hal *h, uint32_t max, uint32_t bytes,
		       void **mem);
/* fn(arg, k) for k = 0..n-1, at once; returns when every call returned. */
void cim_hal_lanes_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t k),
		       void *arg, uint32_t n);

/* Model parameters of this card. */
void cim_hal_params(struct cim_hal *h, struct cim_card_params *p);

/* Modeled device clock, nanoseconds. */
uint64_t cim_hal_clock_now(struct cim_hal *h);
void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns);

#endif /* _CIM_FW_HAL_H_ */
