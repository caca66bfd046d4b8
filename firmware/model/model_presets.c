// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The emulated cards' presets, one table for cim_vcard.ko's "preset"
 * module parameter and the userspace card's "sim:PRESET" (docs/vcard.md):
 * the same name builds the same card in both.
 */
#include "cim_model.h"
#include "../fw_string.h"

static const struct cim_model_preset model_presets[] = {
	/* M1076-class: 76 tiles of 1024x1024, a full MVM in 4 us */
	{ "m1076", { .tiles = 76, .rows = 1024, .cols = 1024, .cell_bits = 4,
		     .adc_bits = 8, .act_bits = 8, .mvm_ns = 4000,
		     .mvm_fixed_ns = 100, .row_group = 128, .adcs = 128,
		     .simd_ps_per_elem = 1000, .xfer_ps_per_byte = 63,
		     .xfer_fixed_ns = 20, .link_mb_s = 2000,
		     .program_row_ns = 10000, .simd_lanes = 16,
		     .simd_mhz = 500 }, 1024 },
	/* small: 8 tiles of 256x256, for fast VM tests */
	{ "small", { .tiles = 8, .rows = 256, .cols = 256, .cell_bits = 4,
		     .adc_bits = 8, .act_bits = 8, .mvm_ns = 1000,
		     .mvm_fixed_ns = 100, .row_group = 128, .adcs = 32,
		     .simd_ps_per_elem = 1000, .xfer_ps_per_byte = 63,
		     .xfer_fixed_ns = 20, .link_mb_s = 2000,
		     .program_row_ns = 10000, .simd_lanes = 16,
		     .simd_mhz = 500 }, 64 },
};

const struct cim_model_preset *cim_model_preset(const char *name)
{
	size_t i, k;

	for (i = 0; i < sizeof(model_presets) / sizeof(model_presets[0]);
	     i++) {
		for (k = 0; name[k] && name[k] == model_presets[i].name[k]; k++)
			;
		if (name[k] == model_presets[i].name[k])
			return &model_presets[i];
	}
	return NULL;
}
