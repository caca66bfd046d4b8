// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * PROGRAM and UNLOAD.  The image streams through the card once: the plan
 * lands in the slot's plan memory and is fully checked before any cell
 * is touched, then the image's tiles are erased and the cells go from the
 * chunk buffer, block by block and row by row, through the array
 * interface (fw_array.h) into the tiles while the CRC accumulates.  The slot becomes valid only once the
 * CRC over the whole image matches, so a torn or corrupted image can
 * never be run.  Plan memory must be 8-byte aligned: the plan is read
 * in place through the structs of uapi/cim_image.h.  The plan checks
 * themselves are in fw_plan.c.
 */
#include "fw_internal.h"
#include "fw_array.h"
#include "fw_string.h"

/*
 * Where the next byte of the cells section goes: block, row of the block
 * (its g_count parts one after the other) and cell within the row.
 */
struct fw_cell_pos {
	uint32_t blk;
	uint32_t row;
	uint32_t cell;
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

/* The block the position is in, with its op's cells per weight. */
static const struct cim_image_block *
fw_pos_block(const uint8_t *plan, const struct fw_cell_pos *pos,
	     uint32_t *cpw)
{
	const struct cim_image_block *b = &cim_image_blocks(plan)[pos->blk];

	*cpw = cim_image_ops(plan)[b->op].wbits / 4;
	return b;
}

/*
 * Unpack len bytes of the cells section into rows of fw->cells and
 * program each row as it completes.  The plan check made the blocks
 * fill the cells section exactly, so the walk ends with the data.
 */
static int fw_cells_put(struct cim_fw *fw, const uint8_t *plan,
			const struct cim_fw_slot *s, struct fw_cell_pos *pos,
			const uint8_t *src, uint32_t len)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_block *b;
	uint32_t cpw, n, part, i;
	int ret;

	while (len) {
		if (pos->blk >= h->n_blocks)
			return -1;
		b = fw_pos_block(plan, pos, &cpw);
		n = b->outs * cpw;
		/* a row is whole bytes: an odd last cell leaves a pad nibble */
		for (i = 0; i < 2 && pos->cell < n; i++)
			fw->cells[pos->cell++] = (*src >> (4 * i)) & 15;
		if (pos->cell & 1)
			pos->cell++;
		src++;
		len--;
		if (pos->cell < n)
			continue;
		part = pos->row / b->rows;
		ret = fw_array_program_row(fw, s->map[b->vtile],
					   b->array_row + pos->row,
					   b->array_col + part * n,
					   fw->cells, n);
		if (ret)
			return ret;
		pos->cell = 0;
		if (++pos->row == b->g_count * b->rows) {
			pos->row = 0;
			pos->blk++;
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
	uint32_t n, i;
	int ret;

	/* Cells outside every block must read 0: start from erased tiles. */
	for (i = 0; i < h->n_vtiles; i++)
		fw_array_erase(fw, s->map[i]);

	while (off < h->total_size) {
		n = (uint32_t)FW_MIN((uint64_t)sizeof(fw->chunk),
				     h->total_size - off);
		if (fw_sg_read(fw, cur, off, fw->chunk, n))
			return CIM_ST_DMA_ERROR;
		fw_progress(fw, 1);
		*crc = cim_crc32(*crc, fw->chunk, n);
		ret = fw_cells_put(fw, plan, s, &pos, fw->chunk, n);
		if (ret)
			return ret == -CIM_ST_VERIFY_FAIL ? CIM_ST_VERIFY_FAIL :
							    CIM_ST_BAD_IMAGE;
		off += n;
	}
	return pos.blk == h->n_blocks ? CIM_ST_OK : CIM_ST_BAD_IMAGE;
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
