// SPDX-License-Identifier: MIT
/*
 * Plain-loop stand-ins for the three BLAS routines the compiler uses
 * (blas.h), built only without OpenBLAS.  Row-major, the transposes the
 * callers pass; accumulation in the routine's own precision.
 */
#include <stddef.h>

#include "blas.h"

#ifndef CIM_HAVE_BLAS
#define AT(p, ld, t, i, j)	((t) == CblasTrans ? (p)[(size_t)(j) * (ld) + (i)] : \
					     (p)[(size_t)(i) * (ld) + (j)])

void cgb_sgemm(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE ta,
	       enum CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
	       const float *a, int lda, const float *b, int ldb, float beta,
	       float *c, int ldc)
{
	int i, j, l;

	(void)o;
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			float acc = 0;

			for (l = 0; l < k; l++)
				acc += AT(a, lda, ta, i, l) * AT(b, ldb, tb, l, j);
			c[(size_t)i * ldc + j] = alpha * acc +
				(beta != 0 ? beta * c[(size_t)i * ldc + j] : 0);
		}
}

void cgb_dgemm(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE ta,
	       enum CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
	       const double *a, int lda, const double *b, int ldb,
	       double beta, double *c, int ldc)
{
	int i, j, l;

	(void)o;
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++) {
			double acc = 0;

			for (l = 0; l < k; l++)
				acc += AT(a, lda, ta, i, l) * AT(b, ldb, tb, l, j);
			c[(size_t)i * ldc + j] = alpha * acc +
				(beta != 0 ? beta * c[(size_t)i * ldc + j] : 0);
		}
}

/* C (upper triangle) = alpha A A^T + beta C, A: n x k. */
void cgb_dsyrk(enum CBLAS_ORDER o, enum CBLAS_UPLO u, enum CBLAS_TRANSPOSE t,
	       int n, int k, double alpha, const double *a, int lda,
	       double beta, double *c, int ldc)
{
	int i, j, l;

	(void)o;
	(void)u;
	(void)t;
	for (i = 0; i < n; i++)
		for (j = i; j < n; j++) {
			double acc = 0;

			for (l = 0; l < k; l++)
				acc += a[(size_t)i * lda + l] * a[(size_t)j * lda + l];
			c[(size_t)i * ldc + j] = alpha * acc +
				(beta != 0 ? beta * c[(size_t)i * ldc + j] : 0);
		}
}
#else
typedef int cgb_unused;	/* with OpenBLAS: nothing here */
#endif
