// SPDX-License-Identifier: MIT
/*
 * libcim's device path against the fake driver (fake_kernel.c): what it
 * sends in each ioctl, how it negotiates the query, the version
 * handshake, buffers, image loads, jobs, fences, errors and cleanup.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cim.h"
#include "fake_kernel.h"
#include "testutil.h"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

/* Every test ends with nothing left open in the fake driver. */
static int teardown(void **state)
{
	(void)state;
	if (fake_live_bos() || fake_live_syncobjs() || fake_live_images() ||
	    fake_open_fds())
		return -1;
	return 0;
}

static struct cim_dev *open_fake(void)
{
	struct cim_dev *dev = NULL;

	assert_int_equal(cim_open(FAKE_DEV_PATH, &dev), 0);
	assert_non_null(dev);
	return dev;
}

/* 40 -> 300 -> 10 on 256 x 256 tiles: 2 arrays (small blocks share one). */
struct built {
	struct tu_model m;
	void *img;
	size_t size;
};

static void build(struct built *b, uint32_t rows, uint32_t cols)
{
	uint32_t lens[] = { 40, 300, 10 };
	struct cim_geometry g = { rows, cols, 4 };
	uint64_t s = 31337;

	tu_model_random(&b->m, &s, 2, lens);
	assert_int_equal(cim_image_build(&b->m.desc, &g, &b->img, &b->size), 0);
}

static void unbuild(struct built *b)
{
	free(b->img);
	tu_model_free(&b->m);
}

static void open_negotiates_query(void **state)
{
	struct cim_dev *dev;
	const struct cim_info *i;
	struct cim_info q;

	(void)state;
	dev = open_fake();
	/* First call asks the size (size 0, no data), second fetches it. */
	assert_int_equal(fake_rec.query_calls, 2);
	assert_int_equal(fake_rec.query_size[0], 0);
	assert_int_equal(fake_rec.query_data[0], 0);
	assert_int_equal(fake_rec.query_size[1], sizeof(struct drm_cim_device_info));
	assert_true(fake_rec.query_data[1] != 0);
	i = cim_dev_info(dev);
	assert_int_equal(i->tile_rows, 256);
	assert_int_equal(i->tile_cols, 256);
	assert_int_equal(i->tiles, 8);
	assert_int_equal(i->max_plan_bytes, 65536);
	assert_int_equal(i->query_size, sizeof(struct drm_cim_device_info));
	assert_string_equal(cim_dev_path(dev), FAKE_DEV_PATH);
	assert_true(cim_dev_fd(dev) >= 0);
	fake_cfg.info.free_tiles = 3;
	assert_int_equal(cim_query(dev, &q), 0);
	assert_int_equal(q.free_tiles, 3);
	cim_close(dev);
}

static void query_older_and_newer_kernels(void **state)
{
	struct cim_dev *dev;

	(void)state;
	/* An older driver knowing only the first 6 fields. */
	fake_cfg.info_size = 24;
	dev = open_fake();
	assert_int_equal(fake_rec.query_size[1], 24);
	assert_int_equal(cim_dev_info(dev)->tile_cols, 0);
	assert_int_equal(cim_dev_info(dev)->tile_rows, 256);
	assert_int_equal(cim_dev_info(dev)->query_size, 24);
	cim_close(dev);
	/* A newer one with a longer structure: we fetch only what we know. */
	fake_rec.query_calls = 0;
	fake_cfg.info_size = sizeof(struct drm_cim_device_info) + 16;
	dev = open_fake();
	assert_int_equal(fake_rec.query_size[1], sizeof(struct drm_cim_device_info));
	assert_int_equal(cim_dev_info(dev)->max_images, 16);
	cim_close(dev);
}

