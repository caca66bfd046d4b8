// SPDX-License-Identifier: MIT
/*
 * Requantization (uapi/cim_quant.h) against hand-computed values.  The
 * reference is TFLite's integer arithmetic; each expectation below is
 * worked out in its comment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "uapi/cim_quant.h"

#define Q(x)	((int32_t)(x))
#define HALF	Q(1 << 30)		/* 0.5 in Q31 */

static void srdhm_saturation(void **state)
{
	(void)state;
	/* (-1) * (-1) = +1 does not fit Q31: saturates. */
	assert_int_equal(cim_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
	/* (2^31-1)^2 / 2^31 = 2^31 - 2 + 2^-31 -> 2147483646. */
	assert_int_equal(cim_srdhm(INT32_MAX, INT32_MAX), 2147483646);
	/* -2^31 * (2^31-1) / 2^31 = -(2^31 - 1). */
	assert_int_equal(cim_srdhm(INT32_MIN, INT32_MAX), -2147483647);
	assert_int_equal(cim_srdhm(INT32_MAX, INT32_MIN), -2147483647);
	/* -2^31 * 2^30 / 2^31 = -2^30 exactly. */
	assert_int_equal(cim_srdhm(INT32_MIN, HALF), -1073741824);
}

static void srdhm_rounding(void **state)
{
	(void)state;
	assert_int_equal(cim_srdhm(0, INT32_MAX), 0);
	assert_int_equal(cim_srdhm(1000, HALF), 500);
	assert_int_equal(cim_srdhm(-1000, HALF), -500);
	/* 5 * 0.4: 4294967295 / 2^31 = 1.99999999953 -> 2, and -2. */
	assert_int_equal(cim_srdhm(5, 858993459), 2);
	assert_int_equal(cim_srdhm(-5, 858993459), -2);
	/* Positive ties round up: 1 * 0.5 -> 1, 3 * 0.5 -> 2. */
	assert_int_equal(cim_srdhm(1, HALF), 1);
	assert_int_equal(cim_srdhm(3, HALF), 2);
	/*
	 * Negative ties round toward zero in TFLite's SRDHM (its nudge is
	 * 1 - 2^30 and the division truncates): -0.5 -> 0, -1.5 -> -1,
	 * -2.5 -> -2, -3.5 -> -3.
	 */
	assert_int_equal(cim_srdhm(-1, HALF), 0);
	assert_int_equal(cim_srdhm(-3, HALF), -1);
	assert_int_equal(cim_srdhm(-5, HALF), -2);
	assert_int_equal(cim_srdhm(-7, HALF), -3);
	/* Just past a negative tie rounds away: -1.5 - 2^-31 -> -2. */
	assert_int_equal(cim_srdhm(-3, HALF + 1), -2);
}

static void rdivpot_rounding(void **state)
{
	(void)state;
	/* Ties away from zero. */
	assert_int_equal(cim_rdivpot(5, 1), 3);		/* 2.5 */
	assert_int_equal(cim_rdivpot(-5, 1), -3);	/* -2.5 */
	assert_int_equal(cim_rdivpot(3, 1), 2);		/* 1.5 */
	assert_int_equal(cim_rdivpot(-3, 1), -2);	/* -1.5 */
	assert_int_equal(cim_rdivpot(6, 2), 2);		/* 1.5 */
	assert_int_equal(cim_rdivpot(-6, 2), -2);	/* -1.5 */
	/* Not ties: nearest. */
	assert_int_equal(cim_rdivpot(7, 2), 2);		/* 1.75 */
	assert_int_equal(cim_rdivpot(-7, 2), -2);	/* -1.75 */
	assert_int_equal(cim_rdivpot(5, 2), 1);		/* 1.25 */
	assert_int_equal(cim_rdivpot(-5, 2), -1);	/* -1.25 */
	assert_int_equal(cim_rdivpot(-1, 4), 0);	/* -0.0625 */
}

static void rdivpot_exponent_limits(void **state)
{
	(void)state;
	assert_int_equal(cim_rdivpot(-17, 0), -17);
	assert_int_equal(cim_rdivpot(INT32_MIN, 0), INT32_MIN);
	assert_int_equal(cim_rdivpot(INT32_MAX, 0), INT32_MAX);
	/* Exponent 31. */
	assert_int_equal(cim_rdivpot(INT32_MIN, 31), -1);	/* -1 exactly */
	assert_int_equal(cim_rdivpot(INT32_MAX, 31), 1);	/* 0.99999 */
	assert_int_equal(cim_rdivpot(1 << 30, 31), 1);		/* 0.5 */
	assert_int_equal(cim_rdivpot(-(1 << 30), 31), -1);	/* -0.5 */
	assert_int_equal(cim_rdivpot((1 << 30) - 1, 31), 0);
	assert_int_equal(cim_rdivpot(-(1 << 30) + 1, 31), 0);
}

static void requant_multiplier_zero(void **state)
{
	(void)state;
	assert_int_equal(cim_requant(123456, 0, 0), 0);
	assert_int_equal(cim_requant(INT32_MIN, 0, 30), 0);
	assert_int_equal(cim_requant(INT32_MAX, 0, -31), 0);
	/* Even a large zero point only shifts it, and the clamp applies. */
	assert_int_equal(cim_requant_out(99999, 0, 0, -7, -128, 127), -7);
}

static void requant_shift_limits(void **state)
{
	(void)state;
	/* shift -31: srdhm(2^31-1, 2^31-1) = 2147483646, / 2^31 -> 1. */
	assert_int_equal(cim_requant(INT32_MAX, INT32_MAX, -31), 1);
	/* -2^31 * 0.5 = -2^30, / 2^31 = -0.5 -> -1 (away from zero). */
	assert_int_equal(cim_requant(INT32_MIN, HALF, -31), -1);
	assert_int_equal(cim_requant(1000000, INT32_MAX, -31), 0);
	/* shift 30: 1 << 30 = 2^30, * 0.5 = 2^29. */
	assert_int_equal(cim_requant(1, HALF, 30), 536870912);
	assert_int_equal(cim_requant(-1, HALF, 30), -536870912);
	/* 2 << 30 wraps to -2^31 (like TFLite), * 0.5 = -2^30. */
	assert_int_equal(cim_requant(2, HALF, 30), -1073741824);
}

static void requant_typical(void **state)
{
	(void)state;
	/* x * 0.5 / 4. */
	assert_int_equal(cim_requant(1000, HALF, -2), 125);
	assert_int_equal(cim_requant(1002, HALF, -2), 125);	/* 125.25 */
	assert_int_equal(cim_requant(-1002, HALF, -2), -125);	/* -125.25 */
	assert_int_equal(cim_requant(1006, HALF, -2), 126);	/* 125.75 */
	assert_int_equal(cim_requant(1004, HALF, -2), 126);	/* 125.5 */
	assert_int_equal(cim_requant(-1004, HALF, -2), -126);	/* -125.5 */
	/* Left shift: 100 * 8 * 0.5. */
	assert_int_equal(cim_requant(100, HALF, 3), 400);
	assert_int_equal(cim_requant(-100, HALF, 3), -400);
}

static void requant_out_clamp(void **state)
{
	(void)state;
	/* 100 * 0.5 / 4 = 12.5 -> 13, + 7. */
	assert_int_equal(cim_requant_out(100, HALF, -2, 7, -128, 127), 20);
	/* 125 + 10 = 135 -> 127. */
	assert_int_equal(cim_requant_out(1000, HALF, -2, 10, -128, 127), 127);
	/* -126 - 5 = -131 -> -128. */
	assert_int_equal(cim_requant_out(-1004, HALF, -2, -5, -128, 127), -128);
	/* ReLU (act_min = zp): -125 + 3 = -122 -> 3. */
	assert_int_equal(cim_requant_out(-1000, HALF, -2, 3, 3, 127), 3);
	/* Exactly at the bounds stays. */
	assert_int_equal(cim_requant_out(1000, HALF, -2, 2, -128, 127), 127);
	assert_int_equal(cim_requant_out(-1024, HALF, -2, 0, -128, 127), -128);
	/* Narrow range. */
	assert_int_equal(cim_requant_out(1000, HALF, -2, 0, 5, 5), 5);
	assert_int_equal(cim_requant_out(-1000, HALF, -2, 0, 5, 5), 5);
	assert_int_equal(cim_requant_out(40, HALF, -2, 0, -10, 10), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(srdhm_saturation),
		cmocka_unit_test(srdhm_rounding),
		cmocka_unit_test(rdivpot_rounding),
		cmocka_unit_test(rdivpot_exponent_limits),
		cmocka_unit_test(requant_multiplier_zero),
		cmocka_unit_test(requant_shift_limits),
		cmocka_unit_test(requant_typical),
		cmocka_unit_test(requant_out_clamp),
	};

	return cmocka_run_group_tests_name("quant", tests, NULL, NULL);
}
