// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * PROGRAM and UNLOAD.  The image streams through the card once: the plan
 * lands in the slot's plan memory and is fully checked before any cell
 * is touched, then the cells go from the chunk buffer straight into the
 * tiles while the CRC accumulates.  The slot becomes valid only once the
 * CRC over the whole image matches, so a torn or corrupted image can
 * never be run.  Plan memory must be 8-byte aligned: the plan is read
 * in place through the structs of uapi/cim_image.h.  The plan checks
 * themselves are in fw_plan.c.
 */
#include "fw_internal.h"
#include "fw_string.h"

/* Where the next byte of the cells section goes. */
struct fw_cell_pos {
	uint32_t vt;		/* virtual tile */
	uint32_t row;
	uint32_t byte;		/* holds cells 2 * byte, 2 * byte + 1 */
};

/* The tile map must name distinct physical tiles the card has. */
static uint32_t fw_map_load(struct cim_fw *fw, const struct cim_desc *d,
			    struct cim_fw_slot *s, uint32_t n_vtiles)
{
	uint8_t *used = fw->chunk;	/* one bit per physical tile */
	uint32_t i, t;

	if (d->map_count != n_vtiles)
		return CIM_ST_BAD_DESC;
	if (fw_bus_read(fw, d->map_addr, s->map, n_vtiles * sizeof(s->map[0])))
		return CIM_ST_DMA_ERROR;
	memset(used, 0, (fw->p.tiles + 7) / 8);
	for (i = 0; i < n_vtiles; i++) {
		t = s->map[i];
		if (t >= fw->p.tiles || (used[t >> 3] & (1u << (t & 7))))
			return CIM_ST_BAD_DESC;
		used[t >> 3] |= 1u << (t & 7);
	}
	return CIM_ST_OK;
}

/*
 * Images in other slots whose tiles are about to be overwritten are gone:
 * running them would compute with someone else's weights.  Uses the tile
 * bitmap fw_map_load() left in fw->chunk.
 */
static void fw_evict_overlaps(struct cim_fw *fw, uint32_t slot)
{
	const uint8_t *used = fw->chunk;
	struct cim_fw_slot *o;
	uint32_t i, j, t;

	for (j = 0; j < CIM_FW_MAX_IMAGES; j++) {
		o = &fw->slots[j];
		if (j == slot || !o->valid)
			continue;
		for (i = 0; i < o->n_vtiles; i++) {
			t = o->map[i];
			if (used[t >> 3] & (1u << (t & 7))) {
				o->valid = 0;
				break;
			}
		}
	}
}

/* CRC of the plan part of the image, its crc32 field counted as zero. */
static uint32_t fw_plan_crc(const uint8_t *plan, uint32_t size)
{
	static const uint8_t zero[4];
	uint32_t at = offsetof(struct cim_image_header, crc32);
	uint32_t crc;

	crc = cim_crc32(0, plan, at);
	crc = cim_crc32(crc, zero, sizeof(zero));
	return cim_crc32(crc, plan + at + 4, size - at - 4);
}

/*
 * Read back what was just programmed.  The tile pointer is fetched again
 * so that the compare really reads the array.
 */
static int fw_cells_verify(struct cim_fw *fw, uint32_t ptile, size_t at,
			   const uint8_t *src, uint32_t n)
{
	const uint8_t *cell = cim_hal_tile_cells(fw->hal, ptile) + at;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (cell[2 * i] != (src[i] & 15) ||
		    cell[2 * i + 1] != (src[i] >> 4))
			return -1;
	return 0;
}

/*
 * Program len bytes of the cells section.  Virtual tile blocks sit at
 * row 0, column 0 of their physical tile; a byte holds the even cell in
 * its low nibble.
 */
