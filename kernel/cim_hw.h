/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* The card's registers, rings and interrupt (cim_hw.c). */
#ifndef __CIM_HW_H__
#define __CIM_HW_H__

#include <linux/interrupt.h>
#include <linux/types.h>

struct cim_device;
struct cim_desc;
struct cim_file;
struct cim_job;

int cim_hw_init(struct cim_device *cdev);
void cim_hw_fini(struct cim_device *cdev);
int cim_hw_reset(struct cim_device *cdev);
int cim_hw_push(struct cim_device *cdev, struct cim_job *job,
		const struct cim_desc *desc);
irqreturn_t cim_hw_irq(int irq, void *arg);
int cim_hw_reinit(struct cim_device *cdev);
u32 cim_hw_suspend(struct cim_device *cdev);
int cim_hw_resume(struct cim_device *cdev, u32 progress);
void cim_hw_cancel_file(struct cim_device *cdev, struct cim_file *cfile);
int cim_hw_cancel_job(struct cim_device *cdev, struct cim_job *job);
void cim_hw_reap(struct cim_device *cdev);
u32 cim_hw_read(struct cim_device *cdev, u32 reg);
void cim_hw_write(struct cim_device *cdev, u32 reg, u32 val);

#endif /* __CIM_HW_H__ */
