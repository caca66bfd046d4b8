// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Power and temperature of an emulated card (docs/vcard.md): a static
 * part that depends on the power state and performance mode, plus a
 * dynamic part proportional to how busy the card's MCU was (host time of
 * the firmware thread, so the model answers to real load).  Temperature
 * follows power through a first-order thermal model: T moves toward
 * ambient + R * P with time constant TAU.  Updated lazily, whenever read
 * or when the state changes.  And the telemetry window (TEL_*) onto the
 * per-tile counters the firmware keeps.  The kernel virtual card and the
 * userspace card share both.
 */
#include "cim_model.h"
#include "../fw_analog.h"

#define MODEL_AMBIENT_MC	35000	/* ambient, milli-degC */
#define MODEL_R_MC_PER_W	12000	/* junction-to-ambient, mdegC per W */
#define MODEL_TAU_MS		2000	/* thermal time constant */
#define MODEL_SLEEP_UW		40000	/* clock-gated */

/* static and full-load dynamic power per performance mode, microwatts */
static const uint32_t model_idle_uw[] = { 700000, 550000, 400000 };
static const uint32_t model_dyn_uw[] = { 3000000, 2200000, 1400000 };

void cim_model_thermal_init(struct cim_model_thermal *th, uint64_t now_ns)
{
	th->last_ns = now_ns;
	th->busy_last = 0;
	th->temp_mc = MODEL_AMBIENT_MC;
	th->power_uw = model_idle_uw[0];
}

void cim_model_thermal_update(struct cim_model_thermal *th, uint64_t now_ns,
			      uint64_t busy_ns, const uint32_t *r)
{
	uint32_t perf_mode = r[CIM_REG_PERF_MODE / 4];
	uint32_t mode = perf_mode > 2 ? 2 : perf_mode;
	int asleep = r[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP;
	uint64_t dt_ns = now_ns - th->last_ns, util_ppm, dt_ms;
	uint64_t busy = busy_ns - th->busy_last;
	int64_t target, t;

	if (dt_ns < 1000000)
		return;		/* too short an interval to say anything */
	util_ppm = (uint64_t)fw_an_div_s64((int64_t)(busy * 1000000),
					   (int64_t)dt_ns);
	util_ppm = util_ppm > 1000000 ? 1000000 : util_ppm;
	if (asleep)
		th->power_uw = MODEL_SLEEP_UW;
	else
		th->power_uw = model_idle_uw[mode] +
			(uint32_t)fw_div_u64_u32((uint64_t)model_dyn_uw[mode] *
						 util_ppm, 1000000);

	/* T += (target - T) * dt / (tau + dt): stable for any dt */
	dt_ms = fw_div_u64_u32(dt_ns, 1000000);
	target = MODEL_AMBIENT_MC +
		 (int64_t)fw_div_u64_u32((uint64_t)th->power_uw *
					 MODEL_R_MC_PER_W, 1000000);
	t = th->temp_mc;
	t += fw_an_div_s64((target - t) * (int64_t)dt_ms,
			   MODEL_TAU_MS + (int64_t)dt_ms);
	th->temp_mc = (uint32_t)t;
	th->last_ns = now_ns;
	th->busy_last = busy_ns;
}

uint32_t cim_model_tel_read(const struct cim_tile_stats *s, uint32_t pe,
			    uint32_t reg)
{
	uint64_t v;

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
		return reg == CIM_REG_TEL_PE ? pe : 0;
	}
	return reg & 4 ? (uint32_t)(v >> 32) : (uint32_t)v;
}
