// SPDX-License-Identifier: MIT
/*
 * cim_image_build(): header fields, hand-computed cells and params,
 * deterministic bytes, splitting over tiles, and rejection of bad models.
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

static const struct cim_image_header *hdr(const void *img)
{
	return img;
}

static struct cim_image_limits limits_for(const struct cim_geometry *g)
{
	struct cim_image_limits lim = {
		.tile_rows = g->tile_rows, .tile_cols = g->tile_cols,
		.cell_bits = 4, .max_vector = 8192,
		.max_plan_bytes = UINT32_MAX, .max_vtiles = CIM_IMAGE_MAX_VTILES,
		.max_arena = UINT32_MAX,
	};

	return lim;
}

/* K = 2 inputs, N = 3 outputs on 2 x 4 tiles (2 outputs per tile). */
static const int8_t tiny_w[3 * 2] = {
	1, 127,		/* output 0: k0, k1 */
	-1, -127,	/* output 1 */
	0, 16,		/* output 2 */
};
static const int32_t tiny_bias[3] = { 10, -20, 0 };
static const int32_t tiny_mult[3] = { HALF, HALF + 1, INT32_MAX };
static const int32_t tiny_shift[3] = { -1, 0, -31 };

static struct cim_fc_layer tiny_layer(void)
{
	struct cim_fc_layer l = {
		.in_len = 2, .out_len = 3, .weights = tiny_w, .bias = tiny_bias,
		.mult = tiny_mult, .shift = tiny_shift, .in_zp = 3,
		.out_zp = -4, .act_min = -4, .act_max = 100,
	};

	return l;
}

static void header_fields(void **state)
{
	struct cim_fc_layer l = tiny_layer();
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 2, 4, 4 };
	struct cim_image_limits lim = limits_for(&g);
	const struct cim_image_header *h;
	const char *why = NULL;
	void *img;
	size_t size;

	(void)state;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	h = hdr(img);
	assert_int_equal(h->magic, CIM_IMAGE_MAGIC);
	assert_int_equal(h->version_major, 2);
	assert_int_equal(h->version_minor, CIM_IMAGE_VERSION_MINOR);
	assert_int_equal(h->header_size, 128);
	assert_int_equal(h->total_size, size);
	assert_int_equal(h->flags, 0);
	assert_int_equal(h->tile_rows, 2);
	assert_int_equal(h->tile_cols, 4);
	assert_int_equal(h->cell_bits, 4);
	assert_int_equal(h->n_tensors, 2);
	assert_int_equal(h->tensors_offset, 128);
	assert_int_equal(h->n_ops, 1);
	assert_int_equal(h->ops_offset, 128 + 2 * 16);
	assert_int_equal(h->n_blocks, 2);
	assert_int_equal(h->blocks_offset, 160 + 160);
	/* 2 outputs per 4-cell row: outputs 0-1 fill array 0, output 2 array 1. */
	assert_int_equal(h->n_vtiles, 2);
	assert_int_equal(h->params_offset, 320 + 2 * 48);
	assert_int_equal(h->params_size, 3 * 12);
	assert_int_equal(h->cells_offset, 416 + 36);
	assert_int_equal(h->cells_size, 6);
	assert_int_equal(size, 452 + 6);
	/* Input at 0; the output, written while the input is read, at 8. */
	assert_int_equal(h->arena_size, 8 + 3);
	assert_int_equal(cim_image_tensors(img)[1].offset, 8);
	assert_int_equal(h->output_tensor, 1);
	assert_int_equal(h->input_size, 2);
	assert_int_equal(h->output_size, 3);
	assert_int_equal(h->n_exits, 0);
	for (int i = 0; i < 7; i++)
		assert_int_equal(h->reserved[i], 0);
	assert_int_equal(h->crc32, cim_image_crc(img, size));
	assert_int_equal(cim_image_check(img, size, &lim, &why), 0);
	assert_int_equal(cim_image_input_size(img, size), 2);
	assert_int_equal(cim_image_output_size(img, size), 3);
	free(img);
}

