// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Every op type of image format 2 against the test's own reference
 * (tnet_ref.c), on hand-built nets mapped with splits, partial sums and
 * diagonal packing; early exits; the scheduler's modeled time and the
 * telemetry snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

/* Program net into slot 0 and run batch items; compare with the reference. */
static struct cim_cpl run_net(struct thost *t, struct tnet *n, uint32_t batch,
			      uint32_t seed, int64_t margin,
			      struct cim_job_record **rec_out)
{
	struct tmodel m;
	uint64_t isz, osz;
	int8_t *in, *want, *src, *out;
	uint8_t *exits, *rec;
	struct cim_desc d;
	struct cim_cpl c;
	size_t rlen = sizeof(struct cim_job_record) + batch;
	uint32_t i, distinct = 0;
	int seen[256] = { 0 };

	memset(&m, 0, sizeof(m));
	m.net = *n;
	tmodel_build(&m);
	*n = m.net;
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);

	isz = tnet_size(n, 0);
	osz = tnet_size(n, n->output);
	in = malloc(batch * isz);
	want = malloc(batch * osz);
	exits = malloc(batch);
	trand_fill(in, batch * isz, seed);
	tnet_ref(n, in, want, exits, batch, margin);

	src = thost_alloc(t, batch * isz, 1);
	memcpy(src, in, batch * isz);
	out = thost_alloc(t, batch * osz, 1);
	rec = thost_alloc(t, rlen, 1);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 42;
	d.batch = batch;
	if (margin >= 0) {
		d.flags = CIM_DESCF_EXIT_MARGIN;
		d.exit_margin = (uint32_t)margin;
	}
	thost_ref(t, &d.src, src, batch * isz);
	thost_ref(t, &d.dst, out, batch * osz);
	thost_ref(t, &d.result, rec, rlen);
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.batch_done, batch);
	assert_memory_equal(out, want, batch * osz);
	assert_memory_equal(rec + sizeof(struct cim_job_record), exits, batch);
	for (i = 0; i < batch * osz; i++)
		if (!seen[out[i] + 128]++)
			distinct++;
	/* outputs all alike would hide a broken datapath */
	assert_true(distinct >= (batch * osz >= 8 ? 3u : 1u));
	if (rec_out)
		*rec_out = (struct cim_job_record *)rec;
	free(in);
	free(want);
	free(exits);
	free(m.image);
	return c;
}

static void net_init(struct tnet *n, uint32_t c, uint32_t h, uint32_t w)
{
	memset(n, 0, sizeof(*n));
	n->tile_rows = THAL_ROWS;
	n->tile_cols = THAL_COLS;
	n->t[0].c = c;
	n->t[0].h = h;
	n->t[0].w = w;
}

static uint32_t add_conv(struct tnet *n, uint32_t in, uint32_t N,
			 uint32_t k, uint32_t stride, uint32_t dil,
			 const uint32_t pad[4], uint32_t G, uint32_t wbits,
			 int relu, uint32_t *seed)
{
	struct tnet_op o;
	uint32_t h, w;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_CONV;
	o.op.in0 = in;
	o.op.kernel_h = o.op.kernel_w = k;
	o.op.stride_h = o.op.stride_w = stride;
	o.op.dil_h = o.op.dil_w = dil;
	o.op.pad_top = pad[0];
	o.op.pad_left = pad[1];
	o.op.pad_bottom = pad[2];
	o.op.pad_right = pad[3];
	o.op.groups = G;
	o.op.in0_zp = (int32_t)(trand(seed) % 21) - 10;
	o.op.out_zp = (int32_t)(trand(seed) % 21) - 10;
	o.op.act_min = relu ? o.op.out_zp : -128;
	o.op.act_max = relu ? 100 : 127;
	tnet_rand_mvm(&o, k * k * n->t[in].c, N, G, wbits, seed);
	tnet_window_shape(n, &o.op, in, &h, &w);
	return tnet_add(n, &o, N, h, w);
}

static uint32_t add_fc(struct tnet *n, uint32_t in, uint32_t N,
		       uint32_t wbits, uint32_t *seed)
{
	struct tnet_op o;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_FC;
	o.op.in0 = in;
	o.op.groups = 1;
	o.op.out_zp = 3;
	o.op.act_min = -128;
	o.op.act_max = 127;
	tnet_rand_mvm(&o, (uint32_t)tnet_size(n, in), N, 1, wbits, seed);
	return tnet_add(n, &o, N, 1, 1);
}

static const uint32_t pad0[4] = { 0, 0, 0, 0 };
static const uint32_t pad1[4] = { 1, 1, 1, 1 };

