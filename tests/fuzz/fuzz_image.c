// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the weight-image checker of uapi/cim_image.h, with
 * the limits of the VM's small card, as cim.ko and the firmware run it
 * on untrusted BO contents.  An image the checker accepts (its CRC made
 * right) must then run on the CPU reference without a memory error:
 * what the checker lets through, the card executes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cim.h"
#include "cim_compiler.h"
#include "uapi/cim_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cim_image_limits lim = {
		.tile_rows = 256, .tile_cols = 256, .cell_bits = 4,
		.max_vector = 4096, .max_plan_bytes = 65536,
		.max_vtiles = 8, .max_arena = 1 << 20,
	};
	struct cim_check_state st;
	struct cim_image_header *h;
	const char *why = NULL;
	int8_t *in, *out;
	uint8_t *img;

	/* The kernel checks a page-aligned copy; so do we, exactly sized. */
	img = malloc(size ? size : 1);
	if (!img)
		return 0;
	memcpy(img, data, size);
	if (cim_image_check_st(img, size, &lim, &st, &why) == 0) {
		h = (struct cim_image_header *)img;
		if (h->arena_size <= 2048 && h->n_ops <= 6) {	/* bounded work */
			h->crc32 = cim_image_crc(img, size);
			in = calloc(1, h->input_size ? h->input_size : 1);
			out = calloc(1, h->output_size ? h->output_size : 1);
			if (in && out)
				cim_ref_run_image(img, size, in, out, 1);
			free(in);
			free(out);
		}
	}
	(void)cim_image_crc(img, size);
	free(img);
	return 0;
}
