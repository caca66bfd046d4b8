// SPDX-License-Identifier: MIT
/*
 * The mapper (cim_map_qmodel) and the two CPU references: random models
 * with every op agree image vs qmodel over random geometries; cells,
 * blocks, packing, arena reuse, fit failures and determinism checked by
 * hand.
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

static struct cim_map_opts opts(uint32_t rows, uint32_t cols, uint32_t flags)
{
	struct cim_map_opts o = { .geom = { rows, cols, 4 }, .max_tiles = 0, .flags = flags };

	return o;
}

static const uint32_t geo[] = { 4, 8, 16, 32, 64, 256, 1024 };

/* Image and qmodel references agree on random models with every op. */
static void random_models_agree(void **state)
{
	uint32_t seen[CIM_OP_MAX + 1] = { 0 }, mapped = 0, exits = 0, diag = 0;
	uint32_t splits = 0, shared = 0, w4 = 0, replicated = 0, balanced = 0;
	uint32_t simd = 0, dup = 0, sorted = 0;
	uint64_t s = 99;
	int round;

	(void)state;
	for (round = 0; round < 400; round++) {
		struct cim_map_opts o = opts(geo[tu_range(&s, 0, 6)],
					     geo[tu_range(&s, 0, 6)],
					     (tu_range(&s, 0, 5) ? 0 : CIM_MAP_NO_PACK) |
					     (round % 2 ? CIM_MAP_NO_SIMD_CONV : 0) |
					     (round % 4 == 3 ? CIM_MAP_PACK_SORTED : 0));
		const struct cim_image_header *h;
		const struct cim_image_block *b;
		struct cim_map_report rep;
		struct cim_image_limits lim = { o.geom.tile_rows, o.geom.tile_cols,
						4, 8192, UINT32_MAX,
						CIM_IMAGE_MAX_VTILES, UINT32_MAX };
		uint32_t batch = 4, in, out, i, j;
		const char *why = NULL;
		struct qg_model m;
		int8_t *x, *a, *c;
		void *img;
		size_t size;
		int r;

		/* every objective: the balanced ones replicate (at most 4..32 arrays) */
		o.objective = (uint32_t)round % 3;
		o.max_tiles = o.objective ? 4 + (uint32_t)round % 29 : 0;
		qg_random(&m, &s);
		r = cim_map_qmodel(&m.qm, &o, &img, &size, &rep);
		if (r == -ENOSPC) {
			assert_true(strstr(rep.msg, "arrays") != NULL);
			qg_free(&m);
			continue;
		}
		if (r)
			fail_msg("round %d: %s", round, rep.msg);
		mapped++;
		assert_int_equal(cim_image_check(img, size, &lim, &why), 0);
		h = img;
		balanced += o.objective != CIM_MAP_AREA;
		sorted += o.objective != CIM_MAP_AREA &&
			  (o.flags & CIM_MAP_PACK_SORTED);
		/* balanced packing: no block spans more row groups or ADC
		 * passes (128 each, the M1076 default) than its size needs */
		for (i = 0; o.objective && i < h->n_blocks; i++) {
			const struct cim_image_block *bk = &cim_image_blocks(img)[i];
			uint32_t bh = bk->g_count * bk->rows;
			uint32_t bw = bk->g_count * bk->outs *
				      cim_image_ops(img)[bk->op].wbits / 4;

			assert_int_equal((bk->array_row + bh - 1) / 128 -
					 bk->array_row / 128, (bh - 1) / 128);
			assert_int_equal((bk->array_col + bw - 1) / 128 -
					 bk->array_col / 128, (bw - 1) / 128);
		}
		for (i = 0; i < h->n_ops; i++) {
			replicated += cim_image_ops(img)[i].replicas > 1;
			simd += !!(cim_image_ops(img)[i].flags & CIM_OPF_SIMD);
			dup += cim_image_ops(img)[i].dup_w > 1;
		}
		if (o.max_tiles)
			assert_true(h->n_vtiles <= o.max_tiles);
		assert_true(rep.period_ps > 0 && rep.macs > 0 && rep.bound > 0);
		/* no mapping beats the bound of every mapping */
		if (rep.period_lb_ps > rep.period_ps)
			fail_msg("round %d: period %llu ps below its bound %llu",
				 round, (unsigned long long)rep.period_ps,
				 (unsigned long long)rep.period_lb_ps);
		assert_true(rep.period_lb_ps > 0);
		b = cim_image_blocks(img);
		for (i = 0; i < h->n_blocks; i++) {
			diag += b[i].g_count > 1;
			splits += b[i].rows < (cim_image_ops(img)[b[i].op].type ==
					       CIM_OP_FC ? 1u : 1u) ||
				  b[i].row_base || b[i].col_base;
			w4 += cim_image_ops(img)[b[i].op].wbits == 4;
			for (j = 0; j < i; j++)
				shared += b[j].vtile == b[i].vtile &&
					  b[j].op != b[i].op;
		}
		for (i = 0; i < m.qm.n_ops; i++)
			seen[m.ops[i].op.type]++;
		in = (uint32_t)cim_tensor_size(&m.t[0].shape);
		out = (uint32_t)cim_tensor_size(&m.t[m.qm.output_tensor].shape);
		x = malloc(batch * in);
		a = malloc(batch * out);
		c = malloc(batch * out);
		tu_fill_i8(&s, x, batch * in);
		assert_int_equal(cim_ref_run_qmodel(&m.qm, x, a, batch), 0);
		memset(c, 0x5a, batch * out);
		assert_int_equal(cim_ref_run_image(img, size, x, c, batch), 0);
		if (memcmp(a, c, batch * out))
			fail_msg("round %d: image and qmodel differ", round);
		/* An exit that fires returns the exit's input. */
		for (i = 0; i < m.qm.n_ops; i++)
			if (m.ops[i].op.type == CIM_OP_EXIT)
				exits++;
		free(x);
		free(a);
		free(c);
		free(img);
		cim_map_report_free(&rep);
		qg_free(&m);
	}
	print_message("mapped %u models: %u diagonal blocks, %u split blocks, "
		      "%u blocks sharing arrays with other ops, %u 4-bit blocks, "
		      "%u balanced, %u replicated ops, %u SIMD CONVs, "
		      "%u duplicated windows, %u sorted packings\n",
		      mapped, diag, splits, shared, w4, balanced, replicated,
		      simd, dup, sorted);
	assert_true(mapped > 300);
	assert_true(balanced > 150 && replicated > 50 && sorted > 40);
	for (round = 1; round <= CIM_OP_MAX; round++)
		if (!seen[round])
			fail_msg("op type %d never generated", round);
	assert_true(exits > 10 && diag > 10 && splits > 10 && shared > 10 && w4 > 10);
	assert_true(simd > 10 && dup > 10);
}

