// SPDX-License-Identifier: MIT
/*
 * Float kernels of the graph executor.  Straightforward loops, double
 * accumulators where it matters.  FC and CONV run on a GEMM
 * (kernels_gemm.c); their direct loops here are its fallback, the
 * depthwise path, and what the tests compare the GEMM with.
 */
#include <math.h>
#include <string.h>

#include "compiler.h"

#define T(i)	(&g->tensors[n->inputs[i]])
#define OUT	(&g->tensors[n->output])

void cgk_fc_direct(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v)
{
	const float *x = v[n->inputs[0]], *w = v[n->inputs[1]];
	const float *b = n->n_inputs > 2 ? v[n->inputs[2]] : NULL;
	uint32_t m_len = T(0)->dims[0], k_len = T(0)->dims[1];
	uint32_t n_len = T(1)->dims[0], m, o, k;
	float *y = v[n->output];

	for (m = 0; m < m_len; m++) {
		for (o = 0; o < n_len; o++) {
			const float *wr = w + (size_t)o * k_len;
			const float *xr = x + (size_t)m * k_len;
			double acc = b ? b[o] : 0;

			for (k = 0; k < k_len; k++)
				acc += (double)xr[k] * wr[k];
			y[(size_t)m * n_len + o] = cgk_act(n, (float)acc);
		}
	}
}

/*
 * Convolution as a sum of shifted planes: for each output channel, tap
 * (ic, ky, kx) adds w * (the input plane shifted by the tap) to the
 * output plane.  The inner loop runs over a row's valid outputs with no
 * bounds checks, so it vectorizes; float accumulators, as PyTorch's.
 */
void cgk_conv_direct(const struct cim_graph *g, const struct cim_node *n,
		     float *const *v)
{
	const struct cim_conv_attrs *a = &n->attr.conv;
	const float *x = v[n->inputs[0]], *w = v[n->inputs[1]];
	const float *b = n->n_inputs > 2 ? v[n->inputs[2]] : NULL;
	uint32_t c_in = T(0)->dims[1], h = T(0)->dims[2], wd = T(0)->dims[3];
	uint32_t c_out = OUT->dims[1], oh = OUT->dims[2], ow = OUT->dims[3];
	uint32_t cpg = c_in / a->group, opg = c_out / a->group;
	uint32_t sy = a->stride[0], sx = a->stride[1], oc, oy, ox, ic, ky, kx;
	size_t plane = (size_t)oh * ow;
	float *y = v[n->output];

	for (oc = 0; oc < c_out; oc++) {
		const float *xg = x + (size_t)(oc / opg) * cpg * h * wd;
		float *yp = y + oc * plane;
		size_t i;

		for (i = 0; i < plane; i++)
			yp[i] = b ? b[oc] : 0;
		for (ic = 0; ic < cpg; ic++)
		for (ky = 0; ky < a->kernel[0]; ky++)
		for (kx = 0; kx < a->kernel[1]; kx++) {
			float wv = w[(((size_t)oc * cpg + ic) * a->kernel[0] + ky) *
				     a->kernel[1] + kx];
			int64_t dy = (int64_t)ky * a->dilation[0] - a->pad[0];
			int64_t dx = (int64_t)kx * a->dilation[1] - a->pad[1];
			uint32_t ox0 = 0, ox1 = ow;

			if (wv == 0)
				continue;
			/* outputs whose input column ox*sx + dx is inside */
			while (ox0 < ow && (int64_t)ox0 * sx + dx < 0)
				ox0++;
			while (ox1 > ox0 && (int64_t)(ox1 - 1) * sx + dx >= wd)
				ox1--;
			for (oy = 0; oy < oh; oy++) {
				int64_t iy = (int64_t)oy * sy + dy;
				const float *xr;
				float *yr = yp + (size_t)oy * ow;

				if (iy < 0 || iy >= h)
					continue;
				if (ox0 >= ox1)
					continue;
				/* xr[j]: the input under output ox0 + j */
				xr = xg + ((size_t)ic * h + (size_t)iy) * wd +
				     (size_t)((int64_t)ox0 * sx + dx);
				if (sx == 1)
					for (ox = ox0; ox < ox1; ox++)
						yr[ox] += wv * xr[ox - ox0];
				else
					for (ox = ox0; ox < ox1; ox++)
						yr[ox] += wv * xr[(size_t)(ox - ox0) * sx];
			}
		}
		for (i = 0; n->act != CIM_ACT_NONE && i < plane; i++)
			yp[i] = cgk_act(n, yp[i]);
	}
}

/* One pooling window; the padding never counts for MaxPool. */
static float pool_window(const struct cim_node *n, const float *plane,
			 uint32_t h, uint32_t w, uint32_t oy, uint32_t ox)
{
	const struct cim_pool_attrs *a = &n->attr.pool;
	int is_max = n->op == CIM_NODE_MAXPOOL;
	double acc = is_max ? -INFINITY : 0;
	uint32_t ky, kx, count = 0;

	for (ky = 0; ky < a->kernel[0]; ky++)
	for (kx = 0; kx < a->kernel[1]; kx++) {
		int64_t iy = (int64_t)oy * a->stride[0] + ky - a->pad[0];
		int64_t ix = (int64_t)ox * a->stride[1] + kx - a->pad[1];
		float val;

		if (iy < 0 || ix < 0 || iy >= h || ix >= w)
			continue;
		val = plane[iy * w + ix];
		count++;
		if (is_max)
			acc = val > acc ? val : acc;
		else
			acc += val;
	}
	if (is_max)
		return (float)acc;
	if (a->count_include_pad)
		count = a->kernel[0] * a->kernel[1];
	return (float)(acc / count);
}

