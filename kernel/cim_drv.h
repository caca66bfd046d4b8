/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
#ifndef __CIM_DRV_H__
#define __CIM_DRV_H__

#include <linux/bitmap.h>
#include <linux/dma-fence.h>
#include <linux/interrupt.h>
#include <linux/regmap.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>
#include <drm/drm_device.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/gpu_scheduler.h>

#include "cim_compat.h"

#include "../uapi/cim_card.h"
#include "../uapi/drm/cim_accel.h"
#include "cim_catalog.h"

#define CIM_DRIVER_NAME		"cim"
#define CIM_SQ_ENTRIES		64
#define CIM_CQ_ENTRIES		128
#define CIM_MAX_TILES		1024
#define CIM_MAX_SLOTS		64
#define CIM_BOOT_TIMEOUT_MS	2000
#define CIM_MAX_IN_SYNCOBJS	64
#define CIM_MAX_BATCH		65535
/* Handles one SYNCOBJ_WAIT, _RESET or _SIGNAL may name (cim_fops.c). */
#define CIM_MAX_SYNCOBJ_ARRAY	4096

/* What the card reported at boot. */
struct cim_card_info {
	u32 hw_id;
	u32 hw_version;
	u32 if_version;
	u32 fw_version;
	u32 tiles;
	u32 tile_rows;
	u32 tile_cols;
	u32 cell_bits;
	u32 adc_bits;
	u32 act_bits;
	u32 max_vector;
	u32 max_images;
	u32 plan_bytes;
	u32 arena_bytes;	/* activation bytes per batch item */
};

/*
 * What a card's interface minor version adds (docs/card-interface.md).
 * The driver uses an addition only on a card whose IF_VERSION reports it.
 */
enum cim_card_feature {
	CIM_FEAT_SLOT_TAGS,	/* 1.1: slot tags, READ_SLOT, READ_WEAR */
	CIM_FEAT_SIMD_TEL,	/* 1.2: TEL_MAC, TEL_SIMD, TEL_SIMD_NS */
};

static inline bool cim_card_has(const struct cim_card_info *info,
				enum cim_card_feature feat)
{
	u32 minor = info->if_version & 0xffff;

	switch (feat) {
	case CIM_FEAT_SLOT_TAGS:
		return minor >= 1;
	case CIM_FEAT_SIMD_TEL:
		return minor >= 2;
	}
	return false;
}

struct cim_ring {
	void *cpu;
	dma_addr_t dma;
	u32 entries;
	u32 pos;	/* SQ: next free entry; CQ: next entry to read */
};

enum cim_reset_reason {
	CIM_RESET_NONE,
	CIM_RESET_TIMEOUT,	/* a job ran past job_timeout_ms */
	CIM_RESET_CRASH,	/* the firmware stopped with an error */
	CIM_RESET_FORCED,	/* debugfs force_reset */
};

#define CIM_SCHED_FAIR		0	/* per-queue cap on jobs on the card */
#define CIM_SCHED_FIFO		1	/* drm_sched order only */
/* Jobs one queue may have on the card at once under CIM_SCHED_FAIR. */
#define CIM_FAIR_INFLIGHT	8

/*
 * Settings held only in card registers, restored after a reset or a
 * wake-up (cim_knobs.c) in this order: a write of REFRESH_POLICY has the
 * firmware refresh at once, so the settings a refresh uses go first.
 */
enum cim_knob {
	CIM_KNOB_PERF_MODE,		/* PERF_MODE: CIM_PERF_* */
	CIM_KNOB_ADC_BITS,		/* ADC_BITS_CFG: 0 = the card's ADC_BITS */
	CIM_KNOB_REFRESH_THRESH,	/* REFRESH_THRESH: ppm, 0 = default */
	CIM_KNOB_REFRESH_POLICY,	/* REFRESH_POLICY: CIM_REFRESH_* */
	CIM_KNOB_COUNT
};

