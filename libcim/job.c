// SPDX-License-Identifier: MIT
/*
 * RUN jobs: submission, completion fences, result records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(CIM_MAX_BATCH == DRM_CIM_MAX_BATCH, "cim.h and the uapi disagree on the batch limit");
_Static_assert(CIM_MAX_IN_FENCES == DRM_CIM_MAX_IN_SYNCOBJS,
	       "cim.h and the uapi disagree on the in-fence limit");

static int bo_fits(const struct cim_bo *bo, uint64_t off, uint64_t len)
{
	return off <= bo->size && len <= bo->size - off;
}

static int submit_args_ok(struct cim_dev *dev, struct cim_image *img,
			  struct cim_bo *in, uint64_t in_off,
			  struct cim_bo *out, uint64_t out_off,
			  uint32_t batch, uint32_t flags,
			  const uint32_t *in_syncobjs, uint32_t n_in_syncobjs)
{
	if (!img || !in || !out || img->dev != dev || in->dev != dev ||
	    out->dev != dev) {
		cimi_set_error(dev, "submit: missing image or buffer, or one from another device");
		return 0;
	}
	if (!batch || batch > CIM_MAX_BATCH) {
		cimi_set_error(dev, "submit: batch %u outside 1..%u", batch,
			       CIM_MAX_BATCH);
		return 0;
	}
	if (flags & ~(CIM_SUBMIT_HIGH_PRIO | CIM_SUBMIT_EXIT_MARGIN)) {
		cimi_set_error(dev, "submit: unknown flags 0x%x", flags);
		return 0;
	}
	if (n_in_syncobjs > CIM_MAX_IN_FENCES || (n_in_syncobjs && !in_syncobjs)) {
		cimi_set_error(dev, "submit: bad in-fence list (%u entries, at most %u)",
			       n_in_syncobjs, CIM_MAX_IN_FENCES);
		return 0;
	}
	if (!bo_fits(in, in_off, (uint64_t)batch * img->props.input_size)) {
		cimi_set_error(dev, "submit: %u inputs of %u bytes at offset %llu overrun a %zu-byte buffer",
			       batch, img->props.input_size,
			       (unsigned long long)in_off, in->size);
		return 0;
	}
	if (!bo_fits(out, out_off, (uint64_t)batch * img->props.output_size)) {
		cimi_set_error(dev, "submit: %u outputs of %u bytes at offset %llu overrun a %zu-byte buffer",
			       batch, img->props.output_size,
			       (unsigned long long)out_off, out->size);
		return 0;
	}
	return 1;
}

int cim_submit(struct cim_dev *dev, struct cim_image *img,
	       struct cim_bo *in, uint64_t in_off,
	       struct cim_bo *out, uint64_t out_off,
	       uint32_t batch, uint32_t flags,
	       const uint32_t *in_syncobjs, uint32_t n_in_syncobjs,
	       struct cim_job **jobp)
{
	struct cim_submit_opts o = { .flags = flags };

	if (flags & CIM_SUBMIT_EXIT_MARGIN) {
		if (dev)
			cimi_set_error(dev, "submit: CIM_SUBMIT_EXIT_MARGIN needs cim_submit_ex()");
		return -EINVAL;
	}
	return cim_submit_ex(dev, img, in, in_off, out, out_off, batch, &o,
			     in_syncobjs, n_in_syncobjs, jobp);
}

int cimi_submit_opts_get(struct cim_dev *dev, const struct cim_submit_opts *in,
			 struct cim_submit_opts *out)
{
	size_t n, i;

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	if (!in)
		return 0;
	n = in->size ? in->size : sizeof(*in);
	if (n < sizeof(*in)) {
		cimi_set_error(dev, "submit: options size %zu, smaller than the first layout (%zu)",
			       n, sizeof(*in));
		return -EINVAL;
	}
	for (i = sizeof(*in); i < n; i++)
		if (((const uint8_t *)in)[i]) {
			cimi_set_error(dev, "submit: options this libcim does not know (byte %zu of %zu set)",
				       i, n);
			return -E2BIG;
		}
	memcpy(out, in, sizeof(*out));
	out->size = sizeof(*out);
	return 0;
}

int cim_submit_ex(struct cim_dev *dev, struct cim_image *img,
		  struct cim_bo *in, uint64_t in_off,
		  struct cim_bo *out, uint64_t out_off,
		  uint32_t batch, const struct cim_submit_opts *uopts,
		  const uint32_t *in_syncobjs, uint32_t n_in_syncobjs,
		  struct cim_job **jobp)
{
	struct cim_submit_opts o;
	const struct cim_submit_opts *opts = &o;
	struct drm_cim_submit req;
	struct cim_job *job;
	size_t rsize;
	int ret;

	if (!dev || !jobp)
		return -EINVAL;
	*jobp = NULL;
	ret = cimi_submit_opts_get(dev, uopts, &o);
	if (ret)
		return ret;
	if (!submit_args_ok(dev, img, in, in_off, out, out_off, batch,
			    opts->flags, in_syncobjs, n_in_syncobjs))
		return -EINVAL;
	if (opts->exit_margin && !(opts->flags & CIM_SUBMIT_EXIT_MARGIN)) {
		cimi_set_error(dev, "submit: exit_margin %u without CIM_SUBMIT_EXIT_MARGIN",
			       opts->exit_margin);
		return -EINVAL;
	}

	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->dev = dev;
	job->exits = opts->exits;
	job->batch = batch;
	/* Room for the exit bytes only when someone reads them. */
	rsize = sizeof(struct drm_cim_job_result) + (opts->exits ? batch : 0);
	ret = cimi_result_get(dev, rsize, &job->result);
	if (ret) {
		cimi_set_error(dev, "submit: cannot allocate a result record");
		goto fail;
	}
	ret = cimi_syncobj_create(dev, &job->syncobj);
	if (ret) {
		cimi_set_error(dev, "submit: cannot create a syncobj: %s",
			       strerror(-ret));
		goto fail;
	}

	memset(&req, 0, sizeof(req));
	req.image_handle = img->props.handle;
	req.in_handle = in->handle;
	req.out_handle = out->handle;
	req.in_offset = in_off;
	req.out_offset = out_off;
	req.batch = batch;
	req.priority = opts->flags & CIM_SUBMIT_HIGH_PRIO ? DRM_CIM_PRIO_HIGH :
							    DRM_CIM_PRIO_NORMAL;
	if (opts->flags & CIM_SUBMIT_EXIT_MARGIN) {
		req.flags = DRM_CIM_SUBMIT_EXIT_MARGIN;
		/* The card reads a margin above 255 as "never exit". */
		req.exit_margin = opts->exit_margin > CIM_EXIT_MARGIN_OFF ?
				  CIM_EXIT_MARGIN_OFF : opts->exit_margin;
	}
	req.result_handle = cim_bo_handle(job->result->bo);
	req.result_offset = 0;
	req.in_syncobj_count = n_in_syncobjs;
	req.in_syncobjs = (uintptr_t)in_syncobjs;
	req.out_syncobj = job->syncobj;
	job->submit_ns = cimi_now_ns();
	ret = cimi_ioctl(dev, DRM_IOCTL_CIM_SUBMIT, &req);
	if (ret == -ENOEXEC) {
		cimi_set_error(dev, "submit failed: the image's programming failed, it cannot run (load it again)");
		goto fail;
	}
	if (ret) {
		cimi_set_error(dev, "submit failed: %s", strerror(-ret));
		goto fail;
	}
	*jobp = job;
	return 0;
