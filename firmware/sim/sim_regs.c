// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The register file of the userspace card: the host's reads and writes
 * (cim_sim_reg_read/write) with the rules cim_vcard.ko shares
 * (firmware/model/model_regs.c, docs/vcard.md), the firmware's (HAL),
 * interrupts, the modeled clock and the sensors' time source.
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
	cim_model_regs_init(h->regs, &h->params, h->plan_bytes, h->act_bytes);
	cim_model_thermal_init(&h->th, sim_now_ns());
}

/* Power and temperature: the emulated cards' model (model_sensors.c). */
void cim_model_sensors_update(struct cim_hal *h)
{
	cim_model_thermal_update(&h->th, sim_now_ns(), h->busy_ns, h->regs);
}

/* The rules of model_regs.c, under reg_lock. */
uint32_t cim_sim_reg_read(struct cim_sim *sim, uint32_t off)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uint32_t val;

	if (off >= CIM_REG_SPACE || (off & 3))
		return 0;
	pthread_mutex_lock(&h->reg_lock);
	val = cim_model_reg_read(h, h->regs, h->clock_ns, &h->th, off);
	pthread_mutex_unlock(&h->reg_lock);
	return val;
}

void cim_sim_reg_write(struct cim_sim *sim, uint32_t off, uint32_t val)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	uint32_t wr, ev = 0;

	if (off >= CIM_REG_SPACE || (off & 3))
		return;
	pthread_mutex_lock(&h->reg_lock);
	wr = cim_model_reg_write(h, h->regs, h->params.adc_bits, off, val);
	if (wr & CIM_MODEL_WR_RESET) {
		/* the old firmware's writes are dropped from now on */
		h->reset_held = 1;
		ev = SIM_EV_RESET;
	} else if (wr & CIM_MODEL_WR_KICK) {
		ev = SIM_EV_KICK;
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

int cim_sim_fw_idle(struct cim_sim *sim)
{
	struct cim_hal *h = (struct cim_hal *)sim;
	int idle;

	pthread_mutex_lock(&h->reg_lock);
	idle = h->fw_waiting && !h->events;
	pthread_mutex_unlock(&h->reg_lock);
	return idle;
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
	/* slower clocks in the power-saving modes (model_regs.c) */
	h->clock_ns += cim_model_clock_scale(h->regs, ns);
	pthread_mutex_unlock(&h->reg_lock);
}
