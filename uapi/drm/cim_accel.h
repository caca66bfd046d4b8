/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * User <-> kernel interface of the CIM (NOR-flash compute-in-memory) accel
 * driver, cim.ko.  See docs/uapi.md for the full description of every
 * ioctl and of the errno each rejection returns.
 *
 * Rules: ioctl numbers are append-only; structs use only __u32/__u64; user
 * pointers travel as __u64; every pad/reserved field must be zero and every
 * flag must be known, else the ioctl fails with -EINVAL; timeouts are
 * absolute CLOCK_MONOTONIC nanoseconds.
 */
#ifndef _UAPI_DRM_CIM_ACCEL_H_
#define _UAPI_DRM_CIM_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Bumped on every incompatible change; libcim refuses a mismatch. */
#define DRM_CIM_UAPI_VERSION		1

#define DRM_CIM_QUERY			0x00
#define DRM_CIM_BO_CREATE		0x01
#define DRM_CIM_BO_MMAP_OFFSET		0x02
#define DRM_CIM_BO_WAIT			0x03
#define DRM_CIM_IMAGE_LOAD		0x04
#define DRM_CIM_IMAGE_RELEASE		0x05
#define DRM_CIM_SUBMIT			0x06
#define DRM_CIM_CANCEL			0x07	/* driver minor 1 */
#define DRM_CIM_CALIBRATE		0x08	/* driver minor 2 */

/* Query kinds for struct drm_cim_query.query. */
#define DRM_CIM_QUERY_DEVICE_INFO	0

/**
 * struct drm_cim_device_info - card description (DRM_CIM_QUERY_DEVICE_INFO)
 *
 * Fields are only ever appended.  The kernel copies
 * min(drm_cim_query.size, sizeof(this)) bytes.
 */
struct drm_cim_device_info {
	/** @uapi_version: DRM_CIM_UAPI_VERSION of the running driver. */
	__u32 uapi_version;
	/** @fw_version: firmware version, major << 16 | minor. */
	__u32 fw_version;
	/** @if_version: host<->card interface version, major << 16 | minor. */
	__u32 if_version;
	/** @hw_id: card identification register. */
	__u32 hw_id;
	/** @tiles: number of physical flash tiles (arrays). */
	__u32 tiles;
	/** @tile_rows: word lines (inputs) per tile. */
	__u32 tile_rows;
	/** @tile_cols: bit lines (cells per row) per tile. */
	__u32 tile_cols;
	/** @cell_bits: bits stored per flash cell. */
	__u32 cell_bits;
	/** @adc_bits: column ADC resolution. */
	__u32 adc_bits;
	/** @act_bits: activation width. */
	__u32 act_bits;
	/** @free_tiles: tiles not holding a loaded image right now. */
	__u32 free_tiles;
	/** @max_vector: longest layer input/output the firmware accepts. */
	__u32 max_vector;
	/** @max_images: images the card can hold at once. */
	__u32 max_images;
	/** @max_plan_bytes: largest plan (image minus cells) per image. */
	__u32 max_plan_bytes;
};

/**
 * struct drm_cim_query - size-negotiated device query
 * @query: DRM_CIM_QUERY_*.
 * @size: in: bytes available at @data (0 asks for the size); out: size
 *        of the kernel's structure.
 * @data: user pointer to the query structure.
 * @flags: must be 0.
 * @pad: must be 0.
 */
struct drm_cim_query {
	__u32 query;
	__u32 size;
	__u64 data;
	__u32 flags;
	__u32 pad;
};

/**
 * struct drm_cim_bo_create - create a GEM buffer (shmem, mappable)
 * @size: in: bytes, > 0, rounded up to pages.
 * @flags: must be 0.
 * @handle: out: GEM handle.
 */
struct drm_cim_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_cim_bo_mmap_offset - fake offset for mmap() on the device fd
 * @handle: in: GEM handle.
 * @pad: must be 0.
 * @offset: out: offset to pass to mmap().
 */