static int fw_cells_put(struct cim_fw *fw, const uint8_t *plan,
			const struct cim_fw_slot *s, struct fw_cell_pos *pos,
			const uint8_t *src, uint32_t len)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_vtile *vt;
	uint32_t n, i, ptile;
	uint8_t *cell;
	size_t at;

	while (len) {
		if (pos->vt >= h->n_vtiles)
			return -1;
		vt = &cim_image_vtiles(plan)[pos->vt];
		ptile = s->map[pos->vt];
		n = FW_MIN(vt->outs - pos->byte, len);
		at = (size_t)pos->row * fw->p.cols + 2 * pos->byte;
		cell = cim_hal_tile_cells(fw->hal, ptile) + at;
		for (i = 0; i < n; i++) {
			cell[2 * i] = src[i] & 15;
			cell[2 * i + 1] = src[i] >> 4;
		}
		if (fw_cells_verify(fw, ptile, at, src, n))
			return -1;
		src += n;
		len -= n;
		pos->byte += n;
		if (pos->byte < vt->outs)
			continue;
		fw_charge_program(fw, 1);
		pos->byte = 0;
		if (++pos->row == vt->rows) {
			pos->row = 0;
			pos->vt++;
		}
	}
	return 0;
}

static uint32_t fw_cells_stream(struct cim_fw *fw, struct fw_sg_cursor *cur,
				const uint8_t *plan,
				const struct cim_fw_slot *s, uint32_t *crc)
{
	const struct cim_image_header *h = (const void *)plan;
	struct fw_cell_pos pos = { 0, 0, 0 };
	uint64_t off = h->cells_offset;
	uint32_t n;

	while (off < h->total_size) {
		n = (uint32_t)FW_MIN((uint64_t)sizeof(fw->chunk),
				     h->total_size - off);
		if (fw_sg_read(fw, cur, off, fw->chunk, n))
			return CIM_ST_DMA_ERROR;
		*crc = cim_crc32(*crc, fw->chunk, n);
		if (fw_cells_put(fw, plan, s, &pos, fw->chunk, n))
			return CIM_ST_VERIFY_FAIL;
		off += n;
	}
	return CIM_ST_OK;
}

uint32_t fw_program(struct cim_fw *fw, const struct cim_desc *d)
{
	struct cim_fw_slot *s = &fw->slots[d->slot];
	uint8_t *plan = cim_hal_plan_mem(fw->hal, d->slot);
	const struct cim_image_header *h = (const void *)plan;
	uint32_t plan_max = cim_hal_reg_read(fw->hal, CIM_REG_PLAN_BYTES);
	struct fw_sg_cursor cur;
	uint32_t st, crc;

	/* Whatever happens now, the slot's old plan is being overwritten. */
	s->valid = 0;
	memset(&s->tag, 0, sizeof(s->tag));
	if (!d->src.sg_count)
		return CIM_ST_BAD_DESC;
	if (d->src.length < sizeof(*h) || plan_max < sizeof(*h))
		return CIM_ST_BAD_IMAGE;

	fw_sg_open(&cur, &d->src);
	if (fw_sg_read(fw, &cur, 0, plan, sizeof(*h)))
		return CIM_ST_DMA_ERROR;
	if (h->total_size != d->src.length ||
	    h->cells_offset < sizeof(*h) || h->cells_offset > h->total_size ||
	    h->cells_offset > plan_max)
		return CIM_ST_BAD_IMAGE;
	if (fw_sg_read(fw, &cur, sizeof(*h), plan + sizeof(*h),
		       h->cells_offset - sizeof(*h)))
		return CIM_ST_DMA_ERROR;

	st = fw_plan_check(fw, plan, plan_max);
	if (st)
		return st;
	st = fw_map_load(fw, d, s, h->n_vtiles);
	if (st)
		return st;
	st = fw_slot_tag_load(fw, d, s);
	if (st)
		return st;
	fw_evict_overlaps(fw, d->slot);
	fw_slot_wear(fw, s, h->n_vtiles);

	crc = fw_plan_crc(plan, h->cells_offset);
	st = fw_cells_stream(fw, &cur, plan, s, &crc);
	if (st)
		return st;
	if (crc != h->crc32)
		return CIM_ST_BAD_IMAGE;

	s->n_vtiles = h->n_vtiles;
	s->plan_size = h->cells_offset;
	s->valid = 1;
	return CIM_ST_OK;
}

uint32_t fw_unload(struct cim_fw *fw, const struct cim_desc *d)
{
	fw->slots[d->slot].valid = 0;
	return CIM_ST_OK;
}
