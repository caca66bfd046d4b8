// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Modeled device time.  Every DMA byte, tile MVM, SIMD element, tile to
 * tile transfer and programmed row costs what it would on the card
 * described by struct cim_card_params, so schedules are compared in
 * deterministic device time rather than host seconds.  The formulas are
 * in docs/firmware.md.
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

static uint32_t fw_ceil_div(uint32_t n, uint32_t d)
{
	return d ? (n + d - 1) / d : 1;
}

/* ADC phases of an MVM: row groups times passes of the column ADCs. */
static uint32_t fw_mvm_phases(const struct cim_fw *fw, uint32_t rows,
			      uint32_t cols)
{
	return fw_ceil_div(rows, fw->p.row_group) *
	       fw_ceil_div(cols, fw->p.adcs);
}

/*
 * One ADC bit-cycle, derived so that a full-array MVM at the card's full
 * ADC resolution costs mvm_ns:
 * mvm_ns = mvm_fixed_ns + phases(rows, cols) * ADC_BITS * bit.
 */
void fw_time_init(struct cim_fw *fw)
{
	const struct cim_card_params *p = &fw->p;
	uint32_t steps = fw_mvm_phases(fw, p->rows, p->cols) *
			 (p->adc_bits ? p->adc_bits : 1);
	uint64_t var = p->mvm_ns > p->mvm_fixed_ns ?
		       p->mvm_ns - p->mvm_fixed_ns : 0;

	fw->mvm_bit_ps = fw_div_u64_u32(var * 1000, steps);
	fw->adc_bits = p->adc_bits;
}

/*
 * The host may lower the column ADCs' resolution (ADC_BITS_CFG, 0 = the
 * full ADC_BITS).  The firmware takes it when a descriptor starts, so a
 * job runs with one resolution throughout: the analog model digitizes
 * with it (fw_an_measure()) and, the ADCs being successive-approximation
 * converters, every conversion takes that many bit-cycles.
 */
void fw_adc_latch(struct cim_fw *fw)
{
	uint32_t cfg = cim_hal_reg_read(fw->hal, CIM_REG_ADC_BITS_CFG);

	fw->adc_bits = cfg && cfg < fw->p.adc_bits ? cfg : fw->p.adc_bits;
}

uint64_t fw_mvm_ps(const struct cim_fw *fw, uint32_t rows, uint32_t cols)
{
	return (uint64_t)fw->p.mvm_fixed_ns * 1000 +
	       (uint64_t)fw_mvm_phases(fw, rows, cols) *
	       (fw->adc_bits ? fw->adc_bits : 1) * fw->mvm_bit_ps;
}

uint64_t fw_simd_ps(const struct cim_fw *fw, uint64_t elems)
{
	return elems * fw->p.simd_ps_per_elem;
}

/*
 * Multiply-adds of a SIMD CONV (uapi/cim_image.h, CIM_OPF_SIMD): the
 * lanes take `lanes` output channels of a pixel at once, one tap a clock
 * cycle, so a pixel costs ceil(N / lanes) * Kg cycles.
 */
uint64_t fw_simd_mac_ps(const struct cim_fw *fw, uint64_t pixels, uint32_t N,
			uint32_t Kg)
{
	uint32_t lanes = fw->p.simd_lanes ? fw->p.simd_lanes : 1;
	uint64_t cycles = pixels * ((N + lanes - 1) / lanes) * Kg;

	if (!fw->p.simd_mhz)
		return 0;
	return fw_div_u64_u32(cycles * 1000000, fw->p.simd_mhz);
}

uint64_t fw_xfer_ps(const struct cim_fw *fw, uint64_t bytes)
{
	return (uint64_t)fw->p.xfer_fixed_ns * 1000 +
	       bytes * fw->p.xfer_ps_per_byte;
}

void fw_charge_ns(struct cim_fw *fw, uint64_t ns)
{
	if (!ns)
		return;
	if (fw->hold)
		fw->held_ns += ns;
	else
		cim_hal_clock_advance(fw->hal, ns);
}

/* 1 MB/s moves one byte per microsecond: ns = bytes * 1000 / MB/s. */
uint64_t fw_dma_ns(const struct cim_fw *fw, uint64_t bytes)
{
	uint32_t mb_s = fw->p.link_mb_s;

	if (!mb_s || !bytes)
		return 0;
	return fw_div_u64_u32(bytes * 1000 + mb_s / 2, mb_s);
}

void fw_charge_dma(struct cim_fw *fw, uint64_t bytes)
{
	fw_charge_ns(fw, fw_dma_ns(fw, bytes));
}

void fw_charge_program(struct cim_fw *fw, uint32_t rows)
{
	fw_charge_ns(fw, (uint64_t)rows * fw->p.program_row_ns);
}
