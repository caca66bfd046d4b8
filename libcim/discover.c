// SPDX-License-Identifier: MIT
/*
 * Card discovery through libudev: accel devices (/dev/accel/accelN) whose
 * parent is bound to the "cim" driver, and on kernels without the accel
 * core (CONFIG_DRM_ACCEL unset, e.g. Debian's 6.12 arm64) the DRM render
 * nodes (/dev/dri/renderDN) the driver makes instead, same ioctls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libudev.h>

#include "internal.h"

static int is_cim_card(struct udev_device *d, struct cim_card_info *ci)
{
	struct udev_device *parent = udev_device_get_parent(d);
	const char *drv = parent ? udev_device_get_driver(parent) : NULL;
	const char *node = udev_device_get_devnode(d);
	const char *name = udev_device_get_sysname(d);
	int index;

	if (!drv || strcmp(drv, "cim") || !name ||
	    (sscanf(name, "accel%d", &index) != 1 &&
	     sscanf(name, "renderD%d", &index) != 1))
		return 0;
	memset(ci, 0, sizeof(*ci));
	ci->index = index;
	if (node)
		snprintf(ci->devnode, sizeof(ci->devnode), "%s", node);
	else
		snprintf(ci->devnode, sizeof(ci->devnode), "%s/%s",
			 name[0] == 'a' ? "/dev/accel" : "/dev/dri", name);
	snprintf(ci->parent, sizeof(ci->parent), "%s",
		 udev_device_get_sysname(parent));
	snprintf(ci->syspath, sizeof(ci->syspath), "%s",
		 udev_device_get_syspath(d));
	return 1;
}

static int by_index(const void *a, const void *b)
{
	const struct cim_card_info *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

int cim_list(struct cim_card_info *out, int max)
{
	struct udev *udev;
	struct udev_enumerate *en = NULL;
	struct udev_list_entry *e;
	struct cim_card_info *all = NULL;
	int n = 0, cap = 0, ret;

	if (max < 0 || (max > 0 && !out))
		return -EINVAL;
	udev = udev_new();
	if (!udev) {
		cimi_set_error(NULL, "cannot create a udev context");
		return -EIO;
	}
	en = udev_enumerate_new(udev);
	if (!en || udev_enumerate_add_match_subsystem(en, "accel") < 0 ||
	    udev_enumerate_add_match_subsystem(en, "drm") < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		cimi_set_error(NULL, "cannot enumerate accel or drm devices through udev");
		ret = -EIO;
		goto out;
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *d;
		struct cim_card_info ci;
		int found;

		d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		if (!d)
			continue;
		found = is_cim_card(d, &ci);
		udev_device_unref(d);
		if (!found)
			continue;
		if (n == cap) {
			struct cim_card_info *grown;

			cap = cap ? 2 * cap : 8;
			grown = realloc(all, (size_t)cap * sizeof(*all));
			if (!grown) {
				ret = -ENOMEM;
				goto out;
			}
			all = grown;
		}
		all[n++] = ci;
	}
	/* udev lists in sysfs order; accel10 would come before accel2. */
	if (n)
		qsort(all, (size_t)n, sizeof(*all), by_index);
	if (n && max)
		memcpy(out, all, (size_t)(n < max ? n : max) * sizeof(*all));
	ret = n;
out:
	free(all);
	udev_enumerate_unref(en);
	udev_unref(udev);
	return ret;
}
