// SPDX-License-Identifier: MIT
/*
 * cim_image_check() (uapi/cim_image.h, format 2) and the reference
 * executor reject every corruption of a valid image, each for the
 * reason the corruption targets, without reading past the buffer (the
 * images live in exactly-sized heap buffers; run under ASan/UBSan).
 * The fixture model has every op type, 8- and 4-bit weights, split and
 * diagonal blocks and arrays shared between ops.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cim.h"
#include "qgen.h"
#include "testutil.h"

enum { CONV0, MAXP1, AVGP2, DW3, ADD4, CAT5, SHUF6, FC7, EXIT8, FC9, N_OPS };

struct fixture {
	uint8_t *img;
	size_t size;
	struct cim_image_limits lim;
	struct qg_model model;
	uint32_t in_size, out_size;
};

static int setup(void **state)
{
	static struct fixture f;
	static uint64_t s = 1234;
	/* grouped CONVs on arrays: the block mutations need diagonal blocks */
	struct cim_map_opts o = { .geom = { 8, 8, 4 }, .max_tiles = 0,
				  .flags = CIM_MAP_NO_SIMD_CONV };
	struct qg_model *m = &f.model;
	uint32_t t;

	qg_init(m, &s, 4, 6, 6);
	t = qg_conv(m, 0, 4, 3, 1, 1, 1, 2, 8);
	t = qg_pool(m, t, CIM_OP_MAXPOOL, 2, 1, 0, 0);
	t = qg_pool(m, t, CIM_OP_AVGPOOL, 2, 2, 1, CIM_OPF_COUNT_PAD);
	qg_conv(m, t, 4, 1, 1, 1, 0, 4, 8);
	t = qg_add(m, t, t + 1);
	t = qg_concat(m, t, t - 2);
	t = qg_shuffle(m, t, 2);
	t = qg_fc(m, t, 10, 4);
	t = qg_exit(m, t, 30);
	qg_fc(m, t, 10, 8);
	qg_finish(m);
	if (m->qm.n_ops != N_OPS ||
	    cim_map_qmodel(&m->qm, &o, (void **)&f.img, &f.size, NULL))
		return -1;
	f.lim = (struct cim_image_limits){ 8, 8, 4, 8192, UINT32_MAX,
					   CIM_IMAGE_MAX_VTILES, UINT32_MAX };
	f.in_size = 4 * 6 * 6;
	f.out_size = 10;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->img);
	qg_free(&f->model);
	return 0;
}

#define H(b)		((struct cim_image_header *)(b))
#define T(b, i)		((struct cim_image_tensor *)((b) + H(b)->tensors_offset) + (i))
#define OP(b, i)	((struct cim_image_op *)((b) + H(b)->ops_offset) + (i))
#define BL(b, i)	((struct cim_image_block *)((b) + H(b)->blocks_offset) + (i))
#define FB(b, i)	BL(b, OP(b, i)->block_first)
#define PARAM(b, off)	((int32_t *)((b) + H(b)->params_offset + (off)))

