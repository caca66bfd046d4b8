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

#define LIBCIM_VERSION	"1.0.0"

static int fd_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

int cimi_ioctl(struct cim_dev *dev, unsigned long req, void *arg)
{
	return fd_ioctl(dev->fd, req, arg);
}

int cimi_query(int fd, struct cim_info *info)
{
	struct drm_cim_device_info di;
	struct drm_cim_query q;
	uint32_t size;
	int ret;

	/* First ask how big the driver's structure is, then fetch what we both know. */
	memset(&q, 0, sizeof(q));
	q.query = DRM_CIM_QUERY_DEVICE_INFO;
	ret = fd_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);
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
	ret = fd_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);
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

static int open_node(const char *path, struct cim_dev **out)
{
	struct cim_dev *dev;
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
	ret = cimi_query(fd, &info);
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
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		ret = -ENOMEM;
		goto fail;
	}
	dev->fd = fd;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	dev->info = info;
	dev->timeout_ns = CIM_DEFAULT_TIMEOUT_NS;
	pthread_mutex_init(&dev->lock, NULL);
	pthread_mutex_init(&dev->infer_lock, NULL);
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
	if (path)
		return open_node(path, out);
	n = cim_list(&card, 1);
	if (n < 0)
		return n;
	if (n == 0) {
		cimi_set_error(NULL, "no CIM card found (is cim.ko loaded?)");
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
	close(dev->fd);
	cimi_forget_errors(dev);
	free(dev);
}

int cim_query(struct cim_dev *dev, struct cim_info *info)
{
	int ret;

	if (!dev || !info)
		return -EINVAL;
	ret = cimi_query(dev->fd, info);
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
	return 0;
}

const char *cim_version(void)
{
	return LIBCIM_VERSION;
}
