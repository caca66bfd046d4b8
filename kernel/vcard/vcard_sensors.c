// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The emulated cards' temperature and power model
 * (firmware/model/model_sensors.c, shared with the userspace card), fed
 * with the host time the firmware thread was busy.  Updated lazily,
 * whenever read or the state changes (firmware/model/model_regs.c); the
 * telemetry window is model_regs.c's too.
 */

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

void vcard_sensors_init(struct cim_hal *vc)
{
	cim_model_thermal_init(&vc->th, ktime_get_ns());
}

/* The platform's part of firmware/model/model_regs.c; reg_lock held. */
void cim_model_sensors_update(struct cim_hal *vc)
{
	cim_model_thermal_update(&vc->th, ktime_get_ns(), vc->fw_busy_ns,
				 vc->regs);
}
