// SPDX-License-Identifier: MIT
/* Every ioctl, with good input and with each kind of bad input. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "../../../uapi/cim_image.h"
#include "vmtest.h"

static struct drm_cim_device_info card_info(int fd)
{
	struct drm_cim_device_info info = { 0 };
	struct drm_cim_query q = {
		.query = DRM_CIM_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.data = (uintptr_t)&info,
	};

	vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q);
	return info;
}

static void query_negotiates_size(void)
{
	struct drm_cim_device_info info;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO };
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	CHECK_EQ(q.size, sizeof(info));
	/* A short buffer gets a prefix; the rest is untouched. */
	memset(&info, 0xa5, sizeof(info));
	q.size = 8;
	q.data = (uintptr_t)&info;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), 0);
	CHECK_EQ(info.uapi_version, DRM_CIM_UAPI_VERSION);
	CHECK_EQ(info.if_version, 0xa5a5a5a5u);
	info = card_info(fd);
	CHECK_EQ(info.fw_version >> 16, 2);	/* firmware 2 runs image format 2 */
	CHECK_EQ(info.if_version >> 16, 1);
	CHECK_EQ(info.tiles, 8);
	CHECK_EQ(info.tile_rows, 256);
	CHECK_EQ(info.tile_cols, 256);
	CHECK_EQ(info.cell_bits, 4);
	CHECK_EQ(info.free_tiles, 8);
	CHECK(info.max_images > 0 && info.max_plan_bytes > 0);
	close(fd);
}

static void query_rejects_bad_input(void)
{
	struct drm_cim_device_info info;
	struct drm_cim_query q = { .query = DRM_CIM_QUERY_DEVICE_INFO,
				   .size = sizeof(info),
				   .data = (uintptr_t)&info };
	int fd = vm_open_card();

	CHECK(fd >= 0);
	q.flags = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EINVAL);
	q.flags = 0;
	q.pad = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EINVAL);
	q.pad = 0;
	q.query = 99;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EINVAL);
	q.query = DRM_CIM_QUERY_DEVICE_INFO;
	q.data = 16;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_QUERY, &q), -EFAULT);
	close(fd);
}

static void bo_create_map_and_wait(void)
{
	struct drm_cim_bo_wait w = { 0 };
	uint32_t h;
	uint8_t *p, *p2;
	int fd = vm_open_card(), i;

	CHECK(fd >= 0);
	CHECK_EQ(vm_bo_create(fd, 10000, &h), 0);
	p = vm_bo_map(fd, h, 10000);
	CHECK(p != NULL);
	for (i = 0; i < 10000; i++)
		p[i] = (uint8_t)i;
	/* A second mapping sees the same pages. */
	p2 = vm_bo_map(fd, h, 10000);
	CHECK(p2 != NULL);
	CHECK_EQ(p2[9999], (uint8_t)9999);
	munmap(p, 10000);
	munmap(p2, 10000);
	w.handle = h;
	w.timeout_ns = 0;	/* in the past: an idle BO is ready at once */
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_WAIT, &w), 0);
	close(fd);
}

static void bo_rejects_bad_input(void)
{
	struct drm_cim_bo_create c = { .size = 4096, .flags = 1 };
	struct drm_cim_bo_mmap_offset o = { .handle = 12345 };
	struct drm_cim_bo_wait w = { .handle = 12345 };
	uint32_t h;
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_CREATE, &c), -EINVAL);
	c.flags = 0;
	c.size = 0;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_CREATE, &c), -EINVAL);
	c.size = 1ull << 50;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_CREATE, &c), -E2BIG);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_MMAP_OFFSET, &o), -ENOENT);
	CHECK_EQ(vm_bo_create(fd, 4096, &h), 0);
	o.handle = h;
	o.pad = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_MMAP_OFFSET, &o), -EINVAL);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_WAIT, &w), -ENOENT);
	w.handle = h;
	w.pad = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_BO_WAIT, &w), -EINVAL);
	close(fd);
}

static const uint32_t small_dims[] = { 64, 96, 64 };

/* Load a (possibly corrupted) copy of an image; returns the errno. */
static int load_modified(int fd, const struct vm_model *m, size_t at,
			 uint32_t val, int fix_crc)
{
	struct vm_model c = *m;
	uint32_t bo, img;
	int ret;

	c.image = malloc(m->size);
	memcpy(c.image, m->image, m->size);
	memcpy((uint8_t *)c.image + at, &val, 4);
	if (fix_crc)
		((struct cim_image_header *)c.image)->crc32 =
			cim_image_crc(c.image, c.size);
	ret = vm_image_load(fd, &c, &bo, &img, 0);
	free(c.image);
	return ret;
}

#define HDR_OFF(f) offsetof(struct cim_image_header, f)

