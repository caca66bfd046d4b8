/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* What users read and set: debugfs, sysfs, hwmon (cim_debugfs.c,
 * cim_sysfs.c, cim_hwmon.c). */
#ifndef __CIM_ADMIN_H__
#define __CIM_ADMIN_H__

#include <linux/types.h>

struct cim_device;

/* One tile's counters, as read through the card's TEL_* window. */
struct cim_tile_tel {
	u32 pe_cycles;
	u64 mvms;
	u64 pulses;
	u64 busy_ns;
	/* interface 1.2 cards only (has_simd) */
	bool has_simd;
	u64 macs;
	u64 simd_ops;
	u64 simd_ns;
};

void cim_debugfs_init(struct cim_device *cdev);
void cim_debugfs_register(struct cim_device *cdev);
void cim_debugfs_unregister(struct cim_device *cdev);
int cim_sysfs_init(struct cim_device *cdev);
int cim_hwmon_init(struct cim_device *cdev);
int cim_tile_tel_read(struct cim_device *cdev, u32 tile,
		      struct cim_tile_tel *t);

#endif /* __CIM_ADMIN_H__ */