static void hand_computed_cells_and_params(void **state)
{
	struct cim_fc_layer l = tiny_layer();
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 2, 4, 4 };
	/*
	 * u = w + 128, byte = (u >> 4) | (u & 15) << 4:
	 *   1 -> 0x81 -> 0x18     127 -> 0xff -> 0xff    -1 -> 0x7f -> 0xf7
	 * -127 -> 0x01 -> 0x10      0 -> 0x80 -> 0x08    16 -> 0x90 -> 0x09
	 * block 0 = rows 0-1 x outputs 0-1, row-major; block 1 = output 2.
	 */
	static const uint8_t cells[6] = { 0x18, 0xf7, 0xff, 0x10, 0x08, 0x09 };
	/* bias' = bias - 3 * sum w: 10 - 3*128, -20 + 3*128, 0 - 3*16. */
	static const int32_t params[9] = {
		-374, 364, -48,
		HALF, HALF + 1, INT32_MAX,
		-1, 0, -31,
	};
	const struct cim_image_header *h;
	const struct cim_image_op *op;
	const struct cim_image_block *vt;
	uint8_t *img;
	size_t size;

	(void)state;
	assert_int_equal(cim_image_build(&m, &g, (void **)&img, &size), 0);
	h = hdr(img);
	assert_memory_equal(img + h->cells_offset, cells, sizeof(cells));
	assert_memory_equal(img + h->params_offset, params, sizeof(params));

	op = cim_image_ops(img);
	assert_int_equal(op->type, CIM_OP_FC);
	assert_int_equal(op->in0, 0);
	assert_int_equal(op->in1, CIM_TENSOR_NONE);
	assert_int_equal(op->out, 1);
	assert_int_equal(op->wbits, 8);
	assert_int_equal(op->groups, 1);
	assert_int_equal(op->block_first, 0);
	assert_int_equal(op->block_count, 2);
	assert_int_equal(op->in0_zp, 3);
	assert_int_equal(op->out_zp, -4);
	assert_int_equal(op->act_min, -4);
	assert_int_equal(op->act_max, 100);
	assert_int_equal(op->bias_offset, 0);
	assert_int_equal(op->mult_offset, 12);
	assert_int_equal(op->shift_offset, 24);

	assert_int_equal(op->wzp_offset, 0);
	vt = cim_image_blocks(img);
	assert_int_equal(vt[0].vtile, 0);
	assert_int_equal(vt[1].vtile, 1);
	assert_int_equal(vt[0].g_count, 1);
	assert_int_equal(vt[0].row_base, 0);
	assert_int_equal(vt[0].rows, 2);
	assert_int_equal(vt[0].col_base, 0);
	assert_int_equal(vt[0].outs, 2);
	assert_int_equal(vt[0].cells_offset, 0);
	assert_int_equal(vt[0].cells_size, 4);
	assert_int_equal(vt[1].col_base, 2);
	assert_int_equal(vt[1].outs, 1);
	assert_int_equal(vt[1].cells_offset, 4);
	assert_int_equal(vt[1].cells_size, 2);
	free(img);
}

static void deterministic_bytes(void **state)
{
	uint32_t lens[] = { 300, 200, 10 };
	struct cim_geometry g = { 64, 32, 4 };
	struct tu_model m1, m2;
	uint64_t s1 = 42, s2 = 42;
	void *a, *b;
	size_t sa, sb;

	(void)state;
	tu_model_random(&m1, &s1, 2, lens);
	tu_model_random(&m2, &s2, 2, lens);
	assert_int_equal(cim_image_build(&m1.desc, &g, &a, &sa), 0);
	assert_int_equal(cim_image_build(&m2.desc, &g, &b, &sb), 0);
	assert_int_equal(sa, sb);
	assert_memory_equal(a, b, sa);
	free(b);
	/* A one-weight change shows up in the bytes and the CRC. */
	m2.w[1][7] = (int8_t)(m2.w[1][7] == 5 ? 6 : 5);
	assert_int_equal(cim_image_build(&m2.desc, &g, &b, &sb), 0);
	assert_memory_not_equal(a, b, sa);
	assert_int_not_equal(hdr(a)->crc32, hdr(b)->crc32);
	free(a);
	free(b);
	tu_model_free(&m1);
	tu_model_free(&m2);
}