struct drm_cim_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct drm_cim_bo_wait - wait until no job uses the BO
 * @handle: GEM handle.
 * @pad: must be 0.
 * @timeout_ns: absolute CLOCK_MONOTONIC deadline.  Returns -ETIME when it
 *              passes with jobs still pending.
 */
struct drm_cim_bo_wait {
	__u32 handle;
	__u32 pad;
	__s64 timeout_ns;
};

/**
 * struct drm_cim_image_load - program a weight image into the card
 * @bo_handle: BO that holds the image (see uapi/cim_image.h).
 * @flags: must be 0.
 * @offset: byte offset of the image in the BO.
 * @size: image size in bytes; must equal the header's total_size.
 * @out_syncobj: 0 or a syncobj that receives the programming fence.
 * @image_handle: out: per-file handle used by DRM_CIM_SUBMIT.
 * @tiles: out: physical tiles the image occupies.
 * @pad: must be 0.
 *
 * The image is validated at once (-EINVAL for a bad header, geometry or
 * plan; -EBADMSG for a CRC mismatch; -ERANGE when offset + size passes the
 * end of the BO; -ENOSPC when not enough free tiles or image slots; see
 * docs/uapi.md).  Programming runs as a job whose fence always goes to
 * out_syncobj: jobs submitted against the handle wait for it implicitly.
 * An image needs at most tiles (DRM_CIM_QUERY_DEVICE_INFO) virtual tiles.
 */
struct drm_cim_image_load {
	__u32 bo_handle;
	__u32 flags;
	__u64 offset;
	__u64 size;
	__u32 out_syncobj;
	__u32 image_handle;
	__u32 tiles;
	__u32 pad;
};

/**
 * struct drm_cim_image_release - drop a per-file image handle
 * @image_handle: handle from DRM_CIM_IMAGE_LOAD.
 * @pad: must be 0.
 *
 * Tiles are freed once no queued or running job uses the image.
 */
struct drm_cim_image_release {
	__u32 image_handle;
	__u32 pad;
};

/* Priorities for struct drm_cim_submit.priority. */
#define DRM_CIM_PRIO_NORMAL		0
#define DRM_CIM_PRIO_HIGH		1

/**
 * struct drm_cim_submit - run a loaded image over a batch
 * @image_handle: from DRM_CIM_IMAGE_LOAD.
 * @flags: 0, or DRM_CIM_SUBMIT_EXIT_MARGIN and/or DRM_CIM_SUBMIT_NOP.
 * @in_handle: BO with @batch input vectors of the image's input_size
 *             bytes each, starting at @in_offset.
 * @out_handle: BO receiving @batch output vectors (output_size bytes).
 * @in_offset: byte offset in @in_handle.
 * @out_offset: byte offset in @out_handle.
 * @batch: items, 1..65535.
 * @priority: DRM_CIM_PRIO_*.
 * @result_handle: 0, or a BO receiving a struct drm_cim_job_result at
 *                 @result_offset (8-byte aligned) when the job ends.  The
 *                 job counts as a writer of that BO for implicit sync.
 * @in_syncobj_count: entries at @in_syncobjs (at most 64).
 * @result_offset: byte offset in @result_handle.
 * @in_syncobjs: user pointer to __u32 syncobj handles to wait for.
 * @out_syncobj: 0 or a syncobj that receives the job's fence.
 * @exit_margin: with DRM_CIM_SUBMIT_EXIT_MARGIN in @flags, the top-1
 *               margin every early exit of the image tests for this job
 *               (0..255; above 255 no item exits early); must be 0
 *               without that flag.  Was "pad" (must be 0) before.
 *
 * @flags holds only DRM_CIM_SUBMIT_* bits.  A result range of at least
 * 32 + @batch bytes (to the end of @result_handle) also receives, after
 * the struct drm_cim_job_result, one byte per item: the index of the
 * early exit the item took (0 = the plan's first exit op), or the
 * image's number of exits if it ran to the end.
 */
