// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Weight images: the kernel's own copy of the bytes, validation, the
 * content digest, the catalog lookup, and on a miss placement on the
 * least-worn free tiles and the PROGRAM job that writes the flash.
 */
#include <linux/crc32.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "cim_drv.h"
#include "../uapi/cim_image.h"

static_assert(CIM_SLOT_MAX_VTILES <= CIM_IMAGE_MAX_VTILES);
static_assert(CIM_IMAGE_PROGRAMMING == 0);

static void cim_image_free(struct kref *ref)
{
	struct cim_image *img = container_of(ref, struct cim_image, ref);

	/* Tiles and slot went back when the catalog dropped it. */
	kfree(img->tile_map);
	bitmap_free(img->tiles);
	dma_fence_put(img->programmed);
	if (img->copy)
		drm_gem_object_put(img->copy);
	kfree(img);
}

void cim_image_put(struct cim_image *img)
{
	kref_put(&img->ref, cim_image_free);
}

struct cim_image *cim_image_new(struct cim_device *cdev, u32 n_vtiles)
{
	struct cim_image *img = kzalloc(sizeof(*img), GFP_KERNEL);

	if (!img)
		return NULL;
	kref_init(&img->ref);
	spin_lock_init(&img->lock);
	INIT_LIST_HEAD(&img->node);
	img->cdev = cdev;
	img->n_vtiles = n_vtiles;
	/* zeroed: CIM_IMAGE_PROGRAMMING until its PROGRAM ends */
	img->tiles = bitmap_zalloc(CIM_MAX_TILES, GFP_KERNEL);
	img->tile_map = kcalloc(n_vtiles, sizeof(*img->tile_map), GFP_KERNEL);
	if (!img->tiles || !img->tile_map) {
		cim_image_put(img);
		return NULL;
	}
	return img;
}

/**
 * cim_image_set_state - the one writer of an image's state and error
 * @img: the image, with img->lock held
 * @state: CIM_IMAGE_*
 * @err: why it failed (FAILED), else 0
 *
 * Writers run in the completion interrupt (PROGRAM and CALIBRATE done),
 * in recovery and in the catalog; a reader that tests state then error
 * (cim_analog_complete()) takes the lock to see a pair.
 */
void cim_image_set_state(struct cim_image *img, enum cim_image_state state,
			 int err)
{
	lockdep_assert_held(&img->lock);
	WRITE_ONCE(img->state, state);
	img->error = state == CIM_IMAGE_FAILED ? err : 0;
}

/* Nothing of img on the card can run (any context). */
void cim_image_fail(struct cim_image *img, int err)
{
	unsigned long flags;

	spin_lock_irqsave(&img->lock, flags);
	cim_image_set_state(img, CIM_IMAGE_FAILED, err);
	spin_unlock_irqrestore(&img->lock, flags);
}

/*
 * The finished fence of the image's last programming step (PROGRAM, then
 * CALIBRATE on analog cards), referenced; a stub if it was programmed
 * before this driver bound.  RUNs and load hits wait for it.
 */
struct dma_fence *cim_image_programmed(struct cim_image *img)
{
	struct dma_fence *f;
	unsigned long flags;

	spin_lock_irqsave(&img->lock, flags);
	f = img->programmed ? dma_fence_get(img->programmed) :
			      dma_fence_get_stub();
	spin_unlock_irqrestore(&img->lock, flags);
	return f;
}

