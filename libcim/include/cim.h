/* SPDX-License-Identifier: MIT */
/**
 * @file cim.h
 * @brief libcim: user-space access to CIM (NOR-flash compute-in-memory)
 *        inference cards driven by the cim.ko DRM accel driver.
 *
 * A card is a /dev/accel/accelN node whose parent device is bound to the
 * "cim" driver.  The usual flow is:
 *
 *     cim_open(NULL, &dev);                   // first card, version handshake
 *     cim_model_load_file("net.cimx", &m);    // a compiled model
 *     cim_model_program(dev, m, &image);      // program the flash, wait
 *     cim_model_infer(dev, image, m, in, out, batch, &stats); // float in/out
 *     cim_image_release(image);
 *     cim_model_free(m);
 *     cim_close(dev);
 *
 * cim_image_load() and cim_infer() do the same with a raw weight image
 * and int8 data.  Models are compiled by libcim-compiler (cim_compiler.h,
 * tools/cim-compile); an application that only runs them needs this
 * header and `pkg-config --cflags --libs libcim` alone.
 *
 * Every function returning int returns 0 (or a count where documented) on
 * success and a negative errno value on failure; none of them sets errno
 * as its interface.  Human-readable details of the last failure are
 * available from cim_last_error().
 *
 * Objects and their verbs: a device is opened and closed (cim_open(),
 * cim_close()); everything else is made by one call and ended by its
 * *_free(): cim_bo_alloc() / cim_bo_free(), cim_image_load() /
 * cim_image_free(), cim_submit() / cim_job_free(), cim_model_load() /
 * cim_model_free().  Options structs carry their size (struct
 * cim_submit_opts).  Objects belong to the device they were created on
 * and must be freed before cim_close() of that device.
 *
 * Threads: a device may be shared by threads.  Every function taking a
 * struct cim_dev may be called on it from several threads at once
 * (cim_infer() calls on one device are serialized on its cached
 * buffers; cim_set_timeout() applies to the waits that start after it).
 * The other objects have no lock: one struct cim_bo, cim_image or
 * cim_job must not be used from two threads at once, but distinct ones
 * may, on one device too.  A loaded struct cim_model is only read after
 * cim_model_load(): any number of threads may use it at once.  A close
 * or free must not race with other uses of what it frees.  The last-error
 * message is kept per thread (see cim_last_error()).
 */
#ifndef CIM_H
#define CIM_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the device interface (DRM_CIM_UAPI_VERSION) libcim speaks. */
#define CIM_UAPI_VERSION		1
/**
 * Card firmware major version libcim speaks (2: format 2 images, the
 * tile scheduler and early exit).
 */
#define CIM_FW_MAJOR			2

/** Submission flag: schedule ahead of normal-priority jobs. */
#define CIM_SUBMIT_HIGH_PRIO		(1u << 0)
/**
 * Submission flag (cim_submit_ex(), cim_infer_ex()): struct
 * cim_submit_opts.exit_margin overrides the margin of every early exit
 * of the image for this job.
 */
#define CIM_SUBMIT_EXIT_MARGIN		(1u << 1)
/** An exit margin that no item passes: early exit off for the job. */
#define CIM_EXIT_MARGIN_OFF		256u

/** Largest batch a single job may carry. */
#define CIM_MAX_BATCH			65535u
/** Most in-fences a single job may wait for. */
#define CIM_MAX_IN_FENCES		64u

/** Timeout value meaning "wait forever". */
#define CIM_TIMEOUT_INFINITE		(-1)
/**
 * Default timeout of cim_image_load(); cim_infer() waits this plus a time
 * that follows the batch and the image (docs/libcim.md), unless
 * cim_set_timeout() set a fixed value.
 */
#define CIM_DEFAULT_TIMEOUT_NS		(30ll * 1000 * 1000 * 1000)

struct cim_dev;
struct cim_bo;
struct cim_image;
struct cim_job;

