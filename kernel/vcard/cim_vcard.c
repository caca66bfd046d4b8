// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * cim_vcard.ko: a virtual CIM card.  It registers a platform device that
 * cim.ko binds to exactly as to hardware: a register file, rings in host
 * memory reached by DMA, a completion interrupt, and the card firmware
 * running in a kthread against emulated flash arrays with a modeled clock.
 * The flash contents live as long as this module.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "vcard.h"
#include "../cim_compat.h"
#include "../../firmware/cim_fw_hal.h"

static char *preset = "m1076";
module_param(preset, charp, 0444);
MODULE_PARM_DESC(preset, "Card model: m1076 (76 tiles of 1024x1024) or small (8 tiles of 256x256)");

static unsigned int tiles, rows, cols, adc_bits, mvm_ns, link_mb_s, plan_kb;
static unsigned int program_row_ns, simd_ps, arena_kb = 4096;
static unsigned int mvm_fixed_ns, row_group, adcs, xfer_ps, xfer_fixed_ns;
static unsigned int simd_lanes, simd_mhz;
static char *sched_mode = "pipelined";
module_param(tiles, uint, 0444);
MODULE_PARM_DESC(tiles, "Flash tiles (0 = preset)");
module_param(rows, uint, 0444);
MODULE_PARM_DESC(rows, "Rows (word lines) per tile (0 = preset)");
module_param(cols, uint, 0444);
MODULE_PARM_DESC(cols, "Columns (cells per row) per tile (0 = preset)");
module_param(adc_bits, uint, 0444);
MODULE_PARM_DESC(adc_bits, "Column ADC bits (0 = preset)");
module_param(mvm_ns, uint, 0444);
MODULE_PARM_DESC(mvm_ns, "Modeled time of one full-array MVM, ns (0 = preset)");
module_param(link_mb_s, uint, 0444);
MODULE_PARM_DESC(link_mb_s, "Modeled host link bandwidth, MB/s (0 = preset)");
module_param(plan_kb, uint, 0444);
MODULE_PARM_DESC(plan_kb, "Plan memory per image slot, KiB (0 = preset)");
module_param(program_row_ns, uint, 0444);
MODULE_PARM_DESC(program_row_ns, "Modeled program-and-verify time per row, ns (0 = preset)");
module_param(simd_ps, uint, 0444);
MODULE_PARM_DESC(simd_ps, "Modeled digital op time per element, ps (0 = preset)");
module_param(arena_kb, uint, 0444);
MODULE_PARM_DESC(arena_kb, "Activation memory for one batch item, KiB (default 4096)");
module_param(mvm_fixed_ns, uint, 0444);
MODULE_PARM_DESC(mvm_fixed_ns, "Part of any MVM's time that does not depend on its size, ns (0 = preset)");
module_param(row_group, uint, 0444);
MODULE_PARM_DESC(row_group, "Rows summed per ADC phase (0 = preset)");
module_param(adcs, uint, 0444);
MODULE_PARM_DESC(adcs, "Column ADCs per tile (0 = preset)");
module_param(xfer_ps, uint, 0444);
MODULE_PARM_DESC(xfer_ps, "Modeled tile-to-tile transfer time per byte, ps (0 = preset)");
module_param(xfer_fixed_ns, uint, 0444);
MODULE_PARM_DESC(xfer_fixed_ns, "Modeled latency of one tile-to-tile transfer, ns (0 = preset)");
module_param(simd_lanes, uint, 0444);
MODULE_PARM_DESC(simd_lanes, "Int8 multiply-add lanes of a tile's SIMD unit (0 = preset)");
module_param(simd_mhz, uint, 0444);
MODULE_PARM_DESC(simd_mhz, "Clock of a tile's SIMD unit, MHz (0 = preset)");
module_param_named(schedule, sched_mode, charp, 0444);
MODULE_PARM_DESC(schedule, "Tile schedule: pipelined (default) or naive (one layer at a time)");

/*
 * The analog array model (docs/analog-model.md).  -1 keeps the model's
 * default; analog=0 (the default) is the ideal, bit-exact card.
 */
