/* SPDX-License-Identifier: MIT */
/*
 * Validation of in-memory models, shared by the image builder and the
 * CPU reference.  Internal to libcim-compiler (not exported).
 */
#ifndef CIM_MODEL_CHECK_H
#define CIM_MODEL_CHECK_H

#include "cim_model.h"
#include "cimx_format.h"

/* Longest layer input / output libcim builds images for (firmware limit). */
#define CIMI_MAX_VECTOR		8192	/* FC chains (cim_model_desc): stack buffers */

/*
 * 0 if the model is well formed and no int32 accumulator of any layer
 * can overflow for any int8 input, whatever order the partial sums are
 * added in; -EINVAL otherwise.
 */
int cimi_model_check(const struct cim_model_desc *m);

/* bias[n] - in_zp * sum_k w[n][k]: the bias with the input zero point folded in. */
int64_t cimi_folded_bias(const struct cim_fc_layer *l, uint32_t n);

#endif /* CIM_MODEL_CHECK_H */
