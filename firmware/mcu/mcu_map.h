/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Memory map of the card MCU (RV64IMAC, machine mode, no MMU).  The
 * silicon is not final; this map is ours, and the MCU HAL, start.S and
 * the linker script follow it.
 *
 *   0x0000_1000  boot ROM: loads cim-fw.elf into SRAM, jumps to _start
 *   0x1000_0000  register file, card view (4 KiB).  Same offsets as the
 *                host's BAR0 (uapi/cim_card.h) plus card-only registers
 *                from 0x800 (MCU_REG_*).  Host writes to CTRL, SQ_TAIL
 *                and CQ_HEAD latch MCU_EVT_DOORBELL and raise the MCU's
 *                machine external interrupt; a host write of
 *                CIM_RESET_MAGIC to RESET pulls the MCU's reset line.
 *   0x1000_1000  DMA engine between host bus addresses and MCU memory
 *   0x1000_2000  card model parameters (RO, set by the board)
 *   0x1000_3000  device clock: free-running 64-bit nanosecond counter,
 *                also what the host reads at CIM_REG_CLOCK_LO/HI
 *   0x1000_5000  array sequencer: runs one array operation of
 *                cim_fw_hal.h on a tile (MCU_ARR_*), operands and results
 *                in MCU memory by address; erase, program and refresh
 *                sequence the pulses, verify and column redundancy in
 *                hardware
 *   0x1000_4000  tile statistics (struct cim_tile_stats per tile, 48 KiB,
 *                kept with the flash); the register file's TEL_* window
 *                shows the tile selected by TEL_TILE (TEL_PE: the wear
 *                table below)
 *   0x2000_0000  plan memory: image slot i at + i * MCU_PLAN_STRIDE
 *   0x3000_0000  activation SRAM, 4 MiB: the firmware's arena buffer
 *                (section .act, see cim-fw.ld)
 *   0x3100_0000  analog state memory (cim_hal_analog_mem): the
 *                firmware's trims and counters, zeroed at power-on, kept
 *                across MCU resets (up to 224 MiB)
 *   0x8000_0000  SRAM, 512 KiB: firmware, struct cim_fw, stack
 *   0x3f00_0000  wear table: uint32_t program/erase count per physical
 *                tile, in the flash info block (kept across resets and
 *                power cycles; the flash controller commits each store)
 */
#ifndef _CIM_MCU_MAP_H_
#define _CIM_MCU_MAP_H_

#define MCU_REGS_BASE		0x10000000ul

/* card-only registers of the register file */
#define MCU_REG_IRQ_SET		0x800	/* W: raise CIM_IRQ_* */
#define MCU_REG_EVENTS		0x804	/* RW1C: MCU_EVT_* */
#define MCU_EVT_DOORBELL	(1u << 0)

#define MCU_TILE_STATS_BASE	0x10004000ul

#define MCU_DMA_BASE		0x10001000ul
#define MCU_DMA_HOST_LO		0x00	/* host bus address */
#define MCU_DMA_HOST_HI		0x04
#define MCU_DMA_LOCAL_LO	0x08	/* MCU address */
#define MCU_DMA_LOCAL_HI	0x0c
#define MCU_DMA_LEN		0x10	/* bytes */
#define MCU_DMA_CTRL		0x14	/* W: start */
#define MCU_DMA_CTRL_GO		(1u << 0)
#define MCU_DMA_CTRL_TO_HOST	(1u << 1)	/* else host to MCU */
#define MCU_DMA_STATUS		0x18
#define MCU_DMA_ST_BUSY		(1u << 0)
#define MCU_DMA_ST_ERROR	(1u << 1)	/* bus error; W1C */

#define MCU_PARAM_BASE		0x10002000ul
#define MCU_PARAM_MVM_NS	0x00
#define MCU_PARAM_SIMD_PS	0x04
#define MCU_PARAM_LINK_MB_S	0x08
#define MCU_PARAM_PROG_ROW_NS	0x0c
#define MCU_PARAM_MVM_FIXED_NS	0x10
#define MCU_PARAM_ROW_GROUP	0x14
#define MCU_PARAM_ADCS		0x18
#define MCU_PARAM_XFER_PS	0x1c
#define MCU_PARAM_XFER_FIXED_NS	0x20
#define MCU_PARAM_SCHED_NAIVE	0x24
#define MCU_PARAM_SIMD_LANES	0x28
#define MCU_PARAM_SIMD_MHZ	0x2c

#define MCU_CLOCK_BASE		0x10003000ul	/* 64-bit, ns */

#define MCU_PLAN_BASE		0x20000000ul
#define MCU_PLAN_STRIDE		0x00100000ul

#define MCU_ACT_BASE		0x30000000ul
#define MCU_ACT_SIZE		(4ul << 20)
#define MCU_ANALOG_BASE		0x31000000ul

/*
 * Array sequencer.  Write the operands, then MCU_ARR_CMD; MCU_ARR_STATUS
 * has BUSY until done.  Rows row..row+nrows-1, columns col0..col0+ncols-1
 * (logical: a column moved to a spare is served by the spare).
 *   ERASE     block erase of the tile
 *   PROGRAM   program-and-verify row `row` to the ncols levels at SRC;
 *             RES_*: pulses, row pulse steps, verify failures (A),
 *             columns moved to spares (B); STATUS FAIL: no spare left
 *   READ      ncols levels of row `row` to DST; ARG 1: the columns'
 *             own cells even when remapped
 *   MVM       int16 x[nrows] at SRC, int32 column sums to DST (digital)
 *   COLSUM    int32 column sums of the levels to DST
 *   CONVERT   conversion pass: x at SRC, trims cal_b / cal_inva at
 *             AUX / AUX2, ADC bits in ARG; DST receives the output part
 *             of struct cim_hal_conv (enc, m, w, s1, meas) and RES_A,
 *             RES_B the repeats and clips
 *   REFRESH   re-read and top up the tile, read references scaled by
 *             ARG (q16); RES_*: pulses, row pulse steps, misreads (A)
 */
#define MCU_ARRAY_BASE		0x10005000ul
#define MCU_ARR_TILE		0x00
#define MCU_ARR_ROW		0x04
#define MCU_ARR_NROWS		0x08
#define MCU_ARR_COL0		0x0c
#define MCU_ARR_NCOLS		0x10
#define MCU_ARR_SRC		0x18	/* 64-bit MCU address */
#define MCU_ARR_DST		0x20
#define MCU_ARR_AUX		0x28
#define MCU_ARR_AUX2		0x30
#define MCU_ARR_ARG		0x38
#define MCU_ARR_CMD		0x3c
#define MCU_ARR_CMD_ERASE	1
#define MCU_ARR_CMD_PROGRAM	2
#define MCU_ARR_CMD_READ	3
#define MCU_ARR_CMD_MVM		4
#define MCU_ARR_CMD_COLSUM	5
#define MCU_ARR_CMD_CONVERT	6
#define MCU_ARR_CMD_REFRESH	7
#define MCU_ARR_STATUS		0x40
#define MCU_ARR_ST_BUSY		(1u << 0)
#define MCU_ARR_ST_FAIL		(1u << 1)
#define MCU_ARR_RES_PULSES	0x48	/* 64-bit */
#define MCU_ARR_RES_ROW_PULSES	0x50	/* 64-bit */
#define MCU_ARR_RES_A		0x58
#define MCU_ARR_RES_B		0x5c

#define MCU_SRAM_BASE		0x80000000ul

#define MCU_WEAR_BASE		0x3f000000ul	/* uint32_t per tile */

#endif /* _CIM_MCU_MAP_H_ */
