// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Firmware core host tests: the firmware built for the host, driven
 * through the test HAL the way a driver drives a card.  Each file's
 * tests are a cmocka group of their own.  CIM_TEST (make test T=NAME)
 * picks what runs: a suite name runs that group; anything else is a
 * test-name pattern (* and ?) and runs the matching tests of every
 * group.  The last line counts every group: "firmware: N passed, M
 * failed".
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define SUITE(name)	{ #name, name##_tests, &name##_count }

static const struct {
	const char *name;
	const struct CMUnitTest *tests;
	const size_t *count;
} suites[] = {
	SUITE(host_if), SUITE(program), SUITE(run), SUITE(dma), SUITE(time), SUITE(ops),
	SUITE(analog), SUITE(catalog), SUITE(fault), SUITE(array), SUITE(mapper),
};

/* Tests of a group the pattern names. */
static size_t matching(const struct CMUnitTest *t, size_t n, const char *pat)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !fnmatch(pat, t[i].name, 0);
	return k;
}

int main(void)
{
	const char *only = getenv("CIM_TEST");
	size_t i, ran = 0, failed = 0, n;

	if (only && !*only)
		only = NULL;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		int whole = !only || !strcmp(only, suites[i].name);

		n = whole ? *suites[i].count :
			    matching(suites[i].tests, *suites[i].count, only);
		if (!n)
			continue;
		cmocka_set_test_filter(whole ? NULL : only);
		failed += (size_t)_cmocka_run_group_tests(suites[i].name,
							  suites[i].tests,
							  *suites[i].count,
							  NULL, NULL);
		ran += n;
	}
	printf("firmware: %zu passed, %zu failed\n", ran - failed, failed);
	if (!ran) {
		printf("firmware: no test or suite named '%s'\n", only);
		return 1;
	}
	return failed ? 1 : 0;
}