/** A CIM card found by cim_list(). */
struct cim_card_info {
	/** Device node, e.g. "/dev/accel/accel0". */
	char devnode[64];
	/** N of accelN. */
	int index;
	/** Name of the parent (bus) device, e.g. "0000:01:00.0" or "cim_vcard.0". */
	char parent[64];
	/** sysfs path of the accel device. */
	char syspath[256];
};

/** Card description, from the driver's device query. */
struct cim_info {
	uint32_t uapi_version;	/**< interface version of the kernel driver */
	uint32_t fw_version;	/**< firmware version, major << 16 | minor */
	uint32_t if_version;	/**< host<->card interface, major << 16 | minor */
	uint32_t hw_id;		/**< card identification register */
	uint32_t tiles;		/**< physical flash tiles (arrays) */
	uint32_t tile_rows;	/**< word lines (inputs) per tile */
	uint32_t tile_cols;	/**< bit lines (cells per row) per tile */
	uint32_t cell_bits;	/**< bits per flash cell */
	uint32_t adc_bits;	/**< column ADC resolution */
	uint32_t act_bits;	/**< activation width */
	uint32_t free_tiles;	/**< tiles not holding an image right now */
	uint32_t max_vector;	/**< longest layer input/output */
	uint32_t max_images;	/**< images the card holds at once */
	uint32_t max_plan_bytes; /**< largest plan (image minus cells) */
	/** Bytes of the query the driver filled; later fields read as 0. */
	uint32_t query_size;
};

/** Properties of a loaded image. */
struct cim_image_props {
	uint32_t handle;	/**< driver's per-file image handle */
	uint32_t tiles;		/**< physical tiles the image occupies */
	uint32_t input_size;	/**< bytes per batch item in */
	uint32_t output_size;	/**< bytes per batch item out */
	uint32_t n_exits;	/**< early-exit ops in the image's plan */
};

/** Outcome of a job, filled by cim_job_stats() and cim_infer(). */
struct cim_run_stats {
	/** DRM_CIM_JOB_* status the card reported (0 = ok). */
	uint32_t status;
	/** Batch items the card completed. */
	uint32_t batch_done;
	/** Modeled time the card spent on the job, nanoseconds. */
	uint64_t device_time_ns;
	/** Host wall-clock time from submission to completion seen, nanoseconds. */
	uint64_t host_time_ns;
	/** Modeled time the job waited on the card before it started, ns. */
	uint64_t queue_time_ns;
	/** Items that stopped at an early exit (0 for a plan without exits). */
	uint32_t n_exited;
};

/**
 * Options of cim_submit_ex() and cim_infer_ex(); all-zero = defaults.
 * Initialize with CIM_SUBMIT_OPTS_INIT (or set size to sizeof) so that
 * a later libcim, whose struct has grown, knows which fields you set.
 */
struct cim_submit_opts {
	/**
	 * sizeof(struct cim_submit_opts) as the caller compiled it.  0 means
	 * this (the first) layout.  The library refuses (-EINVAL) a size
	 * smaller than the first layout, and (-E2BIG) non-zero bytes beyond
	 * the fields it knows, from a newer header.
	 */
	uint32_t size;
	/** CIM_SUBMIT_HIGH_PRIO, CIM_SUBMIT_EXIT_MARGIN. */
	uint32_t flags;
	/**
	 * With CIM_SUBMIT_EXIT_MARGIN: the top-1 margin (difference between
	 * the largest and the second largest int8 output of an exit's
	 * classifier) an item needs to stop at an exit, for every exit of
	 * the image; 0 stops every item at the first exit;
	 * CIM_EXIT_MARGIN_OFF (or anything above 255) runs every item to the
	 * end.  Without the flag the margins compiled into the image apply.
	 */
	uint32_t exit_margin;
	/**
	 * NULL, or batch bytes receiving, per item, the index of the exit it
	 * took (0 = the first exit op of the plan) or the image's n_exits
	 * (cim_image_props) if it ran to the end.  cim_submit_ex() fills it
	 * when cim_job_wait() sees the job end OK; it must stay valid until
	 * then.
	 */
	uint8_t *exits;
};

