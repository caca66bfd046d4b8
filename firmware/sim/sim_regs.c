// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The register file of the userspace card, as cim_vcard.ko has it
 * (kernel/vcard/vcard_regs.c, docs/vcard.md): the host's reads and writes
 * (cim_sim_reg_read/write), the firmware's (HAL), interrupts, the
 * modeled clock, the telemetry window and the power/temperature model.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "../cim_fw_hal.h"

uint64_t sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sim_regs_init(struct cim_hal *h)
{
	const struct cim_card_params *p = &h->params;
	uint32_t *r = h->regs;

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
	r[CIM_REG_PLAN_BYTES / 4] = h->plan_bytes;
	r[CIM_REG_ARENA_BYTES / 4] = h->act_bytes;
	r[CIM_REG_ANALOG / 4] = p->analog;
	r[CIM_REG_SPARE_COLS / 4] = p->spare_cols;
	cim_model_thermal_init(&h->th, sim_now_ns());
}

/* Power and temperature: the emulated cards' model (model_sensors.c). */
void sim_sensors_update(struct cim_hal *h)
{
	cim_model_thermal_update(&h->th, sim_now_ns(), h->busy_ns,
				 h->regs[CIM_REG_PERF_MODE / 4],
				 h->regs[CIM_REG_POWER_STATE / 4] ==
				 CIM_POWER_SLEEP);
}

static uint32_t sim_tel_read(struct cim_hal *h, uint32_t reg)
{
	uint32_t tile = h->regs[CIM_REG_TEL_TILE / 4];

	if (tile >= h->params.tiles)
		return 0;
	return cim_model_tel_read(&h->tstats[tile], h->pe[tile], reg);
}

uint32_t cim_sim_reg_read(struct cim_sim *sim, uint32_t off)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uint32_t val;

	if (off >= CIM_REG_SPACE || (off & 3))
		return 0;
	pthread_mutex_lock(&h->reg_lock);
	switch (off) {
	case CIM_REG_CLOCK_LO:
		val = (uint32_t)h->clock_ns;
		break;
	case CIM_REG_CLOCK_HI:
		val = (uint32_t)(h->clock_ns >> 32);
		break;
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
		val = sim_tel_read(h, off);
		break;
	case CIM_REG_TEMP_MC:
	case CIM_REG_POWER_UW:
		sim_sensors_update(h);
		val = off == CIM_REG_TEMP_MC ? h->th.temp_mc : h->th.power_uw;
		break;
	default:
		val = h->regs[off / 4];
	}
	pthread_mutex_unlock(&h->reg_lock);
	return val;
}

/* The settings registers lose their values on reset and in sleep. */
static void sim_reset_settings(struct cim_hal *h)
{
	sim_sensors_update(h);
	h->regs[CIM_REG_PERF_MODE / 4] = CIM_PERF_PERFORMANCE;
	h->regs[CIM_REG_ADC_BITS_CFG / 4] = 0;
	h->regs[CIM_REG_REFRESH_POLICY / 4] = CIM_REFRESH_OFF;
	h->regs[CIM_REG_REFRESH_THRESH / 4] = 0;
}

static int sim_settings_off(struct cim_hal *h)
{
	return h->regs[CIM_REG_POWER_STATE / 4] == CIM_POWER_SLEEP;
}

void cim_sim_reg_write(struct cim_sim *sim, uint32_t off, uint32_t val)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uint32_t ev = 0;

	if (off >= CIM_REG_SPACE || (off & 3))
		return;
	pthread_mutex_lock(&h->reg_lock);
	switch (off) {
	case CIM_REG_IRQ_STATUS:
		h->regs[off / 4] &= ~val;
		break;
	case CIM_REG_RESET:
		if (val == CIM_RESET_MAGIC) {
			/* the old firmware's writes are dropped from now on */
			h->reset_held = 1;
			h->regs[CIM_REG_STATUS / 4] = 0;
			sim_reset_settings(h);
			ev = SIM_EV_RESET;
		}
		break;
	case CIM_REG_REFRESH_POLICY:
	case CIM_REG_REFRESH_THRESH:
		if (sim_settings_off(h))
			break;
		/* a new policy is looked at right away */
		__attribute__((fallthrough));
	case CIM_REG_SQ_TAIL:
	case CIM_REG_CQ_HEAD:
	case CIM_REG_CTRL:
		h->regs[off / 4] = val;
		ev = SIM_EV_KICK;
		break;
	case CIM_REG_DBG_FAULT:
		h->regs[off / 4] |= val & CIM_FAULT_ALL;
		break;
	case CIM_REG_POWER_STATE:
		if (val > CIM_POWER_SLEEP)
			break;
		sim_sensors_update(h);
		if (val == CIM_POWER_SLEEP)
			sim_reset_settings(h);
		h->regs[off / 4] = val;
		ev = SIM_EV_KICK;
		break;
	case CIM_REG_PERF_MODE:
		if (val <= CIM_PERF_EFFICIENCY && !sim_settings_off(h)) {
			sim_sensors_update(h);
			h->regs[off / 4] = val;
		}
		break;
	case CIM_REG_ADC_BITS_CFG:
		if (val <= h->params.adc_bits && !sim_settings_off(h))
			h->regs[off / 4] = val;
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
		h->regs[off / 4] = val;
		break;
	default:
		break;		/* read-only or not implemented */
	}
	if (ev) {
		h->events |= ev;
		pthread_cond_signal(&h->wake);
	}
	pthread_mutex_unlock(&h->reg_lock);
}