/* Early exits fire for some items and not others, and return the right tensor. */
static void early_exit_takes_the_exit_tensor(void **state)
{
	struct cim_map_opts o = opts(64, 64, 0);
	struct qg_model m;
	uint64_t s = 5;
	uint32_t x, e, i, fired = 0, batch = 64;
	int8_t in[64 * 10], out[64 * 4], full[64 * 4];
	void *img;
	size_t size;

	(void)state;
	qg_init(&m, &s, 10, 1, 1);
	x = qg_fc(&m, 0, 4, 8);
	e = qg_exit(&m, x, 40);
	x = qg_fc(&m, e, 4, 8);
	qg_finish(&m);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, NULL), 0);
	assert_int_equal(cim_ref_run_image(img, size, in, out, batch), 0);
	/* Same model without the exit firing: margin beyond any difference. */
	m.ops[1].op.exit_margin = 1000;
	assert_int_equal(cim_ref_run_qmodel(&m.qm, in, full, batch), 0);
	m.ops[1].op.exit_margin = 40;
	for (i = 0; i < batch; i++) {
		int8_t h[4];
		int top = 0, j, ok = 1;

		/* The exit's input, from a model that stops at op 0. */
		m.qm.n_ops = 1;
		m.qm.n_tensors = 2;
		m.qm.output_tensor = 1;
		assert_int_equal(cim_ref_run_qmodel(&m.qm, in + 10 * i, h, 1), 0);
		m.qm.n_ops = 3;
		m.qm.n_tensors = 4;
		m.qm.output_tensor = 3;
		for (j = 1; j < 4; j++)
			if (h[j] > h[top])
				top = j;
		for (j = 0; j < 4; j++)
			if (j != top && h[top] - h[j] < 40)
				ok = 0;
		if (ok) {
			fired++;
			assert_memory_equal(out + 4 * i, h, 4);
		} else {
			assert_memory_equal(out + 4 * i, full + 4 * i, 4);
		}
	}
	assert_true(fired > 0 && fired < batch);
	free(img);
	qg_free(&m);
}

