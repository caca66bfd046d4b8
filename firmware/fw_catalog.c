// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What the card remembers for the host between driver instances: the tag
 * the host wrote with each programmed slot, and the program/erase count
 * of each physical tile.  The host reads both back with READ_SLOT and
 * READ_WEAR after it binds, so that images programmed by an earlier
 * driver instance can be used without programming them again, and so
 * that it can place new images on the least-worn tiles.
 */
#include "fw_internal.h"
#include "fw_string.h"

/* PROGRAM with CIM_DESC_F_TAG: the tag sits after the tile map. */
uint32_t fw_slot_tag_load(struct cim_fw *fw, const struct cim_desc *d,
			  struct cim_fw_slot *s)
{
	if (!(d->flags & CIM_DESC_F_TAG))
		return CIM_ST_OK;
	if (fw_bus_read(fw, d->map_addr + CIM_SLOT_TAG_OFFSET(d->map_count),
			&s->tag, sizeof(s->tag)))
		return CIM_ST_DMA_ERROR;
	return CIM_ST_OK;
}

/*
 * dst <- uint32_t pe[TILES], little endian: the wear table, which
 * fw_array_erase() counts.
 */
uint32_t fw_read_wear(struct cim_fw *fw, const struct cim_desc *d)
{
	uint32_t *pe = (uint32_t *)(void *)fw->chunk;
	uint32_t per = sizeof(fw->chunk) / sizeof(*pe);
	uint32_t t = 0, n, i;
	struct fw_sg_cursor cur;

	if (!d->dst.sg_count ||
	    d->dst.length < (uint64_t)fw->p.tiles * sizeof(*pe))
		return CIM_ST_BAD_DESC;
	fw_sg_open(&cur, &d->dst);
	while (t < fw->p.tiles) {
		n = FW_MIN(per, fw->p.tiles - t);
		for (i = 0; i < n; i++)
			pe[i] = cim_hal_tile_pe(fw->hal, t + i);
		if (fw_sg_write(fw, &cur, (uint64_t)t * sizeof(*pe), pe,
				n * sizeof(*pe)))
			return CIM_ST_DMA_ERROR;
		t += n;
	}
	return CIM_ST_OK;
}

/*
 * dst <- struct cim_slot_info of d->slot.  Written in pieces so that no
 * 576-byte structure lands on the MCU's stack; the map entries past
 * n_vtiles (and everything of an empty slot) are zero.
 */
uint32_t fw_read_slot(struct cim_fw *fw, const struct cim_desc *d)
{
	const struct cim_fw_slot *s = &fw->slots[d->slot];
	const uint32_t map_at = offsetof(struct cim_slot_info, map);
	uint32_t n = s->valid ? s->n_vtiles : 0;
	uint32_t hdr[4] = { 0, 0, 0, 0 };
	struct cim_slot_tag tag;
	struct fw_sg_cursor cur;
	uint32_t rest;

	if (!d->dst.sg_count || d->dst.length < sizeof(struct cim_slot_info))
		return CIM_ST_BAD_DESC;
	memset(&tag, 0, sizeof(tag));
	if (s->valid) {
		hdr[0] = 1;
		hdr[1] = s->n_vtiles;
		hdr[2] = s->plan_size;
		tag = s->tag;
	}
	rest = (CIM_SLOT_MAX_VTILES - n) * sizeof(s->map[0]);
	memset(fw->chunk, 0, rest);
	fw_sg_open(&cur, &d->dst);
	if (fw_sg_write(fw, &cur, 0, hdr, sizeof(hdr)) ||
	    fw_sg_write(fw, &cur, sizeof(hdr), &tag, sizeof(tag)) ||
	    (n && fw_sg_write(fw, &cur, map_at, s->map, n * sizeof(s->map[0]))) ||
	    fw_sg_write(fw, &cur, map_at + n * sizeof(s->map[0]), fw->chunk,
			rest))
		return CIM_ST_DMA_ERROR;
	return CIM_ST_OK;
}
