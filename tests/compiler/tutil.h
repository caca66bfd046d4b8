/* SPDX-License-Identifier: MIT */
/* Helpers of the compiler tests. */
#ifndef CIM_TEST_TUTIL_H
#define CIM_TEST_TUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "cim_graph.h"

/* Run a one-input one-output graph; fails the test on error. */
void tu_run1(struct cim_graph *g, const float *in, float *out);
/* Assert |a[i] - b[i]| <= tol for all i, naming the first mismatch. */
void tu_assert_close(const float *a, const float *b, size_t n, double tol);
/* xorshift64* floats in [-1, 1). */
float tu_frand(uint64_t *s);
void tu_fill(uint64_t *s, float *p, size_t n);

#endif
