/* SPDX-License-Identifier: MIT */
/*
 * libcim internals shared by the device-side files.  Nothing here is
 * exported from libcim.so (built with -fvisibility=hidden).
 */
#ifndef CIM_INTERNAL_H
#define CIM_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "include/cim.h"
#include "../uapi/drm/cim_accel.h"

#define CIMI_ERR_LEN		256

/* Written into a result record before submission: "the card wrote nothing". */
#define CIMI_RESULT_PENDING	0xffffffffu

/*
 * A BO holding one job's struct drm_cim_job_result.  The driver fences
 * the result BO as written by the job (implicit sync), so a BO shared by
 * two jobs in flight would serialize them: each job in flight gets its
 * own, recycled once the job has ended.
 */
struct cimi_result_buf {
	struct cim_bo *bo;
	struct drm_cim_job_result *rec;	/* mapping of bo */
	size_t size;			/* bytes of bo: record + exit bytes */
	int busy;
	struct cimi_result_buf *next;
};

struct cim_dev {
	int fd;
	char path[256];
	struct cim_info info;
	_Atomic int64_t timeout_ns;	/* cim_set_timeout() from any thread */

	pthread_mutex_t lock;			/* results */
	struct cimi_result_buf *results;

	pthread_mutex_t infer_lock;		/* the cim_infer() buffers */
	struct cim_bo *infer_in;
	struct cim_bo *infer_out;
};

struct cim_bo {
	struct cim_dev *dev;
	uint32_t handle;
	size_t size;
	void *map;
};

struct cim_image {
	struct cim_dev *dev;
	struct cim_image_props props;
};

struct cim_job {
	struct cim_dev *dev;
	uint32_t syncobj;
	struct cimi_result_buf *result;
	uint64_t submit_ns;
	int done;		/* the end was seen: ret and stats are final */
	int ret;
	struct cim_run_stats stats;
	uint8_t *exits;		/* where the per-item exits go, or NULL */
	uint32_t batch;
};

/*
 * The caller's submit options (NULL: defaults) as this library's struct,
 * after checking their size: 0, -EINVAL or -E2BIG with the reason set.
 */
int cimi_submit_opts_get(struct cim_dev *dev, const struct cim_submit_opts *in,
			 struct cim_submit_opts *out);

/* A closed device's address may come back: its message must not. */
void cimi_forget_errors(const struct cim_dev *dev);

/* ioctl on the device fd: 0 or -errno. */
int cimi_ioctl(struct cim_dev *dev, unsigned long req, void *arg);

/* Record a printf-style message as the device's (or thread's) last error. */
void cimi_set_error(struct cim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC now, ns. */
uint64_t cimi_now_ns(void);

/* Absolute CLOCK_MONOTONIC deadline for a relative timeout (<0: forever). */
int64_t cimi_deadline(int64_t now_ns, int64_t timeout_ns);

/* Query the card into *info (size-negotiated). */
int cimi_query(int fd, struct cim_info *info);

/* Syncobjs on the device fd: 0 / the sync_file fd, or -errno. */
int cimi_syncobj_create(struct cim_dev *dev, uint32_t *handle);
void cimi_syncobj_destroy(struct cim_dev *dev, uint32_t handle);
int cimi_syncobj_export(struct cim_dev *dev, uint32_t handle);

/*
 * Wait for a syncobj's fence until an absolute deadline.  Returns 0 once
 * it signaled, with *fence_err = 0 or the fence's negative error; -ETIME
 * if the deadline passed; -EINVAL if the syncobj holds no fence.
 */
int cimi_fence_wait(struct cim_dev *dev, uint32_t syncobj, int64_t deadline,
		    int *fence_err);

/* A free result buffer, its record marked pending: 0 or -ENOMEM. */
int cimi_result_get(struct cim_dev *dev, size_t size,
		    struct cimi_result_buf **buf);
/* Give a buffer back once its job has ended. */
void cimi_result_put(struct cim_dev *dev, struct cimi_result_buf *buf);
void cimi_results_free(struct cim_dev *dev);

#endif /* CIM_INTERNAL_H */
