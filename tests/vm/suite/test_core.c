// SPDX-License-Identifier: MIT
/*
 * DRM core ioctls on the accel node: the ones an accel file of ours takes
 * work, every other core number is refused with EOPNOTSUPP before the core
 * sees it (docs/uapi.md, kernel/cim_fops.c), and syncobj arrays are
 * bounded.  Reproducers of issue 15 item 1: GET_UNIQUE and GET_MAGIC used
 * to oops on the file's NULL master and leave SET_MASTER hanging; a
 * SYNCOBJ_WAIT of 2^32-1 handles made the core WARN on a 32 GiB
 * allocation.
 */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "vmtest.h"

/* docs/uapi.md: the most handles one syncobj array ioctl may name. */
#define MAX_SYNCOBJ_ARRAY	4096

struct any_arg {
	uint8_t bytes[512];
};

/* A NOP job goes through and its fence signals: the card still works. */
static int nop_job_completes(int fd)
{
	struct drm_cim_submit sub = { .flags = DRM_CIM_SUBMIT_NOP };
	uint32_t sync;
	int ret;

	if (drmSyncobjCreate(fd, 0, &sync))
		return -1;
	sub.out_syncobj = sync;
	ret = vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub);
	if (!ret)
		ret = drmSyncobjWait(fd, &sync, 1, INT64_MAX, 0, NULL);
	drmSyncobjDestroy(fd, sync);
	return ret;
}

/* The core numbers an accel file of ours takes (docs/uapi.md). */
static int core_allowed(unsigned int nr)
{
	switch (nr) {
	case 0x00:		/* VERSION */
	case 0x09:		/* GEM_CLOSE */
	case 0x0c:		/* GET_CAP */
	case 0x2d:		/* PRIME_HANDLE_TO_FD */
	case 0x2e:		/* PRIME_FD_TO_HANDLE */
	case 0xbf: case 0xc0: case 0xc1: case 0xc2:	/* SYNCOBJ_CREATE..FD_TO_HANDLE */
	case 0xc3: case 0xc4: case 0xc5:		/* SYNCOBJ_WAIT, RESET, SIGNAL */
		return 1;
	default:
		return 0;
	}
}

static void core_master_ioctls_refused(void)
{
	struct drm_unique u = { 0 };
	struct drm_auth a = { 0 };
	char name[64];
	int fd = vm_open_card();

	CHECK(fd >= 0);
	/* A hang (the master lock left held by an oops) must fail, not stall. */
	alarm(60);
	u.unique_len = sizeof(name);
	u.unique = name;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u), -EOPNOTSUPP);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_GET_MAGIC, &a), -EOPNOTSUPP);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SET_MASTER, NULL), -EOPNOTSUPP);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_DROP_MASTER, NULL), -EOPNOTSUPP);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_AUTH_MAGIC, &a), -EOPNOTSUPP);
	/* Another type letter is not a DRM ioctl at all. */
	CHECK_EQ(vm_ioctl(fd, _IOWR('x', 0x01, struct drm_unique), &u),
		 -ENOTTY);
	CHECK_EQ(nop_job_completes(fd), 0);
	close(fd);
	/* A second file of the device is fine too. */
	fd = vm_open_card();
	CHECK(fd >= 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u), -EOPNOTSUPP);
	CHECK_EQ(nop_job_completes(fd), 0);
	alarm(0);
	close(fd);
}

/*
 * Every core number (0x00-0x3f, 0xa0-0xd2; drivers own 0x40-0x9f) with a
 * zeroed argument: refused ones give EOPNOTSUPP, allowed ones what the
 * core says of a zeroed argument.
 */
static void core_ioctl_sweep(void)
{
	struct drm_syncobj_destroy d = { 0 };
	struct drm_version v = { 0 };
	struct drm_get_cap cap = { 0 };
	struct any_arg arg;
	unsigned int nr;
	int fd = vm_open_card(), ret, refused = 0;

	CHECK(fd >= 0);
	alarm(120);
	for (nr = 0; nr <= 0xd2; nr++) {
		if (nr >= 0x40 && nr < 0xa0)
			continue;
		memset(&arg, 0, sizeof(arg));
		if (nr == 0x0c) {	/* GET_CAP: one the core answers any driver */
			cap.capability = DRM_CAP_SYNCOBJ;
			memcpy(arg.bytes, &cap, sizeof(cap));
		}
		ret = vm_ioctl(fd, DRM_IOWR(nr, struct any_arg), &arg);
		if (!core_allowed(nr)) {
			if (ret != -EOPNOTSUPP)
				printf("  core ioctl 0x%02x: %d\n", nr, ret);
			CHECK_EQ(ret, -EOPNOTSUPP);
			refused++;
			continue;
		}
		if (ret == -EOPNOTSUPP)
			printf("  allowed core ioctl 0x%02x refused\n", nr);
		switch (nr) {
		case 0x0c:	/* GET_CAP(SYNCOBJ): we have syncobjs */
			CHECK_EQ(ret, 0);
			memcpy(&cap, arg.bytes, sizeof(cap));
			CHECK_EQ(cap.value, 1);
			break;
		case 0x00:	/* VERSION: lengths only */
		case 0xbf:	/* SYNCOBJ_CREATE: a new syncobj */
		case 0xc3:	/* SYNCOBJ_WAIT on no handles: done */
			if (ret)
				printf("  core ioctl 0x%02x: %d\n", nr, ret);
			CHECK_EQ(ret, 0);
			break;
		case 0x2d:	/* PRIME_HANDLE_TO_FD of handle 0 */
		case 0x2e:	/* PRIME_FD_TO_HANDLE of fd 0 (not a dma-buf) */
			CHECK(ret < 0 && ret != -EOPNOTSUPP);
			break;
		default:	/* handle 0, fd 0 or count 0: invalid */
			if (ret != -EINVAL)
				printf("  core ioctl 0x%02x: %d\n", nr, ret);
			CHECK_EQ(ret, -EINVAL);
		}
		if (nr == 0xbf) {
			memcpy(&d.handle, arg.bytes, sizeof(d.handle));
			CHECK(d.handle != 0);
			CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d), 0);
		}
	}
	CHECK_EQ(refused, 0x40 + 0x33 - 12);
	/* The real structs of the allowed ones still work as libdrm uses them. */
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_VERSION, &v), 0);
	CHECK(v.name_len == 3);
	CHECK_EQ(nop_job_completes(fd), 0);
	alarm(0);
	close(fd);
}

