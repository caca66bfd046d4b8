// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The firmware's HAL on the virtual card: register file, bus-master DMA
 * into host memory by bus address, interrupts, plan memory and the
 * modeled clock.  The flash arrays are the model's (vcard_flash.c).
 */
#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/mm.h>

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

uint32_t cim_hal_reg_read(struct cim_hal *h, uint32_t off)
{
	unsigned long flags;
	u32 val;

	if (off >= CIM_REG_SPACE)
		return 0;
	spin_lock_irqsave(&h->reg_lock, flags);
	val = h->regs[off / 4];
	spin_unlock_irqrestore(&h->reg_lock, flags);
	return val;
}

/*
 * While the host holds the MCU in reset (RESET written, the firmware
 * thread not yet back), whatever the old firmware still does goes
 * nowhere: register writes, DMA and interrupts fail.  That is how a real
 * reset line stops a busy MCU at once rather than after its ring.
 */
static bool vcard_in_reset(struct cim_hal *h)
{
	return test_bit(VCARD_EV_RESET, &h->events);
}

/*
 * The firmware thread gives the CPU up at every progress step it reports
 * and every time modeled time passes: a job of any size is many short
 * slices of host time, never one long one (no soft lockups, and the
 * host's other work runs beside it).  Only the firmware thread calls
 * these, in process context.
 */
static void vcard_yield(void)
{
	cond_resched();
}

void cim_hal_reg_write(struct cim_hal *h, uint32_t off, uint32_t val)
{
	unsigned long flags;

	if (off >= CIM_REG_SPACE)
		return;
	spin_lock_irqsave(&h->reg_lock, flags);
	if (!vcard_in_reset(h))
		h->regs[off / 4] = val;
	spin_unlock_irqrestore(&h->reg_lock, flags);
	if (off == CIM_REG_JOB_DONE)
		vcard_yield();
}

/*
 * Without an IOMMU a bus address is a physical address.  Like a real bus
 * master the card can only reach RAM; anything else is a bus error.
 */
static int vcard_dma(struct cim_hal *h, u64 bus, void *buf, u32 len,
		     bool to_host)
{
	phys_addr_t phys = dma_to_phys(&h->card->dev, bus);

	if (vcard_in_reset(h))
		return -1;
	while (len) {
		unsigned long pfn = PHYS_PFN(phys);
		u32 off = offset_in_page(phys);
		u32 n = min_t(u32, len, PAGE_SIZE - off);
		void *va;

		if (!pfn_valid(pfn) || PageReserved(pfn_to_page(pfn)))
			return -1;
		va = kmap_local_page(pfn_to_page(pfn));
		if (to_host)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		phys += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int cim_hal_dma_read(struct cim_hal *h, uint64_t bus, void *dst, uint32_t len)
{
	return vcard_dma(h, bus, dst, len, false);
}

int cim_hal_dma_write(struct cim_hal *h, uint64_t bus, const void *src,
		      uint32_t len)
{
	return vcard_dma(h, bus, (void *)src, len, true);
}

void cim_hal_irq_raise(struct cim_hal *h, uint32_t bits)
{
	unsigned long flags;
	u32 pending;

	if (vcard_in_reset(h))
		return;
	spin_lock_irqsave(&h->reg_lock, flags);
	h->regs[CIM_REG_IRQ_STATUS / 4] |= bits;
	pending = h->regs[CIM_REG_IRQ_STATUS / 4] &
		  h->regs[CIM_REG_IRQ_MASK / 4];
	spin_unlock_irqrestore(&h->reg_lock, flags);
	if (pending)
		generic_handle_irq_safe(h->irq);
}

void *cim_hal_analog_mem(struct cim_hal *h)
{
	return h->analog;
}

struct cim_tile_stats *cim_hal_tile_stats(struct cim_hal *h, uint32_t tile)
{
	if (tile >= h->params.tiles)
		return NULL;
	return &h->tstats[tile];
}

uint8_t *cim_hal_plan_mem(struct cim_hal *h, uint32_t slot)
{
	if (slot >= CIM_FW_MAX_IMAGES)
		return NULL;
	return h->plan + (size_t)slot * h->plan_bytes;
}

uint8_t *cim_hal_act_mem(struct cim_hal *h, uint32_t *size)
{
	*size = h->act_bytes;
	return h->act;
}

void cim_hal_params(struct cim_hal *h, struct cim_card_params *p)
{
	*p = h->params;
}

uint64_t cim_hal_clock_now(struct cim_hal *h)
{
	return READ_ONCE(h->clock_ns);
}

void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns)
{
	unsigned long flags;

	spin_lock_irqsave(&h->reg_lock, flags);
	/* Slower clocks in the power-saving modes (model_regs.c). */
	h->clock_ns += cim_model_clock_scale(h->regs, ns);
	spin_unlock_irqrestore(&h->reg_lock, flags);
	vcard_yield();
}
