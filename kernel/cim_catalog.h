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

#include <linux/types.h>

struct cim_device;
struct cim_image;
struct drm_cim_query;

/* Counters reported by DRM_CIM_QUERY_IMAGES (under alloc_lock). */
struct cim_catalog_stats {
	u64 programs;
	u64 hits;
	u64 evictions;
	u64 adopted;
};

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
