/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * CIM card firmware core: the host-interface loop, image programming,
 * the plan executor and its tile scheduler.  Freestanding C: no libc, no
 * floating point, no allocation; the platform (card MCU, virtual card,
 * host tests) provides the HAL in cim_fw_hal.h and the memory for
 * struct cim_fw.  See docs/firmware.md.
 */
#ifndef _CIM_FW_H_
#define _CIM_FW_H_

#include "cim_fw_types.h"
#include "../uapi/cim_card.h"
#include "../uapi/cim_image.h"

#define CIM_FW_VERSION_MAJOR	2
#define CIM_FW_VERSION_MINOR	0
#define CIM_FW_VERSION		((CIM_FW_VERSION_MAJOR << 16) | CIM_FW_VERSION_MINOR)

#define CIM_FW_MAX_VECTOR	16384	/* longest K or N of an FC/CONV op */
#define CIM_FW_MAX_IMAGES	16	/* image slots */
#define CIM_FW_MAX_VTILES	256	/* virtual tiles per image */
#define CIM_FW_MAX_TILES	1024	/* physical tiles with telemetry */
#define CIM_FW_MAX_LINE		4096	/* rows or columns of a tile */
#define CIM_FW_MAX_OPS		1024	/* ops of a plan */
#define CIM_FW_MAX_BANDS	8192	/* row bands the scheduler tracks */
#define CIM_FW_RES_POOL		10240	/* busy intervals of all timelines */

struct cim_hal;

/*
 * Card model parameters the firmware charges modeled time from (see
 * docs/firmware.md for the formulas).  A 0 in an optional field means
 * "not modeled" (that cost is zero).
 */
struct cim_card_params {
	uint32_t tiles, rows, cols, cell_bits, adc_bits, act_bits;
	uint32_t mvm_ns;		/* one full-array MVM */
	uint32_t mvm_fixed_ns;		/* part of it that any MVM pays */
	uint32_t row_group;		/* rows summed per ADC phase (0: all) */
	uint32_t adcs;			/* column ADCs per tile (0: one/column) */
	uint32_t simd_ps_per_elem;	/* digital op per element, picoseconds */
	uint32_t xfer_ps_per_byte;	/* tile-to-tile transfer */
	uint32_t xfer_fixed_ns;		/* latency of one transfer */
	uint32_t link_mb_s;		/* host DMA bandwidth, MB/s */
	uint32_t program_row_ns;	/* program + verify one row of cells */
	uint32_t sched_naive;		/* 1: one layer at a time */
	uint32_t simd_lanes;		/* int8 multiply-add lanes per tile SIMD */
	uint32_t simd_mhz;		/* tile SIMD clock (0: SIMD CONV free) */

	/*
	 * Analog array model (firmware/model/, docs/analog-model.md).
	 * All zero is the ideal card: exact integer MVMs, no spares.
	 * fw_analog_default_params() fills the defaults of the model.
	 */
	uint32_t analog;		/* 0 ideal, 1 analog model */
	uint32_t seed;			/* of every per-cell / per-column draw */
	uint32_t spare_cols;		/* spare columns per tile, <= 16 */
	uint32_t prog_tol_q8;		/* verify tolerance, 1/256 level */
	uint32_t pulse_cap;		/* pulses per cell before verify fails */
	uint32_t pulse_ns;		/* one program-and-verify pulse of a row */
	uint32_t read_noise_q8;		/* per sqrt(active row), 1/256 level */
	uint32_t drift_ppm;		/* level lost per decade of time, ppm */
	uint32_t gain_sigma_ppm;	/* column gain error (rms), ppm */
	uint32_t offset_q8;		/* column reference error (rms) per
					 * active row, 1/256 level */
	uint32_t adc_fs_sigma_q4;	/* ADC window, column sigmas, 1/16 */
	uint32_t weak_col_ppm;		/* columns that cannot verify, ppm */
	uint32_t weak_col;		/* injected: (tile << 16 | col) + 1 */
	/*
	 * Range calibration: CALIBRATE sets each column's ADC window to
	 * this many (1/16) sigmas of the column's measured spread for the
	 * rows a conversion drives; 0: the array's default window
	 * (adc_fs_sigma_q4 of the targets' spread).  Analog only.
	 */
	uint32_t adc_cal_sigma_q4;
};

struct cim_fw_slot {
	uint32_t valid;
	uint32_t n_vtiles;
	uint32_t plan_size;
	uint16_t map[CIM_FW_MAX_VTILES];	/* vtile -> physical tile */
	struct cim_slot_tag tag;		/* host's, from PROGRAM */
};

/*
 * A timeline: busy intervals [s, e), sorted, kept in the scheduler's
 * pool at [off, off + cap); the RUN's timelines share the pool evenly.
 */
struct fw_res {
	uint32_t off, cap, n;
};