/** Initializer of struct cim_submit_opts: its size, every option off. */
#define CIM_SUBMIT_OPTS_INIT	{ .size = sizeof(struct cim_submit_opts) }

/* ---- discovery and open ------------------------------------------------ */

/**
 * List the CIM cards: accel-subsystem devices whose parent device is
 * bound to the "cim" driver, in increasing index order.
 *
 * @param out  array receiving up to @p max entries (may be NULL if max is 0)
 * @param max  capacity of @p out
 * @return the number of cards present (which may exceed @p max), or a
 *         negative errno (-ENOMEM, or -EIO if udev cannot be used).
 */
int cim_list(struct cim_card_info *out, int max);

/**
 * Open a card and check that libcim, the driver and the firmware speak
 * compatible versions.
 *
 * @param path  device node ("/dev/accel/accel0"); or the userspace card,
 *              the card firmware run inside this process: "sim" (the
 *              M1076-class preset), "sim:small", or
 *              "sim:PRESET,key=value,..." with cim_vcard.ko's parameters;
 *              or NULL: the value of the environment variable CIM_DEVICE
 *              if set, else the first card cim_list() reports.  Every
 *              open of one "sim..." name in a process shares one card;
 *              CIM_SIM_FLASH=file keeps its flash (resident images)
 *              across processes (docs/libcim.md, "Backends").
 * @param out   receives the device on success
 * @return 0; -ENODEV if no card (or @p path is not a "cim" device);
 *         -EPROTO on a version mismatch (cim_last_error(NULL) says what
 *         to upgrade); other negative errno from open() or the query.
 */
int cim_open(const char *path, struct cim_dev **out);

/**
 * Close a device: frees its cached inference buffers and closes the fd.
 * Objects created on the device must have been freed.  NULL is a no-op.
 */
void cim_close(struct cim_dev *dev);

/**
 * Re-query the card (e.g. for free_tiles, which changes as images load).
 *
 * @param dev   open device
 * @param info  receives the description
 * @return 0 or negative errno.
 */
int cim_query(struct cim_dev *dev, struct cim_info *info);

/**
 * The description read at cim_open() time, without an ioctl.
 */
const struct cim_info *cim_dev_info(const struct cim_dev *dev);

/** The device node a device was opened from. */
const char *cim_dev_path(const struct cim_dev *dev);

/**
 * The DRM file descriptor of a device (for poll loops and debugging); on
 * the userspace card an eventfd that counts completed descriptors.
 */
int cim_dev_fd(const struct cim_dev *dev);

/**
 * Human-readable description of the calling thread's last failure.
 * Messages are per thread, so threads sharing a device never see each
 * other's.
 *
 * @param dev  the device the failed call was on, or NULL for a call
 *             without one (cim_open(), cim_list(), cim_model_load())
 * @return the message of the calling thread's last failed call, if that
 *         call was on @p dev; "" otherwise.  Valid until the thread's
 *         next libcim call.
 */
const char *cim_last_error(const struct cim_dev *dev);

/**
 * Set the timeout cim_image_load() and cim_infer() wait with (a fixed
 * value; by default cim_infer() waits according to the job's size).
 *
 * @param timeout_ns  relative nanoseconds, or CIM_TIMEOUT_INFINITE
 * @return 0, or -EINVAL for a negative value other than infinite.
 */
int cim_set_timeout(struct cim_dev *dev, int64_t timeout_ns);

/**
 * Check a driver's description against what this libcim speaks.
 *
 * @param info  description from the driver
 * @param msg   receives an explanation (what to upgrade) on mismatch;
 *              may be NULL
 * @param len   size of @p msg
 * @return 0, or -EPROTO on mismatch.
 */
int cim_check_versions(const struct cim_info *info, char *msg, size_t len);

/* ---- buffer objects ---------------------------------------------------- */

