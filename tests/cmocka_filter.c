// SPDX-License-Identifier: MIT
/*
 * Linked into every cmocka test binary of tests/libcim and
 * tests/compiler: with CIM_TEST set (make test T=NAME sets it), only the
 * tests whose name matches it run (cmocka's pattern: * and ?), so one
 * test runs alone without editing its file.  docs/testing.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

__attribute__((constructor)) static void cim_test_filter(void)
{
	const char *name = getenv("CIM_TEST");

	if (name && *name)
		cmocka_set_test_filter(name);
}
