// SPDX-License-Identifier: MIT
/*
 * Syncobj fences: create, wait with an absolute deadline, and read the
 * error a signaled fence carries (through a sync_file, the only place
 * the kernel reports it).
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sync_file.h>
#include <xf86drm.h>

#include "internal.h"

/* libdrm's syncobj helpers return -1 with errno or -errno, by version. */
static int drm_ret(int ret)
{
	if (!ret)
		return 0;
	if (ret == -1 && errno > 0)
		return -errno;
	return ret < 0 ? ret : -EIO;
}

int cimi_kernel_syncobj_create(struct cim_dev *dev, uint32_t *handle)
{
	errno = 0;
	return drm_ret(drmSyncobjCreate(dev->fd, 0, handle));
}

void cimi_kernel_syncobj_destroy(struct cim_dev *dev, uint32_t handle)
{
	if (handle)
		drmSyncobjDestroy(dev->fd, handle);
}

int cimi_kernel_syncobj_export(struct cim_dev *dev, uint32_t handle)
{
	int fd = -1, ret;

	errno = 0;
	ret = drm_ret(drmSyncobjExportSyncFile(dev->fd, handle, &fd));
	return ret ? ret : fd;
}

/* 0 if the fence signaled cleanly, its negative error otherwise. */
static int fence_error(struct cim_dev *dev, uint32_t syncobj)
{
	struct sync_file_info info = { 0 };
	int fd, ret;

	fd = cimi_kernel_syncobj_export(dev, syncobj);
	if (fd < 0)
		return fd;
	ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	return info.status < 0 ? info.status : 0;
}

int cimi_kernel_fence_wait(struct cim_dev *dev, uint32_t syncobj,
			   int64_t deadline, int *fence_err)
{
	int ret;

	errno = 0;
	ret = drm_ret(drmSyncobjWait(dev->fd, &syncobj, 1, deadline, 0, NULL));
	if (ret)
		return ret;
	*fence_err = fence_error(dev, syncobj);
	return 0;
}

/* The backend's syncobjs: what the rest of libcim calls. */
int cimi_syncobj_create(struct cim_dev *dev, uint32_t *handle)
{
	return dev->be->syncobj_create(dev, handle);
}

void cimi_syncobj_destroy(struct cim_dev *dev, uint32_t handle)
{
	if (handle)
		dev->be->syncobj_destroy(dev, handle);
}

int cimi_syncobj_export(struct cim_dev *dev, uint32_t handle)
{
	return dev->be->syncobj_export(dev, handle);
}

int cimi_fence_wait(struct cim_dev *dev, uint32_t syncobj, int64_t deadline,
		    int *fence_err)
{
	return dev->be->fence_wait(dev, syncobj, deadline, fence_err);
}
