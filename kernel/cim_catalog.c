// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The resident-image catalog: every image programmed on the card, found
 * by content, shared by every file that loads the same bytes, and kept
 * programmed after its last user is gone until a load needs its tiles or
 * its slot (least recently used first).  The card keeps its slots across
 * a driver re-bind, with the tag (digest and size) the driver wrote at
 * PROGRAM time; cim_catalog_rebuild() reads them back.
 */
#include <linux/slab.h>
#include <linux/sort.h>
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
		if (READ_ONCE(img->state) == CIM_IMAGE_FAILED ||
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

	list_for_each_entry(img, &cdev->images, node) {
		if (!cim_image_unused(img))
			continue;
		failed = READ_ONCE(img->state) == CIM_IMAGE_FAILED;
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
	img->state = CIM_IMAGE_READY;
	/* input_size and output_size come with the first load that hits. */
	bitmap_or(cdev->tiles_used, cdev->tiles_used, img->tiles, CIM_MAX_TILES);
	cdev->free_tiles -= img->n_vtiles;
	set_bit(slot, cdev->slots_used);
	cim_image_touch(img);
	list_add_tail(&img->node, &cdev->images);
	cdev->cat_stats.adopted++;
	return 0;
}

/**
 * cim_catalog_rebuild - make the catalog match what the card holds
 * @cdev: the device, with the rings running and no job on the card
 *
 * Reads the card's P/E counts and slot table.  Catalog entries the card
 * no longer holds as programmed (after a reset that wiped the slots)
 * fail: jobs on them get -ENOEXEC, and unused ones leave the catalog.
 * Valid slots the catalog does not know (programmed before this driver
 * bound) join it as resident, unused images; slots that cannot be
 * trusted (no tag, or tiles that clash) are unloaded.  Called at bind,
 * and by the recovery path after a card reset.
 */
int cim_catalog_rebuild(struct cim_device *cdev)
{
	u32 n = cdev->info.max_images, slot;
	struct cim_image *img, *tmp;
	unsigned long *claimed, *unload;
	struct cim_slot_info *info;
	int ret;

	if (!cdev->card_catalog)
		return 0;
	ret = cim_tiles_read_wear(cdev);
	if (ret)
		return ret;
	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	claimed = bitmap_zalloc(n, GFP_KERNEL);
	unload = bitmap_zalloc(n, GFP_KERNEL);
	if (!info || !claimed || !unload) {
		ret = -ENOMEM;
		goto out;
	}
	for (slot = 0; slot < n; slot++) {
		ret = cim_card_read(cdev, CIM_OPC_READ_SLOT, slot, &info[slot],
				    sizeof(info[slot]));
		if (ret)
			goto out;
	}

	mutex_lock(&cdev->alloc_lock);
	list_for_each_entry_safe(img, tmp, &cdev->images, node) {
		if (READ_ONCE(img->state) != CIM_IMAGE_PROGRAMMING &&
		    !cim_slot_matches(img, &info[img->slot])) {
			WRITE_ONCE(img->state, CIM_IMAGE_FAILED);
			if (cim_image_unused(img)) {
				cim_catalog_drop(cdev, img);
				continue;
			}
		}
		set_bit(img->slot, claimed);
	}
	for (slot = 0; slot < n; slot++) {
		if (test_bit(slot, claimed) || !info[slot].valid)
			continue;
		if (cim_catalog_adopt(cdev, slot, &info[slot]))
			set_bit(slot, unload);
	}
	mutex_unlock(&cdev->alloc_lock);

	for_each_set_bit(slot, unload, n) {
		dev_info(cdev->dev, "image slot %u holds no image we can use: unloading it\n",
			 slot);
		ret = cim_card_unload(cdev, slot);
		if (ret)
			goto out;
	}
	if (cdev->cat_stats.adopted)
		dev_info(cdev->dev, "%llu resident images found on the card\n",
			 cdev->cat_stats.adopted);
out:
	bitmap_free(unload);
	bitmap_free(claimed);
	kfree(info);
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

	cdev->card_catalog = (cdev->info.if_version & 0xffff) >= 1;
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
		q[i].e.state = READ_ONCE(img->state);
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