static int analog, seed = -1, spare_cols = -1, prog_tol_q8 = -1;
static int pulse_cap = -1, pulse_ns = -1, read_noise_q8 = -1;
static int drift_ppm = -1, gain_sigma_ppm = -1, offset_q8 = -1;
static int adc_fs_sigma_q4 = -1, weak_col_ppm = -1, weak_col = -1;
static int adc_cal_sigma_q4 = -1;
module_param(analog, int, 0444);
MODULE_PARM_DESC(analog, "Array model: 0 ideal (bit-exact), 1 analog");
module_param(seed, int, 0444);
MODULE_PARM_DESC(seed, "Seed of the analog model (-1 = 1)");
module_param(spare_cols, int, 0444);
MODULE_PARM_DESC(spare_cols, "Spare columns per tile, 0..16 (-1 = 8)");
module_param(prog_tol_q8, int, 0444);
MODULE_PARM_DESC(prog_tol_q8, "Program-verify tolerance, 1/256 level (-1 = 26)");
module_param(pulse_cap, int, 0444);
MODULE_PARM_DESC(pulse_cap, "Program pulses per cell before verify fails (-1 = 64)");
module_param(pulse_ns, int, 0444);
MODULE_PARM_DESC(pulse_ns, "Modeled time of one program pulse of a row, ns (-1 = 250)");
module_param(read_noise_q8, int, 0444);
MODULE_PARM_DESC(read_noise_q8, "Read noise per sqrt(active row), 1/256 level rms (-1 = 5)");
module_param(drift_ppm, int, 0444);
MODULE_PARM_DESC(drift_ppm, "Mean level loss per decade of time, ppm (-1 = 10000)");
module_param(gain_sigma_ppm, int, 0444);
MODULE_PARM_DESC(gain_sigma_ppm, "Column gain error rms, ppm (-1 = 20000)");
module_param(offset_q8, int, 0444);
MODULE_PARM_DESC(offset_q8, "Column reference error rms per active row, 1/256 level (-1 = 13)");
module_param(adc_fs_sigma_q4, int, 0444);
MODULE_PARM_DESC(adc_fs_sigma_q4, "ADC window, column sigmas in 1/16 (-1 = 64)");
module_param(adc_cal_sigma_q4, int, 0444);
MODULE_PARM_DESC(adc_cal_sigma_q4, "Range calibration: ADC window, measured column sigmas in 1/16, 0 = off (-1 = 48)");
module_param(weak_col_ppm, int, 0444);
MODULE_PARM_DESC(weak_col_ppm, "Columns that cannot verify levels above 3, ppm (-1 = 200)");
module_param(weak_col, int, 0444);
MODULE_PARM_DESC(weak_col, "Inject a weak column: tile * 65536 + column (-1 = none)");

/*
 * Fault injection for recovery tests (docs/vcard.md): the next
 * reset_fail resets of the card fail (the firmware fails its self-test:
 * STATUS=ERROR, FW_ERROR=BOOT, and it stays dead until the next reset);
 * -1: every reset fails.
 */
static int reset_fail;
module_param(reset_fail, int, 0644);
MODULE_PARM_DESC(reset_fail, "Resets that fail from now on: N, or -1 for all (default 0)");

static struct cim_hal *vcard;
static DEFINE_MUTEX(vcard_age_lock);
static u64 age_s;

/*
 * age_s: seconds the card has sat powered beyond the work it did.  It
 * only grows; writing a larger value advances the modeled clock by the
 * difference (drift and refresh follow the clock) and wakes the firmware.
 */
static int vcard_age_set(const char *val, const struct kernel_param *kp)
{
	struct cim_hal *vc;
	u64 v;
	int ret;

	ret = kstrtou64(val, 0, &v);
	if (ret)
		return ret;
	if (v > 1000ull * 365 * 86400)
		return -ERANGE;
	mutex_lock(&vcard_age_lock);
	if (v < age_s) {
		mutex_unlock(&vcard_age_lock);
		return -EINVAL;
	}
	vc = vcard;
	if (vc) {
		cim_hal_clock_advance(vc, (v - age_s) * NSEC_PER_SEC);
		set_bit(VCARD_EV_KICK, &vc->events);
		wake_up(&vc->wq);
	}
	age_s = v;
	mutex_unlock(&vcard_age_lock);
	return 0;
}

