/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Per-file queues: one drm_sched entity per priority, fairness (cim_queue.c). */
#ifndef __CIM_QUEUE_H__
#define __CIM_QUEUE_H__

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <drm/gpu_scheduler.h>

#include "cim_dev.h"

struct cim_job;

/* Per queue (file x priority, one drm_sched entity): fairness state and statistics. */
struct cim_queue {
	/*
	 * Held from drm_sched_job_arm() to drm_sched_entity_push_job() of
	 * each job of this queue's entity (cim_job_push()): the fence seqno
	 * order is the run order.
	 */
	struct mutex push_lock;
	/* hw fences of the last CIM_FAIR_INFLIGHT jobs this queue ran */
	struct dma_fence *recent[CIM_FAIR_INFLIGHT];
	u32 next;
	/* scheduled fence of the last job pushed (push_lock): cim_queue_drain() */
	struct dma_fence *last_pushed;
	atomic64_t submitted, completed, failed;
	atomic64_t busy_ns;			/* device time of its jobs */
};

/* Per open file. */
struct cim_file {
	struct cim_device *cdev;
	struct drm_sched_entity entity[2];	/* DRM_CIM_PRIO_* */
	struct xarray images;			/* handle -> struct cim_image */
	struct cim_queue queue[2];		/* DRM_CIM_PRIO_* */
	struct list_head node;			/* in cdev->files */
	spinlock_t jobs_lock;			/* jobs */
	struct list_head jobs;			/* pushed, not yet freed */
	pid_t pid;
	struct kref ref;			/* the file and its jobs */
};

struct cim_file *cim_file_alloc(struct cim_device *cdev);
void cim_file_entities_fini(struct cim_file *cfile);
void cim_file_put(struct cim_file *cfile);
struct dma_fence *cim_queue_prepare_job(struct drm_sched_job *sched_job,
					struct drm_sched_entity *entity);
void cim_queue_ran(struct cim_job *job, struct dma_fence *hw);
void cim_queue_done(struct cim_job *job, int err);

#endif /* __CIM_QUEUE_H__ */