struct drm_cim_submit {
	__u32 image_handle;
	__u32 flags;
	__u32 in_handle;
	__u32 out_handle;
	__u64 in_offset;
	__u64 out_offset;
	__u32 batch;
	__u32 priority;
	__u32 result_handle;
	__u32 in_syncobj_count;
	__u64 result_offset;
	__u64 in_syncobjs;
	__u32 out_syncobj;
	__u32 exit_margin;
};

/* Flags for struct drm_cim_submit.flags. */
#define DRM_CIM_SUBMIT_EXIT_MARGIN	(1u << 0)	/* exit_margin is valid */

/* Limits of struct drm_cim_submit. */
#define DRM_CIM_MAX_BATCH		65535	/* batch */
#define DRM_CIM_MAX_IN_SYNCOBJS		64	/* in_syncobj_count */

/* Job status as written in struct drm_cim_job_result.status. */
#define DRM_CIM_JOB_OK			0
#define DRM_CIM_JOB_BAD_DESC		1
#define DRM_CIM_JOB_BAD_IMAGE		2
#define DRM_CIM_JOB_DMA_ERROR		3
#define DRM_CIM_JOB_NO_IMAGE		4
#define DRM_CIM_JOB_VERIFY_FAIL		5
#define DRM_CIM_JOB_TIMEOUT		6
/* The card failed (firmware crash) while running the job; it was reset. */
#define DRM_CIM_JOB_CARD_ERROR		7
/* A flash tile the job used failed. */
#define DRM_CIM_JOB_TILE_FAULT		8
/* Aborted on the host's request (DRM_CIM_CANCEL, or its file closed). */
#define DRM_CIM_JOB_CANCELED		9

/*
 * Flags for struct drm_cim_submit.flags.
 * DRM_CIM_SUBMIT_NOP: a job that does no work (the card completes a NOP
 * descriptor).  image_handle, in_handle, out_handle, the offsets, batch
 * and result_handle must all be 0.  For latency measurements and as a
 * fence that orders after earlier jobs.
 */
#define DRM_CIM_SUBMIT_NOP		(1u << 1)

/**
 * struct drm_cim_job_result - written by the card at the end of a job
 * @status: DRM_CIM_JOB_*.
 * @batch_done: items completed.
 * @device_time_ns: modeled time the card spent on the job.
 * @queue_time_ns: modeled time the job waited on the card before it
 *                 started (was reserved[0], zero, before).
 * @n_exited: items that stopped at an early exit.
 * @reserved: zero.
 *
 * Same layout as the card's struct cim_job_record (uapi/cim_card.h).
 * Followed by per-item exit bytes when the result range has room (see
 * struct drm_cim_submit).
 */
struct drm_cim_job_result {
	__u32 status;
	__u32 batch_done;
	__u64 device_time_ns;
	__u64 queue_time_ns;
	__u32 n_exited;
	__u32 reserved;
};

/*
 * Resident images and tile wear (appended after uapi v1 was published;
 * DRM_CIM_UAPI_VERSION is unchanged: a driver without them answers these
 * query ids with -EINVAL).
 */
#define DRM_CIM_QUERY_IMAGES		1
#define DRM_CIM_QUERY_TILES		2

/* State of a resident image (struct drm_cim_image_entry.state). */
#define DRM_CIM_IMAGE_PROGRAMMING	0
#define DRM_CIM_IMAGE_READY		1
#define DRM_CIM_IMAGE_FAILED		2

/**
 * struct drm_cim_image_entry - one image of the card's catalog
 * @sha256: SHA-256 of the image bytes as the kernel computed it; the 32
 *          digest bytes in order (copy them to a byte array).
 * @size: image bytes.
 * @last_use_ns: CLOCK_MONOTONIC time of the last load, release or
 *               submission that used the image.
 * @slot: card image slot.
 * @tiles: physical tiles it occupies.
 * @users: image handles open on it, over all files and processes.
 * @state: DRM_CIM_IMAGE_*.
 */
struct drm_cim_image_entry {
	__u64 sha256[4];
	__u64 size;
	__u64 last_use_ns;
	__u32 slot;
	__u32 tiles;
	__u32 users;
	__u32 state;
};

