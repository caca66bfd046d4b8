// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Physical tiles, least-worn first.  The card counts program/erase cycles
 * per tile over its whole life (they outlive driver reloads); the driver
 * reads them when it binds (cim_catalog_restore()) and from then on keeps
 * its copy current by counting the PROGRAMs it queues, so that a burst of
 * loads spreads over the tiles before the card has programmed any of them.
 */
#include <linux/slab.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"

int cim_tiles_init(struct cim_device *cdev)
{
	cdev->tile_pe = drmm_kcalloc(&cdev->drm, cdev->info.tiles,
				     sizeof(*cdev->tile_pe), GFP_KERNEL);
	return cdev->tile_pe ? 0 : -ENOMEM;
}

/* Replace the driver's counts with the card's. */
int cim_tiles_read_wear(struct cim_device *cdev)
{
	u32 n = cdev->info.tiles;
	__le32 *pe;
	u32 i;
	int ret;

	pe = kcalloc(n, sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	ret = cim_card_read(cdev, CIM_OPC_READ_WEAR, 0, pe, n * sizeof(*pe));
	if (!ret) {
		mutex_lock(&cdev->alloc_lock);
		for (i = 0; i < n; i++)
			cdev->tile_pe[i] = le32_to_cpu(pe[i]);
		mutex_unlock(&cdev->alloc_lock);
	}
	kfree(pe);
	return ret;
}

/*
 * Give img its n_vtiles tiles: the free ones with the fewest P/E cycles
 * (the lowest index among equals).  The caller made sure enough are free.
 * Each taken tile is about to be programmed: count the cycle now.
 */
void cim_tiles_take(struct cim_device *cdev, struct cim_image *img)
{
	u32 tiles = cdev->info.tiles, i, t, best;

	lockdep_assert_held(&cdev->alloc_lock);
	for (i = 0; i < img->n_vtiles; i++) {
		best = tiles;
		for_each_clear_bit(t, cdev->tiles_used, tiles)
			if (best == tiles || cdev->tile_pe[t] < cdev->tile_pe[best])
				best = t;
		if (WARN_ON(best == tiles))
			return;
		set_bit(best, cdev->tiles_used);
		set_bit(best, img->tiles);
		img->tile_map[i] = best;
		cdev->tile_pe[best]++;
	}
	cdev->free_tiles -= img->n_vtiles;
}

/* The tiles of an image leaving the catalog are free again. */
void cim_tiles_put(struct cim_device *cdev, struct cim_image *img)
{
	lockdep_assert_held(&cdev->alloc_lock);
	bitmap_andnot(cdev->tiles_used, cdev->tiles_used, img->tiles,
		      CIM_MAX_TILES);
	cdev->free_tiles += img->n_vtiles;
}

/* DRM_CIM_QUERY_TILES: see struct drm_cim_tiles. */
int cim_tiles_query(struct cim_device *cdev, struct drm_cim_query *args)
{
	u32 n = cdev->info.tiles, i, fit;
	struct drm_cim_tile_entry *e;
	struct drm_cim_tiles *h;
	struct cim_image *img;
	size_t need;
	void *buf;

	/*
	 * Report what the card counted: the driver's own count misses wear
	 * it did not queue (a PROGRAM the card refused before erasing, a
	 * reprogram in recovery).  On failure, the driver's count.
	 */
	cim_tiles_read_wear(cdev);
	need = sizeof(*h) + (size_t)n * sizeof(*e);
	buf = kvzalloc(need, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = buf;
	e = buf + sizeof(*h);
	h->header_size = sizeof(*h);
	h->entry_size = sizeof(*e);
	h->total = n;
	fit = args->size > sizeof(*h) ? (args->size - sizeof(*h)) / sizeof(*e) : 0;
	h->count = min(fit, n);

	/* activity through the TEL_* window, one tile at a time */
	for (i = 0; i < n; i++) {
		struct cim_tile_tel t;

		if (cim_tile_tel_read(cdev, i, &t))
			break;
		e[i].flags = DRM_CIM_TILE_F_ACTIVITY;
		e[i].busy_ns = t.busy_ns;
		e[i].mvms = t.mvms;
		e[i].program_pulses = t.pulses;
		if (t.has_simd) {
			e[i].flags |= DRM_CIM_TILE_F_SIMD;
			e[i].macs = t.macs;
			e[i].simd_ops = t.simd_ops;
			e[i].simd_ns = t.simd_ns;
		}
	}

	mutex_lock(&cdev->alloc_lock);
	h->pe_min = U32_MAX;
	for (i = 0; i < n; i++) {
		e[i].pe_cycles = cdev->tile_pe[i];
		e[i].slot = DRM_CIM_TILE_FREE;
		h->pe_min = min(h->pe_min, cdev->tile_pe[i]);
		h->pe_max = max(h->pe_max, cdev->tile_pe[i]);
		h->pe_sum += cdev->tile_pe[i];
	}
	list_for_each_entry(img, &cdev->images, node)
		for (i = 0; i < img->n_vtiles; i++)
			e[img->tile_map[i]].slot = img->slot;
	mutex_unlock(&cdev->alloc_lock);

	return cim_query_reply(args, buf, need);
}
