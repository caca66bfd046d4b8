// SPDX-License-Identifier: MIT
/*
 * FC and CONV of the float executor on a real GEMM: OpenBLAS's sgemm
 * (cblas), which runs large products on every core.  A convolution is
 * im2col + GEMM per group (a 1x1, stride-1, unpadded one reads its input
 * as the matrix directly); the im2col matrix is built a block of output
 * columns at a time so that its scratch stays small.  Depthwise layers
 * (one input and one output channel per group: a 1-row product) keep
 * the direct loop, which is faster there.  When scratch cannot be
 * allocated the direct loops (kernels_float.c) run instead.
 */
#include "blas.h"
#include <stdlib.h>

#include "compiler.h"

#define T(i)	(&g->tensors[n->inputs[i]])
#define OUT	(&g->tensors[n->output])

/* Largest im2col block, in floats (16 MiB). */
#define IM2COL_MAX	(4u << 20)

/* y[r][c] = act(y[r][c] + b[r]) over rows r of len floats, stride ld. */
static void bias_act(const struct cim_node *n, float *y, const float *b,
		     uint32_t rows, size_t len, size_t ld)
{
	uint32_t r;
	size_t i;

	if (!b && n->act == CIM_ACT_NONE)
		return;
	for (r = 0; r < rows; r++) {
		float *yr = y + (size_t)r * ld, bv = b ? b[r] : 0;

		for (i = 0; i < len; i++)
			yr[i] = cgk_act(n, yr[i] + bv);
	}
}

void cgk_fc(const struct cim_graph *g, const struct cim_node *n,
	    float *const *v)
{
	const float *x = v[n->inputs[0]], *w = v[n->inputs[1]];
	const float *b = n->n_inputs > 2 ? v[n->inputs[2]] : NULL;
	uint32_t m_len = T(0)->dims[0], k_len = T(0)->dims[1];
	uint32_t n_len = T(1)->dims[0], m, o;
	float *y = v[n->output];

	/* y (m x n) = x (m x k) . w^T (w: n x k) */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m_len,
		    (int)n_len, (int)k_len, 1.0f, x, (int)k_len, w, (int)k_len,
		    0.0f, y, (int)n_len);
	if (!b && n->act == CIM_ACT_NONE)
		return;
	for (m = 0; m < m_len; m++)
		for (o = 0; o < n_len; o++)
			y[(size_t)m * n_len + o] =
				cgk_act(n, y[(size_t)m * n_len + o] + (b ? b[o] : 0));
}

/* Column p = oy * ow + ox holds the input under each tap of (oy, ox). */
void cgk_im2col(const struct cim_conv_attrs *a, const float *xg, uint32_t cpg,
		uint32_t h, uint32_t wd, uint32_t ow, size_t p0, size_t cols,
		float *col)
{
	uint32_t ic, ky, kx;
	size_t j;

	for (ic = 0; ic < cpg; ic++)
	for (ky = 0; ky < a->kernel[0]; ky++)
	for (kx = 0; kx < a->kernel[1]; kx++) {
		const float *xp = xg + (size_t)ic * h * wd;
		int64_t dy = (int64_t)ky * a->dilation[0] - a->pad[0];
		int64_t dx = (int64_t)kx * a->dilation[1] - a->pad[1];
		uint32_t oy = (uint32_t)(p0 / ow), ox = (uint32_t)(p0 % ow);

		for (j = 0; j < cols; j++) {
			int64_t iy = (int64_t)oy * a->stride[0] + dy;
			int64_t ix = (int64_t)ox * a->stride[1] + dx;

			*col++ = iy >= 0 && iy < h && ix >= 0 && ix < wd ?
				 xp[(size_t)iy * wd + (size_t)ix] : 0.0f;
			if (++ox == ow) {
				ox = 0;
				oy++;
			}
		}
	}
}