/* Hand-computed cells: 8-bit bit-slicing and 4-bit nibbles. */
static void cells_by_hand(void **state)
{
	static const int8_t w8[2 * 3] = { 1, -127, 127,   -1, 0, 16 };
	static const int8_t w4[3 * 2] = { 1, 2,   15, 0,   7, 8 };
	static const int32_t zero[3] = { 0 }, half[3] = { 1 << 30, 1 << 30, 1 << 30 };
	static const int32_t wzp[3] = { 1, 2, 3 };
	struct cim_map_opts o = opts(8, 8, 0);
	const struct cim_image_header *h;
	const struct cim_image_block *b;
	const uint8_t *cells;
	struct qg_model m;
	uint64_t s = 1;
	void *img;
	size_t size;

	(void)state;
	qg_init(&m, &s, 3, 1, 1);
	qg_fc(&m, 0, 2, 8);		/* 3 -> 2, rows = inputs */
	qg_fc(&m, 1, 3, 4);		/* 2 -> 3 */
	qg_finish(&m);
	m.ops[0].weights = w8;
	m.ops[1].weights = w4;
	m.ops[1].wzp = wzp;
	m.ops[0].mult = m.ops[1].mult = half;
	m.ops[0].shift = m.ops[1].shift = zero;
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, NULL), 0);
	h = img;
	b = cim_image_blocks(img);
	cells = (const uint8_t *)img + h->cells_offset;
	assert_int_equal(h->n_blocks, 2);
	assert_int_equal(h->n_vtiles, 1);	/* both share one 8x8 array */
	assert_int_equal(b[0].rows, 3);
	assert_int_equal(b[0].outs, 2);
	assert_int_equal(b[0].array_row, 0);
	assert_int_equal(b[1].array_row, 3);
	assert_int_equal(b[1].vtile, 0);
	/*
	 * 8-bit, row k holds outputs 0, 1: u = w + 128, byte = hi | lo << 4.
	 * w 1 -> 0x81 -> 0x18; -1 -> 0x7f -> 0xf7; -127 -> 0x01 -> 0x10;
	 * 0 -> 0x80 -> 0x08; 127 -> 0xff; 16 -> 0x90 -> 0x09.
	 */
	{
		static const uint8_t want8[6] = { 0x18, 0xf7, 0x10, 0x08, 0xff, 0x09 };

		assert_int_equal(b[0].cells_size, 6);
		assert_memory_equal(cells, want8, 6);
	}
	/* 4-bit, 3 outputs per row = 2 bytes, even cell in the low nibble. */
	{
		static const uint8_t want4[4] = { 0xf1, 0x07, 0x02, 0x08 };

		assert_int_equal(b[1].cells_offset, 6);
		assert_int_equal(b[1].cells_size, 4);
		assert_memory_equal(cells + 6, want4, 4);
	}
	assert_int_equal(size, h->cells_offset + 10);
	free(img);
	qg_free(&m);
}

/* Depthwise 3x3 over 16 channels: groups packed on the diagonal. */
static void depthwise_packs_diagonally(void **state)
{
	struct cim_map_opts o = opts(64, 8, 0), np = opts(64, 8, CIM_MAP_NO_PACK);
	const struct cim_image_block *b;
	struct cim_map_report rep, rep_np;
	struct qg_model m;
	uint64_t s = 3;
	uint32_t i;
	void *img, *img2;
	size_t size, size2;
	int8_t in[8 * 8 * 16], a[8 * 8 * 16], c[8 * 8 * 16];

	(void)state;
	qg_init(&m, &s, 16, 8, 8);
	qg_conv(&m, 0, 16, 3, 1, 1, 1, 16, 8);
	qg_finish(&m);
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	b = cim_image_blocks(img);
	/* Kg = 9 rows, Ng = 1 output = 2 cells: 4 groups per 64x8 array. */
	assert_int_equal(((const struct cim_image_header *)img)->n_blocks, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(b[i].g_first, 4 * i);
		assert_int_equal(b[i].g_count, 4);
		assert_int_equal(b[i].rows, 9);
		assert_int_equal(b[i].outs, 1);
		assert_int_equal(b[i].cells_size, 4 * 9 * 1);
	}
	assert_int_equal(rep.tiles, 4);
	/* Unpacked: K = 144 rows x 32 cells: 3 x 4 arrays of 64 x 8. */
	assert_int_equal(rep.tiles_unpacked, 12);
	assert_true(rep.util > 2.9 * rep.util_unpacked);
	cim_map_report_free(&rep);
	assert_int_equal(cim_map_qmodel(&m.qm, &np, &img2, &size2, &rep_np), 0);
	assert_int_equal(rep_np.tiles, 16);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_ref_run_image(img, size, in, a, 1), 0);
	assert_int_equal(cim_ref_run_image(img2, size2, in, c, 1), 0);
	assert_memory_equal(a, c, sizeof(a));
	assert_int_equal(cim_ref_run_qmodel(&m.qm, in, c, 1), 0);
	assert_memory_equal(a, c, sizeof(a));
	cim_map_report_free(&rep_np);
	free(img);
	free(img2);
	qg_free(&m);
}

