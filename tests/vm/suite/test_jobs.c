// SPDX-License-Identifier: MIT
/* Jobs through raw ioctls: outputs, result records, in/out fences. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "vmtest.h"

static int64_t abs_ns(int64_t rel)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec + rel;
}

static const uint32_t dims[] = { 200, 300, 200 };

struct setup {
	int fd;
	struct vm_model m;
	uint32_t img_bo, img, in, out, res, prog_sync;
	int8_t *pin, *pout;
	struct drm_cim_job_result *pres;
	uint32_t batch;
};

static int setup(struct setup *s, uint32_t batch)
{
	memset(s, 0, sizeof(*s));
	s->batch = batch;
	s->fd = vm_open_card();
	if (s->fd < 0 || vm_model_build(dims, 2, 21, 256, 256, &s->m))
		return -1;
	if (drmSyncobjCreate(s->fd, 0, &s->prog_sync))
		return -1;
	if (vm_image_load(s->fd, &s->m, &s->img_bo, &s->img, s->prog_sync))
		return -1;
	if (vm_bo_create(s->fd, batch * 200, &s->in) ||
	    vm_bo_create(s->fd, batch * 200, &s->out) ||
	    vm_bo_create(s->fd, 4096, &s->res))
		return -1;
	s->pin = vm_bo_map(s->fd, s->in, batch * 200);
	s->pout = vm_bo_map(s->fd, s->out, batch * 200);
	s->pres = vm_bo_map(s->fd, s->res, 4096);
	return s->pin && s->pout && s->pres ? 0 : -1;
}

static void teardown(struct setup *s)
{
	vm_model_free(&s->m);
	close(s->fd);
}

static void program_fence_signals(void)
{
	struct setup s;

	CHECK_EQ(setup(&s, 1), 0);
	CHECK_EQ(drmSyncobjWait(s.fd, &s.prog_sync, 1, abs_ns(20000000000ll),
				0, NULL), 0);
	teardown(&s);
}

static void one_job_matches_reference(void)
{
	struct drm_cim_submit sub = { 0 };
	struct drm_cim_bo_wait w = { 0 };
	int8_t *ref;
	uint32_t sync;
	struct setup s;

	CHECK_EQ(setup(&s, 5), 0);
	ref = malloc(5 * 200);
	vm_fill_random(s.pin, 5 * 200, 99);
	memset(s.pout, 0x55, 5 * 200);
	CHECK_EQ(drmSyncobjCreate(s.fd, 0, &sync), 0);
	sub = (struct drm_cim_submit){ .image_handle = s.img, .in_handle = s.in,
				       .out_handle = s.out, .batch = 5,
				       .result_handle = s.res,
				       .result_offset = 64,
				       .out_syncobj = sync };
	CHECK_EQ(vm_ioctl(s.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	CHECK_EQ(drmSyncobjWait(s.fd, &sync, 1, abs_ns(20000000000ll), 0,
				NULL), 0);
	/* The BO's implicit fence is signalled too. */
	w.handle = s.out;
	w.timeout_ns = abs_ns(1000000000ll);
	CHECK_EQ(vm_ioctl(s.fd, DRM_IOCTL_CIM_BO_WAIT, &w), 0);
	CHECK_EQ(cim_ref_run_image(s.m.image, s.m.size, s.pin, ref, 5), 0);
	CHECK_EQ(memcmp(ref, s.pout, 5 * 200), 0);
	s.pres = (void *)((uint8_t *)s.pres + 64);
	CHECK_EQ(s.pres->status, DRM_CIM_JOB_OK);
	CHECK_EQ(s.pres->batch_done, 5);
	CHECK(s.pres->device_time_ns > 0);
	free(ref);
	teardown(&s);
}