static void handshake_refusals(void **state)
{
	static const struct { uint32_t uapi, fw; const char *say; } cases[] = {
		{ 2, 2 << 16, "uapi 2, libcim 1: upgrade libcim" },
		{ 0, 2 << 16, "upgrade the kernel driver (cim.ko)" },
		{ 1, 3 << 16, "firmware is 3.0, libcim speaks firmware 2.x: upgrade libcim" },
		{ 1, 1 << 16, "firmware is 1.0, libcim speaks firmware 2.x: upgrade the card firmware" },
	};
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct cim_dev *dev = (void *)1;

		fake_cfg.info.uapi_version = cases[c].uapi;
		fake_cfg.info.fw_version = cases[c].fw;
		assert_int_equal(cim_open(FAKE_DEV_PATH, &dev), -EPROTO);
		assert_null(dev);
		assert_non_null(strstr(cim_last_error(NULL), cases[c].say));
		assert_non_null(strstr(cim_last_error(NULL), FAKE_DEV_PATH));
		assert_int_equal(fake_open_fds(), 0);
	}
}

static void open_refusals(void **state)
{
	struct cim_dev *dev;

	(void)state;
	fake_cfg.driver_name = "ivpu";
	assert_int_equal(cim_open(FAKE_DEV_PATH, &dev), -ENODEV);
	assert_non_null(strstr(cim_last_error(NULL), "\"ivpu\""));
	assert_int_equal(fake_open_fds(), 0);
	assert_int_equal(cim_open("/nonexistent/accel9", &dev), -ENOENT);
	assert_non_null(strstr(cim_last_error(NULL), "/nonexistent/accel9"));
	assert_int_equal(cim_open(FAKE_DEV_PATH, NULL), -EINVAL);
}

static void buffers(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_bo *bo;
	void *p, *p2;
	int64_t before;

	(void)state;
	assert_int_equal(cim_bo_alloc(dev, 0, &bo), -EINVAL);
	assert_int_equal(cim_bo_alloc(dev, 5000, &bo), 0);
	assert_int_equal(cim_bo_size(bo), 8192);
	assert_true(cim_bo_handle(bo) != 0);
	assert_int_equal(cim_bo_map(bo, &p), 0);
	memset(p, 0x5a, 8192);
	assert_int_equal(cim_bo_map(bo, &p2), 0);
	assert_ptr_equal(p, p2);
	/* The relative timeout reaches the driver as an absolute deadline. */
	before = now_ns();
	assert_int_equal(cim_bo_wait(bo, 2000000000), 0);
	assert_true(fake_rec.last_bo_wait_deadline >= before + 2000000000);
	assert_true(fake_rec.last_bo_wait_deadline <= now_ns() + 2000000000);
	assert_int_equal(cim_bo_wait(bo, CIM_TIMEOUT_INFINITE), 0);
	assert_true(fake_rec.last_bo_wait_deadline == INT64_MAX);
	assert_int_equal(cim_bo_wait(bo, -5), -EINVAL);
	cim_bo_free(bo);
	assert_int_equal(fake_rec.gem_closes, 1);
	assert_int_equal(fake_live_bos(), 0);
	cim_close(dev);
}

static void image_load_and_release(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_image_props p;
	struct cim_image *img;
	struct built b;

	(void)state;
	build(&b, 256, 256);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	assert_int_equal(fake_rec.image_loads, 1);
	assert_int_equal(fake_rec.last_load.offset, 0);
	assert_int_equal(fake_rec.last_load.size, b.size);
	assert_true(fake_rec.last_load.out_syncobj != 0);
	/* The staging BO and the syncobj are gone once loaded. */
	assert_int_equal(fake_live_bos(), 0);
	assert_int_equal(fake_live_syncobjs(), 0);
	assert_int_equal(fake_live_images(), 1);
	cim_image_get_props(img, &p);
	assert_int_equal(p.input_size, 40);
	assert_int_equal(p.output_size, 10);
	assert_int_equal(p.tiles, 2);
	assert_true(p.handle != 0);
	cim_image_free(img);
	assert_int_equal(fake_live_images(), 0);
	unbuild(&b);
	cim_close(dev);
}

