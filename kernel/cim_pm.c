// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Runtime power management with autosuspend.  Every job holds a runtime
 * PM reference from submission until it is freed, so the card sleeps
 * only when no job is queued or running, autosuspend_delay_ms after the
 * last one (default: the autosuspend_ms module parameter).  Sleeping is
 * the card's POWER_STATE register: its clocks are gated and it does not
 * look at its rings until woken; its firmware state, image slots and
 * flash are kept, so waking needs no handshake.  A submission wakes it.
 * Sensors (hwmon) and telemetry are readable while it sleeps.
 *
 * The settings registers (PERF_MODE, ADC_BITS_CFG, REFRESH_POLICY,
 * REFRESH_THRESH) are in the card's array-control power domain, which
 * sleep switches off: they come back from sleep at their power-on values
 * and ignore writes meanwhile (docs/card-interface.md, "Sleep").  So
 * waking writes the user's settings again before any job runs
 * (cim_knobs.c), and sysfs reports them without waking the card while it
 * sleeps.
 *
 * System sleep (suspend to idle or RAM, hibernation): drm_sched stops
 * handing jobs to the card and its timeout is suspended; the jobs on the
 * card finish (as long as the card makes progress; a card that does not
 * fails the suspend with -EBUSY, and recovery deals with it after); the
 * card stops using the rings, keeping its image slots, and sleeps.  Jobs
 * still queued wait in drm_sched.  Resume runs the boot handshake again;
 * a card that lost power meanwhile is reset and its images programmed
 * again, as after a recovery.  Then the queued jobs run.
 */
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/pm_runtime.h>

#include "cim_drv.h"

static unsigned int autosuspend_ms = 100;
module_param(autosuspend_ms, uint, 0444);
MODULE_PARM_DESC(autosuspend_ms,
		 "Idle time before the card is put to sleep (ms, default 100)");

static int cim_runtime_suspend(struct device *dev)
{
	struct cim_device *cdev = dev_get_drvdata(dev);

	cim_hw_write(cdev, CIM_REG_POWER_STATE, CIM_POWER_SLEEP);
	return 0;
}

static int cim_runtime_resume(struct device *dev)
{
	struct cim_device *cdev = dev_get_drvdata(dev);

	/* The write also wakes the MCU to look at its rings. */
	cim_hw_write(cdev, CIM_REG_POWER_STATE, CIM_POWER_ACTIVE);
	/* Its settings were lost asleep: back before any job runs. */
	cim_knobs_apply(cdev);
	return 0;
}

/* Until nothing is on the card, or it stops making progress: -EBUSY. */
static int cim_pm_wait_idle(struct cim_device *cdev)
{
	unsigned long end = jiffies + cim_job_timeout();
	unsigned long flags;
	bool idle;

	for (;;) {
		spin_lock_irqsave(&cdev->ring_lock, flags);
		idle = list_empty(&cdev->inflight);
		spin_unlock_irqrestore(&cdev->ring_lock, flags);
		if (idle)
			return 0;
		if (time_after(jiffies, end)) {
			if (!cim_card_progressed(cdev))
				return -EBUSY;
			end = jiffies + cim_job_timeout();
		}
		usleep_range(5000, 10000);
	}
}

static void cim_pm_unpark(struct cim_device *cdev)
{
	WRITE_ONCE(cdev->suspended, false);
	drm_sched_resume_timeout(&cdev->sched, cdev->pm_tdr_left);
	drm_sched_wqueue_start(&cdev->sched);
}

static int cim_pm_suspend(struct device *dev)
{
	struct cim_device *cdev = dev_get_drvdata(dev);
	int ret;

	/* Awake, to stop it; the PM core keeps it so until resume. */
	ret = pm_runtime_resume(dev);
	if (ret < 0)
		return ret;
	WRITE_ONCE(cdev->suspended, true);
	cdev->pm_tdr_left = drm_sched_suspend_timeout(&cdev->sched);
	/* a recovery under way finishes first: it restarts drm_sched */
	flush_workqueue(cdev->reset_wq);
	drm_sched_wqueue_stop(&cdev->sched);
	ret = cim_pm_wait_idle(cdev);
	if (ret) {
		dev_err(dev, "card still busy and making no progress: not suspending\n");
		cim_pm_unpark(cdev);
		return ret;
	}
	if (READ_ONCE(cdev->state) != CIM_STATE_FAILED)
		cdev->pm_progress = cim_hw_suspend(cdev);
	cdev->pm_suspends++;
	return 0;
}

static int cim_pm_resume(struct device *dev)
{
	struct cim_device *cdev = dev_get_drvdata(dev);
	int ret = 0;

	if (READ_ONCE(cdev->state) != CIM_STATE_FAILED) {
		ret = cim_hw_resume(cdev, cdev->pm_progress);
		if (!ret)
			cim_knobs_apply(cdev);
	}
	cim_pm_unpark(cdev);
	/*
	 * Lost power (1) or did not come up (< 0): recover as after a
	 * reset, which programs the images again.  Resume itself succeeds:
	 * the card's state tells the rest (sysfs state).
	 */
	if (ret) {
		dev_warn(dev, "card %s over suspend: recovering it\n",
			 ret > 0 ? "lost power" : "did not come back");
		cim_reset_force(cdev);
	}
	return 0;
}

const struct dev_pm_ops cim_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(cim_pm_suspend, cim_pm_resume)
	RUNTIME_PM_OPS(cim_runtime_suspend, cim_runtime_resume, NULL)
};

int cim_pm_init(struct cim_device *cdev)
{
	struct device *dev = cdev->dev;

	pm_runtime_set_autosuspend_delay(dev, autosuspend_ms);
	pm_runtime_use_autosuspend(dev);
	pm_runtime_set_active(dev);
	return devm_pm_runtime_enable(dev);
}

int cim_pm_get(struct cim_device *cdev)
{
	int ret = pm_runtime_resume_and_get(cdev->dev);

	return ret < 0 ? ret : 0;
}

void cim_pm_put(struct cim_device *cdev)
{
	pm_runtime_mark_last_busy(cdev->dev);
	pm_runtime_put_autosuspend(cdev->dev);
}
