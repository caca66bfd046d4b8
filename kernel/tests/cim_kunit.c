// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * KUnit tests of the driver's pure logic: the tile allocator
 * (cim_tiles.c) and catalog placement (cim_catalog.c).  Built into
 * cim.ko when the kernel has CONFIG_KUNIT (the debug-kernel lane,
 * tests/vm/debug.config); they run when the module loads, and
 * tests/vm/check.sh reads their results from the kernel log.
 *
 * Each test builds a bare struct cim_device with only what the allocator
 * and the catalog use (no card, no DRM device): its wear counts, bitmaps,
 * image list and lock.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../cim_drv.h"

static struct cim_device *kt_cdev(struct kunit *test, u32 tiles, u32 slots)
{
	struct cim_device *cdev = kunit_kzalloc(test, sizeof(*cdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cdev);
	cdev->info.tiles = tiles;
	cdev->info.max_images = slots;
	cdev->free_tiles = tiles;
	cdev->tile_pe = kunit_kcalloc(test, tiles, sizeof(*cdev->tile_pe),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cdev->tile_pe);
	mutex_init(&cdev->alloc_lock);
	INIT_LIST_HEAD(&cdev->images);
	test->priv = cdev;
	return cdev;
}

/* Drop every image still in the catalog (the catalog's reference). */
static void kt_exit(struct kunit *test)
{
	struct cim_device *cdev = test->priv;
	struct cim_image *img, *tmp;

	if (!cdev)
		return;
	list_for_each_entry_safe(img, tmp, &cdev->images, node) {
		list_del_init(&img->node);
		cim_image_put(img);
	}
	mutex_destroy(&cdev->alloc_lock);
}

static struct cim_image *kt_image(struct kunit *test, u32 n_vtiles)
{
	struct cim_image *img = cim_image_new(test->priv, n_vtiles);

	KUNIT_ASSERT_NOT_NULL(test, img);
	return img;
}

/* Place img and add it to the catalog, as a load does; 0 or -errno. */
static int kt_load(struct cim_device *cdev, struct cim_image *img, u64 lru)
{
	int ret;

	mutex_lock(&cdev->alloc_lock);
	ret = cim_catalog_place(cdev, img);
	if (!ret) {
		img->lru = lru;
		cim_catalog_add(cdev, img);
	}
	mutex_unlock(&cdev->alloc_lock);
	return ret;
}

static u32 kt_used(struct cim_device *cdev)
{
	return bitmap_weight(cdev->tiles_used, cdev->info.tiles);
}

/* ---- tiles ----------------------------------------------------------- */

/* The free tiles with the fewest P/E cycles, lowest index among equals. */
static void tiles_take_least_worn(struct kunit *test)
{
	static const u32 pe[8] = { 5, 1, 3, 1, 0, 9, 2, 7 };
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *img = kt_image(test, 3);

	memcpy(cdev->tile_pe, pe, sizeof(pe));
	mutex_lock(&cdev->alloc_lock);
	cim_tiles_take(cdev, img);
	mutex_unlock(&cdev->alloc_lock);
	KUNIT_EXPECT_EQ(test, img->tile_map[0], 4);
	KUNIT_EXPECT_EQ(test, img->tile_map[1], 1);
	KUNIT_EXPECT_EQ(test, img->tile_map[2], 3);
	/* each taken tile is counted as programmed once more */
	KUNIT_EXPECT_EQ(test, cdev->tile_pe[4], 1);
	KUNIT_EXPECT_EQ(test, cdev->tile_pe[1], 2);
	KUNIT_EXPECT_EQ(test, cdev->tile_pe[3], 2);
	KUNIT_EXPECT_EQ(test, cdev->tile_pe[6], 2);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 5);
	KUNIT_EXPECT_EQ(test, kt_used(cdev), 3);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(cdev->tiles_used, img->tiles, 8));

	mutex_lock(&cdev->alloc_lock);
	cim_tiles_put(cdev, img);
	mutex_unlock(&cdev->alloc_lock);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 8);
	KUNIT_EXPECT_EQ(test, kt_used(cdev), 0);
	/* wear is history: a put does not undo it */
	KUNIT_EXPECT_EQ(test, cdev->tile_pe[4], 1);
	cim_image_put(img);
}

