// SPDX-License-Identifier: MIT
/*
 * Built-in models.  Weights come from a fixed-seed PRNG so that every
 * cimctl, every card and the CPU reference agree on them; the
 * requantization is chosen so that outputs spread over int8 instead of
 * saturating.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

const char *const cimctl_model_names[] = { "mlp2", "tiny", NULL };

struct layer_plan {
	uint32_t in, out;
	int32_t in_zp, out_zp;	/* ReLU: act_min = out_zp */
	int32_t shift;		/* with a multiplier in [0.55, 0.95) */
};

struct model_plan {
	const char *name, *about;
	uint64_t seed;
	uint32_t n;
	struct layer_plan l[CIMCTL_MODEL_MAX_LAYERS];
};

/*
 * mlp2 needs 2 x 2 + 1 x 1 = 5 virtual tiles on a 256 x 256 card (inputs
 * and outputs both split) and 2 on a 1024 x 1024 one.  Scales: the first
 * accumulator spreads over about 74 * 73 * sqrt(300) = 94k, brought to
 * about +-128 by 2^-9 * 0.75; the second (ReLU'd inputs) over about 95k,
 * brought to about +-45.
 */
static const struct model_plan plans[] = {
	{ "mlp2", "300 -> 200 -> 10, FC + ReLU twice", 0xc1a0001, 2, {
		{ 300, 200, -3, -128, -9 },
		{ 200, 10, -128, 0, -11 },
	} },
	{ "tiny", "64 -> 96 -> 10, FC + ReLU twice", 0xc1a0002, 2, {
		{ 64, 96, 0, -128, -8 },
		{ 96, 10, -128, 0, -10 },
	} },
};

uint64_t cimctl_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int32_t rand_range(uint64_t *s, int32_t lo, int32_t hi)
{
	return lo + (int32_t)(cimctl_rand(s) % (uint64_t)((int64_t)hi - lo + 1));
}

void cimctl_random_input(uint64_t seed, int8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (int8_t)rand_range(&seed, -128, 127);
}

static const struct model_plan *find_plan(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(plans) / sizeof(plans[0]); i++)
		if (!strcmp(plans[i].name, name))
			return &plans[i];
	return NULL;
}

const char *cimctl_model_about(const char *name)
{
	const struct model_plan *p = find_plan(name);

	return p ? p->about : "";
}

static int fill_layer(struct cimctl_model *m, uint32_t i,
		      const struct layer_plan *lp, uint64_t *s)
{
	struct cim_fc_layer *l = &m->layer[i];
	uint32_t j;

	m->w[i] = malloc((size_t)lp->in * lp->out);
	m->bias[i] = malloc(lp->out * sizeof(int32_t));
	m->mult[i] = malloc(lp->out * sizeof(int32_t));
	m->shift[i] = malloc(lp->out * sizeof(int32_t));
	if (!m->w[i] || !m->bias[i] || !m->mult[i] || !m->shift[i])
		return -ENOMEM;
	for (j = 0; j < lp->in * lp->out; j++)
		m->w[i][j] = (int8_t)rand_range(s, -127, 127);
	for (j = 0; j < lp->out; j++) {
		m->bias[i][j] = rand_range(s, -2000, 2000);
		/* [0.55, 0.95) in Q31 */
		m->mult[i][j] = rand_range(s, 1181116006, 2040109465);
		m->shift[i][j] = lp->shift;
	}
	l->in_len = lp->in;
	l->out_len = lp->out;
	l->weights = m->w[i];
	l->bias = m->bias[i];
	l->mult = m->mult[i];
	l->shift = m->shift[i];
	l->in_zp = lp->in_zp;
	l->out_zp = lp->out_zp;
	l->act_min = lp->out_zp;
	l->act_max = 127;
	return 0;
}

int cimctl_model_builtin(const char *name, struct cimctl_model *m)
{
	const struct model_plan *p = find_plan(name);
	uint64_t s;
	uint32_t i;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!p)
		return -ENOENT;
	s = p->seed;
	for (i = 0; i < p->n; i++) {
		ret = fill_layer(m, i, &p->l[i], &s);
		if (ret) {
			cimctl_model_free(m);
			return ret;
		}
	}
	m->name = p->name;
	m->desc.n_layers = p->n;
	m->desc.layers = m->layer;
	return 0;
}

void cimctl_model_free(struct cimctl_model *m)
{
	uint32_t i;

	for (i = 0; i < CIMCTL_MODEL_MAX_LAYERS; i++) {
		free(m->w[i]);
		free(m->bias[i]);
		free(m->mult[i]);
		free(m->shift[i]);
	}
	memset(m, 0, sizeof(*m));
}