/**
 * Allocate a buffer object (GEM shmem, mappable).
 *
 * @param size  bytes, > 0; rounded up to whole pages
 * @param out   receives the BO
 * @return 0 or negative errno (-EINVAL, -ENOMEM, ...).
 */
int cim_bo_alloc(struct cim_dev *dev, size_t size, struct cim_bo **out);

/**
 * Map a BO into the address space (once; later calls return the same
 * mapping, which lasts until cim_bo_free()).
 *
 * @param ptr  receives the CPU address
 * @return 0 or negative errno.
 */
int cim_bo_map(struct cim_bo *bo, void **ptr);

/**
 * Unmap and free a BO.  Jobs still using it keep the memory alive in the
 * driver.  NULL is a no-op.
 */
void cim_bo_free(struct cim_bo *bo);

/** Size of a BO in bytes (page-rounded). */
size_t cim_bo_size(const struct cim_bo *bo);

/** GEM handle of a BO. */
uint32_t cim_bo_handle(const struct cim_bo *bo);

/**
 * Wait until no job uses a BO.
 *
 * @param timeout_ns  relative nanoseconds, or CIM_TIMEOUT_INFINITE
 * @return 0, -ETIME when the timeout passes first, or negative errno.
 */
int cim_bo_wait(struct cim_bo *bo, int64_t timeout_ns);

/* ---- weight images ----------------------------------------------------- */

/**
 * Program a weight image (cim_model_image() of a .cimx, format in
 * uapi/cim_image.h) into the card and wait until programming is done
 * (up to the device timeout, see cim_set_timeout()).
 *
 * The image is checked first against the card's geometry and limits, so
 * that a mismatch is reported with a reason (cim_last_error()).
 *
 * @return 0; -EINVAL for an image that fails its checks, -EBADMSG for
 *         a bad CRC; -ENOSPC when the card lacks free tiles or image
 *         slots; -ETIME if programming did not finish in time; the
 *         fence's error if programming failed (-EREMOTEIO: cells did not
 *         verify, -EBADMSG, -EIO).
 */
int cim_image_load(struct cim_dev *dev, const void *image, size_t size,
		   struct cim_image **out);

/**
 * Free a loaded image: drop its handle.  The driver frees its tiles once
 * no queued job uses it.  NULL is a no-op.
 */
void cim_image_free(struct cim_image *img);

/** The former name of cim_image_free(), kept for existing callers. */
void cim_image_release(struct cim_image *img);

/** Properties of a loaded image. */
void cim_image_get_props(const struct cim_image *img,
			 struct cim_image_props *props);

/* ---- resident images and tile wear ------------------------------------ */

/** State of a resident image (DRM_CIM_IMAGE_*). */
#define CIM_RESIDENT_PROGRAMMING	0
#define CIM_RESIDENT_READY		1
#define CIM_RESIDENT_FAILED		2

/** An image programmed on the card, from the driver's catalog. */
struct cim_resident_image {
	uint8_t sha256[32];	/**< SHA-256 of the image bytes, by the kernel */
	uint64_t size;		/**< image bytes */
	uint64_t last_use_ns;	/**< CLOCK_MONOTONIC of its last use */
	uint32_t slot;		/**< card image slot */
	uint32_t tiles;		/**< physical tiles it occupies */
	uint32_t users;		/**< image handles open on it, all processes */
	uint32_t state;		/**< CIM_RESIDENT_* */
};

/** Catalog counters since the driver bound to the card. */
struct cim_catalog_stats {
	uint32_t images;	/**< images in the catalog */
	uint64_t programs;	/**< images programmed */
	uint64_t hits;		/**< loads that found the image resident */
	uint64_t evictions;	/**< unused images dropped to make room */
	uint64_t adopted;	/**< images found on the card at bind */
};

/**
 * List the images programmed on the card (the driver's resident-image
 * catalog), least recently used first.  A loaded image that is no longer
 * used by anyone stays programmed (users 0) until its tiles are needed,
 * and a later cim_image_load() of the same bytes, by any process, then
 * needs no programming.
 *
 * @param out    array receiving up to @p max images (may be NULL if max is 0)
 * @param max    capacity of @p out
 * @param stats  receives the catalog counters, or NULL
 * @return the number of images in the catalog (which may exceed @p max),
 *         or negative errno (-EINVAL if the driver predates the query).
 */