static void image_load_refusals(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_image *img = (void *)1;
	struct built b;
	uint8_t *bad;

	(void)state;
	/* Built for another geometry: refused before the driver sees it. */
	build(&b, 128, 256);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), -EINVAL);
	assert_null(img);
	assert_non_null(strstr(cim_last_error(dev), "compiled for 128x256 tiles, the card has 256x256"));
	assert_int_equal(fake_rec.image_loads, 0);
	unbuild(&b);

	build(&b, 256, 256);
	bad = tu_dup(b.img, b.size);
	bad[b.size - 1] ^= 1;
	assert_int_equal(cim_image_load(dev, bad, b.size, &img), -EBADMSG);
	assert_non_null(strstr(cim_last_error(dev), "CRC"));
	assert_int_equal(cim_image_load(dev, b.img, 10, &img), -EINVAL);
	assert_int_equal(cim_image_load(dev, b.img, b.size - 1, &img), -EINVAL);
	assert_int_equal(fake_rec.image_loads, 0);
	free(bad);

	/* More virtual tiles (2) than the card has physical ones. */
	fake_cfg.info.tiles = 1;
	cim_close(dev);
	dev = open_fake();
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), -EINVAL);
	assert_non_null(strstr(cim_last_error(dev), "needs 2 tiles, the card has 1"));
	fake_cfg.info.tiles = 8;

	/* Plan larger than the card's plan memory. */
	fake_cfg.info.max_plan_bytes = 100;
	cim_close(dev);
	dev = open_fake();
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), -EINVAL);
	assert_non_null(strstr(cim_last_error(dev), "plan"));
	cim_close(dev);
	fake_cfg.info.max_plan_bytes = 65536;
	dev = open_fake();

	fake_cfg.load_errno = ENOSPC;
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), -ENOSPC);
	assert_non_null(strstr(cim_last_error(dev), "free tiles"));
	assert_int_equal(fake_live_bos(), 0);
	assert_int_equal(fake_live_syncobjs(), 0);
	unbuild(&b);
	cim_close(dev);
}

static void image_programming_fails(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_image *img = (void *)1;
	struct built b;

	(void)state;
	build(&b, 256, 256);
	fake_cfg.program_fence_error = -EIO;
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), -EIO);
	assert_null(img);
	assert_non_null(strstr(cim_last_error(dev), "programming failed"));
	/* The handle the driver gave out was released again. */
	assert_int_equal(fake_rec.image_releases, 1);
	assert_int_equal(fake_live_images(), 0);

	/* A resident image may come back with no programming fence at all. */
	fake_cfg.program_fence_error = 0;
	fake_cfg.program_no_fence = 1;
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

static void infer_matches_reference(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_run_stats st;
	struct cim_image *img;
	struct built b;
	uint64_t s = 5;
	int8_t in[7 * 40], out[7 * 10], want[7 * 10];

	(void)state;
	build(&b, 256, 256);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_ref_run_model(&b.m.desc, in, want, 7), 0);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(cim_infer(dev, img, in, out, 7, &st), 0);
	assert_memory_equal(out, want, sizeof(out));
	assert_int_equal(st.status, 0);
	assert_int_equal(st.batch_done, 7);
	assert_int_equal(st.device_time_ns, 7007);
	assert_true(st.host_time_ns > 0);
	assert_int_equal(fake_rec.last_submit.batch, 7);
	assert_int_equal(fake_rec.last_submit.priority, DRM_CIM_PRIO_NORMAL);
	assert_int_equal(fake_rec.last_submit.in_syncobj_count, 0);
	assert_true(fake_rec.last_submit.result_handle != 0);
	assert_int_equal(fake_rec.last_submit.result_offset % 8, 0);
	/* Buffers are cached: a second, smaller call creates no new BO. */
	{
		uint32_t creates = fake_rec.bo_creates;

		assert_int_equal(cim_infer(dev, img, in + 40, out, 2, NULL), 0);
		assert_memory_equal(out, want + 10, 20);
		assert_int_equal(fake_rec.bo_creates, creates);
	}
	assert_int_equal(cim_infer(dev, img, in, out, 0, NULL), -EINVAL);
	assert_int_equal(cim_infer(dev, img, NULL, out, 1, NULL), -EINVAL);
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

