// SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT
/*
 * Integer requantization as the TFLite reference does it (DESIGN.md §4,
 * declared in uapi/cim_quant.h).  The card firmware and libcim's CPU
 * reference both run this one source, so the ideal card is bit-exact to
 * the reference.  No floating point.
 */
#include "cim_quant.h"

/*
 * a * b / 2^31 rounded as TFLite does (a positive tie rounds up, a
 * negative one toward zero); INT32_MIN * INT32_MIN saturates.
 */
int32_t cim_srdhm(int32_t a, int32_t b)
{
	int64_t ab = (int64_t)a * (int64_t)b;
	int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));

	if (a == b && a == (-2147483647 - 1))
		return 2147483647;
	return (int32_t)((ab + nudge) / (1ll << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero; 0 <= exp <= 31. */
int32_t cim_rdivpot(int32_t x, int exponent)
{
	int32_t mask = (int32_t)((1ll << exponent) - 1);
	int32_t remainder = x & mask;
	int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);

	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/*
 * x * mult * 2^shift / 2^31 with mult a Q31 multiplier in [0, 2^31) and
 * shift in [-31, 30]; a left shift wraps like the TFLite reference.
 */
int32_t cim_requant(int32_t x, int32_t mult, int32_t shift)
{
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;

	return cim_rdivpot(cim_srdhm((int32_t)((uint32_t)x << left), mult), right);
}

/* v clamped to [lo, hi] (an op's act_min..act_max), as int8. */
int8_t cim_clamp8(int64_t v, int32_t lo, int32_t hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int8_t)v;
}

/* One output: requantize, add the zero point, clamp to [lo, hi]. */
int8_t cim_requant_out(int32_t acc, int32_t mult, int32_t shift, int32_t zp,
		       int32_t lo, int32_t hi)
{
	/* 64-bit sum: a saturated product plus the zero point must clamp. */
	return cim_clamp8((int64_t)cim_requant(acc, mult, shift) + zp, lo, hi);
}
