// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Column sums of a block's cells for the userspace card, kept from one
 * call to the next (model_colsum_host(), see model_int.h).  The firmware
 * asks for them at every MVM driven with an input offset (fw_exec.c:
 * sum x q = sum (x - zp) q + zp sum q), and they only change when the
 * tile's cells are written: an entry is keyed by the block and the
 * tile's wstamp.  The same integers as the plain loop, so bit-exact;
 * modeled time does not depend on it (the scheduler charges the plan).
 * The lanes share it (layout_lock).
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../model/model_int.h"

#define SIM_CSUM_SLOTS	1024u	/* a power of two */

/* A block of a tile, as of the tile's wstamp. */
struct sim_csum_key {
	uint32_t tile, stamp, row0, nrows, col0, ncols;
};

struct sim_csum {
	struct sim_csum_key key;
	uint32_t valid, cap;
	int32_t *v;
};

static uint32_t sim_csum_hash(const struct sim_csum_key *key)
{
	const uint32_t *w = (const uint32_t *)key;
	uint32_t k = 0, i;

	/* the stamp is not hashed: a rewritten block reuses its entry */
	for (i = 0; i < sizeof(*key) / sizeof(*w); i++)
		if (i != 1)
			k = (k ^ w[i]) * 0x9e3779b1u;
	return (k ^ k >> 16) & (SIM_CSUM_SLOTS - 1);
}

static void sim_csum_compute(const struct cim_model *m, uint32_t tile,
			     uint32_t row0, uint32_t nrows, uint32_t col0,
			     uint32_t ncols, int32_t *sum)
{
	const uint8_t *row = m->cells + (size_t)tile * m->p.rows * m->p.cols +
			     (size_t)row0 * m->p.cols + col0;
	uint32_t r, c;

	memset(sum, 0, ncols * sizeof(*sum));
	for (r = 0; r < nrows; r++, row += m->p.cols)
		for (c = 0; c < ncols; c++)
			sum[c] += row[c];
}

int model_colsum_host(struct cim_hal *h, struct cim_model *m, uint32_t tile,
		      uint32_t row0, uint32_t nrows, uint32_t col0,
		      uint32_t ncols, int32_t *sum)
{
	struct sim_csum_key key = {
		tile, model_tile(m, tile)->wstamp, row0, nrows, col0, ncols
	};
	struct sim_csum *e;
	int32_t *v;

	int ret = 0;

	pthread_mutex_lock(&h->layout_lock);
	if (!h->csum)
		h->csum = calloc(SIM_CSUM_SLOTS, sizeof(*h->csum));
	if (!h->csum)
		goto out;
	e = &h->csum[sim_csum_hash(&key)];
	if (!e->valid || memcmp(&e->key, &key, sizeof(key))) {
		if (e->cap < ncols) {
			v = realloc(e->v, ncols * sizeof(*v));
			if (!v)
				goto out;
			e->v = v;
			e->cap = ncols;
		}
		sim_csum_compute(m, tile, row0, nrows, col0, ncols, e->v);
		e->key = key;
		e->valid = 1;
	}
	memcpy(sum, e->v, ncols * sizeof(*sum));
	ret = 1;
out:
	pthread_mutex_unlock(&h->layout_lock);
	return ret;
}

void sim_colsum_fini(struct cim_hal *h)
{
	uint32_t i;

	if (!h->csum)
		return;
	for (i = 0; i < SIM_CSUM_SLOTS; i++)
		free(h->csum[i].v);
	free(h->csum);
	h->csum = NULL;
}
