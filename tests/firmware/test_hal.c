// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host-test HAL (see test_hal.h).  Strict where a real card would be: a
 * DMA outside the buffers the host handed over fails like a bus error,
 * and a firmware write to a register the platform owns is counted so
 * that tests can fail on it.
 */
#include <stdlib.h>
#include <string.h>

#include "test_hal.h"
#include "cim_fw_hal.h"

void thal_default_params(struct cim_card_params *p)
{
	memset(p, 0, sizeof(*p));
	p->tiles = THAL_TILES;
	p->rows = THAL_ROWS;
	p->cols = THAL_COLS;
	p->cell_bits = 4;
	p->adc_bits = 8;
	p->act_bits = 8;
	p->mvm_ns = 4000;
	p->mvm_fixed_ns = 100;
	p->row_group = 8;
	p->adcs = 8;
	p->simd_ps_per_elem = 250;
	p->xfer_ps_per_byte = 63;
	p->xfer_fixed_ns = 20;
	p->link_mb_s = 2000;
	p->program_row_ns = 10000;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

struct cim_hal *thal_new(const struct cim_card_params *p, uint32_t plan_bytes)
{
	struct cim_hal *h = xcalloc(1, sizeof(*h));
	uint32_t i;

	h->p = *p;
	h->stuck_tile = -1;
	h->model.p = *p;
	h->model.cells = xcalloc(cim_model_cells_bytes(p), 1);
	h->model.state = xcalloc(1, cim_model_state_bytes(p));
	h->tiles = xcalloc(p->tiles, sizeof(*h->tiles));
	h->pe = xcalloc(p->tiles, sizeof(*h->pe));
	h->tstats = xcalloc(p->tiles, sizeof(*h->tstats));
	for (i = 0; i < p->tiles; i++)
		h->tiles[i] = h->model.cells + (size_t)i * p->rows * p->cols;
	for (i = 0; i < CIM_FW_MAX_IMAGES; i++)
		h->plan[i] = xcalloc(plan_bytes, 1);
	h->act_bytes = THAL_ACT_BYTES;
	h->act = xcalloc(h->act_bytes, 1);
	h->analog = xcalloc(1, cim_fw_analog_bytes(p));

	h->regs[CIM_REG_ID / 4] = CIM_HW_ID;
	h->regs[CIM_REG_HW_VERSION / 4] = 1;
	h->regs[CIM_REG_TILES / 4] = p->tiles;
	h->regs[CIM_REG_TILE_ROWS / 4] = p->rows;
	h->regs[CIM_REG_TILE_COLS / 4] = p->cols;
	h->regs[CIM_REG_CELL_BITS / 4] = p->cell_bits;
	h->regs[CIM_REG_ADC_BITS / 4] = p->adc_bits;
	h->regs[CIM_REG_ACT_BITS / 4] = p->act_bits;
	h->regs[CIM_REG_MAX_VECTOR / 4] = CIM_FW_MAX_VECTOR;
	h->regs[CIM_REG_MAX_IMAGES / 4] = CIM_FW_MAX_IMAGES;
	h->regs[CIM_REG_PLAN_BYTES / 4] = plan_bytes;
	h->regs[CIM_REG_ARENA_BYTES / 4] = h->act_bytes;
	h->regs[CIM_REG_ANALOG / 4] = p->analog;
	h->regs[CIM_REG_SPARE_COLS / 4] = p->spare_cols;
	return h;
}

void thal_free(struct cim_hal *h)
{
	uint32_t i;

	if (!h)
		return;
	free(h->model.cells);
	free(h->model.state);
	free(h->tiles);
	free(h->pe);
	free(h->tstats);
	for (i = 0; i < CIM_FW_MAX_IMAGES; i++)
		free(h->plan[i]);
	free(h->act);
	free(h->analog);
	free(h);
}

void thal_register(struct cim_hal *h, const void *p, size_t len)
{
	if (h->nbufs == THAL_MAX_BUFS)
		abort();
	h->bufs[h->nbufs].addr = (uintptr_t)p;
	h->bufs[h->nbufs].len = len;
	h->nbufs++;
}

void thal_unregister(struct cim_hal *h, const void *p)
{
	unsigned int i;

	for (i = 0; i < h->nbufs; i++) {
		if (h->bufs[i].addr == (uintptr_t)p) {
			h->bufs[i] = h->bufs[--h->nbufs];
			return;
		}
	}
}

uint32_t thal_rd(struct cim_hal *h, uint32_t off)
{
	return h->regs[off / 4];
}

void thal_wr(struct cim_hal *h, uint32_t off, uint32_t val)
{
	if (off == CIM_REG_IRQ_STATUS)
		h->regs[off / 4] &= ~val;	/* RW1C */
	else
		h->regs[off / 4] = val;
}

uint32_t thal_irqs(struct cim_hal *h, uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (bit == 1u << i)
			return h->irq_count[i];
	return 0;
}

/* Inside one registered buffer?  A transfer may not straddle two. */
static void *thal_bus(struct cim_hal *h, uint64_t bus, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < h->nbufs; i++) {
		const struct thal_buf *b = &h->bufs[i];

		if (bus >= b->addr && bus - b->addr <= b->len &&
		    len <= b->len - (bus - b->addr))
			return (void *)(uintptr_t)bus;
	}
	h->dma_faults++;
	return NULL;
}

