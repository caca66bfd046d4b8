// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * Jobs: every descriptor the card runs (PROGRAM, RUN) goes through
 * drm_sched, with syncobj in-fences, implicit BO fences and an out-fence
 * signalled from the completion interrupt.
 */
#include <linux/delay.h>
#include <linux/dma-resv.h>
#include <linux/moduleparam.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>

#include "cim_drv.h"

static unsigned int job_timeout_ms = 10000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Time a job may run on the card before it is reset (ms)");

static const char *cim_fence_driver_name(struct dma_fence *fence)
{
	return CIM_DRIVER_NAME;
}

static const char *cim_fence_timeline_name(struct dma_fence *fence)
{
	return "cim-card";
}

static const struct dma_fence_ops cim_fence_ops = {
	.get_driver_name = cim_fence_driver_name,
	.get_timeline_name = cim_fence_timeline_name,
};

struct dma_fence *cim_fence_create(struct cim_device *cdev)
{
	struct cim_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	spin_lock_init(&f->lock);
	dma_fence_init(&f->base, &cim_fence_ops, &f->lock, cdev->fence_context,
		       atomic64_inc_return(&cdev->fence_seqno));
	return &f->base;
}

/* Card status -> errno reported on the job's fence (docs/uapi.md). */
int cim_status_errno(u32 status)
{
	switch (status) {
	case CIM_ST_OK:
		return 0;
	case CIM_ST_BAD_DESC:
		return -EINVAL;
	case CIM_ST_BAD_IMAGE:
		return -EBADMSG;
	case CIM_ST_NO_IMAGE:
		return -ENOENT;
	case CIM_ST_VERIFY_FAIL:
		return -EREMOTEIO;
	case CIM_ST_TILE_FAULT:
		return -EHWPOISON;
	case CIM_ST_CANCELED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/* A new job holding a runtime PM reference, or an ERR_PTR. */
struct cim_job *cim_job_alloc(struct cim_device *cdev, u32 opcode)
{
	struct cim_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
	int ret;

	if (!job)
		return ERR_PTR(-ENOMEM);
	job->cdev = cdev;
	job->opcode = opcode;
	INIT_LIST_HEAD(&job->node);
	INIT_LIST_HEAD(&job->file_node);
	/* A job keeps the card awake from submission until it is freed. */
	ret = cim_pm_get(cdev);
	if (ret) {
		kfree(job);
		return ERR_PTR(ret);
	}
	job->pm_ref = true;
	return job;
}

void cim_job_put(struct cim_job *job)
{
	unsigned long flags;

	/* A PROGRAM that never reached the card leaves nothing runnable. */
	if (job->opcode == CIM_OPC_PROGRAM && job->image) {
		spin_lock_irqsave(&job->image->lock, flags);
		if (cim_image_state(job->image) == CIM_IMAGE_PROGRAMMING)
			cim_image_set_state(job->image, CIM_IMAGE_FAILED,
					    -ECANCELED);
		spin_unlock_irqrestore(&job->image->lock, flags);
	}
	if (job->map)
		dma_free_coherent(job->cdev->dev, job->map_bytes, job->map,
				  job->map_dma);
	if (job->image)
		cim_image_put(job->image);
	if (job->in_bo)
		drm_gem_object_put(job->in_bo);
	if (job->out_bo)
		drm_gem_object_put(job->out_bo);
	if (job->result_bo)
		drm_gem_object_put(job->result_bo);
	dma_fence_put(job->done);
	if (job->owner)
		cim_file_put(job->owner);
	if (job->pm_ref)
		cim_pm_put(job->cdev);
	kfree(job);
}

/* Called with ring_lock held, from the interrupt or a reset. */
void cim_job_complete(struct cim_job *job, const struct cim_cpl *cpl)
{
	int err = cim_status_errno(cpl->status);

	lockdep_assert_held(&job->cdev->ring_lock);
	job->hw_status = cpl->status;
	job->device_time_ns = cpl->device_time_ns;
	if (job->opcode == CIM_OPC_PROGRAM) {
		spin_lock(&job->image->lock);
		cim_image_set_state(job->image, err ? CIM_IMAGE_FAILED :
						      CIM_IMAGE_READY, err);
		spin_unlock(&job->image->lock);
	}
	if (job->opcode == CIM_OPC_CALIBRATE && job->image)
		err = cim_analog_complete(job, err);
	cim_queue_done(job, err);
	cim_job_sync_for_cpu(job);
	if (err)
		dma_fence_set_error(job->done, err);
	dma_fence_signal(job->done);
}

/* Fail every job the card holds; used when the card is lost or reset. */
void cim_job_fail_inflight(struct cim_device *cdev, int err)
{
	struct cim_job *job, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	list_for_each_entry_safe(job, tmp, &cdev->inflight, node) {
		list_del_init(&job->node);
		if (job->opcode != CIM_OPC_RUN && job->image)
			cim_image_fail(job->image, err);
		cim_queue_done(job, err);
		dma_fence_set_error(job->done, err);
		dma_fence_signal(job->done);
	}
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
}

static int cim_job_build_desc(struct cim_job *job, struct cim_desc *d)
{
	struct cim_image *img = job->image;
	int ret;

	memset(d, 0, sizeof(*d));
	d->opcode = job->opcode;
	if (job->opcode == CIM_OPC_NOP)
		return 0;
	if (job->opcode == CIM_OPC_CALIBRATE)
		return cim_analog_build_desc(job, d);
	d->slot = img->slot;
	if (job->opcode == CIM_OPC_PROGRAM) {
		/* in_bo is the kernel's own copy of the image (cim_image.c). */
		if (job->cdev->card_catalog)
			d->flags = CIM_DESC_F_TAG;
		d->map_addr = job->map_dma;
		d->map_count = img->n_vtiles;
		return cim_bo_dma_ref(job->in_bo, 0, img->size, &d->src);
	}
	/*
	 * drm_sched only waits for the PROGRAM job to be *scheduled* (same
	 * scheduler): the ring keeps the order, so the card programs first.
	 */
	if (cim_image_state(img) == CIM_IMAGE_FAILED)
		return -ENOEXEC;
	d->batch = job->batch;
	d->flags = job->desc_flags;
	d->exit_margin = job->exit_margin;
	ret = cim_bo_dma_ref(job->in_bo, job->in_offset, job->in_len, &d->src);
	if (!ret)
		ret = cim_bo_dma_ref(job->out_bo, job->out_offset, job->out_len,
				     &d->dst);
	if (!ret && job->result_bo)
		ret = cim_bo_dma_ref(job->result_bo, job->result_offset,
				     job->result_len, &d->result);
	return ret;
}

/*
 * Put the job's descriptor on the ring under its hardware fence
 * (job->done, the driver's own: the card's completion signals it).
 */
static int cim_job_ring(struct cim_job *job)
{
	struct cim_device *cdev = job->cdev;
	struct cim_desc desc;
	int idx, ret;

	if (!drm_dev_enter(&cdev->drm, &idx))
		return -ENODEV;
	ret = cim_job_build_desc(job, &desc);
	if (!ret) {
		job->pushed = ktime_get();
		ret = cim_hw_push(cdev, job, &desc);
	}
	drm_dev_exit(idx);
	return ret;
}

/* Signal a job's hardware fence with err: its work will not run. */
void cim_job_fence_fail(struct cim_job *job, int err)
{
	if (!job->done || dma_fence_is_signaled(job->done))
		return;
	dma_fence_set_error(job->done, err);
	dma_fence_signal(job->done);
}

/*
 * First run of a job: a new hardware fence, and the job on the ring.
 * Returns the fence (a reference for the caller), or an ERR_PTR with
 * the job's fence, if made, signalled with the error.
 */
struct dma_fence *cim_job_to_card(struct cim_job *job)
{
	struct dma_fence *fence;
	int ret;

	if (WARN_ON_ONCE(job->done))
		return ERR_PTR(-EINVAL);
	fence = cim_fence_create(job->cdev);
	if (!fence)
		return ERR_PTR(-ENOMEM);
	job->done = dma_fence_get(fence);
	ret = cim_job_ring(job);
	if (ret) {
		cim_job_fence_fail(job, ret);
		dma_fence_put(fence);
		return ERR_PTR(ret);
	}
	cim_queue_ran(job, fence);
	return fence;
}

/*
 * Recovery: run again a job a reset took off the card, under the same
 * hardware fence, so that whoever waits on it (drm_sched included) sees
 * one completion.  The caller fails the fence if this fails.
 */
int cim_job_resubmit(struct cim_job *job)
{
	return cim_job_ring(job);
}

static struct dma_fence *cim_job_run(struct drm_sched_job *sched_job)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct dma_fence *fence;

	if (sched_job->s_fence->finished.error)
		fence = ERR_PTR(sched_job->s_fence->finished.error);
	else if (READ_ONCE(job->cancel_req))
		fence = ERR_PTR(-ECANCELED);	/* DRM_CIM_CANCEL */
	else
		fence = cim_job_to_card(job);
	if (IS_ERR(fence))
		cim_queue_done(job, PTR_ERR(fence));
	return fence;
}

void cim_job_free(struct drm_sched_job *sched_job)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct cim_device *cdev = job->cdev;

	if (job->owner) {
		spin_lock(&job->owner->jobs_lock);
		list_del_init(&job->file_node);
		spin_unlock(&job->owner->jobs_lock);
	}
	drm_sched_job_cleanup(sched_job);
	cim_job_put(to_cim_job(sched_job));
	atomic_dec(&cdev->sched_jobs);
}

