// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The firmware's SG walker on its own: random reads and writes at any
 * offset, in any order, through one cursor, against a flat copy.
 */
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "fw_internal.h"

static void test_sg_random_access(void **state)
{
	struct thost *t = *state;
	struct fw_sg_cursor cur;
	struct cim_dma_ref ref;
	struct tscatter s;
	uint8_t *flat, *got;
	uint32_t st = 77, i;
	const size_t len = 3000;

	flat = malloc(len);
	got = malloc(len);
	trand_fill((int8_t *)flat, len, 31);
	thost_scatter(t, &s, &ref, len, 2);
	tscatter_put(&s, flat);
	fw_sg_open(&cur, &ref);
	for (i = 0; i < 400; i++) {
		uint32_t off = trand(&st) % len;
		uint32_t n = trand(&st) % (len - off + 1);

		if (n > 300)
			n = n % 300;
		if (i & 1) {
			assert_int_equal(fw_sg_read(t->fw, &cur, off, got, n),
					 0);
			assert_memory_equal(got, flat + off, n);
		} else {
			trand_fill((int8_t *)got, n, i);
			assert_int_equal(fw_sg_write(t->fw, &cur, off, got, n),
					 0);
			memcpy(flat + off, got, n);
		}
	}
	tscatter_get(&s, got);
	assert_memory_equal(got, flat, len);
	assert_true(tscatter_lead_ok(&s));

	/* one byte past the range, or past the table, fails */
	assert_int_equal(fw_sg_read(t->fw, &cur, len - 4, got, 5), -1);
	ref.length = len + 1;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, len, got, 1), -1);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, got, 1), 0);
	free(flat);
	free(got);
}

static void test_sg_bad_tables(void **state)
{
	struct thost *t = *state;
	struct cim_sg_entry *tab = thost_alloc(t, 3 * sizeof(*tab), 1);
	uint8_t *buf = thost_alloc(t, 64, 1), out[8];
	struct fw_sg_cursor cur;
	struct cim_dma_ref ref;

	memset(&ref, 0, sizeof(ref));
	tab[0].addr = (uintptr_t)buf;
	tab[0].len = 64;
	ref.sg_addr = (uintptr_t)tab;
	ref.sg_count = 1;
	ref.length = 64;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 60, out, 4), 0);

	/* an entry with reserved bits set is not trusted */
	tab[0].reserved = 1;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, out, 4), -1);
	tab[0].reserved = 0;

	/* an entry whose end wraps around the bus */
	tab[0].addr = ~0ull - 10;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, out, 4), -1);
	tab[0].addr = (uintptr_t)buf;

	/* offset + length wrapping, and a table reaching past the bus */
	ref.offset = ~0ull - 2;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, out, 4), -1);
	ref.offset = 0;
	ref.sg_addr = ~0ull - 8;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, out, 4), -1);
	/* no table at all */
	ref.sg_addr = (uintptr_t)tab;
	ref.sg_count = 0;
	fw_sg_open(&cur, &ref);
	assert_int_equal(fw_sg_read(t->fw, &cur, 0, out, 4), -1);
	assert_int_equal(t->hal->bad_reg_writes, 0);
}

const struct CMUnitTest dma_tests[] = {
	TEST(test_sg_random_access),
	TEST(test_sg_bad_tables),
};
const size_t dma_count = sizeof(dma_tests) / sizeof(dma_tests[0]);
