// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libcim's product mapper against the cards: its presets
 * (cim_map_preset(), libcim/compiler/map_cost.c) are the emulated cards'
 * (cim_model_preset(), firmware/model/model_presets.c), so that a model
 * compiled for a preset is balanced with the time model of the card it
 * runs on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "model/cim_model.h"
#include "cim_map.h"

static void test_map_presets_match_cards(void **state)
{
	static const char *const names[] = { "m1076", "small" };
	const struct cim_model_preset *mp;
	struct cim_map_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&o, 0, sizeof(o));
		assert_int_equal(cim_map_preset(names[i], &o), 0);
		mp = cim_model_preset(names[i]);
		assert_non_null(mp);
		assert_int_equal(o.max_tiles, mp->p.tiles);
		assert_int_equal(o.geom.tile_rows, mp->p.rows);
		assert_int_equal(o.geom.tile_cols, mp->p.cols);
		assert_int_equal(o.geom.cell_bits, mp->p.cell_bits);
		assert_int_equal(o.cost.mvm_ns, mp->p.mvm_ns);
		assert_int_equal(o.cost.mvm_fixed_ns, mp->p.mvm_fixed_ns);
		assert_int_equal(o.cost.row_group, mp->p.row_group);
		assert_int_equal(o.cost.adcs, mp->p.adcs);
		assert_int_equal(o.cost.adc_bits, mp->p.adc_bits);
		assert_int_equal(o.cost.simd_ps_per_elem, mp->p.simd_ps_per_elem);
		assert_int_equal(o.cost.xfer_ps_per_byte, mp->p.xfer_ps_per_byte);
		assert_int_equal(o.cost.xfer_fixed_ns, mp->p.xfer_fixed_ns);
		assert_int_equal(o.cost.simd_lanes, mp->p.simd_lanes);
		assert_int_equal(o.cost.simd_mhz, mp->p.simd_mhz);
	}
	assert_int_equal(cim_map_preset("m1077", &o), -EINVAL);
}

const struct CMUnitTest mapper_tests[] = {
	cmocka_unit_test(test_map_presets_match_cards),
};
const size_t mapper_count = sizeof(mapper_tests) / sizeof(mapper_tests[0]);