fail:
	cimi_syncobj_destroy(dev, job->syncobj);
	cimi_result_put(dev, job->result);
	free(job);
	return ret;
}

/* The job ended: turn its fence error and result record into job->ret. */
static void job_ended(struct cim_job *job, int fence_err)
{
	struct cim_dev *dev = job->dev;
	struct drm_cim_job_result rec;

	memcpy(&rec, job->result->rec, sizeof(rec));
	if (job->exits && rec.status == DRM_CIM_JOB_OK && !fence_err)
		memcpy(job->exits, (const uint8_t *)job->result->rec + sizeof(rec),
		       job->batch);
	cimi_result_put(dev, job->result);
	job->result = NULL;
	job->stats.status = rec.status;
	job->stats.batch_done = rec.batch_done;
	job->stats.device_time_ns = rec.device_time_ns;
	job->stats.queue_time_ns = rec.queue_time_ns;
	job->stats.n_exited = rec.n_exited;
	job->stats.host_time_ns = cimi_now_ns() - job->submit_ns;
	job->done = 1;

	if (rec.status != DRM_CIM_JOB_OK && rec.status != CIMI_RESULT_PENDING) {
		job->ret = cim_job_status_errno(rec.status);
		cimi_set_error(dev, "job failed: %s (status %u, %u items done)",
			       cim_job_status_str(rec.status), rec.status,
			       rec.batch_done);
	} else if (fence_err) {
		job->ret = fence_err;
		cimi_set_error(dev, "job failed: %s", strerror(-fence_err));
	} else if (rec.status == CIMI_RESULT_PENDING) {
		job->ret = -EIO;
		cimi_set_error(dev, "job ended without writing its result record");
	} else {
		job->ret = 0;
	}
}

