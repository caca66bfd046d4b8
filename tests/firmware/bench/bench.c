// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Firmware bench: the host build of the firmware on the M1076-class card
 * model, running synthetic format-2 plans with random 4-bit weights
 * (ResNet-18 shaped for 32x32x3, MobileNetV2 shaped for 224x224x3),
 * mapped by the test builder (tnet_build.c), batch 1, 16 and 64 (64:
 * how much of the batch-16 shortfall is pipeline fill).  Prints
 * "bench: <name> <value> <unit>" lines.  The real compiler is libcim's.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../tests.h"
#include "m1076.h"

static uint32_t seed = 1;

static uint32_t conv(struct tnet *n, uint32_t in, uint32_t N, uint32_t k,
		     uint32_t s, uint32_t G, int relu)
{
	struct tnet_op o;
	uint32_t h, w, p = k / 2;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_CONV;
	o.op.in0 = in;
	o.op.kernel_h = o.op.kernel_w = k;
	o.op.stride_h = o.op.stride_w = s;
	o.op.dil_h = o.op.dil_w = 1;
	o.op.pad_top = o.op.pad_left = o.op.pad_bottom = o.op.pad_right = p;
	o.op.groups = G;
	o.op.act_min = relu ? 0 : -128;
	o.op.act_max = 127;
	tnet_rand_mvm(&o, k * k * n->t[in].c, N, G, 4, &seed);
	tnet_window_shape(n, &o.op, in, &h, &w);
	return tnet_add(n, &o, N, h, w);
}

static uint32_t add(struct tnet *n, uint32_t a, uint32_t b, int relu)
{
	struct tnet_op o;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_ADD;
	o.op.in0 = a;
	o.op.in1 = b;
	o.op.in0_mult = o.op.in1_mult = o.op.out_mult = 0x40000000;
	o.op.left_shift = 4;
	o.op.out_shift = -3;
	o.op.act_min = relu ? 0 : -128;
	o.op.act_max = 127;
	return tnet_add(n, &o, n->t[a].c, n->t[a].h, n->t[a].w);
}

static uint32_t head(struct tnet *n, uint32_t in, uint32_t classes)
{
	struct tnet_op o;

	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_AVGPOOL;
	o.op.in0 = in;
	o.op.kernel_h = n->t[in].h;
	o.op.kernel_w = n->t[in].w;
	o.op.stride_h = o.op.stride_w = 1;
	o.op.dil_h = o.op.dil_w = 1;
	o.op.act_min = -128;
	o.op.act_max = 127;
	in = tnet_add(n, &o, n->t[in].c, 1, 1);
	memset(&o, 0, sizeof(o));
	o.op.type = CIM_OP_FC;
	o.op.in0 = in;
	o.op.groups = 1;
	o.op.act_min = -128;
	o.op.act_max = 127;
	tnet_rand_mvm(&o, n->t[in].c, classes, 1, 4, &seed);
	return tnet_add(n, &o, classes, 1, 1);
}

static void resnet18(struct tnet *n)
{
	static const uint32_t ch[4] = { 64, 128, 256, 512 };
	uint32_t x, y, sc, st, b;

	n->t[0].c = 3;
	n->t[0].h = n->t[0].w = 32;
	x = conv(n, 0, 64, 3, 1, 1, 1);
	for (st = 0; st < 4; st++) {
		for (b = 0; b < 2; b++) {
			uint32_t s = st && !b ? 2 : 1;

			y = conv(n, x, ch[st], 3, s, 1, 1);
			y = conv(n, y, ch[st], 3, 1, 1, 0);
			sc = s == 2 ? conv(n, x, ch[st], 1, 2, 1, 0) : x;
			x = add(n, y, sc, 1);
		}
	}
	head(n, x, 10);
}

