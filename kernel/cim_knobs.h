/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Settings held in card registers, kept across resets (cim_knobs.c). */
#ifndef __CIM_KNOBS_H__
#define __CIM_KNOBS_H__

#include <linux/types.h>

struct cim_device;

/*
 * Settings held only in card registers, restored after a reset or a
 * wake-up (cim_knobs.c) in this order: a write of REFRESH_POLICY has the
 * firmware refresh at once, so the settings a refresh uses go first.
 */
enum cim_knob {
	CIM_KNOB_PERF_MODE,		/* PERF_MODE: CIM_PERF_* */
	CIM_KNOB_ADC_BITS,		/* ADC_BITS_CFG: 0 = the card's ADC_BITS */
	CIM_KNOB_REFRESH_THRESH,	/* REFRESH_THRESH: ppm, 0 = default */
	CIM_KNOB_REFRESH_POLICY,	/* REFRESH_POLICY: CIM_REFRESH_* */
	CIM_KNOB_COUNT
};

int cim_knobs_init(struct cim_device *cdev);
u32 cim_knob_get(struct cim_device *cdev, enum cim_knob k);
int cim_knob_read(struct cim_device *cdev, enum cim_knob k, u32 *val);
int cim_knob_set(struct cim_device *cdev, enum cim_knob k, u32 val);
void cim_knobs_apply(struct cim_device *cdev);

#endif /* __CIM_KNOBS_H__ */
