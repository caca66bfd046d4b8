// SPDX-License-Identifier: MIT
/* The same path through libcim: discovery, inference, fences, processes. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/cim_accel.h>
#include "admin.h"
#include "vmtest.h"

static const uint32_t dims[] = { 64, 96, 64 };

/* debugfs resets: jobs_canceled, the jobs the card aborted; -1 if unread. */
static long long dbg_canceled(void)
{
	static char buf[2048];
	char *p;

	if (vm_read_file(vm_dbg_path("resets"), buf, sizeof(buf) - 1) <= 0)
		return -1;
	p = strstr(buf, "jobs_canceled ");
	return p ? atoll(p + 14) : -1;
}

static void lib_lists_and_opens(void)
{
	struct cim_card_info cards[4];
	struct cim_dev *dev;
	struct cim_info info;

	CHECK_EQ(cim_list(cards, 4), 1);
	CHECK_EQ(strcmp(cards[0].devnode, "/dev/accel/accel0"), 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(cim_query(dev, &info), 0);
	CHECK_EQ(info.uapi_version, DRM_CIM_UAPI_VERSION);
	CHECK_EQ(info.tiles, 8);
	cim_close(dev);
	CHECK_EQ(cim_open("/dev/null", &dev), -ENODEV);
}

static int infer_and_check(struct cim_dev *dev, uint32_t seed, int rounds)
{
	struct vm_model m;
	struct cim_image *img;
	struct cim_run_stats st;
	int8_t in[64 * 33], out[64 * 33], ref[64 * 33];
	int r, ret;

	if (vm_model_build(dims, 2, seed, 256, 256, &m))
		return -1;
	ret = cim_image_load(dev, m.image, m.size, &img);
	if (ret)
		return ret;
	for (r = 0; r < rounds && !ret; r++) {
		uint32_t batch = 1 + (r * 7) % 33;

		vm_fill_random(in, sizeof(in), seed + r);
		ret = cim_infer(dev, img, in, out, batch, &st);
		if (ret)
			break;
		cim_ref_run_image(m.image, m.size, in, ref, batch);
		if (memcmp(out, ref, batch * 64) || st.status ||
		    st.batch_done != batch || !st.device_time_ns)
			ret = -EBADMSG;
	}
	cim_image_free(img);
	vm_model_free(&m);
	return ret;
}

static void lib_infer_matches_reference(void)
{
	struct cim_dev *dev;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(infer_and_check(dev, 31, 20), 0);
	cim_close(dev);
}

static void lib_device_time_grows_with_batch(void)
{
	struct cim_dev *dev;
	struct vm_model m;
	struct cim_image *img;
	struct cim_run_stats s1, s16;
	int8_t in[64 * 16], out[64 * 16];

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(dims, 2, 3, 256, 256, &m), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	vm_fill_random(in, sizeof(in), 3);
	CHECK_EQ(cim_infer(dev, img, in, out, 1, &s1), 0);
	CHECK_EQ(cim_infer(dev, img, in, out, 16, &s16), 0);
	CHECK(s16.device_time_ns > s1.device_time_ns);
	cim_image_free(img);
	vm_model_free(&m);
	cim_close(dev);
}

static void lib_fence_fd_polls(void)
{
	struct cim_dev *dev;
	struct vm_model m;
	struct cim_image *img;
	struct cim_bo *in, *out;
	struct cim_job *job;
	struct pollfd pfd;
	void *pin;
	int fd;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(dims, 2, 8, 256, 256, &m), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	CHECK_EQ(cim_bo_alloc(dev, 64 * 4, &in), 0);
	CHECK_EQ(cim_bo_alloc(dev, 64 * 4, &out), 0);
	CHECK_EQ(cim_bo_map(in, &pin), 0);
	vm_fill_random(pin, 64 * 4, 8);
	CHECK_EQ(cim_submit(dev, img, in, 0, out, 0, 4, 0, NULL, 0, &job), 0);
	fd = cim_job_fence_fd(job);
	CHECK(fd >= 0);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 20000), 1);
	CHECK(pfd.revents & POLLIN);
	CHECK_EQ(cim_job_wait(job, 0), 0);
	close(fd);
	cim_job_free(job);
	cim_bo_free(in);
	cim_bo_free(out);
	cim_image_free(img);
	vm_model_free(&m);
	cim_close(dev);
}

