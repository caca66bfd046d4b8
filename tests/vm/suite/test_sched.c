// SPDX-License-Identifier: MIT
/*
 * Scheduling between contexts and priorities under load.  A context that
 * floods the card must not hold back a context that submits later
 * (sched_policy "fair"), while "fifo" (drm_sched's own order) serves the
 * flood first; a high-priority job overtakes queued normal ones.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

#define SEC	1000000000ll
/* kernel/cim_drv.h CIM_FAIR_INFLIGHT: jobs a queue may have on the card */
#define CIM_FAIR_INFLIGHT_TEST	8

static int count_done(struct vm_ctx *c, int n)
{
	int i, done = 0;

	for (i = 0; i < n; i++)
		done += vm_fence_done(c->fd, c->s[i].sync);
	return done;
}

/*
 * A queues NA jobs, then B queues NB; returns how many of A's jobs had
 * finished when B's last one did, or -1.
 */
static int flood_then_newcomer(const char *policy)
{
	enum { NA = 160, NB = 8, BATCH = 48 };
	static struct vm_ctx a, b;
	int i, done;

	if (vm_write_file(vm_dev_path("sched_policy"), policy))
		return -1;
	if (vm_ctx_open(&a, NA, BATCH, 21) || vm_ctx_open(&b, NB, BATCH, 22))
		return -1;
	for (i = 0; i < NA; i++)
		if (vm_ctx_submit(&a, i, BATCH, 0))
			return -1;
	for (i = 0; i < NB; i++)
		if (vm_ctx_submit(&b, i, BATCH, 0))
			return -1;
	for (i = 0; i < NB; i++)
		if (vm_ctx_wait(&b, i, 60 * SEC))
			return -1;
	done = count_done(&a, NA);
	for (i = 0; i < NA; i++)
		if (vm_ctx_wait(&a, i, 60 * SEC))
			return -1;
	vm_ctx_close(&a);
	vm_ctx_close(&b);
	printf("  %s: %d of %d flood jobs done when the newcomer's %d were\n",
	       policy, done, NA, NB);
	return done;
}

static void fair_policy_serves_newcomer(void)
{
	int done = flood_then_newcomer("fair");

	CHECK(done >= 0);
	/* B waits behind at most a few rounds of A's capped queue */
	CHECK(done <= 160 / 2);
	CHECK_EQ(vm_write_file(vm_dev_path("sched_policy"), "fair"), 0);
}

static void fifo_policy_serves_flood_first(void)
{
	int done;

	/* drm_sched's global policy, 1 = FIFO (the 6.12 default) */
	CHECK_EQ(vm_read_num("/sys/module/gpu_sched/parameters/sched_policy"),
		 1);
	done = flood_then_newcomer("fifo");
	CHECK_EQ(vm_write_file(vm_dev_path("sched_policy"), "fair"), 0);
	CHECK(done >= 160 - 2);
}

/*
 * Three contexts flood at normal priority; a high job overtakes them.
 * Fence timestamps say which normal jobs finished while it was queued.
 */
static void high_priority_overtakes(void)
{
	enum { NC = 3, N = 60, BATCH = 48 };
	static struct vm_ctx c[NC], h;
	int64_t t_submit, t_done, t;
	int i, k, ahead = 0, behind = 0;

	for (k = 0; k < NC; k++)
		CHECK_EQ(vm_ctx_open(&c[k], N, BATCH, 30 + k), 0);
	CHECK_EQ(vm_ctx_open(&h, 1, BATCH, 40), 0);
	for (i = 0; i < N; i++)
		for (k = 0; k < NC; k++)
			CHECK_EQ(vm_ctx_submit(&c[k], i, BATCH, 0), 0);
	t_submit = vm_now_ns();
	CHECK_EQ(vm_ctx_submit(&h, 0, BATCH, 1), 0);
	CHECK_EQ(vm_ctx_wait(&h, 0, 60 * SEC), 0);
	t_done = vm_fence_time(h.fd, h.s[0].sync);
	CHECK(t_done > t_submit);
	for (k = 0; k < NC; k++) {
		for (i = 0; i < N; i++) {
			CHECK_EQ(vm_ctx_wait(&c[k], i, 60 * SEC), 0);
			t = vm_fence_time(c[k].fd, c[k].s[i].sync);
			CHECK(t > 0);
			if (t > t_submit && t < t_done)
				ahead++;
			else if (t > t_done)
				behind++;
		}
		vm_ctx_close(&c[k]);
	}
	vm_ctx_close(&h);
	printf("  while the high job was queued %d normal jobs finished; %d finished after it (of %d)\n",
	       ahead, behind, NC * N);
	/* only what was already on the card (8 per queue) ran ahead of it */
	CHECK(ahead <= NC * CIM_FAIR_INFLIGHT_TEST + 1);
	CHECK(behind >= NC * N / 2);
}

const struct vm_test vm_sched_tests[] = {
	{ "fair_policy_serves_newcomer", fair_policy_serves_newcomer },
	{ "fifo_policy_serves_flood_first", fifo_policy_serves_flood_first },
	{ "high_priority_overtakes", high_priority_overtakes },
	{ NULL, NULL },
};
