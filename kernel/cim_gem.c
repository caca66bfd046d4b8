// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Buffers: GEM shmem objects, mappable by user space, handed to the card
 * through a scatter-gather table in coherent memory.
 */
#include <linux/dma-mapping.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_utils.h>

#include "cim_drv.h"

static void cim_bo_free(struct drm_gem_object *obj)
{
	struct cim_bo *bo = to_cim_bo(obj);

	if (bo->sg)
		dma_free_coherent(obj->dev->dev, bo->sg_bytes, bo->sg,
				  bo->sg_dma);
	mutex_destroy(&bo->sg_lock);
	drm_gem_shmem_free(&bo->base);
}

static const struct drm_gem_object_funcs cim_gem_funcs = {
	.free = cim_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *cim_gem_create_object(struct drm_device *drm,
					     size_t size)
{
	struct cim_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	mutex_init(&bo->sg_lock);
	bo->base.base.funcs = &cim_gem_funcs;
	return &bo->base.base;
}

/* Build, once, the table of DMA segments the card walks. */
static int cim_bo_build_sg(struct cim_bo *bo)
{
	struct device *dev = bo->base.base.dev->dev;
	struct scatterlist *sgl;
	struct sg_table *sgt;
	u32 n = 0, i;

	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	for_each_sgtable_dma_sg(sgt, sgl, i)
		n++;
	bo->sg_bytes = n * sizeof(*bo->sg);
	bo->sg = dma_alloc_coherent(dev, bo->sg_bytes, &bo->sg_dma, GFP_KERNEL);
	if (!bo->sg)
		return -ENOMEM;
	n = 0;
	for_each_sgtable_dma_sg(sgt, sgl, i) {
		bo->sg[n].addr = sg_dma_address(sgl);
		bo->sg[n].len = sg_dma_len(sgl);
		bo->sg[n].reserved = 0;
		n++;
	}
	bo->sg_count = n;
	return 0;
}

/*
 * Cache maintenance around each job, for cards behind DMA that does not
 * snoop the CPU's caches (arm64 boards' PCIe): before the card reads or
 * writes a BO, the CPU's writes are cleaned out to memory; after the card
 * wrote it and before its fence signals, stale lines are dropped.  The
 * DMA API makes both no-ops on a coherent device (x86, the virtual card).
 */
static void cim_bo_sync(struct drm_gem_object *obj, bool for_device)
{
	struct cim_bo *bo = to_cim_bo(obj);
	struct device *dev = obj->dev->dev;

	if (!bo->base.sgt)
		return;
	if (for_device)
		dma_sync_sgtable_for_device(dev, bo->base.sgt, DMA_BIDIRECTIONAL);
	else
		dma_sync_sgtable_for_cpu(dev, bo->base.sgt, DMA_BIDIRECTIONAL);
}

/* After the card finished with a job's BOs, before its fence signals. */
void cim_job_sync_for_cpu(struct cim_job *job)
{
	if (job->out_bo)
		cim_bo_sync(job->out_bo, false);
	if (job->result_bo)
		cim_bo_sync(job->result_bo, false);
}

/* Describe bytes [offset, offset + length) of a BO for a descriptor. */
int cim_bo_dma_ref(struct drm_gem_object *obj, u64 offset, u64 length,
		   struct cim_dma_ref *ref)
{
	struct cim_bo *bo = to_cim_bo(obj);
	int ret = 0;

	if (offset > obj->size || length > obj->size - offset)
		return -EINVAL;
	mutex_lock(&bo->sg_lock);
	if (!bo->sg)
		ret = cim_bo_build_sg(bo);
	mutex_unlock(&bo->sg_lock);
	if (ret)
		return ret;
	cim_bo_sync(obj, true);
	ref->sg_addr = bo->sg_dma;
	ref->sg_count = bo->sg_count;
	ref->reserved = 0;
	ref->offset = offset;
	ref->length = length;
	return 0;
}

int cim_ioctl_bo_create(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_cim_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	int ret;

	if (args->flags || !args->size)
		return -EINVAL;
	if (args->size > totalram_pages() << PAGE_SHIFT)
		return -E2BIG;
	shmem = drm_gem_shmem_create(drm, args->size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	drm_gem_object_put(&shmem->base);
	return ret;
}

int cim_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_cim_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return ret;
}

int cim_ioctl_bo_wait(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_cim_bo_wait *args = data;
	struct drm_gem_object *obj;
	long timeout;
	long ret;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
				    timeout);
	drm_gem_object_put(obj);
	if (ret == 0)
		return -ETIME;
	return ret < 0 ? ret : 0;
}
