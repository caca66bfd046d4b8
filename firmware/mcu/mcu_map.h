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
 *   0x1000_4000  tile statistics (struct cim_tile_stats per tile, 48 KiB,
 *                kept with the flash); the register file's TEL_* window
 *                shows the tile selected by TEL_TILE (TEL_PE: the wear
 *                table below)
 *   0x2000_0000  plan memory: image slot i at + i * MCU_PLAN_STRIDE
 *   0x3000_0000  activation SRAM, 4 MiB: the firmware's arena buffer
 *                (section .act, see cim-fw.ld)
 *   0x3100_0000  analog state memory (cim_hal_analog_mem): the tiles'
 *                trim registers, spare columns and counters, zeroed at
 *                power-on, kept across MCU resets (up to 224 MiB)
 *   0x4000_0000  tile windows: physical tile t at + t * MCU_TILE_STRIDE,
 *                one byte per 4-bit cell, row-major; stores program and
 *                verify the cell, loads read it back.  Room for 1024
 *                tiles of up to 1 Mi cells each.
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

#define MCU_CLOCK_BASE		0x10003000ul	/* 64-bit, ns */

#define MCU_PLAN_BASE		0x20000000ul
#define MCU_PLAN_STRIDE		0x00100000ul

#define MCU_ACT_BASE		0x30000000ul
#define MCU_ACT_SIZE		(4ul << 20)
#define MCU_ANALOG_BASE		0x31000000ul

#define MCU_TILE_BASE		0x40000000ul
#define MCU_TILE_STRIDE		0x00100000ul	/* 1024 x 1024 */

#define MCU_SRAM_BASE		0x80000000ul

#define MCU_WEAR_BASE		0x3f000000ul	/* uint32_t per tile */

#endif /* _CIM_MCU_MAP_H_ */
