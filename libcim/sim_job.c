// SPDX-License-Identifier: MIT
/*
 * Jobs on the userspace card: SUBMIT checks its arguments as cim.ko
 * does, takes references on what the job uses and queues it; the worker
 * thread runs queued jobs (high priority first, then in order) once
 * their in-fences and the image's programming have signaled, one
 * descriptor at a time on the card, and signals their fences.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static void job_free(struct sim_card *c, struct sim_job *job)
{
	uint32_t i;

	for (i = 0; i < job->n_deps; i++)
		sim_fence_put(job->deps[i]);
	free(job->deps);
	sim_fence_put(job->done);
	if (job->img)
		sim_image_put(c, job->img);
	if (job->src)
		job->src->busy--;
	if (job->dst)
		job->dst->busy--;
	if (job->result)
		job->result->busy--;
	sim_buf_put(c, job->src);
	sim_buf_put(c, job->dst);
	sim_buf_put(c, job->result);
	sim_buf_put(c, job->map);
	free(job);
}

void sim_job_queue(struct sim_card *c, struct sim_job *job)
{
	struct sim_job **p;

	for (p = &c->queue; *p; p = &(*p)->next)
		;
	*p = job;
	pthread_cond_broadcast(&c->cond);
}

static struct sim_buf *use_buf(struct sim_file *sf, uint32_t handle)
{
	struct sim_buf *b = sim_table_get(&sf->bos, handle);

	if (b) {
		sim_buf_get(b);
		b->busy++;
	}
	return b;
}

static int fits(const struct sim_buf *b, uint64_t off, uint64_t len)
{
	return off <= b->size && len <= b->size - off;
}

static int add_dep(struct sim_job *job, struct sim_fence *f)
{
	struct sim_fence **d = realloc(job->deps, (job->n_deps + 1) * sizeof(*d));

	if (!d)
		return -ENOMEM;
	job->deps = d;
	job->deps[job->n_deps++] = sim_fence_get(f);
	return 0;
}

int sim_submit(struct sim_file *sf, struct drm_cim_submit *a)
{
	const uint32_t *in_sync = (const uint32_t *)(uintptr_t)a->in_syncobjs;
	struct sim_card *c = sf->card;
	struct sim_image *img;
	struct sim_job *job;
	uint64_t in_len, out_len;
	uint32_t i;
	int ret = 0;

	if (a->flags & ~DRM_CIM_SUBMIT_EXIT_MARGIN || !a->batch ||
	    a->batch > CIM_MAX_BATCH || a->priority > DRM_CIM_PRIO_HIGH ||
	    a->in_syncobj_count > CIM_MAX_IN_FENCES ||
	    (!(a->flags & DRM_CIM_SUBMIT_EXIT_MARGIN) && a->exit_margin) ||
	    a->exit_margin > CIM_EXIT_MARGIN_OFF || (a->result_offset & 7))
		return -EINVAL;
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->kind = SIM_JOB_RUN;
	job->high = a->priority == DRM_CIM_PRIO_HIGH;
	pthread_mutex_lock(&c->lock);
	img = sim_table_get(&sf->images, a->image_handle);
	if (!img || !sim_table_get(&sf->syncobjs, a->out_syncobj)) {
		ret = -ENOENT;
		goto fail;
	}
	if (img->state == SIM_IMG_FAILED) {
		ret = -ENOEXEC;
		goto fail;
	}
	img->refs++;
	job->img = img;
	job->src = use_buf(sf, a->in_handle);
	job->dst = use_buf(sf, a->out_handle);
	job->result = a->result_handle ? use_buf(sf, a->result_handle) : NULL;
	if (!job->src || !job->dst || (a->result_handle && !job->result)) {
		ret = -ENOENT;
		goto fail;
	}
	in_len = (uint64_t)a->batch * img->input_size;
	out_len = (uint64_t)a->batch * img->output_size;
	if (!fits(job->src, a->in_offset, in_len) ||
	    !fits(job->dst, a->out_offset, out_len) ||
	    (job->result && !fits(job->result, a->result_offset,
				  sizeof(struct cim_job_record)))) {
		ret = -ERANGE;
		goto fail;
	}
	for (i = 0; i < a->in_syncobj_count && !ret; i++) {
		struct sim_fence **slot = sim_table_get(&sf->syncobjs, in_sync[i]);

		ret = !slot ? -ENOENT : !*slot ? -EINVAL : add_dep(job, *slot);
	}
	if (!ret && img->programmed)
		ret = add_dep(job, img->programmed);
	job->done = sim_fence_new();
	if (!ret && !job->done)
		ret = -ENOMEM;
	if (ret)
		goto fail;

	job->desc.opcode = CIM_OPC_RUN;
	job->desc.slot = img->slot;
	job->desc.batch = a->batch;
	if (a->flags & DRM_CIM_SUBMIT_EXIT_MARGIN) {
		job->desc.flags = CIM_DESCF_EXIT_MARGIN;
		job->desc.exit_margin = a->exit_margin;
	}
	job->desc.src = sim_ref(job->src, a->in_offset, in_len);
	job->desc.dst = sim_ref(job->dst, a->out_offset, out_len);
	if (job->result)
		job->desc.result = sim_ref(job->result, a->result_offset,
					   job->result->size - a->result_offset);
	sim_syncobj_replace(sf, a->out_syncobj, job->done);
	sim_job_queue(c, job);
	pthread_mutex_unlock(&c->lock);
	return 0;
fail:
	job_free(c, job);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static int ready(const struct sim_job *job)
{
	uint32_t i;

	for (i = 0; i < job->n_deps; i++)
		if (!job->deps[i]->signaled)
			return 0;
	return 1;
}

/* The next job to run: the first ready high-priority one, else the first ready. */
static struct sim_job *pick(struct sim_card *c)
{
	struct sim_job **p, **best = NULL, *job;

