// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The resident-image catalog: every image programmed on the card, found
 * by content, shared by every file that loads the same bytes, and kept
 * programmed after its last user is gone until a load needs its tiles or
 * its slot (least recently used first).  The card keeps its slots across
 * a driver re-bind, with the tag (digest and size) the driver wrote at
 * PROGRAM time; cim_catalog_restore() reads them back at bind, and
 * programs the catalog's images again after a card reset.
 *
 * Locking: alloc_lock owns the catalog (cdev->images, the tile and slot
 * bitmaps, free_tiles, tile_pe, every image's node, slot, tiles and
 * handles, cat_stats); each image's own lock owns its state and its
 * programming fence (cim_catalog.h, cim_image.c).
 */
#include <linux/dma-fence.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"

/* Only the catalog holds it: no handle, no queued job (alloc_lock held). */
static bool cim_image_unused(struct cim_image *img)
{
	return kref_read(&img->ref) == 1;
}

void cim_image_touch(struct cim_image *img)
{
	WRITE_ONCE(img->lru, atomic64_inc_return(&img->cdev->lru_clock));
	WRITE_ONCE(img->last_use_ns, ktime_get_ns());
}

/* Drop an unused image from the catalog; its tiles and slot are free. */
static void cim_catalog_drop(struct cim_device *cdev, struct cim_image *img)
{
	lockdep_assert_held(&cdev->alloc_lock);
	list_del_init(&img->node);
	cim_tiles_put(cdev, img);
	clear_bit(img->slot, cdev->slots_used);
	cim_image_put(img);
}

struct cim_image *cim_catalog_find(struct cim_device *cdev, const u8 *digest,
				   u64 size)
{
	struct cim_image *img;

	lockdep_assert_held(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node) {
		if (cim_image_state(img) == CIM_IMAGE_FAILED ||
		    img->size != size ||
		    memcmp(img->digest, digest, SHA256_DIGEST_SIZE))
			continue;
		kref_get(&img->ref);
		img->handles++;
		cim_image_touch(img);
		cdev->cat_stats.hits++;
		return img;
	}
	return NULL;
}

static bool cim_slot_free(struct cim_device *cdev)
{
	return find_first_zero_bit(cdev->slots_used, cdev->info.max_images) <
	       cdev->info.max_images;
}

/* Failed images go first, then the least recently used. */
static struct cim_image *cim_catalog_victim(struct cim_device *cdev)
{
	struct cim_image *img, *victim = NULL;
	bool failed, vfailed = false;

	lockdep_assert_held(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node) {
		if (!cim_image_unused(img))
			continue;
		failed = cim_image_state(img) == CIM_IMAGE_FAILED;
		if (!victim || (failed && !vfailed) ||
		    (failed == vfailed && img->lru < victim->lru)) {
			victim = img;
			vfailed = failed;
		}
	}
	return victim;
}

/*
 * Reserve a slot and img->n_vtiles tiles, evicting unused resident images
 * as needed, but only if that makes enough room.
 */
int cim_catalog_place(struct cim_device *cdev, struct cim_image *img)
{
	u32 avail = cdev->free_tiles, slot;
	bool evictable = false;
	struct cim_image *o;

	lockdep_assert_held(&cdev->alloc_lock);
	list_for_each_entry(o, &cdev->images, node) {
		if (cim_image_unused(o)) {
			avail += o->n_vtiles;
			evictable = true;
		}
	}
	if (avail < img->n_vtiles || (!cim_slot_free(cdev) && !evictable))
		return -ENOSPC;
	while (cdev->free_tiles < img->n_vtiles || !cim_slot_free(cdev)) {
		o = cim_catalog_victim(cdev);
		if (WARN_ON(!o))
			return -ENOSPC;
		cdev->cat_stats.evictions++;
		cim_catalog_drop(cdev, o);
	}
	slot = find_first_zero_bit(cdev->slots_used, cdev->info.max_images);
	set_bit(slot, cdev->slots_used);
	img->slot = slot;
	cim_tiles_take(cdev, img);
	return 0;
}

/* Undo cim_catalog_place() for an image whose PROGRAM was never queued. */
void cim_catalog_unplace(struct cim_device *cdev, struct cim_image *img)
{
	u32 i;

	lockdep_assert_held(&cdev->alloc_lock);
	for (i = 0; i < img->n_vtiles; i++)
		cdev->tile_pe[img->tile_map[i]]--;
	cim_tiles_put(cdev, img);
	clear_bit(img->slot, cdev->slots_used);
}

