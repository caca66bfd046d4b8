// SPDX-License-Identifier: MIT
/*
 * The subject of tests/test_make_test.sh, which checks that
 * `make test T=NAME` runs exactly the test NAME and fails when it fails:
 * filter_fails_on_request fails when CIM_SELFTEST_FAIL=1 is set, and
 * passes otherwise (so `make check` runs it green).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void filter_always_passes(void **state)
{
	(void)state;
	assert_true(1);
}

static void filter_fails_on_request(void **state)
{
	const char *f = getenv("CIM_SELFTEST_FAIL");

	(void)state;
	assert_false(f && !strcmp(f, "1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_always_passes),
		cmocka_unit_test(filter_fails_on_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
