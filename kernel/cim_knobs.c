// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Card-side knobs: the settings that live only in card registers
 * (PERF_MODE, ADC_BITS_CFG, REFRESH_THRESH, REFRESH_POLICY), set through
 * sysfs (docs/ABI/sysfs-driver-cim, sysfs-driver-cim-analog).
 *
 * A card reset returns those registers to their power-on values, and so
 * does sleep (runtime PM: the registers' power domain is gated, writes
 * meanwhile are lost), so the driver remembers what the user chose and
 * writes it again after every recovery reset and every runtime-PM
 * wake-up, before any job runs.  At bind it takes the values the card
 * holds: the card stays powered across a driver reload, with its resident
 * images and its settings (unbinding wakes it first).
 */
#include <linux/pm_runtime.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "cim_drv.h"

static const u32 cim_knob_regs[CIM_KNOB_COUNT] = {
	[CIM_KNOB_PERF_MODE] = CIM_REG_PERF_MODE,
	[CIM_KNOB_ADC_BITS] = CIM_REG_ADC_BITS_CFG,
	[CIM_KNOB_REFRESH_THRESH] = CIM_REG_REFRESH_THRESH,
	[CIM_KNOB_REFRESH_POLICY] = CIM_REG_REFRESH_POLICY,
};

/* At bind, once the card is up: adopt what it holds. */
int cim_knobs_init(struct cim_device *cdev)
{
	int i, ret;

	ret = drmm_mutex_init(&cdev->drm, &cdev->knob_lock);
	if (ret)
		return ret;
	for (i = 0; i < CIM_KNOB_COUNT; i++) {
		ret = regmap_read(cdev->regs, cim_knob_regs[i],
				  &cdev->knobs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The value the user chose (or the card had at bind). */
u32 cim_knob_get(struct cim_device *cdev, enum cim_knob k)
{
	return READ_ONCE(cdev->knobs[k]);
}

/*
 * What the card's register holds now; fails once the card is gone.
 * While the card sleeps the register holds its power-on value, not the
 * setting: then this gives the value the driver writes at wake-up, and
 * does not wake the card.  The reference taken keeps an awake card from
 * sleeping during the read.
 */
int cim_knob_read(struct cim_device *cdev, enum cim_knob k, u32 *val)
{
	int idx, awake, ret = 0;

	if (!drm_dev_enter(&cdev->drm, &idx))
		return -ENODEV;
	/* < 0: no runtime PM, the card does not sleep */
	awake = pm_runtime_get_if_active(cdev->dev);
	if (awake)
		ret = regmap_read(cdev->regs, cim_knob_regs[k], val);
	else
		*val = cim_knob_get(cdev, k);
	if (awake > 0)
		pm_runtime_put_autosuspend(cdev->dev);
	drm_dev_exit(idx);
	return ret;
}

/*
 * Remember a checked value and write it to the card.  A sleeping card
 * ignores the write; waking writes the value then (cim_knobs_apply()).
 */
int cim_knob_set(struct cim_device *cdev, enum cim_knob k, u32 val)
{
	int idx, ret;

	if (!drm_dev_enter(&cdev->drm, &idx))
		return -ENODEV;
	mutex_lock(&cdev->knob_lock);
	ret = regmap_write(cdev->regs, cim_knob_regs[k], val);
	if (!ret)
		WRITE_ONCE(cdev->knobs[k], val);
	mutex_unlock(&cdev->knob_lock);
	drm_dev_exit(idx);
	return ret;
}

/*
 * Write every knob to the card again: after a reset (the card is back
 * from its handshake) and after a wake-up.  A store racing with it
 * either wrote before (and its value is the one written here) or waits
 * and writes after.
 */
void cim_knobs_apply(struct cim_device *cdev)
{
	int i, ret = 0;

	mutex_lock(&cdev->knob_lock);
	for (i = 0; i < CIM_KNOB_COUNT && !ret; i++)
		ret = regmap_write(cdev->regs, cim_knob_regs[i],
				   cdev->knobs[i]);
	mutex_unlock(&cdev->knob_lock);
	if (ret)
		dev_warn(cdev->dev, "cannot restore the card's settings (%d)\n",
			 ret);
}
