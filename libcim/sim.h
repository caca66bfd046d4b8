/* SPDX-License-Identifier: MIT */
/*
 * The userspace card's driver: libcim's second backend.  It does in the
 * process what cim.ko does in the kernel, over the register file, rings
 * and DMA of firmware/sim/ (cim_sim.h): BOs in plain memory, syncobjs
 * whose fences export as eventfds, images validated with the shared
 * uapi validator, a resident catalog by content, least-worn placement,
 * PROGRAM and RUN jobs on a worker thread.
 *
 * One card per device spec in a process: every cim_open() of the same
 * spec shares it (like processes sharing a card), with its catalog.
 * Locks: card->lock guards everything of the driver (tables, catalog,
 * fences, the job queue); card->ring_mu only the rings; the worker holds
 * neither while the card runs a descriptor.
 */
#ifndef CIM_SIM_DRV_H
#define CIM_SIM_DRV_H

#include <pthread.h>
#include <stdint.h>

#include "internal.h"
#include "../uapi/cim_card.h"

#define SIM_RING_ENTRIES	64
#define SIM_MAX_TILES		1024
#define SIM_MAX_SLOTS		64

/* Card-reachable memory: bytes, then a one-entry SG table describing them. */
struct sim_buf {
	void *p;
	size_t size;
	struct cim_sg_entry *sg;
	int refs;		/* handle + jobs using it */
	int busy;		/* jobs using it */
};

struct sim_fence {
	int refs;
	int signaled;
	int error;
	int *efds;		/* our ends of exported eventfds */
	int n_efds;
};

enum sim_img_state {
	SIM_IMG_PROGRAMMING = DRM_CIM_IMAGE_PROGRAMMING,
	SIM_IMG_READY = DRM_CIM_IMAGE_READY,
	SIM_IMG_FAILED = DRM_CIM_IMAGE_FAILED,
};

struct sim_image {
	struct sim_image *next;		/* catalog list */
	struct sim_buf *copy;		/* its bytes once programmed: a reset
					 * programs it again (NULL: adopted) */
	int refs;			/* catalog + handles + queued jobs */
	uint32_t handles;		/* image handles open on it */
	uint8_t digest[32];
	uint64_t size;
	uint32_t n_vtiles;
	uint16_t *tile_map;
	uint32_t slot;
	int state;
	uint64_t lru, last_use_ns;
	uint32_t input_size, output_size;
	struct sim_fence *programmed;	/* NULL once dropped */
};

enum sim_job_kind { SIM_JOB_PROGRAM, SIM_JOB_CALIBRATE, SIM_JOB_RUN };

struct sim_job {
	struct sim_job *next;
	enum sim_job_kind kind;
	int high;
	struct sim_fence **deps;
	uint32_t n_deps;
	struct sim_fence *done;
	struct sim_image *img;
	struct sim_buf *src, *dst, *result, *map;
	struct cim_desc desc;
};

struct sim_card {
	struct sim_card *next;		/* the process's cards */
	char spec[128];
	int users;			/* devices open on it */
	struct cim_sim *hw;
	struct cim_info info;		/* as the device query reports it */
	uint32_t arena_bytes;
	int analog;

	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a fence signaled, a job queued */

	/* rings (ring_mu) */
	pthread_mutex_t exec_mu;	/* one descriptor on the card at a time */
	pthread_mutex_t ring_mu;
	pthread_cond_t ring_cond;
	struct sim_buf *sq, *cq;
	uint32_t sq_pos, cq_pos;
	uint64_t next_tag;
	int stopping;
	int dead;			/* a reset failed: every job gets -EIO */
	int evfd;			/* cim_dev_fd(): counts completions */
	/* hung jobs (sim_exec()): reset, then the catalog restored */
	uint64_t job_timeout_ns;	/* without progress; 0: never */
	uint64_t resets, jobs_timed_out;
	int need_restore;		/* card reset: images to put back */

	/* catalog and tiles (lock) */
	struct sim_image *images;
	uint64_t lru_clock;
	uint64_t programs, hits, evictions, adopted;
	uint32_t tile_pe[SIM_MAX_TILES];
	uint8_t tile_used[SIM_MAX_TILES];
	uint8_t slot_used[SIM_MAX_SLOTS];
	uint32_t free_tiles;

