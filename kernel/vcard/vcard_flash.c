// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Flash wear of the virtual card: one program/erase counter per physical
 * tile.  Like the cells, the counters live as long as cim_vcard.ko: a
 * card reset or a reload of cim.ko keeps them, as the flash info block of
 * a powered card would.
 */
#include <linux/slab.h>

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

int vcard_flash_init(struct cim_hal *vc)
{
	vc->pe = kcalloc(vc->params.tiles, sizeof(*vc->pe), GFP_KERNEL);
	return vc->pe ? 0 : -ENOMEM;
}

void vcard_flash_fini(struct cim_hal *vc)
{
	kfree(vc->pe);
	vc->pe = NULL;
}

/* Called by the firmware thread only, so no lock: it is the only writer. */
uint32_t cim_hal_tile_pe(struct cim_hal *h, uint32_t tile)
{
	if (tile >= h->params.tiles)
		return 0;
	return READ_ONCE(h->pe[tile]);
}

void cim_hal_tile_pe_inc(struct cim_hal *h, uint32_t tile)
{
	if (tile < h->params.tiles)
		WRITE_ONCE(h->pe[tile], h->pe[tile] + 1);
}
