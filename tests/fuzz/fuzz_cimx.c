// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: .cimx reading (libcim/cimx_read.c through
 * cim_model_load(), docs/cimx-format.md), then what a loaded model
 * offers its user: the image and the tensor descriptions.
 */
#include <stdint.h>
#include <stddef.h>

#include "cim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cim_tensor_info ti;
	struct cim_model *m = NULL;
	size_t isize;

	if (cim_model_load(data, size, &m) == 0) {
		(void)cim_model_image(m, &isize);
		cim_model_input(m, &ti);
		cim_model_output(m, &ti);
		cim_model_free(m);
	}
	return 0;
}
