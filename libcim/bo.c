// SPDX-License-Identifier: MIT
/*
 * Buffer objects: GEM shmem buffers created by the driver, mapped through
 * the device fd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static size_t page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

int cim_bo_alloc(struct cim_dev *dev, size_t size, struct cim_bo **out)
{
	struct drm_cim_bo_create req;
	struct cim_bo *bo;
	int ret;

	if (!dev || !out || !size || size > SIZE_MAX / 2)
		return -EINVAL;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	memset(&req, 0, sizeof(req));
	req.size = page_round(size);
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_BO_CREATE, &req);
	if (ret) {
		cimi_set_error(dev, "cannot create a %zu-byte buffer: %s", size,
			       strerror(-ret));
		free(bo);
		return ret;
	}
	bo->dev = dev;
	bo->handle = req.handle;
	bo->size = (size_t)req.size;
	*out = bo;
	return 0;
}

int cim_bo_map(struct cim_bo *bo, void **ptr)
{
	struct drm_cim_bo_mmap_offset req;
	void *p;
	int ret;

	if (!bo || !ptr)
		return -EINVAL;
	if (!bo->map) {
		memset(&req, 0, sizeof(req));
		req.handle = bo->handle;
		ret = cimi_ioctl(bo->dev, DRM_IOCTL_CIM_BO_MMAP_OFFSET, &req);
		if (ret) {
			cimi_set_error(bo->dev, "cannot get the mmap offset of a buffer: %s",
				       strerror(-ret));
			return ret;
		}
		ret = bo->dev->be->bo_map(bo->dev, bo->handle, req.offset,
					  bo->size, &p);
		if (ret) {
			cimi_set_error(bo->dev, "cannot map a buffer: %s",
				       strerror(-ret));
			return ret;
		}
		bo->map = p;
	}
	*ptr = bo->map;
	return 0;
}

void cim_bo_free(struct cim_bo *bo)
{
	struct drm_gem_close req;

	if (!bo)
		return;
	if (bo->map)
		bo->dev->be->bo_unmap(bo->dev, bo->map, bo->size);
	memset(&req, 0, sizeof(req));
	req.handle = bo->handle;
	cimi_ioctl(bo->dev, DRM_IOCTL_GEM_CLOSE, &req);
	free(bo);
}

int cimi_kernel_bo_map(struct cim_dev *dev, uint32_t handle, uint64_t offset,
		       size_t size, void **ptr)
{
	void *p;

	(void)handle;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		 (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	*ptr = p;
	return 0;
}

void cimi_kernel_bo_unmap(struct cim_dev *dev, void *ptr, size_t size)
{
	(void)dev;
	munmap(ptr, size);
}

size_t cim_bo_size(const struct cim_bo *bo)
{
	return bo->size;
}

uint32_t cim_bo_handle(const struct cim_bo *bo)
{
	return bo->handle;
}

int cim_bo_wait(struct cim_bo *bo, int64_t timeout_ns)
{
	struct drm_cim_bo_wait req;

	if (!bo || (timeout_ns < 0 && timeout_ns != CIM_TIMEOUT_INFINITE))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.handle = bo->handle;
	req.timeout_ns = cimi_deadline((int64_t)cimi_now_ns(), timeout_ns);
	return cimi_ioctl(bo->dev, DRM_IOCTL_CIM_BO_WAIT, &req);
}