void cgk_pool(const struct cim_graph *g, const struct cim_node *n,
	      float *const *v)
{
	uint32_t h = T(0)->dims[2], w = T(0)->dims[3];
	uint32_t planes = OUT->dims[0] * OUT->dims[1];
	uint32_t oh = OUT->dims[2], ow = OUT->dims[3], p, oy, ox, i;
	const float *x = v[n->inputs[0]];
	float *y = v[n->output];

	for (p = 0; p < planes; p++) {
		const float *plane = x + (size_t)p * h * w;

		if (n->op == CIM_NODE_GLOBAL_AVGPOOL) {
			double acc = 0;

			for (i = 0; i < h * w; i++)
				acc += plane[i];
			y[p] = (float)(acc / (h * w));
			continue;
		}
		if (n->op == CIM_NODE_GLOBAL_MAXPOOL) {
			float mx = plane[0];

			for (i = 1; i < h * w; i++)
				mx = plane[i] > mx ? plane[i] : mx;
			y[p] = mx;
			continue;
		}
		for (oy = 0; oy < oh; oy++)
			for (ox = 0; ox < ow; ox++)
				y[((size_t)p * oh + oy) * ow + ox] =
					pool_window(n, plane, h, w, oy, ox);
	}
}

void cgk_transpose(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v)
{
	const struct cim_tensor *x = T(0), *o = OUT;
	uint64_t in_stride[CIM_MAX_RANK], idx[CIM_MAX_RANK] = { 0 };
	const float *src = v[n->inputs[0]];
	float *dst = v[n->output];
	uint64_t i;
	int d;

	in_stride[x->rank - 1] = 1;
	for (d = (int)x->rank - 2; d >= 0; d--)
		in_stride[d] = in_stride[d + 1] * x->dims[d + 1];
	/* Walk the output in order, tracking its multi-index. */
	for (i = 0; i < o->size; i++) {
		uint64_t off = 0;

		for (d = 0; d < (int)o->rank; d++)
			off += idx[d] * in_stride[n->attr.perm[d]];
		dst[i] = src[off];
		for (d = (int)o->rank - 1; d >= 0; d--) {
			if (++idx[d] < o->dims[d])
				break;
			idx[d] = 0;
		}
	}
}

/*
 * The axis of an axis attribute (negative: from the end) of tensor o, and
 * the products of o's dimensions before and after it.
 */
uint32_t cgk_axis_split(const struct cim_tensor *o, int32_t attr,
			uint64_t *outer, uint64_t *inner)
{
	uint32_t axis = (uint32_t)(attr < 0 ? attr + (int32_t)o->rank : attr), d;

	*outer = 1;
	*inner = 1;
	for (d = 0; d < axis; d++)
		*outer *= o->dims[d];
	for (d = axis + 1; d < o->rank; d++)
		*inner *= o->dims[d];
	return axis;
}

void cgk_concat(const struct cim_graph *g, const struct cim_node *n,
		float *const *v)
{
	const struct cim_tensor *o = OUT;
	uint64_t outer, inner, at = 0, b;
	uint32_t axis = cgk_axis_split(o, n->attr.axis, &outer, &inner), i;
	float *y = v[n->output];

	for (b = 0; b < outer; b++) {
		for (i = 0; i < n->n_inputs; i++) {
			uint64_t len = (uint64_t)T(i)->dims[axis] * inner;

			memcpy(y + at, v[n->inputs[i]] + b * len, len * sizeof(float));
			at += len;
		}
	}
}

void cgk_softmax(const struct cim_graph *g, const struct cim_node *n,
		 float *const *v)
{
	const struct cim_tensor *o = OUT;
	uint64_t outer, inner, b, j, k;
	uint32_t len = o->dims[cgk_axis_split(o, n->attr.axis, &outer, &inner)];
	const float *x = v[n->inputs[0]];
	float *y = v[n->output];

	for (b = 0; b < outer; b++) {
		for (j = 0; j < inner; j++) {
			const float *xs = x + b * len * inner + j;
			float *ys = y + b * len * inner + j;
			float mx = xs[0];
			double sum = 0;

			for (k = 1; k < len; k++)
				mx = xs[k * inner] > mx ? xs[k * inner] : mx;
			for (k = 0; k < len; k++) {
				ys[k * inner] = expf(xs[k * inner] - mx);
				sum += ys[k * inner];
			}
			for (k = 0; k < len; k++)
				ys[k * inner] = (float)(ys[k * inner] / sum);
		}
	}
}

void cgk_batchnorm(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v)
{
	const struct cim_tensor *x = T(0);
	const float *sc = v[n->inputs[1]], *bi = v[n->inputs[2]];
	const float *mean = v[n->inputs[3]], *var = v[n->inputs[4]];
	uint64_t inner = 1, i;
	uint32_t c, d, bn;
	const float *src = v[n->inputs[0]];
	float *y = v[n->output];

	for (d = 2; d < x->rank; d++)
		inner *= x->dims[d];
	for (bn = 0; bn < x->dims[0]; bn++) {
		for (c = 0; c < x->dims[1]; c++) {
			double k = sc[c] / sqrt((double)var[c] + n->attr.epsilon);
			size_t base = ((size_t)bn * x->dims[1] + c) * inner;

			for (i = 0; i < inner; i++)
				y[base + i] = cgk_act(n, (float)((src[base + i] - mean[c]) *
								 k + bi[c]));
		}
	}
}