/*
 * drm_sched_fini() with jobs still on the card (teardown after the drain
 * gave up): fail each one's hardware fence, unless the completion
 * interrupt got there first.  drm_sched frees the job afterwards.
 */
static void __maybe_unused cim_job_cancel(struct drm_sched_job *sched_job)
{
	struct cim_job *job = to_cim_job(sched_job);
	struct cim_device *cdev = job->cdev;
	unsigned long flags;
	bool mine;

	spin_lock_irqsave(&cdev->ring_lock, flags);
	mine = job->done && !list_empty(&job->node);
	if (mine)
		list_del_init(&job->node);
	spin_unlock_irqrestore(&cdev->ring_lock, flags);
	if (!mine)
		return;
	cim_queue_done(job, -ECANCELED);
	dma_fence_set_error(job->done, -ECANCELED);
	dma_fence_signal(job->done);
}

static const struct drm_sched_backend_ops cim_sched_ops = {
	.prepare_job = cim_queue_prepare_job,
	.run_job = cim_job_run,
	.timedout_job = cim_reset_timedout,
	.free_job = cim_job_free,
	CIM_SCHED_CANCEL_JOB(cim_job_cancel)
};

int cim_sched_init(struct cim_device *cdev)
{
	int ret;

	cdev->fence_context = dma_fence_context_alloc(1);
	cdev->job_timeout = msecs_to_jiffies(job_timeout_ms);
	/*
	 * run_job is on every job's latency path: high-priority workers.
	 * Ordered, as drm_sched's own default.  (The entity seen freed
	 * under drm_sched_run_job_work was a file closing with jobs
	 * queued: cim_file_entities_fini().)  Timeouts and our own resets
	 * share one ordered queue: serialized.
	 * One ring entry stays free for the driver's own commands (cim_cmd.c).
	 */
	cdev->submit_wq = alloc_ordered_workqueue("cim-submit",
						  WQ_HIGHPRI | WQ_MEM_RECLAIM);
	if (!cdev->submit_wq)
		return -ENOMEM;
	ret = compat_drm_sched_init(&cdev->sched, &(struct drm_sched_init_args) {
			.ops = &cim_sched_ops,
			.submit_wq = cdev->submit_wq,
			.timeout_wq = cdev->reset_wq,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = CIM_SQ_ENTRIES - 2,
			.timeout = msecs_to_jiffies(job_timeout_ms),
			.name = "cim",
			.dev = cdev->dev,
		});
	if (!ret)
		cdev->sched_ready = true;
	else
		destroy_workqueue(cdev->submit_wq);
	return ret;
}