int cim_resident_images(struct cim_dev *dev, struct cim_resident_image *out,
			int max, struct cim_catalog_stats *stats);

/** A physical tile of the card. */
struct cim_tile_wear {
	uint32_t pe_cycles;	/**< program/erase cycles over the card's life */
	int32_t slot;		/**< slot of the image holding it, -1 if free */
};

/**
 * Program/erase wear of the card's tiles.  The driver places new images
 * on the free tiles with the fewest cycles.
 *
 * @param out  array receiving up to @p max tiles, tile 0 first (may be
 *             NULL if max is 0)
 * @param max  capacity of @p out
 * @return the number of tiles of the card, or negative errno.
 */
int cim_tiles_wear(struct cim_dev *dev, struct cim_tile_wear *out, int max);

/** cim_tile_activity.flags: the card reports MVMs, pulses and busy time. */
#define CIM_TILE_ACTIVITY	(1u << 0)
/** cim_tile_activity.flags: the card reports MACs, SIMD ops and SIMD time. */
#define CIM_TILE_SIMD		(1u << 1)

/**
 * What a physical tile has done since the card powered on (the counters
 * survive card resets and driver reloads).  Times are the card's modeled
 * device time.  A counter whose flag is not set in @p flags is 0: the
 * card or the driver does not report it.
 */
struct cim_tile_activity {
	uint64_t busy_ns;	/**< array time spent on MVMs */
	uint64_t simd_ns;	/**< SIMD unit time */
	uint64_t mvms;		/**< MVMs: one block applied to one pixel */
	uint64_t macs;		/**< weight multiply-accumulates computed */
	uint64_t simd_ops;	/**< SIMD element operations */
	uint64_t program_pulses;	/**< program-and-verify pulses */
	uint32_t pe_cycles;	/**< program/erase cycles over the card's life */
	int32_t slot;		/**< slot of the image holding it, -1 if free */
	uint32_t flags;		/**< CIM_TILE_ACTIVITY, CIM_TILE_SIMD */
	uint32_t reserved;
};

/**
 * Activity and wear of the card's tiles; needs no privilege.  Take two
 * readings around a job to see what it did on each tile.
 *
 * @param out  array receiving up to @p max tiles, tile 0 first (may be
 *             NULL if max is 0)
 * @param max  capacity of @p out
 * @return the number of tiles of the card, or negative errno.
 */
int cim_tiles_activity(struct cim_dev *dev, struct cim_tile_activity *out,
		       int max);

/* ---- analog calibration ----------------------------------------------- */

/** One tile of cim_calibrate(). */
struct cim_calib_tile {
	uint32_t tile;		/**< physical tile */
	/**
	 * rms column error with the compensation in use before, 1/256 of a
	 * cell level (0: nothing measured, e.g. on an ideal card)
	 */
	uint32_t err_before_q8;
	uint32_t err_after_q8;	/**< the same with the new compensation */
	uint32_t columns;	/**< programmed columns measured */
	uint32_t samples;	/**< column conversions behind each figure */
	uint32_t reserved;
	uint64_t calibrated_ns;	/**< the card's modeled clock at it */
};

/**
 * Calibrate the tiles of a loaded image again, now: the card measures
 * each column's gain, offset and ADC range on test vectors and keeps the
 * compensation its MVMs then apply, and reports every tile's column
 * error on fresh vectors with the old and with the new compensation
 * (docs/analog-model.md, "Calibration").  Jobs keep running around it.
 *
 * @param out  array receiving up to @p max tiles, in the image's tile
 *             order (may be NULL if max is 0)
 * @return the number of tiles of the image (which may exceed @p max);
 *         -EBUSY while the image is still programming; -EOPNOTSUPP if
 *         the driver predates the call (driver minor < 2); other
 *         negative errno.
 */