void cgk_conv(const struct cim_graph *g, const struct cim_node *n,
	      float *const *v)
{
	const struct cim_conv_attrs *a = &n->attr.conv;
	const float *x = v[n->inputs[0]], *w = v[n->inputs[1]];
	const float *b = n->n_inputs > 2 ? v[n->inputs[2]] : NULL;
	uint32_t batch = T(0)->dims[0], c_in = T(0)->dims[1];
	uint32_t h = T(0)->dims[2], wd = T(0)->dims[3];
	uint32_t c_out = OUT->dims[1], oh = OUT->dims[2], ow = OUT->dims[3];
	uint32_t cpg = c_in / a->group, opg = c_out / a->group, grp, bn;
	size_t K = (size_t)cpg * a->kernel[0] * a->kernel[1];
	size_t plane = (size_t)oh * ow, blk, p0;
	int direct = a->kernel[0] == 1 && a->kernel[1] == 1 &&
		     a->stride[0] == 1 && a->stride[1] == 1 &&
		     !a->pad[0] && !a->pad[1] && oh == h && ow == wd;
	float *y = v[n->output], *col = NULL;

	if (batch != 1 && !direct) {
		/* The executor is one sample at a time; keep it simple. */
		cgk_conv_direct(g, n, v);
		return;
	}
	if (cpg == 1 && opg == 1) {
		cgk_conv_direct(g, n, v);
		return;
	}
	blk = K ? IM2COL_MAX / K : plane;
	blk = blk < 64 ? 64 : blk;
	blk = blk > plane ? plane : blk;
	if (!direct) {
		col = malloc(K * blk * sizeof(float));
		if (!col) {
			cgk_conv_direct(g, n, v);
			return;
		}
	}
	for (bn = 0; bn < batch; bn++)
	for (grp = 0; grp < a->group; grp++) {
		const float *xg = x + ((size_t)bn * c_in + (size_t)grp * cpg) * h * wd;
		const float *wg = w + (size_t)grp * opg * K;
		float *yg = y + ((size_t)bn * c_out + (size_t)grp * opg) * plane;

		for (p0 = 0; p0 < plane; p0 += blk) {
			size_t cols = plane - p0 < blk ? plane - p0 : blk;
			const float *B = xg + p0;
			int ldb = (int)plane;

			if (!direct) {
				cgk_im2col(a, xg, cpg, h, wd, ow, p0, cols, col);
				B = col;
				ldb = (int)cols;
			}
			/* y_g (opg x cols) = w_g (opg x K) . B (K x cols) */
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
				    (int)opg, (int)cols, (int)K, 1.0f, wg,
				    (int)K, B, ldb, 0.0f, yg + p0, (int)plane);
		}
		bias_act(n, yg, b ? b + (size_t)grp * opg : NULL, opg, plane,
			 plane);
	}
	free(col);
}

/* Offset of matrix `batch` of t (rank r of the output) under broadcasting. */
static size_t bcast_matrix(const struct cim_tensor *t, const struct cim_tensor *o,
			   uint64_t batch)
{
	size_t off = 0, stride = (size_t)t->dims[t->rank - 2] * t->dims[t->rank - 1];
	int d;

	for (d = (int)o->rank - 3; d >= 0; d--) {
		uint32_t od = o->dims[d], idx = (uint32_t)(batch % od);
		int td = d - (int)(o->rank - t->rank);

		batch /= od;
		if (td < 0)
			continue;
		if (t->dims[td] != 1)
			off += idx * stride;
		stride *= t->dims[td];
	}
	return off;
}

/* MATMUL: one sgemm per matrix of the leading (broadcast) axes. */
void cgk_matmul(const struct cim_graph *g, const struct cim_node *n,
		float *const *v)
{
	const struct cim_tensor *a = T(0), *b = T(1), *o = OUT;
	uint32_t m = a->dims[a->rank - 2], k = a->dims[a->rank - 1];
	uint32_t nn = b->dims[b->rank - 1];
	uint64_t batches = o->size / ((uint64_t)m * nn), i;

	for (i = 0; i < batches; i++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m,
			    (int)nn, (int)k, 1.0f, v[n->inputs[0]] + bcast_matrix(a, o, i),
			    (int)k, v[n->inputs[1]] + bcast_matrix(b, o, i), (int)nn,
			    0.0f, v[n->output] + i * m * nn, (int)nn);
}
