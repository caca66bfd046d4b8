// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* PROGRAM and UNLOAD: image checks, tile maps, cell layout, CRC. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

static const struct cim_image_header *hdr(const struct tmodel *m)
{
	return m->image;
}

/* A RUN of one item on slot: its status. */
static uint32_t run_status(struct thost *t, uint32_t slot,
			   const struct tmodel *m)
{
	struct cim_desc d;
	int8_t *in, *want, *out;
	uint32_t st;

	tinput(m, 1, 5, &in, &want);
	d = tdesc_run(t, slot, m, in, 1, &out, NULL);
	st = thost_exec(t, &d).status;
	if (st == CIM_ST_OK)
		assert_memory_equal(out, want, m->out_size);
	free(in);
	free(want);
	return st;
}

/* What tile v of image img must hold: its blocks' cells, zeros elsewhere. */
static void expect_tile(const void *img, uint32_t v, uint8_t *tile,
			uint64_t *rows)
{
	const struct cim_image_header *h = img;
	const struct cim_image_block *b = cim_image_blocks(img);
	const uint8_t *cells = (const uint8_t *)img + h->cells_offset, *src;
	uint32_t i, q, k, cpw, n, bytes;

	memset(tile, 0, THAL_ROWS * THAL_COLS);
	for (i = 0; i < h->n_blocks; i++) {
		if (b[i].vtile != v)
			continue;
		cpw = cim_image_ops(img)[b[i].op].wbits / 4;
		n = b[i].outs * cpw;
		bytes = (n + 1) / 2;
		src = cells + b[i].cells_offset;
		for (q = 0; q < b[i].g_count * b[i].rows; q++, src += bytes) {
			*rows += 1;
			for (k = 0; k < n; k++)
				tile[(b[i].array_row + q) * THAL_COLS +
				     b[i].array_col + q / b[i].rows * n + k] =
					(src[k / 2] >> (4 * (k & 1))) & 15;
		}
	}
}

static void test_program_layout(void **state)
{
	struct thost *t = *state;
	uint8_t want[THAL_ROWS * THAL_COLS];
	struct tmodel m;
	const uint16_t *map;
	struct cim_desc d;
	struct cim_cpl c;
	uint64_t rows = 0, before;
	uint32_t v;

	tmodel_default(&m);
	/* The layers really are split over rows and over columns. */
	assert_int_equal(hdr(&m)->n_vtiles, 17);
	map = tmap(t, hdr(&m)->n_vtiles);
	/* stale cells on a tile must not survive programming */
	memset(t->hal->tiles[map[0]], 7, THAL_ROWS * THAL_COLS);
	d = tdesc_program(t, 3, m.image, m.size, map, hdr(&m)->n_vtiles);
	before = t->hal->clock;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	for (v = 0; v < hdr(&m)->n_vtiles; v++) {
		expect_tile(m.image, v, want, &rows);
		assert_memory_equal(t->hal->tiles[map[v]], want, sizeof(want));
		assert_int_equal(t->hal->pe[map[v]], 1);
	}
	assert_int_equal(rows, 100 * 3 + 40 * 2 + 24);
	/* Program time per row and erase, plus the image over the link. */
	assert_true(c.device_time_ns >= (rows + 17) * t->hal->p.program_row_ns +
		    m.size * 1000 / t->hal->p.link_mb_s);
	assert_int_equal(c.device_time_ns + tring_ns(t->fw),
			 t->hal->clock - before);
	assert_int_equal(run_status(t, 3, &m), CIM_ST_OK);
	tmodel_free(&m);
}

static void test_program_scattered(void **state)
{
	struct thost *t = *state;
	struct tscatter s;
	struct tmodel m;
	struct cim_desc d;

	tmodel_default(&m);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_PROGRAM;
	d.slot = 1;
	d.map_count = hdr(&m)->n_vtiles;
	d.map_addr = (uintptr_t)tmap(t, d.map_count);
	thost_scatter(t, &s, &d.src, m.size, 3);
	tscatter_put(&s, m.image);
	assert_true(s.n > 100);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(run_status(t, 1, &m), CIM_ST_OK);
	tmodel_free(&m);
}

