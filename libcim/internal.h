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

struct cim_dev;

/*
 * A backend: how a device does what cim.ko's ioctls, mmap and syncobjs
 * do.  The kernel backend (dev.c, fence.c) passes them to the driver;
 * the userspace card's (sim_*.c) implements them in-process on the
 * firmware of firmware/sim/.  Everything above this table is shared.
 */
struct cimi_backend {
	const char *name;
	/* A DRM_IOCTL_CIM_* or DRM_IOCTL_GEM_CLOSE request: 0 or -errno. */
	int (*ioctl)(struct cim_dev *dev, unsigned long req, void *arg);
	/* Map the BO handle (size bytes; offset from BO_MMAP_OFFSET). */
	int (*bo_map)(struct cim_dev *dev, uint32_t handle, uint64_t offset,
		      size_t size, void **ptr);
	void (*bo_unmap)(struct cim_dev *dev, void *ptr, size_t size);
	int (*syncobj_create)(struct cim_dev *dev, uint32_t *handle);
	void (*syncobj_destroy)(struct cim_dev *dev, uint32_t handle);
	/* An fd that poll() finds readable once the fence signaled. */
	int (*syncobj_export)(struct cim_dev *dev, uint32_t handle);
	/* As cimi_fence_wait(). */
	int (*fence_wait)(struct cim_dev *dev, uint32_t syncobj,
			  int64_t deadline, int *fence_err);
	/* Release what the backend holds for dev (after the shared part). */
	void (*close)(struct cim_dev *dev);
};

extern const struct cimi_backend cimi_kernel_backend;

struct cim_dev {
	const struct cimi_backend *be;
	void *priv;		/* the backend's */
	int fd;
	char path[256];
	struct cim_info info;
	int64_t timeout_ns;
	char err[CIMI_ERR_LEN];

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

/* ioctl on the device fd: 0 or -errno. */
int cimi_ioctl(struct cim_dev *dev, unsigned long req, void *arg);

/* Allocate and set up the device fields every backend shares. */
struct cim_dev *cimi_dev_new(const struct cimi_backend *be, int fd,
			     const char *path, const struct cim_info *info);

/* Open the userspace card "sim[:preset]" (sim_dev.c). */
int cimi_sim_open(const char *spec, struct cim_dev **out);
/* Is spec a userspace card name ("sim" or "sim:...")? */
int cimi_is_sim(const char *spec);

/* SHA-256 of data. */
void cimi_sha256(const void *data, size_t len, uint8_t out[32]);

/* Record a printf-style message as the device's (or thread's) last error. */
void cimi_set_error(struct cim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* CLOCK_MONOTONIC now, ns. */
uint64_t cimi_now_ns(void);

/* Absolute CLOCK_MONOTONIC deadline for a relative timeout (<0: forever). */
int64_t cimi_deadline(int64_t now_ns, int64_t timeout_ns);

/* Query the card into *info (size-negotiated). */
int cimi_query(struct cim_dev *dev, struct cim_info *info);

/* The kernel backend's pieces (bo.c, fence.c). */
int cimi_kernel_bo_map(struct cim_dev *dev, uint32_t handle, uint64_t offset,
		       size_t size, void **ptr);
void cimi_kernel_bo_unmap(struct cim_dev *dev, void *ptr, size_t size);
int cimi_kernel_syncobj_create(struct cim_dev *dev, uint32_t *handle);
void cimi_kernel_syncobj_destroy(struct cim_dev *dev, uint32_t handle);
int cimi_kernel_syncobj_export(struct cim_dev *dev, uint32_t handle);
int cimi_kernel_fence_wait(struct cim_dev *dev, uint32_t syncobj,
			   int64_t deadline, int *fence_err);

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