/* --- the HAL the firmware links against ---------------------------- */

uint32_t cim_hal_reg_read(struct cim_hal *h, uint32_t off)
{
	if (off >= CIM_REG_SPACE || (off & 3))
		abort();
	return h->regs[off / 4];
}

void cim_hal_reg_write(struct cim_hal *h, uint32_t off, uint32_t val)
{
	switch (off) {
	case CIM_REG_STATUS:
	case CIM_REG_FW_VERSION:
	case CIM_REG_IF_VERSION:
	case CIM_REG_FW_ERROR:
	case CIM_REG_SQ_HEAD:
	case CIM_REG_CQ_TAIL:
	case CIM_REG_DBG_FAULT:
	case CIM_REG_DBG_FIRED:
	case CIM_REG_LOG_WPTR:
	case CIM_REG_PROGRESS:
	case CIM_REG_JOB_TAG_LO:
	case CIM_REG_JOB_TAG_HI:
	case CIM_REG_JOB_DONE:
		h->regs[off / 4] = val;
		break;
	default:
		/* the firmware log ring is the card's too */
		if (off >= CIM_REG_LOG_BASE &&
		    off < CIM_REG_LOG_BASE + CIM_LOG_SIZE) {
			h->regs[off / 4] = val;
			break;
		}
		h->bad_reg_writes++;
		break;
	}
}

int cim_hal_dma_read(struct cim_hal *h, uint64_t bus, void *dst, uint32_t len)
{
	void *src = thal_bus(h, bus, len);

	if (!src)
		return -1;
	memcpy(dst, src, len);
	h->dma_reads++;
	return 0;
}

int cim_hal_dma_write(struct cim_hal *h, uint64_t bus, const void *src,
		      uint32_t len)
{
	void *dst = thal_bus(h, bus, len);

	if (!dst)
		return -1;
	memcpy(dst, src, len);
	h->dma_writes++;
	return 0;
}

void cim_hal_irq_raise(struct cim_hal *h, uint32_t bits)
{
	unsigned int i;

	h->regs[CIM_REG_IRQ_STATUS / 4] |= bits;
	for (i = 0; i < 3; i++)
		if (bits & (1u << i))
			h->irq_count[i]++;
}

struct cim_model *cim_hal_model(struct cim_hal *h)
{
	/* a stuck cell ignores programming: the model keeps it at its value */
	h->model.stuck_tile = h->stuck_tile;
	h->model.stuck_cell = h->stuck_cell;
	h->model.stuck_val = h->stuck_val;
	return &h->model;
}

void *cim_hal_analog_mem(struct cim_hal *h)
{
	return h->analog;
}

uint32_t cim_hal_tile_pe(struct cim_hal *h, uint32_t tile)
{
	if (tile >= h->p.tiles)
		abort();
	return h->pe[tile];
}

void cim_hal_tile_pe_inc(struct cim_hal *h, uint32_t tile)
{
	if (tile >= h->p.tiles)
		abort();
	h->pe[tile]++;
}

struct cim_tile_stats *cim_hal_tile_stats(struct cim_hal *h, uint32_t tile)
{
	if (tile >= h->p.tiles)
		abort();
	return &h->tstats[tile];
}

uint8_t *cim_hal_plan_mem(struct cim_hal *h, uint32_t slot)
{
	if (slot >= CIM_FW_MAX_IMAGES)
		abort();
	return h->plan[slot];
}

uint8_t *cim_hal_act_mem(struct cim_hal *h, uint32_t *size)
{
	*size = h->act_bytes;
	return h->act;
}

void cim_hal_params(struct cim_hal *h, struct cim_card_params *p)
{
	*p = h->p;
}

uint64_t cim_hal_clock_now(struct cim_hal *h)
{
	return h->clock;
}

void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns)
{
	h->clock += ns;
	h->regs[CIM_REG_CLOCK_LO / 4] = (uint32_t)h->clock;
	h->regs[CIM_REG_CLOCK_HI / 4] = (uint32_t)(h->clock >> 32);
}