/* A placed image whose PROGRAM is queued becomes visible to loads. */
void cim_catalog_add(struct cim_device *cdev, struct cim_image *img)
{
	lockdep_assert_held(&cdev->alloc_lock);
	list_add_tail(&img->node, &cdev->images);
	cdev->cat_stats.programs++;
}

/* Tiles a load can get: free ones and those of unused images. */
u32 cim_catalog_avail_tiles(struct cim_device *cdev)
{
	struct cim_image *img;
	u32 n;

	mutex_lock(&cdev->alloc_lock);
	n = cdev->free_tiles;
	list_for_each_entry(img, &cdev->images, node)
		if (cim_image_unused(img))
			n += img->n_vtiles;
	mutex_unlock(&cdev->alloc_lock);
	return n;
}

/* Does the card's slot still hold img as we programmed it? */
static bool cim_slot_matches(const struct cim_image *img,
			     const struct cim_slot_info *s)
{
	u32 i;

	if (!s->valid || s->n_vtiles != img->n_vtiles ||
	    s->tag.size != img->size ||
	    memcmp(s->tag.digest, img->digest, SHA256_DIGEST_SIZE))
		return false;
	for (i = 0; i < img->n_vtiles; i++)
		if (s->map[i] != img->tile_map[i])
			return false;
	return true;
}

/* A slot programmed by an earlier driver instance, if we can take it. */
static int cim_catalog_adopt(struct cim_device *cdev, u32 slot,
			     const struct cim_slot_info *s)
{
	static const u8 zero[SHA256_DIGEST_SIZE];
	u32 tiles = cdev->info.tiles, i, t;
	struct cim_image *img;

	lockdep_assert_held(&cdev->alloc_lock);
	if (!s->tag.size || !memcmp(s->tag.digest, zero, sizeof(zero)) ||
	    !s->n_vtiles || s->n_vtiles > min_t(u32, tiles, CIM_SLOT_MAX_VTILES) ||
	    test_bit(slot, cdev->slots_used))
		return -EINVAL;
	img = cim_image_new(cdev, s->n_vtiles);
	if (!img)
		return -ENOMEM;
	for (i = 0; i < s->n_vtiles; i++) {
		t = s->map[i];
		if (t >= tiles || test_bit(t, cdev->tiles_used) ||
		    test_bit(t, img->tiles)) {
			cim_image_put(img);
			return -EINVAL;
		}
		set_bit(t, img->tiles);
		img->tile_map[i] = t;
	}
	memcpy(img->digest, s->tag.digest, SHA256_DIGEST_SIZE);
	img->size = s->tag.size;
	img->slot = slot;
	spin_lock_irq(&img->lock);
	cim_image_set_state(img, CIM_IMAGE_READY, 0);
	spin_unlock_irq(&img->lock);
	/* input_size and output_size come with the first load that hits. */
	bitmap_or(cdev->tiles_used, cdev->tiles_used, img->tiles, CIM_MAX_TILES);
	cdev->free_tiles -= img->n_vtiles;
	set_bit(slot, cdev->slots_used);
	cim_image_touch(img);
	list_add_tail(&img->node, &cdev->images);
	cdev->cat_stats.adopted++;
	return 0;
}

/*
 * Program img again into its own slot and tiles from the kernel's copy,
 * straight onto the ring (the scheduler is stopped, or has no job yet),
 * and wait.  The PROGRAM's completion sets the image ready or failed; a
 * timeout or a PROGRAM that never ran is the caller's to report.
 */
static int cim_catalog_reprogram(struct cim_device *cdev, struct cim_image *img)
{
	struct cim_job *job;
	struct dma_fence *f;
	unsigned long flags;
	long left;
	int ret;

	job = cim_job_alloc(cdev, CIM_OPC_PROGRAM);
	if (IS_ERR(job))
		return PTR_ERR(job);
	kref_get(&img->ref);
	job->image = img;
	job->in_bo = img->copy;
	drm_gem_object_get(job->in_bo);
	ret = cim_image_program_map(job, img);
	if (ret)
		goto put;
	f = cim_job_to_card(job);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		goto put;
	}
	/* As the watchdog would: for as long as the card counts work. */
	left = cim_fence_wait_progress(cdev, f);
	if (left <= 0) {
		spin_lock_irqsave(&cdev->ring_lock, flags);
		list_del_init(&job->node);
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
		ret = left ? left : -ETIMEDOUT;
	} else {
		ret = dma_fence_get_status(f) < 0 ? dma_fence_get_status(f) : 0;
	}
	dma_fence_put(f);
