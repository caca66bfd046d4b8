/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Hardware abstraction the firmware core runs on.  Three implementations:
 * the card MCU (firmware/mcu/), the virtual card (kernel/vcard/) and the
 * host unit tests (tests/firmware/).  Linked, not called through pointers.
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
 * Flash array of a physical tile: rows * cols cells, one per byte (0..15).
 * Only firmware/fw_array.c touches it.
 */
uint8_t *cim_hal_tile_cells(struct cim_hal *h, uint32_t tile);

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

/* Model parameters of this card. */
void cim_hal_params(struct cim_hal *h, struct cim_card_params *p);

/* Modeled device clock, nanoseconds. */
uint64_t cim_hal_clock_now(struct cim_hal *h);
void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns);

#endif /* _CIM_FW_HAL_H_ */
