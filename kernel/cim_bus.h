/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
#ifndef __CIM_BUS_H__
#define __CIM_BUS_H__

#include <linux/pci.h>
#include <linux/platform_device.h>

extern struct platform_driver cim_platform_driver;
extern struct pci_driver cim_pci_driver;

extern const struct regmap_config cim_regmap_config;

/* Download and boot the card MCU's firmware (probe, recovery). */
struct regmap;
int cim_pci_boot_fw(struct pci_dev *pdev, struct regmap *regs);

#endif /* __CIM_BUS_H__ */
