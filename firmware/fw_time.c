// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Modeled device time.  Every DMA byte, tile MVM, SIMD element and
 * programmed row advances the card clock by what it would cost on the
 * card described by struct cim_card_params, so schedules are compared in
 * deterministic device time rather than host seconds.
 */
#include "fw_internal.h"

/*
 * n / d by shift and subtract: 32-bit kernels have no 64-bit divide
 * instruction and the firmware must not pull in libgcc helpers for one.
 * Cheap next to what it is charging for.
 */
uint64_t fw_div_u64_u32(uint64_t n, uint32_t d)
{
	uint64_t q = 0, r = 0;
	int i;

	if (!d)
		return 0;
	if (n <= 0xffffffffu)
		return (uint32_t)n / d;
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
}

/* 1 MB/s moves one byte per microsecond: ns = bytes * 1000 / MB/s. */
void fw_charge_dma(struct cim_fw *fw, uint64_t bytes)
{
	uint32_t mb_s = fw->p.link_mb_s;

	if (!mb_s || !bytes)
		return;
	cim_hal_clock_advance(fw->hal,
			      fw_div_u64_u32(bytes * 1000 + mb_s / 2, mb_s));
}

/* A tile MVM costs a full-array MVM however much of the tile it uses. */
void fw_charge_mvm(struct cim_fw *fw, uint32_t count)
{
	fw->mvm_count += count;		/* telemetry, fw_telemetry.c */
	if (count && fw->p.mvm_ns)
		cim_hal_clock_advance(fw->hal,
				      (uint64_t)count * fw->p.mvm_ns);
}

void fw_charge_simd(struct cim_fw *fw, uint64_t elems)
{
	uint64_t ps = elems * fw->p.simd_ps_per_elem;

	if (ps)
		cim_hal_clock_advance(fw->hal,
				      fw_div_u64_u32(ps + 500, 1000));
}

void fw_charge_program(struct cim_fw *fw, uint32_t rows)
{
	fw->program_rows += rows;	/* telemetry, fw_telemetry.c */
	if (rows && fw->p.program_row_ns)
		cim_hal_clock_advance(fw->hal,
				      (uint64_t)rows * fw->p.program_row_ns);
}