/**
 * struct drm_cim_images - the resident-image catalog (DRM_CIM_QUERY_IMAGES)
 * @header_size: bytes of this header: the entries start at this offset.
 * @entry_size: bytes per entry (the stride; fields are only appended).
 * @count: entries written (those that fit in drm_cim_query.size).
 * @total: images in the catalog.
 * @programs: PROGRAM jobs queued since the driver bound to the card.
 * @hits: loads served by an image already on the card (no programming).
 * @evictions: unused resident images dropped to make room.
 * @adopted: images found programmed on the card when the driver bound.
 *
 * Followed by @count struct drm_cim_image_entry, least recently used
 * first.  The kernel copies min(drm_cim_query.size, needed) bytes and
 * returns the size needed for all entries in drm_cim_query.size.
 */
struct drm_cim_images {
	__u32 header_size;
	__u32 entry_size;
	__u32 count;
	__u32 total;
	__u64 programs;
	__u64 hits;
	__u64 evictions;
	__u64 adopted;
};

/* drm_cim_tile_entry.slot of a tile no image holds. */
#define DRM_CIM_TILE_FREE		0xffffffffu

/* drm_cim_tile_entry.flags: which activity counters the card reports. */
#define DRM_CIM_TILE_F_ACTIVITY		(1u << 0)	/* mvms, pulses, busy_ns */
#define DRM_CIM_TILE_F_SIMD		(1u << 1)	/* macs, simd_ops, simd_ns */

/**
 * struct drm_cim_tile_entry - one physical tile (DRM_CIM_QUERY_TILES)
 * @pe_cycles: program/erase cycles, as counted by the card over its life.
 * @slot: image slot of the image holding the tile, or DRM_CIM_TILE_FREE.
 *
 * Appended (an entry_size of 8 has only the two fields above): the tile's
 * activity since the card powered on, as its TEL_* window shows it (it
 * survives card resets and driver reloads).  Counters whose flag is clear
 * are 0: the card does not report them.
 * @flags: DRM_CIM_TILE_F_*.
 * @pad: 0.
 * @busy_ns: modeled time the tile's array spent on MVMs.
 * @simd_ns: modeled time of the tile's SIMD unit.
 * @mvms: array MVMs (one block of a layer applied to one pixel or item).
 * @macs: weight multiply-accumulates those MVMs computed.
 * @simd_ops: SIMD element operations (requantization, partial sums,
 *            pools, adds).
 * @program_pulses: program-and-verify pulses applied to the tile's rows.
 */
struct drm_cim_tile_entry {
	__u32 pe_cycles;
	__u32 slot;
	__u32 flags;
	__u32 pad;
	__u64 busy_ns;
	__u64 simd_ns;
	__u64 mvms;
	__u64 macs;
	__u64 simd_ops;
	__u64 program_pulses;
};

/**
 * struct drm_cim_tiles - wear of the card's tiles (DRM_CIM_QUERY_TILES)
 * @header_size: bytes of this header: the entries start at this offset.
 * @entry_size: bytes per entry.
 * @count: entries written (those that fit in drm_cim_query.size).
 * @total: physical tiles.
 * @pe_min: fewest P/E cycles of any tile.
 * @pe_max: most P/E cycles of any tile.
 * @pe_sum: P/E cycles of all tiles together (mean = pe_sum / total).
 *
 * Followed by @count struct drm_cim_tile_entry, tile 0 first; same size
 * negotiation as struct drm_cim_images.
 */
struct drm_cim_tiles {
	__u32 header_size;
	__u32 entry_size;
	__u32 count;
	__u32 total;
	__u32 pe_min;
	__u32 pe_max;
	__u64 pe_sum;
};