static void image_load_rejects_bad_images(void)
{
	struct drm_cim_image_load l = { 0 };
	struct vm_model m, other;
	uint32_t bo, img;
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build(small_dims, 2, 7, 256, 256, &m), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, 0), 0);
	CHECK(img != 0);

	l.bo_handle = bo;
	l.size = m.size;
	l.flags = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -EINVAL);
	l.flags = 0;
	l.pad = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -EINVAL);
	l.pad = 0;
	l.bo_handle = 9999;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -ENOENT);
	l.bo_handle = bo;
	l.offset = 1ull << 32;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -ERANGE);
	l.offset = 0;
	l.size = 1ull << 31;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -ERANGE);
	l.size = 1ull << 33;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -EINVAL);
	l.offset = 0;
	l.size = 16;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_LOAD, &l), -EINVAL);

	CHECK_EQ(load_modified(fd, &m, HDR_OFF(magic), 0x1234, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(crc32), 0x1234, 0), -EBADMSG);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(flags), 1, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(ops_offset), 0xffff0, 1),
		 -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(total_size), 7, 1), -EINVAL);
	/* Format-2 plan fields: arena, exits, reserved, a block's tile. */
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(arena_size), 0, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(n_exits), 1, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(reserved), 1, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, HDR_OFF(version_major), 1, 1), -EINVAL);
	CHECK_EQ(load_modified(fd, &m, ((struct cim_image_header *)m.image)->blocks_offset +
			       offsetof(struct cim_image_block, vtile), 200, 1),
		 -EINVAL);
	/* A cell flipped in the middle: only the CRC can tell. */
	CHECK_EQ(load_modified(fd, &m, m.size - 8, 0x5a5a5a5a, 0), -EBADMSG);

	/* Built for another tile geometry. */
	CHECK_EQ(vm_model_build(small_dims, 2, 7, 128, 256, &other), 0);
	CHECK_EQ(vm_image_load(fd, &other, &bo, &img, 0), -EINVAL);
	vm_model_free(&other);
	vm_model_free(&m);
	close(fd);
}

static void image_load_runs_out_of_tiles(void)
{
	/* A 512x300 layer needs 2 x 3 full arrays of 256 rows x 128 outputs. */
	static const uint32_t big[] = { 512, 300 };
	struct drm_cim_image_release r = { 0 };
	struct vm_model m, other;
	uint32_t bo, img, sync;
	int fd = vm_open_card(), i;

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build(big, 1, 3, 256, 256, &m), 0);
	CHECK_EQ(vm_model_build(big, 1, 4, 256, 256, &other), 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sync), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, sync), 0);
	CHECK_EQ(card_info(fd).free_tiles, 2);
	/* Other bytes need tiles of their own (the same bytes would share). */
	CHECK_EQ(vm_image_load(fd, &other, &bo, &r.image_handle, 0), -ENOSPC);
	vm_model_free(&other);
	CHECK_EQ(drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL), 0);
	r.image_handle = img;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r), 0);
	/* Tiles come back once the programming job has retired. */
	for (i = 0; i < 200 && card_info(fd).free_tiles != 8; i++)
		usleep(10000);
	CHECK_EQ(card_info(fd).free_tiles, 8);
	vm_model_free(&m);
	close(fd);
}

static void image_release_rejects_bad_input(void)
{
	struct drm_cim_image_release r = { .image_handle = 777 };
	struct vm_model m;
	uint32_t bo, img;
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r), -ENOENT);
	CHECK_EQ(vm_model_build(small_dims, 2, 9, 256, 256, &m), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, 0), 0);
	r.image_handle = img;
	r.pad = 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r), -EINVAL);
	r.pad = 0;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r), 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_IMAGE_RELEASE, &r), -ENOENT);
	vm_model_free(&m);
	close(fd);
}

static void submit_rejects_bad_input(void)
{
	struct drm_cim_submit s, good;
	struct vm_model m;
	uint32_t bo, img, in, out, res, syncobjs[65] = { 0 };
	int fd = vm_open_card();

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build(small_dims, 2, 11, 256, 256, &m), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, 0), 0);
	CHECK_EQ(vm_bo_create(fd, 4 * 64, &in), 0);
	CHECK_EQ(vm_bo_create(fd, 4 * 64, &out), 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &res), 0);
	good = (struct drm_cim_submit){ .image_handle = img, .in_handle = in,
					.out_handle = out, .batch = 4,
					.result_handle = res };

#define EXPECT(field, val, err) do { \
	s = good; \
	s.field = val; \
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), err); \
} while (0)
	EXPECT(flags, 0x80000000u, -EINVAL);
	EXPECT(flags, 2, -EINVAL);
	EXPECT(exit_margin, 1, -EINVAL);	/* without its flag */
	EXPECT(priority, 2, -EINVAL);
	EXPECT(batch, 0, -EINVAL);
	EXPECT(batch, 65536, -EINVAL);
	EXPECT(in_syncobj_count, 65, -EINVAL);
	EXPECT(result_offset, 4, -EINVAL);
	EXPECT(image_handle, 4242, -ENOENT);
	EXPECT(in_handle, 4242, -ENOENT);
	EXPECT(out_handle, 4242, -ENOENT);
	EXPECT(result_handle, 4242, -ENOENT);
	EXPECT(out_syncobj, 4242, -ENOENT);
	EXPECT(in_offset, 4096 - 100, -ERANGE);
	EXPECT(out_offset, 1ull << 40, -ERANGE);
	EXPECT(batch, 65, -ERANGE);	/* the BOs hold one page */
	EXPECT(result_offset, 4096 - 16, -ERANGE);
	s = good;
	s.result_handle = 0;
	s.result_offset = 8;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -EINVAL);
	s = good;
	s.in_syncobj_count = 1;
	s.in_syncobjs = 16;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -EFAULT);
	syncobjs[0] = 4242;
	s.in_syncobjs = (uintptr_t)syncobjs;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -ENOENT);
#undef EXPECT
	/* After all that, a good submission still works. */
	s = good;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), 0);
	vm_model_free(&m);
	close(fd);
}

const struct vm_test vm_ioctl_tests[] = {
	{ "query_negotiates_size", query_negotiates_size },
	{ "query_rejects_bad_input", query_rejects_bad_input },
	{ "bo_create_map_and_wait", bo_create_map_and_wait },
	{ "bo_rejects_bad_input", bo_rejects_bad_input },
	{ "image_load_rejects_bad_images", image_load_rejects_bad_images },
	{ "image_load_runs_out_of_tiles", image_load_runs_out_of_tiles },
	{ "image_release_rejects_bad_input", image_release_rejects_bad_input },
	{ "submit_rejects_bad_input", submit_rejects_bad_input },
	{ NULL, NULL },
};
