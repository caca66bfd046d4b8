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
/*
 * Waits are generous: under KASAN and lockdep on a loaded host the
 * holding job alone can take over a minute.  Order is judged by fence
 * timestamps, never by how long a wait took.
 */
#define WAIT_NS	(300 * SEC)
/* kernel/cim_dev.h CIM_FAIR_INFLIGHT: jobs a queue may have on the card */
#define CIM_FAIR_INFLIGHT_TEST	8

/*
 * A long job from a third context holds the card while A queues NA jobs
 * and then B queues NB, so a backlog surely exists.  Returns how many of
 * A's jobs finished between B's submission and B's last completion
 * (fence timestamps), or -1.
 */
static int flood_then_newcomer(const char *policy)
{
	enum { NA = 160, NB = 8, BATCH = 8, HOLD = 8192 };
	static struct vm_ctx a, b, g;
	int64_t t_b, t_b_done = 0, t;
	int i, between = 0;

	if (vm_write_file(vm_dev_path("sched_policy"), policy))
		return -1;
	if (vm_ctx_open(&g, 1, HOLD, 20) || vm_ctx_open(&a, NA, BATCH, 21) ||
	    vm_ctx_open(&b, NB, BATCH, 22))
		return -1;
	if (vm_ctx_submit(&g, 0, HOLD, 0))
		return -1;
	for (i = 0; i < NA; i++)
		if (vm_ctx_submit(&a, i, BATCH, 0))
			return -1;
	t_b = vm_now_ns();
	for (i = 0; i < NB; i++)
		if (vm_ctx_submit(&b, i, BATCH, 0))
			return -1;
	for (i = 0; i < NB; i++) {
		if (vm_ctx_wait(&b, i, WAIT_NS)) {
			printf("  newcomer job %d did not finish\n", i);
			return -1;
		}
		t = vm_fence_time(b.fd, b.s[i].sync);
		if (t > t_b_done)
			t_b_done = t;
	}
	for (i = 0; i < NA; i++) {
		if (vm_ctx_wait(&a, i, WAIT_NS)) {
			printf("  flood job %d did not finish\n", i);
			return -1;
		}
		t = vm_fence_time(a.fd, a.s[i].sync);
		if (t > t_b && t < t_b_done)
			between++;
	}
	/* the card was still held when B came: nothing of A had run */
	if (vm_wait_fence(g.fd, g.s[0].sync, WAIT_NS) ||
	    vm_fence_time(g.fd, g.s[0].sync) < t_b) {
		printf("  the holding job ended before the newcomer came\n");
		return -1;
	}
	vm_ctx_close(&a);
	vm_ctx_close(&b);
	vm_ctx_close(&g);
	printf("  %s: %d of %d flood jobs finished while the newcomer's %d waited\n",
	       policy, between, NA, NB);
	return between;
}

static void fair_policy_serves_newcomer(void)
{
	int n = flood_then_newcomer("fair");

	CHECK(n >= 0);
	/* only A's jobs already on the card (8) and one more round */
	CHECK(n <= 2 * CIM_FAIR_INFLIGHT_TEST);
	CHECK_EQ(vm_write_file(vm_dev_path("sched_policy"), "fair"), 0);
}

static void fifo_policy_serves_flood_first(void)
{
	int n;

	/* drm_sched's global policy, 1 = FIFO (the 6.12 default) */
	CHECK_EQ(vm_read_num("/sys/module/gpu_sched/parameters/sched_policy"),
		 1);
	n = flood_then_newcomer("fifo");
	CHECK_EQ(vm_write_file(vm_dev_path("sched_policy"), "fair"), 0);
	CHECK(n >= 160 - 2);
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
	CHECK_EQ(vm_ctx_wait(&h, 0, WAIT_NS), 0);
	t_done = vm_fence_time(h.fd, h.s[0].sync);
	CHECK(t_done > t_submit);
	for (k = 0; k < NC; k++) {
		for (i = 0; i < N; i++) {
			CHECK_EQ(vm_ctx_wait(&c[k], i, WAIT_NS), 0);
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
	/*
	 * Only what was on the card (8 per queue) ran ahead of it, plus the
	 * few that refilled the ring while its submit ioctl ran.
	 */
	CHECK(ahead <= NC * CIM_FAIR_INFLIGHT_TEST + 4);
	CHECK(behind >= NC * N / 2);
}

const struct vm_test vm_sched_tests[] = {
	{ "fair_policy_serves_newcomer", fair_policy_serves_newcomer },
	{ "fifo_policy_serves_flood_first", fifo_policy_serves_flood_first },
	{ "high_priority_overtakes", high_priority_overtakes },
	{ NULL, NULL },
};
