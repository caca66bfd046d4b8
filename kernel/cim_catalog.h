/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Resident images and wear-levelled tiles.  An image programmed on the
 * card is an entry of the device's catalog, found by its content (the
 * kernel's SHA-256 of the image bytes plus their size).  Per-file handles,
 * jobs and the catalog each hold a reference; an entry only the catalog
 * holds is resident but unused, and is evicted, least recently used
 * first, when a load needs its tiles or its slot.  cim_catalog_restore()
 * makes the catalog and the card's slots agree again, at bind and after a
 * card reset.
 */
#ifndef __CIM_CATALOG_H__
#define __CIM_CATALOG_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <crypto/sha2.h>

struct cim_device;
struct cim_file;
struct drm_cim_query;
struct dma_fence;

enum cim_image_state {
	CIM_IMAGE_PROGRAMMING,
	CIM_IMAGE_READY,
	CIM_IMAGE_FAILED,
};

/*
 * A weight image placed on the card's tiles.
 *
 * Owners (see the lock order in cim_drv.h):
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

/* Counters reported by DRM_CIM_QUERY_IMAGES (under alloc_lock). */
struct cim_catalog_stats {
	u64 programs;
	u64 hits;
	u64 evictions;
	u64 adopted;
};

struct cim_job;

/* cim_cmd.c: driver-internal card commands, outside drm_sched */
int cim_card_read(struct cim_device *cdev, u32 opcode, u32 slot, void *out,
		  u32 len);
int cim_card_unload(struct cim_device *cdev, u32 slot);

/* cim_tiles.c: physical tiles, least-worn first (callers hold alloc_lock) */
int cim_tiles_init(struct cim_device *cdev);
int cim_tiles_read_wear(struct cim_device *cdev);
void cim_tiles_take(struct cim_device *cdev, struct cim_image *img);
void cim_tiles_put(struct cim_device *cdev, struct cim_image *img);
int cim_tiles_query(struct cim_device *cdev, struct drm_cim_query *args);

/* cim_image.c: the image's state, its one writer and its fence */
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

/* cim_catalog.c */
int cim_catalog_init(struct cim_device *cdev);
int cim_catalog_restore(struct cim_device *cdev);
struct cim_image *cim_catalog_find(struct cim_device *cdev, const u8 *digest,
				   u64 size);
int cim_catalog_place(struct cim_device *cdev, struct cim_image *img);
void cim_catalog_add(struct cim_device *cdev, struct cim_image *img);
void cim_catalog_unplace(struct cim_device *cdev, struct cim_image *img);
u32 cim_catalog_avail_tiles(struct cim_device *cdev);
void cim_image_touch(struct cim_image *img);
int cim_catalog_query(struct cim_device *cdev, struct drm_cim_query *args);
int cim_query_reply(struct drm_cim_query *args, void *buf, size_t need);

#endif /* __CIM_CATALOG_H__ */
