/* SPDX-License-Identifier: MIT */
/*
 * FC model descriptions and the weight images built from them, and THE
 * CPU reference executor of weight images, cim_ref_run_image().  Pure
 * computation: no device, no OS calls.  Part of libcim-compiler's public
 * API (cim_compiler.h).
 */
#ifndef CIM_MODEL_H
#define CIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One fully-connected int8 layer (DESIGN.md §4):
 *   acc[n] = bias[n] + sum_k (x[k] - in_zp) * w[n * in_len + k]
 *   y[n]   = clamp(out_zp + requant(acc[n], mult[n], shift[n]), act_min, act_max)
 * ReLU is act_min = out_zp.  Weights are in [-127, 127], row n = output n.
 */
struct cim_fc_layer {
	uint32_t in_len;
	uint32_t out_len;
	const int8_t *weights;		/* out_len * in_len */
	const int32_t *bias;		/* out_len */
	const int32_t *mult;		/* out_len, Q31 in [0, 2^31) */
	const int32_t *shift;		/* out_len, in [-31, 30] */
	int32_t in_zp;
	int32_t out_zp;
	int32_t act_min;
	int32_t act_max;
};

struct cim_model_desc {
	uint32_t n_layers;
	const struct cim_fc_layer *layers;	/* chained: out_len == next in_len */
};

/* Card geometry an image is built for. */
struct cim_geometry {
	uint32_t tile_rows;
	uint32_t tile_cols;
	uint32_t cell_bits;	/* 4 */
};

/*
 * Build the weight image (uapi/cim_image.h) of a model for a geometry.
 * Layers larger than a tile are split over several virtual tiles; the
 * input zero point is folded into the bias.  On success *image is a
 * malloc'ed buffer of *size bytes (free() it).  Returns 0 or -EINVAL
 * (bad model: weights out of range, lengths that do not chain, ...),
 * -ENOMEM.
 */
int cim_image_build(const struct cim_model_desc *m,
		    const struct cim_geometry *g, void **image, size_t *size);

/*
 * CPU reference: run batch items through a weight image exactly as the
 * ideal card does (same integer arithmetic, weights decoded from the
 * cells).  in: batch * input_size bytes, out: batch * output_size bytes.
 * Returns 0, or -EINVAL if the image fails its checks (CRC included).
 */
int cim_ref_run_image(const void *image, size_t size, const int8_t *in,
		      int8_t *out, uint32_t batch);

/*
 * cim_ref_run_image() with the early exits of a job submitted with
 * CIM_SUBMIT_EXIT_MARGIN: exit_margin 0..255 replaces the margin of every
 * exit of the image (0: every item stops at the first exit; above 255:
 * none does), a negative exit_margin keeps the image's own margins.
 * exits: NULL, or batch bytes receiving the index of the exit each item
 * took (0 = the first exit op), or the image's exit count if it ran to
 * the end, as the card reports them.
 */
int cim_ref_run_image_ex(const void *image, size_t size, const int8_t *in,
			 int8_t *out, uint32_t batch, int exit_margin,
			 uint8_t *exits);

/* Input / output bytes per batch item of an image; 0 if not an image. */
uint32_t cim_image_input_size(const void *image, size_t size);
uint32_t cim_image_output_size(const void *image, size_t size);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* CIM_MODEL_H */