/**
 * struct drm_cim_cancel - cancel one job (driver minor 1, DRM_CIM_CANCEL)
 * @syncobj: a syncobj of this file holding the job's fence (the
 *           out_syncobj of its DRM_CIM_SUBMIT).
 * @flags: 0.
 *
 * The job never runs if it has not reached the card; on the card (card
 * interface 1.3 and later) the card aborts it at its next batch item.
 * Either way its fence signals with -ECANCELED; other jobs are not
 * touched.  0 once the cancel is under way (wait on the fence for the
 * end); -EALREADY if the job has already ended; -ESRCH if the fence is
 * not one of a job of this file still held by the driver; -EOPNOTSUPP
 * if the job is on a card that cannot abort (before interface 1.3).
 * Appended after uapi v1: DRM_CIM_UAPI_VERSION is unchanged, the DRM
 * driver minor (drmGetVersion()) is 1; a driver with minor 0 fails it
 * with -EINVAL.
 */
struct drm_cim_cancel {
	__u32 syncobj;
	__u32 flags;
	__u64 pad;
};

/**
 * struct drm_cim_calib_tile - one tile of a calibration (DRM_CIM_CALIBRATE)
 * @tile: physical tile.
 * @err_before_q8: rms column error with the compensation in use before
 *                 this calibration, 1/256 of a cell level (0: none
 *                 measured, e.g. on an ideal card).
 * @err_after_q8: the same with the new compensation.
 * @columns: columns holding a programmed cell that were measured.
 * @samples: column conversions behind each of the two figures.
 * @calibrated_ns: the card's modeled clock at the calibration.
 *
 * The card reads a few fresh test vectors twice, once with each
 * compensation, and compares every compensated column reading with what
 * its programmed targets sum to (docs/card-interface.md, CALIB_REPORT).
 */
struct drm_cim_calib_tile {
	__u32 tile;
	__u32 err_before_q8;
	__u32 err_after_q8;
	__u32 columns;
	__u32 samples;
	__u32 pad;
	__u64 calibrated_ns;
};

/**
 * struct drm_cim_calibrate - calibrate a loaded image's tiles again
 * @image: handle from DRM_CIM_IMAGE_LOAD; its programming must be done
 *         (-EBUSY while it is programming, -EIO if it failed).
 * @count: in: entries at @tiles (0 with @tiles 0 asks for none); out:
 *         the image's tiles.  Entries beyond min(in, out) are untouched.
 * @tiles: user pointer to struct drm_cim_calib_tile[@count], tile order
 *         of the image's tile map, or 0.
 * @flags: 0.
 * @pad: 0.
 *
 * Runs CALIBRATE on the image's tiles now (the card serializes it with
 * the jobs it runs) and reports each tile's column error before and
 * after.  Appended after uapi v1: DRM_CIM_UAPI_VERSION is unchanged, the
 * DRM driver minor is 2; an older driver fails it with -EINVAL.
 */
struct drm_cim_calibrate {
	__u32 image;
	__u32 count;
	__u64 tiles;
	__u32 flags;
	__u32 pad;
};

#define DRM_IOCTL_CIM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_CIM_QUERY, struct drm_cim_query)
#define DRM_IOCTL_CIM_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_CIM_BO_CREATE, struct drm_cim_bo_create)
#define DRM_IOCTL_CIM_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_CIM_BO_MMAP_OFFSET, \
		 struct drm_cim_bo_mmap_offset)
#define DRM_IOCTL_CIM_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_CIM_BO_WAIT, struct drm_cim_bo_wait)
#define DRM_IOCTL_CIM_IMAGE_LOAD \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_CIM_IMAGE_LOAD, \
		 struct drm_cim_image_load)
#define DRM_IOCTL_CIM_IMAGE_RELEASE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_CIM_IMAGE_RELEASE, \
		struct drm_cim_image_release)
#define DRM_IOCTL_CIM_SUBMIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_CIM_SUBMIT, struct drm_cim_submit)
#define DRM_IOCTL_CIM_CANCEL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_CIM_CANCEL, struct drm_cim_cancel)
#define DRM_IOCTL_CIM_CALIBRATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_CIM_CALIBRATE, struct drm_cim_calibrate)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_CIM_ACCEL_H_ */