/* PROGRAM of a modified copy of m's image: the status. */
static uint32_t program_mod(struct thost *t, const struct tmodel *m,
			    uint32_t at, uint32_t xor, int fix_crc)
{
	uint8_t *img = malloc(m->size);
	struct cim_image_header *h = (void *)img;
	struct cim_desc d;
	uint32_t st;

	memcpy(img, m->image, m->size);
	img[at] ^= (uint8_t)xor;
	if (fix_crc)
		h->crc32 = cim_image_crc(img, m->size);
	d = tdesc_program(t, 0, img, m->size, tmap(t, hdr(m)->n_vtiles),
			  hdr(m)->n_vtiles);
	st = thost_exec(t, &d).status;
	free(img);
	return st;
}

static void test_program_bad_crc(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	uint32_t crc_at = offsetof(struct cim_image_header, crc32);

	tmodel_default(&m);
	/* a flipped bit in the cells, in the plan, in the CRC itself */
	assert_int_equal(program_mod(t, &m, m.size - 1, 0x10, 0),
			 CIM_ST_BAD_IMAGE);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	assert_int_equal(program_mod(t, &m, hdr(&m)->params_offset, 1, 0),
			 CIM_ST_BAD_IMAGE);
	assert_int_equal(program_mod(t, &m, crc_at, 4, 0), CIM_ST_BAD_IMAGE);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	/* the unmodified image still programs */
	assert_int_equal(program_mod(t, &m, 0, 0, 0), CIM_ST_OK);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_OK);
	tmodel_free(&m);
}

static void test_program_bad_header(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	uint32_t i;
	static const uint32_t fields[] = {
		offsetof(struct cim_image_header, magic),
		offsetof(struct cim_image_header, version_major),
		offsetof(struct cim_image_header, header_size),
		offsetof(struct cim_image_header, flags),
		offsetof(struct cim_image_header, tile_cols),
		offsetof(struct cim_image_header, n_ops),
		offsetof(struct cim_image_header, n_vtiles),
		offsetof(struct cim_image_header, cells_offset),
		offsetof(struct cim_image_header, cells_offset) + 3,
		offsetof(struct cim_image_header, reserved),
	};

	tmodel_default(&m);
	/* Consistent CRC, inconsistent contents: the checker catches it. */
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_int_equal(program_mod(t, &m, fields[i], 0x41, 1),
				 CIM_ST_BAD_IMAGE);
	/* a layer's multiplier out of range */
	assert_int_equal(program_mod(t, &m, hdr(&m)->params_offset +
				     cim_image_ops(m.image)[0].mult_offset + 3,
				     0x80, 1), CIM_ST_BAD_IMAGE);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_READY);
	tmodel_free(&m);
}

static void test_program_bad_size(void **state)
{
	struct thost *t = *state;
	static const uint32_t dims[] = { 20, 10 };
	struct tmodel m, wide;
	struct cim_desc d;

	tmodel_default(&m);
	/* the buffer is longer or shorter than the image says */
	d = tdesc_program(t, 0, m.image, m.size, tmap(t, 17), 17);
	d.src.length = m.size - 1;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_IMAGE);
	d = tdesc_program(t, 0, m.image, m.size, tmap(t, 17), 17);
	d.src.length = 40;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_IMAGE);
	/* no buffer at all */
	d.src.sg_count = 0;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	/* compiled for another tile geometry */
	tmodel_make(&wide, dims, 1, 9, THAL_ROWS, 2 * THAL_COLS);
	d = tdesc_program(t, 0, wide.image, wide.size, tmap(t, 1), 1);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_IMAGE);
	tmodel_free(&wide);
	tmodel_free(&m);
}

static void test_program_plan_too_big(void **state)
{
	struct cim_card_params p;
	struct thost *t;
	struct tmodel m;

	(void)state;
	tmodel_default(&m);
	thal_default_params(&p);
	t = thost_new_card(&p, hdr(&m)->cells_offset - 1, 8, 8);
	thost_start(t);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_BAD_IMAGE);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	thost_free(t);

	/* exactly the plan's size is enough */
	t = thost_new_card(&p, hdr(&m)->cells_offset, 8, 8);
	thost_start(t);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	thost_free(t);
	tmodel_free(&m);
}