put:
	cim_job_put(job);
	return ret;
}

/*
 * The card's slot table; NULL if the card keeps none (interface 1.0), an
 * ERR_PTR if it could not be read.
 */
static struct cim_slot_info *cim_catalog_read_slots(struct cim_device *cdev)
{
	u32 n = cdev->info.max_images, slot;
	struct cim_slot_info *info;
	int ret;

	if (!cdev->card_catalog)
		return NULL;
	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	for (slot = 0; slot < n; slot++) {
		ret = cim_card_read(cdev, CIM_OPC_READ_SLOT, slot, &info[slot],
				    sizeof(info[slot]));
		if (ret) {
			kfree(info);
			return ERR_PTR(ret);
		}
	}
	return info;
}

/**
 * cim_catalog_restore - make the catalog and the card's slots agree again
 * @cdev: the device, its rings running and no user job on the card: at
 *        bind (before the device is registered) or in recovery after a
 *        card reset (the scheduler stopped)
 *
 * The one restore path for images.  For each catalog entry:
 *  - still programming: its PROGRAM is queued, or held by recovery and
 *    pushed again after this, so it keeps its slot;
 *  - the card's slot holds it as we programmed it (digest, size, tile map;
 *    a card that keeps slot tags, interface 1.1): nothing to do;
 *  - ready and the kernel has its bytes: programmed again into the same
 *    slot and tiles, now, before any job runs (a reset forgets every
 *    slot; docs/card-interface.md);
 *  - otherwise (failed, or adopted at bind so the kernel never had its
 *    bytes): failed; jobs on it get -ENOEXEC, and if no one uses it, it
 *    leaves the catalog.
 * Then valid slots no entry claims (programmed before this driver bound)
 * join the catalog as resident, unused images, and slots that cannot be
 * trusted (no tag, clashing tiles) are unloaded.  At bind the catalog is
 * empty, so only the adoption happens; after a reset the card has no
 * valid slot, so only the reprogramming does.
 *
 * Returns 0, or the first error met; what could be restored is restored.
 */
int cim_catalog_restore(struct cim_device *cdev)
{
	u32 n = cdev->info.max_images, slot, n_redo = 0, adopted = 0, i;
	unsigned long *claimed, *unload;
	struct cim_image **redo, *img, *tmp;
	struct cim_slot_info *info;
	enum cim_image_state st;
	int ret, err;

	claimed = bitmap_zalloc(n, GFP_KERNEL);
	unload = bitmap_zalloc(n, GFP_KERNEL);
	redo = kcalloc(n, sizeof(*redo), GFP_KERNEL);
	if (!claimed || !unload || !redo) {
		ret = -ENOMEM;
		cim_images_lost(cdev);
		goto out;
	}
	ret = cdev->card_catalog ? cim_tiles_read_wear(cdev) : 0;
	/* Slots we cannot read count as empty: what is ready is programmed again. */
	info = cim_catalog_read_slots(cdev);
	if (IS_ERR(info)) {
		if (!ret)
			ret = PTR_ERR(info);
		info = NULL;
	}

	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry_safe(img, tmp, &cdev->images, node) {
		st = cim_image_state(img);
		if (st == CIM_IMAGE_PROGRAMMING ||
		    (info && cim_slot_matches(img, &info[img->slot]))) {
			set_bit(img->slot, claimed);
			continue;
		}
		if (st == CIM_IMAGE_READY && img->copy) {
			kref_get(&img->ref);
			redo[n_redo++] = img;
			set_bit(img->slot, claimed);
			continue;
		}
		if (st != CIM_IMAGE_FAILED)
			cim_image_fail(img, -ENODATA);
		if (cim_image_unused(img)) {
			cim_catalog_drop(cdev, img);
			continue;
		}
		set_bit(img->slot, claimed);
	}
	for (slot = 0; info && slot < n; slot++) {
		if (test_bit(slot, claimed) || !info[slot].valid)
			continue;
		if (cim_catalog_adopt(cdev, slot, &info[slot]))
			set_bit(slot, unload);
		else
			adopted++;
	}
	mutex_unlock(&cdev->alloc_lock);

	for (i = 0; i < n_redo; i++) {
		img = redo[i];
		err = cim_catalog_reprogram(cdev, img);
		if (err) {
			cim_image_fail(img, err);
			dev_err(cdev->dev, "image in slot %u lost in the reset (%d)\n",
				img->slot, err);
		}
		cim_image_put(img);
	}
	/* The reprogramming wore the tiles: take the card's counts again. */
	if (n_redo && cdev->card_catalog && cim_tiles_read_wear(cdev))
		dev_warn(cdev->dev, "cannot read the tiles' P/E counts after the reset\n");
	for_each_set_bit(slot, unload, n) {
		dev_info(cdev->dev, "image slot %u holds no image we can use: unloading it\n",
			 slot);
		err = cim_card_unload(cdev, slot);
		if (err && !ret)
			ret = err;
	}
	if (adopted)
		dev_info(cdev->dev, "%u resident images found on the card\n",
			 adopted);
	kfree(info);
out:
	kfree(redo);
	bitmap_free(unload);
	bitmap_free(claimed);
	return ret;
}

