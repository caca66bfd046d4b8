// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: ONNX import (libcim/compiler, cim_onnx_import()),
 * protobuf decoding, graph building and the optimizer passes.
 */
#include <stdint.h>
#include <stddef.h>

#include "cim.h"
#include "cim_compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cim_graph *g = NULL;
	char err[256];

	if (cim_onnx_import(data, size, 1, &g, err, sizeof(err)) == 0)
		cim_graph_free(g);
	return 0;
}
