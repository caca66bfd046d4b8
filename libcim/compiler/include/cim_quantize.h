/* SPDX-License-Identifier: MIT */
/*
 * Post-training quantization of a graph (cim_graph.h) into the quantized
 * model the back end maps onto arrays (cim_qmodel.h), an integer executor
 * of such models, and the per-layer SQNR report.  docs/compiler.md.
 */
#ifndef CIM_QUANTIZE_H
#define CIM_QUANTIZE_H

#include <stdint.h>
#include <stdio.h>

#include "cim_graph.h"
#include "cim_qmodel.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct cim_quant_options {
	uint32_t wbits;			/* 8 (default when 0) or 4 */
	/* per-layer override: these nodes (by name) get the other width */
	const char *const *other_layers;
	uint32_t n_other_layers;
	uint32_t flags;			/* CIM_QUANT_*, 0 for the defaults */
};

/*
 * By default 4-bit weights get a per-channel clipping search (scale and
 * zero point minimizing the layer's output error on the calibration
 * data) and every FC/CONV bias is corrected for the mean output error of
 * its weight rounding.  These flags turn that off (for comparisons).
 * Activation ranges: clipped ranges of least error help some networks
 * and hurt others (docs/compiler.md), so by default the quantizer builds
 * an int8 model with each set and keeps the one whose output is closer
 * to the float graph's on the first calibration samples;
 * CIM_QUANT_ACT_MSE and CIM_QUANT_ACT_MINMAX force one.
 */
#define CIM_QUANT_W4_MINMAX	0x1	/* 4-bit ranges: plain min/max */
#define CIM_QUANT_NO_BIAS_CORR	0x2	/* no bias correction */
#define CIM_QUANT_NO_GPTQ	0x4	/* 4-bit: round to nearest, no GPTQ */
#define CIM_QUANT_NO_SEQ	0x8	/* statistics from the float graph only */
#define CIM_QUANT_SEQ_RERUN	0x10	/* sequential statistics re-run both
					   networks per layer: the slow
					   reference of the default (tests) */
#define CIM_QUANT_ACT_MSE	0x20	/* activation ranges clipped to the
					   least expected int8 error
					   (quant_range.c) ... */
#define CIM_QUANT_ACT_MINMAX	0x80	/* ... or min/max; neither: the set
					   whose int8 model's output is
					   closer to the float graph's */
#define CIM_QUANT_SIMD_W8	0x40	/* 4-bit weights: depthwise CONVs run
					   on the tile SIMD (CIM_OPF_SIMD),
					   their weights 8-bit (int8 lanes,
					   weights in the params blob) */

/* A quantized model and the arrays it points into. */
struct cim_quantized;

/*
 * Optimize g (cim_graph_optimize), run calib through the float executor
 * for each tensor's range, and build the quantized model: int8 weights
 * symmetric per output channel in [-127, 127] (or 4-bit asymmetric per
 * channel), int8 activations asymmetric per tensor, int32 bias with the
 * input zero point folded in, Q31 multiplier + shift.  Returns 0,
 * -EINVAL (err names the node and what the card cannot run), -ENOMEM.
 */
int cim_quantize(struct cim_graph *g, const struct cim_dataset *calib,
		 const struct cim_quant_options *opt, struct cim_quantized **out,
		 char *err, size_t errlen);
const struct cim_qmodel *cim_quantized_model(const struct cim_quantized *q);
void cim_quantized_free(struct cim_quantized *q);

/*
 * real = mult * 2^shift / 2^31 with mult in [2^30, 2^31) (0 for 0):
 * the TFLite QuantizeMultiplier.  0, or -EINVAL if real < 0, is not
 * finite or needs a shift outside [-31, 30].
 */
int cim_quant_multiplier(double real, int32_t *mult, int32_t *shift);

/* float NCHW sample -> int8 HWC tensor 0, and output tensor -> float. */
void cim_qmodel_quantize_input(const struct cim_qmodel *m, const float *in,
			       int8_t *q);
void cim_qmodel_dequantize_output(const struct cim_qmodel *m, const int8_t *q,
				  float *out);

/*
 * Per-op SQNR (dB) of the quantized model against the float graph over
 * the samples of d: sqnr[i] for op i (n_ops entries).  If f is not NULL
 * prints one line per op.  0, -EINVAL, -ENOMEM.
 */
int cim_quant_report(const struct cim_quantized *q, struct cim_graph *g,
		     const struct cim_dataset *d, double *sqnr, FILE *f);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* CIM_QUANTIZE_H */
