/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Buffers: shmem GEM objects with a card-readable SG table (cim_gem.c). */
#ifndef __CIM_GEM_H__
#define __CIM_GEM_H__

#include <drm/drm_gem_shmem_helper.h>

#include "cim_dev.h"

struct cim_job;
struct drm_file;

/* A GEM buffer: shmem pages plus a card-readable SG table. */
struct cim_bo {
	struct drm_gem_shmem_object base;
	struct mutex sg_lock;
	struct cim_sg_entry *sg;	/* coherent, for the card */
	dma_addr_t sg_dma;
	u32 sg_count;
	size_t sg_bytes;
};

static inline struct cim_bo *to_cim_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct cim_bo, base);
}

struct drm_gem_object *cim_gem_create_object(struct drm_device *drm,
					     size_t size);
void cim_job_sync_for_cpu(struct cim_job *job);
int cim_bo_dma_ref(struct drm_gem_object *obj, u64 offset, u64 length,
		   struct cim_dma_ref *ref);
int cim_ioctl_bo_create(struct drm_device *drm, void *data,
			struct drm_file *file);
int cim_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			     struct drm_file *file);
int cim_ioctl_bo_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __CIM_GEM_H__ */
