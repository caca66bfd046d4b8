// SPDX-License-Identifier: MIT
/* Models, buffers and images for the VM suite. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <drm/cim_accel.h>
#include "vmtest.h"

static uint32_t vm_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

void vm_fill_random(int8_t *p, size_t n, uint32_t seed)
{
	uint32_t s = seed | 1;

	while (n--)
		*p++ = (int8_t)(vm_rand(&s) & 0xff);
}

int vm_model_build(const uint32_t *dims, int n_layers, uint32_t seed,
		   uint32_t rows, uint32_t cols, struct vm_model *m)
{
	struct cim_fc_layer layers[8];
	struct cim_model_desc desc = { .n_layers = n_layers, .layers = layers };
	struct cim_geometry g = { .tile_rows = rows, .tile_cols = cols,
				  .cell_bits = 4 };
	void *bufs[8 * 4] = { 0 };
	uint32_t s = seed | 1;
	int i, ret;

	if (n_layers > 8)
		return -EINVAL;
	for (i = 0; i < n_layers; i++) {
		uint32_t k = dims[i], n = dims[i + 1], j;
		int8_t *w = malloc((size_t)k * n);
		int32_t *bias = malloc(n * 4), *mult = malloc(n * 4);
		int32_t *shift = malloc(n * 4);

		bufs[4 * i] = w;
		bufs[4 * i + 1] = bias;
		bufs[4 * i + 2] = mult;
		bufs[4 * i + 3] = shift;
		for (j = 0; j < k * n; j++)
			w[j] = (int8_t)((int)(vm_rand(&s) % 255) - 127);
		for (j = 0; j < n; j++) {
			bias[j] = (int32_t)(vm_rand(&s) % 4001) - 2000;
			mult[j] = (int32_t)(0x40000000u + (vm_rand(&s) & 0x3fffffff));
			shift[j] = -9 - (int32_t)(vm_rand(&s) % 3);
		}
		layers[i] = (struct cim_fc_layer){
			.in_len = k, .out_len = n, .weights = w, .bias = bias,
			.mult = mult, .shift = shift,
			.in_zp = (int32_t)(vm_rand(&s) % 21) - 10,
			.out_zp = (int32_t)(vm_rand(&s) % 21) - 10,
			.act_min = -128, .act_max = 127,
		};
		/* ReLU on hidden layers. */
		if (i + 1 < n_layers)
			layers[i].act_min = layers[i].out_zp;
	}
	ret = cim_image_build(&desc, &g, &m->image, &m->size);
	for (i = 0; i < 8 * 4; i++)
		free(bufs[i]);
	if (ret)
		return ret;
	m->in_size = dims[0];
	m->out_size = dims[n_layers];
	return 0;
}

void vm_model_free(struct vm_model *m)
{
	free(m->image);
	m->image = NULL;
}

int vm_bo_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_cim_bo_create c = { .size = size };
	int ret = vm_ioctl(fd, DRM_IOCTL_CIM_BO_CREATE, &c);

	*handle = c.handle;
	return ret;
}

void *vm_bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_cim_bo_mmap_offset o = { .handle = handle };
	void *p;

	if (vm_ioctl(fd, DRM_IOCTL_CIM_BO_MMAP_OFFSET, &o))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, o.offset);
	return p == MAP_FAILED ? NULL : p;
}

/* Copy an image into a new BO and load it; returns the ioctl's result. */
int vm_image_load(int fd, const struct vm_model *m, uint32_t *bo,
		  uint32_t *image, uint32_t syncobj)
{
	struct drm_cim_image_load l = { 0 };
	void *p;
	int ret;

	ret = vm_bo_create(fd, m->size, bo);
	if (ret)
		return ret;
	p = vm_bo_map(fd, *bo, m->size);
	if (!p)
		return -ENOMEM;
	memcpy(p, m->image, m->size);
	munmap(p, m->size);
	l.bo_handle = *bo;
	l.size = m->size;
	l.out_syncobj = syncobj;
	ret = vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l);
	*image = l.image_handle;
	return ret;
}
