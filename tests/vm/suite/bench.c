// SPDX-License-Identifier: MIT
/*
 * cim-vmtest bench: the latency and throughput of the job path, printed
 * as "bench: <name> <value> <unit>" lines.
 *  null_job_rtt_us     submit a NOP job (DRM_CIM_SUBMIT_NOP), wait for its
 *                      syncobj; mean over many
 *  pipe_rtt_us         a ping-pong between two threads over pipes: what a
 *                      round trip through the scheduler costs in this VM
 *  null_job_rtt_ratio  the two above divided (target <= 2.5); median
 *                      of the ratios of alternating rounds
 *  jobs_per_s_depth1   NOP jobs per second, one in flight
 *  jobs_per_s_depth32  NOP jobs per second, 32 in flight
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include <drm/cim_accel.h>
#include "admin.h"

#define WARMUP	50
#define ITERS	400

static int pipe_ab[2], pipe_ba[2];

static void *pong(void *arg)
{
	char c;
	int i;

	for (i = 0; i < WARMUP + ITERS; i++) {
		if (read(pipe_ab[0], &c, 1) != 1 || write(pipe_ba[1], &c, 1) != 1)
			break;
	}
	return arg;
}

static double pipe_rtt_us(void)
{
	pthread_t t;
	int64_t t0 = 0;
	char c = 'x';
	int i;

	if (pipe(pipe_ab) || pipe(pipe_ba) ||
	    pthread_create(&t, NULL, pong, NULL))
		return -1;
	for (i = 0; i < WARMUP + ITERS; i++) {
		if (i == WARMUP)
			t0 = vm_now_ns();
		if (write(pipe_ab[1], &c, 1) != 1 || read(pipe_ba[0], &c, 1) != 1)
			return -1;
	}
	pthread_join(t, NULL);
	return (vm_now_ns() - t0) / 1e3 / ITERS;
}

static int nop(int fd, uint32_t sync)
{
	struct drm_cim_submit sub = { .flags = DRM_CIM_SUBMIT_NOP,
				      .out_syncobj = sync };

	return vm_ioctl(fd, DRM_IOCTL_CIM_SUBMIT, &sub);
}

/* Mean time per job with depth jobs kept in flight; microseconds. */
static double nop_us(int fd, uint32_t *sync, int depth, int iters)
{
	int64_t t0 = 0;
	int i;

	for (i = 0; i < WARMUP + iters; i++) {
		uint32_t s = sync[i % depth];

		if (i == WARMUP)
			t0 = vm_now_ns();
		if (i >= depth &&
		    drmSyncobjWait(fd, &s, 1, vm_now_ns() + 10000000000ll, 0,
				   NULL))
			return -1;
		if (nop(fd, s))
			return -1;
		if (depth == 1 &&
		    drmSyncobjWait(fd, &s, 1, vm_now_ns() + 10000000000ll, 0,
				   NULL))
			return -1;
	}
	for (i = 0; i < depth; i++)
		if (drmSyncobjWait(fd, &sync[i], 1, vm_now_ns() + 10000000000ll,
				   0, NULL))
			return -1;
	return (vm_now_ns() - t0) / 1e3 / iters;
}

/* Where a null job's round trip goes: ioctl, card + fence, wake-up. */
static void nop_breakdown(int fd, uint32_t sync)
{
	double ioctl_us = 0, sig_us = 0, wake_us = 0;
	int i, n = 500;

	for (i = 0; i < n; i++) {
		int64_t t0 = vm_now_ns(), t1, t2, ts;

		if (nop(fd, sync))
			return;
		t1 = vm_now_ns();
		if (drmSyncobjWait(fd, &sync, 1, t1 + 10000000000ll, 0, NULL))
			return;
		t2 = vm_now_ns();
		ts = vm_fence_time(fd, sync);
		ioctl_us += (t1 - t0) / 1e3;
		sig_us += (ts - t1) / 1e3;
		wake_us += (t2 - ts) / 1e3;
	}
	printf("bench-detail: submit ioctl %.1f us, to fence signal %.1f us, to waiter awake %.1f us\n",
	       ioctl_us / n, sig_us / n, wake_us / n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The VM shares a loaded host: pipe and null-job round trips are
 * measured in alternating rounds and the medians reported, so that a
 * slow phase of the host hits both alike.
 */
int vm_bench(void)
{
	enum { ROUNDS = 9 };
	double pipe_r[ROUNDS], rtt_r[ROUNDS], ratio_r[ROUNDS];
	uint32_t sync[32];
	double d32_us;
	int fd = vm_open_card(), i;

	if (fd < 0)
		return 1;
	for (i = 0; i < 32; i++)
		if (drmSyncobjCreate(fd, 0, &sync[i]))
			return 1;
	/* keep the card awake between jobs: measure the job path only */
	vm_write_file(vm_dev_path("power/autosuspend_delay_ms"), "10000");
	for (i = 0; i < ROUNDS; i++) {
		pipe_r[i] = pipe_rtt_us();
		rtt_r[i] = nop_us(fd, sync, 1, ITERS);
		if (pipe_r[i] <= 0 || rtt_r[i] <= 0) {
			printf("bench: failed\n");
			return 1;
		}
		ratio_r[i] = rtt_r[i] / pipe_r[i];
	}
	d32_us = nop_us(fd, sync, 32, 8 * ITERS);
	nop_breakdown(fd, sync[0]);
	if (d32_us <= 0) {
		printf("bench: failed\n");
		return 1;
	}
	qsort(pipe_r, ROUNDS, sizeof(double), cmp_double);
	qsort(rtt_r, ROUNDS, sizeof(double), cmp_double);
	qsort(ratio_r, ROUNDS, sizeof(double), cmp_double);
	printf("bench: null_job_rtt_us %.1f us\n", rtt_r[ROUNDS / 2]);
	printf("bench: pipe_rtt_us %.1f us\n", pipe_r[ROUNDS / 2]);
	printf("bench: null_job_rtt_ratio %.2f ratio\n", ratio_r[ROUNDS / 2]);
	printf("bench: jobs_per_s_depth1 %.0f jobs/s\n", 1e6 / rtt_r[ROUNDS / 2]);
	printf("bench: jobs_per_s_depth32 %.0f jobs/s\n", 1e6 / d32_us);
	close(fd);
	return 0;
}
