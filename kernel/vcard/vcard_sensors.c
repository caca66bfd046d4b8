// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * What the card's management block shows besides the rings: a telemetry
 * window onto the per-tile counters the firmware keeps, and a temperature
 * and power model.  Power follows activity: a static part that depends on
 * the power state and performance mode plus a dynamic part proportional
 * to how busy the MCU was (host time of the firmware thread, so the model
 * answers to real load).  Temperature follows power through a first-order
 * thermal model: T moves toward ambient + R * P with time constant TAU.
 * Both are updated lazily, whenever they are read or the state changes.
 */
#include <linux/math64.h>

#include "vcard.h"
#include "../../firmware/cim_fw_hal.h"

#define VCARD_AMBIENT_MC	35000	/* ambient, milli-degC */
#define VCARD_R_MC_PER_W	12000	/* junction-to-ambient, mdegC per W */
#define VCARD_TAU_MS		2000	/* thermal time constant */
#define VCARD_SLEEP_UW		40000	/* clock-gated */

/* static and full-load dynamic power per performance mode, microwatts */
static const u32 vcard_idle_uw[] = { 700000, 550000, 400000 };
static const u32 vcard_dyn_uw[] = { 3000000, 2200000, 1400000 };

void vcard_sensors_init(struct cim_hal *vc)
{
	vc->th.last = ktime_get();
	vc->th.temp_mc = VCARD_AMBIENT_MC;
	vc->th.power_uw = vcard_idle_uw[0];
}

void vcard_sensors_update(struct cim_hal *vc)
{
	u32 mode = min_t(u32, vc->regs[CIM_REG_PERF_MODE / 4],
			 CIM_PERF_EFFICIENCY);
	ktime_t now = ktime_get();
	s64 dt_ns = ktime_to_ns(ktime_sub(now, vc->th.last));
	u64 busy = vc->fw_busy_ns - vc->th.busy_last;
	s64 target, t, dt_ms;
	u64 util_ppm;

	if (dt_ns < NSEC_PER_MSEC)
		return;		/* too short an interval to say anything */
	util_ppm = min_t(u64, div64_u64(busy * 1000000, dt_ns), 1000000);
	if (vc->regs[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP)
		vc->th.power_uw = VCARD_SLEEP_UW;
	else
		vc->th.power_uw = vcard_idle_uw[mode] +
			(u32)div_u64((u64)vcard_dyn_uw[mode] * util_ppm,
				     1000000);

	/* T += (target - T) * dt / (tau + dt): stable for any dt */
	dt_ms = div_s64(dt_ns, NSEC_PER_MSEC);
	target = VCARD_AMBIENT_MC +
		 div_s64((s64)vc->th.power_uw * VCARD_R_MC_PER_W, 1000000);
	t = vc->th.temp_mc;
	t += div_s64((target - t) * dt_ms, VCARD_TAU_MS + dt_ms);
	vc->th.temp_mc = (u32)t;
	vc->th.last = now;
	vc->th.busy_last = vc->fw_busy_ns;
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
