// SPDX-License-Identifier: MIT
/*
 * CPU reference: image execution (weights decoded from cells, folded
 * bias) must equal direct execution of the model, for random models and
 * geometries; plus hand-computed values and argument handling.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cim.h"
#include "uapi/cim_image.h"
#include "testutil.h"

#define HALF	(1 << 30)

static void hand_computed(void **state)
{
	/* acc = 5 + (4 - 1) * 2 + (-2 - 1) * -3 = 20; 20 * 0.5 = 10; + 3. */
	static const int8_t w[2] = { 2, -3 };
	static const int32_t bias[1] = { 5 }, mult[1] = { HALF }, shift[1] = { 0 };
	struct cim_fc_layer l = { 2, 1, w, bias, mult, shift, 1, 3, -128, 127 };
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 1, 2, 4 };	/* one weight per tile */
	const int8_t in[2] = { 4, -2 };
	int8_t out[1] = { 0 };
	void *img;
	size_t size;

	(void)state;
	assert_int_equal(cim_ref_run_model(&m, in, out, 1), 0);
	assert_int_equal(out[0], 13);
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	assert_int_equal(cim_image_input_size(img, size), 2);
	assert_int_equal(cim_image_output_size(img, size), 1);
	out[0] = 0;
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), 0);
	assert_int_equal(out[0], 13);
	free(img);
}

static void relu_chain_hand_computed(void **state)
{
	/*
	 * Layer 0: y0 = relu(x0 - x1), y1 = relu(x1 - x0) with zp 0.
	 * Layer 1: z = y0 + 2 * y1 + 1.  Unit scale: mult 2^30, shift 1.
	 */
	static const int8_t w0[4] = { 1, -1, -1, 1 }, w1[2] = { 1, 2 };
	static const int32_t b0[2] = { 0, 0 }, m0[2] = { HALF, HALF },
			     s0[2] = { 1, 1 }, b1[1] = { 1 }, m1[1] = { HALF },
			     s1[1] = { 1 };
	struct cim_fc_layer l[2] = {
		{ 2, 2, w0, b0, m0, s0, 0, 0, 0, 127 },
		{ 2, 1, w1, b1, m1, s1, 0, 0, -128, 127 },
	};
	struct cim_model_desc m = { 2, l };
	struct cim_geometry g = { 2, 2, 4 };
	const int8_t in[3 * 2] = { 10, 3, 3, 10, 100, -100 };
	const int8_t want[3] = { 8, 15, 127 };	/* 7+1, 14+1, 200+1 clamped */
	int8_t out[3];
	void *img;
	size_t size;

	(void)state;
	assert_int_equal(cim_ref_run_model(&m, in, out, 3), 0);
	assert_memory_equal(out, want, 3);
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(cim_ref_run_image(img, size, in, out, 3), 0);
	assert_memory_equal(out, want, 3);
	free(img);
}

static const uint32_t geo_rows[] = { 1, 2, 3, 7, 16, 64, 256 };
static const uint32_t geo_cols[] = { 2, 3, 4, 9, 32, 256 };

/* Arrays an FC chain can need at most: one per block. */
static uint32_t arrays_bound(const struct cim_geometry *g, uint32_t n,
			     const uint32_t *lens)
{
	uint32_t i, sum = 0, outs = g->tile_cols / 2;

	for (i = 0; i < n; i++)
		sum += (lens[i] + g->tile_rows - 1) / g->tile_rows *
		       ((lens[i + 1] + outs - 1) / outs);
	return sum;
}

static void image_equals_model_random(void **state)
{
	uint64_t s = 2024;
	int round, distinct_total = 0;

	(void)state;
	for (round = 0; round < 60; round++) {
		struct cim_geometry g = {
			geo_rows[tu_range(&s, 0, 6)], geo_cols[tu_range(&s, 0, 5)], 4,
		};
		uint32_t n = (uint32_t)tu_range(&s, 1, 4), lens[5], i, batch = 3;
		struct tu_model m;
		int8_t *in, *a, *b;
		void *img;
		size_t size;
		int seen[256] = { 0 };

		for (i = 0; i <= n; i++)
			lens[i] = (uint32_t)tu_range(&s, 1, round < 50 ? 40 : 300);
		/* Images hold at most 256 arrays: redraw geometries needing more. */
		while (arrays_bound(&g, n, lens) > CIM_IMAGE_MAX_VTILES) {
			g.tile_rows = geo_rows[tu_range(&s, 0, 6)];
			g.tile_cols = geo_cols[tu_range(&s, 0, 5)];
		}
		tu_model_random(&m, &s, n, lens);
		in = malloc(batch * lens[0]);
		a = malloc(batch * lens[n]);
		b = malloc(batch * lens[n]);
		tu_fill_i8(&s, in, batch * lens[0]);
		assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
		assert_int_equal(cim_ref_run_model(&m.desc, in, a, batch), 0);
		memset(b, 0x55, batch * lens[n]);
		assert_int_equal(cim_ref_run_image(img, size, in, b, batch), 0);
		assert_memory_equal(a, b, batch * lens[n]);
		for (i = 0; i < batch * lens[n]; i++)
			seen[(uint8_t)a[i]] = 1;
		for (i = 0; i < 256; i++)
			distinct_total += seen[i];
		free(img);
		free(in);
		free(a);
		free(b);
		tu_model_free(&m);
	}
	/* The outputs are not all clamped to one value: the test has teeth. */
	assert_true(distinct_total > 60 * 4);
}

