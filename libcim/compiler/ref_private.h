/* SPDX-License-Identifier: MIT */
/*
 * The executors libcim-compiler keeps private.  The exported CPU
 * reference is cim_ref_run_image() (cim_model.h): it runs a weight image
 * as the ideal card does.  These run the same ops (ref_ops.c) from the
 * model before mapping; the tests check them against the exported one.
 * Not exported from the shared library; the static archive has them for
 * the tests.
 */
#ifndef CIM_REF_PRIVATE_H
#define CIM_REF_PRIVATE_H

#include <stdint.h>

#include "cim_model.h"
#include "cim_qmodel.h"

/*
 * One item through a quantized model, weights from its matrices.
 * vals: NULL, or n_tensors pointers receiving every tensor (malloc'ed,
 * free each and the array).  out: the output tensor, may be NULL.
 * 0, -EINVAL, -ENOMEM.
 */
int cim_qmodel_run(const struct cim_qmodel *m, const int8_t *in, int8_t *out,
		   int8_t ***vals);

/*
 * cim_qmodel_run() over a batch, after cim_qmodel_check(): batch * input
 * size bytes in, batch * output size bytes out, early exits included.
 * Returns 0 or -EINVAL (bad model or arguments), -ENOMEM.
 */
int cim_ref_run_qmodel(const struct cim_qmodel *qm, const int8_t *in,
		       int8_t *out, uint32_t batch);

/*
 * An FC model description straight from its arrays, the input zero
 * point subtracted rather than folded: an independent check of the
 * folding and mapping cim_image_build() does.
 */
int cim_ref_run_model(const struct cim_model_desc *m, const int8_t *in,
		      int8_t *out, uint32_t batch);

#endif /* CIM_REF_PRIVATE_H */
