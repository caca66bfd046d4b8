/* SPDX-License-Identifier: MIT */
/*
 * A quantized model before it is mapped onto arrays: the contract
 * between the quantizer (front end: ONNX import, calibration) and the
 * back end (tile mapping, plan and .cimx emission, CPU reference).
 *
 * It is the plan of uapi/cim_image.h without the placement: the same
 * tensors (tensor 0 is the input, op i writes tensor i + 1, HWC int8),
 * the same op types and fields with the same semantics (see the comment
 * on struct cim_image_op), but weights as plain matrices and the
 * per-output arrays as pointers instead of params-blob offsets.  The
 * back end ignores an op's block_*, *_offset fields and tensor offsets
 * (it allocates the arena itself).
 */
#ifndef CIM_QMODEL_H
#define CIM_QMODEL_H

#include <stdint.h>
#include "cim_image.h"	/* uapi/ */

#ifdef __cplusplus
extern "C" {
#endif

/* Quantization of an int8 tensor: real = scale * (q - zero_point). */
struct cim_qparams {
	float scale;
	int32_t zero_point;
};

struct cim_qtensor {
	struct cim_image_tensor shape;	/* c, h, w (offset unused) */
	struct cim_qparams q;
	const char *name;		/* from the source graph, may be NULL */
};

/*
 * One op.  For FC and CONV, weights is N x Kg (Kg = K / groups), row n
 * holding output n's weights over its group's rows in the im2col order
 * of struct cim_image_op (for FC: in0 read flat in HWC order):
 *   wbits 8: int8 in [-127, 127]          (W = weights)
 *   wbits 4: uint4 q in [0, 15] as int8   (W = q - wzp[n])
 * bias, mult, shift (and wzp for wbits 4) have N entries.  The input zero
 * point is already folded into bias (DESIGN.md §4).
 */
struct cim_qop {
	struct cim_image_op op;
	const int8_t *weights;
	const int32_t *bias;
	const int32_t *mult;
	const int32_t *shift;
	const int32_t *wzp;
	const float *wscale;	/* per output channel, informative (report) */
	const int32_t *lut;	/* LUT: 256 entries, y for x = -128..127 */
	const char *name;	/* source node name, for messages and reports */
};

#define CIM_QMODEL_HOST_SOFTMAX	0x1	/* apply softmax on the host output */

struct cim_qmodel {
	uint32_t n_tensors;		/* n_ops + 1 */
	const struct cim_qtensor *tensors;
	uint32_t n_ops;
	const struct cim_qop *ops;
	uint32_t output_tensor;
	uint32_t flags;			/* CIM_QMODEL_* */
};

#ifdef __cplusplus
}
#endif

#endif /* CIM_QMODEL_H */
