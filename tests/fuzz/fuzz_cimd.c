// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: sample files, CIMD (calibration and test sets,
 * cim_dataset_parse(), docs/compiler.md).
 */
#include <stdint.h>
#include <stddef.h>

#include "cim.h"
#include "cim_compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile float sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cim_dataset *d = NULL;
	char err[256];
	float sum = 0;
	uint64_t i;

	if (cim_dataset_parse(data, size, &d, err, sizeof(err)) == 0) {
		/* Everything the reader says is there must be readable. */
		for (i = 0; i < (uint64_t)d->n * d->len; i++)
			sum += d->data[i];
		for (i = 0; d->labels && i < d->n; i++)
			sum += (float)d->labels[i];
		cim_dataset_free(d);
	}
	sink = sum;
	return 0;
}
