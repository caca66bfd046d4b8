/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* The M1076-class preset of the virtual card (kernel/vcard/cim_vcard.c). */
#ifndef _CIM_BENCH_M1076_H_
#define _CIM_BENCH_M1076_H_

#include <string.h>

#include "cim_fw.h"

/* The M1076-class card with the given number of tiles (76 on the card). */
static inline void m1076_params(struct cim_card_params *p, uint32_t tiles)
{
	memset(p, 0, sizeof(*p));
	p->tiles = tiles;
	p->rows = p->cols = 1024;
	p->cell_bits = 4;
	p->adc_bits = 8;
	p->act_bits = 8;
	p->mvm_ns = 4000;
	p->mvm_fixed_ns = 100;
	p->row_group = 128;
	p->adcs = 128;
	p->simd_ps_per_elem = 1000;
	p->xfer_ps_per_byte = 63;
	p->xfer_fixed_ns = 20;
	p->link_mb_s = 2000;
	p->program_row_ns = 10000;
}

#endif /* _CIM_BENCH_M1076_H_ */