int cim_calibrate(struct cim_dev *dev, struct cim_image *img,
		  struct cim_calib_tile *out, int max);

/* ---- jobs -------------------------------------------------------------- */

/**
 * Submit a RUN job: @p batch input vectors at @p in_off in @p in through
 * @p img into @p out at @p out_off.  Returns at once; the job runs once
 * the @p in_syncobjs are signaled and programming of @p img is done.
 *
 * @param flags          0 or CIM_SUBMIT_HIGH_PRIO
 * @param in_syncobjs    syncobj handles to wait for (e.g. cim_job_syncobj()
 *                       of another job), or NULL if @p n_in_syncobjs is 0
 * @param n_in_syncobjs  at most CIM_MAX_IN_FENCES
 * @param out            receives the job, to wait on and free
 * @return 0; -EINVAL for bad arguments (batch 0 or over CIM_MAX_BATCH,
 *         buffers too small, unknown flags); other negative errno.
 */
int cim_submit(struct cim_dev *dev, struct cim_image *img,
	       struct cim_bo *in, uint64_t in_off,
	       struct cim_bo *out, uint64_t out_off,
	       uint32_t batch, uint32_t flags,
	       const uint32_t *in_syncobjs, uint32_t n_in_syncobjs,
	       struct cim_job **job);

/**
 * cim_submit() with options: a per-job early-exit margin and the exits
 * taken (struct cim_submit_opts; NULL = cim_submit()).
 *
 * @return as cim_submit(); -EINVAL also for an exit_margin without
 *         CIM_SUBMIT_EXIT_MARGIN or a driver without early-exit support.
 */
int cim_submit_ex(struct cim_dev *dev, struct cim_image *img,
		  struct cim_bo *in, uint64_t in_off,
		  struct cim_bo *out, uint64_t out_off,
		  uint32_t batch, const struct cim_submit_opts *opts,
		  const uint32_t *in_syncobjs, uint32_t n_in_syncobjs,
		  struct cim_job **job);

/**
 * Wait for a job and read its result record.
 *
 * @param timeout_ns  relative nanoseconds, or CIM_TIMEOUT_INFINITE
 * @return 0 if the job completed with status OK; -ETIME if the timeout
 *         passed first (the job keeps running; wait again); the errno of
 *         the job's status (cim_job_status_errno()) or of its fence if it
 *         failed.  Once the job ended, later calls return the same value.
 */
int cim_job_wait(struct cim_job *job, int64_t timeout_ns);

/**
 * Cancel a job: it never runs if it has not reached the card, else the
 * card aborts it at its next batch item (card interface 1.3).  Other
 * jobs are not touched.  Wait for the job afterwards: it ends with
 * -ECANCELED (or its own result, if it ended first).
 *
 * @return 0 once the cancel is under way; -EALREADY if the job already
 *         ended; -EOPNOTSUPP if the driver (before minor 1), the card
 *         (before interface 1.3, for a job already on it) or the
 *         userspace card cannot cancel one job; -ESRCH if the driver no
 *         longer holds the job.
 */
int cim_job_cancel(struct cim_job *job);

/**
 * Result of a job that cim_job_wait() saw end.
 *
 * @return 0, or -EBUSY if the job has not been seen to end.
 */
int cim_job_stats(const struct cim_job *job, struct cim_run_stats *stats);

/**
 * Export the job's completion fence as a sync_file fd (on the userspace
 * card an eventfd), readable by poll()/epoll when the job ends.  The
 * caller closes it.
 *
 * @return the fd, or negative errno.
 */
int cim_job_fence_fd(struct cim_job *job);

/**
 * Syncobj handle of the job's completion fence, to pass as an in-fence
 * to cim_submit().  Valid until cim_job_free().
 */
uint32_t cim_job_syncobj(const struct cim_job *job);

/**
 * Free a job.  Never blocks: a job still running keeps running (its
 * result buffer is then only reclaimed by cim_close()).  NULL is a
 * no-op.
 */