/* The checker's rules for a SIMD CONV (op 1 of img), each for its reason. */
static void simd_conv_rejections(const void *img, size_t size,
				 const struct cim_image_limits *lim)
{
	static const char *const reasons[] = {
		"SIMD CONV with weight blocks", "SIMD CONV weights outside params",
		"SIMD CONV with weight blocks", "unused by its type",
		"unused by its type",
	};
	uint32_t k;

	for (k = 0; k < sizeof(reasons) / sizeof(reasons[0]); k++) {
		uint8_t *b = malloc(size);
		struct cim_image_header *h = (struct cim_image_header *)b;
		struct cim_image_op *op;
		const char *why = NULL;

		assert_non_null(b);
		memcpy(b, img, size);
		op = (struct cim_image_op *)(b + h->ops_offset);
		switch (k) {
		case 0: op[1].block_first = 1; break;
		case 1: op[1].weights_offset = h->params_size - 4; break;
		case 2: op[1].replicas = 2; break;
		case 3: op[0].weights_offset = 4; break;
		case 4: op[1].flags |= CIM_OPF_COUNT_PAD; break;
		}
		h->crc32 = cim_image_crc(b, size);
		assert_int_not_equal(cim_image_check(b, size, lim, &why), 0);
		if (!why || !strstr(why, reasons[k]))
			fail_msg("SIMD CONV mutation %u rejected for '%s', not '%s'",
				 k, why ? why : "", reasons[k]);
		free(b);
	}
}

/*
 * A depthwise 3x3 after a 1x1 CONV, on the M1076 time model: cheaper on
 * the tile SIMD (16 lanes at 500 MHz: 9 cycles a pixel) than as diagonal
 * blocks, so the mapper flags it CIM_OPF_SIMD, with no blocks and its
 * weights in the params blob; both references agree with the mapping
 * that keeps it on arrays (CIM_MAP_NO_SIMD_CONV), int8 and int4.
 */
static void depthwise_runs_on_the_simd(void **state)
{
	int8_t in[8 * 8 * 8], a[8 * 8 * 16], c[8 * 8 * 16];
	struct cim_image_limits lim = { 1024, 1024, 4, 8192, UINT32_MAX,
					CIM_IMAGE_MAX_VTILES, UINT32_MAX };
	struct cim_map_opts o = opts(1024, 1024, 0);
	struct cim_map_opts na = opts(1024, 1024, CIM_MAP_NO_SIMD_CONV);
	const struct cim_image_op *op;
	struct cim_map_report rep;
	const char *why = NULL;
	struct qg_model m;
	uint64_t s = 5;
	uint32_t wbits, pix, out;
	void *img, *img2;
	size_t size, size2;

	(void)state;
	for (wbits = 4; wbits <= 8; wbits += 4) {
		o.objective = na.objective = CIM_MAP_THROUGHPUT;
		qg_init(&m, &s, 8, 8, 8);
		qg_conv(&m, 0, 16, 1, 1, 1, 0, 1, wbits);
		qg_conv(&m, 1, 16, 3, 1, 1, 1, 16, wbits);
		qg_finish(&m);
		assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
		assert_int_equal(cim_image_check(img, size, &lim, &why), 0);
		op = cim_image_ops(img);
		assert_int_equal(op[0].flags & CIM_OPF_SIMD, 0);
		assert_true(op[0].block_count > 0);
		assert_int_equal(op[1].flags, CIM_OPF_SIMD);
		assert_int_equal(op[1].block_count, 0);
		assert_int_equal(op[1].replicas, 0);
		assert_true(op[1].weights_offset > 0);
		pix = m.t[2].shape.h * m.t[2].shape.w;
		out = pix * 16;
		assert_int_equal(rep.simd_macs, pix * 16 * 9);
		assert_int_equal(rep.macs, pix * 16 * 9 + 8 * 8 * 8 * 16);
		cim_map_report_free(&rep);
		/*
		 * On one array the period is all the work: the bound counts
		 * the depthwise CONV as a SIMD CONV too (fewer SIMD cycles
		 * than its partial sums and offset drive on arrays).
		 */
		o.max_tiles = 1;
		assert_int_equal(cim_map_qmodel(&m.qm, &o, &img2, &size2, &rep), 0);
		assert_true(rep.period_lb_ps > 0);
		if (rep.period_lb_ps > rep.period_ps)
			fail_msg("period %llu ps below its bound %llu",
				 (unsigned long long)rep.period_ps,
				 (unsigned long long)rep.period_lb_ps);
		cim_map_report_free(&rep);
		free(img2);
		o.max_tiles = 0;
		assert_int_equal(cim_map_qmodel(&m.qm, &na, &img2, &size2, NULL), 0);
		assert_int_equal(cim_image_ops(img2)[1].flags, 0);
		assert_true(cim_image_ops(img2)[1].block_count > 0);
		tu_fill_i8(&s, in, sizeof(in));
		assert_int_equal(cim_ref_run_image(img, size, in, a, 1), 0);
		assert_int_equal(cim_ref_run_image(img2, size2, in, c, 1), 0);
		assert_memory_equal(a, c, out);
		assert_int_equal(cim_ref_run_qmodel(&m.qm, in, c, 1), 0);
		assert_memory_equal(a, c, out);
		simd_conv_rejections(img, size, &lim);
		/* the weights are read from params: spoil one and it shows */
		((int8_t *)img)[((const struct cim_image_header *)img)->params_offset +
				op[1].weights_offset] ^= 0x40;
		((struct cim_image_header *)img)->crc32 = cim_image_crc(img, size);
		assert_int_equal(cim_ref_run_image(img, size, in, a, 1), 0);
		assert_memory_not_equal(a, c, out);
		free(img);
		free(img2);
		qg_free(&m);
	}
}

