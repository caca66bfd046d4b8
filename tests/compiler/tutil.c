// SPDX-License-Identifier: MIT
/* Helpers of the compiler tests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "tutil.h"

void tu_run1(struct cim_graph *g, const float *in, float *out)
{
	assert_int_equal(cim_graph_run(g, &in, &out), 0);
}

void tu_assert_close(const float *a, const float *b, size_t n, double tol)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fabs((double)a[i] - b[i]) > tol || isnan(a[i]) != isnan(b[i]))
			fail_msg("element %zu: %.7g vs expected %.7g", i, a[i], b[i]);
	}
}

float tu_frand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (float)((*s * 0x2545f4914f6cdd1dull) >> 40) / (float)(1 << 23) - 1.0f;
}

void tu_fill(uint64_t *s, float *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = tu_frand(s);
}
