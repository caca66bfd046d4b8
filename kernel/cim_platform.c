// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Platform glue: a SoC-integrated array described in the device tree
 * (MMIO "reg" + interrupt), or the virtual card, whose parent device
 * carries the register map (it cannot be memory-mapped).
 */
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>

#include "cim_drv.h"
#include "cim_bus.h"

const struct regmap_config cim_regmap_config = {
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = CIM_REG_SPACE - 4,
	.fast_io = true,
};

static int cim_platform_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct regmap *regs = NULL;
	void __iomem *base;
	int irq;

	if (dev->parent)
		regs = dev_get_regmap(dev->parent, NULL);
	if (!regs) {
		base = devm_platform_ioremap_resource(pdev, 0);
		if (IS_ERR(base))
			return PTR_ERR(base);
		regs = devm_regmap_init_mmio(dev, base, &cim_regmap_config);
		if (IS_ERR(regs))
			return PTR_ERR(regs);
	}
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	return cim_device_probe(dev, regs, irq);
}

static void cim_platform_remove(struct platform_device *pdev)
{
	cim_device_remove(&pdev->dev);
}

static const struct of_device_id cim_of_match[] = {
	{ .compatible = "opencim,cim-array" },
	{ }
};
MODULE_DEVICE_TABLE(of, cim_of_match);

static const struct platform_device_id cim_platform_ids[] = {
	{ .name = "cim" },
	{ }
};
MODULE_DEVICE_TABLE(platform, cim_platform_ids);

struct platform_driver cim_platform_driver = {
	.probe = cim_platform_probe,
	.remove = cim_platform_remove,
	.id_table = cim_platform_ids,
	.driver = {
		.name = CIM_DRIVER_NAME,
		.of_match_table = cim_of_match,
		.pm = pm_ptr(&cim_pm_ops),
	},
};
