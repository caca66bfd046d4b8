/* SPDX-License-Identifier: MIT */
/*
 * The BLAS the float executor and calibration use: OpenBLAS's cblas.h
 * when the build found it (CIM_HAVE_BLAS, mk/common.mk), else plain loops
 * under the same names (blas_fallback.c: correct, slow), for builds
 * without it, such as the arm64 cross build of cimctl.  Only what the
 * compiler calls: row-major sgemm, dgemm, dsyrk (upper).
 */
#ifndef CIM_COMPILER_BLAS_H
#define CIM_COMPILER_BLAS_H

#ifdef CIM_HAVE_BLAS
#include <cblas.h>
#else
enum CBLAS_ORDER { CblasRowMajor = 101 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };
enum CBLAS_UPLO { CblasUpper = 121 };

#define cblas_sgemm cgb_sgemm
#define cblas_dgemm cgb_dgemm
#define cblas_dsyrk cgb_dsyrk
void cgb_sgemm(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE ta,
	       enum CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
	       const float *a, int lda, const float *b, int ldb, float beta,
	       float *c, int ldc);
void cgb_dgemm(enum CBLAS_ORDER o, enum CBLAS_TRANSPOSE ta,
	       enum CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
	       const double *a, int lda, const double *b, int ldb,
	       double beta, double *c, int ldc);
void cgb_dsyrk(enum CBLAS_ORDER o, enum CBLAS_UPLO u, enum CBLAS_TRANSPOSE t,
	       int n, int k, double alpha, const double *a, int lda,
	       double beta, double *c, int ldc);
#endif

#endif
