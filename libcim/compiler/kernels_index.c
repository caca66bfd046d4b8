// SPDX-License-Identifier: MIT
/*
 * Data movement driven by run-time values (float executor only): GATHER
 * by indices, SLICE_RT by starts/ends/axes/steps, RANGE_RT by
 * start/limit/delta, PAD_RT by pads, SHAPE_GUARD of a shape operand;
 * MaxPool's indices.  The output shape
 * is fixed when the graph is built (the model's declaration); a run-time
 * value that disagrees with it gives NaN outputs instead of a silently
 * different result.
 */
#include <math.h>
#include <string.h>

#include "compiler.h"

#define T(i)	(&g->tensors[n->inputs[i]])
#define OUT	(&g->tensors[n->output])

/* An integer held as a float, if it is one of a size that converts. */
static int as_int(double f, int64_t *v)
{
	if (!(f > -9.0e15 && f < 9.0e15) || f != floor(f))
		return -1;
	*v = (int64_t)f;
	return 0;
}

static void fill_nan(float *y, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		y[i] = NAN;
}

/* GATHER: for each outer block, each index, copy one inner block. */
void cgk_gather(const struct cim_graph *g, const struct cim_node *n,
		float *const *v)
{
	const struct cim_tensor *x = T(0), *ix = T(1);
	uint64_t outer, inner, o, j;
	uint32_t axis = cgk_axis_split(x, (int32_t)n->attr.axis, &outer, &inner);
	const float *src = v[n->inputs[0]], *idx = v[n->inputs[1]];
	float *y = v[n->output];

	for (o = 0; o < outer; o++)
		for (j = 0; j < ix->size; j++) {
			double i = idx[j] < 0 ? (double)idx[j] + x->dims[axis] : idx[j];
			float *out = y + (o * ix->size + j) * inner;

			if (!(i >= 0 && i < x->dims[axis])) {
				fill_nan(out, inner);
				continue;
			}
			memcpy(out, src + (o * x->dims[axis] + (uint64_t)i) * inner,
			       inner * sizeof(float));
		}
}

/* ONNX Slice's start, step and length of one axis of size dim. */
static int slice_axis(double st, double en, double sp, double dim,
		      int64_t *start, int64_t *step, int64_t *len)
{
	double l;

	if (!(sp != 0) || isnan(st) || isnan(en) || as_int(sp < -dim ? -dim :
							    sp > dim ? dim : sp, step))
		return -1;
	st = st < 0 ? st + dim : st;
	en = en < 0 ? en + dim : en;
	if (sp > 0) {
		st = st < 0 ? 0 : st > dim ? dim : st;
		en = en < 0 ? 0 : en > dim ? dim : en;
		l = ceil((en - st) / sp);
	} else {
		st = st < 0 ? 0 : st > dim - 1 ? dim - 1 : st;
		en = en < -1 ? -1 : en > dim - 1 ? dim - 1 : en;
		l = ceil((st - en) / -sp);
	}
	*start = (int64_t)st;
	*len = l > 0 ? (int64_t)l : 0;
	return 0;
}

/* SLICE_RT: x, starts, ends[, axes[, steps]] (axes and steps may be absent). */
void cgk_slice_rt(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v)
{
	const struct cim_tensor *x = T(0), *o = OUT;
	int64_t start[CIM_MAX_RANK], step[CIM_MAX_RANK], len, at, sp;
	uint64_t xs[CIM_MAX_RANK], idx[CIM_MAX_RANK] = { 0 }, i, k = T(1)->size;
	const float *src = v[n->inputs[0]], *axes = n->n_inputs > 3 ? v[n->inputs[3]] : NULL;
	const float *steps = n->n_inputs > 4 ? v[n->inputs[4]] : NULL;
	float *y = v[n->output];
	uint32_t r = x->rank, seen = 0;
	int d;

	for (d = (int)r - 1, i = 1; d >= 0; d--) {
		start[d] = 0;
		step[d] = 1;
		xs[d] = i;
		i *= x->dims[d];
	}
	for (i = 0; i < k; i++) {
		double a = axes ? axes[i] : (double)i;

		a = a < 0 ? a + r : a;
		if (!(a >= 0 && a < r) || (seen & (1u << (int)a)) ||
		    slice_axis(v[n->inputs[1]][i], v[n->inputs[2]][i],
			       steps ? steps[i] : 1, x->dims[(int)a], &at, &sp, &len) ||
		    len != (int64_t)o->dims[(int)a]) {
			fill_nan(y, o->size);
			return;
		}
		seen |= 1u << (int)a;
		start[(int)a] = at;
		step[(int)a] = sp;
	}
	for (d = 0; d < (int)r; d++)
		if (!(seen & (1u << d)) && o->dims[d] != x->dims[d]) {
			fill_nan(y, o->size);
			return;
		}
	for (i = 0; i < o->size; i++) {
		uint64_t off = 0;

		for (d = 0; d < (int)r; d++)
			off += (uint64_t)(start[d] + (int64_t)idx[d] * step[d]) * xs[d];
		y[i] = src[off];
		for (d = (int)r - 1; d >= 0; d--) {
			if (++idx[d] < o->dims[d])
				break;
			idx[d] = 0;
		}
	}
}