static void batch_items_independent(void **state)
{
	uint32_t lens[] = { 50, 20, 7 };
	struct cim_geometry g = { 16, 8, 4 };
	struct tu_model m;
	uint64_t s = 99;
	int8_t in[5 * 50], all[5 * 7], one[7];
	void *img;
	size_t size;
	int b;

	(void)state;
	tu_model_random(&m, &s, 2, lens);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
	assert_int_equal(cim_ref_run_image(img, size, in, all, 5), 0);
	for (b = 0; b < 5; b++) {
		assert_int_equal(cim_ref_run_image(img, size, in + 50 * b, one, 1), 0);
		assert_memory_equal(one, all + 7 * b, 7);
	}
	free(img);
	tu_model_free(&m);
}

static void misaligned_image_copy(void **state)
{
	uint32_t lens[] = { 9, 4 };
	struct cim_geometry g = { 4, 4, 4 };
	struct tu_model m;
	uint64_t s = 5;
	int8_t in[9], a[4], b[4];
	uint8_t *buf;
	void *img;
	size_t size;

	(void)state;
	tu_model_random(&m, &s, 1, lens);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
	assert_int_equal(cim_ref_run_image(img, size, in, a, 1), 0);
	buf = malloc(size + 1);
	memcpy(buf + 1, img, size);
	assert_int_equal(cim_image_input_size(buf + 1, size), 9);
	assert_int_equal(cim_ref_run_image(buf + 1, size, in, b, 1), 0);
	assert_memory_equal(a, b, 4);
	free(buf);
	free(img);
	tu_model_free(&m);
}

static void arguments(void **state)
{
	uint32_t lens[] = { 9, 4 };
	struct cim_geometry g = { 4, 4, 4 };
	struct tu_model m;
	uint64_t s = 6;
	int8_t in[9] = { 0 }, out[4];
	uint8_t junk[200] = { 0 };
	void *img;
	size_t size;

	(void)state;
	tu_model_random(&m, &s, 1, lens);
	assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
	assert_int_equal(cim_ref_run_image(img, size, NULL, out, 1), -EINVAL);
	assert_int_equal(cim_ref_run_image(img, size, in, NULL, 1), -EINVAL);
	assert_int_equal(cim_ref_run_image(NULL, size, in, out, 1), -EINVAL);
	assert_int_equal(cim_ref_run_image(img, size, NULL, NULL, 0), 0);
	assert_int_equal(cim_ref_run_image(img, size - 1, in, out, 1), -EINVAL);
	assert_int_equal(cim_ref_run_model(&m.desc, NULL, out, 1), -EINVAL);
	assert_int_equal(cim_ref_run_model(NULL, in, out, 1), -EINVAL);
	/* Sizes of things that are not images. */
	assert_int_equal(cim_image_input_size(junk, sizeof(junk)), 0);
	assert_int_equal(cim_image_output_size(junk, sizeof(junk)), 0);
	assert_int_equal(cim_image_input_size(img, size + 1), 0);
	assert_int_equal(cim_image_input_size(img, 10), 0);
	assert_int_equal(cim_image_input_size(NULL, size), 0);
	/* A flipped cell: the checks pass, the CRC does not. */
	((uint8_t *)img)[size - 1] ^= 0x11;
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), -EINVAL);
	free(img);
	tu_model_free(&m);
}

/* The reference refuses images whose blocks do not belong where they say. */
static void stray_blocks_rejected(void **state)
{
	uint32_t lens[] = { 4, 4, 4 };
	struct cim_geometry g = { 4, 4, 4 };	/* 2 outputs per array */
	struct cim_image_block *vt;
	struct cim_image_op *ops;
	struct cim_image_header *h;
	struct tu_model m;
	uint64_t s = 8;
	int8_t in[4] = { 1, 2, 3, 4 }, out[4];
	uint8_t *img;
	size_t size;

	(void)state;
	tu_model_random(&m, &s, 2, lens);
	assert_int_equal(cim_image_build(&m.desc, &g, (void **)&img, &size), 0);
	h = (struct cim_image_header *)img;
	ops = (struct cim_image_op *)(img + h->ops_offset);
	vt = (struct cim_image_block *)(img + h->blocks_offset);
	assert_int_equal(h->n_blocks, 4);
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), 0);

	/* Block 1 of op 0 moved past op 0's outputs. */
	vt[1].col_base = 3;
	h->crc32 = cim_image_crc(img, size);
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), -EINVAL);
	vt[1].col_base = 2;

	/* Block 1 still names op 0 but lies outside its run. */
	ops[0].block_count = 1;
	h->crc32 = cim_image_crc(img, size);
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), -EINVAL);
	ops[0].block_count = 2;

	/* Block 1 on block 0's array, over its rows. */
	vt[1].vtile = vt[0].vtile;
	h->crc32 = cim_image_crc(img, size);
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), -EINVAL);
	vt[1].vtile = 1;

	h->crc32 = cim_image_crc(img, size);
	assert_int_equal(cim_ref_run_image(img, size, in, out, 1), 0);
	free(img);
	tu_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed),
		cmocka_unit_test(relu_chain_hand_computed),
		cmocka_unit_test(image_equals_model_random),
		cmocka_unit_test(batch_items_independent),
		cmocka_unit_test(misaligned_image_copy),
		cmocka_unit_test(arguments),
		cmocka_unit_test(stray_blocks_rejected),
	};

	return cmocka_run_group_tests_name("ref_exec", tests, NULL, NULL);
}
