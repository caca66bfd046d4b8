// SPDX-License-Identifier: MIT
/*
 * cim_image_check() (uapi/cim_image.h) and the reference executor reject
 * every corruption of a valid image, without reading past the buffer
 * (the images live in exactly-sized heap buffers; run under ASan/UBSan).
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
#include "uapi/cim_image_v1.h"
#include "testutil.h"

struct fixture {
	uint8_t *img;
	size_t size;
	struct cim_image_limits lim;
	struct tu_model model;
};

static int setup(void **state)
{
	static struct fixture f;
	uint32_t lens[] = { 20, 30, 5 };
	struct cim_geometry g = { 8, 8, 4 };
	uint64_t s = 1234;

	tu_model_random(&f.model, &s, 2, lens);
	if (cim_image_build(&f.model.desc, &g, (void **)&f.img, &f.size))
		return -1;
	f.lim = (struct cim_image_limits){ 8, 8, 4, 8192, UINT32_MAX, UINT32_MAX };
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->img);
	tu_model_free(&f->model);
	return 0;
}

#define H(b)		((struct cim_image_header *)(b))
#define OP(b, i)	((struct cim_image_op *)((b) + H(b)->ops_offset) + (i))
#define VT(b, i)	((struct cim_image_vtile *)((b) + H(b)->vtiles_offset) + (i))
#define PARAM(b, off)	((int32_t *)((b) + H(b)->params_offset + (off)))

/* The mutations; each names what it breaks. */
static const char *const mutations[] = {
	"truncated by one byte", "bad magic", "major version 2",
	"header_size 100", "total_size + 1", "header flags", "reserved[0]",
	"reserved[4]", "tile_rows differs from the card", "cell_bits 2",
	"no ops", "no vtiles", "more vtiles than the card has",
	"ops misaligned", "ops inside the header", "ops_offset huge",
	"n_ops huge", "ops overlap vtiles", "vtiles misaligned",
	"vtiles overlap ops", "vtiles overlap params", "n_vtiles huge",
	"params misaligned", "params overlap cells", "params_size huge",
	"cells overlap params", "cells_size + 1", "cells_size huge",
	"cells_offset huge", "plan larger than plan memory",
	"vtile cells out of order", "vtile cells_size + 1",
	"vtile cells_size != rows * outs", "unknown layer type",
	"layer flags", "layer reserved", "in_len 0", "out_len > max_vector",
	"layers do not chain", "input_size mismatch", "output_size mismatch",
	"act_min -129", "act_max 128", "act_min > act_max", "out_zp 128",
	"out_zp -129", "bias misaligned", "bias past params",
	"mult_offset huge", "shift array runs past params", "negative mult",
	"shift 31", "shift -32", "vtile_count 0", "vtile range past n_vtiles",
	"vtile_first huge", "vtile_count huge", "vtile of another layer",
	"vtile reserved", "vtile rows 0", "vtile rows > tile_rows",
	"vtile outs 0", "vtile outs > tile_cols / 2",
	"vtile rows past in_len", "vtile col_base huge", "vtile row_base huge",
	"vtile names a missing layer", "tile blocks of a layer overlap",
	"a tile of a layer outside its range", "layer tile runs not consecutive",
	"tile moved off its block (gap and overlap)",
};
#define N_MUT	(sizeof(mutations) / sizeof(mutations[0]))

/* Returns 1 if the mutation is about the card's limits, not the image. */
static int mutate(unsigned int m, uint8_t *b, size_t *size,
		  struct cim_image_limits *lim)
{
	struct cim_image_header *h = H(b);
	uint32_t last = h->n_vtiles - 1;