/* Plain, strided, dilated, asymmetric padding; W8 and W4; split blocks. */
static void test_conv_im2col(void **state)
{
	static const uint32_t padx[4] = { 2, 0, 1, 3 };
	struct thost *t = *state;
	uint32_t seed = 11, x;
	struct tnet n;

	net_init(&n, 5, 9, 8);
	x = add_conv(&n, 0, 12, 3, 1, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(&n, x, 10, 3, 2, 2, padx, 1, 4, 0, &seed);
	x = add_conv(&n, x, 7, 1, 1, 1, pad0, 1, 8, 0, &seed);
	/* K = 45 and 108 rows over 32-row tiles: partial sums */
	run_net(t, &n, 3, 1, -1, NULL);
	assert_true(n.n_blocks > 3);
	tnet_free(&n);

	/* the same shapes split into 8 x 6-cell blocks */
	seed = 11;
	net_init(&n, 5, 9, 8);
	n.max_rows = 8;
	n.max_cols = 6;
	x = add_conv(&n, 0, 12, 3, 1, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(&n, x, 10, 3, 2, 2, padx, 1, 4, 0, &seed);
	run_net(t, &n, 2, 2, -1, NULL);
	assert_true(n.n_blocks > 20);
	tnet_free(&n);
}

/* Groups: block diagonal, diagonal-packed and one group per block. */
static void test_conv_groups(void **state)
{
	struct thost *t = *state;
	uint32_t seed = 5, x, diag;
	struct tnet n;

	net_init(&n, 8, 6, 6);
	x = add_conv(&n, 0, 12, 3, 1, 1, pad1, 2, 8, 1, &seed);
	/* depthwise, 12 groups of 9 rows x 1 weight: 3 per block */
	x = add_conv(&n, x, 12, 3, 2, 1, pad1, 12, 8, 1, &seed);
	x = add_conv(&n, x, 12, 3, 1, 1, pad1, 12, 4, 0, &seed);
	run_net(t, &n, 2, 3, -1, NULL);
	diag = n.n_blocks;
	tnet_free(&n);

	seed = 5;
	net_init(&n, 8, 6, 6);
	n.no_diag = 1;
	x = add_conv(&n, 0, 12, 3, 1, 1, pad1, 2, 8, 1, &seed);
	x = add_conv(&n, x, 12, 3, 2, 1, pad1, 12, 8, 1, &seed);
	x = add_conv(&n, x, 12, 3, 1, 1, pad1, 12, 4, 0, &seed);
	run_net(t, &n, 2, 3, -1, NULL);
	/* diagonal packing needs fewer blocks for the same result */
	assert_true(diag < n.n_blocks);
	tnet_free(&n);
}

static uint32_t add_pool(struct tnet *n, uint32_t in, uint16_t type,
			 uint32_t k, uint32_t stride, const uint32_t pad[4],
			 uint16_t flags)
{
	struct tnet_op o;
	uint32_t h, w;

	memset(&o, 0, sizeof(o));
	o.op.type = type;
	o.op.flags = flags;
	o.op.in0 = in;
	o.op.in0_zp = -7;
	o.op.kernel_h = o.op.kernel_w = k;
	o.op.stride_h = o.op.stride_w = stride;
	o.op.dil_h = o.op.dil_w = 1;
	o.op.pad_top = pad[0];
	o.op.pad_left = pad[1];
	o.op.pad_bottom = pad[2];
	o.op.pad_right = pad[3];
	o.op.act_min = -100;
	o.op.act_max = 90;
	tnet_window_shape(n, &o.op, in, &h, &w);
	return tnet_add(n, &o, n->t[in].c, h, w);
}

static uint32_t add_two(struct tnet *n, uint16_t type, uint32_t a,
			uint32_t b, uint32_t G)
{
	struct tnet_op o;

	memset(&o, 0, sizeof(o));
	o.op.type = type;
	o.op.in0 = a;
	o.op.in1 = b;
	o.op.act_min = -128;
	o.op.act_max = 127;
	if (type == CIM_OP_SHUFFLE) {
		o.op.groups = G;
		return tnet_add(n, &o, n->t[a].c, n->t[a].h, n->t[a].w);
	}
	o.op.in0_zp = 4;
	o.op.in1_zp = -9;
	o.op.out_zp = 2;
	o.op.in0_mult = 0x5a000000;
	o.op.in0_shift = type == CIM_OP_ADD ? -3 : 0;
	o.op.in1_mult = 0x47000000;
	o.op.in1_shift = type == CIM_OP_ADD ? -2 : 0;
	if (type == CIM_OP_ADD) {
		o.op.out_mult = 0x60000000;
		o.op.out_shift = -5;
		o.op.left_shift = 7;
		return tnet_add(n, &o, n->t[a].c, n->t[a].h, n->t[a].w);
	}
	return tnet_add(n, &o, n->t[a].c + n->t[b].c, n->t[a].h, n->t[a].w);
}

/* Pools with pads (with and without COUNT_PAD), ADD, CONCAT, SHUFFLE. */
static void test_simd_ops(void **state)
{
	static const uint32_t padp[4] = { 1, 0, 1, 1 };
	struct thost *t = *state;
	uint32_t seed = 9, c, mp, ap, ac, s, a, cat;
	struct tnet n;

	net_init(&n, 6, 8, 7);
	c = add_conv(&n, 0, 8, 3, 1, 1, pad1, 1, 8, 0, &seed);
	mp = add_pool(&n, c, CIM_OP_MAXPOOL, 3, 2, pad1, 0);
	ap = add_pool(&n, c, CIM_OP_AVGPOOL, 3, 2, pad1, CIM_OPF_COUNT_PAD);
	a = add_two(&n, CIM_OP_ADD, mp, ap, 0);
	ac = add_pool(&n, a, CIM_OP_AVGPOOL, 2, 1, padp, 0);
	cat = add_two(&n, CIM_OP_CONCAT, ac, ac, 0);
	s = add_two(&n, CIM_OP_SHUFFLE, cat, 0, 4);
	add_fc(&n, s, 10, 8, &seed);
	/* the FC after the shuffle would hide a wrong permutation rarely */
	run_net(t, &n, 3, 4, -1, NULL);
	tnet_free(&n);

	/* the same ops with nothing after them: raw outputs compared */
	seed = 9;
	net_init(&n, 6, 8, 7);
	c = add_conv(&n, 0, 8, 3, 1, 1, pad1, 1, 8, 0, &seed);
	ap = add_pool(&n, c, CIM_OP_AVGPOOL, 3, 2, pad1, 0);
	cat = add_two(&n, CIM_OP_CONCAT, ap, ap, 0);
	add_two(&n, CIM_OP_SHUFFLE, cat, 0, 2);
	run_net(t, &n, 2, 5, -1, NULL);
	tnet_free(&n);
}

/* Image version 2.1: LUT, MUL (per channel and same shape), SLICE. */
static void test_simd_ops_2_1(void **state)
{
	static const uint32_t nopad[4] = { 0 };
	struct thost *t = *state;
	uint32_t seed = 13, c, l, gp, m, s, m2, i;
	int32_t lut[256];
	struct tnet_op o;
	struct tnet n;

	for (i = 0; i < 256; i++)	/* a steep odd function, saturating */
		lut[i] = (int32_t)i - 128 > 42 ? 127 : (int32_t)i - 128 < -42 ? -128 :
			 3 * ((int32_t)i - 128);
	net_init(&n, 6, 8, 7);
	c = add_conv(&n, 0, 8, 3, 1, 1, pad1, 1, 8, 0, &seed);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_LUT;
	o.op.in0 = c;
	o.op.act_min = -120;
	o.op.act_max = 127;
	o.lut = lut;
	l = tnet_add(&n, &o, 8, n.t[c].h, n.t[c].w);
	gp = add_pool(&n, c, CIM_OP_AVGPOOL, 1, 1, nopad, 0);
	n.ops[gp - 1].op.kernel_h = n.t[c].h;	/* global: 1x1x8 */
	n.ops[gp - 1].op.kernel_w = n.t[c].w;
	n.t[gp].h = n.t[gp].w = 1;
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_MUL;
	o.op.in0 = l;
	o.op.in1 = gp;
	o.op.in0_zp = 3;
	o.op.in1_zp = -5;
	o.op.out_zp = -2;
	o.op.out_mult = 0x50000000;
	o.op.out_shift = -6;
	o.op.act_min = -128;
	o.op.act_max = 127;
	m = tnet_add(&n, &o, 8, n.t[l].h, n.t[l].w);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_SLICE;
	o.op.in0 = m;
	o.op.chan_first = 3;
	o.op.act_min = -128;
	o.op.act_max = 127;
	s = tnet_add(&n, &o, 4, n.t[m].h, n.t[m].w);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_SLICE;
	o.op.in0 = l;
	o.op.chan_first = 1;
	o.op.act_min = -128;
	o.op.act_max = 127;
	m2 = tnet_add(&n, &o, 4, n.t[l].h, n.t[l].w);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_MUL;	/* same shape */
	o.op.in0 = s;
	o.op.in1 = m2;
	o.op.in0_zp = -1;
	o.op.in1_zp = 4;
	o.op.out_mult = 0x40000001;
	o.op.out_shift = -7;
	o.op.act_min = -100;
	o.op.act_max = 100;
	tnet_add(&n, &o, 4, n.t[s].h, n.t[s].w);
	run_net(t, &n, 3, 6, -1, NULL);
	tnet_free(&n);
}

static uint32_t add_exit(struct tnet *n, uint32_t in, uint32_t margin)
{
	struct tnet_op o;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_EXIT;
	o.op.in0 = in;
	o.op.act_min = -128;
	o.op.act_max = 127;
	o.op.exit_margin = margin;
	return tnet_add(n, &o, n->t[in].c, n->t[in].h, n->t[in].w);
}

static void exit_net(struct tnet *n, uint32_t margin)
{
	uint32_t seed = 21, x, e;

	net_init(n, 24, 1, 1);
	x = add_fc(n, 0, 30, 8, &seed);
	e = add_fc(n, x, 8, 4, &seed);
	add_exit(n, e, margin);
	x = add_fc(n, x, 40, 8, &seed);
	x = add_fc(n, x, 40, 8, &seed);
	e = add_fc(n, x, 8, 8, &seed);
	add_exit(n, e, margin + 10);
	x = add_fc(n, x, 40, 8, &seed);
	add_fc(n, x, 8, 8, &seed);
}

/* Early exit: per item, exits taken, work skipped, margin override. */
static void test_exits(void **state)
{
	struct thost *t = *state;
	struct cim_job_record *rec;
	uint64_t t_own, t_all, t_none;
	uint32_t i, took = 0;
	struct tnet n;
	const uint8_t *ex;

	exit_net(&n, 20);
	t_own = run_net(t, &n, 12, 7, -1, &rec).device_time_ns;
	ex = (const uint8_t *)(rec + 1);
	for (i = 0; i < 12; i++)
		took += ex[i] < 2;
	/* the seed gives a mix of exits and full runs */
	assert_true(took > 0 && took < 12);
	assert_int_equal(rec->n_exited, took);
	assert_int_equal(t->fw->tele.items_exited, took);

	/* margin 0 always passes: every item leaves at exit 0 */
	t_all = run_net(t, &n, 12, 7, 0, &rec).device_time_ns;
	ex = (const uint8_t *)(rec + 1);
	for (i = 0; i < 12; i++)
		assert_int_equal(ex[i], 0);
	assert_int_equal(rec->n_exited, 12);
	/* above 255 nothing passes: every item runs to the end */
	t_none = run_net(t, &n, 12, 7, 1000, &rec).device_time_ns;
	ex = (const uint8_t *)(rec + 1);
	for (i = 0; i < 12; i++)
		assert_int_equal(ex[i], 2);
	assert_int_equal(rec->n_exited, 0);
	/* skipped work is not charged */
	assert_true(t_all < t_own && t_own < t_none);
	tnet_free(&n);
}

/* A conv net for the replica tests: W8 split over tiles, W4, an FC. */
static void rep_net(struct tnet *n, uint32_t r0, uint32_t r1, uint32_t rfc)
{
	uint32_t seed = 41, x;

	net_init(n, 5, 7, 6);
	n->no_pack = 1;
	/* K = 45 rows over 32-row tiles: partial sums in each replica */
	x = add_conv(n, 0, 12, 3, 1, 1, pad1, 1, 8, 1, &seed);
	n->ops[x - 1].op.replicas = r0;
	x = add_conv(n, x, 10, 3, 2, 1, pad1, 1, 4, 1, &seed);
	n->ops[x - 1].op.replicas = r1;
	x = add_fc(n, x, 6, 8, &seed);
	n->ops[x - 1].op.replicas = rfc;
}

/*
 * Replicated ops give the reference's (so the unreplicated) results
 * bit for bit, and the replicas run in parallel: less modeled time.
 */
static void test_conv_replicas(void **state)
{
	struct thost *t = *state;
	uint64_t t1, t3;
	uint32_t b1;
	struct tnet n;

	rep_net(&n, 0, 0, 0);
	t1 = run_net(t, &n, 4, 9, -1, NULL).device_time_ns;
	b1 = n.n_blocks;
	tnet_free(&n);

	rep_net(&n, 3, 2, 2);
	t3 = run_net(t, &n, 4, 9, -1, NULL).device_time_ns;
	/* K = 45, 108, 120 over 32-row tiles: 2, 4, 4 blocks a copy */
	assert_int_equal(b1, 2 + 4 + 4);
	assert_int_equal(n.n_blocks, 2 * 3 + 4 * 2 + 4 * 2);
	assert_true(t3 < t1);
	tnet_free(&n);
}

/*
 * Output pixel p comes from replica p % R: spoil one cell of replica 1
 * and only the odd pixels change.
 */
static void test_replica_pixels(void **state)
{
	struct thost *t = *state;
	struct cim_image_header *h;
	struct cim_image_block *b;
	struct cim_desc d;
	struct tmodel m;
	int8_t *in, *want, *out;
	uint32_t p, c, bad[2] = { 0, 0 }, seed = 3, x;
	uint8_t *cells;

	memset(&m, 0, sizeof(m));
	net_init(&m.net, 4, 5, 5);
	m.net.no_pack = 1;
	x = add_conv(&m.net, 0, 6, 3, 1, 1, pad1, 1, 4, 0, &seed);
	m.net.ops[x - 1].op.replicas = 2;
	tmodel_build(&m);
	h = m.image;
	b = (struct cim_image_block *)((uint8_t *)m.image + h->blocks_offset);
	/* K = 36: two blocks a copy; replica 1 starts at block 2 */
	assert_int_equal(h->n_blocks, 4);
	cells = (uint8_t *)m.image + h->cells_offset + b[2].cells_offset;
	cells[0] ^= 0x0f;	/* row 0, output 0 of replica 1 */
	h->crc32 = cim_image_crc(m.image, h->total_size);
	assert_int_equal(tprogram(t, 0, &m).status, CIM_ST_OK);
	tinput(&m, 1, 5, &in, &want);
	d = tdesc_run(t, 0, &m, in, 1, &out, NULL);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	for (p = 0; p < 25; p++)
		for (c = 0; c < 6; c++)
			bad[p % 2] += out[p * 6 + c] != want[p * 6 + c];
	assert_int_equal(bad[0], 0);
	assert_true(bad[1] > 0);
	free(in);
	free(want);
	tmodel_free(&m);
}

/*
 * Column-shared packing (staircase): blocks side by side on one array,
 * depthwise blocks too, bit-exact; fewer tiles than row-only packing.
 */
static void test_pack_columns(void **state)
{
	struct thost *t = *state;
	uint32_t seed = 17, x, tiles[2], i;
	struct tnet n;

	for (i = 0; i < 2; i++) {
		seed = 17;
		net_init(&n, 6, 6, 6);
		n.pack2d = i;
		/* 54 x 6 blocks (32 + 22 rows), depthwise 3 x (27 x 3) */
		x = add_conv(&n, 0, 6, 3, 1, 1, pad1, 1, 8, 1, &seed);
		x = add_conv(&n, x, 6, 3, 1, 1, pad1, 6, 4, 1, &seed);
		x = add_conv(&n, x, 12, 1, 1, 1, pad0, 1, 4, 1, &seed);
		n.ops[x - 1].op.replicas = 2;
		add_fc(&n, x, 5, 4, &seed);
		run_net(t, &n, 3, 4, -1, NULL);
		tiles[i] = n.n_vtiles;
		tnet_free(&n);
	}
	assert_true(tiles[1] < tiles[0]);
}

/* The checker: staircase accepted, overlaps and bad replicas refused. */
static void test_check_staircase(void **state)
{
	struct cim_image_header *h;
	struct cim_image_block *b;
	struct cim_image_op *ops;
	struct tmodel m;
	const char *why;
	uint32_t seed = 23, x, i, nb;
	struct cim_image_block save[16];
	struct cim_image_op osave;
	struct cim_image_limits lim = {
		.tile_rows = THAL_ROWS, .tile_cols = THAL_COLS, .cell_bits = 4,
		.max_vector = 4096, .max_plan_bytes = 1 << 20,
		.max_vtiles = THAL_TILES, .max_arena = 1 << 20,
	};

	(void)state;
	memset(&m, 0, sizeof(m));
	net_init(&m.net, 2, 4, 4);
	m.net.pack2d = 1;
	/* W4 blocks 18 x 3 twice (2 replicas), then 3 x 5 */
	x = add_conv(&m.net, 0, 3, 3, 1, 1, pad1, 1, 4, 1, &seed);
	m.net.ops[x - 1].op.replicas = 2;
	x = add_conv(&m.net, x, 5, 1, 1, 1, pad0, 1, 4, 1, &seed);
	(void)x;
	tmodel_build(&m);
	h = m.image;
	ops = (struct cim_image_op *)((uint8_t *)m.image + h->ops_offset);
	b = (struct cim_image_block *)((uint8_t *)m.image + h->blocks_offset);
	nb = h->n_blocks;
	assert_int_equal(nb, 3);
	assert_int_equal(h->n_vtiles, 1);
	/* 18 rows twice side by side, then below: (0, 0), (0, 3), (18, 0) */
	for (i = 0; i < 2; i++) {
		assert_int_equal(b[i].array_row, 0);
		assert_int_equal(b[i].array_col, 3 * i);
	}
	assert_int_equal(b[2].array_row, 18);
	assert_int_equal(b[2].array_col, 0);
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), 0);
	memcpy(save, b, nb * sizeof(*b));
	osave = ops[0];

	/* a staircase: right, then below all, then right again */
	b[1].array_row = 3;		/* rows 3..20, cols 3..5 */
	b[2].array_row = 21;		/* below both */
	b[2].array_col = 2;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), 0);
	b[2].array_row = 20;		/* row 20 is block 1's; col 2 block 0's */
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	assert_string_equal(why, "blocks of an array overlap (not below or right of the earlier ones)");
	b[2].array_col = 6;		/* right of both: fine */
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), 0);
	b[2].array_col = 5;		/* one column over block 1 */
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	/* an exact overlap */
	memcpy(b, save, nb * sizeof(*b));
	b[1].array_col = 0;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	memcpy(b, save, nb * sizeof(*b));

	/* replica counts: not dividing the blocks, too many, on a pool */
	ops[0].replicas = 3;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	assert_string_equal(why, "bad replica count");
	ops[0].replicas = CIM_IMAGE_MAX_REPLICAS + 2;
	ops[0].block_count = CIM_IMAGE_MAX_REPLICAS + 2;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	ops[0] = osave;
	/* one copy claimed, two present: the area is twice the matrix */
	ops[0].replicas = 1;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	assert_string_equal(why, "blocks do not cover their op's matrix");
	ops[0] = osave;
	/* replica 1 covering other rows than replica 0 */
	b[1].row_base = 1;
	b[1].rows = 17;
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), -1);
	memcpy(b, save, nb * sizeof(*b));
	assert_int_equal(cim_image_check(m.image, m.size, &lim, &why), 0);
	tmodel_free(&m);
}

