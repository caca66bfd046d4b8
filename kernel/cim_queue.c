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
#include <linux/sched/signal.h>
#include <linux/workqueue.h>

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
		dma_fence_put(cfile->queue[p].last_pushed);
		mutex_destroy(&cfile->queue[p].push_lock);
	}
	kfree(cfile);
}

void cim_file_put(struct cim_file *cfile)
{
	kref_put(&cfile->ref, cim_file_release);
}

/*
 * A closing file's jobs go to the card first, as drm_sched_entity_flush()
 * would let them: wait until the scheduler has taken the last one this
 * queue pushed (its scheduled fence signals once the job left the entity).
 * An exiting process waits at most a second; one killed with SIGKILL not
 * at all: drm_sched_entity_fini() then kills what is left.
 */
static void cim_queue_drain(struct cim_device *cdev, struct cim_queue *q)
{
	bool exiting = current->flags & PF_EXITING;
	unsigned long end = jiffies + HZ;
	struct dma_fence *last;
	long ret;

	if (exiting && current->exit_code == SIGKILL)
		return;
	mutex_lock(&q->push_lock);
	last = dma_fence_get(q->last_pushed);
	mutex_unlock(&q->push_lock);
	if (!last)
		return;
	/*
	 * In slices: a scheduler torn down under us (the card unplugged)
	 * never schedules what is left, and the wait must end then.
	 */
	do {
		if (!READ_ONCE(cdev->sched_ready))
			break;
		ret = dma_fence_wait_timeout(last, !exiting, HZ / 10);
	} while (!ret && (!exiting || time_before(jiffies, end)));
	dma_fence_put(last);
}

struct cim_entities_fini {
	struct work_struct work;
	struct cim_file *cfile;
};

/*
 * On reset_wq, so never inside a recovery (which parks and restarts the
 * scheduler itself).  Submission is parked around drm_sched_entity_fini():
 * in 6.12 drm_sched_entity_pop_job() puts an entity back into its run
 * queue's FIFO tree when a job is left behind the one it pops, even after
 * drm_sched_entity_kill() took the entity out; the file (and the entity
 * in it) was then freed while still linked in the tree, and the next
 * drm_sched_run_job_work walked freed memory.  With run_job_work parked
 * nothing pops while the entity is taken out and its jobs killed.
 */
static void cim_entities_fini_work(struct work_struct *w)
{
	struct cim_entities_fini *f = container_of(w, struct cim_entities_fini, work);
	struct cim_file *cfile = f->cfile;
	struct cim_device *cdev = cfile->cdev;
	bool park = READ_ONCE(cdev->sched_ready);
	int p;

	if (park)
		drm_sched_wqueue_stop(&cdev->sched);
	for (p = 0; p < ARRAY_SIZE(cfile->entity); p++)
		drm_sched_entity_fini(&cfile->entity[p]);
	/* a system suspend parked it: its resume restarts it */
	if (park && !READ_ONCE(cdev->suspended))
		drm_sched_wqueue_start(&cdev->sched);
}

/* postclose: the file's entities, drained and then out of the scheduler. */
void cim_file_entities_fini(struct cim_file *cfile)
{
	struct cim_entities_fini f = { .cfile = cfile };
	int p;

	for (p = ARRAY_SIZE(cfile->queue) - 1; p >= 0; p--)
		cim_queue_drain(cfile->cdev, &cfile->queue[p]);
	INIT_WORK_ONSTACK(&f.work, cim_entities_fini_work);
	queue_work(cfile->cdev->reset_wq, &f.work);
	flush_work(&f.work);
	destroy_work_on_stack(&f.work);
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
