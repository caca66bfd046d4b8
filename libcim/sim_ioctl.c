// SPDX-License-Identifier: MIT
/*
 * The userspace card's "ioctls": the same requests and structures as
 * cim.ko's (uapi/drm/cim_accel.h), checked the same way, so that every
 * libcim call above the backend runs unchanged.  BOs are plain memory
 * the card can reach.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

void sim_dev_close(struct cim_dev *dev);

int sim_reply(struct drm_cim_query *q, const void *buf, size_t need)
{
	if (q->size)
		memcpy((void *)(uintptr_t)q->data, buf,
		       q->size < need ? q->size : need);
	q->size = (uint32_t)need;
	return 0;
}

static int query_info(struct sim_card *c, struct drm_cim_query *q)
{
	struct drm_cim_device_info di;
	const struct cim_info *i = &c->info;

	memset(&di, 0, sizeof(di));
	di.uapi_version = i->uapi_version;
	di.fw_version = i->fw_version;
	di.if_version = i->if_version;
	di.hw_id = i->hw_id;
	di.tiles = i->tiles;
	di.tile_rows = i->tile_rows;
	di.tile_cols = i->tile_cols;
	di.cell_bits = i->cell_bits;
	di.adc_bits = i->adc_bits;
	di.act_bits = i->act_bits;
	di.free_tiles = c->free_tiles;
	di.max_vector = i->max_vector;
	di.max_images = i->max_images;
	di.max_plan_bytes = i->max_plan_bytes;
	return sim_reply(q, &di, sizeof(di));
}

static int do_query(struct sim_file *sf, struct drm_cim_query *q)
{
	struct sim_card *c = sf->card;
	int ret;

	if (q->flags || q->pad || (q->size && !q->data))
		return -EINVAL;
	switch (q->query) {
	case DRM_CIM_QUERY_DEVICE_INFO:
		pthread_mutex_lock(&c->lock);
		ret = query_info(c, q);
		pthread_mutex_unlock(&c->lock);
		return ret;
	case DRM_CIM_QUERY_IMAGES:
		return sim_catalog_query(c, q);
	case DRM_CIM_QUERY_TILES:
		return sim_tiles_query(c, q);
	default:
		return -EINVAL;
	}
}

static int bo_create(struct sim_file *sf, struct drm_cim_bo_create *a)
{
	struct sim_card *c = sf->card;
	struct sim_buf *b;
	int ret;

	if (a->flags || !a->size || a->size > (1ull << 40))
		return -EINVAL;
	b = sim_buf_new(c, (size_t)a->size);
	if (!b)
		return -ENOMEM;
	pthread_mutex_lock(&c->lock);
	ret = sim_table_add(&sf->bos, b, &a->handle);
	if (ret)
		sim_buf_put(c, b);
	pthread_mutex_unlock(&c->lock);
	a->size = b->size;
	return ret;
}

static int bo_mmap_offset(struct sim_file *sf, struct drm_cim_bo_mmap_offset *a)
{
	int ret = 0;

	if (a->pad)
		return -EINVAL;
	pthread_mutex_lock(&sf->card->lock);
	if (!sim_table_get(&sf->bos, a->handle))
		ret = -ENOENT;
	pthread_mutex_unlock(&sf->card->lock);
	a->offset = (uint64_t)a->handle << 32;
	return ret;
}

static int gem_close(struct sim_file *sf, struct drm_gem_close *a)
{
	struct sim_buf *b;

	pthread_mutex_lock(&sf->card->lock);
	b = sim_table_del(&sf->bos, a->handle);
	if (b)
		sim_buf_put(sf->card, b);
	pthread_mutex_unlock(&sf->card->lock);
	return b ? 0 : -EINVAL;
}

static int bo_wait(struct sim_file *sf, struct drm_cim_bo_wait *a)
{
	struct sim_card *c = sf->card;
	struct sim_buf *b;
	struct timespec ts;
	int ret = 0;

	if (a->pad)
		return -EINVAL;
	ts.tv_sec = a->timeout_ns / 1000000000;
	ts.tv_nsec = a->timeout_ns % 1000000000;
	pthread_mutex_lock(&c->lock);
	b = sim_table_get(&sf->bos, a->handle);
	if (!b)
		ret = -ENOENT;
	while (!ret && b->busy) {
		if (a->timeout_ns == INT64_MAX)
			pthread_cond_wait(&c->cond, &c->lock);
		else if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) ==
			 ETIMEDOUT && b->busy)
			ret = -ETIME;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static int sim_ioctl(struct cim_dev *dev, unsigned long req, void *arg)
{
	struct sim_file *sf = sim_file(dev);

	switch (req) {
	case DRM_IOCTL_CIM_QUERY:
		return do_query(sf, arg);
	case DRM_IOCTL_CIM_BO_CREATE:
		return bo_create(sf, arg);
	case DRM_IOCTL_CIM_BO_MMAP_OFFSET:
		return bo_mmap_offset(sf, arg);
	case DRM_IOCTL_CIM_BO_WAIT:
		return bo_wait(sf, arg);
	case DRM_IOCTL_GEM_CLOSE:
		return gem_close(sf, arg);
	case DRM_IOCTL_CIM_IMAGE_LOAD:
		return sim_image_load(sf, arg);
	case DRM_IOCTL_CIM_IMAGE_RELEASE:
		return sim_image_release(sf, arg);
	case DRM_IOCTL_CIM_SUBMIT:
		return sim_submit(sf, arg);
	case DRM_IOCTL_CIM_CALIBRATE:
		return sim_image_calibrate(sf, arg);
	default:
		return -ENOTTY;
	}
}

/* A BO is its own memory: "mapping" it is finding it. */
static int sim_bo_map(struct cim_dev *dev, uint32_t handle, uint64_t offset,
		      size_t size, void **ptr)
{
	struct sim_file *sf = sim_file(dev);
	struct sim_buf *b;
	int ret = 0;

	pthread_mutex_lock(&sf->card->lock);
	b = sim_table_get(&sf->bos, handle);
	if (!b || offset != (uint64_t)handle << 32 || size > b->size)
		ret = -EINVAL;
	else
		*ptr = b->p;
	pthread_mutex_unlock(&sf->card->lock);
	return ret;
}

static void sim_bo_unmap(struct cim_dev *dev, void *ptr, size_t size)
{
	(void)dev;
	(void)ptr;
	(void)size;
}

const struct cimi_backend cimi_sim_backend = {
	.name = "sim",
	.ioctl = sim_ioctl,
	.bo_map = sim_bo_map,
	.bo_unmap = sim_bo_unmap,
	.syncobj_create = sim_syncobj_create,
	.syncobj_destroy = sim_syncobj_destroy,
	.syncobj_export = sim_syncobj_export,
	.fence_wait = sim_fence_wait,
	.close = sim_dev_close,
};