/* What each mutation breaks, and the reason the checker must give. */
static const struct { const char *what, *why; } mutations[] = {
	{ "truncated by one byte", "total_size" },
	{ "bad magic", "magic" },
	{ "major version 3", "version" },
	{ "header_size 100", "header size" },
	{ "total_size + 1", "total_size" },
	{ "header flags", "flags" },
	{ "reserved[0]", "reserved" },
	{ "reserved[6]", "reserved" },
	{ "card has other tile rows", "geometry" },
	{ "cell_bits 2", "bits per cell" },
	{ "no ops", "no ops" },
	{ "no blocks", "no ops" },
	{ "no vtiles", "no ops" },
	{ "n_tensors != n_ops + 1", "tensor count" },
	{ "more vtiles than the card has", "more tiles" },
	{ "more vtiles than the format has", "more tiles" },
	{ "card with too many rows", "more tiles" },
	{ "arena 0", "arena" },
	{ "arena larger than the card's", "arena" },
	{ "tensors misaligned", "tensors section" },
	{ "tensors inside the header", "tensors section" },
	{ "tensors overlap ops", "tensors section" },
	{ "ops misaligned", "ops section" },
	{ "ops overlap blocks", "ops section" },
	{ "ops_offset huge", "section" },
	{ "blocks misaligned", "blocks section" },
	{ "blocks overlap params", "blocks section" },
	{ "params misaligned", "params section" },
	{ "params overlap cells", "params section" },
	{ "cells_size + 1", "cells section" },
	{ "cells_offset - 1", "section" },
	{ "cells_offset huge", "section" },
	{ "plan larger than plan memory", "plan larger" },
	{ "empty tensor", "tensor empty" },
	{ "tensor past the arena", "outside the arena" },
	{ "input_size mismatch", "input_size" },
	{ "output_tensor 0", "output tensor" },
	{ "output_tensor past the tensors", "output tensor" },
	{ "output_size mismatch", "output tensor" },
	{ "op type 0", "unknown op" },
	{ "op type 9", "unknown op" },
	{ "dup_w on a pool", "unused" },
	{ "kernel on an FC", "unused" },
	{ "weights on a pool", "unused" },
	{ "exit margin on an add", "unused" },
	{ "count-pad flag on a maxpool", "unused" },
	{ "dilation on a pool", "unused" },
	{ "second input on an FC", "unused" },
	{ "add rescale on a concat", "unused" },
	{ "op writes another tensor", "not yet written" },
	{ "op reads a later tensor", "not yet written" },
	{ "second input not yet written", "not yet written" },
	{ "output overlaps input", "overlaps" },
	{ "output overlaps second input", "overlaps" },
	{ "add without second input", "second input" },
	{ "in1_zp 200", "rescale" },
	{ "negative concat multiplier", "rescale" },
	{ "add in1 shift 31", "rescale" },
	{ "act_min > act_max", "activation range" },
	{ "out_zp 128", "activation range" },
	{ "in0_zp -129", "activation range" },
	{ "FC with two groups", "FC output" },
	{ "FC output 2 high", "FC output" },
	{ "conv kernel 0", "kernel" },
	{ "conv stride 0", "kernel" },
	{ "conv dilation 0", "kernel" },
	{ "conv kernel 256", "kernel" },
	{ "conv padding as large as the kernel", "padding" },
	{ "conv output size wrong", "output size" },
	{ "conv groups do not divide", "groups" },
	{ "conv groups 0", "groups" },
	{ "K longer than the card's vectors", "vector length" },
	{ "negative multiplier", "multiplier or shift" },
	{ "shift 31", "multiplier or shift" },
	{ "shift -32", "multiplier or shift" },
	{ "bias misaligned", "requantization parameters" },
	{ "mult past params", "requantization parameters" },
	{ "shift_offset huge", "requantization parameters" },
	{ "weight zero points on an 8-bit op", "zero points on an 8-bit" },
	{ "4-bit zero points past params", "zero points outside" },
	{ "4-bit zero point 16", "out of 4 bits" },
	{ "4-bit zero point -1", "out of 4 bits" },
	{ "wbits 2", "8 or 4 bits" },
	{ "block_count 0", "blocks out of range" },
	{ "block_first off by one", "blocks out of range" },
	{ "block run past n_blocks", "blocks out of range" },
	{ "block of another op", "belong" },
	{ "block on a missing tile", "tile the image does not have" },
	{ "g_count 0", "outside its op" },
	{ "groups past G", "outside its op" },
	{ "rows 0", "outside its op" },
	{ "rows past Kg", "outside its op" },
	{ "outs 0", "outside its op" },
	{ "col_base past Ng", "outside its op" },
	{ "row_base huge", "outside its op" },
	{ "block past the array's rows", "larger than its array" },
	{ "block past the array's columns", "larger than its array" },
	{ "array_col huge", "larger than its array" },
	{ "blocks of an array overlap", "overlap" },
	{ "block cells out of order", "cells not where" },
	{ "block cells_size + 1", "cells not where" },
	{ "block short of its op's matrix", "cover" },
	{ "pool with groups", "channel" },
	{ "pool changes channels", "channel" },
	{ "pool output size wrong", "output size" },
	{ "add of different shapes", "different shapes" },
	{ "add left_shift 21", "add rescale" },
	{ "add negative out multiplier", "add rescale" },
	{ "concat channels do not add up", "concat" },
	{ "shuffle groups 0", "shuffle" },
	{ "shuffle groups 3 of 8 channels", "shuffle" },
	{ "exit with groups", "exit" },
	{ "n_exits 0", "n_exits" },
	{ "a tile no block uses", "no block uses" },
	{ "a 2.1 op in a 2.0 image", "needs image version 2.1" },
	{ "slice past its input's channels", "slice outside" },
	{ "lut_offset on a shuffle", "unused by its type" },
	{ "chan_first on a shuffle", "unused by its type" },
	{ "lookup table past params", "lookup table outside params" },
	{ "mul of shapes that do not broadcast", "mul of tensors" },
	{ "duplicated window on a grouped CONV", "bad duplicated window" },
	{ "duplicated window in a 2.1 image", "bad duplicated window" },
	{ "SIMD CONV in a 2.1 image", "needs image version 2.2" },
};
#define N_MUT	(sizeof(mutations) / sizeof(mutations[0]))