/* One tile's counters, as read through the card's TEL_* window. */
struct cim_tile_tel {
	u32 pe_cycles;
	u64 mvms;
	u64 pulses;
	u64 busy_ns;
	/* interface 1.2 cards only (has_simd) */
	bool has_simd;
	u64 macs;
	u64 simd_ops;
	u64 simd_ns;
};

/*
 * Locks, and what each owns (docs/kernel-locking.md has the long form):
 *
 *   cdev->alloc_lock    mutex   the catalog: cdev->images, tiles_used,
 *                               slots_used, free_tiles, tile_pe, cat_stats;
 *                               each image's node, slot, tiles, handles
 *   queue->push_lock    mutex   one drm_sched entity: its jobs from
 *                               drm_sched_job_arm() to ..._push_job()
 *   BO dma_resv         ww      the BO's implicit fences (drm_gem_lock_reservations)
 *   cdev->cmd_lock      mutex   one driver-internal card command at a time
 *   bo->sg_lock         mutex   the BO's card SG table
 *   cdev->ring_lock     spin    SQ, CQ, inflight, next_tag, hw_up (irq-safe)
 *   img->lock           spin    the image's state, error and programming
 *                               fence (irq-safe; cim_image_set_state())
 *   files_lock, tel_lock, knob_lock, xa_lock(cfile->images): leaves
 *
 * Order (outer first; never take an earlier one while holding a later):
 *
 *   alloc_lock -> push_lock -> BO dma_resv -> img->lock
 *   cmd_lock -> ring_lock -> img->lock
 *   sg_lock -> (nothing of ours)
 *
 * alloc_lock is held across a PROGRAM's push (a new image must not be
 * found before its programming fence exists), so nothing under
 * push_lock may take alloc_lock.  ring_lock is taken in the completion
 * interrupt, which sets image state: img->lock is innermost and irq-safe.
 * No driver lock is held across a fence wait, except cmd_lock (the
 * internal command waits for its own completion; nothing it waits for
 * takes cmd_lock).
 */
struct cim_device {
	struct drm_device drm;
	struct device *dev;
	struct regmap *regs;
	int irq;
	struct cim_card_info info;

	struct drm_gpu_scheduler sched;
	bool sched_ready;
	atomic_t sched_jobs;	/* pushed to drm_sched, not yet freed */
	u64 fence_context;
	atomic64_t fence_seqno;

	/* Serializes ring writes and the in-flight list. */
	spinlock_t ring_lock;
	struct cim_ring sq;
	struct cim_ring cq;
	struct list_head inflight;
	u64 next_tag;
	bool hw_up;

	/* Tile and image-slot allocation. */
	struct mutex alloc_lock;
	DECLARE_BITMAP(tiles_used, CIM_MAX_TILES);
	DECLARE_BITMAP(slots_used, CIM_MAX_SLOTS);
	u32 free_tiles;
	struct list_head images;

	/* Resident images and wear (cim_catalog.c, cim_tiles.c). */
	u32 *tile_pe;			/* P/E cycles per tile (alloc_lock) */
	struct cim_catalog_stats cat_stats;
	atomic64_t lru_clock;
	struct mutex cmd_lock;		/* one internal card command at a time */
	bool card_catalog;		/* firmware keeps slot tags and wear */

	atomic_t resets;

	/* --- recovery, knobs, telemetry, power (cim_reset.c and friends) --- */
	struct workqueue_struct *reset_wq;	/* ordered: TDR + reset work */
	struct workqueue_struct *submit_wq;	/* drm_sched run/free work */
	struct work_struct reset_work;
	unsigned long reset_pending;		/* BIT(CIM_RESET_*) */
	enum cim_reset_reason last_reset;
	ktime_t last_reset_time;
	struct mutex files_lock;
	struct list_head files;			/* struct cim_file, debugfs */
	struct mutex tel_lock;			/* the TEL_* register window */
	u32 sched_policy;			/* CIM_SCHED_* */
	struct mutex knob_lock;			/* knobs and their registers */
	u32 knobs[CIM_KNOB_COUNT];		/* enum cim_knob */
	struct device *hwmon;
	struct dentry *debugfs_link;		/* accel/<minor> -> accel/<dev> */
	atomic64_t jobs_timed_out;
	/* Analog arrays (cim_analog.c). */
	bool analog;			/* CIM_REG_ANALOG: arrays are not ideal */
	bool calibrate_on_program;	/* CALIBRATE after every PROGRAM */