static void lib_two_processes_at_once(void)
{
	pid_t pids[2];
	int i, st;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			struct cim_dev *dev;
			int ret = cim_open(NULL, &dev);

			if (!ret)
				ret = infer_and_check(dev, 100 + i, 40);
			_exit(ret ? 1 : 0);
		}
	}
	for (i = 0; i < 2; i++) {
		CHECK_EQ(waitpid(pids[i], &st, 0), pids[i]);
		CHECK(WIFEXITED(st));
		CHECK_EQ(WEXITSTATUS(st), 0);
	}
}

/* An image handle names nothing in another process's file. */
static void lib_handles_are_per_file(void)
{
	struct drm_cim_submit s = { 0 };
	struct cim_dev *dev;
	struct vm_model m;
	struct cim_image *img;
	struct cim_image_props props;
	uint32_t in;
	int fd;

	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(dims, 2, 4, 256, 256, &m), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	cim_image_get_props(img, &props);
	fd = vm_open_card();
	CHECK(fd >= 0);
	CHECK_EQ(vm_bo_create(fd, 4096, &in), 0);
	s = (struct drm_cim_submit){ .image_handle = props.handle,
				     .in_handle = in, .out_handle = in,
				     .batch = 1 };
	CHECK_EQ(vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &s), -ENOENT);
	close(fd);
	cim_image_free(img);
	vm_model_free(&m);
	cim_close(dev);
}

/*
 * For the unload test: keep BOs and jobs on the card until the device
 * goes away under us, then report how it went.
 */
int vm_hold(int seconds)
{
	struct cim_dev *dev;
	struct vm_model m;
	struct cim_image *img;
	int8_t in[64 * 32], out[64 * 32];
	time_t end = time(NULL) + seconds;
	int ret, n = 0;

	if (cim_open(NULL, &dev) || vm_model_build(dims, 2, 77, 256, 256, &m))
		return 2;
	if (cim_image_load(dev, m.image, m.size, &img))
		return 3;
	vm_fill_random(in, sizeof(in), 77);
	printf("hold: running\n");
	fflush(stdout);
	do {
		ret = cim_infer(dev, img, in, out, 32, NULL);
		n++;
	} while (!ret && time(NULL) < end);
	printf("hold: %d jobs, last %d (%s)\n", n, ret, strerror(-ret));
	cim_image_free(img);
	cim_close(dev);
	vm_model_free(&m);
	/* The device vanishing is the expected way out. */
	return ret == 0 || ret == -ENODEV ? 0 : 1;
}


/*
 * cim_infer() gives up on a job (its wait timed out): libcim cancels
 * that job (DRM_IOCTL_CIM_CANCEL), the card aborts it, the call says so,
 * and the next inference on the same device works.
 */
static void lib_give_up_cancels_job(void)
{
	enum { BATCH = 16384 };
	long long c0 = dbg_canceled();
	struct cim_dev *dev;
	struct vm_model m;
	struct cim_image *img;
	struct cim_run_stats st;
	int8_t *in = malloc((size_t)BATCH * 64), *out = malloc((size_t)BATCH * 64);

	CHECK(in && out && c0 >= 0);
	CHECK_EQ(cim_open(NULL, &dev), 0);
	CHECK_EQ(vm_model_build(dims, 2, 71, 256, 256, &m), 0);
	CHECK_EQ(cim_image_load(dev, m.image, m.size, &img), 0);
	vm_fill_random(in, (size_t)BATCH * 64, 71);
	CHECK_EQ(cim_set_timeout(dev, 20000000), 0);	/* 20 ms */
	CHECK_EQ(cim_infer(dev, img, in, out, BATCH, &st), -ETIME);
	printf("  %s\n", cim_last_error(dev));
	CHECK(strstr(cim_last_error(dev), "(canceled)") != NULL);
	CHECK_EQ(dbg_canceled(), c0 + 1);
	CHECK_EQ(cim_set_timeout(dev, CIM_TIMEOUT_INFINITE), 0);
	cim_image_free(img);
	vm_model_free(&m);
	CHECK_EQ(infer_and_check(dev, 72, 3), 0);
	cim_close(dev);
	free(in);
	free(out);
}

const struct vm_test vm_lib_tests[] = {
	{ "lib_lists_and_opens", lib_lists_and_opens },
	{ "lib_infer_matches_reference", lib_infer_matches_reference },
	{ "lib_device_time_grows_with_batch", lib_device_time_grows_with_batch },
	{ "lib_fence_fd_polls", lib_fence_fd_polls },
	{ "lib_two_processes_at_once", lib_two_processes_at_once },
	{ "lib_handles_are_per_file", lib_handles_are_per_file },
	{ "lib_give_up_cancels_job", lib_give_up_cancels_job },
	{ NULL, NULL },
};
