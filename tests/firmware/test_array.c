// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The HAL's array operations (cim_fw_hal.h) on the emulators' array
 * model (firmware/model/), called directly as the firmware calls them:
 * program and read back, erase, exact MVM and column sums against plain
 * loops, column redundancy, and the modeled time they take.
 */
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "cim_fw_hal.h"
#include "model/model_int.h"

#define R	THAL_ROWS
#define C	THAL_COLS

static struct cim_hal *ideal_card(uint32_t spares)
{
	struct cim_card_params p;

	thal_default_params(&p);
	p.spare_cols = spares;
	return thal_new(&p, THAL_PLAN_BYTES);
}

/* Program every row of tile with levels from seed; they go to q. */
static void fill(struct cim_hal *h, uint32_t tile, uint32_t seed,
		 uint8_t q[R][C])
{
	struct cim_hal_prog res;
	uint32_t r, c, st = seed;

	for (r = 0; r < R; r++) {
		for (c = 0; c < C; c++)
			q[r][c] = (uint8_t)(trand(&st) % 16);
		assert_int_equal(cim_hal_array_program_row(h, tile, r, 0,
							   q[r], C, &res), 0);
		assert_int_equal(res.verify_failures, 0);
	}
}

static void test_array_program_read_erase(void **state)
{
	struct cim_hal *h = ideal_card(0);
	uint8_t q[R][C], got[C];
	struct cim_hal_prog res;
	uint64_t t0;
	uint32_t r;

	(void)state;
	fill(h, 3, 11, q);
	for (r = 0; r < R; r++) {
		cim_hal_array_read(h, 3, r, 0, C, 0, got);
		assert_memory_equal(got, q[r], C);
	}
	/* part of a row, elsewhere in the row */
	cim_hal_array_read(h, 3, 5, 7, 9, 1, got);
	assert_memory_equal(got, &q[5][7], 9);
	/* the ideal card: a row takes program_row_ns, an erase too */
	t0 = h->clock;
	assert_int_equal(cim_hal_array_program_row(h, 4, 0, 0, q[0], C, &res),
			 0);
	assert_int_equal(h->clock - t0, h->p.program_row_ns);
	assert_int_equal(res.row_pulses, 1);
	t0 = h->clock;
	cim_hal_array_erase(h, 3);
	assert_int_equal(h->clock - t0, h->p.program_row_ns);
	for (r = 0; r < R; r++) {
		cim_hal_array_read(h, 3, r, 0, C, 0, got);
		assert_true(!memcmp(got, (uint8_t[C]){ 0 }, C));
	}
	/* out of the array: refused, nothing written */
	assert_int_equal(cim_hal_array_program_row(h, 3, R, 0, q[0], C, &res),
			 -1);
	assert_int_equal(cim_hal_array_program_row(h, 3, 0, 1, q[0], C, &res),
			 -1);
	thal_free(h);
}

static void test_array_mvm_colsum(void **state)
{
	struct cim_hal *h = ideal_card(0);
	int32_t got[C], want[C];
	uint8_t q[R][C];
	int16_t x[R];
	uint32_t r, c, v, st = 5, r0, nr, c0, nc;

	(void)state;
	fill(h, 1, 12, q);
	for (v = 0; v < 50; v++) {
		r0 = trand(&st) % R;
		nr = trand(&st) % (R - r0 + 1);
		c0 = trand(&st) % C;
		nc = 1 + trand(&st) % (C - c0);
		for (r = 0; r < R; r++)	/* every drive range, zeros too */
			x[r] = (int16_t)(v % 5 ? (int32_t)(trand(&st) % 511) -
						 255 : 0);
		memset(want, 0, sizeof(want));
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++)
				want[c] += x[r] * q[r0 + r][c0 + c];
		cim_hal_array_mvm(h, 1, r0, nr, c0, nc, x, got);
		assert_memory_equal(got, want, nc * sizeof(int32_t));
		memset(want, 0, sizeof(want));
		for (r = 0; r < nr; r++)
			for (c = 0; c < nc; c++)
				want[c] += q[r0 + r][c0 + c];
		cim_hal_array_colsum(h, 1, r0, nr, c0, nc, got);
		assert_memory_equal(got, want, nc * sizeof(int32_t));
	}
	thal_free(h);
}

/* A stuck cell: its column moves to a spare, which serves it after. */
static void test_array_spare_column(void **state)
{
	struct cim_hal *h = ideal_card(2);
	struct cim_hal_prog res;
	int32_t got[C], want[C];
	uint8_t q[R][C], row[C];
	int16_t x[R];
	uint32_t r, c;

	(void)state;
	h->stuck_tile = 2;
	h->stuck_cell = 4 * C + 9;	/* row 4, column 9 */
	h->stuck_val = 0;
	for (r = 0; r < R; r++) {
		for (c = 0; c < C; c++)
			q[r][c] = (uint8_t)(1 + (r * 7 + c) % 15);
		assert_int_equal(cim_hal_array_program_row(h, 2, r, 0, q[r], C,
							   &res), 0);
		assert_int_equal(res.spares_taken, r == 4);
		assert_int_equal(res.verify_failures, r == 4);
	}
	/* raw: the column's own cell; else what serves the column */
	cim_hal_array_read(h, 2, 4, 0, C, 1, row);
	assert_int_equal(row[9], 0);
	cim_hal_array_read(h, 2, 4, 0, C, 0, row);
	assert_memory_equal(row, q[4], C);
	assert_int_equal(model_tile(cim_hal_model(h), 2)->spare_of[0], 10);
	for (r = 0; r < R; r++)
		x[r] = (int16_t)(r % 3 ? (int32_t)r : -(int32_t)r);
	memset(want, 0, sizeof(want));
	for (r = 0; r < R; r++)
		for (c = 0; c < C; c++)
			want[c] += x[r] * q[r][c];
	cim_hal_array_mvm(h, 2, 0, R, 0, C, x, got);
	assert_memory_equal(got, want, sizeof(want));
	/* no spare left for a second bad column of the same row */
	h->stuck_cell = 4 * C + 20;
	cim_hal_array_erase(h, 2);
	h->stuck_cell = 6 * C + 20;
	assert_int_equal(cim_hal_array_program_row(h, 2, 6, 0, q[6], C, &res),
			 0);
	h->stuck_cell = 7 * C + 21;
	assert_int_equal(cim_hal_array_program_row(h, 2, 7, 0, q[7], C, &res),
			 -1);
	thal_free(h);
}

const struct CMUnitTest array_tests[] = {
	cmocka_unit_test(test_array_program_read_erase),
	cmocka_unit_test(test_array_mvm_colsum),
	cmocka_unit_test(test_array_spare_column),
};
const size_t array_count = sizeof(array_tests) / sizeof(array_tests[0]);