/*
 * Small CONVs on the M1076 time model: a 1x1 CONV of 8 to 16 channels is
 * 8 rows x 32 cells, one phase of its MVM; 8 pixels side by side (64
 * rows x 256 cells, 2 phases) cost far less than 8 MVMs, so the mapper
 * duplicates the window, and a strided 3x3 after it too, when the card
 * has too few arrays for replicas to hide those MVMs.  The image
 * agrees with the qmodel reference (the same network without
 * duplication), and the MACs reported are the network's.
 */
static void small_convs_duplicate_windows(void **state)
{
	int8_t in[8 * 8 * 8], a[4 * 4 * 16], c[4 * 4 * 16];
	struct cim_image_limits lim = { 1024, 1024, 4, 8192, UINT32_MAX,
					CIM_IMAGE_MAX_VTILES, UINT32_MAX };
	struct cim_map_opts o = opts(1024, 1024, 0);
	const struct cim_image_op *op;
	const struct cim_image_tensor *t;
	struct cim_map_report rep;
	const char *why = NULL;
	struct qg_model m;
	uint64_t s = 11, macs;
	uint32_t wbits, out;
	void *img;
	size_t size;

	(void)state;
	for (wbits = 4; wbits <= 8; wbits += 4) {
		/* two arrays: the replicas cannot make up for the fixed costs */
		o.objective = CIM_MAP_THROUGHPUT;
		o.max_tiles = 2;
		qg_init(&m, &s, 8, 8, 8);
		qg_conv(&m, 0, 16, 1, 1, 1, 0, 1, wbits);
		qg_conv(&m, 1, 16, 3, 2, 1, 1, 1, wbits);
		qg_finish(&m);
		assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
		assert_int_equal(cim_image_check(img, size, &lim, &why), 0);
		op = cim_image_ops(img);
		t = cim_image_tensors(img);
		assert_true(op[0].dup_w > 1);
		assert_true(op[1].dup_w > 1);
		macs = 8 * 8 * 8 * 16 + (uint64_t)t[2].h * t[2].w * 16 * 9 * 16;
		assert_int_equal(rep.macs, macs);
		cim_map_report_free(&rep);
		out = t[2].h * t[2].w * 16;
		tu_fill_i8(&s, in, sizeof(in));
		assert_int_equal(cim_ref_run_image(img, size, in, a, 1), 0);
		assert_int_equal(cim_ref_run_qmodel(&m.qm, in, c, 1), 0);
		assert_memory_equal(a, c, out);
		free(img);
		qg_free(&m);
	}
}