/*
 * Wait until drm_sched holds no job for the card (or the timeout passes):
 * before 6.17 drm_sched_fini() does not free jobs still pending (after,
 * it cancels them: cim_job_cancel()).  Counted by the driver itself, not
 * read off the scheduler's pending list.
 */
void cim_sched_drain(struct cim_device *cdev, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	bool empty;

	if (!cdev->sched_ready)
		return;
	for (;;) {
		empty = !atomic_read(&cdev->sched_jobs);
		if (empty || time_after(jiffies, end))
			break;
		msleep(5);
	}
	if (!empty)
		dev_warn(cdev->dev, "jobs still pending at teardown\n");
}

unsigned long cim_job_timeout(void)
{
	return msecs_to_jiffies(job_timeout_ms);
}

/*
 * sysfs job_timeout_ms: drm_sched reads the timeout each time it arms
 * (no interface sets it after drm_sched_init(): the one scheduler field
 * the driver writes).  The driver reads its own copy.
 */
void cim_job_set_timeout_ms(struct cim_device *cdev, unsigned int ms)
{
	long t = msecs_to_jiffies(ms);

	WRITE_ONCE(cdev->job_timeout, t);
	WRITE_ONCE(cdev->sched.timeout, t);
}

unsigned int cim_job_timeout_ms(struct cim_device *cdev)
{
	return jiffies_to_msecs(READ_ONCE(cdev->job_timeout));
}

