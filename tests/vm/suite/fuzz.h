/* SPDX-License-Identifier: MIT */
/*
 * The structured ioctl fuzzer of the VM suite (fuzz.c drives it,
 * fuzz_ops.c makes the calls).  Written from uapi/drm/cim_accel.h alone.
 */
#ifndef VM_FUZZ_H
#define VM_FUZZ_H

#include <stdint.h>

#include "vmtest.h"

#define FZ_POOL		16
#define FZ_MODELS	3
#define FZ_KIT_BATCH	8

/* Counters shared by every fuzzing process (MAP_SHARED). */
struct fz_shared {
	uint64_t ioctls;
	uint64_t violations;
	uint64_t by_errno[160];
	uint64_t jobs_ok;
	volatile int stop;
};

struct fz_handle {
	int fd;
	uint32_t h;
	uint64_t size;
};

/* One fuzzing thread: its own random stream, fd and handle pools. */
struct fz_thread {
	uint64_t rng;
	uint64_t seed0, step;	/* step k draws from (seed0, k) alone */
	int id;
	int core;		/* --core: core DRM ioctl numbers too */
	int race_images;	/* --race-images: loads/releases on the shared file */
	int fd;			/* this thread's own file */
	int shared_fd;		/* the process's file, used by every thread */
	int foreign_fd;		/* a file of which we take handles to misuse */
	struct fz_handle bos[FZ_POOL];
	struct fz_handle imgs[FZ_POOL];
	struct fz_handle syncs[FZ_POOL];
	uint32_t stale[FZ_POOL];	/* released or closed handles */
	/* A valid job kit on fd: image of model kit_model, in/out/result BOs. */
	int kit_ok, kit_model;
	uint32_t kit_img, kit_in, kit_out, kit_res;
	uint64_t n, budget;
	struct fz_shared *sh;
};

struct fz_model {
	struct vm_model m;
};
extern struct fz_model fz_models[FZ_MODELS];

uint64_t fz_rand(struct fz_thread *t);
uint64_t fz_below(struct fz_thread *t, uint64_t n);
/* One random operation (one or a few ioctls). */
void fz_step(struct fz_thread *t);
void fz_thread_init(struct fz_thread *t);
void fz_thread_fini(struct fz_thread *t);
/* Counts the call and judges its result; returns ret. */
int fz_call(struct fz_thread *t, int fd, unsigned long req, void *arg,
	    const char *what, int must);

/* fz_call's must: */
#define FZ_ANY		0	/* any documented errno, or success */
#define FZ_OK		1	/* a valid call: must succeed (or ENOSPC/ENOMEM) */
#define FZ_FAIL		2	/* a broken field: must fail */
/*
 * A core DRM ioctl with random arguments (--core): any documented errno,
 * and EBADF / EMFILE from the fd-passing ones (docs/uapi.md, core ioctls):
 * PRIME_FD_TO_HANDLE of a number that is no open file, an fd export with
 * the process's table full.
 */
#define FZ_CORE		3

int vm_fuzz(int argc, char **argv);

#endif