/*
 * The period bound of any mapping, by hand on the M1076 time model: a
 * bit-cycle is (4000 - 100) ns / (8 x 8 passes x 8 bits) = 7617 ps, an
 * ADC phase 8 of them.
 */
static void period_bound_by_hand(void **state)
{
	struct cim_map_opts o = opts(1024, 1024, 0);
	struct cim_map_report rep;
	struct qg_model m;
	uint64_t s = 21, zp;
	void *img;
	size_t size;
	char text[4096];

	(void)state;
	/* a full array: one MVM of 64 phases, the period the bound */
	o.objective = CIM_MAP_THROUGHPUT;
	o.max_tiles = 1;
	qg_init(&m, &s, 1024, 1, 1);
	qg_fc(&m, 0, 512, 8);
	qg_finish(&m);
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	assert_int_equal(rep.lb_array_ps, 100000 + 64 * 8 * 7617);
	assert_int_equal(rep.period_lb_ps, 100000 + 64 * 8 * 7617);
	assert_int_equal(rep.period_ps, rep.period_lb_ps);
	zp = m.ops[0].op.in0_zp ? 3 : 2;
	assert_int_equal(rep.lb_simd_ps, zp * 512 * 1000);
	assert_true(cim_map_report_format(&rep, &m.qm, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "period bound     4.0 us per item, at most 250006 fps"));
	cim_map_report_free(&rep);
	free(img);
	qg_free(&m);

	/*
	 * A 1x1 CONV 8 -> 16 over 8x8, int8: one pixel is 8 rows x 32
	 * cells, one phase plus the fixed part, 64 MVMs; the best window
	 * is the whole row, D = 8: 64 rows x 256 cells, two phases, 8 MVMs.
	 */
	o.max_tiles = 4;
	/* a card whose SIMD computes no CONV: the CONV stays on arrays */
	assert_int_equal(cim_map_preset("m1076", &o), 0);
	o.cost.simd_mhz = 0;
	o.max_tiles = 4;
	qg_init(&m, &s, 8, 8, 8);
	qg_conv(&m, 0, 16, 1, 1, 1, 0, 1, 8);
	qg_finish(&m);
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	assert_int_equal(rep.lb_array_ps, 8 * (100000 + 2 * 8 * 7617));
	zp = m.ops[0].op.in0_zp ? 3 : 2;
	assert_int_equal(rep.lb_simd_ps, zp * 64 * 16 * 1000);
	/* the SIMD units are the busier: a quarter of their work each */
	assert_int_equal(rep.period_lb_ps, zp * 64 * 16 * 1000 / 4);
	assert_true(rep.period_lb_ps <= rep.period_ps);
	cim_map_report_free(&rep);
	free(img);
	qg_free(&m);
}

/*
 * CIM_MAP_PACK_SORTED on a network shaped like resnet50's ends: a busy
 * early layer with cheap cells, then tall matrices that fill arrays
 * with little work.  First fit in layer order leaves the early layer's
 * replicas no room beside the tall blocks; the sorted packing cuts
 * those shorter and packs the busy blocks beside them.
 */
static void sorted_packing_mixes_layers(void **state)
{
	struct cim_image_limits lim = { 1024, 1024, 4, 8192, UINT32_MAX,
					CIM_IMAGE_MAX_VTILES, UINT32_MAX };
	struct cim_map_opts o = opts(1024, 1024, 0);
	struct cim_map_report rep, srep;
	const char *why = NULL;
	struct qg_model m;
	uint64_t s = 31;
	uint32_t x, in, out;
	int8_t *a, *c, *v;
	void *img, *simg;
	size_t size, ssize;

	(void)state;
	o.objective = CIM_MAP_THROUGHPUT;
	o.max_tiles = 10;	/* 702 us first fit, 652 us sorted */
	qg_init(&m, &s, 64, 32, 32);
	x = qg_conv(&m, 0, 64, 3, 1, 1, 1, 1, 8);
	x = qg_conv(&m, x, 256, 1, 1, 1, 0, 1, 8);
	x = qg_conv(&m, x, 512, 3, 2, 1, 1, 1, 8);
	x = qg_conv(&m, x, 512, 3, 2, 1, 1, 1, 8);
	qg_pool(&m, x, CIM_OP_AVGPOOL, 8, 8, 0, 0);
	qg_finish(&m);
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	o.flags = CIM_MAP_PACK_SORTED;
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &simg, &ssize, &srep), 0);
	print_message("first fit %llu ps, sorted %llu ps, bound %llu ps\n",
		      (unsigned long long)rep.period_ps,
		      (unsigned long long)srep.period_ps,
		      (unsigned long long)srep.period_lb_ps);
	assert_int_equal(cim_image_check(simg, ssize, &lim, &why), 0);
	assert_true(srep.period_ps < rep.period_ps);
	assert_true(srep.period_lb_ps <= srep.period_ps);
	in = (uint32_t)cim_tensor_size(&m.t[0].shape);
	out = (uint32_t)cim_tensor_size(&m.t[m.qm.output_tensor].shape);
	v = malloc(2 * in);
	a = malloc(2 * out);
	c = malloc(2 * out);
	tu_fill_i8(&s, v, 2 * in);
	assert_int_equal(cim_ref_run_image(simg, ssize, v, a, 2), 0);
	assert_int_equal(cim_ref_run_qmodel(&m.qm, v, c, 2), 0);
	assert_memory_equal(a, c, 2 * out);
	free(v);
	free(a);
	free(c);
	cim_map_report_free(&rep);
	cim_map_report_free(&srep);
	free(img);
	free(simg);
	qg_free(&m);
}