	/* jobs (lock) */
	struct sim_job *queue;
	struct sim_job *zombies;	/* cancelled on the card: freed after it */
	pthread_t worker;
	int worker_up;
};

/* A table of pointers by handle (1-based). */
struct sim_table {
	void **v;
	uint32_t n;
};

/* What one cim_dev holds: its handles, like a DRM file. */
struct sim_file {
	struct sim_card *card;
	struct sim_table bos, syncobjs, images;
};

static inline struct sim_file *sim_file(struct cim_dev *dev)
{
	return dev->priv;
}

/* sim_dev.c */
uint32_t sim_rd(struct sim_card *c, uint32_t reg);
void sim_wr(struct sim_card *c, uint32_t reg, uint32_t val);
/*
 * Run one descriptor on the card and wait for its completion: 0 with
 * *cpl filled, -ECANCELED when the card is going away, -EIO if the
 * firmware stopped with an error, -ETIMEDOUT if it held the descriptor
 * for job_timeout_ns without progress (the card was reset in both cases;
 * need_restore is set; a reset that fails leaves the card dead: -EIO
 * from then on, as cim.ko's failed state).
 */
int sim_exec(struct sim_card *c, struct cim_desc *desc, struct cim_cpl *cpl);
/* A card command reading len bytes into out (READ_WEAR, READ_SLOT). */
int sim_card_read(struct sim_card *c, uint32_t opcode, uint32_t slot,
		  void *out, uint32_t len);
int sim_status_errno(uint32_t status);

/* sim_mem.c: card-reachable buffers and handle tables */
struct sim_buf *sim_buf_new(struct sim_card *c, size_t size);
void sim_buf_get(struct sim_buf *b);
void sim_buf_put(struct sim_card *c, struct sim_buf *b);
struct cim_dma_ref sim_ref(const struct sim_buf *b, uint64_t off,
			   uint64_t len);
int sim_table_add(struct sim_table *t, void *p, uint32_t *handle);
void *sim_table_get(const struct sim_table *t, uint32_t handle);
void *sim_table_del(struct sim_table *t, uint32_t handle);

/* sim_fence.c (card->lock held unless said) */
struct sim_fence *sim_fence_new(void);
struct sim_fence *sim_fence_get(struct sim_fence *f);
void sim_fence_put(struct sim_fence *f);
void sim_fence_signal(struct sim_card *c, struct sim_fence *f, int error);
int sim_syncobj_create(struct cim_dev *dev, uint32_t *handle);
void sim_syncobj_destroy(struct cim_dev *dev, uint32_t handle);
int sim_syncobj_export(struct cim_dev *dev, uint32_t handle);
int sim_fence_wait(struct cim_dev *dev, uint32_t syncobj, int64_t deadline,
		   int *fence_err);
/* Put fence f (a new reference is taken) into syncobj handle. */
int sim_syncobj_replace(struct sim_file *sf, uint32_t handle,
			struct sim_fence *f);

/* sim_image.c */
int sim_image_load(struct sim_file *sf, struct drm_cim_image_load *a);
int sim_image_release(struct sim_file *sf, struct drm_cim_image_release *a);
int sim_image_calibrate(struct sim_file *sf, struct drm_cim_calibrate *a);
void sim_image_put(struct sim_card *c, struct sim_image *img);
void sim_images_drop_file(struct sim_file *sf);
int sim_catalog_query(struct sim_card *c, struct drm_cim_query *q);
int sim_tiles_query(struct sim_card *c, struct drm_cim_query *q);
int sim_catalog_rebuild(struct sim_card *c);
/* After a card reset (lock held): images the card lost are programmed again. */
void sim_catalog_restore(struct sim_card *c);
void sim_catalog_free(struct sim_card *c);

/* sim_job.c */
int sim_submit(struct sim_file *sf, struct drm_cim_submit *a);
/* Queue a job (lock held); it owns its references from here on. */
void sim_job_queue(struct sim_card *c, struct sim_job *job);
int sim_worker_start(struct sim_card *c);
void sim_worker_stop(struct sim_card *c);
void sim_jobs_free_zombies(struct sim_card *c);

/* sim_ioctl.c */
extern const struct cimi_backend cimi_sim_backend;
int sim_reply(struct drm_cim_query *q, const void *buf, size_t need);

#endif /* CIM_SIM_DRV_H */
