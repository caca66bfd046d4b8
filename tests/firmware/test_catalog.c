// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What the card keeps for the host between driver instances: slot tags
 * (PROGRAM with CIM_DESC_F_TAG, READ_SLOT), P/E counts (READ_WEAR), and
 * the slots themselves across a CTRL_ENABLE cycle (but not a reset).
 */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

static const struct cim_image_header *hdr(const struct tmodel *m)
{
	return m->image;
}

/* PROGRAM m into slot over map, with a tag after the map. */
static uint32_t program_tagged(struct thost *t, uint32_t slot,
			       const struct tmodel *m, const uint16_t *map,
			       const struct cim_slot_tag *tag)
{
	uint32_t n = hdr(m)->n_vtiles;
	uint8_t *buf = thost_alloc(t, CIM_SLOT_TAG_OFFSET(n) + sizeof(*tag), 1);
	struct cim_desc d;

	memcpy(buf, map, n * sizeof(*map));
	memcpy(buf + CIM_SLOT_TAG_OFFSET(n), tag, sizeof(*tag));
	d = tdesc_program(t, slot, m->image, m->size, (const uint16_t *)buf, n);
	d.flags = CIM_DESC_F_TAG;
	return thost_exec(t, &d).status;
}

static uint32_t read_slot(struct thost *t, uint32_t slot,
			  struct cim_slot_info *out)
{
	struct cim_slot_info *buf = thost_alloc(t, sizeof(*buf), 1);
	struct cim_desc d;
	uint32_t st;

	memset(buf, 0x5a, sizeof(*buf));
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_READ_SLOT;
	d.slot = slot;
	thost_ref(t, &d.dst, buf, sizeof(*buf));
	st = thost_exec(t, &d).status;
	*out = *buf;
	return st;
}

static uint32_t read_wear(struct thost *t, uint32_t *pe, size_t len)
{
	uint32_t *buf = thost_alloc(t, len, 1);
	struct cim_desc d;
	uint32_t st;

	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_READ_WEAR;
	thost_ref(t, &d.dst, buf, len);
	st = thost_exec(t, &d).status;
	memcpy(pe, buf, len);
	return st;
}

static struct cim_slot_tag some_tag(uint8_t seed)
{
	struct cim_slot_tag tag;
	unsigned int i;

	memset(&tag, 0, sizeof(tag));
	for (i = 0; i < sizeof(tag.digest); i++)
		tag.digest[i] = (uint8_t)(seed + 13 * i);
	tag.size = 0x123456789ull + seed;
	return tag;
}

static void test_slot_tag_read_back(void **state)
{
	struct thost *t = *state;
	struct cim_slot_tag tag = some_tag(7);
	struct cim_slot_info s;
	struct tmodel m;
	const uint16_t *map;
	uint32_t i, n;

	tmodel_default(&m);
	n = hdr(&m)->n_vtiles;
	map = tmap(t, n);
	assert_int_equal(program_tagged(t, 3, &m, map, &tag), CIM_ST_OK);
	assert_int_equal(read_slot(t, 3, &s), CIM_ST_OK);
	assert_int_equal(s.valid, 1);
	assert_int_equal(s.n_vtiles, n);
	assert_int_equal(s.plan_size, hdr(&m)->cells_offset);
	assert_int_equal(s.reserved, 0);
	assert_memory_equal(&s.tag, &tag, sizeof(tag));
	assert_memory_equal(s.map, map, n * sizeof(*map));
	for (i = n; i < CIM_SLOT_MAX_VTILES; i++)
		assert_int_equal(s.map[i], 0);

	/* An empty slot reads as all zero. */
	assert_int_equal(read_slot(t, 4, &s), CIM_ST_OK);
	assert_int_equal(s.valid | s.n_vtiles | s.plan_size, 0);
	assert_int_equal(s.tag.size, 0);

	/* Without the flag the tag is zero; a failed PROGRAM leaves none. */
	assert_int_equal(tprogram(t, 3, &m).status, CIM_ST_OK);
	assert_int_equal(read_slot(t, 3, &s), CIM_ST_OK);
	assert_int_equal(s.valid, 1);
	assert_int_equal(s.tag.size, 0);
	/* Unloading clears the slot. */
	{
		struct cim_desc d;

		memset(&d, 0, sizeof(d));
		d.opcode = CIM_OPC_UNLOAD;
		d.slot = 3;
		assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	}
	assert_int_equal(read_slot(t, 3, &s), CIM_ST_OK);
	assert_int_equal(s.valid, 0);
	tmodel_free(&m);
}

