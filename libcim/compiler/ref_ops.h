/* SPDX-License-Identifier: MIT */
/*
 * The CPU reference's ops (semantics: the comment on struct cim_image_op
 * in uapi/cim_image.h), shared by the image runner and the qmodel runner,
 * which differ only in where tensors and weights come from.  Internal.
 */
#ifndef CIM_REF_OPS_H
#define CIM_REF_OPS_H

#include <stdint.h>

#include "../../uapi/cim_image.h"

struct refi_env {
	int8_t **ptr;				/* data of each tensor */
	const struct cim_image_tensor *shape;	/* shape of each tensor */
	const void *ctx;
	/* acc[n] = bias[n] + sum_k x[k] W[k][n] in wrapping 32-bit arithmetic */
	void (*mvm)(const void *ctx, uint32_t op, const int8_t *x,
		    uint32_t *acc);
	/* the op's per-output multipliers and shifts */
	void (*requant)(const void *ctx, uint32_t op, const int32_t **mult,
			const int32_t **shift);
	/*
	 * Optional (NULL: none): the mvm of P im2col vectors at once, x P x
	 * K and acc P x N, the very sums P calls of mvm give; 0 if it did
	 * them, else nonzero and mvm runs instead.
	 */
	int (*mvm_batch)(const void *ctx, uint32_t op, const int8_t *x,
			 uint32_t P, uint32_t *acc);
	/* a LUT op's 256 entries */
	const int32_t *(*lut)(const void *ctx, uint32_t op);
	int8_t *x;		/* scratch: K bytes of the longest op */
	uint32_t *acc;		/* scratch: N words of the longest op */
};

/* Run op i; returns 1 if it is an EXIT that fired, else 0. */
int refi_op(const struct refi_env *e, const struct cim_image_op *op,
	    uint32_t i);

/* Longest im2col vector (K) and output count (N) of an op. */
void refi_op_vectors(const struct cim_image_op *op,
		     const struct cim_image_tensor *shape, uint64_t *K,
		     uint64_t *N);

#endif /* CIM_REF_OPS_H */
