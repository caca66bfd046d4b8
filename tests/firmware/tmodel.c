// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* Random quantized FC models for the firmware tests (see tmodel.h). */
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

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	assert_non_null(p);
	return p;
}

static void layer_make(struct cim_fc_layer *l, uint32_t in, uint32_t out,
		       int last, uint32_t *st)
{
	int8_t *w = xmalloc((size_t)in * out);
	int32_t *bias = xmalloc(out * sizeof(*bias));
	int32_t *mult = xmalloc(out * sizeof(*mult));
	int32_t *shift = xmalloc(out * sizeof(*shift));
	uint32_t i;

	for (i = 0; i < in * out; i++)
		w[i] = (int8_t)((int32_t)(trand(st) % 255) - 127);
	/*
	 * |acc| is around sqrt(in) * 128 * 73; scale it to about +-100 so
	 * the outputs spread over int8 instead of saturating.
	 */
	for (i = 0; i < out; i++) {
		bias[i] = (int32_t)(trand(st) % 40001) - 20000;
		mult[i] = (int32_t)(0x40000000u + trand(st) % 0x3fffffffu);
		shift[i] = in > 64 ? -10 : -9;
	}
	memset(l, 0, sizeof(*l));
	l->in_len = in;
	l->out_len = out;
	l->weights = w;
	l->bias = bias;
	l->mult = mult;
	l->shift = shift;
	l->in_zp = (int32_t)(trand(st) % 21) - 10;
	l->out_zp = (int32_t)(trand(st) % 41) - 20;
	l->act_min = last ? -128 : l->out_zp;	/* ReLU */
	l->act_max = 127;
}

void tmodel_make(struct tmodel *m, const uint32_t *dims, uint32_t n_layers,
		 uint32_t seed, uint32_t tile_rows, uint32_t tile_cols)
{
	struct cim_geometry g = { tile_rows, tile_cols, 4 };
	uint32_t st = seed * 2246822519u + 7, i;

	assert_true(n_layers >= 1 && n_layers <= TMODEL_MAX_LAYERS);
	memset(m, 0, sizeof(*m));
	for (i = 0; i < n_layers; i++)
		layer_make(&m->layers[i], dims[i], dims[i + 1],
			   i + 1 == n_layers, &st);
	m->desc.n_layers = n_layers;
	m->desc.layers = m->layers;
	assert_int_equal(cim_image_build(&m->desc, &g, &m->image, &m->size),
			 0);
	m->in_size = dims[0];
	m->out_size = dims[n_layers];
}

void tmodel_default(struct tmodel *m)
{
	/* Layer 0 spans 4 x 3 tiles, layer 1 2 x 2, layer 2 one. */
	static const uint32_t dims[] = { 100, 40, 24, 10 };

	tmodel_make(m, dims, 3, 1234, THAL_ROWS, THAL_COLS);
}

void tmodel_free(struct tmodel *m)
{
	uint32_t i;

	for (i = 0; i < m->desc.n_layers; i++) {
		free((void *)m->layers[i].weights);
		free((void *)m->layers[i].bias);
		free((void *)m->layers[i].mult);
		free((void *)m->layers[i].shift);
	}
	free(m->image);
	memset(m, 0, sizeof(*m));
}