/* Small FCs share arrays; utilization packed beats unpacked. */
static void small_matrices_share_arrays(void **state)
{
	struct cim_map_opts o = opts(256, 256, 0);
	struct cim_map_report rep;
	struct qg_model m;
	uint64_t s = 8;
	uint32_t x = 0, i;
	void *img;
	size_t size;
	char text[2048];

	(void)state;
	qg_init(&m, &s, 40, 1, 1);
	for (i = 0; i < 6; i++)
		x = qg_fc(&m, x, 40, 8);
	qg_finish(&m);
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	/* 6 blocks of 40 rows: 6 * 40 = 240 <= 256 rows, one array. */
	assert_int_equal(rep.tiles, 1);
	assert_int_equal(rep.tiles_unpacked, 6);
	assert_true(rep.util > 5 * rep.util_unpacked);
	assert_int_equal(rep.cells_used, 6 * 40 * 40 * 2);
	assert_true(cim_map_report_format(&rep, &m.qm, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "utilization"));
	assert_int_equal(rep.n_ops, 6);
	assert_int_equal(rep.ops[5].blocks, 1);
	/* A chain reuses the arena: two 40-byte tensors alive at a time. */
	assert_true(rep.arena_size <= 2 * 40 + 8);
	cim_map_report_free(&rep);
	free(img);
	qg_free(&m);
}

/* Live tensors never overlap in the arena. */
static void arena_respects_liveness(void **state)
{
	uint64_t s = 17;
	int round;

	(void)state;
	for (round = 0; round < 200; round++) {
		struct cim_map_opts o = opts(1024, 1024, 0);
		const struct cim_image_tensor *t;
		const struct cim_image_header *h;
		const struct cim_image_op *ops;
		uint32_t last[QG_MAX_OPS + 1], i, j;
		uint64_t sum = 0;
		struct qg_model m;
		void *img;
		size_t size;

		qg_random(&m, &s);
		if (cim_map_qmodel(&m.qm, &o, &img, &size, NULL)) {
			qg_free(&m);
			continue;
		}
		h = img;
		t = cim_image_tensors(img);
		ops = cim_image_ops(img);
		for (i = 0; i < h->n_tensors; i++) {
			last[i] = i;
			sum += cim_tensor_size(&t[i]);
		}
		for (i = 0; i < h->n_ops; i++) {
			last[ops[i].in0] = i + 1;
			if (ops[i].in1 != CIM_TENSOR_NONE)
				last[ops[i].in1] = i + 1;
		}
		last[h->output_tensor] = h->n_ops + 1;
		for (i = 0; i < h->n_tensors; i++)
			for (j = 0; j < i; j++)
				if (last[j] >= i && cim_tensors_overlap(&t[i], &t[j]))
					fail_msg("round %d: tensors %u and %u overlap", round,
						 j, i);
		assert_true(h->arena_size <= sum + 8ull * h->n_tensors);
		free(img);
		qg_free(&m);
	}
}

