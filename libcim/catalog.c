// SPDX-License-Identifier: MIT
/*
 * The driver's resident-image catalog and the tiles' wear, through the
 * size-negotiated DRM_CIM_QUERY_IMAGES and DRM_CIM_QUERY_TILES: a header
 * followed by entries at the header's header_size, entry_size apart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Image states are copied from the driver's catalog as they are. */
_Static_assert(CIM_RESIDENT_PROGRAMMING == DRM_CIM_IMAGE_PROGRAMMING &&
	       CIM_RESIDENT_READY == DRM_CIM_IMAGE_READY &&
	       CIM_RESIDENT_FAILED == DRM_CIM_IMAGE_FAILED,
	       "cim.h and the uapi disagree on image states");

/*
 * Fetch a list query into a malloc'ed buffer.  The list may grow between
 * asking for its size and fetching it: retry until it fits.
 */
static int list_query(struct cim_dev *dev, uint32_t id, void **out,
		      uint32_t *got)
{
	struct drm_cim_query q;
	void *buf = NULL;
	uint32_t size = 0;
	int tries, ret;

	for (tries = 0; tries < 8; tries++) {
		memset(&q, 0, sizeof(q));
		q.query = id;
		q.size = size;
		q.data = (uintptr_t)buf;
		ret = cimi_ioctl(dev, DRM_IOCTL_CIM_QUERY, &q);
		if (ret) {
			free(buf);
			return ret;
		}
		if (buf && q.size <= size) {
			*out = buf;
			*got = q.size;
			return 0;
		}
		free(buf);
		size = q.size;
		buf = calloc(1, size ? size : 1);
		if (!buf)
			return -ENOMEM;
	}
	free(buf);
	return -EAGAIN;
}

/*
 * Entry i of a list whose header says where entries are, into e (e_size
 * bytes, zero-filled past what the driver sent); 0 if the answer is short.
 */
static int list_entry(const void *buf, uint32_t got, uint32_t header_size,
		      uint32_t entry_size, uint32_t i, void *e, size_t e_size)
{
	uint64_t at = header_size + (uint64_t)i * entry_size;

	if (at + entry_size > got)
		return 0;
	memset(e, 0, e_size);
	memcpy(e, (const uint8_t *)buf + at, entry_size < e_size ? entry_size : e_size);
	return 1;
}

/*
 * Fetch list query id into *buf and copy its header (hdr_size bytes,
 * zero-filled past what the driver sent) into hdr.  Every list header
 * starts with header_size, entry_size, count, total (16 bytes).
 */
static int list_fetch(struct cim_dev *dev, uint32_t id, const char *what,
		      void *hdr, size_t hdr_size, void **buf, uint32_t *got)
{
	const uint32_t *h = hdr;
	int ret;

	ret = list_query(dev, id, buf, got);
	if (ret) {
		cimi_set_error(dev, "%s query failed: %s%s", what,
			       strerror(-ret),
			       ret == -EINVAL ? " (driver too old?)" : "");
		return ret;
	}
	memset(hdr, 0, hdr_size);
	memcpy(hdr, *buf, *got < hdr_size ? *got : hdr_size);
	if (*got < 16 || h[0] < 16 || !h[1]) {
		free(*buf);
		cimi_set_error(dev, "%s query: malformed answer", what);
		return -EPROTO;
	}
	return 0;
}

int cim_resident_images(struct cim_dev *dev, struct cim_resident_image *out,
			int max, struct cim_catalog_stats *stats)
{
	struct drm_cim_image_entry e;
	struct drm_cim_images h;
	uint32_t got, i, n;
	void *buf;
	int ret;

	if (!dev || max < 0 || (max && !out))
		return -EINVAL;
	ret = list_fetch(dev, DRM_CIM_QUERY_IMAGES, "resident-image", &h,
			 sizeof(h), &buf, &got);
	if (ret)
		return ret;
	n = h.count < (uint32_t)max ? h.count : (uint32_t)max;
	for (i = 0; i < n; i++) {
		if (!list_entry(buf, got, h.header_size, h.entry_size, i, &e,
				sizeof(e)))
			break;
		memcpy(out[i].sha256, e.sha256, sizeof(out[i].sha256));
		out[i].size = e.size;
		out[i].last_use_ns = e.last_use_ns;
		out[i].slot = e.slot;
		out[i].tiles = e.tiles;
		out[i].users = e.users;
		out[i].state = e.state;
	}
	if (stats) {
		stats->images = h.total;
		stats->programs = h.programs;
		stats->hits = h.hits;
		stats->evictions = h.evictions;
		stats->adopted = h.adopted;
	}
	free(buf);
	return (int)h.total;
}

/*
 * The tile list (DRM_CIM_QUERY_TILES): put(out, i, entry) for the first
 * max entries; the card's tile count, or a negative errno.  A driver with
 * the short entry leaves the activity fields 0 (flags 0: no counters).
 */
static int tiles_list(struct cim_dev *dev, void *out, int max,
		      void (*put)(void *out, uint32_t i,
				  const struct drm_cim_tile_entry *e))
{
	struct drm_cim_tile_entry e;
	struct drm_cim_tiles h;
	uint32_t got, i, n;
	void *buf;
	int ret;

	if (!dev || max < 0 || (max && !out))
		return -EINVAL;
	ret = list_fetch(dev, DRM_CIM_QUERY_TILES, "tile", &h, sizeof(h),
			 &buf, &got);
	if (ret)
		return ret;
	n = h.count < (uint32_t)max ? h.count : (uint32_t)max;
	for (i = 0; i < n; i++) {
		if (!list_entry(buf, got, h.header_size, h.entry_size, i, &e,
				sizeof(e)))
			break;
		put(out, i, &e);
	}
	free(buf);
	return (int)h.total;
}

static int32_t tile_slot(const struct drm_cim_tile_entry *e)
{
	return e->slot == DRM_CIM_TILE_FREE ? -1 : (int32_t)e->slot;
}

static void put_wear(void *out, uint32_t i, const struct drm_cim_tile_entry *e)
{
	struct cim_tile_wear *w = (struct cim_tile_wear *)out + i;

	w->pe_cycles = e->pe_cycles;
	w->slot = tile_slot(e);
}

int cim_tiles_wear(struct cim_dev *dev, struct cim_tile_wear *out, int max)
{
	return tiles_list(dev, out, max, put_wear);
}

static void put_activity(void *out, uint32_t i,
			 const struct drm_cim_tile_entry *e)
{
	struct cim_tile_activity *a = (struct cim_tile_activity *)out + i;

	memset(a, 0, sizeof(*a));
	a->pe_cycles = e->pe_cycles;
	a->slot = tile_slot(e);
	a->flags = (e->flags & DRM_CIM_TILE_F_ACTIVITY ? CIM_TILE_ACTIVITY : 0) |
		   (e->flags & DRM_CIM_TILE_F_SIMD ? CIM_TILE_SIMD : 0);
	a->busy_ns = e->busy_ns;
	a->simd_ns = e->simd_ns;
	a->mvms = e->mvms;
	a->macs = e->macs;
	a->simd_ops = e->simd_ops;
	a->program_pulses = e->program_pulses;
}

int cim_tiles_activity(struct cim_dev *dev, struct cim_tile_activity *out,
		       int max)
{
	return tiles_list(dev, out, max, put_activity);
}
