// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Random quantized FC chains for the firmware tests (see tmodel.h). */
#include <stdarg.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tmodel.h"
#include "test_hal.h"

uint32_t trand(uint32_t *state)
{
	/* xorshift32: fixed sequences, no libc rand() state shared */
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void trand_fill(int8_t *buf, size_t n, uint32_t seed)
{
	uint32_t st = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (int8_t)(trand(&st) & 0xff);
}

void tmodel_build(struct tmodel *m)
{
	assert_int_equal(tnet_build(&m->net, &m->image, &m->size), 0);
	m->in_size = (uint32_t)tnet_size(&m->net, 0);
	m->out_size = (uint32_t)tnet_size(&m->net, m->net.output);
}

void tmodel_make(struct tmodel *m, const uint32_t *dims, uint32_t n_layers,
		 uint32_t seed, uint32_t tile_rows, uint32_t tile_cols)
{
	uint32_t st = seed * 2246822519u + 7, i, prev = 0;
	struct tnet *n = &m->net;
	struct tnet_op o;

	assert_true(n_layers >= 1 && n_layers <= TMODEL_MAX_LAYERS);
	memset(m, 0, sizeof(*m));
	n->tile_rows = tile_rows;
	n->tile_cols = tile_cols;
	n->no_pack = 1;
	n->t[0].c = dims[0];
	n->t[0].h = 1;
	n->t[0].w = 1;
	for (i = 0; i < n_layers; i++) {
		memset(&o, 0, sizeof(o));
		o.op.type = CIM_OP_FC;
		o.op.in0 = prev;
		o.op.groups = 1;
		o.op.out_zp = (int32_t)(trand(&st) % 41) - 20;
		o.op.act_min = i + 1 == n_layers ? -128 : o.op.out_zp;
		o.op.act_max = 127;
		tnet_rand_mvm(&o, dims[i], dims[i + 1], 1, 8, &st);
		prev = tnet_add(n, &o, dims[i + 1], 1, 1);
	}
	tmodel_build(m);
}

void tmodel_default(struct tmodel *m)
{
	/* Layer 0 spans 4 x 3 tiles, layer 1 2 x 2, layer 2 one. */
	static const uint32_t dims[] = { 100, 40, 24, 10 };

	tmodel_make(m, dims, 3, 1234, THAL_ROWS, THAL_COLS);
}

void tmodel_free(struct tmodel *m)
{
	tnet_free(&m->net);
	free(m->image);
	memset(m, 0, sizeof(*m));
}
