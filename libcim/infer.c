// SPDX-License-Identifier: MIT
/*
 * Synchronous inference through buffers cached on the device.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Make *bo at least size bytes, mapped; contents are not kept. */
static int ensure_bo(struct cim_dev *dev, struct cim_bo **bo, size_t size,
		     void **map)
{
	size_t want;
	int ret;

	if (*bo && (*bo)->size >= size)
		return cim_bo_map(*bo, map);
	/* Grow geometrically so that a rising batch size does not realloc each call. */
	want = *bo ? 2 * (*bo)->size : 0;
	if (want < size)
		want = size;
	cim_bo_free(*bo);
	*bo = NULL;
	ret = cim_bo_alloc(dev, want, bo);
	if (ret)
		return ret;
	return cim_bo_map(*bo, map);
}

/*
 * The job may still be running and writing into the cached buffers: drop
 * them (the driver keeps the memory for the job) so the next call starts
 * from fresh ones.
 */
static void drop_buffers(struct cim_dev *dev)
{
	cim_bo_free(dev->infer_in);
	cim_bo_free(dev->infer_out);
	dev->infer_in = NULL;
	dev->infer_out = NULL;
}

/*
 * How long a job that was cancelled may take to end: the card aborts it
 * at its next batch item or op (card interface 1.3).
 */
#define CANCEL_WAIT_NS	(5 * 1000000000ll)

/*
 * The wait gave up: cancel the job (only that one: other threads' jobs
 * on the device run on) and let it end, so that the buffers it would
 * have written are free again.  If it cannot be cancelled or does not
 * end in time, the buffers go with it.
 */
static void give_up(struct cim_dev *dev, struct cim_job *job)
{
	int c = cim_job_cancel(job), w = -ETIME;

	if (!c || c == -EALREADY)
		w = cim_job_wait(job, CANCEL_WAIT_NS);
	if (w == -ETIME)
		drop_buffers(dev);
	cimi_set_error(dev, "inference did not finish within the timeout (%s)",
		       w == -ETIME ? "it may still run" :
				     c ? "it ended meanwhile" : "canceled");
}

static int run_chunk(struct cim_dev *dev, struct cim_image *img,
		     const int8_t *in, int8_t *out, uint32_t batch,
		     const struct cim_submit_opts *opts,
		     struct cim_run_stats *total)
{
	size_t in_bytes = (size_t)batch * img->props.input_size;
	size_t out_bytes = (size_t)batch * img->props.output_size;
	struct cim_run_stats st;
	struct cim_job *job;
	void *in_map, *out_map;
	int ret;

	ret = ensure_bo(dev, &dev->infer_in, in_bytes, &in_map);
	if (!ret)
		ret = ensure_bo(dev, &dev->infer_out, out_bytes, &out_map);
	if (ret)
		return ret;
	memcpy(in_map, in, in_bytes);
	ret = cim_submit_ex(dev, img, dev->infer_in, 0, dev->infer_out, 0,
			    batch, opts, NULL, 0, &job);
	if (ret)
		return ret;
	ret = cim_job_wait(job, cimi_job_timeout(dev, img, batch));
	if (ret == -ETIME)
		give_up(dev, job);
	if (!cim_job_stats(job, &st)) {
		if (!ret)
			cimi_job_took(img, batch, st.host_time_ns);
		total->status = st.status;
		total->batch_done += st.batch_done;
		total->device_time_ns += st.device_time_ns;
		total->queue_time_ns += st.queue_time_ns;
		total->n_exited += st.n_exited;
	}
	cim_job_free(job);
	if (!ret)
		memcpy(out, out_map, out_bytes);
	return ret;
}

int cim_infer(struct cim_dev *dev, struct cim_image *img, const int8_t *in,
	      int8_t *out, uint32_t batch, struct cim_run_stats *stats)
{
	return cim_infer_ex(dev, img, in, out, batch, NULL, stats);
}

int cim_infer_ex(struct cim_dev *dev, struct cim_image *img,
		 const int8_t *in, int8_t *out, uint32_t batch,
		 const struct cim_submit_opts *opts,
		 struct cim_run_stats *stats)
{
	struct cim_submit_opts o, given;
	struct cim_run_stats total;
	uint64_t start = cimi_now_ns();
	uint32_t done = 0;
	int ret = 0;

	if (!dev || !img || img->dev != dev || !in || !out || !batch)
		return -EINVAL;
	ret = cimi_submit_opts_get(dev, opts, &given);
	if (ret)
		return ret;
	memset(&total, 0, sizeof(total));
	pthread_mutex_lock(&dev->infer_lock);
	/* The driver takes at most CIM_MAX_BATCH items per job. */
	while (done < batch && !ret) {
		uint32_t n = batch - done < CIM_MAX_BATCH ? batch - done :
							    CIM_MAX_BATCH;

		o = given;
		if (o.exits)
			o.exits += done;
		ret = run_chunk(dev, img, in + (size_t)done * img->props.input_size,
				out + (size_t)done * img->props.output_size, n,
				&o, &total);
		done += n;
	}
	pthread_mutex_unlock(&dev->infer_lock);
	total.host_time_ns = cimi_now_ns() - start;
	if (stats)
		*stats = total;
	return ret;
}