/* cim_infer_ex() passes the exit margin to the driver and checks it. */
static void infer_ex_passes_exit_margin(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_submit_opts o = { .size = sizeof(o), .flags = CIM_SUBMIT_EXIT_MARGIN };
	struct cim_run_stats st;
	struct cim_image *img;
	struct cim_bo *in_bo, *out_bo;
	struct cim_job *job;
	struct built b;
	uint64_t s = 5;
	int8_t in[3 * 40], out[3 * 10];

	(void)state;
	build(&b, 256, 256);
	tu_fill_i8(&s, in, sizeof(in));
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	assert_int_equal(cim_infer_ex(dev, img, in, out, 3, &o, &st), 0);
	assert_int_equal(fake_rec.last_submit.flags, DRM_CIM_SUBMIT_EXIT_MARGIN);
	assert_int_equal(fake_rec.last_submit.exit_margin, 0);
	o.exit_margin = 100000;		/* "off" is clamped to 256 */
	assert_int_equal(cim_infer_ex(dev, img, in, out, 3, &o, &st), 0);
	assert_int_equal(fake_rec.last_submit.exit_margin, CIM_EXIT_MARGIN_OFF);
	assert_int_equal(cim_infer_ex(dev, img, in, out, 3, NULL, &st), 0);
	assert_int_equal(fake_rec.last_submit.flags, 0);
	assert_int_equal(fake_rec.last_submit.exit_margin, 0);
	/* A margin without its flag, and the flag through plain cim_submit(). */
	o.flags = 0;
	o.exit_margin = 3;
	assert_int_equal(cim_infer_ex(dev, img, in, out, 3, &o, &st), -EINVAL);
	assert_int_equal(cim_bo_alloc(dev, 4096, &in_bo), 0);
	assert_int_equal(cim_bo_alloc(dev, 4096, &out_bo), 0);
	assert_int_equal(cim_submit(dev, img, in_bo, 0, out_bo, 0, 1,
				    CIM_SUBMIT_EXIT_MARGIN, NULL, 0, &job),
			 -EINVAL);
	cim_bo_free(in_bo);
	cim_bo_free(out_bo);
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

static void infer_splits_big_batches(void **state)
{
	const uint32_t batch = 65535 + 100;
	struct cim_dev *dev = open_fake();
	struct cim_run_stats st;
	struct cim_image *img;
	struct tu_model m;
	uint32_t lens[] = { 3, 2 };
	struct cim_geometry g = { 256, 256, 4 };
	uint64_t s = 9;
	int8_t *in = malloc(batch * 3), *out = malloc(batch * 2),
	       *want = malloc(batch * 2);
	void *image;
	size_t size;

	(void)state;
	tu_model_random(&m, &s, 1, lens);
	assert_int_equal(cim_image_build(&m.desc, &g, &image, &size), 0);
	tu_fill_i8(&s, in, batch * 3);
	assert_int_equal(cim_ref_run_model(&m.desc, in, want, batch), 0);
	assert_int_equal(cim_image_load(dev, image, size, &img), 0);
	assert_int_equal(cim_infer(dev, img, in, out, batch, &st), 0);
	assert_memory_equal(out, want, batch * 2);
	assert_int_equal(fake_rec.submits, 2);
	assert_int_equal(fake_rec.last_submit.batch, 100);
	assert_int_equal(st.batch_done, batch);
	assert_int_equal(st.device_time_ns, 1000ull * batch + 14);
	cim_image_free(img);
	free(image);
	free(in);
	free(out);
	free(want);
	tu_model_free(&m);
	cim_close(dev);
}

struct jobs_env {
	struct cim_dev *dev;
	struct cim_image *img;
	struct cim_bo *in, *out;
	struct built b;
};

static void env_up(struct jobs_env *e)
{
	e->dev = open_fake();
	build(&e->b, 256, 256);
	assert_int_equal(cim_image_load(e->dev, e->b.img, e->b.size, &e->img), 0);
	assert_int_equal(cim_bo_alloc(e->dev, 4096, &e->in), 0);
	assert_int_equal(cim_bo_alloc(e->dev, 4096, &e->out), 0);
}

static void env_down(struct jobs_env *e)
{
	cim_bo_free(e->in);
	cim_bo_free(e->out);
	cim_image_free(e->img);
	unbuild(&e->b);
	cim_close(e->dev);
}

static void submit_arguments(void **state)
{
	struct jobs_env e;
	struct cim_job *job = (void *)1, *first;
	uint32_t fences[2];

	(void)state;
	env_up(&e);
	/* 4096 / 40 = 102 inputs fit; offsets count. */
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 103, 0,
				    NULL, 0, &job), -EINVAL);
	assert_null(job);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 41, e.out, 0, 102, 0,
				    NULL, 0, &job), -EINVAL);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 4090, 1, 0,
				    NULL, 0, &job), -EINVAL);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 0, 0,
				    NULL, 0, &job), -EINVAL);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0x2,
				    NULL, 0, &job), -EINVAL);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0,
				    NULL, 1, &job), -EINVAL);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0,
				    fences, 65, &job), -EINVAL);
	assert_int_equal(fake_rec.submits, 0);

	/* A chain: the second job waits for the first, at high priority. */
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 40, e.out, 10, 101, 0,
				    NULL, 0, &first), 0);
	assert_int_equal(fake_rec.last_submit.in_offset, 40);
	assert_int_equal(fake_rec.last_submit.out_offset, 10);
	assert_int_equal(fake_rec.last_submit.batch, 101);
	assert_int_equal(fake_rec.last_submit.out_syncobj, cim_job_syncobj(first));
	fences[0] = cim_job_syncobj(first);
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1,
				    CIM_SUBMIT_HIGH_PRIO, fences, 1, &job), 0);
	assert_int_equal(fake_rec.last_submit.priority, DRM_CIM_PRIO_HIGH);
	assert_int_equal(fake_rec.last_submit.in_syncobj_count, 1);
	assert_int_equal(fake_rec.last_in_syncobjs[0], fences[0]);
	assert_int_equal(cim_job_wait(job, 0), 0);
	assert_int_equal(cim_job_wait(first, CIM_TIMEOUT_INFINITE), 0);
	cim_job_free(job);
	cim_job_free(first);
	env_down(&e);
}