static void too_big_for_the_card(void **state)
{
	struct cim_map_opts o = opts(64, 64, 0);
	struct cim_map_report rep;
	struct qg_model m;
	uint64_t s = 4;
	void *img = NULL;
	size_t size = 0;

	(void)state;
	qg_init(&m, &s, 200, 1, 1);
	/* 3 x 10 full blocks + 10 blocks of 8 rows packed 8 per array. */
	qg_fc(&m, 0, 300, 8);
	qg_finish(&m);
	o.max_tiles = 8;
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), -ENOSPC);
	assert_null(img);
	assert_int_equal(rep.tiles, 32);
	assert_int_equal(rep.card_tiles, 8);
	assert_non_null(strstr(rep.msg, "needs 32 arrays"));
	assert_non_null(strstr(rep.msg, "the card has 8"));
	o.max_tiles = 32;
	assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), 0);
	cim_map_report_free(&rep);
	free(img);
	qg_free(&m);
}

static void same_model_same_bytes(void **state)
{
	struct cim_map_opts o = opts(32, 64, 0);
	uint64_t s1 = 77, s2 = 77;
	struct qg_model a, b;
	void *ia, *ib;
	size_t sa, sb;
	int round;

	(void)state;
	for (round = 0; round < 20; round++) {
		qg_random(&a, &s1);
		qg_random(&b, &s2);
		if (cim_map_qmodel(&a.qm, &o, &ia, &sa, NULL)) {
			assert_int_not_equal(cim_map_qmodel(&b.qm, &o, &ib, &sb, NULL), 0);
		} else {
			assert_int_equal(cim_map_qmodel(&b.qm, &o, &ib, &sb, NULL), 0);
			assert_int_equal(sa, sb);
			assert_memory_equal(ia, ib, sa);
			free(ia);
			free(ib);
		}
		qg_free(&a);
		qg_free(&b);
	}
}

/* Bad models are refused with a message naming the op. */
static void bad_models_rejected(void **state)
{
	struct cim_map_opts o = opts(64, 64, 0);
	struct cim_map_report rep;
	char msg[256];
	uint64_t s = 11;
	int m_i;

	(void)state;
	for (m_i = 0; m_i < 14; m_i++) {
		struct qg_model m;
		struct cim_image_op *op;
		int8_t *w;
		void *img = NULL;
		size_t size;

		qg_init(&m, &s, 4, 4, 4);
		qg_conv(&m, 0, 4, 3, 1, 1, 1, 2, 8);
		qg_fc(&m, 1, 5, 4);
		qg_finish(&m);
		assert_int_equal(cim_qmodel_check(&m.qm, msg, sizeof(msg)), 0);
		op = &m.ops[m_i < 7 ? 0 : 1].op;
		switch (m_i) {
		case 0: op->groups = 3; break;
		case 1: op->wbits = 2; break;
		case 2: op->kernel_h = 0; break;
		case 3: op->pad_top = 3; break;
		case 4: w = (int8_t *)m.ops[0].weights; w[5] = -128; break;
		case 5: op->in1 = 0; break;
		case 6: op->exit_margin = 1; break;
		case 7: w = (int8_t *)m.ops[1].weights; w[0] = 16; break;
		case 8: m.ops[1].wzp = NULL; break;
		case 9: ((int32_t *)m.ops[1].shift)[0] = 31; break;
		case 10: op->act_min = 10; op->act_max = 9; break;
		case 11: op->in0 = 2; break;
		case 12: m.qm.output_tensor = 0; break;
		case 13: op->type = 9; break;
		}
		assert_int_equal(cim_qmodel_check(&m.qm, msg, sizeof(msg)), -EINVAL);
		assert_true(strlen(msg) > 0);
		if (m_i != 12)
			assert_non_null(strstr(msg, m_i < 7 ? "op 0" : "op 1"));
		assert_int_equal(cim_map_qmodel(&m.qm, &o, &img, &size, &rep), -EINVAL);
		assert_string_equal(rep.msg, msg);
		assert_null(img);
		assert_int_equal(cim_ref_run_qmodel(&m.qm, NULL, NULL, 0), -EINVAL);
		qg_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_models_agree),
		cmocka_unit_test(early_exit_takes_the_exit_tensor),
		cmocka_unit_test(cells_by_hand),
		cmocka_unit_test(depthwise_packs_diagonally),
		cmocka_unit_test(depthwise_runs_on_the_simd),
		cmocka_unit_test(small_convs_duplicate_windows),
		cmocka_unit_test(period_bound_by_hand),
		cmocka_unit_test(sorted_packing_mixes_layers),
		cmocka_unit_test(small_matrices_share_arrays),
		cmocka_unit_test(arena_respects_liveness),
		cmocka_unit_test(too_big_for_the_card),
		cmocka_unit_test(same_model_same_bytes),
		cmocka_unit_test(bad_models_rejected),
	};

	return cmocka_run_group_tests_name("map", tests, NULL, NULL);
}
