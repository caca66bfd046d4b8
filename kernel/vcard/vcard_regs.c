// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The register file of the virtual card: the host reaches it through a
 * regmap bus (it is not memory-mapped, so writes that must wake the
 * firmware, like the doorbell, can be seen), the firmware through the HAL.
 */
#include <linux/wait.h>

#include "vcard.h"

void vcard_regs_init(struct cim_hal *vc)
{
	const struct cim_card_params *p = &vc->params;
	u32 *r = vc->regs;

	memset(vc->regs, 0, sizeof(vc->regs));
	r[CIM_REG_ID / 4] = CIM_HW_ID;
	r[CIM_REG_HW_VERSION / 4] = 1;
	r[CIM_REG_TILES / 4] = p->tiles;
	r[CIM_REG_TILE_ROWS / 4] = p->rows;
	r[CIM_REG_TILE_COLS / 4] = p->cols;
	r[CIM_REG_CELL_BITS / 4] = p->cell_bits;
	r[CIM_REG_ADC_BITS / 4] = p->adc_bits;
	r[CIM_REG_ACT_BITS / 4] = p->act_bits;
	r[CIM_REG_MAX_VECTOR / 4] = CIM_FW_MAX_VECTOR;
	r[CIM_REG_MAX_IMAGES / 4] = CIM_FW_MAX_IMAGES;
	r[CIM_REG_PLAN_BYTES / 4] = vc->plan_bytes;
	r[CIM_REG_ARENA_BYTES / 4] = vc->act_bytes;
	r[CIM_REG_ANALOG / 4] = p->analog;
	r[CIM_REG_SPARE_COLS / 4] = p->spare_cols;
}

/*
 * The settings registers (PERF_MODE, ADC_BITS_CFG, REFRESH_POLICY,
 * REFRESH_THRESH) return to their power-on values on the reset line, as
 * a card's register block would, and when the card goes to sleep: they
 * sit in the array-control power domain, which SLEEP switches off.  The
 * host must write them again (cim.ko does, cim_knobs.c).  reg_lock held.
 */
static void vcard_regs_reset_settings(struct cim_hal *vc)
{
	/* The interval so far is charged at the old performance mode. */
	vcard_sensors_update(vc);
	vc->regs[CIM_REG_PERF_MODE / 4] = CIM_PERF_PERFORMANCE;
	vc->regs[CIM_REG_ADC_BITS_CFG / 4] = 0;
	vc->regs[CIM_REG_REFRESH_POLICY / 4] = CIM_REFRESH_OFF;
	vc->regs[CIM_REG_REFRESH_THRESH / 4] = 0;
}

/*
 * Asleep, the array-control power domain is off: its settings registers
 * read their power-on values and ignore writes.  reg_lock held.
 */
static bool vcard_settings_off(struct cim_hal *vc)
{
	return vc->regs[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP;
}

static void vcard_event(struct cim_hal *vc, int ev)
{
	set_bit(ev, &vc->events);
	wake_up(&vc->wq);
}

static int vcard_host_read(void *ctx, unsigned int reg, unsigned int *val)
{
	struct cim_hal *vc = ctx;
	unsigned long flags;

	if (reg >= CIM_REG_SPACE || (reg & 3))
		return -EINVAL;
	spin_lock_irqsave(&vc->reg_lock, flags);
	switch (reg) {
	case CIM_REG_CLOCK_LO:
		*val = lower_32_bits(vc->clock_ns);
		break;
	case CIM_REG_CLOCK_HI:
		*val = upper_32_bits(vc->clock_ns);
		break;
	case CIM_REG_TEL_SIMD_NS_LO:
	case CIM_REG_TEL_SIMD_NS_HI:
	case CIM_REG_TEL_PE ... CIM_REG_TEL_SIMD_HI:
		*val = vcard_tel_read(vc, reg);
		break;
	case CIM_REG_TEMP_MC:
	case CIM_REG_POWER_UW:
		vcard_sensors_update(vc);
		*val = reg == CIM_REG_TEMP_MC ? vc->th.temp_mc : vc->th.power_uw;
		break;
	default:
		*val = vc->regs[reg / 4];
	}
	spin_unlock_irqrestore(&vc->reg_lock, flags);
	return 0;
}

static int vcard_host_write(void *ctx, unsigned int reg, unsigned int val)
{
	struct cim_hal *vc = ctx;
	unsigned long flags;
	int ev = -1;

	if (reg >= CIM_REG_SPACE || (reg & 3))
		return -EINVAL;
	spin_lock_irqsave(&vc->reg_lock, flags);
	switch (reg) {
	case CIM_REG_IRQ_STATUS:
		vc->regs[reg / 4] &= ~val;
		break;
	case CIM_REG_RESET:
		if (val == CIM_RESET_MAGIC) {
			/* From now on the old firmware's writes are dropped. */
			set_bit(VCARD_EV_RESET, &vc->events);
			/* Reads see the card down until the firmware rebooted. */
			vc->regs[CIM_REG_STATUS / 4] = 0;
			vcard_regs_reset_settings(vc);
			ev = VCARD_EV_RESET;
		}
		break;
	/* a new refresh policy is looked at right away */
	case CIM_REG_REFRESH_POLICY:
	case CIM_REG_REFRESH_THRESH:
		if (vcard_settings_off(vc))
			break;
		fallthrough;
	case CIM_REG_SQ_TAIL:
	case CIM_REG_CQ_HEAD:
	case CIM_REG_CTRL:
		vc->regs[reg / 4] = val;
		ev = VCARD_EV_KICK;
		break;
	case CIM_REG_DBG_FAULT:
		/* Write 1s to arm; the firmware clears each as it fires. */
		vc->regs[reg / 4] |= val & CIM_FAULT_ALL;
		break;
	case CIM_REG_POWER_STATE:
		if (val > CIM_POWER_SLEEP)
			break;
		/* The interval so far is charged at the old state's power. */
		vcard_sensors_update(vc);
		/* Switching the array-control domain off loses the settings. */
		if (val == CIM_POWER_SLEEP)
			vcard_regs_reset_settings(vc);
		vc->regs[reg / 4] = val;
		ev = VCARD_EV_KICK;	/* waking up: look at the rings */
		break;
	case CIM_REG_PERF_MODE:
		if (val <= CIM_PERF_EFFICIENCY && !vcard_settings_off(vc)) {
			vcard_sensors_update(vc);
			vc->regs[reg / 4] = val;
		}
		break;
	case CIM_REG_ADC_BITS_CFG:
		if (val <= vc->params.adc_bits && !vcard_settings_off(vc))
			vc->regs[reg / 4] = val;
		break;
	case CIM_REG_TEL_TILE:
	case CIM_REG_CANCEL_TAG_LO:
	case CIM_REG_CANCEL_TAG_HI:
	case CIM_REG_HOST_VERSION:
	case CIM_REG_IRQ_MASK:
	case CIM_REG_SQ_BASE_LO:
	case CIM_REG_SQ_BASE_HI:
	case CIM_REG_SQ_ENTRIES:
	case CIM_REG_CQ_BASE_LO:
	case CIM_REG_CQ_BASE_HI:
	case CIM_REG_CQ_ENTRIES:
		vc->regs[reg / 4] = val;
		break;
	default:
		/* Read-only or unimplemented (the firmware is built in). */
		break;
	}
	spin_unlock_irqrestore(&vc->reg_lock, flags);
	if (ev >= 0)
		vcard_event(vc, ev);
	return 0;
}

const struct regmap_bus vcard_regmap_bus = {
	.reg_read = vcard_host_read,
	.reg_write = vcard_host_write,
	.fast_io = true,
};
