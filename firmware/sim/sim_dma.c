// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DMA of the userspace card.  A bus address is the host pointer, inside
 * memory the host mapped with cim_sim_dma_map() (an IOMMU's view of the
 * host); anything else is a bus error.  The map is sorted by address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "../cim_fw_hal.h"

/* Index of the first mapping that starts above addr. */
static size_t sim_dma_upper(const struct cim_hal *h, uintptr_t addr)
{
	size_t lo = 0, hi = h->nmaps, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->maps[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int cim_sim_dma_map(struct cim_sim *sim, const void *addr, size_t len)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uintptr_t a = (uintptr_t)addr;
	struct sim_map *m;
	size_t i;
	int ret = 0;

	if (!len || a + len < a)
		return -EINVAL;
	pthread_mutex_lock(&h->dma_lock);
	i = sim_dma_upper(h, a);
	if ((i && h->maps[i - 1].addr + h->maps[i - 1].len > a) ||
	    (i < h->nmaps && h->maps[i].addr < a + len)) {
		ret = -EINVAL;
		goto out;
	}
	if (h->nmaps == h->cap_maps) {
		m = realloc(h->maps, (h->cap_maps * 2 + 16) * sizeof(*m));
		if (!m) {
			ret = -ENOMEM;
			goto out;
		}
		h->maps = m;
		h->cap_maps = h->cap_maps * 2 + 16;
	}
	memmove(&h->maps[i + 1], &h->maps[i],
		(h->nmaps - i) * sizeof(*h->maps));
	h->maps[i].addr = a;
	h->maps[i].len = len;
	h->nmaps++;
out:
	pthread_mutex_unlock(&h->dma_lock);
	return ret;
}

int cim_sim_dma_unmap(struct cim_sim *sim, const void *addr)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uintptr_t a = (uintptr_t)addr;
	size_t i;
	int ret = -EINVAL;

	pthread_mutex_lock(&h->dma_lock);
	i = sim_dma_upper(h, a);
	if (i && h->maps[i - 1].addr == a) {
		memmove(&h->maps[i - 1], &h->maps[i],
			(h->nmaps - i) * sizeof(*h->maps));
		h->nmaps--;
		ret = 0;
	}
	pthread_mutex_unlock(&h->dma_lock);
	return ret;
}

void sim_dma_fini(struct cim_hal *h)
{
	free(h->maps);
	h->maps = NULL;
	h->nmaps = h->cap_maps = 0;
}

/*
 * Copy while holding dma_lock, so that an unmap cannot free the memory
 * under the transfer (the host must not free mapped memory anyway).
 */
static int sim_dma(struct cim_hal *h, uint64_t bus, void *buf, uint32_t len,
		   int to_host)
{
	uintptr_t a = (uintptr_t)bus;
	const struct sim_map *m;
	int in_reset, ret = -1;
	size_t i;

	pthread_mutex_lock(&h->reg_lock);
	in_reset = h->reset_held;
	pthread_mutex_unlock(&h->reg_lock);
	if (in_reset || (uint64_t)a != bus)
		return -1;
	pthread_mutex_lock(&h->dma_lock);
	i = sim_dma_upper(h, a);
	if (i) {
		m = &h->maps[i - 1];
		if (a - m->addr <= m->len && len <= m->len - (a - m->addr)) {
			if (to_host)
				memcpy((void *)a, buf, len);
			else
				memcpy(buf, (const void *)a, len);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&h->dma_lock);
	return ret;
}

int cim_hal_dma_read(struct cim_hal *h, uint64_t bus, void *dst, uint32_t len)
{
	return sim_dma(h, bus, dst, len, 0);
}

int cim_hal_dma_write(struct cim_hal *h, uint64_t bus, const void *src,
		      uint32_t len)
{
	return sim_dma(h, bus, (void *)src, len, 1);
}
