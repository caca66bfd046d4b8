/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/*
 * The device: what the card reported, the state the driver keeps for it,
 * the locks and their order (cim_drv.c binds it, cim_fops.c is its node).
 */
#ifndef __CIM_DEV_H__
#define __CIM_DEV_H__

#include <linux/bitmap.h>
#include <linux/interrupt.h>
#include <linux/regmap.h>
#include <linux/spinlock.h>
#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>

#include "cim_compat.h"

#include "../uapi/cim_card.h"
#include "../uapi/drm/cim_accel.h"
#include "cim_catalog.h"
#include "cim_knobs.h"
#include "cim_reset.h"

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

#define CIM_SCHED_FAIR		0	/* per-queue cap on jobs on the card */
#define CIM_SCHED_FIFO		1	/* drm_sched order only */
/* Jobs one queue may have on the card at once under CIM_SCHED_FAIR. */
#define CIM_FAIR_INFLIGHT	8

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
 *   cfile->jobs_lock    spin    the file's jobs list (DRM_CIM_CANCEL looks
 *                               a job up there; cim_job_free() unlists it)
 *   files_lock, tel_lock, knob_lock, xa_lock(cfile->images): leaves
 *
 * Order (outer first; never take an earlier one while holding a later):
 *
 *   alloc_lock -> push_lock -> BO dma_resv -> img->lock
 *   cmd_lock -> ring_lock -> img->lock
 *   push_lock -> jobs_lock -> ring_lock
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
	long job_timeout;	/* jiffies; drm_sched's copy is sched.timeout */
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
	/*
	 * Before 6.17 (no DRM_GPU_SCHED_STAT_NO_HANG): timed-out jobs that
	 * were not hung, kept by the driver off the scheduler's list, and
	 * the watchdog that judges the card while there are any.
	 */
	atomic_t sched_kept;
	atomic64_t jobs_kept;		/* ever kept: debugfs resets */
	struct delayed_work kept_watch;
	int state;			/* enum cim_state */
	const char *last_recovery_step;	/* "reset", "retry", "reinit", "flr" */
	s64 last_recovery_us;		/* host time of the last recovery */
	atomic64_t jobs_canceled;	/* aborted on the card (file closed) */
	bool suspended;			/* system sleep: scheduler parked */
	u32 pm_progress;		/* PROGRESS when it went to sleep */
	u32 pm_suspends;		/* system sleeps (debugfs pm_suspends) */
	unsigned long pm_tdr_left;	/* drm_sched timeout left then */
};

static inline struct cim_device *to_cim_device(struct drm_device *drm)
{
	return container_of(drm, struct cim_device, drm);
}

/* cim_fops.c: the accel node's file operations */
extern const struct file_operations cim_fops;

/* cim_drv.c */
int cim_device_probe(struct device *dev, struct regmap *regs, int irq);
void cim_device_remove(struct device *dev);

#endif /* __CIM_DEV_H__ */