/*
 * K = 600, N = 300 on 256 x 256 tiles: 3 row blocks x 3 column blocks;
 * then 300 x 130: 2 x 2.  Blocks of less than 256 rows share arrays.
 */
static void split_both_dimensions(void **state)
{
	static const uint32_t rb[3] = { 0, 256, 512 }, rn[3] = { 256, 256, 88 };
	static const uint32_t cb[3] = { 0, 128, 256 }, cn[3] = { 128, 128, 44 };
	/* array, row on it: 88-row and 44-row blocks fill arrays 6 and 7. */
	static const uint32_t tile[13] = { 0, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 6, 7 };
	static const uint32_t arow[13] = { 0, 0, 0, 0, 0, 0, 0, 88, 0, 0, 0,
					   176, 88 };
	uint32_t lens[] = { 600, 300, 130 };
	struct cim_geometry g = { 256, 256, 4 };
	const struct cim_image_block *vt;
	const struct cim_image_op *ops;
	struct tu_model m;
	uint64_t s = 7, at = 0;
	uint8_t *img;
	size_t size;
	uint32_t i;

	(void)state;
	tu_model_random(&m, &s, 2, lens);
	assert_int_equal(cim_image_build(&m.desc, &g, (void **)&img, &size), 0);
	ops = cim_image_ops(img);
	vt = cim_image_blocks(img);
	assert_int_equal(hdr(img)->n_blocks, 9 + 4);
	assert_int_equal(hdr(img)->n_vtiles, 10);
	assert_int_equal(ops[0].block_first, 0);
	assert_int_equal(ops[0].block_count, 9);
	assert_int_equal(ops[1].block_first, 9);
	assert_int_equal(ops[1].block_count, 4);
	for (i = 0; i < 9; i++) {
		assert_int_equal(vt[i].op, 0);
		assert_int_equal(vt[i].row_base, rb[i / 3]);
		assert_int_equal(vt[i].rows, rn[i / 3]);
		assert_int_equal(vt[i].col_base, cb[i % 3]);
		assert_int_equal(vt[i].outs, cn[i % 3]);
	}
	for (i = 0; i < 13; i++) {
		assert_int_equal(vt[i].vtile, tile[i]);
		assert_int_equal(vt[i].array_row, arow[i]);
	}
	assert_int_equal(vt[11].row_base, 256);
	assert_int_equal(vt[11].rows, 44);
	assert_int_equal(vt[12].col_base, 128);
	assert_int_equal(vt[12].outs, 2);
	for (i = 0; i < 13; i++) {
		assert_int_equal(vt[i].cells_offset, at);
		assert_int_equal(vt[i].cells_size, vt[i].rows * vt[i].outs);
		at += vt[i].cells_size;
	}
	assert_int_equal(at, hdr(img)->cells_size);
	assert_int_equal(at, 600 * 300 + 300 * 130);
	/* A cell far inside: output 200 (column block 1, j = 72), input 300. */
	{
		const struct cim_image_block *t = &vt[1 * 3 + 1];
		uint8_t byte = img[hdr(img)->cells_offset + t->cells_offset +
				   (300 - 256) * t->outs + (200 - 128)];
		int w = 16 * (byte & 15) + (byte >> 4) - 128;

		assert_int_equal(w, m.w[0][200 * 600 + 300]);
	}
	free(img);
	tu_model_free(&m);
}

/* Odd tile_cols: the spare bit line is not used (floor(cols / 2) outputs). */
static void odd_tile_cols(void **state)
{
	uint32_t lens[] = { 3, 5 };
	struct cim_geometry g = { 3, 5, 4 };
	struct tu_model m;
	uint64_t s = 3;
	void *img;
	size_t size;

	(void)state;
	tu_model_random(&m, &s, 1, lens);
	assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
	assert_int_equal(hdr(img)->n_vtiles, 3);	/* 2 + 2 + 1 outputs */
	assert_int_equal(cim_image_blocks(img)[2].outs, 1);
	free(img);
	tu_model_free(&m);
}

