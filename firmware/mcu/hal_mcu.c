// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The firmware HAL on the card MCU, over the memory map in mcu_map.h.
 * Time is real on the card: the clock is a hardware counter and the
 * firmware's modeled charges are no-ops.
 */
#include "../cim_fw_hal.h"
#include "mcu_hal.h"
#include "mcu_map.h"

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

/* Order CPU memory accesses against device (DMA, MMIO) accesses. */
static inline void io_fence(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");
}

void mcu_hal_init(struct cim_hal *h)
{
	h->regs = MCU_REGS_BASE;
	h->dma = MCU_DMA_BASE;
}

void mcu_hal_ack_events(struct cim_hal *h)
{
	mmio_write32(h->regs + MCU_REG_EVENTS, MCU_EVT_DOORBELL);
}

uint32_t cim_hal_reg_read(struct cim_hal *h, uint32_t off)
{
	return mmio_read32(h->regs + off);
}

void cim_hal_reg_write(struct cim_hal *h, uint32_t off, uint32_t val)
{
	mmio_write32(h->regs + off, val);
}

static int mcu_dma(struct cim_hal *h, uint64_t bus, uintptr_t local,
		   uint32_t len, uint32_t dir)
{
	uint32_t st;

	io_fence();
	mmio_write32(h->dma + MCU_DMA_HOST_LO, (uint32_t)bus);
	mmio_write32(h->dma + MCU_DMA_HOST_HI, (uint32_t)(bus >> 32));
	mmio_write32(h->dma + MCU_DMA_LOCAL_LO, (uint32_t)local);
	mmio_write32(h->dma + MCU_DMA_LOCAL_HI, (uint32_t)(local >> 32));
	mmio_write32(h->dma + MCU_DMA_LEN, len);
	mmio_write32(h->dma + MCU_DMA_CTRL, MCU_DMA_CTRL_GO | dir);
	do {
		st = mmio_read32(h->dma + MCU_DMA_STATUS);
	} while (st & MCU_DMA_ST_BUSY);
	io_fence();
	if (st & MCU_DMA_ST_ERROR) {
		mmio_write32(h->dma + MCU_DMA_STATUS, MCU_DMA_ST_ERROR);
		return -1;
	}
	return 0;
}

int cim_hal_dma_read(struct cim_hal *h, uint64_t bus, void *dst, uint32_t len)
{
	return mcu_dma(h, bus, (uintptr_t)dst, len, 0);
}

int cim_hal_dma_write(struct cim_hal *h, uint64_t bus, const void *src,
		      uint32_t len)
{
	return mcu_dma(h, bus, (uintptr_t)src, len, MCU_DMA_CTRL_TO_HOST);
}

void cim_hal_irq_raise(struct cim_hal *h, uint32_t bits)
{
	io_fence();
	mmio_write32(h->regs + MCU_REG_IRQ_SET, bits);
}

/* --- the arrays, through the array sequencer ----------------------- */

static inline void mmio_write64(uintptr_t addr, uint64_t val)
{
	mmio_write32(addr, (uint32_t)val);
	mmio_write32(addr + 4, (uint32_t)(val >> 32));
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
	return mmio_read32(addr) | (uint64_t)mmio_read32(addr + 4) << 32;
}

static void arr_set(uint32_t tile, uint32_t row, uint32_t nrows,
		    uint32_t col0, uint32_t ncols)
{
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_TILE, tile);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_ROW, row);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_NROWS, nrows);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_COL0, col0);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_NCOLS, ncols);
}

static void arr_buf(uint32_t reg, const void *p)
{
	mmio_write64(MCU_ARRAY_BASE + reg, (uintptr_t)p);
}

/* Run a command; the status it ended with. */
static uint32_t arr_run(uint32_t cmd)
{
	uint32_t st;

	io_fence();
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_CMD, cmd);
	do {
		st = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_STATUS);
	} while (st & MCU_ARR_ST_BUSY);
	io_fence();
	return st;
}

void cim_hal_array_erase(struct cim_hal *h, uint32_t tile)
{
	(void)h;
	arr_set(tile, 0, 0, 0, 0);
	arr_run(MCU_ARR_CMD_ERASE);
}

int cim_hal_array_program_row(struct cim_hal *h, uint32_t tile, uint32_t row,
			      uint32_t col0, const uint8_t *levels, uint32_t n,
			      struct cim_hal_prog *res)
{
	uint32_t st;

	(void)h;
	arr_set(tile, row, 1, col0, n);
	arr_buf(MCU_ARR_SRC, levels);
	st = arr_run(MCU_ARR_CMD_PROGRAM);
	res->pulses = mmio_read64(MCU_ARRAY_BASE + MCU_ARR_RES_PULSES);
	res->row_pulses = mmio_read64(MCU_ARRAY_BASE + MCU_ARR_RES_ROW_PULSES);
	res->verify_failures = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_RES_A);
	res->spares_taken = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_RES_B);
	return st & MCU_ARR_ST_FAIL ? -1 : 0;
}

void cim_hal_array_read(struct cim_hal *h, uint32_t tile, uint32_t row,
			uint32_t col0, uint32_t n, int raw, uint8_t *levels)
{
	(void)h;
	arr_set(tile, row, 1, col0, n);
	arr_buf(MCU_ARR_DST, levels);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_ARG, !!raw);
	arr_run(MCU_ARR_CMD_READ);
}