	switch (m) {
	case 0: (*size)--; break;
	case 1: h->magic ^= 1; break;
	case 2: h->version_major = 2; break;
	case 3: h->header_size = 100; break;
	case 4: h->total_size++; break;
	case 5: h->flags = 1; break;
	case 6: h->reserved[0] = 1; break;
	case 7: h->reserved[4] = 0x80000000u; break;
	case 8: lim->tile_rows = 16; return 1;
	case 9: h->cell_bits = 2; break;
	case 10: h->n_ops = 0; break;
	case 11: h->n_vtiles = 0; break;
	case 12: lim->max_vtiles = h->n_vtiles - 1; return 1;
	case 13: h->ops_offset += 4; break;
	case 14: h->ops_offset = 0; break;
	case 15: h->ops_offset = 0xfffffff8u; break;
	case 16: h->n_ops = 0x7fffffffu; break;
	case 17: h->n_ops++; break;
	case 18: h->vtiles_offset += 2; break;
	case 19: h->vtiles_offset -= 32; break;
	case 20: h->n_vtiles++; break;
	case 21: h->n_vtiles = 0xffffffffu; lim->max_vtiles = UINT32_MAX; break;
	case 22: h->params_offset += 2; break;
	case 23: h->params_size += 4; break;
	case 24: h->params_size = 0xffffffffu; break;
	case 25: h->cells_offset -= 1; break;
	case 26: h->cells_size++; break;
	case 27: h->cells_size = 0xffffffffu; break;
	case 28: h->cells_offset = 0xffffffffu; break;
	case 29: lim->max_plan_bytes = h->cells_offset - 1; return 1;
	case 30: VT(b, 1)->cells_offset += 1; break;
	case 31: VT(b, 0)->cells_size += 1; break;
	case 32: VT(b, 0)->outs -= 1; break;
	case 33: OP(b, 0)->type = 2; break;
	case 34: OP(b, 1)->flags = 1; break;
	case 35: OP(b, 0)->reserved[3] = 1; break;
	case 36: OP(b, 0)->in_len = 0; break;
	case 37: OP(b, 1)->out_len = 8193; break;
	case 38: OP(b, 1)->in_len++; break;
	case 39: h->input_size++; break;
	case 40: h->output_size++; break;
	case 41: OP(b, 0)->act_min = -129; break;
	case 42: OP(b, 1)->act_max = 128; break;
	case 43: OP(b, 0)->act_min = 5; OP(b, 0)->act_max = 4; break;
	case 44: OP(b, 0)->out_zp = 128; break;
	case 45: OP(b, 1)->out_zp = -129; break;
	case 46: OP(b, 0)->bias_offset += 2; break;
	case 47: OP(b, 1)->bias_offset = h->params_size; break;
	case 48: OP(b, 0)->mult_offset = 0xfffffffcu; break;
	case 49: OP(b, 1)->shift_offset = h->params_size - 4; break;
	case 50: PARAM(b, OP(b, 1)->mult_offset)[2] = -1; break;
	case 51: PARAM(b, OP(b, 0)->shift_offset)[29] = 31; break;
	case 52: PARAM(b, OP(b, 1)->shift_offset)[0] = -32; break;
	case 53: OP(b, 0)->vtile_count = 0; break;
	case 54: OP(b, 1)->vtile_first++; break;
	case 55: OP(b, 1)->vtile_first = 0xffffffffu; break;
	case 56: OP(b, 0)->vtile_count = 0xffffffffu; break;
	case 57: VT(b, 0)->op = 1; break;
	case 58: VT(b, 3)->reserved = 1; break;
	case 59: VT(b, 0)->rows = 0; break;
	case 60: VT(b, 0)->rows = 9; break;
	case 61: VT(b, 2)->outs = 0; break;
	case 62: VT(b, 2)->outs = 5; break;
	case 63: VT(b, 0)->row_base = OP(b, 0)->in_len - 1; break;
	case 64: VT(b, 1)->col_base = 0xffffffffu; break;
	case 65: VT(b, 1)->row_base = 0xfffffff0u; break;
	case 66: OP(b, 1)->vtile_count--; VT(b, last)->op = 2; break;
	case 67: VT(b, 1)->col_base = VT(b, 0)->col_base; break;
	case 68: OP(b, 1)->vtile_count--; break;
	case 69:
		/* Layer 1's run moved to the front, layer 0's after it. */
		OP(b, 1)->vtile_first = 0;
		OP(b, 0)->vtile_first = OP(b, 1)->vtile_count;
		break;
	case 70: VT(b, 2)->row_base = 1; break;
	}
	return 0;
}