static void fold_in_zp(void **state)
{
	static const int8_t w[4] = { 10, 20, -30, 40 };	/* 2 outputs x 2 */
	static const int32_t bias[2] = { 1000, -1000 };
	static const int32_t mult[2] = { HALF, HALF };
	static const int32_t shift[2] = { 0, 0 };
	struct cim_fc_layer l = {
		2, 2, w, bias, mult, shift, -128, 0, -128, 127,
	};
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 16, 16, 4 };
	const int32_t *p;
	void *img;
	size_t size;

	(void)state;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	p = cim_image_param(img, cim_image_ops(img)->bias_offset);
	assert_int_equal(p[0], 1000 + 128 * 30);	/* sum w = 30 */
	assert_int_equal(p[1], -1000 + 128 * 10);	/* sum w = 10 */
	assert_int_equal(cim_image_ops(img)->in0_zp, -128);
	free(img);

	l.in_zp = 0;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	p = cim_image_param(img, cim_image_ops(img)->bias_offset);
	assert_int_equal(p[0], 1000);
	assert_int_equal(p[1], -1000);
	free(img);
}

static void fold_overflow_rejected(void **state)
{
	static const int8_t w[2] = { 127, 127 };
	int32_t bias[1] = { INT32_MAX - 1000 };
	static const int32_t mult[1] = { 1 }, shift[1] = { 0 };
	struct cim_fc_layer l = { 2, 1, w, bias, mult, shift, -1, 0, -128, 127 };
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 16, 16, 4 };
	void *img = NULL;
	size_t size;

	(void)state;
	/* bias' = bias + 254 fits, but bias' + 128 * 254 does not: rejected. */
	assert_int_equal(cim_image_build(&m, &g, &img, &size), -EINVAL);
	assert_null(img);
	/* bias' itself overflowing int32. */
	bias[0] = INT32_MAX;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), -EINVAL);
	bias[0] = INT32_MIN;
	l.in_zp = 1;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), -EINVAL);
	/* The largest bias that still leaves room for every input. */
	bias[0] = INT32_MAX - 128 * 254 - 254;
	l.in_zp = -1;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	free(img);
}

/* Mutations that make a valid model invalid, each on a fresh copy. */
enum mutation {
	MUT_WEIGHT_M128, MUT_MULT_NEG, MUT_SHIFT_LOW, MUT_SHIFT_HIGH,
	MUT_OUT_ZP, MUT_IN_ZP, MUT_ACT_MIN, MUT_ACT_MAX, MUT_ACT_ORDER,
	MUT_IN_LEN0, MUT_OUT_LEN0, MUT_IN_LEN_BIG, MUT_CHAIN, MUT_NULL_W,
	MUT_NULL_BIAS, MUT_NO_LAYERS, MUT_WRAPPING_SHIFT, MUT_COUNT
};

static void bad_models_rejected(void **state)
{
	uint32_t lens[] = { 20, 30, 5 };
	struct cim_geometry g = { 8, 8, 4 };
	int mut;

	(void)state;
	for (mut = 0; mut < MUT_COUNT; mut++) {
		struct tu_model m;
		uint64_t s = 11;
		void *img = NULL;
		size_t size = 0;

		tu_model_random(&m, &s, 2, lens);
		/* The unmutated model builds. */
		assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), 0);
		free(img);
		img = NULL;
		switch (mut) {
		case MUT_WEIGHT_M128: m.w[1][17] = -128; break;
		case MUT_MULT_NEG: m.mult[0][3] = -1; break;
		case MUT_SHIFT_LOW: m.shift[1][0] = -32; break;
		case MUT_SHIFT_HIGH: m.shift[0][29] = 31; break;
		case MUT_OUT_ZP: m.layer[0].out_zp = 128; break;
		case MUT_IN_ZP: m.layer[1].in_zp = -129; break;
		case MUT_ACT_MIN: m.layer[1].act_min = -129; break;
		case MUT_ACT_MAX: m.layer[0].act_max = 128; break;
		case MUT_ACT_ORDER:
			m.layer[0].act_min = 10;
			m.layer[0].act_max = 9;
			break;
		case MUT_IN_LEN0: m.layer[0].in_len = 0; break;
		case MUT_OUT_LEN0: m.layer[1].out_len = 0; break;
		case MUT_IN_LEN_BIG: m.layer[0].in_len = 8193; break;
		case MUT_CHAIN: m.layer[1].in_len = 29; break;
		case MUT_NULL_W: m.layer[1].weights = NULL; break;
		case MUT_NULL_BIAS: m.layer[0].bias = NULL; break;
		case MUT_NO_LAYERS: m.desc.n_layers = 0; break;
		case MUT_WRAPPING_SHIFT:
			/* |acc| * 2^30 no longer fits an int32. */
			m.shift[0][0] = 30;
			m.mult[0][0] = INT32_MAX;
			break;
		}
		assert_int_equal(cim_image_build(&m.desc, &g, &img, &size), -EINVAL);
		assert_null(img);
		assert_int_equal(cim_ref_run_model(&m.desc, (int8_t[20]){ 0 },
						   (int8_t[5]){ 0 }, 1), -EINVAL);
		tu_model_free(&m);
	}
}