/* Returns 1 if the mutation is about the card's limits, not the image. */
static int mutate(unsigned int m, uint8_t *b, size_t *size,
		  struct cim_image_limits *lim)
{
	struct cim_image_header *h = H(b);
	struct cim_image_block *last = BL(b, h->n_blocks - 1);

	switch (m) {
	case 0: (*size)--; break;
	case 1: h->magic ^= 1; break;
	case 2: h->version_major = 3; break;
	case 3: h->header_size = 100; break;
	case 4: h->total_size++; break;
	case 5: h->flags = 1; break;
	case 6: h->reserved[0] = 1; break;
	case 7: h->reserved[6] = 0x80000000u; break;
	case 8: lim->tile_rows = 16; return 1;
	case 9: h->cell_bits = 2; break;
	case 10: h->n_ops = 0; break;
	case 11: h->n_blocks = 0; break;
	case 12: h->n_vtiles = 0; break;
	case 13: h->n_tensors--; break;
	case 14: lim->max_vtiles = h->n_vtiles - 1; return 1;
	case 15: h->n_vtiles = 257; lim->max_vtiles = 1000; break;
	case 16: lim->tile_rows = h->tile_rows = 65536; break;
	case 17: h->arena_size = 0; break;
	case 18: lim->max_arena = h->arena_size - 1; return 1;
	case 19: h->tensors_offset += 4; break;
	case 20: h->tensors_offset = 64; break;
	case 21: h->tensors_offset += 8; break;
	case 22: h->ops_offset += 4; break;
	case 23: h->ops_offset += 8; break;
	case 24: h->ops_offset = 0xfffffff8u; break;
	case 25: h->blocks_offset += 4; break;
	case 26: h->n_blocks++; break;
	case 27: h->params_offset += 2; break;
	case 28: h->params_size += 4; break;
	case 29: h->cells_size++; break;
	case 30: h->cells_offset -= 1; break;
	case 31: h->cells_offset = 0xffffffffu; break;
	case 32: lim->max_plan_bytes = h->cells_offset - 1; return 1;
	case 33: T(b, 3)->w = 0; break;
	case 34: T(b, 5)->offset = h->arena_size - 1; break;
	case 35: h->input_size++; break;
	case 36: h->output_tensor = 0; break;
	case 37: h->output_tensor = h->n_tensors; break;
	case 38: h->output_size++; break;
	case 39: OP(b, ADD4)->type = 0; break;
	case 40: OP(b, ADD4)->type = CIM_OP_MAX + 1; break;
	case 41: OP(b, MAXP1)->dup_w = 2; break;
	case 42: OP(b, FC7)->kernel_h = 1; break;
	case 43: OP(b, MAXP1)->wbits = 8; break;
	case 44: OP(b, ADD4)->exit_margin = 1; break;
	case 45: OP(b, MAXP1)->flags = CIM_OPF_COUNT_PAD; break;
	case 46: OP(b, AVGP2)->dil_h = 2; break;
	case 47: OP(b, FC9)->in1 = 0; break;
	case 48: OP(b, CAT5)->left_shift = 1; break;
	case 49: OP(b, SHUF6)->out = SHUF6; break;
	case 50: OP(b, MAXP1)->in0 = 2; break;
	case 51: OP(b, CAT5)->in1 = CAT5 + 1; break;
	case 52: T(b, MAXP1 + 1)->offset = T(b, OP(b, MAXP1)->in0)->offset; break;
	case 53: T(b, ADD4 + 1)->offset = T(b, OP(b, ADD4)->in1)->offset; break;
	case 54: OP(b, ADD4)->in1 = CIM_TENSOR_NONE; break;
	case 55: OP(b, ADD4)->in1_zp = 200; break;
	case 56: OP(b, CAT5)->in0_mult = -1; break;
	case 57: OP(b, ADD4)->in1_shift = 31; break;
	case 58: OP(b, CONV0)->act_min = 5; OP(b, CONV0)->act_max = 4; break;
	case 59: OP(b, FC7)->out_zp = 128; break;
	case 60: OP(b, DW3)->in0_zp = -129; break;
	case 61: OP(b, FC9)->groups = 2; break;
	case 62: T(b, FC7 + 1)->h = 2; break;
	case 63: OP(b, CONV0)->kernel_w = 0; break;
	case 64: OP(b, CONV0)->stride_h = 0; break;
	case 65: OP(b, CONV0)->dil_w = 0; break;
	case 66: OP(b, CONV0)->kernel_h = 256; break;
	case 67: OP(b, CONV0)->pad_top = 3; break;
	case 68: OP(b, CONV0)->stride_w = 2; break;
	case 69: OP(b, CONV0)->groups = 3; break;
	case 70: OP(b, DW3)->groups = 0; break;
	case 71: lim->max_vector = 20; return 1;
	case 72: PARAM(b, OP(b, FC9)->mult_offset)[2] = -1; break;
	case 73: PARAM(b, OP(b, CONV0)->shift_offset)[3] = 31; break;
	case 74: PARAM(b, OP(b, FC7)->shift_offset)[0] = -32; break;
	case 75: OP(b, CONV0)->bias_offset += 2; break;
	case 76: OP(b, FC9)->mult_offset = h->params_size - 4; break;
	case 77: OP(b, DW3)->shift_offset = 0xfffffffcu; break;
	case 78: OP(b, FC9)->wzp_offset = 4; break;
	case 79: OP(b, FC7)->wzp_offset = h->params_size; break;
	case 80: PARAM(b, OP(b, FC7)->wzp_offset)[9] = 16; break;
	case 81: PARAM(b, OP(b, FC7)->wzp_offset)[0] = -1; break;
	case 82: OP(b, FC9)->wbits = 2; break;
	case 83: OP(b, DW3)->block_count = 0; break;
	case 84: OP(b, FC7)->block_first++; break;
	case 85: OP(b, FC9)->block_count = 0xffffffffu; break;
	case 86: FB(b, FC7)->op = FC9; break;
	case 87: FB(b, CONV0)->vtile = h->n_vtiles; break;
	case 88: FB(b, DW3)->g_count = 0; break;
	case 89: FB(b, DW3)->g_first = 4; break;
	case 90: FB(b, FC9)->rows = 0; break;
	case 91: FB(b, FC9)->rows = 11; break;
	case 92: FB(b, CONV0)->outs = 0; break;
	case 93: FB(b, FC9)->col_base = 10; break;
	case 94: FB(b, FC9)->row_base = 0xfffffff0u; break;
	case 95: FB(b, FC9)->array_row = 1; break;
	case 96: FB(b, FC9)->array_col = 1; break;
	case 97: FB(b, FC9)->array_col = 0xfffffff0u; break;
	case 98:
		/* The second block of an array moved up into the first. */
		{
			uint32_t i, j;

			for (i = 1; i < h->n_blocks; i++)
				for (j = 0; j < i; j++)
					if (BL(b, i)->vtile == BL(b, j)->vtile) {
						BL(b, i)->array_row = BL(b, j)->array_row;
						return 0;
					}
		}
		break;
	case 99: BL(b, 1)->cells_offset++; break;
	case 100: BL(b, 0)->cells_size++; break;
	case 101:
		last->outs--;
		last->cells_size = (uint32_t)cim_block_cells_size(last, 8);
		break;
	case 102: OP(b, MAXP1)->groups = 1; break;
	case 103: T(b, MAXP1 + 1)->c = 3; break;
	case 104: OP(b, AVGP2)->stride_h = 1; break;
	case 105: T(b, ADD4 + 1)->w = 1; break;
	case 106: OP(b, ADD4)->left_shift = 21; break;
	case 107: OP(b, ADD4)->out_mult = -5; break;
	case 108: T(b, CAT5 + 1)->c = 9; break;
	case 109: OP(b, SHUF6)->groups = 0; break;
	case 110: OP(b, SHUF6)->groups = 3; break;
	case 111: OP(b, EXIT8)->groups = 1; break;
	case 112: h->n_exits = 0; break;
	case 113: h->n_vtiles++; break;
	case 114:
		h->version_minor = 0;
		OP(b, SHUF6)->type = CIM_OP_SLICE;
		OP(b, SHUF6)->groups = 0;
		break;
	case 115:
		OP(b, SHUF6)->type = CIM_OP_SLICE;
		OP(b, SHUF6)->groups = 0;
		OP(b, SHUF6)->chan_first = 1;
		break;
	case 116: OP(b, SHUF6)->lut_offset = 4; break;
	case 117: OP(b, SHUF6)->chan_first = 4; break;
	case 118:
		OP(b, SHUF6)->type = CIM_OP_LUT;
		OP(b, SHUF6)->groups = 0;
		OP(b, SHUF6)->lut_offset = h->params_size - 16;
		break;
	case 119:
		OP(b, ADD4)->type = CIM_OP_MUL;
		OP(b, ADD4)->left_shift = 0;
		OP(b, ADD4)->in0_mult = OP(b, ADD4)->in0_shift = 0;
		OP(b, ADD4)->in1_mult = OP(b, ADD4)->in1_shift = 0;
		T(b, ADD4 + 1)->w = 1;
		break;
	case 120: OP(b, CONV0)->dup_w = 2; break;
	case 121:
		OP(b, CONV0)->dup_w = 2;
		OP(b, CONV0)->groups = 1;
		h->version_minor = 1;
		break;
	case 122:
		h->version_minor = 1;
		OP(b, CONV0)->flags = CIM_OPF_SIMD;
		OP(b, CONV0)->block_count = 0;
		break;
	}
	return 0;
}