static void job_failures(void **state)
{
	static const struct { uint32_t status; int fence_err, no_result, ret; } c[] = {
		{ DRM_CIM_JOB_DMA_ERROR, 0, 0, -EIO },
		{ DRM_CIM_JOB_NO_IMAGE, 0, 0, -ENOENT },
		{ DRM_CIM_JOB_TIMEOUT, -ETIME, 0, -ETIMEDOUT },	/* status wins */
		{ 0, -ECANCELED, 1, -ECANCELED },	/* reset: no record */
		{ 0, -EIO, 0, -EIO },			/* record ok, fence not */
		{ 0, 0, 1, -EIO },			/* nothing written */
	};
	struct jobs_env e;
	size_t i;

	(void)state;
	env_up(&e);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct cim_run_stats st;
		struct cim_job *job;

		fake_cfg.job_status = c[i].status;
		fake_cfg.job_fence_error = c[i].fence_err;
		fake_cfg.job_no_result = c[i].no_result;
		assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 2, 0,
					    NULL, 0, &job), 0);
		assert_int_equal(cim_job_stats(job, &st), -EBUSY);
		assert_int_equal(cim_job_wait(job, 1000000), c[i].ret);
		/* Asking again gives the same answer. */
		assert_int_equal(cim_job_wait(job, 0), c[i].ret);
		assert_int_equal(cim_job_stats(job, &st), 0);
		assert_int_equal(st.status, c[i].no_result ? 0xffffffffu : c[i].status);
		assert_true(strlen(cim_last_error(e.dev)) > 0);
		cim_job_free(job);
	}
	env_down(&e);
}

