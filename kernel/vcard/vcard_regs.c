// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The register file of the virtual card: the host reaches it through a
 * regmap bus (it is not memory-mapped, so writes that must wake the
 * firmware, like the doorbell, can be seen), the firmware through the HAL.
 * What reads and writes do is the emulated cards' one set of rules,
 * firmware/model/model_regs.c (the userspace card has the same).
 */
#include <linux/wait.h>

#include "vcard.h"

void vcard_regs_init(struct cim_hal *vc)
{
	memset(vc->regs, 0, sizeof(vc->regs));
	cim_model_regs_init(vc->regs, &vc->params, vc->plan_bytes,
			    vc->act_bytes);
}

static void vcard_event(struct cim_hal *vc, int ev)
{
	set_bit(ev, &vc->events);
	wake_up(&vc->wq);
}

/* The rules of firmware/model/model_regs.c, under reg_lock. */
static int vcard_host_read(void *ctx, unsigned int reg, unsigned int *val)
{
	struct cim_hal *vc = ctx;
	unsigned long flags;

	if (reg >= CIM_REG_SPACE || (reg & 3))
		return -EINVAL;
	spin_lock_irqsave(&vc->reg_lock, flags);
	*val = cim_model_reg_read(vc, vc->regs, vc->clock_ns, &vc->th, reg);
	spin_unlock_irqrestore(&vc->reg_lock, flags);
	return 0;
}

static int vcard_host_write(void *ctx, unsigned int reg, unsigned int val)
{
	struct cim_hal *vc = ctx;
	unsigned long flags;
	u32 wr;

	if (reg >= CIM_REG_SPACE || (reg & 3))
		return -EINVAL;
	spin_lock_irqsave(&vc->reg_lock, flags);
	wr = cim_model_reg_write(vc, vc->regs, vc->params.adc_bits, reg, val);
	/* From now on the old firmware's writes are dropped. */
	if (wr & CIM_MODEL_WR_RESET)
		set_bit(VCARD_EV_RESET, &vc->events);
	spin_unlock_irqrestore(&vc->reg_lock, flags);
	if (wr & CIM_MODEL_WR_RESET)
		vcard_event(vc, VCARD_EV_RESET);
	else if (wr & CIM_MODEL_WR_KICK)
		vcard_event(vc, VCARD_EV_KICK);
	return 0;
}

const struct regmap_bus vcard_regmap_bus = {
	.reg_read = vcard_host_read,
	.reg_write = vcard_host_write,
	.fast_io = true,
};