static void every_corruption_rejected_for_its_reason(void **state)
{
	struct fixture *f = *state;
	unsigned int m;

	for (m = 0; m < N_MUT; m++) {
		struct cim_image_limits lim = f->lim;
		size_t size = f->size;
		uint8_t *b = tu_dup(f->img, f->size);
		const char *why = NULL;
		int8_t in[4 * 6 * 6] = { 0 }, out[10];
		uint8_t *exact;
		int limit_only;

		limit_only = mutate(m, b, &size, &lim);
		/* Keep the CRC right so that the structure check must catch it. */
		if (size >= sizeof(struct cim_image_header))
			H(b)->crc32 = cim_image_crc(b, size);
		exact = tu_dup(b, size);
		if (cim_image_check(exact, size, &lim, &why) == 0)
			fail_msg("mutation %u (%s) not rejected", m, mutations[m].what);
		assert_non_null(why);
		if (!strstr(why, mutations[m].why))
			fail_msg("mutation %u (%s) rejected for '%s', not '%s'", m,
				 mutations[m].what, why, mutations[m].why);
		if (!limit_only && cim_ref_run_image(exact, size, in, out, 1) != -EINVAL)
			fail_msg("reference ran mutation %u (%s)", m, mutations[m].what);
		free(exact);
		free(b);
	}
}