static void job_timeout_then_completion(void **state)
{
	struct cim_run_stats st;
	struct jobs_env e;
	struct cim_job *job;
	int64_t before;
	int fd;

	(void)state;
	env_up(&e);
	fake_cfg.job_hang = 1;
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 3, 0, NULL,
				    0, &job), 0);
	before = now_ns();
	assert_int_equal(cim_job_wait(job, 5000000), -ETIME);
	assert_true(fake_rec.last_wait_deadline >= before + 5000000);
	assert_true(fake_rec.last_wait_deadline <= now_ns() + 5000000);
	assert_int_equal(fake_rec.last_wait_flags, 0);
	assert_int_equal(cim_job_stats(job, &st), -EBUSY);
	fd = cim_job_fence_fd(job);
	assert_true(fd >= 0);
	close(fd);
	fake_complete_hung_jobs();
	assert_int_equal(cim_job_wait(job, CIM_TIMEOUT_INFINITE), 0);
	assert_true(fake_rec.last_wait_deadline == INT64_MAX);
	assert_int_equal(cim_job_stats(job, &st), 0);
	assert_int_equal(st.batch_done, 3);
	assert_int_equal(st.device_time_ns, 3007);
	cim_job_free(job);

	/* Freeing a job still running does not block. */
	assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0, NULL,
				    0, &job), 0);
	cim_job_free(job);
	env_down(&e);
}

static void infer_timeout_drops_buffers(void **state)
{
	struct cim_dev *dev = open_fake();
	struct cim_image *img;
	struct built b;
	int8_t in[40] = { 0 }, out[10];
	uint32_t creates;

	(void)state;
	build(&b, 256, 256);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	assert_int_equal(cim_set_timeout(dev, 1000), 0);
	assert_int_equal(cim_set_timeout(dev, -2), -EINVAL);
	assert_int_equal(cim_infer(dev, img, in, out, 1, NULL), 0);
	fake_cfg.job_hang = 1;
	assert_int_equal(cim_infer(dev, img, in, out, 1, NULL), -ETIME);
	assert_non_null(strstr(cim_last_error(dev), "timeout"));
	/*
	 * The late job may still write into the old buffers and its result
	 * BO: new input, output and result BOs now.
	 */
	fake_cfg.job_hang = 0;
	fake_complete_hung_jobs();
	creates = fake_rec.bo_creates;
	assert_int_equal(cim_infer(dev, img, in, out, 1, NULL), 0);
	assert_int_equal(fake_rec.bo_creates, creates + 3);
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

/*
 * The driver fences a job's result BO as written by the job: jobs in
 * flight must not share one (they would wait for each other), and ended
 * jobs' BOs are recycled.
 */
static void result_bos_per_job_in_flight(void **state)
{
	enum { N = 200 };
	struct cim_job **jobs = calloc(N, sizeof(*jobs));
	uint32_t *res = calloc(N, sizeof(*res));
	struct jobs_env e;
	uint32_t creates;
	int i, j;

	(void)state;
	env_up(&e);
	fake_cfg.job_hang = 1;
	for (i = 0; i < N; i++) {
		assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0,
					    NULL, 0, &jobs[i]), 0);
		res[i] = fake_rec.last_submit.result_handle;
		assert_int_equal(fake_rec.last_submit.result_offset, 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(res[j], res[i]);
	}
	assert_int_equal(fake_rec.result_bos_seen, N);
	fake_complete_hung_jobs();
	fake_cfg.job_hang = 0;
	for (i = 0; i < N; i++) {
		assert_int_equal(cim_job_wait(jobs[i], 0), 0);
		cim_job_free(jobs[i]);
	}
	/* Ended jobs' buffers are reused: no new BO for the next jobs. */
	creates = fake_rec.bo_creates;
	for (i = 0; i < 3; i++) {
		assert_int_equal(cim_submit(e.dev, e.img, e.in, 0, e.out, 0, 1, 0,
					    NULL, 0, &jobs[0]), 0);
		assert_int_equal(cim_job_wait(jobs[0], 0), 0);
		cim_job_free(jobs[0]);
	}
	assert_int_equal(fake_rec.bo_creates, creates);
	assert_int_equal(fake_rec.result_bos_seen, N);
	env_down(&e);
	free(jobs);
	free(res);
}

