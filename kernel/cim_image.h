/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Weight images: their state, one writer, their fence (cim_image.c). */
#ifndef __CIM_IMAGE_H__
#define __CIM_IMAGE_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <crypto/sha2.h>

struct cim_device;
struct cim_file;
struct cim_job;
struct dma_fence;
struct drm_device;
struct drm_file;

enum cim_image_state {
	CIM_IMAGE_PROGRAMMING,
	CIM_IMAGE_READY,
	CIM_IMAGE_FAILED,
};

/*
 * A weight image placed on the card's tiles.
 *
 * Owners (see the lock order in cim_dev.h):
 *  - cdev->alloc_lock: node (the catalog list), slot, tiles, tile_map,
 *    handles, the catalog's decisions (find, place, evict, restore);
 *  - lock (irq-safe; taken inside ring_lock by the completion interrupt):
 *    state, error and programmed.  state and error change only through
 *    cim_image_set_state(); readers that need no pair use
 *    cim_image_state() (a snapshot);
 *  - set before the image is visible, constant afterwards: digest, size,
 *    n_vtiles, copy.  input_size and output_size are written under
 *    alloc_lock by the load that first learns them (adopted images).
 */
struct cim_image {
	struct kref ref;		/* catalog, handles, jobs */
	spinlock_t lock;		/* state, error, programmed */
	struct cim_device *cdev;
	struct list_head node;		/* in cdev->images while in the catalog */
	u8 digest[SHA256_DIGEST_SIZE];
	u64 size;
	u32 slot;
	u32 n_vtiles;
	u16 *tile_map;			/* vtile -> physical tile */
	unsigned long *tiles;		/* physical tiles held */
	u32 input_size;
	u32 output_size;
	/* finished fence of the PROGRAM job; NULL if programmed before bind */
	struct dma_fence *programmed;
	/*
	 * The kernel's copy of the image (shmem, pageable), kept so that
	 * recovery can program it again after a card reset; NULL for images
	 * adopted from the card at bind.
	 */
	struct drm_gem_object *copy;
	enum cim_image_state state;	/* cim_image_set_state() only */
	int error;			/* why it failed: the PROGRAM's errno */
	u32 handles;			/* open handles, all files (alloc_lock) */
	u64 lru;			/* cdev->lru_clock at the last use */
	u64 last_use_ns;		/* CLOCK_MONOTONIC of the last use */
};

struct cim_image *cim_image_new(struct cim_device *cdev, u32 n_vtiles);
void cim_image_set_state(struct cim_image *img, enum cim_image_state state,
			 int err);
void cim_image_fail(struct cim_image *img, int err);
struct dma_fence *cim_image_programmed(struct cim_image *img);
void cim_image_set_programmed(struct cim_image *img, struct dma_fence *f);
int cim_image_program_map(struct cim_job *job, struct cim_image *img);

static inline enum cim_image_state cim_image_state(const struct cim_image *img)
{
	return READ_ONCE(img->state);
}

int cim_ioctl_image_load(struct drm_device *drm, void *data,
			 struct drm_file *file);
int cim_ioctl_image_release(struct drm_device *drm, void *data,
			    struct drm_file *file);
void cim_image_put(struct cim_image *img);
struct cim_image *cim_image_lookup(struct cim_file *cfile, u32 handle);
void cim_file_images_fini(struct cim_file *cfile);
void cim_images_lost(struct cim_device *cdev);

#endif /* __CIM_IMAGE_H__ */
