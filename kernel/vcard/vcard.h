/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
#ifndef __CIM_VCARD_H__
#define __CIM_VCARD_H__

#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "../../firmware/cim_fw.h"
#include "../../firmware/model/cim_model.h"

/*
 * The virtual card.  The firmware core knows it as struct cim_hal: the
 * register file, the flash arrays (the array model of firmware/model/),
 * the plan memory and the modeled clock.
 */
struct cim_hal {
	struct platform_device *parent;	/* owns the register map */
	struct platform_device *card;	/* what cim.ko binds to */
	struct regmap *regmap;
	int irq;

	spinlock_t reg_lock;
	u32 regs[CIM_REG_SPACE / 4];
	u64 clock_ns;

	struct cim_card_params params;
	u32 plan_bytes;
	struct cim_model model;		/* the arrays (vcard_flash.c) */
	u8 *plan;			/* CIM_FW_MAX_IMAGES * plan_bytes */
	u8 *act;			/* activation arena, act_bytes */
	u32 act_bytes;
	void *analog;			/* cim_fw_analog_bytes(&params) */
	u32 *pe;			/* program/erase cycles per tile */

	struct cim_fw *fw;
	struct task_struct *thread;
	wait_queue_head_t wq;
	unsigned long events;		/* VCARD_EV_* bits */
	bool boot_failed;		/* reset_fail fired: dead until reset */

	/* vcard_sensors.c: lives with the card, like the flash */
	struct cim_tile_stats *tstats;	/* per tile */
	u64 fw_busy_ns;			/* host time the MCU thread worked */
	struct cim_model_thermal th;	/* firmware/model/model_sensors.c */
};

#define VCARD_EV_KICK	0
#define VCARD_EV_RESET	1

extern const struct regmap_bus vcard_regmap_bus;

void vcard_regs_init(struct cim_hal *vc);

/* vcard_flash.c */
int vcard_flash_init(struct cim_hal *vc);
void vcard_flash_fini(struct cim_hal *vc);
/* vcard_sensors.c (and cim_model_sensors_update(), reg_lock held) */
void vcard_sensors_init(struct cim_hal *vc);

#endif /* __CIM_VCARD_H__ */
