// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Weight images: validation, placement on free tiles and an image slot,
 * and the PROGRAM job that writes them into the flash.
 */
#include <linux/crc32.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include "cim_drv.h"
#include "../uapi/cim_image_v1.h"

static void cim_image_release(struct kref *ref)
{
	struct cim_image *img = container_of(ref, struct cim_image, ref);
	struct cim_device *cdev = img->cdev;

	mutex_lock(&cdev->alloc_lock);
	if (!list_empty(&img->node)) {	/* placed on the card */
		list_del(&img->node);
		bitmap_andnot(cdev->tiles_used, cdev->tiles_used, img->tiles,
			      CIM_MAX_TILES);
		cdev->free_tiles += img->n_vtiles;
		clear_bit(img->slot, cdev->slots_used);
	}
	mutex_unlock(&cdev->alloc_lock);

	if (img->tile_map)
		dma_free_coherent(cdev->dev, img->n_vtiles * sizeof(u16),
				  img->tile_map, img->tile_map_dma);
	bitmap_free(img->tiles);
	dma_fence_put(img->programmed);
	drm_gem_object_put(img->bo);
	kfree(img);
}

void cim_image_put(struct cim_image *img)
{
	kref_put(&img->ref, cim_image_release);
}

struct cim_image *cim_image_lookup(struct cim_file *cfile, u32 handle)
{
	struct cim_image *img;

	xa_lock(&cfile->images);
	img = xa_load(&cfile->images, handle);
	if (img)
		kref_get(&img->ref);
	xa_unlock(&cfile->images);
	return img;
}

void cim_file_images_fini(struct cim_file *cfile)
{
	struct cim_image *img;
	unsigned long handle;

	xa_for_each(&cfile->images, handle, img)
		cim_image_put(img);
	xa_destroy(&cfile->images);
}

/* After a card reset the image slots are empty: nothing can run. */
void cim_images_lost(struct cim_device *cdev)
{
	struct cim_image *img;

	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node)
		WRITE_ONCE(img->state, CIM_IMAGE_FAILED);
	mutex_unlock(&cdev->alloc_lock);
}

static u32 cim_crc_image(const u8 *p, u64 size)
{
	static const u8 zero[4];
	size_t at = offsetof(struct cim_image_header, crc32);
	u32 crc;

	crc = crc32_le(~0u, p, at);
	crc = crc32_le(crc, zero, sizeof(zero));
	crc = crc32_le(crc, p + at + 4, size - at - 4);
	return ~crc;
}

/* Check the whole image as the card would; fills the fields we need. */
static int cim_image_validate(struct cim_device *cdev, struct cim_image *img)
{
	const struct cim_image_header *h;
	struct cim_image_limits lim = {
		.tile_rows = cdev->info.tile_rows,
		.tile_cols = cdev->info.tile_cols,
		.cell_bits = cdev->info.cell_bits,
		.max_vector = cdev->info.max_vector,
		.max_plan_bytes = cdev->info.plan_bytes,
		.max_vtiles = cdev->info.tiles,
	};
	struct iosys_map map;
	const char *why = NULL;
	const u8 *p;
	int ret;

	ret = drm_gem_vmap_unlocked(img->bo, &map);
	if (ret)
		return ret;
	p = (const u8 *)map.vaddr + img->offset;
	h = (const struct cim_image_header *)p;
	if (cim_image_check(p, img->size, &lim, &why)) {
		drm_dbg(&cdev->drm, "image rejected: %s\n", why);
		ret = -EINVAL;
	} else if (cim_crc_image(p, img->size) != h->crc32) {
		drm_dbg(&cdev->drm, "image rejected: CRC mismatch\n");
		ret = -EBADMSG;
	} else {
		img->n_vtiles = h->n_vtiles;
		img->input_size = h->input_size;
		img->output_size = h->output_size;
	}
	drm_gem_vunmap_unlocked(img->bo, &map);
	return ret;
}

/* Reserve a slot and n_vtiles tiles; fill the card's tile map. */
static int cim_image_place(struct cim_device *cdev, struct cim_image *img)
{
	u32 slot, tile = 0, i;
	int ret = 0;

	img->tiles = bitmap_zalloc(CIM_MAX_TILES, GFP_KERNEL);
	img->tile_map = dma_alloc_coherent(cdev->dev,
					   img->n_vtiles * sizeof(u16),
					   &img->tile_map_dma, GFP_KERNEL);
	if (!img->tiles || !img->tile_map)
		return -ENOMEM;

	mutex_lock(&cdev->alloc_lock);
	slot = find_first_zero_bit(cdev->slots_used, cdev->info.max_images);
	if (slot >= cdev->info.max_images || cdev->free_tiles < img->n_vtiles) {
		ret = -ENOSPC;
		goto unlock;
	}
	for (i = 0; i < img->n_vtiles; i++) {
		tile = find_next_zero_bit(cdev->tiles_used, cdev->info.tiles,
					  tile);
		set_bit(tile, cdev->tiles_used);
		set_bit(tile, img->tiles);
		img->tile_map[i] = tile;
	}
	cdev->free_tiles -= img->n_vtiles;
	set_bit(slot, cdev->slots_used);
	img->slot = slot;
	list_add_tail(&img->node, &cdev->images);
unlock:
	mutex_unlock(&cdev->alloc_lock);
	return ret;
}

int cim_ioctl_image_load(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_image_load *args = data;
	struct cim_image *img;
	struct cim_job *job;
	u32 handle;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->size < sizeof(struct cim_image_header) ||
	    args->size > U32_MAX)
		return -EINVAL;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	kref_init(&img->ref);
	INIT_LIST_HEAD(&img->node);
	img->cdev = cdev;
	img->offset = args->offset;
	img->size = args->size;
	img->state = CIM_IMAGE_PROGRAMMING;
	img->bo = drm_gem_object_lookup(file, args->bo_handle);
	if (!img->bo) {
		kfree(img);
		return -ENOENT;
	}
	if (args->offset > img->bo->size ||
	    args->size > img->bo->size - args->offset) {
		ret = -ERANGE;
		goto put_img;
	}
	ret = cim_image_validate(cdev, img);
	if (ret)
		goto put_img;
	ret = cim_image_place(cdev, img);
	if (ret)
		goto put_img;

	job = cim_job_alloc(cdev, CIM_OPC_PROGRAM);
	if (!job) {
		ret = -ENOMEM;
		goto put_img;
	}
	kref_get(&img->ref);
	job->image = img;
	ret = xa_alloc(&cfile->images, &handle, img, xa_limit_32b, GFP_KERNEL);
	if (ret) {
		cim_job_put(job);
		goto put_img;
	}
	ret = cim_job_push(cfile, job, file, DRM_CIM_PRIO_NORMAL, NULL, 0,
			   args->out_syncobj);
	if (ret) {
		xa_erase(&cfile->images, handle);
		cim_job_put(job);
		goto put_img;
	}
	args->image_handle = handle;
	args->tiles = img->n_vtiles;
	return 0;

put_img:
	cim_image_put(img);
	return ret;
}

int cim_ioctl_image_release(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_image_release *args = data;
	struct cim_image *img;

	if (args->pad)
		return -EINVAL;
	img = xa_erase(&cfile->images, args->image_handle);
	if (!img)
		return -ENOENT;
	cim_image_put(img);
	return 0;
}