long cim_job_timeout_jiffies(struct cim_device *cdev)
{
	return READ_ONCE(cdev->job_timeout);
}

void cim_sched_fini(struct cim_device *cdev)
{
	cim_sched_drain(cdev, HZ);
	if (cdev->sched_ready) {
		drm_sched_fini(&cdev->sched);
		cim_reset_watch_fini(cdev);
		destroy_workqueue(cdev->submit_wq);
	}
	cdev->sched_ready = false;
}

/* Objects a job touches; write = the card writes it. */
struct cim_job_bos {
	struct drm_gem_object *obj[3];
	bool write[3];
	int n;
};

static void cim_job_bos_add(struct cim_job_bos *b, struct drm_gem_object *o,
			    bool write)
{
	int i;

	if (!o)
		return;
	for (i = 0; i < b->n; i++) {
		if (b->obj[i] == o) {
			b->write[i] |= write;
			return;
		}
	}
	b->obj[b->n] = o;
	b->write[b->n++] = write;
}

/* Implicit fences of the job's BOs, and the job armed (push_lock held). */
static int cim_job_fence_bos(struct cim_job *job, struct cim_job_bos *b)
{
	struct ww_acquire_ctx ctx;
	int i, ret;

	lockdep_assert_held(&job->queue->push_lock);
	ret = drm_gem_lock_reservations(b->obj, b->n, &ctx);
	if (ret)
		return ret;
	for (i = 0; i < b->n; i++) {
		ret = dma_resv_reserve_fences(b->obj[i]->resv, 1);
		if (!ret)
			ret = drm_sched_job_add_implicit_dependencies(&job->base,
								      b->obj[i],
								      b->write[i]);
		if (ret)
			goto unlock;
	}
	drm_sched_job_arm(&job->base);
	for (i = 0; i < b->n; i++)
		dma_resv_add_fence(b->obj[i]->resv, &job->base.s_fence->finished,
				   b->write[i] ? DMA_RESV_USAGE_WRITE :
						 DMA_RESV_USAGE_READ);
unlock:
	drm_gem_unlock_reservations(b->obj, b->n, &ctx);
	return ret;
}

/*
 * Queue a job.  On success the scheduler owns it; on failure the caller
 * still does and frees it with cim_job_put().
 */