static void test_program_bad_map(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;
	uint16_t *map, *stray;
	uint32_t n, i;

	tmodel_default(&m);
	n = hdr(&m)->n_vtiles;
	for (i = 0; i < 5; i++) {
		map = tmap(t, n);
		d = tdesc_program(t, 2, m.image, m.size, map, n);
		switch (i) {
		case 0:
			map[5] = map[11];		/* duplicate tile */
			break;
		case 1:
			map[16] = THAL_TILES;		/* no such tile */
			break;
		case 2:
			map[0] = 0xffff;
			break;
		case 3:
			d.map_count = n - 1;		/* wrong count */
			break;
		case 4:
			d.map_count = n + 1;
			break;
		}
		assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
		assert_int_equal(run_status(t, 2, &m), CIM_ST_NO_IMAGE);
	}
	/* the map is not where the host says */
	stray = thost_alloc(t, n * sizeof(*stray), 0);
	memcpy(stray, tmap(t, n), n * sizeof(*stray));
	d = tdesc_program(t, 2, m.image, m.size, stray, n);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_DMA_ERROR);
	/* nothing broke: a good map programs */
	d = tdesc_program(t, 2, m.image, m.size, tmap(t, n), n);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(run_status(t, 2, &m), CIM_ST_OK);
	tmodel_free(&m);
}

static void test_program_dma_error(void **state)
{
	struct thost *t = *state;
	struct cim_sg_entry *sg;
	struct tmodel m;
	struct cim_desc d;
	void *stray;

	tmodel_default(&m);
	/* the image is not in memory the host handed over */
	stray = thost_alloc(t, m.size, 0);
	memcpy(stray, m.image, m.size);
	d = tdesc_program(t, 0, stray, m.size, tmap(t, 17), 17);
	sg = (void *)(uintptr_t)d.src.sg_addr;
	sg->addr = (uintptr_t)stray;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_DMA_ERROR);

	/* the SG table ends before the image does */
	d = tdesc_program(t, 0, m.image, m.size, tmap(t, 17), 17);
	sg = (void *)(uintptr_t)d.src.sg_addr;
	sg->len = (uint32_t)m.size - 100;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_DMA_ERROR);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);

	/* the SG table itself is nowhere */
	d = tdesc_program(t, 0, m.image, m.size, tmap(t, 17), 17);
	d.src.sg_addr = (uintptr_t)stray;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_DMA_ERROR);

	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	tmodel_free(&m);
}

static void test_program_verify_fail(void **state)
{
	struct thost *t = *state;
	const uint8_t *cells;
	struct tmodel m;
	uint8_t want;

	tmodel_default(&m);
	/* cell (0, 1) of vtile 0, on physical tile 3, is stuck */
	cells = (const uint8_t *)m.image + hdr(&m)->cells_offset;
	want = cells[0] >> 4;
	assert_int_equal(cim_image_blocks(m.image)[0].array_row, 0);
	t->hal->stuck_tile = 3;
	t->hal->stuck_cell = 1;
	t->hal->stuck_val = (want + 1) & 15;
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_VERIFY_FAIL);
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	/* the cell happens to be stuck at the value wanted: passes */
	t->hal->stuck_val = want;
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	tmodel_free(&m);
}

static void test_program_overlap(void **state)
{
	static const uint32_t dims[] = { 40, 16, 8 };
	static const uint16_t maps[3][3] = {
		{ 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 1 },
	};
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;
	uint16_t *map;
	uint32_t s;

	tmodel_make(&m, dims, 2, 77, THAL_ROWS, THAL_COLS);
	assert_int_equal(hdr(&m)->n_vtiles, 3);
	for (s = 0; s < 3; s++) {
		map = thost_alloc(t, sizeof(maps[s]), 1);
		memcpy(map, maps[s], sizeof(maps[s]));
		d = tdesc_program(t, s, m.image, m.size, map, 3);
		assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
		if (s == 1) {
			assert_int_equal(run_status(t, 0, &m), CIM_ST_OK);
			assert_int_equal(run_status(t, 1, &m), CIM_ST_OK);
		}
	}
	/* slot 2 took tile 1 from slot 0: slot 0's weights are gone */
	assert_int_equal(run_status(t, 0, &m), CIM_ST_NO_IMAGE);
	assert_int_equal(run_status(t, 1, &m), CIM_ST_OK);
	assert_int_equal(run_status(t, 2, &m), CIM_ST_OK);
	tmodel_free(&m);
}

/*
 * A two-layer image whose layer 0 spans blocks 0 and 1 (rows 0..31 and
 * 32..39, one tile each), edited by fn and re-sealed with a matching CRC.
 */
typedef void (*edit_fn)(struct cim_image_header *h, struct cim_image_op *ops,
			struct cim_image_block *b);

