// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Recovery: a job past its timeout (the card hung), a firmware crash
 * (IRQ_ERROR) or a debugfs force_reset resets the card and reboots its
 * firmware, without rmmod:
 *
 *  1. drm_sched_stop() parks the scheduler and detaches it from the
 *     hardware fences of the jobs on the card;
 *  2. completions the card posted are reaped, then the jobs still on the
 *     card are taken off the in-flight list;
 *  3. the oldest of them is guilty (the card runs its ring in order, so it
 *     is the one the card was working on): it fails with -ETIMEDOUT after
 *     a timeout, -ECONNRESET after a crash; a forced reset has no guilty
 *     job;
 *  4. the card is reset and the boot handshake runs again; the settings
 *     held in card registers (cim_knobs.c) are written again;
 *  5. cim_catalog_restore() makes the images programmed before the reset
 *     runnable again (a reset forgets the firmware's image slots);
 *  6. every other job the card held goes back on the ring in its old
 *     order with a fresh hardware fence (what the deprecated
 *     drm_sched_resubmit_jobs() did, without its karma rules), and
 *     drm_sched_start() re-attaches the scheduler;
 *  7. a KOBJ_CHANGE uevent with CIM_RESET=1 announces it; resets are
 *     counted (sysfs, debugfs).
 *
 * Timeouts (drm_sched's TDR) and our own reset work run on one ordered
 * workqueue, so two recoveries never overlap.
 */
#include <linux/dma-fence.h>
#include <linux/kobject.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"

const char *cim_reset_reason_name(enum cim_reset_reason why)
{
	switch (why) {
	case CIM_RESET_TIMEOUT:
		return "timeout";
	case CIM_RESET_CRASH:
		return "crash";
	case CIM_RESET_FORCED:
		return "forced";
	default:
		return "none";
	}
}

static void cim_job_fail_guilty(struct cim_job *job, int err)
{
	job->hw_status = err == -ETIMEDOUT ? DRM_CIM_JOB_TIMEOUT :
					     DRM_CIM_JOB_CARD_ERROR;
	if (job->opcode == CIM_OPC_PROGRAM)
		cim_image_fail(job->image, err);
	if (err == -ETIMEDOUT)
		atomic64_inc(&job->cdev->jobs_timed_out);
	cim_queue_done(job, err);
	dma_fence_set_error(job->done, err);
	dma_fence_signal(job->done);
}

/* A signalled fence carrying err, for a job that cannot run again. */
static struct dma_fence *cim_fence_failed(struct cim_device *cdev, int err)
{
	struct dma_fence *f = cim_fence_create(cdev);

	if (f) {
		dma_fence_set_error(f, err);
		dma_fence_signal(f);
	}
	return f;	/* NULL: drm_sched_start() fails the job, -ECANCELED */
}

static void cim_reset_uevent(struct cim_device *cdev, enum cim_reset_reason why)
{
	char reason[32], count[32];
	char *envp[] = { "CIM_RESET=1", reason, count, NULL };

	snprintf(reason, sizeof(reason), "CIM_RESET_REASON=%s",
		 cim_reset_reason_name(why));
	snprintf(count, sizeof(count), "CIM_RESETS=%d",
		 atomic_read(&cdev->resets));
	kobject_uevent_env(&cdev->drm.accel->kdev->kobj, KOBJ_CHANGE, envp);
}

/*
 * Give every job drm_sched_stop() detached a hardware fence again: its
 * own if it has signalled (it finished before the reset, or it is the
 * guilty one), else a new one from running it again; err != 0 when the
 * card is gone or dead and nothing can run.  The scheduler is parked:
 * its pending list is ours to walk.
 */
static void cim_recover_reattach(struct cim_device *cdev, int err)
{
	struct drm_sched_job *s_job;
	struct dma_fence *fence;
	struct cim_job *job;

	list_for_each_entry(s_job, &cdev->sched.pending_list, list) {
		job = to_cim_job(s_job);
		if (job->done && dma_fence_is_signaled(job->done)) {
			fence = dma_fence_get(job->done);
		} else if (err) {
			cim_queue_done(job, err);
			fence = cim_fence_failed(cdev, err);
		} else {
			fence = cim_job_repush(job);
			if (IS_ERR(fence)) {
				cim_queue_done(job, PTR_ERR(fence));
				fence = cim_fence_failed(cdev, PTR_ERR(fence));
			}
		}
		/* 6.12's drm_sched_stop() already dropped it; older did not */
		dma_fence_put(s_job->s_fence->parent);
		s_job->s_fence->parent = fence;
	}
}

static void cim_recover(struct cim_device *cdev, enum cim_reset_reason why,
			struct drm_sched_job *bad)
{
	struct drm_gpu_scheduler *sched = &cdev->sched;
	struct cim_job *job, *tmp, *guilty = NULL;
	unsigned long flags;
	LIST_HEAD(held);
	bool gone, reset;
	int idx, err = 0;

	drm_sched_stop(sched, bad);
	gone = !drm_dev_enter(&cdev->drm, &idx);
	if (!gone)
		cim_hw_reap(cdev);

	spin_lock_irqsave(&cdev->ring_lock, flags);
	/* A timeout with nothing left on the card was a late completion. */
	reset = !gone && (why != CIM_RESET_TIMEOUT ||
			  !list_empty(&cdev->inflight));
	if (reset || gone) {
		cdev->hw_up = false;
		list_splice_init(&cdev->inflight, &held);
	}
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	if (!reset && !gone) {
		/* Late completions: re-attach the fences that signalled. */
		cim_recover_reattach(cdev, 0);
		drm_sched_start(sched);
		drm_dev_exit(idx);
		return;
	}

	if (why != CIM_RESET_FORCED && !list_empty(&held))
		guilty = list_first_entry(&held, struct cim_job, node);
	list_for_each_entry_safe(job, tmp, &held, node)
		list_del_init(&job->node);
	if (guilty)
		cim_job_fail_guilty(guilty, why == CIM_RESET_TIMEOUT ?
					    -ETIMEDOUT : -ECONNRESET);

	if (gone) {
		err = -ENODEV;
	} else {
		dev_err(cdev->dev, "resetting the card (%s%s)\n",
			cim_reset_reason_name(why),
			guilty ? ", failing the job it was running" : "");
		cdev->last_reset = why;
		cdev->last_reset_time = ktime_get_boottime();
		if (cim_hw_reset(cdev)) {
			dev_err(cdev->dev, "card did not come back after reset\n");
			err = -EIO;
			cim_images_lost(cdev);
		} else {
			/* the reset forgot the user's settings */
			cim_knobs_apply(cdev);
			if (cim_catalog_restore(cdev))
				dev_warn(cdev->dev, "the card's image slots could not all be checked after the reset\n");
		}
	}

	cim_recover_reattach(cdev, err);
	drm_sched_start(sched);
	if (!gone) {
		cim_reset_uevent(cdev, why);
		drm_dev_exit(idx);
	}
}

enum drm_gpu_sched_stat cim_reset_timedout(struct drm_sched_job *sched_job)
{
	struct cim_device *cdev = to_cim_job(sched_job)->cdev;

	cim_recover(cdev, CIM_RESET_TIMEOUT, sched_job);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void cim_reset_work(struct work_struct *work)
{
	struct cim_device *cdev = container_of(work, struct cim_device,
					       reset_work);

	if (test_and_clear_bit(CIM_RESET_FORCED, &cdev->reset_pending))
		cim_recover(cdev, CIM_RESET_FORCED, NULL);
	/* A timeout may have reset the card since the interrupt. */
	if (test_and_clear_bit(CIM_RESET_CRASH, &cdev->reset_pending) &&
	    (cim_hw_read(cdev, CIM_REG_STATUS) & CIM_STATUS_ERROR))
		cim_recover(cdev, CIM_RESET_CRASH, NULL);
}

/* From the interrupt: the firmware stopped with an error. */
void cim_reset_schedule(struct cim_device *cdev, enum cim_reset_reason why)
{
	if (!cdev->sched_ready)
		return;
	set_bit(why, &cdev->reset_pending);
	queue_work(cdev->reset_wq, &cdev->reset_work);
}

/* debugfs force_reset: reset now, with the jobs on the card innocent. */
int cim_reset_force(struct cim_device *cdev)
{
	int ret = cim_pm_get(cdev);

	if (ret)
		return ret;
	cim_reset_schedule(cdev, CIM_RESET_FORCED);
	flush_work(&cdev->reset_work);
	cim_pm_put(cdev);
	return 0;
}

static void cim_reset_wq_destroy(struct drm_device *drm, void *arg)
{
	destroy_workqueue(arg);
}

/*
 * Before cim_sched_init(): the workqueue doubles as drm_sched's timeout
 * queue, so it is destroyed after the scheduler (drmm runs in reverse).
 */
int cim_reset_init(struct cim_device *cdev)
{
	INIT_WORK(&cdev->reset_work, cim_reset_work);
	cdev->reset_wq = alloc_ordered_workqueue("cim-reset", WQ_MEM_RECLAIM);
	if (!cdev->reset_wq)
		return -ENOMEM;
	return drmm_add_action_or_reset(&cdev->drm, cim_reset_wq_destroy,
					cdev->reset_wq);
}

/* The card is going away: no reset work may run on it any more. */
void cim_reset_fini(struct cim_device *cdev)
{
	cancel_work_sync(&cdev->reset_work);
}