int cim_job_push(struct cim_file *cfile, struct cim_job *job,
		 struct drm_file *file, u32 prio, const u32 *in_syncobjs,
		 u32 n_in, u32 out_syncobj)
{
	struct drm_syncobj *syncobj = NULL;
	struct cim_job_bos bos = { .n = 0 };
	struct dma_fence *finished;
	struct cim_queue *queue;
	u32 i;
	int ret;

	if (out_syncobj) {
		syncobj = drm_syncobj_find(file, out_syncobj);
		if (!syncobj)
			return -ENOENT;
	}
	ret = compat_drm_sched_job_init(&job->base, &cfile->entity[prio], 1,
					NULL, compat_drm_client_id(file));
	if (ret)
		goto put_syncobj;
	job->queue = &cfile->queue[prio];
	job->owner = cfile;
	kref_get(&cfile->ref);
	for (i = 0; i < n_in; i++) {
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   in_syncobjs[i], 0);
		if (ret)
			goto cleanup;
	}
	/* RUNs wait for the image's last programming step (PROGRAM, CALIBRATE). */
	if (job->opcode == CIM_OPC_RUN) {
		ret = drm_sched_job_add_dependency(&job->base,
						   cim_image_programmed(job->image));
		if (ret)
			goto cleanup;
	}
	cim_job_bos_add(&bos, job->in_bo, false);
	cim_job_bos_add(&bos, job->out_bo, true);
	cim_job_bos_add(&bos, job->result_bo, true);

	/*
	 * drm_sched numbers a job's fence when it is armed and runs an
	 * entity's jobs in the order they are pushed: the two must happen
	 * under one lock, or a job armed later can run (and signal) first.
	 * Once pushed, the job may run and be freed at once: after the push
	 * only the queue (the file's, alive for this ioctl) is used.
	 */
	queue = job->queue;
	mutex_lock(&queue->push_lock);
	ret = cim_job_fence_bos(job, &bos);
	if (ret) {
		mutex_unlock(&queue->push_lock);
		goto cleanup;
	}
	finished = dma_fence_get(&job->base.s_fence->finished);
	if (job->opcode == CIM_OPC_PROGRAM ||
	    (job->opcode == CIM_OPC_CALIBRATE && job->image))
		cim_image_set_programmed(job->image, finished);
	if (syncobj)
		drm_syncobj_replace_fence(syncobj, finished);
	atomic64_inc(&queue->submitted);
	atomic_inc(&job->cdev->sched_jobs);
	spin_lock(&cfile->jobs_lock);
	list_add_tail(&job->file_node, &cfile->jobs);
	spin_unlock(&cfile->jobs_lock);
	dma_fence_put(queue->last_pushed);
	queue->last_pushed = dma_fence_get(&job->base.s_fence->scheduled);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&queue->push_lock);
	dma_fence_put(finished);
	if (syncobj)
		drm_syncobj_put(syncobj);
	return 0;

cleanup:
	drm_sched_job_cleanup(&job->base);
put_syncobj:
	if (syncobj)
		drm_syncobj_put(syncobj);
	return ret;
}

/*
 * The BO behind handle into *slot, if [offset, offset + len) fits in it;
 * on failure *slot stays NULL (cim_job_put() drops what was set).
 */
static int cim_job_lookup_bo(struct drm_file *file, struct drm_gem_object **slot,
			     u32 handle, u64 offset, u64 len)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (!obj)
		return -ENOENT;
	if (offset > obj->size || len > obj->size - offset) {
		drm_gem_object_put(obj);
		return -ERANGE;
	}
	*slot = obj;
	return 0;
}

/* DRM_CIM_SUBMIT_NOP: a job that names nothing and does no work. */
static int cim_submit_nop(struct cim_device *cdev, struct cim_file *cfile,
			  struct drm_cim_submit *args, struct drm_file *file)
{
	u32 *handles = NULL;
	struct cim_job *job;
	int ret;

	if (args->image_handle || args->in_handle || args->out_handle ||
	    args->in_offset || args->out_offset || args->batch ||
	    args->result_handle || args->result_offset)
		return -EINVAL;
	if (args->in_syncobj_count) {
		handles = memdup_array_user(u64_to_user_ptr(args->in_syncobjs),
					    args->in_syncobj_count, sizeof(u32));
		if (IS_ERR(handles))
			return PTR_ERR(handles);
	}
	job = cim_job_alloc(cdev, CIM_OPC_NOP);
	if (IS_ERR(job)) {
		kfree(handles);
		return PTR_ERR(job);
	}
	ret = cim_job_push(cfile, job, file, args->priority, handles,
			   args->in_syncobj_count, args->out_syncobj);
	if (ret)
		cim_job_put(job);
	kfree(handles);
	return ret;
}

