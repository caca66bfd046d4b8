/* SPDX-License-Identifier: MIT */
/*
 * Random and hand-built quantized models (cim_qmodel.h) for the back-end
 * tests: a builder that owns every array, one call per op.
 */
#ifndef CIM_QGEN_H
#define CIM_QGEN_H

#include <stdint.h>

#include "cim.h"
#include "cim_compiler.h"
#include "ref_private.h"	/* the executors checked against cim_ref_run_image() */

#define QG_MAX_OPS	64

struct qg_model {
	struct cim_qmodel qm;
	struct cim_qtensor t[QG_MAX_OPS + 1];
	struct cim_qop ops[QG_MAX_OPS];
	void *bufs[5 * QG_MAX_OPS];
	uint32_t n_bufs;
	uint64_t *s;		/* PRNG state for the random parts */
};

/* Start a model with a c x h x w input (tensor 0). */
void qg_init(struct qg_model *m, uint64_t *s, uint32_t c, uint32_t h,
	     uint32_t w);
void qg_free(struct qg_model *m);

/* Ops with random weights and requantization; each returns its tensor. */
uint32_t qg_fc(struct qg_model *m, uint32_t in, uint32_t n, uint32_t wbits);
uint32_t qg_conv(struct qg_model *m, uint32_t in, uint32_t n, uint32_t k,
		 uint32_t stride, uint32_t dil, uint32_t pad, uint32_t groups,
		 uint32_t wbits);
uint32_t qg_pool(struct qg_model *m, uint32_t in, uint32_t type, uint32_t k,
		 uint32_t stride, uint32_t pad, uint32_t flags);
uint32_t qg_add(struct qg_model *m, uint32_t a, uint32_t b);
uint32_t qg_concat(struct qg_model *m, uint32_t a, uint32_t b);
uint32_t qg_shuffle(struct qg_model *m, uint32_t in, uint32_t groups);
uint32_t qg_exit(struct qg_model *m, uint32_t in, uint32_t margin);
/* Image version 2.1: a random table, a product (b: a's shape or 1x1xC), a slice. */
uint32_t qg_lut(struct qg_model *m, uint32_t in);
uint32_t qg_mul(struct qg_model *m, uint32_t a, uint32_t b);
uint32_t qg_slice(struct qg_model *m, uint32_t in, uint32_t first, uint32_t c);

/* The last tensor is the output. */
void qg_finish(struct qg_model *m);

/* A random model exercising every op; returns its output size. */
void qg_random(struct qg_model *m, uint64_t *s);

#endif /* CIM_QGEN_H */
