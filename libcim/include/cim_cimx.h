/* SPDX-License-Identifier: MIT */
/*
 * Compiled models: .cimx files (docs/cimx-format.md) made by
 * cim_compile_qmodel(), loaded by cim_model_load(), run on a card or on
 * the CPU reference with float inputs and outputs.  Part of libcim's
 * public API (included by cim.h).  Failures leave a message for
 * cim_last_error(NULL).
 */
#ifndef CIM_CIMX_H
#define CIM_CIMX_H

#include <stddef.h>
#include <stdint.h>

#include "cim_map.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cim_model;
struct cim_dev;
struct cim_image;
struct cim_run_stats;

/* A tensor as the host sees it. */
struct cim_tensor_info {
	const char *name;	/* "" if the source had none */
	uint32_t c, h, w;	/* int8, HWC */
	float scale;		/* real = scale * (q - zero_point) */
	int32_t zero_point;
};

#define CIM_MODEL_HOST_SOFTMAX	0x1	/* outputs go through softmax on the host */

/*
 * Compile a quantized model into a .cimx: map it (cim_map_qmodel()),
 * then wrap the image with the model's metadata and @p options (a
 * free-form line recorded in the file, may be NULL).  Same inputs give
 * the same bytes.  *cimx is malloc'ed (free() it).  Returns 0 or the
 * errors of cim_map_qmodel().
 */
int cim_compile_qmodel(const struct cim_qmodel *qm, const struct cim_map_opts *o,
		       const char *options, void **cimx, size_t *size,
		       struct cim_map_report *rep);

/*
 * Parse and fully validate a .cimx in memory (copied; @p buf may be
 * freed after).  Returns 0, -EINVAL / -EBADMSG (malformed file, CRC)
 * with the reason in cim_last_error(NULL), or -ENOMEM.
 */
int cim_model_load(const void *buf, size_t size, struct cim_model **out);
/* The same from a file; also the errno of opening or reading it. */
int cim_model_load_file(const char *path, struct cim_model **out);
void cim_model_free(struct cim_model *m);

/* The weight image inside (valid until cim_model_free()). */
const void *cim_model_image(const struct cim_model *m, size_t *size);
void cim_model_input(const struct cim_model *m, struct cim_tensor_info *t);
void cim_model_output(const struct cim_model *m, struct cim_tensor_info *t);
uint32_t cim_model_flags(const struct cim_model *m);
const char *cim_model_options(const struct cim_model *m);

/*
 * Float <-> int8 with the model's input / output quantization.  Float
 * items are in the source model's layout (ONNX: NCHW, channel slowest);
 * int8 items in the card's (HWC, channel fastest).
 */
void cim_model_quantize(const struct cim_model *m, const float *in, int8_t *q,
			uint32_t batch);
/* Dequantize outputs, then softmax per item if CIM_MODEL_HOST_SOFTMAX. */
void cim_model_dequantize(const struct cim_model *m, const int8_t *q,
			  float *out, uint32_t batch);

/* CPU reference with float in and out: 0 or negative errno. */
int cim_model_run_ref(const struct cim_model *m, const float *in, float *out,
		      uint32_t batch);

/* Program the model's image into a card (cim_image_load()). */
int cim_model_program(struct cim_dev *dev, const struct cim_model *m,
		      struct cim_image **img);

/*
 * Run on a card: quantize @p in, cim_infer() through @p img (programmed
 * from @p m), dequantize into @p out (softmax if the model asks for it).
 */
int cim_model_infer(struct cim_dev *dev, struct cim_image *img,
		    const struct cim_model *m, const float *in, float *out,
		    uint32_t batch, struct cim_run_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* CIM_CIMX_H */
