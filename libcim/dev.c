// SPDX-License-Identifier: MIT
/*
 * Opening and closing a card, the device query and the version handshake.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "internal.h"

/* LIBCIM_VERSION: the top-level VERSION file, from libcim/Makefile. */
#ifndef LIBCIM_VERSION
#error "LIBCIM_VERSION comes from the VERSION file (libcim/Makefile)"
#endif

int cimi_ioctl(struct cim_dev *dev, unsigned long req, void *arg)
{
	return dev->be->ioctl(dev, req, arg);
}

int cimi_query(struct cim_dev *dev, struct cim_info *info)
{
	struct drm_cim_device_info di;
	struct drm_cim_query q;
	uint32_t size;
	int ret;

	/* First ask how big the driver's structure is, then fetch what we both know. */
	memset(&q, 0, sizeof(q));
	q.query = DRM_CIM_QUERY_DEVICE_INFO;
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_QUERY, &q);
	if (ret)
		return ret;
	size = q.size < sizeof(di) ? q.size : (uint32_t)sizeof(di);
	if (!size)
		return -EPROTO;

	memset(&di, 0, sizeof(di));
	memset(&q, 0, sizeof(q));
	q.query = DRM_CIM_QUERY_DEVICE_INFO;
	q.size = size;
	q.data = (uintptr_t)&di;
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_QUERY, &q);
	if (ret)
		return ret;

	memset(info, 0, sizeof(*info));
	info->uapi_version = di.uapi_version;
	info->fw_version = di.fw_version;
	info->if_version = di.if_version;
	info->hw_id = di.hw_id;
	info->tiles = di.tiles;
	info->tile_rows = di.tile_rows;
	info->tile_cols = di.tile_cols;
	info->cell_bits = di.cell_bits;
	info->adc_bits = di.adc_bits;
	info->act_bits = di.act_bits;
	info->free_tiles = di.free_tiles;
	info->max_vector = di.max_vector;
	info->max_images = di.max_images;
	info->max_plan_bytes = di.max_plan_bytes;
	info->query_size = size;
	return 0;
}

/* Is the fd a node of the cim driver?  Guards against opening another accel card. */
static int driver_is_cim(int fd, const char *path)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ok;

	if (!v) {
		cimi_set_error(NULL, "%s is not a DRM device", path);
		return 0;
	}
	ok = v->name && !strcmp(v->name, "cim");
	if (!ok)
		cimi_set_error(NULL, "%s is driven by \"%s\", not \"cim\"", path,
			       v->name ? v->name : "?");
	drmFreeVersion(v);
	return ok;
}

struct cim_dev *cimi_dev_new(const struct cimi_backend *be, int fd,
			     const char *path, const struct cim_info *info)
{
	struct cim_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->be = be;
	dev->fd = fd;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	dev->info = *info;
	dev->timeout_ns = CIM_DEFAULT_TIMEOUT_NS;
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->infer_lock, NULL);
	return dev;
}

static int open_node(const char *path, struct cim_dev **out)
{
	struct cim_dev *dev, probe = { .be = &cimi_kernel_backend };
	char msg[CIMI_ERR_LEN];
	struct cim_info info;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		cimi_set_error(NULL, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	if (!driver_is_cim(fd, path)) {
		ret = -ENODEV;
		goto fail;
	}
	probe.fd = fd;
	ret = cimi_query(&probe, &info);
	if (ret) {
		cimi_set_error(NULL, "device query on %s failed: %s", path,
			       strerror(-ret));
		goto fail;
	}
	ret = cim_check_versions(&info, msg, sizeof(msg));
	if (ret) {
		cimi_set_error(NULL, "%s: %s", path, msg);
		goto fail;
	}
	dev = cimi_dev_new(&cimi_kernel_backend, fd, path, &info);
	if (!dev) {
		ret = -ENOMEM;
		goto fail;
	}
	*out = dev;
	return 0;
fail:
	close(fd);
	return ret;
}

int cim_open(const char *path, struct cim_dev **out)
{
	struct cim_card_info card;
	int n;

	if (!out)
		return -EINVAL;
	*out = NULL;
	cimi_set_error(NULL, "%s", "");
	if (!path)
		path = getenv("CIM_DEVICE");
	if (path && !*path)
		path = NULL;
	if (path && cimi_is_sim(path))
		return cimi_sim_open(path, out);
	if (path)
		return open_node(path, out);
	n = cim_list(&card, 1);
	if (n < 0)
		return n;
	if (n == 0) {
		cimi_set_error(NULL, "no CIM card found (is cim.ko loaded? CIM_DEVICE=sim runs the userspace card)");
		return -ENODEV;
	}
	return open_node(card.devnode, out);
}

void cim_close(struct cim_dev *dev)
{
	if (!dev)
		return;
	cim_bo_free(dev->infer_in);
	cim_bo_free(dev->infer_out);
	cimi_results_free(dev);
	pthread_mutex_destroy(&dev->infer_lock);
	pthread_mutex_destroy(&dev->lock);
	dev->be->close(dev);
	cimi_forget_errors(dev);
	free(dev);
}

int cim_query(struct cim_dev *dev, struct cim_info *info)
{
	int ret;

	if (!dev || !info)
		return -EINVAL;
	ret = cimi_query(dev, info);
	if (ret) {
		cimi_set_error(dev, "device query failed: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

const struct cim_info *cim_dev_info(const struct cim_dev *dev)
{
	return &dev->info;
}

const char *cim_dev_path(const struct cim_dev *dev)
{
	return dev->path;
}

int cim_dev_fd(const struct cim_dev *dev)
{
	return dev->fd;
}

int cim_set_timeout(struct cim_dev *dev, int64_t timeout_ns)
{
	if (!dev || (timeout_ns < 0 && timeout_ns != CIM_TIMEOUT_INFINITE))
		return -EINVAL;
	dev->timeout_ns = timeout_ns;
	dev->timeout_set = 1;
	return 0;
}

static int kernel_ioctl(struct cim_dev *dev, unsigned long req, void *arg)
{
	return drmIoctl(dev->fd, req, arg) ? -errno : 0;
}

static void kernel_close(struct cim_dev *dev)
{
	close(dev->fd);
}

const struct cimi_backend cimi_kernel_backend = {
	.name = "kernel",
	.ioctl = kernel_ioctl,
	.bo_map = cimi_kernel_bo_map,
	.bo_unmap = cimi_kernel_bo_unmap,
	.syncobj_create = cimi_kernel_syncobj_create,
	.syncobj_destroy = cimi_kernel_syncobj_destroy,
	.syncobj_export = cimi_kernel_syncobj_export,
	.fence_wait = cimi_kernel_fence_wait,
	.close = kernel_close,
};

const char *cim_version(void)
{
	return LIBCIM_VERSION;
}
