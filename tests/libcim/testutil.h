/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libcim unit tests: a PRNG and random models. */
#ifndef CIM_TESTUTIL_H
#define CIM_TESTUTIL_H

#include <stdint.h>
#include <stddef.h>

#include "cim.h"
#include "cim_compiler.h"
#include "ref_private.h"	/* the executors checked against cim_ref_run_image() */

#define TU_MAX_LAYERS	4

/* xorshift64*: deterministic, seeded per test. */
uint64_t tu_rand(uint64_t *s);
/* Uniform in [lo, hi]. */
int64_t tu_range(uint64_t *s, int64_t lo, int64_t hi);
void tu_fill_i8(uint64_t *s, int8_t *p, size_t n);

/* A model that owns its arrays. */
struct tu_model {
	struct cim_model_desc desc;
	struct cim_fc_layer layer[TU_MAX_LAYERS];
	int8_t *w[TU_MAX_LAYERS];
	int32_t *bias[TU_MAX_LAYERS], *mult[TU_MAX_LAYERS], *shift[TU_MAX_LAYERS];
};

/*
 * Fill a model with n layers of the given lengths (lens[0..n]) with
 * random weights, zero points and requantization that keeps outputs
 * spread over int8.  The model passes cim_image_build()'s checks.
 */
void tu_model_random(struct tu_model *m, uint64_t *s, uint32_t n,
		     const uint32_t *lens);
void tu_model_free(struct tu_model *m);

/* Copy into an exactly-sized heap buffer, so ASan sees any overread. */
void *tu_dup(const void *p, size_t n);

#endif /* CIM_TESTUTIL_H */
