/* SPDX-License-Identifier: MIT */
/*
 * An in-process stand-in for cim.ko, linked with -Wl,--wrap in place of
 * open/close/mmap/munmap/ioctl and libdrm's ioctl and syncobj helpers.
 * It checks every ioctl argument the way the uapi header specifies
 * (pads zero, known flags, handles, ranges) and runs jobs with the CPU
 * reference, so libcim's device path can be unit-tested without a card.
 * The real driver is tested in the VM bench; this only pins down what
 * libcim sends and how it reacts.
 */
#ifndef CIM_FAKE_KERNEL_H
#define CIM_FAKE_KERNEL_H

#include <stdint.h>

#include "uapi/drm/cim_accel.h"

#define FAKE_DEV_PATH	"/fake/accel0"

struct fake_config {
	struct drm_cim_device_info info;
	uint32_t info_size;		/* size of the "kernel's" structure */
	const char *driver_name;
	int load_errno;			/* IMAGE_LOAD fails with this */
	int program_fence_error;	/* programming fence error (<0) */
	int program_no_fence;		/* leave the load syncobj empty */
	uint32_t job_status;		/* status jobs report */
	int job_fence_error;		/* job fence error (<0) */
	int job_no_result;		/* do not write the result record */
	int job_hang;			/* leave job fences unsignaled */
	int corrupt_output;		/* add 1 to the first output byte */
	/*
	 * DRM_CIM_QUERY_IMAGES / _TILES: answered only if catalog_query;
	 * catalog_images entries (image i: slot i, tiles i + 1, digest bytes
	 * 0x10 * i + j), 8 tiles (tile t: t * 3 cycles, slot t % 2 or free).
	 * catalog_pad grows the header and every entry by that many bytes,
	 * as a newer kernel's would.  Tile t's activity: mvms 100 + t, macs
	 * 1000 * t, busy_ns and simd_ns 1000 * (t + 1) and (t + 2),
	 * simd_ops t + 3, pulses t + 4, flags ACTIVITY | SIMD; with
	 * tiles_short, the 8-byte entry of a kernel that had no activity.
	 */
	int catalog_query;
	uint32_t catalog_images;
	uint32_t catalog_pad;
	int tiles_short;
};

struct fake_record {
	uint32_t query_calls;
	uint32_t query_size[4];		/* size passed in, per call */
	uint64_t query_data[4];		/* data pointer passed in, per call */
	uint32_t bo_creates, image_loads, image_releases, submits, gem_closes;
	struct drm_cim_submit last_submit;
	uint32_t last_in_syncobjs[64];
	struct drm_cim_image_load last_load;
	int64_t last_wait_deadline;
	uint32_t last_wait_flags;
	int64_t last_bo_wait_deadline;
	uint32_t result_bos_seen;	/* distinct result BO handles */
};

extern struct fake_config fake_cfg;
extern struct fake_record fake_rec;

/* Default configuration (a 256 x 256, 8-tile card), empty state. */
void fake_reset(void);
/* Finish the jobs left hanging by job_hang: write results, signal. */
void fake_complete_hung_jobs(void);
/* Objects alive in the fake driver. */
int fake_live_bos(void);
int fake_live_syncobjs(void);
int fake_live_images(void);
int fake_open_fds(void);

#endif /* CIM_FAKE_KERNEL_H */