static void resident_images_and_wear(void **state)
{
	struct cim_resident_image img[4];
	struct cim_catalog_stats st;
	struct cim_tile_activity act[8];
	struct cim_tile_wear w[8];
	struct cim_dev *dev;
	uint32_t pad;
	int i, j;

	(void)state;
	dev = open_fake();
	/* A driver without the queries: a clear refusal. */
	assert_int_equal(cim_resident_images(dev, img, 4, &st), -EINVAL);
	assert_non_null(strstr(cim_last_error(dev), "driver too old"));
	assert_int_equal(cim_tiles_wear(dev, w, 8), -EINVAL);
	assert_int_equal(cim_resident_images(dev, NULL, 1, NULL), -EINVAL);

	fake_cfg.catalog_query = 1;
	/* Same layout as ours, then a newer kernel's larger structures. */
	for (pad = 0; pad <= 24; pad += 24) {
		fake_cfg.catalog_pad = pad;
		fake_cfg.catalog_images = 3;
		memset(img, 0, sizeof(img));
		assert_int_equal(cim_resident_images(dev, img, 2, &st), 3);
		for (i = 0; i < 2; i++) {
			for (j = 0; j < 32; j++)
				assert_int_equal(img[i].sha256[j], 0x10 * i + j);
			assert_int_equal(img[i].size, 1000 + i);
			assert_int_equal(img[i].last_use_ns, 5000 + i);
			assert_int_equal(img[i].slot, i);
			assert_int_equal(img[i].tiles, i + 1);
			assert_int_equal(img[i].users, i % 2);
			assert_int_equal(img[i].state, CIM_RESIDENT_READY);
		}
		/* Only max entries are written. */
		assert_int_equal(img[2].size, 0);
		assert_int_equal(st.images, 3);
		assert_int_equal(st.programs, 11);
		assert_int_equal(st.hits, 22);
		assert_int_equal(st.evictions, 33);
		assert_int_equal(st.adopted, 44);

		memset(w, 0xff, sizeof(w));
		assert_int_equal(cim_tiles_wear(dev, w, 8), 8);
		for (i = 0; i < 8; i++) {
			assert_int_equal(w[i].pe_cycles, 3 * i);
			assert_int_equal(w[i].slot, i % 2 ? -1 : i);
		}
		memset(act, 0xff, sizeof(act));
		assert_int_equal(cim_tiles_activity(dev, act, 8), 8);
		for (i = 0; i < 8; i++) {
			assert_int_equal(act[i].pe_cycles, 3 * i);
			assert_int_equal(act[i].slot, i % 2 ? -1 : i);
			assert_int_equal(act[i].flags,
					 CIM_TILE_ACTIVITY | CIM_TILE_SIMD);
			assert_int_equal(act[i].mvms, 100 + i);
			assert_int_equal(act[i].macs, 1000 * i);
			assert_int_equal(act[i].busy_ns, 1000 * (i + 1));
			assert_int_equal(act[i].simd_ns, 1000 * (i + 2));
			assert_int_equal(act[i].simd_ops, i + 3);
			assert_int_equal(act[i].program_pulses, i + 4);
		}
		/* a kernel whose entries end at slot: wear, no counters */
		fake_cfg.tiles_short = 1;
		memset(act, 0xff, sizeof(act));
		assert_int_equal(cim_tiles_activity(dev, act, 8), 8);
		assert_int_equal(cim_tiles_wear(dev, w, 8), 8);
		for (i = 0; i < 8; i++) {
			assert_int_equal(act[i].pe_cycles, 3 * i);
			assert_int_equal(w[i].pe_cycles, 3 * i);
			assert_int_equal(act[i].slot, i % 2 ? -1 : i);
			assert_int_equal(act[i].flags, 0);
			assert_int_equal(act[i].mvms, 0);
			assert_int_equal(act[i].macs, 0);
			assert_int_equal(act[i].busy_ns, 0);
		}
		fake_cfg.tiles_short = 0;
	}
	fake_cfg.catalog_images = 0;
	assert_int_equal(cim_resident_images(dev, NULL, 0, &st), 0);
	assert_int_equal(st.images, 0);
	cim_close(dev);
}