static uint32_t program_edited(struct thost *t, edit_fn fn)
{
	static const uint32_t dims[] = { 40, 16, 8 };
	struct cim_image_header *h;
	struct tmodel m;
	struct cim_desc d;
	uint32_t st;

	tmodel_make(&m, dims, 2, 5, THAL_ROWS, THAL_COLS);
	h = m.image;
	assert_int_equal(h->n_vtiles, 3);
	fn(h, (struct cim_image_op *)((uint8_t *)m.image + h->ops_offset),
	   (struct cim_image_block *)((uint8_t *)m.image + h->blocks_offset));
	h->crc32 = cim_image_crc(m.image, h->total_size);
	d = tdesc_program(t, 0, m.image, h->total_size, tmap(t, h->n_vtiles),
			  h->n_vtiles);
	st = thost_exec(t, &d).status;
	tmodel_free(&m);
	return st;
}

static void edit_none(struct cim_image_header *h, struct cim_image_op *ops,
		      struct cim_image_block *b)
{
	(void)h;
	(void)ops;
	(void)b;
}

/* a tile no block uses */
static void edit_orphan(struct cim_image_header *h, struct cim_image_op *ops,
			struct cim_image_block *b)
{
	(void)ops;
	(void)b;
	h->n_vtiles++;
}

/* block 1 on block 0's tile, over its rows */
static void edit_overlap(struct cim_image_header *h, struct cim_image_op *ops,
			 struct cim_image_block *b)
{
	(void)h;
	(void)ops;
	b[1].vtile = b[0].vtile;
	b[1].array_row = 24;
}

/* block 1 moved down past the end of its array */
static void edit_tall(struct cim_image_header *h, struct cim_image_op *ops,
		      struct cim_image_block *b)
{
	(void)h;
	(void)ops;
	b[1].array_row = THAL_ROWS - 4;
}

/* rows 36..39 of layer 0 without weights, cells sizes kept */
static void edit_gap(struct cim_image_header *h, struct cim_image_op *ops,
		     struct cim_image_block *b)
{
	(void)h;
	(void)ops;
	b[1].rows -= 4;
}

/* a 4-bit op needs weight zero points */
static void edit_wbits(struct cim_image_header *h, struct cim_image_op *ops,
		       struct cim_image_block *b)
{
	(void)h;
	(void)b;
	ops[1].wbits = 4;
}

/* more activation memory than the card has */
static void edit_arena(struct cim_image_header *h, struct cim_image_op *ops,
		       struct cim_image_block *b)
{
	(void)ops;
	(void)b;
	h->arena_size = THAL_ACT_BYTES + 1;
}

/* op 0 reads its own output */
static void edit_order(struct cim_image_header *h, struct cim_image_op *ops,
		       struct cim_image_block *b)
{
	(void)h;
	(void)b;
	ops[0].in0 = 1;
}

/* a duplicated window the op's blocks do not hold (or its type has not) */
static void edit_reserved(struct cim_image_header *h, struct cim_image_op *ops,
			  struct cim_image_block *b)
{
	(void)h;
	(void)b;
	ops[0].dup_w = 2;
}

static void test_program_bad_plan(void **state)
{
	static const edit_fn bad[] = {
		edit_orphan, edit_overlap, edit_tall, edit_gap, edit_wbits,
		edit_arena, edit_order, edit_reserved,
	};
	struct thost *t = *state;
	uint32_t i;

	assert_int_equal(program_edited(t, edit_none), CIM_ST_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(program_edited(t, bad[i]), CIM_ST_BAD_IMAGE);
}

static void test_unload(void **state)
{
	struct thost *t = *state;
	struct tmodel m;
	struct cim_desc d;

	tprogram_default(t, 5, &m);
	assert_int_equal(run_status(t, 5, &m), CIM_ST_OK);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_UNLOAD;
	d.slot = 5;
	d.tag = 55;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(run_status(t, 5, &m), CIM_ST_NO_IMAGE);
	/* unloading an empty slot is fine; a slot out of range is not */
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	d.slot = CIM_FW_MAX_IMAGES;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	/* and the image programs again */
	assert_int_equal(tprogram(t, 5, &m).status, CIM_ST_OK);
	assert_int_equal(run_status(t, 5, &m), CIM_ST_OK);
	tmodel_free(&m);
}

const struct CMUnitTest program_tests[] = {
	TEST(test_program_layout),
	TEST(test_program_scattered),
	TEST(test_program_bad_crc),
	TEST(test_program_bad_header),
	TEST(test_program_bad_size),
	cmocka_unit_test(test_program_plan_too_big),
	TEST(test_program_bad_map),
	TEST(test_program_dma_error),
	TEST(test_program_verify_fail),
	TEST(test_program_overlap),
	TEST(test_program_bad_plan),
	TEST(test_unload),
};
const size_t program_count = sizeof(program_tests) / sizeof(program_tests[0]);