void cim_sim_age(struct cim_sim *sim, uint64_t seconds)
{
	struct cim_hal *h = (struct cim_hal *)sim;

	cim_hal_clock_advance(h, seconds * 1000000000ull);
	pthread_mutex_lock(&h->reg_lock);
	h->events |= SIM_EV_KICK;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->reg_lock);
}

void cim_sim_set_irq_handler(struct cim_sim *sim, cim_sim_irq_fn fn,
			     void *ctx)
{
	struct cim_hal *h = (struct cim_hal *)sim;

	pthread_mutex_lock(&h->irq_lock);
	h->irq_fn = fn;
	h->irq_ctx = ctx;
	pthread_mutex_unlock(&h->irq_lock);
}

int cim_sim_irq_fd(struct cim_sim *sim)
{
	return ((struct cim_hal *)sim)->irq_fd;
}

/* --- the firmware's side ------------------------------------------- */

uint32_t cim_hal_reg_read(struct cim_hal *h, uint32_t off)
{
	uint32_t val;

	if (off >= CIM_REG_SPACE)
		return 0;
	pthread_mutex_lock(&h->reg_lock);
	val = h->regs[off / 4];
	pthread_mutex_unlock(&h->reg_lock);
	return val;
}

void cim_hal_reg_write(struct cim_hal *h, uint32_t off, uint32_t val)
{
	if (off >= CIM_REG_SPACE)
		return;
	pthread_mutex_lock(&h->reg_lock);
	if (!h->reset_held)
		h->regs[off / 4] = val;
	pthread_mutex_unlock(&h->reg_lock);
}

void cim_hal_irq_raise(struct cim_hal *h, uint32_t bits)
{
	uint64_t one = 1;
	uint32_t pending;
	cim_sim_irq_fn fn;
	void *ctx;

	pthread_mutex_lock(&h->reg_lock);
	if (h->reset_held) {
		pthread_mutex_unlock(&h->reg_lock);
		return;
	}
	h->regs[CIM_REG_IRQ_STATUS / 4] |= bits;
	pending = bits & h->regs[CIM_REG_IRQ_MASK / 4];
	pthread_mutex_unlock(&h->reg_lock);
	if (!pending)
		return;
	pthread_mutex_lock(&h->irq_lock);
	fn = h->irq_fn;
	ctx = h->irq_ctx;
	pthread_mutex_unlock(&h->irq_lock);
	/* the handler first: a host woken by the eventfd sees its work */
	if (fn)
		fn(ctx, pending);
	if (h->irq_fd >= 0 && write(h->irq_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		return;
}

uint64_t cim_hal_clock_now(struct cim_hal *h)
{
	uint64_t v;

	pthread_mutex_lock(&h->reg_lock);
	v = h->clock_ns;
	pthread_mutex_unlock(&h->reg_lock);
	return v;
}

void cim_hal_clock_advance(struct cim_hal *h, uint64_t ns)
{
	pthread_mutex_lock(&h->reg_lock);
	/* slower clocks in the power-saving modes, as cim_vcard.ko */
	switch (h->regs[CIM_REG_PERF_MODE / 4]) {
	case CIM_PERF_BALANCED:
		ns += ns / 4;
		break;
	case CIM_PERF_EFFICIENCY:
		ns *= 2;
		break;
	}
	h->clock_ns += ns;
	pthread_mutex_unlock(&h->reg_lock);
}