	for (p = &c->queue; *p; p = &(*p)->next) {
		if (!ready(*p))
			continue;
		if ((*p)->high) {
			best = p;
			break;
		}
		if (!best)
			best = p;
	}
	if (!best)
		return NULL;
	job = *best;
	*best = job->next;
	job->next = NULL;
	return job;
}

static void finish(struct sim_card *c, struct sim_job *job, int ret,
		   const struct cim_cpl *cpl)
{
	int err = ret ? ret : sim_status_errno(cpl->status);

	if (job->kind == SIM_JOB_PROGRAM) {
		job->img->state = err ? SIM_IMG_FAILED : SIM_IMG_READY;
		/* kept, as cim.ko keeps it, to program again after a reset */
		if (!err && !job->img->copy) {
			sim_buf_get(job->src);
			job->img->copy = job->src;
		}
	}
	/* Programming that failed fails the calibration behind it. */
	if (job->kind == SIM_JOB_CALIBRATE && job->img->state == SIM_IMG_FAILED &&
	    !err)
		err = -EREMOTEIO;
	sim_fence_signal(c, job->done, err);
	if (ret == -ECANCELED) {
		/* Still on the card, which may yet touch its buffers. */
		job->next = c->zombies;
		c->zombies = job;
		return;
	}
	job_free(c, job);
}

void sim_jobs_free_zombies(struct sim_card *c)
{
	struct sim_job *job;

	while ((job = c->zombies)) {
		c->zombies = job->next;
		job_free(c, job);
	}
}

static void *worker(void *arg)
{
	struct sim_card *c = arg;
	struct sim_job *job;
	struct cim_cpl cpl;
	int ret;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		job = pick(c);
		if (!job) {
			if (c->stopping)
				break;
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		if (job->kind == SIM_JOB_CALIBRATE &&
		    job->img->state == SIM_IMG_FAILED) {
			finish(c, job, -EREMOTEIO, NULL);
			continue;
		}
		pthread_mutex_unlock(&c->lock);
		memset(&cpl, 0, sizeof(cpl));
		ret = sim_exec(c, &job->desc, &cpl);
		pthread_mutex_lock(&c->lock);
		finish(c, job, ret, &cpl);
		if (c->need_restore && !c->stopping && !c->dead) {
			c->need_restore = 0;
			sim_catalog_restore(c);
		}
	}
	/* Stopping: what is still queued never ran. */
	while (c->queue) {
		job = c->queue;
		c->queue = job->next;
		if (job->kind == SIM_JOB_PROGRAM)
			job->img->state = SIM_IMG_FAILED;
		sim_fence_signal(c, job->done, -ECANCELED);
		job_free(c, job);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int sim_worker_start(struct sim_card *c)
{
	int ret = pthread_create(&c->worker, NULL, worker, c);

	if (ret)
		return -ret;
	c->worker_up = 1;
	return 0;
}

void sim_worker_stop(struct sim_card *c)
{
	pthread_mutex_lock(&c->lock);
	pthread_mutex_lock(&c->ring_mu);
	c->stopping = 1;
	pthread_cond_broadcast(&c->ring_cond);
	pthread_mutex_unlock(&c->ring_mu);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->worker, NULL);
	c->worker_up = 0;
}
