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
 */
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

const struct dev_pm_ops cim_pm_ops = {
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