void cim_job_free(struct cim_job *job);

/**
 * Negative errno corresponding to a DRM_CIM_JOB_* status (0 for OK).
 */
int cim_job_status_errno(uint32_t status);

/**
 * Description of a DRM_CIM_JOB_* status, e.g. "DMA error".
 */
const char *cim_job_status_str(uint32_t status);

/* ---- synchronous inference -------------------------------------------- */

/**
 * Run @p batch items through a loaded image and wait for the result.
 * Uses input/output buffers cached on the device (grown as needed); calls
 * on one device are serialized.
 *
 * @param in     batch * input_size bytes
 * @param out    receives batch * output_size bytes
 * @param stats  receives the job's result, or NULL
 * @return 0 or negative errno as cim_submit() and cim_job_wait().
 */
int cim_infer(struct cim_dev *dev, struct cim_image *img, const int8_t *in,
	      int8_t *out, uint32_t batch, struct cim_run_stats *stats);

/**
 * cim_infer() with options (struct cim_submit_opts, NULL = cim_infer()):
 * a per-call early-exit margin, and in opts->exits the exit each of the
 * @p batch items took.  stats->n_exited counts the items that exited.
 */
int cim_infer_ex(struct cim_dev *dev, struct cim_image *img,
		 const int8_t *in, int8_t *out, uint32_t batch,
		 const struct cim_submit_opts *opts,
		 struct cim_run_stats *stats);

/* ---- compiled models (.cimx files) ------------------------------------ */

struct cim_model;

/* A tensor as the host sees it. */
struct cim_tensor_info {
	const char *name;	/* "" if the source had none */
	uint32_t c, h, w;	/* int8, HWC */
	float scale;		/* real = scale * (q - zero_point) */
	int32_t zero_point;
};

#define CIM_MODEL_HOST_SOFTMAX	0x1	/* outputs go through softmax on the host */

/*
 * Parse and fully validate a .cimx (docs/cimx-format.md) in memory
 * (copied; @p buf may be freed after).  Returns 0, -EINVAL / -EBADMSG
 * (malformed file, CRC) with the reason in cim_last_error(NULL), or
 * -ENOMEM.
 */
int cim_model_load(const void *buf, size_t size, struct cim_model **out);
/* The same from a file; also the errno of opening or reading it. */
int cim_model_load_file(const char *path, struct cim_model **out);
void cim_model_free(struct cim_model *m);

/* The weight image inside (valid until cim_model_free()). */
const void *cim_model_image(const struct cim_model *m, size_t *size);
void cim_model_input(const struct cim_model *m, struct cim_tensor_info *t);
void cim_model_output(const struct cim_model *m, struct cim_tensor_info *t);
uint32_t cim_model_flags(const struct cim_model *m);
const char *cim_model_options(const struct cim_model *m);

/*
 * Float <-> int8 with the model's input / output quantization.  Float
 * items are in the source model's layout (ONNX: NCHW, channel slowest);
 * int8 items in the card's (HWC, channel fastest).
 */
void cim_model_quantize(const struct cim_model *m, const float *in, int8_t *q,
			uint32_t batch);
/* Dequantize outputs, then softmax per item if CIM_MODEL_HOST_SOFTMAX. */
void cim_model_dequantize(const struct cim_model *m, const int8_t *q,
			  float *out, uint32_t batch);

/* Program the model's image into a card (cim_image_load()). */
int cim_model_program(struct cim_dev *dev, const struct cim_model *m,
		      struct cim_image **img);

/*
 * Run on a card: quantize @p in, cim_infer() through @p img (programmed
 * from @p m), dequantize into @p out (softmax if the model asks for it).
 */
int cim_model_infer(struct cim_dev *dev, struct cim_image *img,
		    const struct cim_model *m, const float *in, float *out,
		    uint32_t batch, struct cim_run_stats *stats);

/** libcim's version string, e.g. "1.0.0". */
const char *cim_version(void);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* CIM_H */