static void syncobj_huge_counts_refused(void)
{
	static uint32_t handles[MAX_SYNCOBJ_ARRAY + 1];
	struct drm_syncobj_wait w = { 0 };
	struct drm_syncobj_array a = { 0 };
	uint32_t sync;
	int fd = vm_open_card(), i;

	CHECK(fd >= 0);
	CHECK_EQ(drmSyncobjCreate(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &sync), 0);
	for (i = 0; i <= MAX_SYNCOBJ_ARRAY; i++)
		handles[i] = sync;
	w.handles = (uintptr_t)handles;
	a.handles = (uintptr_t)handles;
	/* Near 2^32: refused before the core allocates anything. */
	w.count_handles = 0xffffffffu;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), -EINVAL);
	a.count_handles = 0xffffffffu;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_RESET, &a), -EINVAL);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a), -EINVAL);
	w.count_handles = 1u << 28;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), -EINVAL);
	/* One past the bound: refused; at the bound: the core's to judge. */
	w.count_handles = MAX_SYNCOBJ_ARRAY + 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), -EINVAL);
	a.count_handles = MAX_SYNCOBJ_ARRAY + 1;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a), -EINVAL);
	a.count_handles = MAX_SYNCOBJ_ARRAY;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a), 0);
	w.count_handles = MAX_SYNCOBJ_ARRAY;
	w.timeout_nsec = INT64_MAX;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_RESET, &a), 0);
	/* Reset: nothing to wait for any more (the core's own answer). */
	w.count_handles = 1;
	w.timeout_nsec = 0;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), -EINVAL);
	CHECK_EQ(nop_job_completes(fd), 0);
	drmSyncobjDestroy(fd, sync);
	close(fd);
}

/* The ioctl number with another size in its size field. */
static unsigned long resized(unsigned long cmd, unsigned int size)
{
	return (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
	       ((unsigned long)size << _IOC_SIZESHIFT);
}

/*
 * A size field that ends inside count_handles: the core copies only the
 * bytes it covers, so a count of 0xffffffff reaches it as 0x00ffffff
 * (size 11) or 0x0000ffff (size 10), 2^24 or 2^16 handles: the filter
 * must bound that count too, not skip it (found by the fuzzer, seed
 * 0x3dc9ca570bb53203: SYNCOBJ_RESET of size 11, a WARN in page_alloc).
 * A size that stops before the count: the core sees 0 handles.
 */
static void syncobj_short_size_counts_refused(void)
{
	struct drm_syncobj_wait w = { .count_handles = 0xffffffffu };
	struct drm_syncobj_array a = { .count_handles = 0xffffffffu };
	size_t wat = offsetof(struct drm_syncobj_wait, count_handles);
	size_t aat = offsetof(struct drm_syncobj_array, count_handles);
	int fd = vm_open_card(), n;

	CHECK(fd >= 0);
	for (n = 2; n <= 3; n++) {
		CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_WAIT, wat + n), &w),
			 -EINVAL);
		CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_RESET, aat + n), &a),
			 -EINVAL);
		CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_SIGNAL, aat + n), &a),
			 -EINVAL);
	}
	/* One byte: 0xff handles, within the bound; at address 0: EFAULT. */
	CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_WAIT, wat + 1), &w),
		 -EFAULT);
	CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_RESET, aat + 1), &a),
		 -EFAULT);
	/* Nothing of the count copied: no handles, the core's EINVAL. */
	CHECK_EQ(vm_ioctl(fd, resized(DRM_IOCTL_SYNCOBJ_RESET, aat), &a),
		 -EINVAL);
	CHECK_EQ(nop_job_completes(fd), 0);
	close(fd);
}

const struct vm_test vm_core_tests[] = {
	{ "core_master_ioctls_refused", core_master_ioctls_refused },
	{ "core_ioctl_sweep", core_ioctl_sweep },
	{ "syncobj_huge_counts_refused", syncobj_huge_counts_refused },
	{ "syncobj_short_size_counts_refused",
	  syncobj_short_size_counts_refused },
	{ NULL, NULL },
};
