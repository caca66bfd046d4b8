/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Jobs through drm_sched, their hardware fences (cim_job.c). */
#ifndef __CIM_JOB_H__
#define __CIM_JOB_H__

#include <linux/dma-fence.h>
#include <drm/gpu_scheduler.h>

#include "cim_dev.h"
#include "cim_queue.h"

struct cim_image;
struct drm_file;

struct cim_fence {
	struct dma_fence base;
	spinlock_t lock;
};

/* One descriptor's worth of work pushed through drm_sched. */
struct cim_job {
	struct drm_sched_job base;
	struct kref ref;
	struct cim_device *cdev;
	struct list_head node;		/* in cdev->inflight while on the card */
	u64 tag;
	u32 opcode;
	u32 batch;
	struct cim_image *image;
	struct drm_gem_object *in_bo, *out_bo, *result_bo;
	u64 in_offset, out_offset, result_offset;
	u64 in_len, out_len, result_len;
	u32 desc_flags;			/* RUN: CIM_DESCF_EXIT_MARGIN */
	u32 exit_margin;
	struct dma_fence *done;		/* signalled by the completion IRQ */
	/* PROGRAM: tile map then struct cim_slot_tag, for the card */
	void *map;
	dma_addr_t map_dma;
	size_t map_bytes;
	u32 hw_status;
	u64 device_time_ns;
	struct cim_queue *queue;	/* NULL for kernel-internal jobs */
	struct cim_file *owner;		/* holds a reference while queued */
	bool cancel;			/* abort it on the card (cim_hw.c) */
	bool cancel_req;		/* DRM_CIM_CANCEL: never run, or abort */
	struct list_head file_node;	/* in owner->jobs from push to free */
	ktime_t pushed;			/* when it went on the ring */
	bool pm_ref;			/* holds a runtime PM reference */
	/* kept by the driver after a timeout, before 6.17 (cim_reset.c) */
	struct dma_fence_cb kept_cb;
	struct work_struct kept_free;
};

static inline struct cim_job *to_cim_job(struct drm_sched_job *job)
{
	return container_of(job, struct cim_job, base);
}

int cim_sched_init(struct cim_device *cdev);
void cim_sched_fini(struct cim_device *cdev);
void cim_sched_drain(struct cim_device *cdev, unsigned long timeout);
unsigned long cim_job_timeout(void);
int cim_job_push(struct cim_file *cfile, struct cim_job *job,
		 struct drm_file *file, u32 prio, const u32 *in_syncobjs,
		 u32 n_in, u32 out_syncobj);
struct cim_job *cim_job_alloc(struct cim_device *cdev, u32 opcode);
struct dma_fence *cim_fence_create(struct cim_device *cdev);
void cim_job_put(struct cim_job *job);
void cim_job_complete(struct cim_job *job, const struct cim_cpl *cpl);
void cim_job_fail_inflight(struct cim_device *cdev, int err);
int cim_status_errno(u32 status);
int cim_ioctl_submit(struct drm_device *drm, void *data,
		     struct drm_file *file);
int cim_ioctl_cancel(struct drm_device *drm, void *data,
		     struct drm_file *file);
struct dma_fence *cim_job_to_card(struct cim_job *job);
int cim_job_resubmit(struct cim_job *job);
void cim_job_fence_fail(struct cim_job *job, int err);
void cim_job_free(struct drm_sched_job *sched_job);
void cim_job_set_timeout_ms(struct cim_device *cdev, unsigned int ms);
unsigned int cim_job_timeout_ms(struct cim_device *cdev);
long cim_job_timeout_jiffies(struct cim_device *cdev);

#endif /* __CIM_JOB_H__ */