int cim_ioctl_submit(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_submit *args = data;
	u32 *handles = NULL;
	struct cim_job *job;
	int ret = 0;

	if ((args->flags & ~(DRM_CIM_SUBMIT_NOP | DRM_CIM_SUBMIT_EXIT_MARGIN)) ||
	    args->priority > DRM_CIM_PRIO_HIGH ||
	    (args->exit_margin && !(args->flags & DRM_CIM_SUBMIT_EXIT_MARGIN)))
		return -EINVAL;
	if (args->in_syncobj_count > CIM_MAX_IN_SYNCOBJS)
		return -EINVAL;
	ret = cim_card_usable(cdev);
	if (ret)
		return ret;
	if (args->flags & DRM_CIM_SUBMIT_NOP)
		return cim_submit_nop(cdev, cfile, args, file);
	if (!args->batch || args->batch > CIM_MAX_BATCH)
		return -EINVAL;
	if (args->result_handle && (args->result_offset & 7))
		return -EINVAL;
	if (!args->result_handle && args->result_offset)
		return -EINVAL;

	job = cim_job_alloc(cdev, CIM_OPC_RUN);
	if (IS_ERR(job))
		return PTR_ERR(job);
	job->batch = args->batch;
	job->image = cim_image_lookup(cfile, args->image_handle);
	if (!job->image) {
		ret = -ENOENT;
		goto fail;
	}
	/* Its programming failed: nothing of it is on the card to run. */
	if (cim_image_state(job->image) == CIM_IMAGE_FAILED) {
		ret = -ENOEXEC;
		goto fail;
	}
	cim_image_touch(job->image);
	if (args->flags & DRM_CIM_SUBMIT_EXIT_MARGIN) {
		job->desc_flags = CIM_DESCF_EXIT_MARGIN;
		job->exit_margin = args->exit_margin;
	}
	job->in_len = (u64)args->batch * job->image->input_size;
	job->out_len = (u64)args->batch * job->image->output_size;
	job->in_offset = args->in_offset;
	job->out_offset = args->out_offset;
	job->result_offset = args->result_offset;
	ret = cim_job_lookup_bo(file, &job->in_bo, args->in_handle,
				args->in_offset, job->in_len);
	if (ret)
		goto fail;
	ret = cim_job_lookup_bo(file, &job->out_bo, args->out_handle,
				args->out_offset, job->out_len);
	if (ret)
		goto fail;
	if (args->result_handle) {
		ret = cim_job_lookup_bo(file, &job->result_bo,
					args->result_handle,
					args->result_offset,
					sizeof(struct drm_cim_job_result));
		if (ret)
			goto fail;
		/* Room for the per-item exit bytes after the record, if any. */
		job->result_len = min_t(u64, job->result_bo->size -
					args->result_offset,
					sizeof(struct drm_cim_job_result) +
					args->batch);
	}
	if (args->in_syncobj_count) {
		handles = memdup_array_user(u64_to_user_ptr(args->in_syncobjs),
					    args->in_syncobj_count, sizeof(u32));
		if (IS_ERR(handles)) {
			ret = PTR_ERR(handles);
			handles = NULL;
			goto fail;
		}
	}
	ret = cim_job_push(cfile, job, file, args->priority, handles,
			   args->in_syncobj_count, args->out_syncobj);
	if (ret)
		goto fail;
	kfree(handles);
	return 0;
fail:
	kfree(handles);
	cim_job_put(job);
	return ret;
}

/*
 * DRM_CIM_CANCEL: the job of this file whose out-fence the syncobj holds
 * never runs, or the card aborts it (docs/uapi.md).  Its fence then
 * signals with -ECANCELED; other jobs are not touched.
 */
int cim_ioctl_cancel(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct cim_device *cdev = to_cim_device(drm);
	struct cim_file *cfile = file->driver_priv;
	struct drm_cim_cancel *args = data;
	struct dma_fence *f;
	struct cim_job *job;
	int ret, idx;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = drm_syncobj_find_fence(file, args->syncobj, 0, 0, &f);
	if (ret)
		return ret;
	if (!drm_dev_enter(drm, &idx)) {
		dma_fence_put(f);
		return -ENODEV;
	}
	ret = dma_fence_is_signaled(f) ? -EALREADY : -ESRCH;
	spin_lock(&cfile->jobs_lock);
	list_for_each_entry(job, &cfile->jobs, file_node) {
		if (&job->base.s_fence->finished == f) {
			ret = cim_hw_cancel_job(cdev, job);
			break;
		}
	}
	spin_unlock(&cfile->jobs_lock);
	drm_dev_exit(idx);
	dma_fence_put(f);
	return ret;
}