static void bad_geometry_and_args(void **state)
{
	struct cim_fc_layer l = tiny_layer();
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 2, 4, 4 };
	struct cim_geometry bad[] = { { 2, 4, 2 }, { 0, 4, 4 }, { 2, 1, 4 },
				      { 2, 0, 4 } };
	void *img = NULL;
	size_t size;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cim_image_build(&m, &bad[i], &img, &size), -EINVAL);
	assert_int_equal(cim_image_build(&m, NULL, &img, &size), -EINVAL);
	assert_int_equal(cim_image_build(NULL, &g, &img, &size), -EINVAL);
	assert_int_equal(cim_image_build(&m, &g, NULL, &size), -EINVAL);
	assert_int_equal(cim_image_build(&m, &g, &img, NULL), -EINVAL);
	m.layers = NULL;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), -EINVAL);
	assert_null(img);
}

static void boundary_values_accepted(void **state)
{
	static int8_t w[8192];
	static const int32_t bias[1] = { 0 }, mult[1] = { INT32_MAX };
	int32_t shift[1] = { -31 };
	struct cim_fc_layer l = { 8192, 1, w, bias, mult, shift, 127, -128,
				  -128, 127 };
	struct cim_model_desc m = { 1, &l };
	struct cim_geometry g = { 1024, 1024, 4 };
	void *img;
	size_t size;
	int i;

	(void)state;
	for (i = 0; i < 8192; i++)
		w[i] = (int8_t)(i & 1 ? 127 : -127);
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	assert_int_equal(hdr(img)->n_vtiles, 8);
	free(img);
	/* shift 30 is fine when the accumulator cannot leave [-1, 1]. */
	memset(w, 0, sizeof(w));
	shift[0] = 30;
	l.in_zp = 0;
	assert_int_equal(cim_image_build(&m, &g, &img, &size), 0);
	free(img);
}

/* Three 8192 x 8192 layers on 1 x 2 tiles: 201M arrays, past the format's 256. */
static void image_too_big_rejected(void **state)
{
	int8_t *w = calloc(8192, 8192);
	int32_t *v = calloc(8192, sizeof(int32_t));
	struct cim_fc_layer l[3];
	struct cim_model_desc m = { 3, l };
	struct cim_geometry g = { 1, 2, 4 };
	void *img = NULL;
	size_t size;

	(void)state;
	assert_non_null(w);
	assert_non_null(v);
	l[0] = (struct cim_fc_layer){ 8192, 8192, w, v, v, v, 0, 0, -128, 127 };
	l[1] = l[0];
	l[2] = l[0];
	assert_int_equal(cim_image_build(&m, &g, &img, &size), -EINVAL);
	assert_null(img);
	free(w);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_fields),
		cmocka_unit_test(hand_computed_cells_and_params),
		cmocka_unit_test(deterministic_bytes),
		cmocka_unit_test(split_both_dimensions),
		cmocka_unit_test(odd_tile_cols),
		cmocka_unit_test(fold_in_zp),
		cmocka_unit_test(fold_overflow_rejected),
		cmocka_unit_test(bad_models_rejected),
		cmocka_unit_test(bad_geometry_and_args),
		cmocka_unit_test(boundary_values_accepted),
		cmocka_unit_test(image_too_big_rejected),
	};

	return cmocka_run_group_tests_name("image_build", tests, NULL, NULL);
}