/* A programming step was queued with finished fence f (takes a reference). */
void cim_image_set_programmed(struct cim_image *img, struct dma_fence *f)
{
	struct dma_fence *old;
	unsigned long flags;

	spin_lock_irqsave(&img->lock, flags);
	old = img->programmed;
	img->programmed = dma_fence_get(f);
	spin_unlock_irqrestore(&img->lock, flags);
	dma_fence_put(old);
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

/* A handle goes: the image stays resident, now or later unused. */
static void cim_image_handle_put(struct cim_image *img)
{
	struct cim_device *cdev = img->cdev;

	mutex_lock(&cdev->alloc_lock);
	img->handles--;
	cim_image_touch(img);
	mutex_unlock(&cdev->alloc_lock);
	cim_image_put(img);
}

void cim_file_images_fini(struct cim_file *cfile)
{
	struct cim_image *img;
	unsigned long handle;

	xa_for_each(&cfile->images, handle, img)
		cim_image_handle_put(img);
	xa_destroy(&cfile->images);
}

/* After a card reset the image slots are empty: nothing can run. */
void cim_images_lost(struct cim_device *cdev)
{
	struct cim_image *img;

	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node)
		cim_image_fail(img, -EIO);
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

/* What the load learns from the image bytes. */
struct cim_image_facts {
	u8 digest[SHA256_DIGEST_SIZE];
	u32 n_vtiles;
	u32 input_size;
	u32 output_size;
};

/* Check the whole image as the card would, and hash it. */
static int cim_image_validate(struct cim_device *cdev, const u8 *p, u64 size,
			      struct cim_image_facts *f)
{
	const struct cim_image_header *h = (const void *)p;
	struct cim_image_limits lim = {
		.tile_rows = cdev->info.tile_rows,
		.tile_cols = cdev->info.tile_cols,
		.cell_bits = cdev->info.cell_bits,
		.max_vector = cdev->info.max_vector,
		.max_plan_bytes = cdev->info.plan_bytes,
		.max_vtiles = min_t(u32, cdev->info.tiles, CIM_SLOT_MAX_VTILES),
		.max_arena = cdev->info.arena_bytes,
	};
	struct cim_check_state *st;
	const char *why = NULL;
	int ret;

	/* about 530 bytes: too much for the kernel stack */
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = cim_image_check_st(p, size, &lim, st, &why);
	kfree(st);
	if (ret) {
		drm_dbg(&cdev->drm, "image rejected: %s\n", why);
		return -EINVAL;
	}
	if (cim_crc_image(p, size) != h->crc32) {
		drm_dbg(&cdev->drm, "image rejected: CRC mismatch\n");
		return -EBADMSG;
	}
	f->n_vtiles = h->n_vtiles;
	f->input_size = h->input_size;
	f->output_size = h->output_size;
	sha256(p, size, f->digest);
	return 0;
}

/*
 * Copy the image out of the user's BO before looking at it: what the
 * kernel checks and hashes is then exactly what the card programs, however
 * the user changes the BO meanwhile.  Returns the copy (a kernel-private
 * BO), or an ERR_PTR.
 */
static struct drm_gem_object *cim_image_ingest(struct cim_device *cdev,
					       struct drm_gem_object *src,
					       u64 offset, u64 size,
					       struct cim_image_facts *f)
{
	struct drm_gem_shmem_object *shmem;
	struct iosys_map smap, cmap;
	struct drm_gem_object *copy;
	int ret;

	shmem = drm_gem_shmem_create(&cdev->drm, size);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	copy = &shmem->base;
	ret = compat_drm_gem_vmap(copy, &cmap);
	if (ret)
		goto put;
	ret = compat_drm_gem_vmap(src, &smap);
	if (ret)
		goto unmap_copy;
	memcpy(cmap.vaddr, (const u8 *)smap.vaddr + offset, size);
	compat_drm_gem_vunmap(src, &smap);
	ret = cim_image_validate(cdev, cmap.vaddr, size, f);
unmap_copy:
	compat_drm_gem_vunmap(copy, &cmap);
	if (!ret)
		return copy;
put:
	drm_gem_object_put(copy);
	return ERR_PTR(ret);
}

/* The tile map and, after it, the tag the card keeps with the slot. */
int cim_image_program_map(struct cim_job *job, struct cim_image *img)
{
	struct cim_slot_tag *tag;
	__le16 *map;
	u32 i;

	job->map_bytes = CIM_SLOT_TAG_OFFSET(img->n_vtiles) + sizeof(*tag);
	job->map = dma_alloc_coherent(job->cdev->dev, job->map_bytes,
				      &job->map_dma, GFP_KERNEL);
	if (!job->map)
		return -ENOMEM;
	map = job->map;
	for (i = 0; i < img->n_vtiles; i++)
		map[i] = cpu_to_le16(img->tile_map[i]);
	tag = job->map + CIM_SLOT_TAG_OFFSET(img->n_vtiles);
	memcpy(tag->digest, img->digest, sizeof(tag->digest));
	tag->size = img->size;
	tag->reserved = 0;
	return 0;
}

/*
 * A miss: place the image and queue its PROGRAM (alloc_lock held, so that
 * no other load sees the image before its programming fence exists).
 * Consumes the copy.  Returns the image with a handle reference, or an
 * ERR_PTR.
 */
static struct cim_image *cim_image_program(struct cim_file *cfile,
					   struct drm_file *file,
					   struct drm_gem_object *copy,
					   u64 size,
					   const struct cim_image_facts *f,
					   u32 out_syncobj)
{
	struct cim_device *cdev = cfile->cdev;
	struct cim_image *img;
	struct cim_job *job;
	int ret;

	lockdep_assert_held(&cdev->alloc_lock);
	img = cim_image_new(cdev, f->n_vtiles);
	if (!img) {
		drm_gem_object_put(copy);
		return ERR_PTR(-ENOMEM);
	}
	memcpy(img->digest, f->digest, SHA256_DIGEST_SIZE);
	img->size = size;
	img->input_size = f->input_size;
	img->output_size = f->output_size;
	ret = cim_catalog_place(cdev, img);
	if (ret) {
		drm_gem_object_put(copy);
		goto put_img;
	}
	job = cim_job_alloc(cdev, CIM_OPC_PROGRAM);
	if (IS_ERR(job)) {
		drm_gem_object_put(copy);
		ret = PTR_ERR(job);
		goto unplace;
	}
	job->in_bo = copy;
	drm_gem_object_get(copy);
	img->copy = copy;	/* for a reprogram after a card reset */
	kref_get(&img->ref);
	job->image = img;
	ret = cim_image_program_map(job, img);
	if (!ret)
		ret = cim_job_push(cfile, job, file, DRM_CIM_PRIO_NORMAL, NULL,
				   0, out_syncobj);
	if (ret) {
		cim_job_put(job);
		goto unplace;
	}
	/* Analog cards: the image is ready once its columns are calibrated. */
	ret = cim_analog_queue_calibrate(cfile, file, img, out_syncobj);
	if (ret)
		drm_warn(&cdev->drm, "cannot queue calibration of a new image (%d): it runs uncalibrated\n",
			 ret);
	cim_catalog_add(cdev, img);
	kref_get(&img->ref);
	img->handles = 1;
	cim_image_touch(img);
	return img;

unplace:
	cim_catalog_unplace(cdev, img);
put_img:
	cim_image_put(img);
	return ERR_PTR(ret);
}

int cim_ioctl_image_load(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_image_load *args = data;
	struct drm_syncobj *syncobj = NULL;
	struct drm_gem_object *src, *copy;
	struct cim_image_facts f;
	struct dma_fence *fence;
	struct cim_image *img;
	u32 handle, tiles;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->size < sizeof(struct cim_image_header) ||
	    args->size > U32_MAX)
		return -EINVAL;
	ret = cim_card_usable(cdev);
	if (ret)
		return ret;

	src = drm_gem_object_lookup(file, args->bo_handle);
	if (!src)
		return -ENOENT;
	if (args->offset > src->size || args->size > src->size - args->offset) {
		drm_gem_object_put(src);
		return -ERANGE;
	}
	if (args->out_syncobj) {
		syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!syncobj) {
			drm_gem_object_put(src);
			return -ENOENT;
		}
	}
	copy = cim_image_ingest(cdev, src, args->offset, args->size, &f);
	drm_gem_object_put(src);
	if (IS_ERR(copy)) {
		ret = PTR_ERR(copy);
		goto put_syncobj;
	}

	mutex_lock(&cdev->alloc_lock);
	img = cim_catalog_find(cdev, f.digest, args->size);
	if (img) {
		/* Same bytes, so the same sizes; adopted entries learn them here. */
		WRITE_ONCE(img->input_size, f.input_size);
		WRITE_ONCE(img->output_size, f.output_size);
		mutex_unlock(&cdev->alloc_lock);
		drm_gem_object_put(copy);
		if (syncobj) {
			fence = cim_image_programmed(img);
			drm_syncobj_replace_fence(syncobj, fence);
			dma_fence_put(fence);
		}
	} else {
		img = cim_image_program(cfile, file, copy, args->size, &f,
					args->out_syncobj);
		mutex_unlock(&cdev->alloc_lock);
		if (IS_ERR(img)) {
			ret = PTR_ERR(img);
			goto put_syncobj;
		}
	}
	/*
	 * The handle is allocated with the image in it, in one step: a
	 * RELEASE of a number it does not name yet cannot free the number
	 * under us.  If that fails the user gets no handle, and the image
	 * stays resident with one user less.
	 */
	tiles = img->n_vtiles;
	ret = xa_alloc(&cfile->images, &handle, img, xa_limit_32b, GFP_KERNEL);
	if (ret) {
		cim_image_handle_put(img);
		goto put_syncobj;
	}
	args->image_handle = handle;
	args->tiles = tiles;
put_syncobj:
	if (syncobj)
		drm_syncobj_put(syncobj);
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
	cim_image_handle_put(img);
	return 0;
}