/* RANGE_RT: y[i] = start + i delta for the declared length. */
void cgk_range_rt(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v)
{
	double st = v[n->inputs[0]][0], lim = v[n->inputs[1]][0];
	double dl = v[n->inputs[2]][0], l = dl != 0 ? ceil((lim - st) / dl) : NAN;
	float *y = v[n->output];
	uint64_t i;

	if (!((l > 0 ? l : 0) == (double)OUT->size)) {
		fill_nan(y, OUT->size);
		return;
	}
	for (i = 0; i < OUT->size; i++)
		y[i] = (float)(st + (double)i * dl);
}

/* The shape the operand v[k] gives by the guard's rule, into dims. */
static int guard_shape(const struct cim_node *n, const struct cim_tensor *x,
		       const float *v, uint64_t k, uint32_t *rank, int64_t *dims)
{
	uint32_t r, d, j = 0, mark = 0;
	int64_t infer = -1, known = 1;
	uint64_t i;

	switch (n->attr.guard.kind) {
	case CIM_GUARD_SHAPE:
	case CIM_GUARD_RESHAPE:
		if (k < 1 || k > CIM_MAX_RANK)
			return -1;
		for (i = 0; i < k; i++) {
			if (as_int(v[i], &dims[i]))
				return -1;
			if (n->attr.guard.kind == CIM_GUARD_RESHAPE && dims[i] == 0 &&
			    !n->attr.guard.part) {
				if (i >= x->rank)
					return -1;
				dims[i] = x->dims[i];
			}
			if (dims[i] == -1 && n->attr.guard.kind == CIM_GUARD_RESHAPE &&
			    infer < 0) {
				infer = (int64_t)i;
				continue;
			}
			if (dims[i] < 1 || dims[i] > (1 << 30))
				return -1;
			known *= dims[i];
			if (known > (int64_t)1 << 40)
				return -1;
		}
		if (infer >= 0) {
			if ((int64_t)x->size % known)
				return -1;
			dims[infer] = (int64_t)x->size / known;
		}
		*rank = (uint32_t)k;
		return 0;
	case CIM_GUARD_UNSQUEEZE:
	case CIM_GUARD_SQUEEZE:
		r = n->attr.guard.kind == CIM_GUARD_UNSQUEEZE ? x->rank + (uint32_t)k : x->rank;
		if (r > CIM_MAX_RANK)
			return -1;
		for (i = 0; i < k; i++) {
			double a = v[i] < 0 ? v[i] + r : v[i];

			if (!(a >= 0 && a < r) || (mark & (1u << (int)a)))
				return -1;
			mark |= 1u << (int)a;
		}
		*rank = 0;
		for (d = 0; d < r; d++) {
			if (n->attr.guard.kind == CIM_GUARD_UNSQUEEZE)
				dims[(*rank)++] = (mark & (1u << d)) ? 1 : x->dims[j++];
			else if (k ? !(mark & (1u << d)) : x->dims[d] != 1)
				dims[(*rank)++] = x->dims[d];
			else if (x->dims[d] != 1)
				return -1;
		}
		return 0;
	case CIM_GUARD_EXPAND:
		r = (uint32_t)k > x->rank ? (uint32_t)k : x->rank;
		if (k > CIM_MAX_RANK)
			return -1;
		for (d = 0; d < r; d++) {
			int64_t a = d + x->rank >= r ? x->dims[d + x->rank - r] : 1;
			int64_t b = 1;

			if (d + k >= r && as_int(v[d + k - r], &b))
				return -1;
			if ((a != b && a != 1 && b != 1) || b < 1)
				return -1;
			dims[d] = a == 1 ? b : a;
		}
		*rank = r;
		return 0;
	}
	return -1;
}

