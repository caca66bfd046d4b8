// SPDX-License-Identifier: MIT
/*
 * Float kernels of the graph executor for elementwise functions,
 * broadcasting Add/Mul, slices and padding.  The reference the quantized
 * model is measured against: plain loops, no fast path.
 */
#include <math.h>
#include <string.h>

#include "compiler.h"

#define T(i)	(&g->tensors[n->inputs[i]])
#define OUT	(&g->tensors[n->output])

static float hsig(float x, float alpha, float beta)
{
	float y = alpha * x + beta;

	return y < 0 ? 0 : y > 1 ? 1 : y;
}

/*
 * x rounded to nearest-even with `bits` fraction bits and exponents down
 * to min_exp (subnormals below), overflowing to infinity above max.
 */
static float round_float(float x, int bits, int min_exp, double max)
{
	double ax = fabs((double)x), q, r;
	int e;

	if (isnan(x) || isinf(x) || ax == 0)
		return x;
	frexp(ax, &e);			/* ax = m 2^e, m in [0.5, 1) */
	if (e - 1 < min_exp)
		e = min_exp + 1;
	q = ldexp(1.0, e - 1 - bits);
	r = nearbyint(ax / q) * q;
	if (r > max)
		r = INFINITY;
	return (float)(x < 0 ? -r : r);
}

float cgk_unary_fn(uint32_t fn, float alpha, float beta, float x)
{
	switch (fn) {
	case CIM_UNARY_SIGMOID:
		return (float)(1.0 / (1.0 + exp(-(double)x)));
	case CIM_UNARY_HARDSIGMOID:
		return hsig(x, alpha, beta);
	case CIM_UNARY_HARDSWISH:
		return x * hsig(x, 1.0f / 6, 0.5f);
	case CIM_UNARY_TANH:
		return tanhf(x);
	case CIM_UNARY_LEAKYRELU:
		return x >= 0 ? x : alpha * x;
	case CIM_UNARY_SILU:
		return (float)(x / (1.0 + exp(-(double)x)));
	case CIM_UNARY_RECIPROCAL:
		return 1.0f / x;
	case CIM_UNARY_NEG:
		return -x;
	case CIM_UNARY_ABS:
		return fabsf(x);
	case CIM_UNARY_EXP:
		return expf(x);
	case CIM_UNARY_LOG:
		return logf(x);
	case CIM_UNARY_SQRT:
		return sqrtf(x);
	case CIM_UNARY_ELU:
		return x >= 0 ? x : (float)(alpha * expm1((double)x));
	case CIM_UNARY_SELU:
		return beta * (x > 0 ? x : (float)(alpha * expm1((double)x)));
	case CIM_UNARY_SOFTPLUS:
		return x > 40 ? x : (float)log1p(exp((double)x));
	case CIM_UNARY_SOFTSIGN:
		return x / (1 + fabsf(x));
	case CIM_UNARY_FLOOR:
		return floorf(x);
	case CIM_UNARY_CEIL:
		return ceilf(x);
	case CIM_UNARY_ROUND_F16:
		return round_float(x, 10, -14, 65504.0);
	case CIM_UNARY_ROUND_BF16: {	/* truncated, as ONNX's Cast (< 19) */
		uint32_t u;

		memcpy(&u, &x, 4);
		u &= isnan(x) ? 0xffffffffu : 0xffff0000u;
		memcpy(&x, &u, 4);
		return x;
	}
	case CIM_UNARY_TO_INT: {
		double m = ldexp(1, (int)alpha), t = trunc((double)x), r;

		if (isnan(x))
			return 0;
		if (t >= beta && t < beta + m)	/* in range: as is (64-bit types) */
			return (float)t;
		r = fmod(t - beta, m);
		return (float)((r < 0 ? r + m : r) + beta);
	}
	default:
		return x;
	}
}

void cgk_unary(const struct cim_graph *g, const struct cim_node *n,
	       float *const *v)
{
	const float *x = v[n->inputs[0]];
	float *y = v[n->output];
	uint64_t i;

	for (i = 0; i < OUT->size; i++)
		y[i] = cgk_act(n, cgk_unary_fn(n->attr.unary.fn, n->attr.unary.alpha,
					       n->attr.unary.beta, x[i]));
}

static float binary_fn(enum cim_node_op op, float a, float b)
{
	switch (op) {
	case CIM_NODE_MUL:
		return a * b;
	case CIM_NODE_MAX:	/* NaN propagates, as numpy's maximum */
		return isnan(a) || isnan(b) ? a + b : a > b ? a : b;
	case CIM_NODE_MIN:
		return isnan(a) || isnan(b) ? a + b : a < b ? a : b;
	case CIM_NODE_DIV:
		return a / b;
	default:
		return a + b;
	}
}

/* ADD, MUL, MAX, MIN, DIV: input 1 broadcast to input 0's shape. */
void cgk_binary(const struct cim_graph *g, const struct cim_node *n,
		float *const *v)
{
	const struct cim_tensor *a = T(0), *b = T(1);
	uint64_t bstride[CIM_MAX_RANK] = { 0 }, idx[CIM_MAX_RANK] = { 0 }, s = 1;
	const float *x = v[n->inputs[0]], *z = v[n->inputs[1]];
	uint32_t off = a->rank - b->rank;
	float *y = v[n->output];
	uint64_t i, bi = 0;
	int d;

	for (d = (int)b->rank - 1; d >= 0; d--) {
		bstride[off + d] = b->dims[d] == 1 ? 0 : s;
		s *= b->dims[d];
	}
	for (i = 0; i < a->size; i++) {
		float r = binary_fn(n->op, x[i], z[bi]);

		y[i] = cgk_act(n, r);
		for (d = (int)a->rank - 1; d >= 0; d--) {
			bi += bstride[d];
			if (++idx[d] < a->dims[d])
				break;
			bi -= bstride[d] * idx[d];
			idx[d] = 0;
		}
	}
}

void cgk_slice(const struct cim_graph *g, const struct cim_node *n,
	       float *const *v)
{
	const struct cim_tensor *x = T(0);
	uint64_t outer, inner, o;
	uint32_t axis = cgk_axis_split(x, (int32_t)n->attr.slice.axis, &outer,
				       &inner), j;
	const float *src = v[n->inputs[0]];
	float *y = v[n->output];

	for (o = 0; o < outer; o++)
		for (j = 0; j < n->attr.slice.len; j++)
			memcpy(y + (o * n->attr.slice.len + j) * inner,
			       src + (o * x->dims[axis] + n->attr.slice.start +
				      (uint64_t)j * n->attr.slice.step) * inner,
			       inner * sizeof(float));
}

void cgk_pad(const struct cim_graph *g, const struct cim_node *n,
	     float *const *v)
{
	const struct cim_tensor *x = T(0), *o = OUT;
	uint32_t h = x->dims[2], w = x->dims[3], oh = o->dims[2], ow = o->dims[3];
	uint32_t top = n->attr.pad.pad[0], left = n->attr.pad.pad[1];
	uint64_t planes = (uint64_t)o->dims[0] * o->dims[1], p, i;
	const float *src = v[n->inputs[0]];
	float *y = v[n->output];
	uint32_t r;

	for (i = 0; i < o->size; i++)
		y[i] = n->attr.pad.value;
	for (p = 0; p < planes; p++)
		for (r = 0; r < h; r++)
			memcpy(y + (p * oh + top + r) * ow + left,
			       src + (p * h + r) * w, w * sizeof(float));
}