	/*
	 * Progress watchdog and recovery ladder (cim_reset.c).  state and
	 * the recovery fields are written only on reset_wq (ordered), read
	 * anywhere with READ_ONCE.  progress_seen: the card's PROGRESS at
	 * the last completion or timeout check.
	 */
	bool has_progress;		/* interface >= 1.3: PROGRESS, CANCEL */
	u32 progress_seen;
	int state;			/* enum cim_state */
	const char *last_recovery_step;	/* "reset", "retry", "reinit", "flr" */
	s64 last_recovery_us;		/* host time of the last recovery */
	atomic64_t jobs_canceled;	/* aborted on the card (file closed) */
	bool suspended;			/* system sleep: scheduler parked */
	u32 pm_progress;		/* PROGRESS when it went to sleep */
	u32 pm_suspends;		/* system sleeps (debugfs pm_suspends) */
	unsigned long pm_tdr_left;	/* drm_sched timeout left then */
};

/* sysfs state: what the card can do now. */
enum cim_state {
	CIM_STATE_OK,
	CIM_STATE_RECOVERING,	/* a reset is under way */
	CIM_STATE_FAILED,	/* every recovery step failed: new work -EIO */
};


static inline struct cim_device *to_cim_device(struct drm_device *drm)
{
	return container_of(drm, struct cim_device, drm);
}

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
	pid_t pid;
	struct kref ref;			/* the file and its jobs */
};

/* A GEM buffer: shmem pages plus a card-readable SG table. */
struct cim_bo {
	struct drm_gem_shmem_object base;
	struct mutex sg_lock;
	struct cim_sg_entry *sg;	/* coherent, for the card */
	dma_addr_t sg_dma;
	u32 sg_count;
	size_t sg_bytes;
};

static inline struct cim_bo *to_cim_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct cim_bo, base);
}

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
	bool cancel;			/* its file closed: abort it (cim_hw.c) */
	ktime_t pushed;			/* when it went on the ring */
	bool pm_ref;			/* holds a runtime PM reference */
};

static inline struct cim_job *to_cim_job(struct drm_sched_job *job)
{
	return container_of(job, struct cim_job, base);
}

/* cim_hw.c */
int cim_hw_init(struct cim_device *cdev);
void cim_hw_fini(struct cim_device *cdev);
int cim_hw_reset(struct cim_device *cdev);
int cim_hw_push(struct cim_device *cdev, struct cim_job *job,
		const struct cim_desc *desc);
irqreturn_t cim_hw_irq(int irq, void *arg);
int cim_hw_reinit(struct cim_device *cdev);
u32 cim_hw_suspend(struct cim_device *cdev);
int cim_hw_resume(struct cim_device *cdev, u32 progress);
void cim_hw_cancel_file(struct cim_device *cdev, struct cim_file *cfile);
void cim_hw_reap(struct cim_device *cdev);
u32 cim_hw_read(struct cim_device *cdev, u32 reg);
void cim_hw_write(struct cim_device *cdev, u32 reg, u32 val);

/* cim_gem.c */
struct drm_gem_object *cim_gem_create_object(struct drm_device *drm,
					     size_t size);
void cim_job_sync_for_cpu(struct cim_job *job);
int cim_bo_dma_ref(struct drm_gem_object *obj, u64 offset, u64 length,
		   struct cim_dma_ref *ref);
int cim_ioctl_bo_create(struct drm_device *drm, void *data,
			struct drm_file *file);
int cim_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			     struct drm_file *file);
int cim_ioctl_bo_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);

