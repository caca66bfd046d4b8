// SPDX-License-Identifier: MIT
/*
 * Result records: the card writes a struct drm_cim_job_result at the end
 * of each job into a BO libcim provides.  Each job in flight has a BO of
 * its own (see struct cimi_result_buf); the BOs are recycled and kept
 * until cim_close().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static struct cimi_result_buf *buf_new(struct cim_dev *dev, size_t size)
{
	struct cimi_result_buf *rb = calloc(1, sizeof(*rb));
	void *map;

	if (!rb)
		return NULL;
	if (cim_bo_alloc(dev, size, &rb->bo) ||
	    cim_bo_map(rb->bo, &map)) {
		cim_bo_free(rb->bo);
		free(rb);
		return NULL;
	}
	rb->rec = map;
	rb->size = cim_bo_size(rb->bo);
	return rb;
}

/*
 * A free result buffer of at least size bytes (the record, then the exit
 * bytes the card writes when the buffer has room for them).
 */
int cimi_result_get(struct cim_dev *dev, size_t size,
		    struct cimi_result_buf **buf)
{
	struct cimi_result_buf *rb;
	int ret = 0;

	if (size < sizeof(struct drm_cim_job_result))
		size = sizeof(struct drm_cim_job_result);
	pthread_mutex_lock(&dev->lock);
	for (rb = dev->results; rb && (rb->busy || rb->size < size);
	     rb = rb->next)
		;
	if (!rb) {
		rb = buf_new(dev, size);
		if (!rb) {
			ret = -ENOMEM;
			goto out;
		}
		rb->next = dev->results;
		dev->results = rb;
	}
	rb->busy = 1;
	memset(rb->rec, 0, sizeof(*rb->rec));
	rb->rec->status = CIMI_RESULT_PENDING;
	*buf = rb;
out:
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

void cimi_result_put(struct cim_dev *dev, struct cimi_result_buf *buf)
{
	if (!buf)
		return;
	pthread_mutex_lock(&dev->lock);
	buf->busy = 0;
	pthread_mutex_unlock(&dev->lock);
}

void cimi_results_free(struct cim_dev *dev)
{
	struct cimi_result_buf *rb, *next;

	/* Jobs abandoned while running may still write here: the driver keeps
	 * the memory alive for them after we drop our handles. */
	for (rb = dev->results; rb; rb = next) {
		next = rb->next;
		cim_bo_free(rb->bo);
		free(rb);
	}
	dev->results = NULL;
}
