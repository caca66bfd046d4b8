/* SPDX-License-Identifier: MIT */
/* A minimal test harness for the VM suite: one line per test, a summary. */
#ifndef VMTEST_H
#define VMTEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#include "cim.h"
#include "cim_compiler.h"	/* images and the CPU reference to check the card */
#include "ref_private.h"	/* cim_ref_run_qmodel() */

extern int vm_failed;

void vm_fail(const char *file, int line, const char *what, long long a,
	     long long b);

#define CHECK(cond) do { \
	if (!(cond)) { \
		vm_fail(__FILE__, __LINE__, #cond, 0, 0); \
		return; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		vm_fail(__FILE__, __LINE__, #a " == " #b, _a, _b); \
		return; \
	} \
} while (0)

struct vm_test {
	const char *name;
	void (*fn)(void);
};

/* Raw device access for the ioctl-level tests. */
int vm_open_card(void);
/* ioctl() returning 0 or -errno. */
int vm_ioctl(int fd, unsigned long req, void *arg);

/* Deterministic test models: layer sizes dims[0] -> ... -> dims[n]. */
struct vm_model {
	void *image;
	size_t size;
	uint32_t in_size, out_size;
};
int vm_model_build(const uint32_t *dims, int n_layers, uint32_t seed,
		   uint32_t rows, uint32_t cols, struct vm_model *m);
void vm_model_free(struct vm_model *m);
void vm_fill_random(int8_t *p, size_t n, uint32_t seed);

/* Raw-ioctl helpers. */
int vm_bo_create(int fd, uint64_t size, uint32_t *handle);
void *vm_bo_map(int fd, uint32_t handle, size_t size);
int vm_image_load(int fd, const struct vm_model *m, uint32_t *bo,
		  uint32_t *image, uint32_t syncobj);

extern const struct vm_test vm_ioctl_tests[];
extern const struct vm_test vm_job_tests[];
extern const struct vm_test vm_lib_tests[];
extern const struct vm_test vm_resident_tests[];
extern const struct vm_test vm_persist_pre_tests[];
extern const struct vm_test vm_persist_post_tests[];
extern const struct vm_test vm_exit_tests[];
extern const struct vm_test vm_analog_ideal_tests[];
extern const struct vm_test vm_analog_det_tests[];
extern const struct vm_test vm_analog_range_tests[];
extern const struct vm_test vm_analog_tests[];
extern const struct vm_test vm_analog_verify_tests[];
extern const struct vm_test vm_core_tests[];
extern const struct vm_test vm_race_tests[];

/*
 * SHA-256 of data, computed in userspace by libcim's own implementation
 * (libcim/sha256.c, which the userspace card's catalog uses), to check
 * the digest the kernel's crypto reports.  Linked from libcim.a.
 */
void cimi_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