static void cim_catalog_fini(struct drm_device *drm, void *arg)
{
	struct cim_device *cdev = arg;
	struct cim_image *img, *tmp;

	list_for_each_entry_safe(img, tmp, &cdev->images, node) {
		list_del_init(&img->node);
		cim_image_put(img);
	}
}

int cim_catalog_init(struct cim_device *cdev)
{
	int ret;

	cdev->card_catalog = cim_card_has(&cdev->info, CIM_FEAT_SLOT_TAGS);
	ret = drmm_mutex_init(&cdev->drm, &cdev->cmd_lock);
	if (!ret)
		ret = cim_tiles_init(cdev);
	if (!ret)
		ret = drmm_add_action_or_reset(&cdev->drm, cim_catalog_fini,
					       cdev);
	return ret;
}

struct cim_query_image {
	u64 lru;
	struct drm_cim_image_entry e;
};

static int cim_query_image_cmp(const void *a, const void *b)
{
	const struct cim_query_image *x = a, *y = b;

	return x->lru < y->lru ? -1 : x->lru > y->lru;
}

/*
 * The end of a list query (images, tiles): what fits of the reply's need
 * bytes in buf is copied to user space, args->size says need; frees buf.
 */
int cim_query_reply(struct drm_cim_query *args, void *buf, size_t need)
{
	int ret = 0;

	if (args->size &&
	    copy_to_user(u64_to_user_ptr(args->data), buf,
			 min_t(size_t, args->size, need)))
		ret = -EFAULT;
	args->size = need;
	kvfree(buf);
	return ret;
}

/* DRM_CIM_QUERY_IMAGES: see struct drm_cim_images. */
int cim_catalog_query(struct cim_device *cdev, struct drm_cim_query *args)
{
	struct cim_query_image *q = NULL;
	struct drm_cim_image_entry *e;
	struct drm_cim_images *h;
	struct cim_image *img;
	u32 n = 0, i, fit;
	size_t need;
	void *buf;

	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry(img, &cdev->images, node)
		n++;
	if (n) {
		q = kvcalloc(n, sizeof(*q), GFP_KERNEL);
		if (!q) {
			mutex_unlock(&cdev->alloc_lock);
			return -ENOMEM;
		}
	}
	i = 0;
	list_for_each_entry(img, &cdev->images, node) {
		q[i].lru = READ_ONCE(img->lru);
		memcpy(q[i].e.sha256, img->digest, SHA256_DIGEST_SIZE);
		q[i].e.size = img->size;
		q[i].e.last_use_ns = READ_ONCE(img->last_use_ns);
		q[i].e.slot = img->slot;
		q[i].e.tiles = img->n_vtiles;
		q[i].e.users = img->handles;
		q[i].e.state = cim_image_state(img);
		i++;
	}
	need = sizeof(*h) + (size_t)n * sizeof(*e);
	buf = kvzalloc(need, GFP_KERNEL);
	if (buf) {
		h = buf;
		h->programs = cdev->cat_stats.programs;
		h->hits = cdev->cat_stats.hits;
		h->evictions = cdev->cat_stats.evictions;
		h->adopted = cdev->cat_stats.adopted;
	}
	mutex_unlock(&cdev->alloc_lock);
	if (!buf) {
		kvfree(q);
		return -ENOMEM;
	}

	sort(q, n, sizeof(*q), cim_query_image_cmp, NULL);
	h->header_size = sizeof(*h);
	h->entry_size = sizeof(*e);
	h->total = n;
	fit = args->size > sizeof(*h) ? (args->size - sizeof(*h)) / sizeof(*e) : 0;
	h->count = min(fit, n);
	e = buf + sizeof(*h);
	for (i = 0; i < n; i++)
		e[i] = q[i].e;
	kvfree(q);
	return cim_query_reply(args, buf, need);
}
