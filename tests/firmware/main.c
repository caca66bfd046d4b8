// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Firmware core host tests: the firmware built for the host, driven
 * through the test HAL the way a driver drives a card.  One cmocka group
 * so that the run ends with a single summary.
 */
#include <string.h>

#include "tests.h"

#define SUITE(name)	{ name##_tests, &name##_count }

static const struct {
	const struct CMUnitTest *tests;
	const size_t *count;
} suites[] = {
	SUITE(host_if), SUITE(program), SUITE(run), SUITE(dma), SUITE(time), SUITE(ops),
	SUITE(analog), SUITE(catalog), SUITE(fault), SUITE(array),
};

int main(void)
{
	static struct CMUnitTest all[128];
	size_t i, n = 0;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (n + *suites[i].count > sizeof(all) / sizeof(all[0]))
			return 1;
		memcpy(all + n, suites[i].tests,
		       *suites[i].count * sizeof(all[0]));
		n += *suites[i].count;
	}
	return _cmocka_run_group_tests("firmware", all, n, NULL, NULL);
}
