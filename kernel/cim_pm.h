/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Runtime and system power management (cim_pm.c). */
#ifndef __CIM_PM_H__
#define __CIM_PM_H__

#include <linux/pm.h>

struct cim_device;

int cim_pm_init(struct cim_device *cdev);
void cim_pm_fini(struct cim_device *cdev);
int cim_pm_get(struct cim_device *cdev);
void cim_pm_put(struct cim_device *cdev);
extern const struct dev_pm_ops cim_pm_ops;

#endif /* __CIM_PM_H__ */