static int vcard_age_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%llu\n", age_s);
}

static const struct kernel_param_ops vcard_age_ops = {
	.set = vcard_age_set,
	.get = vcard_age_get,
};
module_param_cb(age_s, &vcard_age_ops, NULL, 0644);
MODULE_PARM_DESC(age_s, "Powered time added to the modeled clock, s (only grows)");

static void vcard_pick_analog(struct cim_card_params *p)
{
	cim_fw_analog_defaults(p);
	p->analog = analog > 0;
#define VCARD_KNOB(field, param) do { if (param >= 0) p->field = param; } while (0)
	VCARD_KNOB(seed, seed);
	VCARD_KNOB(spare_cols, spare_cols);
	VCARD_KNOB(prog_tol_q8, prog_tol_q8);
	VCARD_KNOB(pulse_cap, pulse_cap);
	VCARD_KNOB(pulse_ns, pulse_ns);
	VCARD_KNOB(read_noise_q8, read_noise_q8);
	VCARD_KNOB(drift_ppm, drift_ppm);
	VCARD_KNOB(gain_sigma_ppm, gain_sigma_ppm);
	VCARD_KNOB(offset_q8, offset_q8);
	VCARD_KNOB(adc_fs_sigma_q4, adc_fs_sigma_q4);
	VCARD_KNOB(adc_cal_sigma_q4, adc_cal_sigma_q4);
	VCARD_KNOB(weak_col_ppm, weak_col_ppm);
#undef VCARD_KNOB
	p->weak_col = weak_col >= 0 ? (u32)weak_col + 1 : 0;
}

static int vcard_pick_params(struct cim_hal *vc)
{
	const struct cim_model_preset *pr = cim_model_preset(preset);
	struct cim_card_params *p = &vc->params;

	if (!pr) {
		pr_err("cim_vcard: unknown preset '%s'\n", preset);
		return -EINVAL;
	}
	*p = pr->p;
	vc->plan_bytes = pr->plan_kb * 1024;
#define VCARD_OVERRIDE(field, param) do { if (param) field = param; } while (0)
	VCARD_OVERRIDE(p->tiles, tiles);
	VCARD_OVERRIDE(p->rows, rows);
	VCARD_OVERRIDE(p->cols, cols);
	VCARD_OVERRIDE(p->adc_bits, adc_bits);
	VCARD_OVERRIDE(p->mvm_ns, mvm_ns);
	VCARD_OVERRIDE(p->link_mb_s, link_mb_s);
	VCARD_OVERRIDE(p->program_row_ns, program_row_ns);
	VCARD_OVERRIDE(p->simd_ps_per_elem, simd_ps);
	VCARD_OVERRIDE(p->mvm_fixed_ns, mvm_fixed_ns);
	VCARD_OVERRIDE(p->row_group, row_group);
	VCARD_OVERRIDE(p->adcs, adcs);
	VCARD_OVERRIDE(p->xfer_ps_per_byte, xfer_ps);
	VCARD_OVERRIDE(p->xfer_fixed_ns, xfer_fixed_ns);
	VCARD_OVERRIDE(p->simd_lanes, simd_lanes);
	VCARD_OVERRIDE(p->simd_mhz, simd_mhz);
	if (!strcmp(sched_mode, "naive")) {
		p->sched_naive = 1;
	} else if (strcmp(sched_mode, "pipelined")) {
		pr_err("cim_vcard: unknown schedule '%s'\n", sched_mode);
		return -EINVAL;
	}
	vc->act_bytes = arena_kb * 1024;
	if (plan_kb)
		vc->plan_bytes = plan_kb * 1024;
#undef VCARD_OVERRIDE
	vcard_pick_analog(p);
	if (!p->tiles || p->tiles > 1024 || !p->rows || p->rows > 4096 ||
	    !p->cols || p->cols > 4096 || (p->cols & 1) ||
	    !p->link_mb_s || vc->plan_bytes < 4096 || !arena_kb ||
	    arena_kb > 1024 * 1024 || p->spare_cols > 16) {
		pr_err("cim_vcard: impossible card geometry\n");
		return -EINVAL;
	}
	return 0;
}