static void mobilenetv2(struct tnet *n)
{
	static const uint32_t cfg[7][4] = {
		{ 1, 16, 1, 1 }, { 6, 24, 2, 2 }, { 6, 32, 3, 2 },
		{ 6, 64, 4, 2 }, { 6, 96, 3, 1 }, { 6, 160, 3, 2 },
		{ 6, 320, 1, 1 },
	};
	uint32_t x, y, i, j, c, e;

	n->t[0].c = 3;
	n->t[0].h = n->t[0].w = 224;
	x = conv(n, 0, 32, 3, 2, 1, 1);
	for (i = 0; i < 7; i++) {
		for (j = 0; j < cfg[i][2]; j++) {
			c = n->t[x].c;
			e = c * cfg[i][0];
			y = cfg[i][0] == 1 ? x : conv(n, x, e, 1, 1, 1, 1);
			y = conv(n, y, e, 3, j ? 1 : cfg[i][3], e, 1);
			y = conv(n, y, cfg[i][1], 1, 1, 1, 0);
			x = j && c == cfg[i][1] ? add(n, y, x, 0) : y;
		}
	}
	x = conv(n, x, 1280, 1, 1, 1, 1);
	head(n, x, 1000);
}

/*
 * The ceiling of efficiency for the net's block shapes: every tile busy
 * all the time with MVMs of the shapes the mapper cut, no fill or drain,
 * no waiting.  Each block of one copy runs once per output pixel and
 * costs the card's MVM time for its rows and cells whatever its size, so
 * efficiency <= sum(MACs) / (sum(pixels * MVM time) * peak MACs per tile
 * per second), replicas or not.
 *
 * Two looser ceilings show how much room the block shapes leave: fixed = 0
 * leaves out the fixed part of every MVM; dense = 1 also leaves out the
 * grouped and depthwise layers, as if they ran elsewhere for free.
 */
static double bound(const struct tmodel *m, const struct cim_card_params *p,
		    int fixed, int dense)
{
	const struct tnet *n = &m->net;
	const struct cim_image_block *bl = cim_image_blocks(m->image);
	double macs = 0, ps = 0, pix;
	uint32_t k, i, per;

	for (k = 0; k < n->n_ops; k++) {
		const struct cim_image_op *op = &n->ops[k].op;

		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		pix = (double)n->t[op->out].h * n->t[op->out].w;
		per = op->block_count / (op->replicas ? op->replicas : 1);
		for (i = op->block_first; i < op->block_first + per; i++) {
			if (dense && op->groups > 1)
				continue;
			macs += pix * bl[i].g_count * bl[i].rows * bl[i].outs;
			ps += pix * ((double)tnet_mvm_ps(n,
				bl[i].g_count * bl[i].rows,
				bl[i].g_count * bl[i].outs * op->wbits / 4) -
				(fixed ? 0 : p->mvm_fixed_ns * 1e3));
		}
	}
	return macs / (ps * 1e-12) / ((double)p->rows * p->cols /
				      (p->mvm_ns * 1e-9));
}

/* Replicas per FC/CONV layer, in order, as one line. */
static void replicas(const char *name, const struct tnet *n)
{
	uint32_t k, r, total = 0, layers = 0, most = 0;

	printf("bench-info: %s replicas per layer:", name);
	for (k = 0; k < n->n_ops; k++) {
		const struct cim_image_op *op = &n->ops[k].op;

		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		r = op->replicas ? op->replicas : 1;
		printf(" %u", r);
		total += r;
		layers++;
		most = r > most ? r : most;
	}
	printf("\n");
	printf("bench: %s_mvm_layers %u layers\n", name, layers);
	printf("bench: %s_replicas_total %u copies\n", name, total);
	printf("bench: %s_replicas_max %u copies\n", name, most);
}

