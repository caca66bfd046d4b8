/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * Integer requantization as the TFLite reference does it (DESIGN.md §4).
 * The card firmware and libcim's CPU reference both use these, so the
 * ideal card is bit-exact to the reference.  No floating point.
 */
#ifndef _CIM_QUANT_H_
#define _CIM_QUANT_H_

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* The code: uapi/cim_requant.c, compiled into the firmware and libcim. */

/*
 * a * b / 2^31 rounded as TFLite does (a positive tie rounds up, a
 * negative one toward zero); INT32_MIN * INT32_MIN saturates.
 */
int32_t cim_srdhm(int32_t a, int32_t b);

/* x / 2^exponent rounded to nearest, ties away from zero; 0 <= exp <= 31. */
int32_t cim_rdivpot(int32_t x, int exponent);

/*
 * x * mult * 2^shift / 2^31 with mult a Q31 multiplier in [0, 2^31) and
 * shift in [-31, 30]; a left shift wraps like the TFLite reference.
 */
int32_t cim_requant(int32_t x, int32_t mult, int32_t shift);

/* v clamped to [lo, hi] (an op's act_min..act_max), as int8. */
int8_t cim_clamp8(int64_t v, int32_t lo, int32_t hi);

/* One output: requantize, add the zero point, clamp to [lo, hi]. */
int8_t cim_requant_out(int32_t acc, int32_t mult, int32_t shift, int32_t zp,
		       int32_t lo, int32_t hi);

#endif /* _CIM_QUANT_H_ */
