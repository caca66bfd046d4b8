// SPDX-License-Identifier: MIT
/* cim_calibrate(): DRM_IOCTL_CIM_CALIBRATE of a loaded image. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int cim_calibrate(struct cim_dev *dev, struct cim_image *img,
		  struct cim_calib_tile *out, int max)
{
	struct drm_cim_calibrate req = { 0 };
	int ret;

	if (!dev || !img || img->dev != dev || max < 0 || (max && !out))
		return -EINVAL;
	/* the uapi entry and ours have one layout */
	_Static_assert(sizeof(struct cim_calib_tile) ==
		       sizeof(struct drm_cim_calib_tile), "layout");
	req.image = img->props.handle;
	req.count = (uint32_t)max;
	req.tiles = (uintptr_t)out;
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_CALIBRATE, &req);
	/* a driver before minor 2: no such ioctl */
	if (ret == -ENOTTY || ret == -EINVAL)
		ret = -EOPNOTSUPP;
	if (ret) {
		cimi_set_error(dev, "calibration failed: %s", strerror(-ret));
		return ret;
	}
	return (int)req.count;
}