static void every_corruption_rejected(void **state)
{
	struct fixture *f = *state;
	unsigned int m;

	for (m = 0; m < N_MUT; m++) {
		struct cim_image_limits lim = f->lim;
		size_t size = f->size;
		uint8_t *b = tu_dup(f->img, f->size);
		const char *why = NULL;
		int8_t in[20] = { 0 }, out[5];
		uint8_t *exact;
		int limit_only;

		limit_only = mutate(m, b, &size, &lim);
		/* Keep the CRC right so that the structure check must catch it. */
		if (size >= sizeof(struct cim_image_header))
			H(b)->crc32 = cim_image_crc(b, size);
		exact = tu_dup(b, size);
		if (cim_image_check(exact, size, &lim, &why) == 0)
			fail_msg("mutation %u (%s) not rejected", m, mutations[m]);
		assert_non_null(why);
		if (!limit_only && cim_ref_run_image(exact, size, in, out, 1) != -EINVAL)
			fail_msg("reference ran mutation %u (%s)", m, mutations[m]);
		free(exact);
		free(b);
	}
}

static void unmutated_image_passes(void **state)
{
	struct fixture *f = *state;
	const char *why = NULL;
	uint8_t *b = tu_dup(f->img, f->size);

	assert_int_equal(cim_image_check(b, f->size, &f->lim, &why), 0);
	/* A newer minor version is still version 1. */
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
		int8_t in[20] = { 0 }, out[5];

		assert_int_equal(cim_image_check(b, len, &f->lim, &why), -1);
		assert_int_equal(cim_ref_run_image(b, len, in, out, 1), -EINVAL);
		assert_int_equal(cim_image_input_size(b, len), 0);
		free(b);
	}
}

static void bad_crc_rejected(void **state)
{
	struct fixture *f = *state;
	int8_t in[20] = { 0 }, out[5];
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
	static const uint32_t words[] = { 0, 1, 2, 7, 8, 0x7fffffffu,
					  0x80000000u, 0xffffffffu, 0xfffffff8u,
					  8192, 8193 };
	struct fixture *f = *state;
	uint32_t plan = H(f->img)->cells_offset;
	uint64_t s = 77;
	int i, rejected = 0, ran = 0;

	for (i = 0; i < 3000; i++) {
		size_t size = f->size;
		uint8_t *b = tu_dup(f->img, size);
		const char *why = NULL;
		int8_t in[8192] = { 0 }, out[8192];
		int j, n = (int)tu_range(&s, 1, 3);

		for (j = 0; j < n; j++) {
			uint32_t at = (uint32_t)tu_range(&s, 0, plan / 4 - 1) * 4;
			uint32_t v = tu_range(&s, 0, 1) ?
				     words[tu_range(&s, 0, 10)] :
				     (uint32_t)tu_rand(&s);

			if (at == 16)	/* leave the crc alone */
				continue;
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
	/* Most damage is caught; some (e.g. in bias values) is harmless. */
	assert_true(rejected > 1500);
	assert_true(ran > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unmutated_image_passes),
		cmocka_unit_test(every_corruption_rejected),
		cmocka_unit_test(plan_only_buffer),
		cmocka_unit_test(every_truncation_rejected),
		cmocka_unit_test(bad_crc_rejected),
		cmocka_unit_test(fuzz_plan),
	};

	return cmocka_run_group_tests_name("image_check", tests, setup, teardown);
}