static void bench(const char *name, void (*make)(struct tnet *))
{
	static const uint32_t batches[3] = { 1, 16, 64 };
	struct cim_card_params p;
	struct tmodel m;
	struct thost *t;
	uint16_t *map;
	struct cim_desc d;
	struct cim_cpl c;
	struct cim_tile_stats *ts0;
	int8_t *in, *out;
	uint32_t i, b, tiles = 76;
	double peak, secs, macs, ceil_eff;

	m1076_params(&p, tiles);
	memset(&m, 0, sizeof(m));
	m.net.tile_rows = m.net.tile_cols = 1024;
	/* the balanced mapper: replicas and packing for 76 tiles */
	m.net.balance_tiles = tiles;
	m.net.mvm_ns = p.mvm_ns;
	m.net.mvm_fixed_ns = p.mvm_fixed_ns;
	m.net.row_group = p.row_group;
	m.net.adcs = p.adcs;
	m.net.adc_bits = p.adc_bits;
	m.net.simd_ps = p.simd_ps_per_elem;
	make(&m.net);
	tmodel_build(&m);
	if (m.net.n_vtiles > tiles) {
		/* more weights than 76 tiles hold: say so, model a bigger card */
		printf("bench: %s_tiles_needed %u tiles\n", name,
		       m.net.n_vtiles);
		tiles = m.net.n_vtiles;
		m1076_params(&p, tiles);
	}
	t = thost_new_card(&p, 1 << 20, 4, 4);
	ts0 = calloc(p.tiles, sizeof(*ts0));
	t->hal->act_bytes = 4 << 20;
	t->hal->act = realloc(t->hal->act, t->hal->act_bytes);
	cim_fw_reset(t->fw, t->hal);
	thost_start(t);
	map = thost_alloc(t, m.net.n_vtiles * 2, 1);
	for (i = 0; i < m.net.n_vtiles; i++)
		map[i] = (uint16_t)i;
	d = tdesc_program(t, 0, m.image, m.size, map, m.net.n_vtiles);
	c = thost_exec(t, &d);
	if (c.status) {
		printf("bench: %s program failed %u\n", name, c.status);
		exit(1);
	}
	printf("bench: %s_tiles_used %u tiles\n", name, m.net.n_vtiles);
	printf("bench: %s_blocks %u blocks\n", name, m.net.n_blocks);
	replicas(name, &m.net);
	printf("bench: %s_period_us %.1f us\n", name, m.net.period_ps / 1e6);
	printf("bench: %s_program_ms %.1f ms\n", name, c.device_time_ns / 1e6);
	/* peak: every tile doing full-array MVMs, one MAC per cell */
	peak = (double)p.tiles * p.rows * p.cols / (p.mvm_ns * 1e-9);
	ceil_eff = bound(&m, &p, 1, 0);
	printf("bench: %s_efficiency_bound_nofixed %.3f ratio\n", name,
	       bound(&m, &p, 0, 0));
	printf("bench: %s_efficiency_bound_dense_nofixed %.3f ratio\n", name,
	       bound(&m, &p, 0, 1));
	for (b = 0; b < 3; b++) {
		trand_fill(in = malloc((size_t)batches[b] * m.in_size),
			   (size_t)batches[b] * m.in_size, 3);
		/* the tile records count since power-on: take this run's deltas */
		memcpy(ts0, t->hal->tstats, p.tiles * sizeof(*ts0));
		d = tdesc_run(t, 0, &m, in, batches[b], &out, NULL);
		c = thost_exec(t, &d);
		if (c.status) {
			printf("bench: %s run failed %u\n", name, c.status);
			exit(1);
		}
		macs = (double)t->fw->tele.last_macs;
		secs = c.device_time_ns * 1e-9;
		printf("bench: %s_b%u_fps %.1f fps\n", name, batches[b],
		       batches[b] / secs);
		printf("bench: %s_b%u_tops %.3f TOPS\n", name, batches[b],
		       2 * macs / secs / 1e12);
		printf("bench: %s_b%u_efficiency %.3f ratio\n", name, batches[b],
		       macs / secs / peak);
		printf("bench: %s_b%u_naive_efficiency %.3f ratio\n", name,
		       batches[b],
		       macs / (t->fw->tele.last_naive_ns * 1e-9) / peak);
		printf("bench: %s_b%u_efficiency_bound %.3f ratio\n", name,
		       batches[b], ceil_eff);
		{
			uint64_t ma = 0, ms = 0, sa = 0;

			for (i = 0; i < p.tiles; i++) {
				uint64_t busy = t->hal->tstats[i].busy_ns -
						ts0[i].busy_ns;
				uint64_t simd = t->hal->tstats[i].simd_ns -
						ts0[i].simd_ns;

				sa += busy;
				if (busy > ma)
					ma = busy;
				if (simd > ms)
					ms = simd;
			}
			printf("bench-info: %s b%u makespan %.1f us, busiest array %.1f us, busiest simd %.1f us, mean array %.1f us\n",
			       name, batches[b], c.device_time_ns / 1e3,
			       ma / 1e3, ms / 1e3, sa / 1e3 / p.tiles);
		}
		free(in);
	}
	free(ts0);
	thost_free(t);
	tmodel_free(&m);
}

int main(void)
{
	bench("resnet18", resnet18);
	bench("mobilenetv2", mobilenetv2);
	return 0;
}