void cgk_shape_guard(const struct cim_graph *g, const struct cim_node *n,
		     float *const *v)
{
	const struct cim_tensor *y = T(0), *x = n->n_inputs > 2 ? T(2) : NULL;
	const float *op = v[n->inputs[1]];
	uint64_t k = T(1)->size, i;
	int64_t dims[CIM_MAX_RANK];
	uint32_t rank = 0, d;
	int ok;

	if (n->attr.guard.kind == CIM_GUARD_SPLIT) {
		double sum = 0;

		for (i = 0; i < k; i++)
			sum += op[i];
		ok = n->attr.guard.part < k && x &&
		     op[n->attr.guard.part] == (float)y->dims[n->attr.guard.axis] &&
		     sum == (double)x->dims[n->attr.guard.axis];
	} else {
		ok = !guard_shape(n, x, op, k, &rank, dims);
		if (n->attr.guard.kind == CIM_GUARD_SHAPE && !y->size)
			ok = 0;
		/* a rank-1 output of one element stands for a scalar */
		if (ok && !rank && y->rank == 1 && y->dims[0] == 1)
			rank = 1, dims[0] = 1;
		for (d = 0; ok && d < y->rank; d++)
			ok = rank == y->rank && dims[d] == (int64_t)y->dims[d];
	}
	if (!ok) {
		fill_nan(v[n->output], y->size);
		return;
	}
	memcpy(v[n->output], v[n->inputs[0]], y->size * sizeof(float));
}

/* MAXPOOL_INDEX: the flat NCHW index of each window's first maximum. */
void cgk_maxpool_index(const struct cim_graph *g, const struct cim_node *n,
		       float *const *v)
{
	const struct cim_pool_attrs *a = &n->attr.pool;
	uint32_t h = T(0)->dims[2], w = T(0)->dims[3];
	uint32_t oh = OUT->dims[2], ow = OUT->dims[3], oy, ox, ky, kx;
	uint64_t planes = (uint64_t)OUT->dims[0] * OUT->dims[1], p;
	const float *x = v[n->inputs[0]];
	float *y = v[n->output];

	for (p = 0; p < planes; p++)
	for (oy = 0; oy < oh; oy++)
	for (ox = 0; ox < ow; ox++) {
		const float *plane = x + p * h * w;
		float best = -INFINITY;
		int64_t at = -1;

		for (ky = 0; ky < a->kernel[0]; ky++)
		for (kx = 0; kx < a->kernel[1]; kx++) {
			int64_t iy = (int64_t)oy * a->stride[0] + ky - a->pad[0];
			int64_t ix = (int64_t)ox * a->stride[1] + kx - a->pad[1];

			if (iy < 0 || ix < 0 || iy >= h || ix >= w)
				continue;
			if (at < 0 || plane[iy * w + ix] > best) {
				best = plane[iy * w + ix];
				at = iy * w + ix;
			}
		}
		if (at >= 0 && a->count_include_pad)	/* column-major */
			at = (at % w) * h + at / w;
		*y++ = at < 0 ? NAN : (float)(p * h * w + (uint64_t)at);
	}
}

/* Source coordinate of output coordinate o along an axis of size dim. */
static int64_t pad_source(int64_t s, int64_t dim, int mode)
{
	if (s >= 0 && s < dim)
		return s;
	if (mode == 1)		/* edge */
		return s < 0 ? 0 : dim - 1;
	if (mode == 2 && dim > 1) {	/* reflect, period 2 (dim - 1) */
		int64_t p = 2 * (dim - 1);

		s %= p;
		s = s < 0 ? s + p : s;
		return s < dim ? s : p - s;
	}
	return mode == 2 ? 0 : -1;	/* constant: the value */
}

void cgk_pad_rt(const struct cim_graph *g, const struct cim_node *n,
		float *const *v)
{
	const struct cim_tensor *x = T(0), *o = OUT;
	const float *src = v[n->inputs[0]], *pads = v[n->inputs[1]];
	float value = v[n->inputs[2]][0], *y = v[n->output];
	int mode = (int)v[n->inputs[3]][0];
	int64_t begin[CIM_MAX_RANK], end, idx[CIM_MAX_RANK] = { 0 };
	uint64_t xs[CIM_MAX_RANK], i, s = 1;
	uint32_t r = x->rank;
	int d;

	for (d = (int)r - 1; d >= 0; d--) {
		xs[d] = s;
		s *= x->dims[d];
		if (as_int(pads[d], &begin[d]) || as_int(pads[r + d], &end) ||
		    begin[d] + (int64_t)x->dims[d] + end != (int64_t)o->dims[d] ||
		    (mode != 0 && (begin[d] < 0 || end < 0))) {
			fill_nan(y, o->size);
			return;
		}
	}
	for (i = 0; i < o->size; i++) {
		uint64_t off = 0;
		int in = 1;

		for (d = 0; d < (int)r; d++) {
			int64_t sd = pad_source(idx[d] - begin[d], x->dims[d], mode);

			if (sd < 0)
				in = 0;
			else
				off += (uint64_t)sd * xs[d];
		}
		y[i] = in ? src[off] : value;
		for (d = (int)r - 1; d >= 0; d--) {
			if (++idx[d] < (int64_t)o->dims[d])
				break;
			idx[d] = 0;
		}
	}
}
