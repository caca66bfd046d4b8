// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

uint64_t tu_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

int64_t tu_range(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(tu_rand(s) % (uint64_t)(hi - lo + 1));
}

void tu_fill_i8(uint64_t *s, int8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (int8_t)tu_range(s, -128, 127);
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= v)
		r++;
	return r;
}

void tu_model_random(struct tu_model *m, uint64_t *s, uint32_t n,
		     const uint32_t *lens)
{
	uint32_t i, j;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		struct cim_fc_layer *l = &m->layer[i];
		uint32_t k = lens[i], o = lens[i + 1];
		uint64_t spread;
		int32_t shift;

		m->w[i] = malloc((size_t)k * o);
		m->bias[i] = malloc(o * sizeof(int32_t));
		m->mult[i] = malloc(o * sizeof(int32_t));
		m->shift[i] = malloc(o * sizeof(int32_t));
		for (j = 0; j < k * o; j++)
			m->w[i][j] = (int8_t)tu_range(s, -127, 127);
		/*
		 * acc spreads over about 74 * 73 * sqrt(K) = 84 * 64 * sqrt(K):
		 * a multiplier in [0.5, 1) times 2^shift brings that to int8.
		 */
		spread = 84 * isqrt(k) + 1;
		for (shift = 0; (1ull << -shift) < spread; shift--)
			;
		for (j = 0; j < o; j++) {
			m->bias[i][j] = (int32_t)tu_range(s, -20000, 20000);
			m->mult[i][j] = (int32_t)tu_range(s, 1 << 30, INT32_MAX);
			m->shift[i][j] = shift - (int32_t)tu_range(s, 0, 1);
		}
		l->in_len = k;
		l->out_len = o;
		l->weights = m->w[i];
		l->bias = m->bias[i];
		l->mult = m->mult[i];
		l->shift = m->shift[i];
		l->in_zp = (int32_t)tu_range(s, -128, 127);
		l->out_zp = (int32_t)tu_range(s, -20, 20);
		l->act_min = tu_range(s, 0, 3) == 0 ? l->out_zp : -128;
		l->act_max = 127;
	}
	m->desc.n_layers = n;
	m->desc.layers = m->layer;
}

void tu_model_free(struct tu_model *m)
{
	uint32_t i;

	for (i = 0; i < TU_MAX_LAYERS; i++) {
		free(m->w[i]);
		free(m->bias[i]);
		free(m->mult[i]);
		free(m->shift[i]);
	}
	memset(m, 0, sizeof(*m));
}

void *tu_dup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}
