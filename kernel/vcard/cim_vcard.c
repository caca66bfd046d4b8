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
#include <linux/vmalloc.h>

#include "vcard.h"

static char *preset = "m1076";
module_param(preset, charp, 0444);
MODULE_PARM_DESC(preset, "Card model: m1076 (76 tiles of 1024x1024) or small (8 tiles of 256x256)");

static unsigned int tiles, rows, cols, adc_bits, mvm_ns, link_mb_s, plan_kb;
static unsigned int program_row_ns, simd_ps;
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

struct vcard_preset {
	const char *name;
	struct cim_card_params p;
	u32 plan_kb;
};

static const struct vcard_preset vcard_presets[] = {
	{ "m1076", { .tiles = 76, .rows = 1024, .cols = 1024, .cell_bits = 4,
		     .adc_bits = 8, .act_bits = 8, .mvm_ns = 4000,
		     .simd_ps_per_elem = 1000, .link_mb_s = 2000,
		     .program_row_ns = 10000 }, 1024 },
	{ "small", { .tiles = 8, .rows = 256, .cols = 256, .cell_bits = 4,
		     .adc_bits = 8, .act_bits = 8, .mvm_ns = 1000,
		     .simd_ps_per_elem = 1000, .link_mb_s = 2000,
		     .program_row_ns = 10000 }, 64 },
};

static struct cim_hal *vcard;

static int vcard_pick_params(struct cim_hal *vc)
{
	const struct vcard_preset *pr = NULL;
	struct cim_card_params *p = &vc->params;
	int i;

	for (i = 0; i < ARRAY_SIZE(vcard_presets); i++)
		if (!strcmp(preset, vcard_presets[i].name))
			pr = &vcard_presets[i];
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
	if (plan_kb)
		vc->plan_bytes = plan_kb * 1024;
#undef VCARD_OVERRIDE
	if (!p->tiles || p->tiles > 1024 || !p->rows || p->rows > 4096 ||
	    !p->cols || p->cols > 4096 || (p->cols & 1) ||
	    !p->link_mb_s || vc->plan_bytes < 4096) {
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
		}
		clear_bit(VCARD_EV_KICK, &vc->events);
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
	vc->irq = irq_alloc_desc(NUMA_NO_NODE);
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
	struct platform_device_info info = {
		.name = "cim",
		.id = PLATFORM_DEVID_AUTO,
		.res = &res,
		.num_res = 1,
		.dma_mask = DMA_BIT_MASK(64),
	};

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
	info.parent = &vc->parent->dev;
	vc->card = platform_device_register_full(&info);
	if (IS_ERR(vc->card)) {
		regmap_exit(vc->regmap);
		platform_device_unregister(vc->parent);
		return PTR_ERR(vc->card);
	}
	return 0;
}

static void vcard_free(struct cim_hal *vc)
{
	if (vc->irq > 0)
		irq_free_desc(vc->irq);
	vfree(vc->cells);
	vfree(vc->plan);
	vfree(vc->fw);
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
	vc->cells = vzalloc(array3_size(vc->params.tiles, vc->params.rows,
					vc->params.cols));
	vc->plan = vzalloc(array_size(CIM_FW_MAX_IMAGES, vc->plan_bytes));
	vc->fw = vzalloc(sizeof(*vc->fw));
	vc->tstats = vzalloc(array_size(vc->params.tiles, sizeof(*vc->tstats)));
	if (!vc->cells || !vc->plan || !vc->fw || !vc->tstats)
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
	vcard = vc;
	pr_info("cim_vcard: %s card, %u tiles of %ux%u cells\n", preset,
		vc->params.tiles, vc->params.rows, vc->params.cols);
	return 0;
free:
	vcard_free(vc);
	return ret;
}

static void __exit vcard_exit(void)
{
	struct cim_hal *vc = vcard;

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
