// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * hwmon: the card's temperature and power, as its management block
 * reports them (the virtual card models both from its activity).  They
 * are read without waking a sleeping card: the sensors are always on.
 */
#include <linux/hwmon.h>

#include "cim_drv.h"

static umode_t cim_hwmon_is_visible(const void *data,
				    enum hwmon_sensor_types type, u32 attr,
				    int channel)
{
	if ((type == hwmon_temp && attr == hwmon_temp_input) ||
	    (type == hwmon_power && attr == hwmon_power_input))
		return 0444;
	return 0;
}

static int cim_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			  u32 attr, int channel, long *val)
{
	struct cim_device *cdev = dev_get_drvdata(dev);

	switch (type) {
	case hwmon_temp:	/* millidegrees Celsius */
		*val = (s32)cim_hw_read(cdev, CIM_REG_TEMP_MC);
		return 0;
	case hwmon_power:	/* microwatts */
		*val = cim_hw_read(cdev, CIM_REG_POWER_UW);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static const struct hwmon_channel_info *const cim_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT),
	HWMON_CHANNEL_INFO(power, HWMON_P_INPUT),
	NULL
};

static const struct hwmon_ops cim_hwmon_ops = {
	.is_visible = cim_hwmon_is_visible,
	.read = cim_hwmon_read,
};

static const struct hwmon_chip_info cim_hwmon_chip = {
	.ops = &cim_hwmon_ops,
	.info = cim_hwmon_info,
};

int cim_hwmon_init(struct cim_device *cdev)
{
	cdev->hwmon = devm_hwmon_device_register_with_info(cdev->dev, "cim",
							   cdev,
							   &cim_hwmon_chip,
							   NULL);
	return PTR_ERR_OR_ZERO(cdev->hwmon);
}