/* Job B reads what job A wrote; B waits for A through an in-syncobj. */
static void in_fence_orders_jobs(void)
{
	static const uint32_t sq[] = { 64, 64 };
	struct vm_model m;
	uint32_t bo, img, buf[3], sa, sb, h;
	int8_t *p[3], mid[64 * 8], ref[64 * 8];
	struct drm_cim_submit a, b;
	int fd = vm_open_card(), i;

	CHECK(fd >= 0);
	CHECK_EQ(vm_model_build(sq, 1, 5, 256, 256, &m), 0);
	CHECK_EQ(vm_image_load(fd, &m, &bo, &img, 0), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(vm_bo_create(fd, 64 * 8, &buf[i]), 0);
		p[i] = vm_bo_map(fd, buf[i], 64 * 8);
		CHECK(p[i] != NULL);
	}
	vm_fill_random(p[0], 64 * 8, 5);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sa), 0);
	CHECK_EQ(drmSyncobjCreate(fd, 0, &sb), 0);
	a = (struct drm_cim_submit){ .image_handle = img, .in_handle = buf[0],
				     .out_handle = buf[1], .batch = 8,
				     .out_syncobj = sa };
	b = (struct drm_cim_submit){ .image_handle = img, .in_handle = buf[1],
				     .out_handle = buf[2], .batch = 8,
				     .priority = DRM_CIM_PRIO_HIGH,
				     .in_syncobj_count = 1,
				     .in_syncobjs = (uintptr_t)&sa,
				     .out_syncobj = sb };
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &a), 0);
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &b), 0);
	CHECK_EQ(drmSyncobjWait(fd, &sb, 1, abs_ns(20000000000ll), 0, NULL), 0);
	CHECK_EQ(cim_ref_run_image(m.image, m.size, p[0], mid, 8), 0);
	CHECK_EQ(cim_ref_run_image(m.image, m.size, mid, ref, 8), 0);
	CHECK_EQ(memcmp(ref, p[2], sizeof(ref)), 0);
	/* A syncobj with no fence yet cannot be waited for. */
	CHECK_EQ(drmSyncobjCreate(fd, 0, &h), 0);
	b.in_syncobjs = (uintptr_t)&h;
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &b), -EINVAL);
	vm_model_free(&m);
	close(fd);
}

/* Many jobs in flight at once, more than the submission ring holds. */
static void many_jobs_in_flight(void)
{
	enum { N = 150 };
	struct drm_cim_submit sub;
	uint32_t syncs[N];
	int8_t *ref;
	struct setup s;
	int i;

	CHECK_EQ(setup(&s, N), 0);
	ref = malloc(N * 200);
	vm_fill_random(s.pin, N * 200, 1234);
	for (i = 0; i < N; i++) {
		CHECK_EQ(drmSyncobjCreate(s.fd, 0, &syncs[i]), 0);
		sub = (struct drm_cim_submit){ .image_handle = s.img,
					       .in_handle = s.in,
					       .out_handle = s.out,
					       .in_offset = i * 200,
					       .out_offset = i * 200,
					       .batch = 1,
					       .out_syncobj = syncs[i] };
		CHECK_EQ(vm_ioctl(s.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	}
	CHECK_EQ(drmSyncobjWait(s.fd, syncs, N, abs_ns(60000000000ll),
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL), 0);
	CHECK_EQ(cim_ref_run_image(s.m.image, s.m.size, s.pin, ref, N), 0);
	CHECK_EQ(memcmp(ref, s.pout, N * 200), 0);
	free(ref);
	teardown(&s);
}

/* Closing the file with jobs queued must neither hang nor leak. */
static void close_with_jobs_queued(void)
{
	struct drm_cim_submit sub;
	struct setup s;
	int i;

	CHECK_EQ(setup(&s, 64), 0);
	for (i = 0; i < 40; i++) {
		sub = (struct drm_cim_submit){ .image_handle = s.img,
					       .in_handle = s.in,
					       .out_handle = s.out,
					       .batch = 64 };
		CHECK_EQ(vm_ioctl(s.fd, DRM_IOCTL_CIM_SUBMIT, &sub), 0);
	}
	munmap(s.pin, 64 * 200);
	teardown(&s);
}

const struct vm_test vm_job_tests[] = {
	{ "program_fence_signals", program_fence_signals },
	{ "one_job_matches_reference", one_job_matches_reference },
	{ "in_fence_orders_jobs", in_fence_orders_jobs },
	{ "many_jobs_in_flight", many_jobs_in_flight },
	{ "close_with_jobs_queued", close_with_jobs_queued },
	{ NULL, NULL },
};