/* Scheduler state of the RUN in progress (fw_sched.c). */
struct fw_sched {
	uint32_t fine;			/* one band per tensor row, else per tensor */
	uint32_t n_tensors;
	uint64_t makespan;		/* of the pipelined schedule */
	uint64_t naive_ps;		/* of one layer at a time */
	uint64_t macs;
	uint16_t home[CIM_FW_MAX_OPS + 1];	/* vtile of each tensor */
	/* op whose replica homes hold each tensor (0xffff: the host) */
	uint16_t src[CIM_FW_MAX_OPS + 1];
	uint32_t band0[CIM_FW_MAX_OPS + 1];	/* first band of each tensor */
	uint64_t ready[CIM_FW_MAX_BANDS];	/* band ready (running max) */
	uint32_t dry;			/* costing only: no timelines, telemetry */
	uint32_t next[CIM_FW_MAX_OPS];	/* next band of each op to place */
	/* a global pool's input bands summed so far, and when the last was */
	uint32_t acc[CIM_FW_MAX_OPS];
	uint64_t acc_end[CIM_FW_MAX_OPS];
	uint64_t work[CIM_FW_MAX_VTILES];	/* scratch: ps per vtile */
	uint64_t opwork[CIM_FW_MAX_VTILES];	/* scratch: one op, all bands */
	uint64_t opsimd[CIM_FW_MAX_VTILES];	/* scratch: one op, all bands */
	uint32_t psum[CIM_FW_MAX_VTILES];	/* scratch: partial sums/pixel */
	struct fw_res array[CIM_FW_MAX_VTILES];
	struct fw_res simd[CIM_FW_MAX_VTILES];
	struct fw_res dma_in, dma_out;
	uint64_t res_s[CIM_FW_RES_POOL];	/* interval starts */
	uint64_t res_e[CIM_FW_RES_POOL];	/* interval ends */
};

/*
 * Activity of a physical tile since the card powered on: the one record
 * of it.  The platform keeps it where the flash is (cim_hal_tile_stats()):
 * zeroed at power-on, kept across firmware resets and driver reloads.
 * The scheduler charges MVMs and SIMD work to the tile that does them,
 * programming its pulses; the TEL_* register window and the TELEMETRY
 * descriptor show it.  The tile's program/erase count is not here: the
 * wear table (cim_hal_tile_pe()) is the one count of erases.
 */
struct cim_tile_stats {
	uint64_t busy_ns;		/* modeled array time of its MVMs */
	uint64_t simd_ns;		/* modeled SIMD time */
	uint64_t mvms;			/* array MVMs (one per block and pixel) */
	uint64_t macs;			/* weight MACs those MVMs computed */
	uint64_t simd_ops;		/* SIMD element operations */
	uint64_t program_pulses;	/* program-and-verify pulses */
};

/*
 * What the executor (fw_exec.c) works in for one batch item: the item's
 * activations and its scratch.  The firmware has one (cim_fw.x); a
 * platform that runs several items at once (cim_hal_lanes()) gives each
 * other lane its own.
 */
struct fw_xctx {
	int8_t *arena;				/* the item's activations */
	uint32_t lane;				/* 0: the firmware's own */
	int8_t col[CIM_FW_MAX_VECTOR];		/* im2col vector */
	int16_t xb[CIM_FW_MAX_LINE];		/* one block's MVM input */
	int32_t colq[CIM_FW_MAX_LINE];		/* its columns' weight sums */
	int32_t acc[CIM_FW_MAX_VECTOR];
	int32_t colsum[CIM_FW_MAX_LINE];
};

struct cim_fw {
	struct cim_hal *hal;
	struct cim_card_params p;
	uint32_t running;		/* handshake done */
	uint64_t sq_base, cq_base;
	uint32_t sq_entries, cq_entries;
	uint32_t sq_head, cq_tail, cq_seq;
	uint64_t poll_start;		/* clock when the rings were last read */
	uint64_t last_queue_ns;
	/* modeled-time charges go to held_ns instead of the clock */
	uint32_t hold;
	uint64_t held_ns;
	uint64_t mvm_bit_ps;		/* one ADC bit-cycle, from mvm_ns */
	/* ADC over-range repeats since the RUN began: extra device time */
	uint64_t rerange_ps;
	/* ADC bits in use: ADC_BITS_CFG, latched as each descriptor starts */
	uint32_t adc_bits;
	int8_t *arena;			/* activations of one batch item */
	uint32_t arena_size;
	struct cim_fw_slot slots[CIM_FW_MAX_IMAGES];
	struct cim_check_state check;
	struct cim_telemetry tele;
	struct fw_sched sched;
	/* scratch of the executor (lane 0) and of PROGRAM */
	struct fw_xctx x;
	uint8_t cells[CIM_FW_MAX_LINE];		/* one row being programmed */
	/* 8-byte aligned: records of 64-bit fields are built in it */
	uint8_t chunk[4096] __attribute__((aligned(8)));
	/* fault injection (fw_fault.c) */
	uint32_t hung;			/* FAULT_HANG fired: wait for reset */
	uint32_t fault;			/* CIM_FAULT_* applying to this desc */
	/* progress and cancel (interface 1.3, fw_host_if.c) */
	uint32_t progress;		/* steps since reset: PROGRESS */
	uint32_t job_done;		/* steps of the running job: JOB_DONE */
	uint64_t job_tag;		/* the running job's tag, 0 idle */
};

/*
 * Bytes of the analog state memory the platform provides through
 * cim_hal_analog_mem(): per-tile program/calibration state, spare
 * columns, telemetry.  Zeroed at power-on, kept across resets (the
 * tiles' trim registers and spare columns live with the flash).
 */
size_t cim_fw_analog_bytes(const struct cim_card_params *p);

/* The analog model's default knobs (everything after program_row_ns). */
void cim_fw_analog_defaults(struct cim_card_params *p);

/*
 * Power-on or reset: forget the rings and image slots (flash and P/E
 * counts are kept).  A host driver re-bind only cycles CTRL_ENABLE, which
 * keeps the slots.
 */
void cim_fw_reset(struct cim_fw *fw, struct cim_hal *hal);

/*
 * Do the pending work: the boot handshake once CTRL_ENABLE is set, then
 * every submission between SQ_HEAD and SQ_TAIL.  Returns the number of
 * descriptors completed (0 when idle).
 */
int cim_fw_poll(struct cim_fw *fw);

#endif /* _CIM_FW_H_ */