/* The card MCU: sleep until the host rings, then drain the rings. */
static bool vcard_asleep(struct cim_hal *vc)
{
	return READ_ONCE(vc->regs[CIM_REG_POWER_STATE / 4]) == CIM_POWER_SLEEP;
}

/* Does this reset fail (reset_fail)?  Counts it down. */
static bool vcard_reset_fails(void)
{
	int left = READ_ONCE(reset_fail);

	if (!left)
		return false;
	if (left > 0)
		WRITE_ONCE(reset_fail, left - 1);
	return true;
}

static int vcard_fw_thread(void *arg)
{
	struct cim_hal *vc = arg;
	unsigned long flags;
	bool busy;
	ktime_t t0;

	while (!kthread_should_stop()) {
		wait_event_interruptible(vc->wq, vc->events ||
					 kthread_should_stop());
		if (test_bit(VCARD_EV_RESET, &vc->events)) {
			/* out of reset first, or the firmware cannot write */
			clear_bit(VCARD_EV_RESET, &vc->events);
			cim_fw_reset(vc->fw, vc);
			vc->boot_failed = vcard_reset_fails();
			if (vc->boot_failed) {
				cim_hal_reg_write(vc, CIM_REG_FW_ERROR,
						  CIM_FWERR_BOOT);
				cim_hal_reg_write(vc, CIM_REG_STATUS,
						  CIM_STATUS_ERROR);
			}
		}
		clear_bit(VCARD_EV_KICK, &vc->events);
		/* A firmware that failed its self-test runs nothing. */
		if (vc->boot_failed)
			continue;
		/* A sleeping card's MCU is clock-gated: doorbells wait. */
		if (vcard_asleep(vc))
			continue;
		/* Busy time is charged per poll: the sensors see load live. */
		do {
			t0 = ktime_get();
			busy = cim_fw_poll(vc->fw) > 0;
			spin_lock_irqsave(&vc->reg_lock, flags);
			vc->fw_busy_ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
			spin_unlock_irqrestore(&vc->reg_lock, flags);
			cond_resched();
		} while (busy);
	}
	return 0;
}

static int vcard_irq_init(struct cim_hal *vc)
{
	/* from 1: 0 is no IRQ to platform_get_irq(), and free on arm64 */
	vc->irq = irq_alloc_desc_from(1, NUMA_NO_NODE);
	if (vc->irq < 0)
		return vc->irq;
	irq_set_chip_and_handler(vc->irq, &dummy_irq_chip, handle_simple_irq);
	irq_modify_status(vc->irq, IRQ_NOREQUEST | IRQ_NOAUTOEN, IRQ_NOPROBE);
	return 0;
}

static const struct regmap_config vcard_regmap_config = {
	.name = "cim-vcard",
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = CIM_REG_SPACE - 4,
	.fast_io = true,
};

static int vcard_devices_init(struct cim_hal *vc)
{
	struct resource res = DEFINE_RES_IRQ(vc->irq);
	int ret;

	vc->parent = platform_device_register_simple("cim-vcard",
						     PLATFORM_DEVID_AUTO,
						     NULL, 0);
	if (IS_ERR(vc->parent))
		return PTR_ERR(vc->parent);
	/* Not devm: no driver binds the parent, the map lives with us. */
	vc->regmap = regmap_init(&vc->parent->dev, &vcard_regmap_bus, vc,
				 &vcard_regmap_config);
	if (IS_ERR(vc->regmap)) {
		platform_device_unregister(vc->parent);
		return PTR_ERR(vc->regmap);
	}
	/*
	 * The card's emulated DMA reads and writes memory through the
	 * kernel's cached mapping, as the CPU does: it is DMA-coherent,
	 * which a device without firmware node must say itself (arm64
	 * takes it as non-coherent).  Set before the driver can bind.
	 */
	vc->card = platform_device_alloc("cim", PLATFORM_DEVID_AUTO);
	ret = vc->card ? 0 : -ENOMEM;
	if (!ret) {
		vc->card->dev.parent = &vc->parent->dev;
		vc->card->platform_dma_mask = DMA_BIT_MASK(64);
		vc->card->dev.dma_mask = &vc->card->platform_dma_mask;
		vc->card->dev.coherent_dma_mask = DMA_BIT_MASK(64);
		compat_dev_set_dma_coherent(&vc->card->dev);
		ret = platform_device_add_resources(vc->card, &res, 1);
	}
	if (!ret)
		ret = platform_device_add(vc->card);
	if (ret) {
		platform_device_put(vc->card);	/* NULL-safe */
		vc->card = NULL;
		regmap_exit(vc->regmap);
		platform_device_unregister(vc->parent);
		return ret;
	}
	return 0;
}

