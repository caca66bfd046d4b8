// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The flash of the virtual card: the arrays (cells and state of the array
 * model, firmware/model/) and one program/erase counter per physical
 * tile.  They live as long as cim_vcard.ko: a card reset or a reload of
 * cim.ko keeps them, as the flash of a powered card would.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

int vcard_flash_init(struct cim_hal *vc)
{
	struct cim_model *m = &vc->model;

	m->p = vc->params;
	m->stuck_tile = -1;
	m->cells = vzalloc(cim_model_cells_bytes(&vc->params));
	m->state = vzalloc(cim_model_state_bytes(&vc->params));
	vc->pe = kcalloc(vc->params.tiles, sizeof(*vc->pe), GFP_KERNEL);
	return vc->pe && m->cells && m->state ? 0 : -ENOMEM;
}

void vcard_flash_fini(struct cim_hal *vc)
{
	vfree(vc->model.cells);
	vfree(vc->model.state);
	vc->model.cells = NULL;
	vc->model.state = NULL;
	kfree(vc->pe);
	vc->pe = NULL;
}

struct cim_model *cim_hal_model(struct cim_hal *h)
{
	return &h->model;
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
