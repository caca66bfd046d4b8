// SPDX-License-Identifier: MIT
/*
 * cim-vmtest bench: the latency and throughput of the job path, printed
 * as "bench: <name> <value> <unit>" lines.
 *  null_job_rtt_us     submit a NOP job (DRM_CIM_SUBMIT_NOP), wait for its
 *                      syncobj; mean over many
 *  pipe_rtt_us         a ping-pong between two threads over pipes: what a
 *                      round trip through the scheduler costs in this VM
 *  null_job_rtt_ratio  the two above divided (target <= 2.5)
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

#define WARMUP	200
#define ITERS	3000

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

int vm_bench(void)
{
	uint32_t sync[32];
	double pipe_us, rtt_us, d1_us, d32_us;
	int fd = vm_open_card(), i;

	if (fd < 0)
		return 1;
	for (i = 0; i < 32; i++)
		if (drmSyncobjCreate(fd, 0, &sync[i]))
			return 1;
	/* keep the card awake between jobs: measure the job path only */
	vm_write_file(vm_dev_path("power/autosuspend_delay_ms"), "10000");
	pipe_us = pipe_rtt_us();
	rtt_us = nop_us(fd, sync, 1, ITERS);
	d1_us = rtt_us;
	d32_us = nop_us(fd, sync, 32, 4 * ITERS);
	if (pipe_us <= 0 || rtt_us <= 0 || d32_us <= 0) {
		printf("bench: failed\n");
		return 1;
	}
	printf("bench: null_job_rtt_us %.1f us\n", rtt_us);
	printf("bench: pipe_rtt_us %.1f us\n", pipe_us);
	printf("bench: null_job_rtt_ratio %.2f ratio\n", rtt_us / pipe_us);
	printf("bench: jobs_per_s_depth1 %.0f jobs/s\n", 1e6 / d1_us);
	printf("bench: jobs_per_s_depth32 %.0f jobs/s\n", 1e6 / d32_us);
	close(fd);
	return 0;
}
