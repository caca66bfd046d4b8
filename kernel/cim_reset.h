/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Recovery: resets, the progress watchdog, card state (cim_reset.c). */
#ifndef __CIM_RESET_H__
#define __CIM_RESET_H__

#include <linux/types.h>
#include <drm/gpu_scheduler.h>

struct cim_device;
struct dma_fence;

enum cim_reset_reason {
	CIM_RESET_NONE,
	CIM_RESET_TIMEOUT,	/* a job ran past job_timeout_ms */
	CIM_RESET_CRASH,	/* the firmware stopped with an error */
	CIM_RESET_FORCED,	/* debugfs force_reset */
};

/* sysfs state: what the card can do now. */
enum cim_state {
	CIM_STATE_OK,
	CIM_STATE_RECOVERING,	/* a reset is under way */
	CIM_STATE_FAILED,	/* every recovery step failed: new work -EIO */
};

int cim_reset_init(struct cim_device *cdev);
void cim_reset_fini(struct cim_device *cdev);
void cim_reset_watch_fini(struct cim_device *cdev);
enum drm_gpu_sched_stat cim_sched_keep_job(struct drm_sched_job *job);
enum drm_gpu_sched_stat cim_reset_timedout(struct drm_sched_job *sched_job);
void cim_reset_schedule(struct cim_device *cdev, enum cim_reset_reason why);
int cim_reset_force(struct cim_device *cdev);
const char *cim_reset_reason_name(enum cim_reset_reason why);
const char *cim_state_name(int state);
int cim_card_usable(struct cim_device *cdev);
bool cim_card_progressed(struct cim_device *cdev);
long cim_fence_wait_progress(struct cim_device *cdev, struct dma_fence *f);

#endif /* __CIM_RESET_H__ */
