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

	if (tile >= vc->params.tiles)
		return 0;
	return cim_model_tel_read(&vc->tstats[tile], cim_hal_tile_pe(vc, tile),
				  reg);
}
