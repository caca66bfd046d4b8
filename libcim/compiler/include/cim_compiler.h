/* SPDX-License-Identifier: MIT */
/**
 * @file cim_compiler.h
 * @brief libcim-compiler: from an ONNX model to a .cimx file, and the
 *        CPU reference executor of weight images.
 *
 * Link with `pkg-config --cflags --libs libcim-compiler`.  Applications
 * that only run compiled models need libcim alone (cim.h).
 *
 *     cim_onnx_import_file(path, 1, &g, err, len);   // cim_graph.h
 *     cim_quantize(g, calib, &opt, &q, err, len);    // cim_quantize.h
 *     cim_compile_qmodel(cim_quantized_model(q), &mo, NULL,
 *                        &cimx, &size, &rep);         // cim_map.h
 *     cim_ref_run_image(image, size, in, out, batch); // cim_model.h
 *
 * Pure computation: no device, no global state; functions on distinct
 * objects may run in several threads at once.
 */
#ifndef CIM_COMPILER_PUBLIC_H
#define CIM_COMPILER_PUBLIC_H

#include "cim_graph.h"
#include "cim_quantize.h"
#include "cim_qmodel.h"
#include "cim_model.h"
#include "cim_map.h"

#endif /* CIM_COMPILER_PUBLIC_H */