/* An image takes free tiles wherever they are, never a used one. */
static void tiles_fragmented_card(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 8);
	struct cim_image *a = kt_image(test, 3), *b = kt_image(test, 2);
	struct cim_image *c = kt_image(test, 3), *d = kt_image(test, 5);
	static const u16 want_d[5] = { 0, 1, 2, 5, 6 };
	u32 i;

	mutex_lock(&cdev->alloc_lock);
	cim_tiles_take(cdev, a);	/* 0 1 2 */
	cim_tiles_take(cdev, b);	/* 3 4 */
	cim_tiles_take(cdev, c);	/* 5 6 7 */
	KUNIT_EXPECT_EQ(test, b->tile_map[0], 3);
	KUNIT_EXPECT_EQ(test, b->tile_map[1], 4);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 0);
	cim_tiles_put(cdev, a);
	cim_tiles_put(cdev, c);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 6);
	cim_tiles_take(cdev, d);
	mutex_unlock(&cdev->alloc_lock);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, d->tile_map[i], want_d[i]);
	KUNIT_EXPECT_FALSE(test, bitmap_intersects(d->tiles, b->tiles, 8));
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 1);
	KUNIT_EXPECT_TRUE(test, test_bit(7, cdev->tiles_used) == 0);
	cim_image_put(a);
	cim_image_put(b);
	cim_image_put(c);
	cim_image_put(d);
}

/* Loads and unloads of one-tile images go round all tiles evenly. */
static void tiles_wear_spreads(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 4, 4);
	struct cim_image *img;
	u32 i;

	for (i = 0; i < 12; i++) {
		img = kt_image(test, 1);
		mutex_lock(&cdev->alloc_lock);
		cim_tiles_take(cdev, img);
		KUNIT_EXPECT_EQ(test, img->tile_map[0], i % 4);
		cim_tiles_put(cdev, img);
		mutex_unlock(&cdev->alloc_lock);
		cim_image_put(img);
	}
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, cdev->tile_pe[i], 3);
}

/* ---- catalog placement ---------------------------------------------- */

static void catalog_place_fits(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *a = kt_image(test, 3), *b = kt_image(test, 5);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 1), 0);
	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 2), 0);
	KUNIT_EXPECT_EQ(test, a->slot, 0);
	KUNIT_EXPECT_EQ(test, b->slot, 1);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 0);
	KUNIT_EXPECT_FALSE(test, bitmap_intersects(a->tiles, b->tiles, 8));
	KUNIT_EXPECT_EQ(test, cim_catalog_avail_tiles(cdev), 8);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.programs, 2);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 0);
}

/* Every tile held by images in use: the load fails and changes nothing. */
static void catalog_full_card_fails(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *a = kt_image(test, 4), *b = kt_image(test, 4);
	struct cim_image *c = kt_image(test, 1);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 1), 0);
	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 2), 0);
	kref_get(&a->ref);	/* handles of some file */
	kref_get(&b->ref);
	KUNIT_EXPECT_EQ(test, cim_catalog_avail_tiles(cdev), 0);
	KUNIT_EXPECT_EQ(test, kt_load(cdev, c, 3), -ENOSPC);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 0);
	KUNIT_EXPECT_EQ(test, kt_used(cdev), 8);
	KUNIT_EXPECT_EQ(test, bitmap_weight(cdev->slots_used, 4), 2);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&cdev->images), 2);
	cim_image_put(a);
	cim_image_put(b);
	cim_image_put(c);
}

/* Room is made from unused images, least recently used first. */
static void catalog_evicts_lru(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *a = kt_image(test, 4), *b = kt_image(test, 4);
	struct cim_image *c = kt_image(test, 3);
	DECLARE_BITMAP(b_tiles, 8);
	DECLARE_BITMAP(a_tiles, 8);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 5), 0);	/* used last */
	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 2), 0);	/* older */
	bitmap_copy(a_tiles, a->tiles, 8);
	bitmap_copy(b_tiles, b->tiles, 8);
	/* both resident and unused: c needs one of them to go */
	KUNIT_ASSERT_EQ(test, kt_load(cdev, c, 9), 0);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 1);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&cdev->images), 2);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&cdev->images,
						   struct cim_image, node), b);
	KUNIT_EXPECT_TRUE(test, bitmap_subset(c->tiles, a_tiles, 8));
	KUNIT_EXPECT_FALSE(test, bitmap_intersects(c->tiles, b_tiles, 8));
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 1);
}