/* cim_job.c */
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
struct dma_fence *cim_job_repush(struct cim_job *job);
void cim_job_set_timeout_ms(struct cim_device *cdev, unsigned int ms);
unsigned int cim_job_timeout_ms(struct cim_device *cdev);

/* cim_image.c */
int cim_ioctl_image_load(struct drm_device *drm, void *data,
			 struct drm_file *file);
int cim_ioctl_image_release(struct drm_device *drm, void *data,
			    struct drm_file *file);
void cim_image_put(struct cim_image *img);
struct cim_image *cim_image_lookup(struct cim_file *cfile, u32 handle);
void cim_file_images_fini(struct cim_file *cfile);
void cim_images_lost(struct cim_device *cdev);

/* cim_reset.c */
int cim_reset_init(struct cim_device *cdev);
void cim_reset_fini(struct cim_device *cdev);
enum drm_gpu_sched_stat cim_reset_timedout(struct drm_sched_job *sched_job);
void cim_reset_schedule(struct cim_device *cdev, enum cim_reset_reason why);
int cim_reset_force(struct cim_device *cdev);
const char *cim_reset_reason_name(enum cim_reset_reason why);
const char *cim_state_name(int state);
int cim_card_usable(struct cim_device *cdev);
bool cim_card_progressed(struct cim_device *cdev);
long cim_fence_wait_progress(struct cim_device *cdev, struct dma_fence *f);

/* cim_queue.c */
struct cim_file *cim_file_alloc(struct cim_device *cdev);
void cim_file_entities_fini(struct cim_file *cfile);
void cim_file_put(struct cim_file *cfile);
struct dma_fence *cim_queue_prepare_job(struct drm_sched_job *sched_job,
					struct drm_sched_entity *entity);
void cim_queue_ran(struct cim_job *job, struct dma_fence *hw);
void cim_queue_done(struct cim_job *job, int err);

/* cim_debugfs.c, cim_sysfs.c, cim_hwmon.c, cim_pm.c */
void cim_debugfs_init(struct cim_device *cdev);
void cim_debugfs_register(struct cim_device *cdev);
void cim_debugfs_unregister(struct cim_device *cdev);
int cim_sysfs_init(struct cim_device *cdev);
int cim_hwmon_init(struct cim_device *cdev);
int cim_tile_tel_read(struct cim_device *cdev, u32 tile,
		      struct cim_tile_tel *t);
int cim_pm_init(struct cim_device *cdev);
void cim_pm_fini(struct cim_device *cdev);
int cim_pm_get(struct cim_device *cdev);
void cim_pm_put(struct cim_device *cdev);
extern const struct dev_pm_ops cim_pm_ops;
/* cim_analog.c: calibration, refresh policy, analog statistics */
int cim_analog_init(struct cim_device *cdev);
int cim_analog_queue_calibrate(struct cim_file *cfile, struct drm_file *file,
			       struct cim_image *img, u32 out_syncobj);
int cim_analog_build_desc(struct cim_job *job, struct cim_desc *d);
int cim_analog_complete(struct cim_job *job, int err);

/* cim_cmd.c: a driver-internal card command (more in cim_catalog.h) */
int cim_card_cmd(struct cim_device *cdev, struct cim_desc *desc);

/* cim_knobs.c: card-register settings kept across resets */
int cim_knobs_init(struct cim_device *cdev);
u32 cim_knob_get(struct cim_device *cdev, enum cim_knob k);
int cim_knob_read(struct cim_device *cdev, enum cim_knob k, u32 *val);
int cim_knob_set(struct cim_device *cdev, enum cim_knob k, u32 val);
void cim_knobs_apply(struct cim_device *cdev);

/* cim_fops.c: the accel node's file operations */
extern const struct file_operations cim_fops;

/* cim_drv.c */
int cim_device_probe(struct device *dev, struct regmap *regs, int irq);
void cim_device_remove(struct device *dev);

#endif /* __CIM_DRV_H__ */