static void unmutated_image_passes(void **state)
{
	struct fixture *f = *state;
	const struct cim_image_header *h = (const void *)f->img;
	const char *why = NULL;
	uint8_t *b = tu_dup(f->img, f->size);
	uint32_t i, diag = 0, shared = 0, w4 = 0;

	assert_int_equal(cim_image_check(b, f->size, &f->lim, &why), 0);
	/* The fixture has what the mutations need. */
	for (i = 0; i < h->n_blocks; i++) {
		diag += BL(b, i)->g_count > 1;
		w4 += OP(b, BL(b, i)->op)->wbits == 4;
		shared += i && BL(b, i)->vtile == BL(b, i - 1)->vtile &&
			  BL(b, i)->op != BL(b, i - 1)->op;
	}
	assert_true(diag && w4 && shared);
	assert_true(FB(b, FC9)->rows == 8 && FB(b, FC9)->array_row == 0);
	assert_int_equal(h->n_exits, 1);
	/* A newer minor version is still version 2. */
	H(b)->version_minor = 7;
	H(b)->crc32 = cim_image_crc(b, f->size);
	assert_int_equal(cim_image_check(b, f->size, &f->lim, &why), 0);
	free(b);
}

/* The checker reads only the plan: give it exactly the plan bytes. */
static void plan_only_buffer(void **state)
{
	struct fixture *f = *state;
	const char *why = NULL;
	uint8_t *plan = tu_dup(f->img, H(f->img)->cells_offset);

	assert_int_equal(cim_image_check(plan, f->size, &f->lim, &why), 0);
	free(plan);
}

