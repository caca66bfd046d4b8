// SPDX-License-Identifier: MIT
/*
 * Result records: each job gets a 32-byte slot in a page-sized BO that
 * the card writes its struct drm_cim_job_result into.  Pages are shared
 * by the jobs of a device and kept until cim_close().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(sizeof(struct drm_cim_job_result) <= CIMI_RESULT_SLOT,
	       "job result record larger than its slot");
_Static_assert(CIMI_RESULT_SLOT % 8 == 0, "result slots must be 8-aligned");

static struct cimi_result_page *page_new(struct cim_dev *dev)
{
	struct cimi_result_page *pg = calloc(1, sizeof(*pg));
	void *map;

	if (!pg)
		return NULL;
	if (cim_bo_alloc(dev, CIMI_RESULT_PAGE, &pg->bo) ||
	    cim_bo_map(pg->bo, &map)) {
		cim_bo_free(pg->bo);
		free(pg);
		return NULL;
	}
	pg->rec = map;
	return pg;
}

int cimi_result_get(struct cim_dev *dev, struct cimi_result_slot *slot)
{
	struct cimi_result_page *pg;
	uint32_t i = 0;
	int ret = 0;

	pthread_mutex_lock(&dev->lock);
	for (pg = dev->results; pg; pg = pg->next) {
		for (i = 0; i < CIMI_RESULTS_PER_PAGE; i++)
			if (!pg->used[i])
				break;
		if (i < CIMI_RESULTS_PER_PAGE)
			break;
	}
	if (!pg) {
		pg = page_new(dev);
		if (!pg) {
			ret = -ENOMEM;
			goto out;
		}
		pg->next = dev->results;
		dev->results = pg;
		i = 0;
	}
	pg->used[i] = 1;
	slot->page = pg;
	slot->index = i;
	memset(&pg->rec[i], 0, sizeof(pg->rec[i]));
	pg->rec[i].status = CIMI_RESULT_PENDING;
out:
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

void cimi_result_put(struct cim_dev *dev, struct cimi_result_slot *slot)
{
	if (!slot->page)
		return;
	pthread_mutex_lock(&dev->lock);
	slot->page->used[slot->index] = 0;
	pthread_mutex_unlock(&dev->lock);
	slot->page = NULL;
}

struct drm_cim_job_result *cimi_result_rec(const struct cimi_result_slot *slot)
{
	return &slot->page->rec[slot->index];
}

uint32_t cimi_result_handle(const struct cimi_result_slot *slot)
{
	return cim_bo_handle(slot->page->bo);
}

uint64_t cimi_result_offset(const struct cimi_result_slot *slot)
{
	return (uint64_t)slot->index * CIMI_RESULT_SLOT;
}

void cimi_results_free(struct cim_dev *dev)
{
	struct cimi_result_page *pg, *next;

	/* Jobs abandoned while running may still write here: the driver keeps
	 * the pages alive for them after we drop our handles. */
	for (pg = dev->results; pg; pg = next) {
		next = pg->next;
		cim_bo_free(pg->bo);
		free(pg);
	}
	dev->results = NULL;
}
