// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The register file of an emulated card as the host sees it
 * (docs/vcard.md, docs/card-interface.md): its power-on values, what a
 * host read or write does, and the modeled clock's slower rates in the
 * power-saving modes.  One set of rules for cim_vcard.ko
 * (kernel/vcard/vcard_regs.c) and the userspace card
 * (firmware/sim/sim_regs.c); each holds its own lock around the calls
 * and wakes its own firmware thread on CIM_MODEL_WR_*.
 */
#include "cim_model.h"
#include "../cim_fw_hal.h"

void cim_model_regs_init(uint32_t *r, const struct cim_card_params *p,
			 uint32_t plan_bytes, uint32_t act_bytes)
{
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
	r[CIM_REG_PLAN_BYTES / 4] = plan_bytes;
	r[CIM_REG_ARENA_BYTES / 4] = act_bytes;
	r[CIM_REG_ANALOG / 4] = p->analog;
	r[CIM_REG_SPARE_COLS / 4] = p->spare_cols;
}

/* Slower clocks in the power-saving modes: balanced 5/4, efficiency 2x. */
uint64_t cim_model_clock_scale(const uint32_t *r, uint64_t ns)
{
	switch (r[CIM_REG_PERF_MODE / 4]) {
	case CIM_PERF_BALANCED:
		return ns + ns / 4;
	case CIM_PERF_EFFICIENCY:
		return ns * 2;
	default:
		return ns;
	}
}

uint32_t cim_model_reg_read(struct cim_hal *h, const uint32_t *r,
			    uint64_t clock_ns,
			    const struct cim_model_thermal *th, uint32_t off)
{
	uint32_t tile = r[CIM_REG_TEL_TILE / 4];
	const struct cim_tile_stats *s;

	switch (off) {
	case CIM_REG_CLOCK_LO:
		return (uint32_t)clock_ns;
	case CIM_REG_CLOCK_HI:
		return (uint32_t)(clock_ns >> 32);
	case CIM_REG_TEL_SIMD_NS_LO:
	case CIM_REG_TEL_SIMD_NS_HI:
	case CIM_REG_TEL_PE:
	case CIM_REG_TEL_MVM_LO:
	case CIM_REG_TEL_MVM_HI:
	case CIM_REG_TEL_PULSE_LO:
	case CIM_REG_TEL_PULSE_HI:
	case CIM_REG_TEL_BUSY_LO:
	case CIM_REG_TEL_BUSY_HI:
	case CIM_REG_TEL_MAC_LO:
	case CIM_REG_TEL_MAC_HI:
	case CIM_REG_TEL_SIMD_LO:
	case CIM_REG_TEL_SIMD_HI:
		s = cim_hal_tile_stats(h, tile);
		return s ? cim_model_tel_read(s, cim_hal_tile_pe(h, tile), off) :
			   0;
	case CIM_REG_TEMP_MC:
		cim_model_sensors_update(h);
		return th->temp_mc;
	case CIM_REG_POWER_UW:
		cim_model_sensors_update(h);
		return th->power_uw;
	default:
		return r[off / 4];
	}
}

/*
 * The settings registers (PERF_MODE, ADC_BITS_CFG, REFRESH_POLICY,
 * REFRESH_THRESH) return to their power-on values on the reset line, as
 * a card's register block would, and when the card goes to sleep: they
 * sit in the array-control power domain, which SLEEP switches off.  The
 * host must write them again (cim.ko does, cim_knobs.c).
 */
static void model_regs_reset_settings(struct cim_hal *h, uint32_t *r)
{
	/* The interval so far is charged at the old performance mode. */
	cim_model_sensors_update(h);
	r[CIM_REG_PERF_MODE / 4] = CIM_PERF_PERFORMANCE;
	r[CIM_REG_ADC_BITS_CFG / 4] = 0;
	r[CIM_REG_REFRESH_POLICY / 4] = CIM_REFRESH_OFF;
	r[CIM_REG_REFRESH_THRESH / 4] = 0;
}

/* Asleep, the settings read their power-on values and ignore writes. */
static int model_regs_settings_off(const uint32_t *r)
{
	return r[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP;
}

uint32_t cim_model_reg_write(struct cim_hal *h, uint32_t *r,
			     uint32_t adc_bits, uint32_t off, uint32_t val)
{
	switch (off) {
	case CIM_REG_IRQ_STATUS:
		r[off / 4] &= ~val;
		return 0;
	case CIM_REG_RESET:
		if (val != CIM_RESET_MAGIC)
			return 0;
		/* Reads see the card down until the firmware rebooted. */
		r[CIM_REG_STATUS / 4] = 0;
		model_regs_reset_settings(h, r);
		return CIM_MODEL_WR_RESET;
	case CIM_REG_REFRESH_POLICY:
	case CIM_REG_REFRESH_THRESH:
		if (model_regs_settings_off(r))
			return 0;
		/* a new refresh policy is looked at right away */
		r[off / 4] = val;
		return CIM_MODEL_WR_KICK;
	case CIM_REG_SQ_TAIL:
	case CIM_REG_CQ_HEAD:
	case CIM_REG_CTRL:
		r[off / 4] = val;
		return CIM_MODEL_WR_KICK;
	case CIM_REG_DBG_FAULT:
		/* Write 1s to arm; the firmware clears each as it fires. */
		r[off / 4] |= val & CIM_FAULT_ALL;
		return 0;
	case CIM_REG_POWER_STATE:
		if (val > CIM_POWER_SLEEP)
			return 0;
		/* The interval so far is charged at the old state's power. */
		cim_model_sensors_update(h);
		/* Switching the array-control domain off loses the settings. */
		if (val == CIM_POWER_SLEEP)
			model_regs_reset_settings(h, r);
		r[off / 4] = val;
		return CIM_MODEL_WR_KICK;	/* waking up: look at the rings */
	case CIM_REG_PERF_MODE:
		if (val <= CIM_PERF_EFFICIENCY && !model_regs_settings_off(r)) {
			cim_model_sensors_update(h);
			r[off / 4] = val;
		}
		return 0;
	case CIM_REG_ADC_BITS_CFG:
		if (val <= adc_bits && !model_regs_settings_off(r))
			r[off / 4] = val;
		return 0;
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
		r[off / 4] = val;
		return 0;
	default:
		/* Read-only or unimplemented (the firmware is built in). */
		return 0;
	}
}