static void every_truncation_rejected(void **state)
{
	struct fixture *f = *state;
	size_t len;

	for (len = 0; len < f->size; len++) {
		uint8_t *b = tu_dup(f->img, len);
		const char *why = NULL;
		int8_t in[4 * 6 * 6] = { 0 }, out[10];

		assert_int_equal(cim_image_check(b, len, &f->lim, &why), -1);
		assert_int_equal(cim_ref_run_image(b, len, in, out, 1), -EINVAL);
		assert_int_equal(cim_image_input_size(b, len), 0);
		free(b);
	}
}

static void bad_crc_rejected(void **state)
{
	struct fixture *f = *state;
	int8_t in[4 * 6 * 6] = { 0 }, out[10];
	size_t at;

	for (at = 0; at < f->size; at += 97) {
		uint8_t *b = tu_dup(f->img, f->size);

		b[at] ^= 0x40;
		if (at >= 16 && at < 20) {	/* the crc32 field itself */
			free(b);
			continue;
		}
		assert_int_not_equal(cim_image_crc(b, f->size), H(b)->crc32);
		assert_int_equal(cim_ref_run_image(b, f->size, in, out, 1), -EINVAL);
		free(b);
	}
}

/* Random damage with the CRC fixed up: never a crash, mostly a rejection. */
static void fuzz_plan(void **state)
{
	static const uint32_t words[] = { 0, 1, 2, 3, 7, 8, 9, 255, 256,
					  0x7fffffffu, 0x80000000u, 0xffffffffu,
					  0xfffffff8u, 8192, 8193, 65535 };
	struct fixture *f = *state;
	uint32_t plan = H(f->img)->cells_offset;
	uint64_t s = 77;
	int i, rejected = 0, ran = 0;

	for (i = 0; i < 4000; i++) {
		size_t size = f->size;
		uint8_t *b = tu_dup(f->img, size);
		const char *why = NULL;
		int8_t in[4 * 6 * 6], out[10];
		int j, n = (int)tu_range(&s, 1, 3);

		tu_fill_i8(&s, in, sizeof(in));
		for (j = 0; j < n; j++) {
			uint32_t at = (uint32_t)tu_range(&s, 0, plan / 4 - 1) * 4;
			uint32_t v = tu_range(&s, 0, 1) ?
				     words[tu_range(&s, 0, 15)] :
				     (uint32_t)tu_rand(&s);

			if (at == 16)	/* leave the crc alone */
				continue;
			if (tu_range(&s, 0, 2) == 0)	/* a nearby value */
				memcpy(&v, b + at, 4), v += (uint32_t)tu_range(&s, -2, 2);
			memcpy(b + at, &v, 4);
		}
		H(b)->crc32 = cim_image_crc(b, size);
		if (cim_image_check(b, size, &f->lim, &why)) {
			assert_non_null(why);
			rejected++;
		}
		if (cim_ref_run_image(b, size, in, out, 1) == 0)
			ran++;
		free(b);
	}
	print_message("fuzz: %d of 4000 rejected, %d ran\n", rejected, ran);
	/* Most damage is caught; some (e.g. in bias values) is harmless. */
	assert_true(rejected > 2000);
	assert_true(ran > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unmutated_image_passes),
		cmocka_unit_test(every_corruption_rejected_for_its_reason),
		cmocka_unit_test(plan_only_buffer),
		cmocka_unit_test(every_truncation_rejected),
		cmocka_unit_test(bad_crc_rejected),
		cmocka_unit_test(fuzz_plan),
	};

	return cmocka_run_group_tests_name("image_check", tests, setup, teardown);
}
