// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* The modeled clock's arithmetic, which avoids 64-bit division. */
#include "tests.h"
#include "fw_internal.h"

static void test_div64(void **state)
{
	static const uint64_t ns[] = {
		0, 1, 999, 0xffffffffull, 0x100000000ull, 0x123456789abcdefull,
		~0ull, ~0ull - 1, 1ull << 63,
	};
	static const uint32_t ds[] = { 1, 2, 3, 1000, 2000, 65537,
				       0x7fffffffu, 0xffffffffu };
	uint32_t st = 5, i, j;

	(void)state;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		for (j = 0; j < sizeof(ds) / sizeof(ds[0]); j++)
			assert_int_equal(fw_div_u64_u32(ns[i], ds[j]),
					 ns[i] / ds[j]);
	for (i = 0; i < 10000; i++) {
		uint64_t n = (uint64_t)trand(&st) << 32 | trand(&st);
		uint32_t d = trand(&st) >> (trand(&st) % 32);

		if (!d)
			d = 1;
		assert_int_equal(fw_div_u64_u32(n, d), n / d);
	}
	/* no link, no divisor: charges nothing rather than trapping */
	assert_int_equal(fw_div_u64_u32(12345, 0), 0);
}

static void test_big_dma_charge(void **state)
{
	struct thost *t = *state;
	uint64_t before = t->hal->clock;

	/* 3 GiB over 3000 MB/s: bytes * 1000 is far beyond 32 bits */
	t->fw->p.link_mb_s = 3000;
	fw_charge_dma(t->fw, 3ull << 30);
	assert_int_equal(t->hal->clock - before,
			 ((3ull << 30) * 1000 + 1500) / 3000);
	/* a card model without a link speed charges no DMA time */
	t->fw->p.link_mb_s = 0;
	fw_charge_dma(t->fw, 4096);
	assert_int_equal(t->hal->clock - before,
			 ((3ull << 30) * 1000 + 1500) / 3000);
}

const struct CMUnitTest time_tests[] = {
	cmocka_unit_test(test_div64),
	TEST(test_big_dma_charge),
};
const size_t time_count = sizeof(time_tests) / sizeof(time_tests[0]);
