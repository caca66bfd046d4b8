/* SPDX-License-Identifier: MIT */
/* cimctl's built-in FC models as quantized models, for cim-compile --builtin. */
#ifndef CIM_COMPILE_BUILTIN_H
#define CIM_COMPILE_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

#include "cim.h"
#include "cim_compiler.h"

/*
 * Fill *qm with built-in model NAME; 8-bit weights (the 4-bit mode
 * keeps the top 4 bits of each weight, zero point 8).  *ctx owns it all:
 * free() it.  Returns 0 or -ENOENT, -ENOMEM.
 */
int compile_builtin(const char *name, uint32_t wbits, struct cim_qmodel **qm,
		    void **ctx);

/* --builtin dwnet (compile_builtin_dw.c): as compile_builtin(). */
int compile_builtin_dw(uint32_t wbits, struct cim_qmodel **qm, void **ctx);

/*
 * cim-compile --report: print the predicted fps and job time at batch 1,
 * 8 and 16 of a compiled model on the userspace card "sim:PRESET"
 * (compile_predict.c).  Returns 0 or nonzero after a message on stderr.
 */
int compile_predict(const void *cimx, size_t size, const char *preset);
/*
 * Items per second of modeled device time of one job of `batch` items
 * of a compiled model on the userspace card of the preset, in *fps.
 * Returns 0, or nonzero (no message) if the card cannot run it.
 */
int compile_fps(const void *cimx, size_t size, const char *preset,
		uint32_t batch, double *fps);

#endif /* CIM_COMPILE_BUILTIN_H */