void cim_hal_array_mvm(struct cim_hal *h, uint32_t tile, uint32_t row0,
		       uint32_t nrows, uint32_t col0, uint32_t ncols,
		       const int16_t *x, int32_t *colsum)
{
	(void)h;
	arr_set(tile, row0, nrows, col0, ncols);
	arr_buf(MCU_ARR_SRC, x);
	arr_buf(MCU_ARR_DST, colsum);
	arr_run(MCU_ARR_CMD_MVM);
}

void cim_hal_array_colsum(struct cim_hal *h, uint32_t tile, uint32_t row0,
			  uint32_t nrows, uint32_t col0, uint32_t ncols,
			  int32_t *sum)
{
	(void)h;
	arr_set(tile, row0, nrows, col0, ncols);
	arr_buf(MCU_ARR_DST, sum);
	arr_run(MCU_ARR_CMD_COLSUM);
}

void cim_hal_array_convert(struct cim_hal *h, uint32_t tile,
			   struct cim_hal_conv *cv)
{
	(void)h;
	arr_set(tile, cv->row0, cv->nrows, cv->col0, cv->n);
	arr_buf(MCU_ARR_SRC, cv->x);
	arr_buf(MCU_ARR_AUX, cv->cal_b);
	arr_buf(MCU_ARR_AUX2, cv->cal_inva);
	arr_buf(MCU_ARR_DST, &cv->enc);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_ARG, cv->adc_bits);
	arr_run(MCU_ARR_CMD_CONVERT);
	cv->reranges = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_RES_A);
	cv->clips = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_RES_B);
}

void cim_hal_array_refresh(struct cim_hal *h, uint32_t tile,
			   uint32_t keep_q16, struct cim_hal_refresh *res)
{
	(void)h;
	arr_set(tile, 0, 0, 0, 0);
	mmio_write32(MCU_ARRAY_BASE + MCU_ARR_ARG, keep_q16);
	arr_run(MCU_ARR_CMD_REFRESH);
	res->pulses = mmio_read64(MCU_ARRAY_BASE + MCU_ARR_RES_PULSES);
	res->row_pulses = mmio_read64(MCU_ARRAY_BASE + MCU_ARR_RES_ROW_PULSES);
	res->misreads = mmio_read32(MCU_ARRAY_BASE + MCU_ARR_RES_A);
}

void *cim_hal_analog_mem(struct cim_hal *h)
{
	(void)h;
	return (void *)MCU_ANALOG_BASE;
}

uint32_t cim_hal_tile_pe(struct cim_hal *h, uint32_t tile)
{
	(void)h;
	return mmio_read32(MCU_WEAR_BASE + tile * 4ul);
}

void cim_hal_tile_pe_inc(struct cim_hal *h, uint32_t tile)
{
	uintptr_t at = MCU_WEAR_BASE + tile * 4ul;

	(void)h;
	mmio_write32(at, mmio_read32(at) + 1);
}

struct cim_tile_stats *cim_hal_tile_stats(struct cim_hal *h, uint32_t tile)
{
	(void)h;
	if (tile >= 1024)
		return 0;
	return (struct cim_tile_stats *)MCU_TILE_STATS_BASE + tile;
}

uint8_t *cim_hal_plan_mem(struct cim_hal *h, uint32_t slot)
{
	(void)h;
	return (uint8_t *)(MCU_PLAN_BASE + slot * MCU_PLAN_STRIDE);
}

/* The arena lives in the activation SRAM, not in the MCU's own SRAM. */
static uint8_t mcu_act[MCU_ACT_SIZE] __attribute__((section(".act"), aligned(8)));

uint8_t *cim_hal_act_mem(struct cim_hal *h, uint32_t *size)
{
	(void)h;
	*size = sizeof(mcu_act);
	return mcu_act;
}

static uint32_t mcu_param(uint32_t off)
{
	return mmio_read32(MCU_PARAM_BASE + off);
}

void cim_hal_params(struct cim_hal *h, struct cim_card_params *p)
{
	p->tiles = cim_hal_reg_read(h, CIM_REG_TILES);
	p->rows = cim_hal_reg_read(h, CIM_REG_TILE_ROWS);
	p->cols = cim_hal_reg_read(h, CIM_REG_TILE_COLS);
	p->cell_bits = cim_hal_reg_read(h, CIM_REG_CELL_BITS);
	p->adc_bits = cim_hal_reg_read(h, CIM_REG_ADC_BITS);
	p->act_bits = cim_hal_reg_read(h, CIM_REG_ACT_BITS);
	p->mvm_ns = mcu_param(MCU_PARAM_MVM_NS);
	p->simd_ps_per_elem = mcu_param(MCU_PARAM_SIMD_PS);
	p->link_mb_s = mcu_param(MCU_PARAM_LINK_MB_S);
	p->program_row_ns = mcu_param(MCU_PARAM_PROG_ROW_NS);
	p->mvm_fixed_ns = mcu_param(MCU_PARAM_MVM_FIXED_NS);
	p->row_group = mcu_param(MCU_PARAM_ROW_GROUP);
	p->adcs = mcu_param(MCU_PARAM_ADCS);
	p->xfer_ps_per_byte = mcu_param(MCU_PARAM_XFER_PS);
	p->xfer_fixed_ns = mcu_param(MCU_PARAM_XFER_FIXED_NS);
	p->sched_naive = mcu_param(MCU_PARAM_SCHED_NAIVE);
	p->simd_lanes = mcu_param(MCU_PARAM_SIMD_LANES);
	p->simd_mhz = mcu_param(MCU_PARAM_SIMD_MHZ);
}

uint64_t cim_hal_clock_now(struct cim_hal *h)
{
	(void)h;
	return *(volatile uint64_t *)MCU_CLOCK_BASE;
}

void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns)
{
	(void)h;
	(void)ns;
}
