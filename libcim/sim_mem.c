// SPDX-License-Identifier: MIT
/*
 * The userspace card's memory: buffers the card reaches by DMA (mapped
 * with cim_sim_dma_map(), each followed by a one-entry SG table), and the
 * handle tables of a device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "../firmware/sim/cim_sim.h"

static size_t page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

struct sim_buf *sim_buf_new(struct sim_card *c, size_t size)
{
	size_t bytes = page_round(size ? size : 1);
	size_t total = bytes + page_round(sizeof(struct cim_sg_entry));
	struct sim_buf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (posix_memalign(&b->p, (size_t)sysconf(_SC_PAGESIZE), total)) {
		free(b);
		return NULL;
	}
	memset(b->p, 0, total);
	if (cim_sim_dma_map(c->hw, b->p, total)) {
		free(b->p);
		free(b);
		return NULL;
	}
	b->size = bytes;
	b->sg = (struct cim_sg_entry *)((uint8_t *)b->p + bytes);
	b->sg->addr = (uintptr_t)b->p;
	b->sg->len = (uint32_t)bytes;
	b->refs = 1;
	return b;
}

void sim_buf_get(struct sim_buf *b)
{
	b->refs++;
}

void sim_buf_put(struct sim_card *c, struct sim_buf *b)
{
	if (!b || --b->refs)
		return;
	if (c->hw)	/* else the card is gone already */
		cim_sim_dma_unmap(c->hw, b->p);
	free(b->p);
	free(b);
}

struct cim_dma_ref sim_ref(const struct sim_buf *b, uint64_t off,
			   uint64_t len)
{
	struct cim_dma_ref r = { 0 };

	if (!b)
		return r;
	r.sg_addr = (uintptr_t)b->sg;
	r.sg_count = 1;
	r.offset = off;
	r.length = len;
	return r;
}

/* The lowest free handle, as the kernel's idr/xarray hands them out. */
int sim_table_add(struct sim_table *t, void *p, uint32_t *handle)
{
	uint32_t i;
	void **v;

	for (i = 0; i < t->n && t->v[i]; i++)
		;
	if (i == t->n) {
		v = realloc(t->v, (t->n ? 2 * t->n : 16) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + t->n, 0, (t->n ? t->n : 16) * sizeof(*v));
		t->n = t->n ? 2 * t->n : 16;
		t->v = v;
	}
	t->v[i] = p;
	*handle = i + 1;
	return 0;
}

void *sim_table_get(const struct sim_table *t, uint32_t handle)
{
	if (!handle || handle > t->n)
		return NULL;
	return t->v[handle - 1];
}

void *sim_table_del(struct sim_table *t, uint32_t handle)
{
	void *p = sim_table_get(t, handle);

	if (p)
		t->v[handle - 1] = NULL;
	return p;
}
