// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * What the card's management block shows besides the rings: a telemetry
 * window onto the per-tile counters the firmware keeps, and the emulated
 * cards' temperature and power model (firmware/model/model_sensors.c,
 * shared with the userspace card), fed with the host time the firmware
 * thread was busy.  Updated lazily, whenever read or the state changes.
 */

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

void vcard_sensors_init(struct cim_hal *vc)
{
	cim_model_thermal_init(&vc->th, ktime_get_ns());
}

void vcard_sensors_update(struct cim_hal *vc)
{
	cim_model_thermal_update(&vc->th, ktime_get_ns(), vc->fw_busy_ns,
				 vc->regs[CIM_REG_PERF_MODE / 4],
				 vc->regs[CIM_REG_POWER_STATE / 4] ==
				 CIM_POWER_SLEEP);
}

u32 vcard_tel_read(struct cim_hal *vc, unsigned int reg)
{
	u32 tile = vc->regs[CIM_REG_TEL_TILE / 4];
	const struct cim_tile_stats *s;
	u64 v;

	if (tile >= vc->params.tiles)
		return 0;
	s = &vc->tstats[tile];
	switch (reg & ~4u) {
	case CIM_REG_TEL_MVM_LO:
		v = s->mvms;
		break;
	case CIM_REG_TEL_PULSE_LO:
		v = s->program_pulses;
		break;
	case CIM_REG_TEL_BUSY_LO:
		v = s->busy_ns;
		break;
	case CIM_REG_TEL_MAC_LO:
		v = s->macs;
		break;
	case CIM_REG_TEL_SIMD_LO:
		v = s->simd_ops;
		break;
	case CIM_REG_TEL_SIMD_NS_LO:
		v = s->simd_ns;
		break;
	default:
		/* TEL_PE: the wear table, the card's one count of erases */
		return reg == CIM_REG_TEL_PE ? cim_hal_tile_pe(vc, tile) : 0;
	}
	return reg & 4 ? upper_32_bits(v) : lower_32_bits(v);
}
