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

/* A slot of CIMI_RESULT_SLOT bytes in a result page (struct drm_cim_job_result). */
#define CIMI_RESULT_SLOT	32
#define CIMI_RESULT_PAGE	4096
#define CIMI_RESULTS_PER_PAGE	(CIMI_RESULT_PAGE / CIMI_RESULT_SLOT)
/* Written into a result slot before submission: "the card wrote nothing". */
#define CIMI_RESULT_PENDING	0xffffffffu

struct cimi_result_page {
	struct cim_bo *bo;
	struct drm_cim_job_result *rec;	/* mapping of bo */
	uint8_t used[CIMI_RESULTS_PER_PAGE];
	struct cimi_result_page *next;
};

struct cimi_result_slot {
	struct cimi_result_page *page;
	uint32_t index;
};

struct cim_dev {
	int fd;
	char path[256];
	struct cim_info info;
	int64_t timeout_ns;
	char err[CIMI_ERR_LEN];

	pthread_mutex_t lock;			/* result pages */
	struct cimi_result_page *results;

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
	struct cimi_result_slot slot;
	uint64_t submit_ns;
	int done;		/* the end was seen: ret and stats are final */
	int ret;
	struct cim_run_stats stats;
};

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

int cimi_result_get(struct cim_dev *dev, struct cimi_result_slot *slot);
void cimi_result_put(struct cim_dev *dev, struct cimi_result_slot *slot);
struct drm_cim_job_result *cimi_result_rec(const struct cimi_result_slot *slot);
uint32_t cimi_result_handle(const struct cimi_result_slot *slot);
uint64_t cimi_result_offset(const struct cimi_result_slot *slot);
void cimi_results_free(struct cim_dev *dev);

#endif /* CIM_INTERNAL_H */