/* The options carry their size; the library checks it. */
static void submit_opts_size_checked(void **state)
{
	struct cim_dev *dev = open_fake();
	struct {
		struct cim_submit_opts o;
		uint8_t newer[8];	/* fields of a later header */
	} big;
	struct cim_submit_opts o = CIM_SUBMIT_OPTS_INIT;
	struct cim_image *img;
	struct built b;
	int8_t in[40] = { 0 }, out[10];

	(void)state;
	build(&b, 256, 256);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	assert_int_equal(o.size, sizeof(o));
	assert_int_equal(cim_infer_ex(dev, img, in, out, 1, &o, NULL), 0);
	o.size = 0;			/* the first layout, zero-initialized */
	assert_int_equal(cim_infer_ex(dev, img, in, out, 1, &o, NULL), 0);
	o.size = 4;
	assert_int_equal(cim_infer_ex(dev, img, in, out, 1, &o, NULL), -EINVAL);
	assert_non_null(strstr(cim_last_error(dev), "options size 4"));
	memset(&big, 0, sizeof(big));
	big.o.size = sizeof(big);
	assert_int_equal(cim_infer_ex(dev, img, in, out, 1, &big.o, NULL), 0);
	big.newer[3] = 1;		/* an option this libcim does not know */
	assert_int_equal(cim_infer_ex(dev, img, in, out, 1, &big.o, NULL), -E2BIG);
	assert_non_null(strstr(cim_last_error(dev), "does not know"));
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

/* Threads failing on one device at once each read their own message. */
struct err_thread {
	struct cim_dev *dev;
	struct cim_image *img;
	int load;		/* fail cim_image_load(), else cim_submit() */
	int wrong;		/* messages that were not this thread's */
};

static void *fail_in_loop(void *arg)
{
	struct err_thread *t = arg;
	struct cim_job *job;
	char junk[16] = { 0 };
	int i;

	for (i = 0; i < 2000; i++) {
		struct cim_image *img;

		if (t->load) {
			if (cim_image_load(t->dev, junk, sizeof(junk), &img) != -EINVAL ||
			    !strstr(cim_last_error(t->dev), "bad size 16"))
				t->wrong++;
		} else {
			if (cim_submit(t->dev, t->img, NULL, 0, NULL, 0, 1, 0,
				       NULL, 0, &job) != -EINVAL ||
			    !strstr(cim_last_error(t->dev), "submit: missing"))
				t->wrong++;
		}
		if (strcmp(cim_last_error(NULL), ""))
			t->wrong++;	/* a device's failure is not NULL's */
	}
	return NULL;
}

static void last_error_is_per_thread(void **state)
{
	struct cim_dev *dev = open_fake();
	struct err_thread t[2];
	pthread_t th[2];
	struct built b;
	struct cim_image *img;
	int i;

	(void)state;
	build(&b, 256, 256);
	assert_int_equal(cim_image_load(dev, b.img, b.size, &img), 0);
	for (i = 0; i < 2; i++) {
		t[i] = (struct err_thread){ dev, img, i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, fail_in_loop, &t[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(t[i].wrong, 0);
	}
	/* This thread failed nowhere: it has no message. */
	assert_string_equal(cim_last_error(dev), "");
	cim_image_free(img);
	unbuild(&b);
	cim_close(dev);
}

static void list_does_not_fail(void **state)
{
	struct cim_card_info cards[4];
	int n;

	(void)state;
	n = cim_list(NULL, 0);
	assert_true(n >= 0 || n == -EIO);
	if (n >= 0)
		assert_int_equal(cim_list(cards, 4), n);
	assert_int_equal(cim_list(NULL, 3), -EINVAL);
	assert_int_equal(cim_list(cards, -1), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(open_negotiates_query),
		T(query_older_and_newer_kernels),
		T(handshake_refusals),
		T(open_refusals),
		T(buffers),
		T(image_load_and_release),
		T(image_load_refusals),
		T(image_programming_fails),
		T(infer_matches_reference),
		T(infer_ex_passes_exit_margin),
		T(infer_splits_big_batches),
		T(submit_arguments),
		T(job_failures),
		T(job_timeout_then_completion),
		T(infer_timeout_drops_buffers),
		T(result_bos_per_job_in_flight),
		T(resident_images_and_wear),
		T(list_does_not_fail),
		T(submit_opts_size_checked),
		T(last_error_is_per_thread),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