int cim_job_wait(struct cim_job *job, int64_t timeout_ns)
{
	int64_t deadline;
	int ret, fence_err = 0;

	if (!job || (timeout_ns < 0 && timeout_ns != CIM_TIMEOUT_INFINITE))
		return -EINVAL;
	if (job->done)
		return job->ret;
	deadline = cimi_deadline((int64_t)cimi_now_ns(), timeout_ns);
	ret = cimi_fence_wait(job->dev, job->syncobj, deadline, &fence_err);
	if (ret) {
		if (ret != -ETIME)
			cimi_set_error(job->dev, "waiting for a job failed: %s",
				       strerror(-ret));
		return ret;
	}
	job_ended(job, fence_err);
	return job->ret;
}

int cim_job_cancel(struct cim_job *job)
{
	struct drm_cim_cancel req = { 0 };
	int ret;

	if (!job)
		return -EINVAL;
	if (job->done)
		return -EALREADY;
	req.syncobj = job->syncobj;
	ret = cimi_ioctl(job->dev, DRM_IOCTL_CIM_CANCEL, &req);
	/* A driver before minor 1, or the userspace card: no such ioctl. */
	if (ret == -ENOTTY || ret == -EINVAL)
		ret = -EOPNOTSUPP;
	if (ret && ret != -EALREADY)
		cimi_set_error(job->dev, "cancel failed: %s", strerror(-ret));
	return ret;
}

int cim_job_stats(const struct cim_job *job, struct cim_run_stats *stats)
{
	if (!job || !stats)
		return -EINVAL;
	if (!job->done)
		return -EBUSY;
	*stats = job->stats;
	return 0;
}

int cim_job_fence_fd(struct cim_job *job)
{
	if (!job)
		return -EINVAL;
	return cimi_syncobj_export(job->dev, job->syncobj);
}

uint32_t cim_job_syncobj(const struct cim_job *job)
{
	return job->syncobj;
}

void cim_job_free(struct cim_job *job)
{
	if (!job)
		return;
	if (!job->done)
		cim_job_wait(job, 0);
	/*
	 * A job that may still run keeps its result buffer busy: the card may
	 * write there later.  The buffer is freed at cim_close().
	 */
	cimi_syncobj_destroy(job->dev, job->syncobj);
	free(job);
}
