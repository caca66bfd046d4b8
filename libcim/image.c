// SPDX-License-Identifier: MIT
/*
 * Loading weight images: copy into a BO, check, hand to the driver, wait
 * for programming.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../uapi/cim_image.h"

/* Check the image the way the driver will, so that a refusal comes with a reason. */
static int precheck(struct cim_dev *dev, const void *img, size_t size)
{
	const struct cim_image_header *h = img;
	const struct cim_info *ci = &dev->info;
	struct cim_image_limits lim;
	const char *why = "";

	lim.tile_rows = ci->tile_rows;
	lim.tile_cols = ci->tile_cols;
	lim.cell_bits = ci->cell_bits;
	lim.max_vector = ci->max_vector ? ci->max_vector : UINT32_MAX;
	lim.max_plan_bytes = ci->max_plan_bytes ? ci->max_plan_bytes : UINT32_MAX;
	/* Every virtual tile takes a physical one (the driver's limit too). */
	lim.max_vtiles = ci->tiles ? ci->tiles : CIM_IMAGE_MAX_VTILES;
	/* The driver checks the arena against the card's; the query has no field. */
	lim.max_arena = UINT32_MAX;
	if (cim_image_check(img, size, &lim, &why)) {
		if (h->magic == CIM_IMAGE_MAGIC &&
		    (h->tile_rows != lim.tile_rows || h->tile_cols != lim.tile_cols))
			cimi_set_error(dev,
				       "image rejected: compiled for %ux%u tiles, the card has %ux%u",
				       h->tile_rows, h->tile_cols, lim.tile_rows,
				       lim.tile_cols);
		else if (h->magic == CIM_IMAGE_MAGIC && h->n_vtiles > lim.max_vtiles)
			cimi_set_error(dev,
				       "image rejected: it needs %u tiles, the card has %u",
				       h->n_vtiles, lim.max_vtiles);
		else
			cimi_set_error(dev, "image rejected: %s", why);
		return -EINVAL;
	}
	if (cim_image_crc(img, size) != h->crc32) {
		cimi_set_error(dev, "image rejected: CRC mismatch");
		return -EBADMSG;
	}
	return 0;
}

static int load_error(struct cim_dev *dev, int ret)
{
	switch (ret) {
	case -ENOSPC:
		cimi_set_error(dev,
			       "no room on the card: not enough free tiles or image slots");
		break;
	case -EINVAL:
	case -EBADMSG:
		cimi_set_error(dev, "the driver rejected the image (see dmesg with drm.debug=0x2)");
		break;
	default:
		cimi_set_error(dev, "image load failed: %s", strerror(-ret));
	}
	return ret;
}

static void release_handle(struct cim_dev *dev, uint32_t handle)
{
	struct drm_cim_image_release req;

	memset(&req, 0, sizeof(req));
	req.image_handle = handle;
	cimi_ioctl(dev, DRM_IOCTL_CIM_IMAGE_RELEASE, &req);
}

/* Wait for programming; 0 or negative errno with the reason recorded. */
static int wait_programmed(struct cim_dev *dev, uint32_t syncobj)
{
	int64_t deadline = cimi_deadline((int64_t)cimi_now_ns(), dev->timeout_ns);
	int ret, fence_err = 0;

	ret = cimi_fence_wait(dev, syncobj, deadline, &fence_err);
	/*
	 * An image already resident on the card needs no programming; a
	 * driver may then leave the syncobj without a fence.
	 */
	if (ret == -EINVAL)
		return 0;
	if (ret == -ETIME) {
		cimi_set_error(dev, "programming did not finish within the timeout");
		return ret;
	}
	if (ret) {
		cimi_set_error(dev, "waiting for programming failed: %s",
			       strerror(-ret));
		return ret;
	}
	if (fence_err == -EREMOTEIO) {
		cimi_set_error(dev, "programming failed: a cell could not be verified and its tile has no spare column left; the image was not loaded (EREMOTEIO)");
		return fence_err;
	}
	if (fence_err) {
		cimi_set_error(dev, "programming failed: %s", strerror(-fence_err));
		return fence_err;
	}
	return 0;
}

int cim_image_load(struct cim_dev *dev, const void *image, size_t size,
		   struct cim_image **out)
{
	struct drm_cim_image_load req;
	struct cim_image *img = NULL;
	const struct cim_image_header *h;
	struct cim_bo *bo = NULL;
	uint32_t syncobj = 0;
	void *map;
	int ret;

	if (!dev || !image || !out)
		return -EINVAL;
	*out = NULL;
	if (size < sizeof(struct cim_image_header) || size > UINT32_MAX) {
		cimi_set_error(dev, "image rejected: bad size %zu", size);
		return -EINVAL;
	}
	/* Check the BO copy: it is aligned, and it is what the driver reads. */
	ret = cim_bo_alloc(dev, size, &bo);
	if (!ret)
		ret = cim_bo_map(bo, &map);
	if (ret)
		goto out;
	memcpy(map, image, size);
	ret = precheck(dev, map, size);
	if (ret)
		goto out;
	h = map;

	img = calloc(1, sizeof(*img));
	if (!img) {
		ret = -ENOMEM;
		goto out;
	}
	ret = cimi_syncobj_create(dev, &syncobj);
	if (ret) {
		cimi_set_error(dev, "cannot create a syncobj: %s", strerror(-ret));
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.bo_handle = cim_bo_handle(bo);
	req.offset = 0;
	req.size = size;
	req.out_syncobj = syncobj;
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_IMAGE_LOAD, &req);
	if (ret) {
		load_error(dev, ret);
		goto out;
	}
	ret = wait_programmed(dev, syncobj);
	if (ret) {
		/* The driver frees the tiles once programming has stopped. */
		release_handle(dev, req.image_handle);
		goto out;
	}
	img->dev = dev;
	img->props.handle = req.image_handle;
	img->props.tiles = req.tiles;
	img->props.input_size = h->input_size;
	img->props.output_size = h->output_size;
	img->props.n_exits = h->n_exits;
	*out = img;
	img = NULL;
out:
	cimi_syncobj_destroy(dev, syncobj);
	cim_bo_free(bo);
	free(img);
	return ret;
}

void cim_image_free(struct cim_image *img)
{
	if (!img)
		return;
	release_handle(img->dev, img->props.handle);
	free(img);
}

void cim_image_release(struct cim_image *img)
{
	cim_image_free(img);
}

void cim_image_get_props(const struct cim_image *img,
			 struct cim_image_props *props)
{
	*props = img->props;
}