static void pipe_net(struct tnet *n)
{
	uint32_t seed = 31, x;

	net_init(n, 4, 8, 8);
	x = add_conv(n, 0, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(n, x, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(n, x, 8, 3, 2, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(n, x, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	add_fc(n, x, 10, 8, &seed);
}

/* Pipelined beats one layer at a time for batch > 1, and overlaps items. */
static void test_sched_pipeline(void **state)
{
	struct thost *t = *state;
	uint64_t p1, p8, n8;
	struct tnet n;

	pipe_net(&n);
	p1 = t->fw->tele.last_pipelined_ns;
	run_net(t, &n, 1, 3, -1, NULL);
	p1 = t->fw->tele.last_pipelined_ns;
	assert_true(p1 > 0);
	run_net(t, &n, 8, 3, -1, NULL);
	p8 = t->fw->tele.last_pipelined_ns;
	n8 = t->fw->tele.last_naive_ns;
	assert_true(p8 < n8);
	assert_true(p8 < 8 * p1);
	/* and the naive mode charges the naive time */
	t->fw->p.sched_naive = 1;
	assert_int_equal(run_net(t, &n, 8, 3, -1, NULL).device_time_ns >= n8, 1);
	assert_int_equal(t->fw->tele.last_naive_ns, n8);
	t->fw->p.sched_naive = 0;
	tnet_free(&n);
}

/* When row `row` of tensor `t` was ready in the last RUN's last item. */
static uint64_t row_ready(const struct thost *t, uint32_t tensor, uint32_t row)
{
	return t->fw->sched.ready[t->fw->sched.band0[tensor] + row];
}

/*
 * Rows stream through a residual block: each conv and the ADD start on
 * their first rows before their producers finish, never before the rows
 * they need are ready, and the ADD keeps up with the conv chain rather
 * than waiting for it to end (fw_sched_wavefront).
 */
static void test_sched_stream(void **state)
{
	struct thost *t = *state;
	uint32_t seed = 17, x, y, z, a, r, h = 64, need;
	struct tnet n;

	net_init(&n, 4, h, 8);
	x = add_conv(&n, 0, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	y = add_conv(&n, x, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	z = add_conv(&n, y, 8, 3, 1, 1, pad1, 1, 8, 0, &seed);
	a = add_two(&n, CIM_OP_ADD, z, x, 0);
	run_net(t, &n, 1, 5, -1, NULL);
	assert_true(t->fw->sched.fine);
	for (r = 0; r < h; r++) {
		need = r + 1 < h ? r + 1 : h - 1;
		assert_true(row_ready(t, y, r) > row_ready(t, x, need));
		assert_true(row_ready(t, z, r) > row_ready(t, y, need));
		assert_true(row_ready(t, a, r) > row_ready(t, z, r));
		assert_true(row_ready(t, a, r) >= row_ready(t, x, r));
		if (r)
			assert_true(row_ready(t, a, r) >= row_ready(t, a, r - 1));
	}
	/* streaming: consumers start before producers end */
	assert_true(row_ready(t, y, 0) < row_ready(t, x, h - 1));
	assert_true(row_ready(t, z, 0) < row_ready(t, y, h - 1));
	/* the ADD's first half is done before the last conv's second half */
	assert_true(row_ready(t, a, h / 2) < row_ready(t, z, h - 1));
	/*
	 * and each ADD row follows its conv row within one conv row's
	 * time: its SIMD work fits between the requantizations, where an
	 * overflowing timeline pushed it behind the whole conv
	 */
	for (r = 1; r < h; r++)
		assert_true(row_ready(t, a, r) - row_ready(t, z, r) <
			    row_ready(t, z, r) - row_ready(t, z, r - 1));
	tnet_free(&n);
}

/*
 * A squeeze-and-excitation block: conv (3 replicas) -> LUT -> global
 * average pool -> 1x1 conv -> LUT -> MUL of the LUT's map by the channel
 * scale -> 1x1 conv.  Returns the tensors of the LUT, pool, MUL and last
 * conv in se[0..3].
 */
static void se_net(struct tnet *n, uint32_t h, uint32_t se[4])
{
	static const uint32_t nopad[4] = { 0 };
	uint32_t seed = 23, c, s, i;
	static int32_t lut[256];
	struct tnet_op o;

	for (i = 0; i < 256; i++)
		lut[i] = ((int32_t)i - 128) / 2 + 5;
	net_init(n, 4, h, 8);
	n->no_pack = 1;
	c = add_conv(n, 0, 8, 3, 1, 1, pad1, 1, 8, 0, &seed);
	n->ops[c - 1].op.replicas = 3;
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_LUT;
	o.op.in0 = c;
	o.op.act_min = -128;
	o.op.act_max = 127;
	o.lut = lut;
	se[0] = tnet_add(n, &o, 8, h, 8);
	se[1] = add_pool(n, se[0], CIM_OP_AVGPOOL, 1, 1, nopad, 0);
	n->ops[se[1] - 1].op.kernel_h = h;	/* global: 1x1x8 */
	n->ops[se[1] - 1].op.kernel_w = 8;
	n->t[se[1]].h = n->t[se[1]].w = 1;
	s = add_conv(n, se[1], 8, 1, 1, 1, nopad, 1, 8, 0, &seed);
	o.op.in0 = s;
	s = tnet_add(n, &o, 8, 1, 1);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_MUL;
	o.op.in0 = se[0];
	o.op.in1 = s;
	o.op.in0_zp = 3;
	o.op.in1_zp = -5;
	o.op.out_zp = -2;
	o.op.out_mult = 0x50000000;
	o.op.out_shift = -6;
	o.op.act_min = -128;
	o.op.act_max = 127;
	se[2] = tnet_add(n, &o, 8, h, 8);
	se[3] = add_conv(n, se[2], 6, 1, 1, 1, nopad, 1, 8, 0, &seed);
}

/*
 * The global pool of an SE block streams (fw_sched_acc): the tiles
 * holding its input sum their pixels as the rows arrive, so its result
 * follows the last input row by a fraction of summing the whole map on
 * one tile, where it used to wait for the map, move it to one tile and
 * sum it there.  Order holds: the pool after its last input row, every
 * MUL row after the scale, the conv after the MUL.  Items overlap over
 * the SE wait, and the results stay the reference's bit for bit.
 */
static void test_sched_se_stream(void **state)
{
	struct thost *t = *state;
	uint32_t h = 32, se[4], r;
	uint64_t whole, p1, p4;
	struct tnet n;

	se_net(&n, h, se);
	run_net(t, &n, 1, 7, -1, NULL);
	p1 = t->fw->tele.last_pipelined_ns;
	assert_true(t->fw->sched.fine);
	/* the pool's input is spread over the conv's 3 replica homes */
	assert_int_equal(n.ops[se[0] - 2].op.replicas, 3);
	whole = (uint64_t)h * 8 * 8 * t->fw->p.simd_ps_per_elem;
	assert_true(row_ready(t, se[1], 0) > row_ready(t, se[0], h - 1));
	assert_true(row_ready(t, se[1], 0) - row_ready(t, se[0], h - 1) <
		    whole / 4);
	for (r = 0; r < h; r++) {
		assert_true(row_ready(t, se[2], r) > row_ready(t, se[1], 0));
		assert_true(row_ready(t, se[3], r) > row_ready(t, se[2], r));
	}
	/* the multiply streams once the scale is known */
	assert_true(row_ready(t, se[2], 0) < row_ready(t, se[2], h - 1));
	run_net(t, &n, 4, 8, -1, NULL);
	p4 = t->fw->tele.last_pipelined_ns;
	assert_true(p4 < 4 * p1);
	assert_true(p4 < t->fw->tele.last_naive_ns);
	tnet_free(&n);
}

/* The TELEMETRY snapshot: header, per-tile counters that add up. */
static void test_telemetry(void **state)
{
	struct thost *t = *state;
	struct cim_telemetry *tel;
	struct cim_tile_telemetry *tt;
	uint64_t macs = 0, busy = 0, pulses = 0, pe = 0;
	struct cim_desc d;
	struct tnet n;
	size_t len;
	uint32_t i;

	pipe_net(&n);
	run_net(t, &n, 4, 3, -1, NULL);
	len = sizeof(*tel) + THAL_TILES * sizeof(*tt);
	tel = thost_alloc(t, len, 1);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_TELEMETRY;
	d.tag = 77;
	thost_ref(t, &d.dst, tel, len);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(tel->version, CIM_TELEMETRY_VERSION);
	assert_int_equal(tel->n_tiles, THAL_TILES);
	assert_int_equal(tel->tile_size, sizeof(*tt));
	assert_int_equal(tel->jobs, 2);		/* PROGRAM, RUN */
	assert_int_equal(tel->run_jobs, 1);
	assert_int_equal(tel->items, 4);
	assert_true(tel->last_pipelined_ns < tel->last_naive_ns);
	assert_true(tel->last_device_ns >= tel->last_pipelined_ns);
	tt = (struct cim_tile_telemetry *)(tel + 1);
	for (i = 0; i < THAL_TILES; i++) {
		macs += tt[i].macs;
		busy += tt[i].busy_ns;
		pulses += tt[i].program_pulses;
		pe += tt[i].pe_cycles;
		/* the platform's records, as they are */
		assert_int_equal(tt[i].mvms, t->hal->tstats[i].mvms);
		assert_int_equal(tt[i].simd_ns, t->hal->tstats[i].simd_ns);
		assert_int_equal(tt[i].pe_cycles, t->hal->pe[i]);
	}
	assert_int_equal(macs, tel->last_macs);
	/* 4 items, 8x8x8x36 + 8x8x8x72 + 4x4x8x72 x2 + 10x128 MACs each */
	assert_int_equal(macs, 4ull * (64 * 8 * 36 + 64 * 8 * 72 +
				       2 * 16 * 8 * 72 + 10 * 128));
	assert_true(busy > 0 && busy <= tel->last_pipelined_ns * n.n_vtiles);
	assert_int_equal(pe, n.n_vtiles);
	assert_true(pulses > 0);
	/* a buffer for the header only: no tiles */
	d.dst.length = sizeof(*tel);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(tel->n_tiles, 0);
	d.dst.length = sizeof(*tel) - 1;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	tnet_free(&n);
}

/* Tile activity the plan's blocks must cause, from the plan alone. */
struct want_tile {
	uint64_t mvms, macs, busy_ps, simd_ops;
};

static void want_activity(const struct tnet *n, const uint8_t *plan,
			  const uint16_t *map, uint32_t batch,
			  struct want_tile *w)
{
	const struct cim_image_header *h = (const void *)plan;
	const struct cim_image_tensor *tt = cim_image_tensors(plan);
	const struct cim_image_block *b;
	const struct cim_image_op *op;
	uint32_t k, R, per, r, i, pix, np, cpw, pt;
	uint64_t outs;

	for (k = 0; k < h->n_ops; k++) {
		op = &cim_image_ops(plan)[k];
		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		R = op->replicas ? op->replicas : 1;
		per = op->block_count / R;
		pix = tt[op->out].h * tt[op->out].w;
		cpw = op->wbits / 4;
		for (r = 0; r < R; r++) {
			/* pixel p of an item goes to replica p % R */
			np = batch * ((pix + R - 1 - r) / R);
			b = &cim_image_blocks(plan)[op->block_first + r * per];
			outs = 0;
			for (i = 0; i < per; i++) {
				pt = map[b[i].vtile];
				w[pt].mvms += np;
				w[pt].macs += (uint64_t)np * b[i].g_count *
					      b[i].rows * b[i].outs;
				w[pt].busy_ps += np * tnet_mvm_ps(n,
					b[i].g_count * b[i].rows,
					b[i].g_count * b[i].outs * cpw);
				outs += b[i].g_count * b[i].outs;
			}
			/*
			 * The replica's home adds the partial sums, the input
			 * offset (zp x column sums) and requantizes.
			 */
			w[map[b[0].vtile]].simd_ops += np *
				(tt[op->out].c + outs * (op->in0_zp ? 2 : 1));
		}
	}
}

/*
 * Per-tile activity is exact.  A balanced plan (replicated convolutions,
 * blocks of unlike sizes packed several to a tile) run over a batch
 * charges every physical tile the MVMs, MACs and array time of the blocks
 * placed on it, and its SIMD unit the requantization of the replicas it
 * is home to.  The tiles' loads differ, so the former even split of a
 * RUN's MVMs over the slot's tiles, at full-array cost each, fails here.
 * The records outlive a firmware reset (the header counters do not) and
 * the TELEMETRY descriptor shows them.
 */
static void test_tile_activity_exact(void **state)
{
	const uint32_t batch = 5;
	struct want_tile want[THAL_TILES];
	struct cim_tile_stats kept[THAL_TILES];
	struct cim_tile_telemetry *tr;
	struct cim_card_params p;
	struct cim_telemetry *tel;
	const uint16_t *map;
	uint64_t macs = 0, item_macs, mvms = 0;
	uint32_t seed = 17, x, c1, i, uneven = 0, tiles_used = 0;
	struct cim_desc d;
	struct thost *t;
	struct tnet n;
	size_t len;

	(void)state;
	thal_default_params(&p);
	/* 30 ns per ADC bit-cycle: every MVM takes whole nanoseconds */
	p.mvm_ns = p.mvm_fixed_ns + 16 * 8 * 30;
	t = thost_new_card(&p, THAL_PLAN_BYTES, 16, 16);
	thost_start(t);

	net_init(&n, 4, 8, 8);
	n.balance_tiles = 10;
	n.mvm_ns = p.mvm_ns;
	n.mvm_fixed_ns = p.mvm_fixed_ns;
	n.row_group = p.row_group;
	n.adcs = p.adcs;
	n.adc_bits = p.adc_bits;
	n.simd_ps = p.simd_ps_per_elem;
	c1 = add_conv(&n, 0, 8, 3, 1, 1, pad1, 1, 8, 1, &seed);
	x = add_conv(&n, c1, 12, 3, 2, 1, pad1, 1, 4, 1, &seed);
	x = add_conv(&n, x, 6, 1, 1, 1, pad0, 1, 8, 1, &seed);
	add_fc(&n, x, 10, 8, &seed);
	/* weight MACs of an item, from the layer shapes */
	item_macs = 64ull * 9 * 4 * 8 + 16ull * 9 * 8 * 12 + 16ull * 12 * 6 +
		    96ull * 10;
	run_net(t, &n, batch, 9, -1, NULL);
	assert_true(n.ops[0].op.replicas > 1);	/* the plan has replicas */
	assert_int_equal(t->fw->tele.last_macs, batch * item_macs);

	map = t->fw->slots[0].map;
	memset(want, 0, sizeof(want));
	want_activity(&n, t->hal->plan[0], map, batch, want);
	for (i = 0; i < THAL_TILES; i++) {
		const struct cim_tile_stats *s = &t->hal->tstats[i];

		/* whole nanoseconds, so rounding per band loses nothing */
		assert_int_equal(want[i].busy_ps % 1000, 0);
		assert_int_equal(s->mvms, want[i].mvms);
		assert_int_equal(s->macs, want[i].macs);
		assert_int_equal(s->busy_ns, want[i].busy_ps / 1000);
		assert_int_equal(s->simd_ops, want[i].simd_ops);
		assert_true(!s->simd_ns == !s->simd_ops);
		assert_true(s->simd_ns >= s->simd_ops * p.simd_ps_per_elem / 1000);
		/* a tile programmed and run: one erase, pulses, activity */
		assert_int_equal(t->hal->pe[i], !!s->mvms);
		assert_int_equal(!!s->program_pulses, !!s->mvms);
		macs += s->macs;
		mvms += s->mvms;
		if (s->mvms) {
			tiles_used++;
			/* what the even split at full-array cost would say */
			uneven += s->busy_ns != s->mvms * p.mvm_ns;
		}
	}
	assert_int_equal(tiles_used, n.n_vtiles);
	assert_int_equal(macs, batch * item_macs);
	/* the product mapper's period bounds every array's work per item */
	assert_true(n.period_ps > 0);
	for (i = 0; i < THAL_TILES; i++)
		assert_true(t->hal->tstats[i].busy_ns * 1000 <=
			    batch * n.period_ps);
	for (i = 0; i < THAL_TILES; i++)
		if (want[i].mvms)
			uneven += want[i].mvms * tiles_used != mvms;
	assert_true(uneven > 0);

	/* kept across a firmware reset; the header starts again */
	memcpy(kept, t->hal->tstats, sizeof(kept));
	cim_fw_reset(t->fw, t->hal);
	thost_start(t);
	len = sizeof(*tel) + THAL_TILES * sizeof(*tr);
	tel = thost_alloc(t, len, 1);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_TELEMETRY;
	thost_ref(t, &d.dst, tel, len);
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(tel->jobs, 0);
	assert_int_equal(tel->last_macs, 0);
	assert_int_equal(tel->n_tiles, THAL_TILES);
	tr = (struct cim_tile_telemetry *)(tel + 1);
	for (i = 0; i < THAL_TILES; i++) {
		assert_int_equal(tr[i].busy_ns, kept[i].busy_ns);
		assert_int_equal(tr[i].simd_ns, kept[i].simd_ns);
		assert_int_equal(tr[i].mvms, want[i].mvms);
		assert_int_equal(tr[i].macs, want[i].macs);
		assert_int_equal(tr[i].simd_ops, want[i].simd_ops);
		assert_int_equal(tr[i].program_pulses, kept[i].program_pulses);
		assert_int_equal(tr[i].pe_cycles, !!want[i].mvms);
	}
	tnet_free(&n);
	thost_free(t);
}

const struct CMUnitTest ops_tests[] = {
	TEST(test_conv_im2col),
	TEST(test_conv_groups),
	TEST(test_simd_ops),
	TEST(test_simd_ops_2_1),
	TEST(test_exits),
	TEST(test_conv_replicas),
	TEST(test_replica_pixels),
	TEST(test_pack_columns),
	TEST(test_check_staircase),
	TEST(test_sched_pipeline),
	TEST(test_sched_stream),
	TEST(test_sched_se_stream),
	TEST(test_telemetry),
	TEST(test_tile_activity_exact),
};
const size_t ops_count = sizeof(ops_tests) / sizeof(ops_tests[0]);
