/* SPDX-License-Identifier: MIT */
/*
 * cimctl's built-in models: small quantized networks with deterministic
 * weights, for smoke tests and demos without model files.
 */
#ifndef CIMCTL_MODELS_H
#define CIMCTL_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "cim.h"
#include "cim_compiler.h"

#define CIMCTL_MODEL_MAX_LAYERS	4

struct cimctl_model {
	const char *name;
	struct cim_model_desc desc;
	struct cim_fc_layer layer[CIMCTL_MODEL_MAX_LAYERS];
	int8_t *w[CIMCTL_MODEL_MAX_LAYERS];
	int32_t *bias[CIMCTL_MODEL_MAX_LAYERS];
	int32_t *mult[CIMCTL_MODEL_MAX_LAYERS];
	int32_t *shift[CIMCTL_MODEL_MAX_LAYERS];
};

/* Names of the built-in models, NULL-terminated. */
extern const char *const cimctl_model_names[];

/* One-line description of a built-in model ("" if unknown). */
const char *cimctl_model_about(const char *name);

/* Fill *m with a built-in model: 0, -ENOENT (unknown name) or -ENOMEM. */
int cimctl_model_builtin(const char *name, struct cimctl_model *m);
void cimctl_model_free(struct cimctl_model *m);

/* The PRNG behind weights and --random inputs (splitmix64). */
uint64_t cimctl_rand(uint64_t *state);
/* n int8 values from seed. */
void cimctl_random_input(uint64_t seed, int8_t *buf, size_t n);

#endif /* CIMCTL_MODELS_H */