static void vcard_free(struct cim_hal *vc)
{
	if (vc->irq > 0)
		irq_free_desc(vc->irq);
	vfree(vc->plan);
	vfree(vc->act);
	vfree(vc->fw);
	vcard_flash_fini(vc);
	vfree(vc->analog);
	vfree(vc->tstats);
	kfree(vc);
}

static int __init vcard_init(void)
{
	struct cim_hal *vc;
	int ret;

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	spin_lock_init(&vc->reg_lock);
	init_waitqueue_head(&vc->wq);
	ret = vcard_pick_params(vc);
	if (ret)
		goto free;
	ret = -ENOMEM;
	vc->plan = vzalloc(array_size(CIM_FW_MAX_IMAGES, vc->plan_bytes));
	vc->act = vzalloc(vc->act_bytes);
	vc->fw = vzalloc(sizeof(*vc->fw));
	vc->analog = vzalloc(cim_fw_analog_bytes(&vc->params));
	vc->tstats = vzalloc(array_size(vc->params.tiles, sizeof(*vc->tstats)));
	if (!vc->plan || !vc->act || !vc->fw || !vc->analog ||
	    !vc->tstats || vcard_flash_init(vc))
		goto free;
	ret = vcard_irq_init(vc);
	if (ret)
		goto free;

	vcard_regs_init(vc);
	vcard_sensors_init(vc);
	cim_fw_reset(vc->fw, vc);
	vc->thread = kthread_run(vcard_fw_thread, vc, "cim-vcard-fw");
	if (IS_ERR(vc->thread)) {
		ret = PTR_ERR(vc->thread);
		goto free;
	}
	/*
	 * A card's MCU answers its doorbell at once: the lowest real-time
	 * priority lets the thread preempt the ringing CPU's ordinary work
	 * instead of waiting for a slot (RT throttling still bounds it).
	 */
	sched_set_fifo_low(vc->thread);
	ret = vcard_devices_init(vc);
	if (ret) {
		kthread_stop(vc->thread);
		goto free;
	}
	mutex_lock(&vcard_age_lock);
	/* an age given at load: the card sat powered before anything */
	vc->clock_ns = age_s * NSEC_PER_SEC;
	vcard = vc;
	mutex_unlock(&vcard_age_lock);
	pr_info("cim_vcard: %s card, %u tiles of %ux%u cells, %s arrays\n",
		preset, vc->params.tiles, vc->params.rows, vc->params.cols,
		vc->params.analog ? "analog" : "ideal");
	return 0;
free:
	vcard_free(vc);
	return ret;
}

static void __exit vcard_exit(void)
{
	struct cim_hal *vc = vcard;

	mutex_lock(&vcard_age_lock);
	vcard = NULL;
	mutex_unlock(&vcard_age_lock);
	/* Unbinds cim.ko, which stops the rings while the firmware runs. */
	platform_device_unregister(vc->card);
	kthread_stop(vc->thread);
	regmap_exit(vc->regmap);
	platform_device_unregister(vc->parent);
	vcard_free(vc);
}

module_init(vcard_init);
module_exit(vcard_exit);

MODULE_DESCRIPTION("Virtual NOR-flash compute-in-memory card");
MODULE_LICENSE("GPL");