/* A failed image goes before any good one, however recent. */
static void catalog_evicts_failed_first(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *a = kt_image(test, 4), *b = kt_image(test, 4);
	struct cim_image *c = kt_image(test, 2);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 1), 0);	/* oldest, good */
	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 7), 0);	/* newest, failed */
	spin_lock_irq(&b->lock);
	cim_image_set_state(b, CIM_IMAGE_FAILED, -EREMOTEIO);
	spin_unlock_irq(&b->lock);
	KUNIT_ASSERT_EQ(test, kt_load(cdev, c, 9), 0);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 1);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&cdev->images,
						   struct cim_image, node), a);
	KUNIT_EXPECT_FALSE(test, bitmap_intersects(c->tiles, a->tiles, 8));
}

/*
 * Not enough room even with every unused image gone: nothing is evicted
 * for a load that would fail anyway.
 */
static void catalog_no_useless_eviction(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 4);
	struct cim_image *a = kt_image(test, 5), *b = kt_image(test, 2);
	struct cim_image *c = kt_image(test, 4);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 1), 0);
	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 2), 0);
	kref_get(&a->ref);	/* in use: 5 tiles stay */
	/* free 1 + unused b's 2 = 3 < 4 */
	KUNIT_EXPECT_EQ(test, kt_load(cdev, c, 3), -ENOSPC);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&cdev->images), 2);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 1);
	cim_image_put(a);
	cim_image_put(c);
}

/* Out of slots: an unused image gives its slot; none unused, -ENOSPC. */
static void catalog_slots_run_out(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 8, 2);
	struct cim_image *a = kt_image(test, 1), *b = kt_image(test, 1);
	struct cim_image *c = kt_image(test, 1), *d = kt_image(test, 1);

	KUNIT_ASSERT_EQ(test, kt_load(cdev, a, 1), 0);
	KUNIT_ASSERT_EQ(test, kt_load(cdev, b, 2), 0);
	kref_get(&b->ref);
	/* 6 tiles free, no slot: a (unused) goes */
	KUNIT_ASSERT_EQ(test, kt_load(cdev, c, 3), 0);
	KUNIT_EXPECT_EQ(test, c->slot, 0);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 1);
	kref_get(&c->ref);
	KUNIT_EXPECT_EQ(test, kt_load(cdev, d, 4), -ENOSPC);
	KUNIT_EXPECT_EQ(test, cdev->cat_stats.evictions, 1);
	cim_image_put(b);
	cim_image_put(c);
	cim_image_put(d);
}

/* A placement undone (its PROGRAM never queued) leaves no trace. */
static void catalog_unplace_restores(struct kunit *test)
{
	struct cim_device *cdev = kt_cdev(test, 4, 2);
	struct cim_image *a = kt_image(test, 3);
	int ret;
	u32 i;

	mutex_lock(&cdev->alloc_lock);
	ret = cim_catalog_place(cdev, a);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 1);
	if (!ret)
		cim_catalog_unplace(cdev, a);
	mutex_unlock(&cdev->alloc_lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, cdev->free_tiles, 4);
	KUNIT_EXPECT_EQ(test, kt_used(cdev), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(cdev->slots_used, 2), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, cdev->tile_pe[i], 0);
	cim_image_put(a);
}

static struct kunit_case cim_tiles_cases[] = {
	KUNIT_CASE(tiles_take_least_worn),
	KUNIT_CASE(tiles_fragmented_card),
	KUNIT_CASE(tiles_wear_spreads),
	{}
};

static struct kunit_case cim_catalog_cases[] = {
	KUNIT_CASE(catalog_place_fits),
	KUNIT_CASE(catalog_full_card_fails),
	KUNIT_CASE(catalog_evicts_lru),
	KUNIT_CASE(catalog_evicts_failed_first),
	KUNIT_CASE(catalog_no_useless_eviction),
	KUNIT_CASE(catalog_slots_run_out),
	KUNIT_CASE(catalog_unplace_restores),
	{}
};

static struct kunit_suite cim_tiles_suite = {
	.name = "cim_tiles",
	.exit = kt_exit,
	.test_cases = cim_tiles_cases,
};

static struct kunit_suite cim_catalog_suite = {
	.name = "cim_catalog",
	.exit = kt_exit,
	.test_cases = cim_catalog_cases,
};

kunit_test_suites(&cim_tiles_suite, &cim_catalog_suite);