static void test_read_bad_desc(void **state)
{
	struct thost *t = *state;
	struct cim_slot_info *small = thost_alloc(t, 64, 1);
	struct cim_desc d;
	uint32_t pe[THAL_TILES];

	/* dst missing or too short */
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_READ_SLOT;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	thost_ref(t, &d.dst, small, 64);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	d.opcode = CIM_OPC_READ_WEAR;
	thost_ref(t, &d.dst, small, 4 * THAL_TILES - 4);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	/* the tag flag belongs to PROGRAM only; unknown flags never */
	assert_int_equal(read_wear(t, pe, sizeof(pe)), CIM_ST_OK);
	thost_ref(t, &d.dst, small, 64);
	d.opcode = CIM_OPC_READ_SLOT;
	d.flags = CIM_DESC_F_TAG;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	d.opcode = CIM_OPC_READ_SLOT + 1;
	d.flags = 0;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
}

static void test_wear_counts_programs(void **state)
{
	struct thost *t = *state;
	uint32_t pe[THAL_TILES], i, n, want;
	struct cim_slot_tag tag = some_tag(1);
	struct tmodel m;
	uint16_t *map, *bad;
	struct cim_desc d;

	tmodel_default(&m);
	n = hdr(&m)->n_vtiles;
	assert_int_equal(read_wear(t, pe, sizeof(pe)), CIM_ST_OK);
	for (i = 0; i < THAL_TILES; i++)
		assert_int_equal(pe[i], 0);
	map = tmap(t, n);
	assert_int_equal(program_tagged(t, 2, &m, map, &tag), CIM_ST_OK);
	assert_int_equal(program_tagged(t, 5, &m, map, &tag), CIM_ST_OK);
	/* A map the card refuses touches no tile: no cycle counted. */
	bad = thost_alloc(t, n * sizeof(*bad), 1);
	memcpy(bad, map, n * sizeof(*bad));
	bad[1] = bad[0];
	d = tdesc_program(t, 6, m.image, m.size, bad, n);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	assert_int_equal(read_wear(t, pe, sizeof(pe)), CIM_ST_OK);
	for (i = 0; i < THAL_TILES; i++) {
		uint32_t v;

		for (want = 0, v = 0; v < n; v++)
			if (map[v] == i)
				want = 2;
		assert_int_equal(pe[i], want);
		assert_int_equal(pe[i], t->hal->pe[i]);
	}
	tmodel_free(&m);
}

/* Clear CTRL_ENABLE (a driver unbinding), then bind again. */
static void rebind(struct thost *t)
{
	thal_wr(t->hal, CIM_REG_CTRL, 0);
	assert_int_equal(cim_fw_poll(t->fw), 0);
	assert_int_equal(thal_rd(t->hal, CIM_REG_STATUS), CIM_STATUS_BOOTING);
	memset(t->cq, 0, t->cq_entries * sizeof(*t->cq));
	thost_start(t);
}

static void test_slots_survive_rebind_not_reset(void **state)
{
	struct thost *t = *state;
	struct cim_slot_tag tag = some_tag(9);
	uint32_t pe[THAL_TILES], pe2[THAL_TILES];
	struct cim_slot_info s;
	struct tmodel m;
	struct cim_desc d;
	int8_t *in, *want, *out;

	tmodel_default(&m);
	assert_int_equal(program_tagged(t, 7, &m, tmap(t, hdr(&m)->n_vtiles),
					&tag), CIM_ST_OK);
	assert_int_equal(read_wear(t, pe, sizeof(pe)), CIM_ST_OK);

	rebind(t);
	assert_int_equal(read_slot(t, 7, &s), CIM_ST_OK);
	assert_int_equal(s.valid, 1);
	assert_memory_equal(&s.tag, &tag, sizeof(tag));
	tinput(&m, 2, 3, &in, &want);
	d = tdesc_run(t, 7, &m, in, 2, &out, NULL);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_memory_equal(out, want, 2 * m.out_size);
	free(in);
	free(want);

	/* A reset forgets the slots; the wear stays. */
	thal_wr(t->hal, CIM_REG_CTRL, 0);
	cim_fw_reset(t->fw, t->hal);
	memset(t->cq, 0, t->cq_entries * sizeof(*t->cq));
	thost_start(t);
	assert_int_equal(read_slot(t, 7, &s), CIM_ST_OK);
	assert_int_equal(s.valid, 0);
	assert_int_equal(read_wear(t, pe2, sizeof(pe2)), CIM_ST_OK);
	assert_memory_equal(pe, pe2, sizeof(pe));
	tmodel_free(&m);
}

const struct CMUnitTest catalog_tests[] = {
	TEST(test_slot_tag_read_back),
	TEST(test_read_bad_desc),
	TEST(test_wear_counts_programs),
	TEST(test_slots_survive_rebind_not_reset),
};
const size_t catalog_count = sizeof(catalog_tests) / sizeof(catalog_tests[0]);
