/* SPDX-License-Identifier: MIT */
/* Helpers for the recovery, scheduling and admin-interface tests. */
#ifndef VM_ADMIN_H
#define VM_ADMIN_H

#include <stdint.h>
#include <stddef.h>

#include "vmtest.h"

int64_t vm_now_ns(void);
/* /sys/class/accel/accel0/device/<attr>, /sys/kernel/debug/accel/0/<f> */
const char *vm_dev_path(const char *attr);
const char *vm_dbg_path(const char *file);
/* bytes read, or -errno */
int vm_read_file(const char *path, char *buf, size_t len);
/* 0 or -errno of the write() */
int vm_write_file(const char *path, const char *val);
long long vm_read_num(const char *path);
/*
 * 0 once <device>/power/runtime_status reads want ("suspended",
 * "active"), polled every 10 ms for up to ms; else -1.
 */
int vm_wait_runtime_status(const char *want, int ms);
/* <device>/hwmon/hwmonN/<file> */
int vm_hwmon_path(const char *file, char *out, size_t len);

/* 0, the fence's error, or -ETIME when it did not signal in time. */
int vm_wait_fence(int fd, uint32_t syncobj, int64_t timeout_ns);
int vm_fence_error(int fd, uint32_t syncobj);
/* when it signalled, CLOCK_MONOTONIC ns; -1 if not (yet) */
int64_t vm_fence_time(int fd, uint32_t syncobj);
/* 1 if signalled now */
int vm_fence_done(int fd, uint32_t syncobj);

/* A context: its own file, image (224 -> 120, one tile) and job slots. */
#define VM_CTX_MAX_SLOTS	256
#define VM_MISMATCH		1000	/* output differs from the reference */

struct vm_slot {
	uint32_t in, out, sync, batch;
	int8_t *pin, *pout, *ref;
	int busy;
};

struct vm_ctx {
	int fd;
	struct vm_model m;
	uint32_t img_bo, img, prog_sync;
	uint32_t slots, max_batch, seed, n;
	struct vm_slot s[VM_CTX_MAX_SLOTS];
};

int vm_ctx_open(struct vm_ctx *c, uint32_t slots, uint32_t max_batch,
		uint32_t seed);
void vm_ctx_close(struct vm_ctx *c);
/* fresh random input, reference computed, job submitted on the slot */
int vm_ctx_submit(struct vm_ctx *c, uint32_t slot, uint32_t batch,
		  uint32_t prio);
/* 0 (output checked), VM_MISMATCH, a fence error or -ETIME */
int vm_ctx_wait(struct vm_ctx *c, uint32_t slot, int64_t timeout_ns);

extern const struct vm_test vm_admin_tests[];
extern const struct vm_test vm_recovery_tests[];
extern const struct vm_test vm_progress_tests[];
extern const struct vm_test vm_sched_tests[];
extern const struct vm_test vm_stress_tests[];
int vm_bench(void);

#endif
