// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Recovery: a job past its timeout (the card hung), a firmware crash
 * (IRQ_ERROR) or a debugfs force_reset resets the card and reboots its
 * firmware, without rmmod:
 *
 *  1. drm_sched_wqueue_stop() parks the scheduler's submit and free
 *     work; the jobs stay on its pending list, attached to their
 *     hardware fences (job->done, the driver's own);
 *  2. completions the card posted are reaped, then the jobs still on the
 *     card are taken off the in-flight list (cdev->inflight, the
 *     driver's own list of what the card holds);
 *  3. the oldest of them is guilty (the card runs its ring in order, so it
 *     is the one the card was working on): its hardware fence fails with
 *     -ETIMEDOUT after a timeout, -ECONNRESET after a crash; a forced
 *     reset has no guilty job;
 *  4. the card is reset and the boot handshake runs again; the settings
 *     held in card registers (cim_knobs.c) are written again.  A reset
 *     that fails is retried with back-off, then escalated: a full
 *     re-initialization (firmware booted again, the card identified
 *     again), then on PCI a function-level reset.  Each step is announced
 *     (CIM_EVENT=reset|recovering|recovered|failed) and sysfs "state"
 *     reads recovering; if every step fails the card is "failed": new
 *     work gets -EIO until a later recovery (debugfs force_reset, or
 *     "recover" written to sysfs state) brings it back;
 *  5. cim_catalog_restore() makes the images programmed before the reset
 *     runnable again (a reset forgets the firmware's image slots);
 *  6. every other job the card held goes back on the ring in its old
 *     order under the same hardware fence, so drm_sched, which never
 *     let go of that fence, sees one completion; if the card is gone or
 *     failed, those fences fail instead;
 *  7. drm_sched_wqueue_start() lets the scheduler run again, and the
 *     timeout restarts for the jobs back on the card;
 *  8. a KOBJ_CHANGE uevent with CIM_RESET=1 announces it; resets are
 *     counted (sysfs, debugfs).
 *
 * Only the scheduler's supported interfaces are used (docs/kernels.md,
 * "Recovery"): no drm_sched_stop()/drm_sched_start() pair, which drops
 * every unsignalled job's hardware fence and then cancels the job; no
 * drm_sched_resubmit_jobs() (deprecated); no write to a job's parent
 * fence; nothing put on the scheduler's pending list.
 * tests/test_sched_internals.sh keeps it so.
 *
 * A timeout is a hang only if the card made no progress: an interface
 * 1.3 card counts work steps in PROGRESS, and a job whose card count
 * moved since the last completion or check runs on: from 6.17 the
 * scheduler takes it back (DRM_GPU_SCHED_STAT_NO_HANG) and re-arms the
 * timer; before, the driver keeps it and watches the card itself
 * (cim_sched_keep_job()).
 *
 * Timeouts (drm_sched's TDR) and our own reset work run on one ordered
 * workqueue, so two recoveries never overlap.
 */
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/kobject.h>
#include <linux/pci.h>
#include <linux/version.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"
#include "cim_bus.h"

const char *cim_state_name(int state)
{
	switch (state) {
	case CIM_STATE_RECOVERING:
		return "recovering";
	case CIM_STATE_FAILED:
		return "failed";
	default:
		return "ok";
	}
}

/* New work on a card that could not be recovered fails at once: -EIO. */
int cim_card_usable(struct cim_device *cdev)
{
	return READ_ONCE(cdev->state) == CIM_STATE_FAILED ? -EIO : 0;
}

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

/*
 * Wait for a fence of a job the driver itself put on the card, as the
 * progress watchdog would: in slices of job_timeout_ms, for as long as
 * the card keeps counting work.  > 0 once signalled, else 0.
 */
long cim_fence_wait_progress(struct cim_device *cdev, struct dma_fence *f)
{
	long left;

	do {
		left = dma_fence_wait_timeout(f, false,
					      cim_job_timeout_jiffies(cdev));
	} while (left == 0 && cim_card_progressed(cdev));
	return left;
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

/*
 * KOBJ_CHANGE on the accel node (docs/uapi.md, "When a reset fails"):
 * CIM_EVENT is reset (a recovery starts), recovering (a step failed, the
 * next one starts: CIM_RECOVERY_STEP), recovered or failed; the last two
 * carry the recovery's host time, and recovered CIM_RESET=1, as every
 * reset announced itself before there were steps.
 */
static void cim_reset_uevent(struct cim_device *cdev, const char *event,
			     enum cim_reset_reason why, const char *step)
{
	char ev[32], reason[40], count[32], st[40], ms[40];
	char *envp[] = { ev, reason, count, st, NULL, NULL, NULL };
	bool recovered = !strcmp(event, "recovered");

	snprintf(ev, sizeof(ev), "CIM_EVENT=%s", event);
	snprintf(reason, sizeof(reason), "CIM_RESET_REASON=%s",
		 cim_reset_reason_name(why));
	snprintf(count, sizeof(count), "CIM_RESETS=%d",
		 atomic_read(&cdev->resets));
	snprintf(st, sizeof(st), "CIM_RECOVERY_STEP=%s", step);
	snprintf(ms, sizeof(ms), "CIM_RECOVERY_MS=%lld",
		 div_s64(cdev->last_recovery_us, 1000));
	if (recovered || !strcmp(event, "failed"))
		envp[4] = ms;
	if (recovered)
		envp[5] = "CIM_RESET=1";
	kobject_uevent_env(&compat_drm_minor(&cdev->drm)->kdev->kobj, KOBJ_CHANGE, envp);
}

/* Back-off before each retry of a failed reset, ms. */
static const unsigned int cim_reset_backoff_ms[] = { 10, 50, 200 };

/* Step 2: boot the firmware again (PCI: download it), then re-init. */
static int cim_recover_reinit(struct cim_device *cdev)
{
	int ret;

	if (dev_is_pci(cdev->dev)) {
		ret = cim_pci_boot_fw(to_pci_dev(cdev->dev), cdev->regs);
		if (ret)
			return ret;
	}
	return cim_hw_reinit(cdev);
}

/*
 * Step 3, PCI only: a function-level reset (config space saved and
 * restored around it), then the firmware and the card as in step 2.
 * The try variant: a remove holding the device lock waits for us.
 */
static int cim_recover_flr(struct cim_device *cdev)
{
	int ret;

	if (!dev_is_pci(cdev->dev))
		return -EOPNOTSUPP;
	ret = pci_try_reset_function(to_pci_dev(cdev->dev));
	return ret ? ret : cim_recover_reinit(cdev);
}

/*
 * The ladder: reset, retried with back-off, then re-init, then FLR.
 * Returns 0 with *step naming the step that worked, or -EIO.
 */
static int cim_recover_card(struct cim_device *cdev,
			    enum cim_reset_reason why, const char **step)
{
	int i, ret;

	*step = "reset";
	if (!cim_hw_reset(cdev))
		return 0;
	for (i = 0; i < ARRAY_SIZE(cim_reset_backoff_ms); i++) {
		*step = "retry";
		dev_warn(cdev->dev, "reset failed: retry %d in %u ms\n", i + 1,
			 cim_reset_backoff_ms[i]);
		cim_reset_uevent(cdev, "recovering", why, *step);
		msleep(cim_reset_backoff_ms[i]);
		if (!cim_hw_reset(cdev))
			return 0;
	}
	*step = "reinit";
	dev_warn(cdev->dev, "resets failed: re-initializing the card\n");
	cim_reset_uevent(cdev, "recovering", why, *step);
	ret = cim_recover_reinit(cdev);
	if (!ret)
		return 0;
	if (dev_is_pci(cdev->dev)) {
		*step = "flr";
		dev_warn(cdev->dev, "re-init failed (%d): function-level reset\n",
			 ret);
		cim_reset_uevent(cdev, "recovering", why, *step);
		if (!cim_recover_flr(cdev))
			return 0;
	}
	*step = "failed";
	return -EIO;
}

/*
 * Has the card counted work since the last completion or check?  Then
 * the job drm_sched timed out is long, not hung.  Cards before
 * interface 1.3 count nothing: every timeout is a hang there.
 */
bool cim_card_progressed(struct cim_device *cdev)
{
	u32 now;
	int idx;

	if (!cdev->has_progress || !drm_dev_enter(&cdev->drm, &idx))
		return false;
	now = cim_hw_read(cdev, CIM_REG_PROGRESS);
	drm_dev_exit(idx);
	if (now == READ_ONCE(cdev->progress_seen))
		return false;
	WRITE_ONCE(cdev->progress_seen, now);
	return true;
}

/*
 * Step 6: the jobs a reset took off the card (held, in ring order) go
 * back on it under their own hardware fences; err != 0 when the card is
 * gone or dead and nothing can run: their fences fail with it.
 */
static void cim_recover_resubmit(struct list_head *held, int err)
{
	struct cim_job *job, *tmp;
	int ret;

	list_for_each_entry_safe(job, tmp, held, node) {
		list_del_init(&job->node);
		ret = err ? err : cim_job_resubmit(job);
		if (ret) {
			cim_queue_done(job, ret);
			cim_job_fence_fail(job, ret);
		}
	}
}

/* Steps 4-5 and 7 with the ladder; 0, or -EIO when the card failed. */
static int cim_recover_run(struct cim_device *cdev, enum cim_reset_reason why)
{
	ktime_t t0 = ktime_get();
	const char *step;
	int err;

	WRITE_ONCE(cdev->state, CIM_STATE_RECOVERING);
	cdev->last_reset = why;
	cdev->last_reset_time = ktime_get_boottime();
	atomic_inc(&cdev->resets);
	cim_reset_uevent(cdev, "reset", why, "reset");
	err = cim_recover_card(cdev, why, &step);
	if (err) {
		dev_err(cdev->dev, "card did not come back: every recovery step failed; new work gets -EIO until a recovery succeeds\n");
		cim_images_lost(cdev);
	} else {
		/* the reset forgot the user's settings */
		cim_knobs_apply(cdev);
		if (cim_catalog_restore(cdev))
			dev_warn(cdev->dev, "the card's image slots could not all be checked after the reset\n");
	}
	cdev->last_recovery_step = step;
	cdev->last_recovery_us = ktime_us_delta(ktime_get(), t0);
	WRITE_ONCE(cdev->state, err ? CIM_STATE_FAILED : CIM_STATE_OK);
	cim_reset_uevent(cdev, err ? "failed" : "recovered", why, step);
	return err;
}

/* The recovery itself, steps 1-7. */
static void cim_recover(struct cim_device *cdev, enum cim_reset_reason why)
{
	struct drm_gpu_scheduler *sched = &cdev->sched;
	struct cim_job *guilty = NULL;
	unsigned long flags;
	LIST_HEAD(held);
	bool gone, reset;
	int idx, err = 0;

	drm_sched_wqueue_stop(sched);
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
		drm_sched_wqueue_start(sched);
		drm_dev_exit(idx);
		return;
	}

	if (why != CIM_RESET_FORCED && !list_empty(&held)) {
		guilty = list_first_entry(&held, struct cim_job, node);
		list_del_init(&guilty->node);
		cim_job_fail_guilty(guilty, why == CIM_RESET_TIMEOUT ?
					    -ETIMEDOUT : -ECONNRESET);
	}

	if (gone) {
		err = -ENODEV;
	} else {
		dev_err(cdev->dev, "resetting the card (%s%s)\n",
			cim_reset_reason_name(why),
			guilty ? ", failing the job it was running" : "");
		err = cim_recover_run(cdev, why);
	}

	cim_recover_resubmit(&held, err);
	drm_sched_wqueue_start(sched);
	/* The jobs back on the card get a whole timeout from now. */
	drm_sched_resume_timeout(sched, cim_job_timeout_jiffies(cdev));
	if (atomic_read(&cdev->sched_kept))	/* and the jobs kept too */
		mod_delayed_work(cdev->reset_wq, &cdev->kept_watch,
				 cim_job_timeout_jiffies(cdev));
	if (!gone)
		drm_dev_exit(idx);
}

/*
 * drm_sched's timeout handler.  The scheduler took the job off its
 * pending list; it is given back (compat_drm_sched_no_hang()) when it
 * runs on, and released here once its out-fence has signalled (a
 * recovery failed it, or it had completed): drm_sched leaves a timed-out
 * job it no longer lists to the driver (kernel-doc of drm_sched_stop(),
 * which we do not use).
 */
enum drm_gpu_sched_stat cim_reset_timedout(struct drm_sched_job *sched_job)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct cim_device *cdev = job->cdev;

	/*
	 * A long job is not a hung one: it runs on while the card counts.
	 * While the driver keeps an older job (before 6.17), its watchdog
	 * judges the card, once per timeout: a second look here, just
	 * after the watchdog's, would see no progress in no time.
	 */
	if (READ_ONCE(cdev->suspended) || atomic_read(&cdev->sched_kept) ||
	    cim_card_progressed(cdev))
		return compat_drm_sched_no_hang(sched_job);
	cim_recover(cdev, CIM_RESET_TIMEOUT);
	/*
	 * Its out-fence has signalled: it was the guilty one, it had
	 * completed (a late completion), or run_job failed it before the
	 * card.  Else it was innocent and is back on the card, or was not on
	 * the card's ring when the timer fired (run_job was putting it
	 * there): not hung, it goes back to the scheduler.
	 */
	if (!dma_fence_is_signaled(&sched_job->s_fence->finished))
		return compat_drm_sched_no_hang(sched_job);
	cim_job_free(sched_job);
	return DRM_GPU_SCHED_STAT_RESET;
}

/*
 * Before 6.17 (compat_drm_sched_no_hang() in cim_compat.h): a job that
 * timed out but is not hung stays the driver's.  The scheduler no longer
 * lists it, but its callback on the job's hardware fence is still there,
 * so the out-fence signals as ever when the card completes the job (or a
 * recovery fails it); once it has, the driver frees the job (in process
 * context, on reset_wq).  The scheduler re-arms its timer only for jobs
 * it lists, so the driver's watchdog (cim_kept_watch()) looks at the
 * card once per job_timeout_ms while it keeps any job, as the timer
 * would.  Built on every kernel, called only before 6.17.
 */
static void cim_kept_free(struct work_struct *work)
{
	struct cim_job *job = container_of(work, struct cim_job, kept_free);
	struct cim_device *cdev = job->cdev;

	cim_job_free(&job->base);
	atomic_dec(&cdev->sched_kept);
}

static void cim_kept_done(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct cim_job *job = container_of(cb, struct cim_job, kept_cb);

	queue_work(job->cdev->reset_wq, &job->kept_free);
}

enum drm_gpu_sched_stat cim_sched_keep_job(struct drm_sched_job *sched_job)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct cim_device *cdev = job->cdev;

	atomic_inc(&cdev->sched_kept);
	atomic64_inc(&cdev->jobs_kept);
	INIT_WORK(&job->kept_free, cim_kept_free);
	if (dma_fence_add_callback(&sched_job->s_fence->finished,
				   &job->kept_cb, cim_kept_done))
		cim_kept_done(NULL, &job->kept_cb);	/* it just finished */
	/* the first job kept starts the watchdog; later ones leave it be */
	queue_delayed_work(cdev->reset_wq, &cdev->kept_watch,
			   cim_job_timeout_jiffies(cdev));
	return DRM_GPU_SCHED_STAT_RESET;
}

/*
 * The watchdog for kept jobs, on reset_wq like drm_sched's timer: no
 * progress for a whole job_timeout_ms is a hang, and the recovery fails
 * the job the card was running (the oldest it holds), as a timeout would.
 */
static void cim_kept_watch(struct work_struct *work)
{
	struct cim_device *cdev = container_of(to_delayed_work(work),
					       struct cim_device, kept_watch);

	if (!atomic_read(&cdev->sched_kept))
		return;
	if (!READ_ONCE(cdev->suspended) && !cim_card_progressed(cdev))
		cim_recover(cdev, CIM_RESET_TIMEOUT);
	if (atomic_read(&cdev->sched_kept))
		queue_delayed_work(cdev->reset_wq, &cdev->kept_watch,
				   cim_job_timeout_jiffies(cdev));
}

static void cim_reset_work(struct work_struct *work)
{
	struct cim_device *cdev = container_of(work, struct cim_device,
					       reset_work);

	if (test_and_clear_bit(CIM_RESET_FORCED, &cdev->reset_pending))
		cim_recover(cdev, CIM_RESET_FORCED);
	/* A timeout may have reset the card since the interrupt. */
	if (test_and_clear_bit(CIM_RESET_CRASH, &cdev->reset_pending) &&
	    (cim_hw_read(cdev, CIM_REG_STATUS) & CIM_STATUS_ERROR))
		cim_recover(cdev, CIM_RESET_CRASH);
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
	INIT_DELAYED_WORK(&cdev->kept_watch, cim_kept_watch);
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

/* After drm_sched_fini(): no timeout can keep a job any more. */
void cim_reset_watch_fini(struct cim_device *cdev)
{
	cancel_delayed_work_sync(&cdev->kept_watch);
}
