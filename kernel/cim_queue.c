// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Queues: each open file has one per priority (a drm_sched entity).
 *
 * Fairness.  drm_sched in 6.12 picks the next job among entities by
 * priority first (strictly: KERNEL, HIGH, NORMAL, LOW), then by the global
 * gpu-sched policy: FIFO (the default, oldest job first) or round-robin.
 * Neither bounds what one queue puts on the card: under FIFO a process
 * that queued 1000 jobs gets them all onto the ring ahead of a job that
 * another process submits a moment later, and the card then runs its
 * ring in order.  So under the "fair" policy (sysfs sched_policy) a queue
 * may have at most CIM_FAIR_INFLIGHT jobs on the card: its next job waits
 * (prepare_job) for the one it ran CIM_FAIR_INFLIGHT jobs ago, and
 * meanwhile drm_sched serves the other queues.  A newcomer then waits
 * behind at most CIM_FAIR_INFLIGHT jobs of each busy queue, and busy
 * queues share the card in turn.  Priorities stay strict: a ready HIGH
 * job always goes to the ring before a NORMAL one.
 *
 * The recent[] ring is only touched from the scheduler's run-job work
 * (prepare_job, run_job) and from recovery, which stops that work first.
 */
#include <linux/sched.h>

#include "cim_drv.h"

struct cim_file *cim_file_alloc(struct cim_device *cdev)
{
	struct cim_file *cfile = kzalloc(sizeof(*cfile), GFP_KERNEL);
	int p;

	if (!cfile)
		return NULL;
	cfile->cdev = cdev;
	kref_init(&cfile->ref);
	INIT_LIST_HEAD(&cfile->node);
	spin_lock_init(&cfile->jobs_lock);
	INIT_LIST_HEAD(&cfile->jobs);
	xa_init_flags(&cfile->images, XA_FLAGS_ALLOC1);
	for (p = 0; p < ARRAY_SIZE(cfile->queue); p++)
		mutex_init(&cfile->queue[p].push_lock);
	cfile->pid = task_tgid_nr(current);
	return cfile;
}

static void cim_file_release(struct kref *ref)
{
	struct cim_file *cfile = container_of(ref, struct cim_file, ref);
	int p, i;

	for (p = 0; p < ARRAY_SIZE(cfile->queue); p++) {
		for (i = 0; i < CIM_FAIR_INFLIGHT; i++)
			dma_fence_put(cfile->queue[p].recent[i]);
		mutex_destroy(&cfile->queue[p].push_lock);
	}
	kfree(cfile);
}

void cim_file_put(struct cim_file *cfile)
{
	kref_put(&cfile->ref, cim_file_release);
}

struct dma_fence *cim_queue_prepare_job(struct drm_sched_job *sched_job,
					struct drm_sched_entity *entity)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct cim_queue *q = job->queue;
	struct dma_fence *f;

	if (!q || READ_ONCE(job->cdev->sched_policy) != CIM_SCHED_FAIR)
		return NULL;
	f = q->recent[q->next];
	if (f && !dma_fence_is_signaled(f))
		return dma_fence_get(f);
	return NULL;
}

/* The job went onto the ring with hardware fence hw. */
void cim_queue_ran(struct cim_job *job, struct dma_fence *hw)
{
	struct cim_queue *q = job->queue;

	if (!q)
		return;
	dma_fence_put(q->recent[q->next]);
	q->recent[q->next] = dma_fence_get(hw);
	q->next = (q->next + 1) % CIM_FAIR_INFLIGHT;
}

/* The job ended, on the card or before reaching it. */
void cim_queue_done(struct cim_job *job, int err)
{
	struct cim_queue *q = job->queue;

	if (!q)
		return;
	if (err)
		atomic64_inc(&q->failed);
	else
		atomic64_inc(&q->completed);
	atomic64_add(job->device_time_ns, &q->busy_ns);
}
