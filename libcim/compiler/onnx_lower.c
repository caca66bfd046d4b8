// SPDX-License-Identifier: MIT
/*
 * Forms of ONNX operators lowered onto the graph's 2-D operators at
 * import: 1-D convolutions and pools (input [N, C, L] as [N, C, 1, L]),
 * a batch norm of a rank other than 4 (as [N, C, rest, 1]), reductions
 * over any axes (a transpose, a reshape to [1, kept, reduced, 1] and a
 * global pool), PRelu with a slope per channel or element (relu(x) +
 * slope * (x - relu(x))), and Sub/Div of two runtime tensors (an Add of
 * -b, a Mul by 1/b).  Each lowering keeps the float function exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

static void tmp_name(struct onnx_ctx *c, char *buf, const char *suffix)
{
	snprintf(buf, ONNX_NAME_LEN, "%.400s:%s", c->node->output[0], suffix);
}

/* Conv, MaxPool, AveragePool of a rank-3 input: run as 2-D over [N,C,1,L]. */
static int lower_1d(struct onnx_ctx *c, const struct cim_tensor *x)
{
	char xn[ONNX_NAME_LEN], wn[ONNX_NAME_LEN], yn[ONNX_NAME_LEN];
	uint32_t dims[4] = { x->dims[0], x->dims[1], 1, x->dims[2] };
	const struct cim_tensor *w = NULL, *y;
	struct cim_tensor wv;
	int is_conv = !strcmp(c->node->op_type, "Conv"), ret;

	if (is_conv) {
		w = onnx_tensor(c, onnx_in_name(c, 1));
		if (w) {
			wv = *w;
			w = &wv;
		}
		if (!w || !w->data)
			return onnx_node_err(c, "input 1 \"%.100s\" must be an initializer (weights)",
					     onnx_in_name(c, 1) ? onnx_in_name(c, 1) : "");
		if (w->rank != 3)
			return onnx_node_err(c, "weights of rank %u for a 1-D convolution",
					     w->rank);
	}
	tmp_name(c, xn, "2d_in");
	ret = onnx_add_reshape(c, onnx_in_name(c, 0), 4, dims, xn);
	if (!ret && is_conv) {
		uint32_t wd[4] = { w->dims[0], w->dims[1], 1, w->dims[2] };

		ret = onnx_add_init(c, "2d_w", 4, wd, w->data, wn);
	}
	if (ret)
		return ret;
	tmp_name(c, yn, "2d_out");
	c->in_over[0] = xn;
	c->in_over[1] = is_conv ? wn : NULL;
	c->out_over = yn;
	c->spatial = 1;
	ret = onnx_translate(c);
	c->in_over[0] = c->in_over[1] = NULL;
	c->out_over = NULL;
	c->spatial = 0;
	if (ret)
		return ret;
	y = onnx_tensor(c, yn);
	dims[0] = y->dims[0];
	dims[1] = y->dims[1];
	dims[2] = y->dims[3];
	return onnx_add_reshape(c, yn, 3, dims, c->node->output[0]);
}

/* BatchNormalization of rank 2, 3, 5, 6: over [N, C, rest, 1]. */
static int lower_bn(struct onnx_ctx *c, const struct cim_tensor *x)
{
	char xn[ONNX_NAME_LEN], yn[ONNX_NAME_LEN];
	uint32_t dims[4] = { x->dims[0], x->dims[1], 1, 1 }, d;
	int ret;

	for (d = 2; d < x->rank; d++)
		dims[2] *= x->dims[d];
	tmp_name(c, xn, "4d_in");
	tmp_name(c, yn, "4d_out");
	ret = onnx_add_reshape(c, onnx_in_name(c, 0), 4, dims, xn);
	if (ret)
		return ret;
	c->in_over[0] = xn;
	c->out_over = yn;
	ret = onnx_translate(c);
	c->in_over[0] = NULL;
	c->out_over = NULL;
	return ret ? ret : onnx_add_reshape(c, yn, x->rank, x->dims, c->node->output[0]);
}

/*
 * ReduceMean/ReduceMax over axes other than H and W of a 4-D tensor:
 * the kept axes first, then the reduced ones, as [1, kept, reduced, 1]
 * through a global pool.
 */
static int lower_reduce(struct onnx_ctx *c, const struct cim_tensor *x,
			uint32_t mask, int keep)
{
	int is_max = !strcmp(c->node->op_type, "ReduceMax");
	char tn[ONNX_NAME_LEN], rn[ONNX_NAME_LEN], pn[ONNX_NAME_LEN];
	union cim_node_attrs a = { 0 };
	uint32_t d, k = 0, dims[CIM_MAX_RANK], r4[4] = { 1, 1, 1, 1 }, od = 0;
	const char *cur = onnx_in_name(c, 0);
	int ret = 0, ident = 1;

	for (d = 0; d < x->rank; d++)
		if (!(mask & (1u << d))) {
			a.perm[k++] = d;
			r4[1] *= x->dims[d];
		}
	for (d = 0; d < x->rank; d++)
		if (mask & (1u << d)) {
			a.perm[k++] = d;
			r4[2] *= x->dims[d];
		}
	for (d = 0; d < x->rank; d++)
		ident &= a.perm[d] == d;
	if (!ident) {
		tmp_name(c, tn, "perm");
		ret = onnx_add_node(c, CIM_NODE_TRANSPOSE, &cur, 1, &a, tn);
		cur = tn;
	}
	tmp_name(c, rn, "r4");
	tmp_name(c, pn, "pool");
	if (!ret)
		ret = onnx_add_reshape(c, cur, 4, r4, rn);
	cur = rn;
	if (!ret)
		ret = onnx_add_node(c, is_max ? CIM_NODE_GLOBAL_MAXPOOL :
				    CIM_NODE_GLOBAL_AVGPOOL, &cur, 1, NULL, pn);
	for (d = 0; d < x->rank; d++)
		if (!(mask & (1u << d)))
			dims[od++] = x->dims[d];
		else if (keep)
			dims[od++] = 1;
	if (!od)
		dims[od++] = 1;	/* a scalar: one element */
	return ret ? ret : onnx_add_reshape(c, pn, od, dims, c->node->output[0]);
}

static int reduce_axes(struct onnx_ctx *c, const struct cim_tensor *x,
		       uint32_t *mask, int64_t *keep)
{
	static const char *const known[] = { "axes", "keepdims",
		"noop_with_empty_axes", NULL };
	int64_t axes[CIM_MAX_RANK], noop = 0;
	size_t n = 0, i;
	int ret = onnx_check_node(c, known, 1, 2);

	if (!ret && c->opset >= 18 && onnx_in_name(c, 1))
		ret = onnx_const_ints(c, onnx_in_name(c, 1), axes, CIM_MAX_RANK, &n);
	else if (!ret)
		ret = onnx_attr_ints(c, "axes", axes, CIM_MAX_RANK, &n);
	if (!ret)
		ret = onnx_attr_int(c, "keepdims", keep);
	if (!ret)
		ret = onnx_attr_int(c, "noop_with_empty_axes", &noop);
	if (ret)
		return ret;
	if (!n && noop)
		return onnx_node_err(c, "noop_with_empty_axes=1 without axes is not supported");
	*mask = n ? 0 : (1u << x->rank) - 1;
	for (i = 0; i < n; i++) {
		int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];

		if (a < 0 || a >= x->rank)
			return onnx_node_err(c, "axis %lld is out of range",
					     (long long)axes[i]);
		*mask |= 1u << a;
	}
	return 0;
}

/* A depthwise 1x1 CONV of x [N, C, H, W] by w[C] (no bias) into out. */
static int dw_scale(struct onnx_ctx *c, const char *x, uint32_t C,
		    const float *w, const char *suffix, const char *out)
{
	union cim_node_attrs a = { 0 };
	uint32_t wd[4] = { C, 1, 1, 1 };
	char wn[ONNX_NAME_LEN];
	const char *ins[2] = { x, wn };
	int ret = onnx_add_init(c, suffix, 4, wd, w, wn);

	a.conv = (struct cim_conv_attrs){ .kernel = { 1, 1 }, .stride = { 1, 1 },
		.dilation = { 1, 1 }, .group = C };
	return ret ? ret : onnx_add_node(c, CIM_NODE_CONV, ins, 2, &a, out);
}

/*
 * PRelu of a 4-D x with a slope per channel, in operators the card runs:
 * relu(x) + (-slope) relu(-x), the scalings depthwise 1x1 convolutions.
 */
static int prelu_per_channel(struct onnx_ctx *c, const struct cim_tensor *x,
			     const float *slope, size_t n)
{
	char rn[ONNX_NAME_LEN], nn[ONNX_NAME_LEN], qn[ONNX_NAME_LEN], sn[ONNX_NAME_LEN];
	uint32_t C = x->dims[1], ch;
	float *w = malloc(C * sizeof(*w));
	const char *ins[2];
	int ret;

	if (!w)
		return -ENOMEM;
	tmp_name(c, rn, "relu");
	tmp_name(c, nn, "negx");
	tmp_name(c, qn, "relu_negx");
	tmp_name(c, sn, "scaled");
	for (ch = 0; ch < C; ch++)
		w[ch] = -1;
	ret = dw_scale(c, onnx_in_name(c, 0), C, w, "neg_w", nn);
	ins[0] = nn;
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_RELU, ins, 1, NULL, qn);
	for (ch = 0; ch < C; ch++)
		w[ch] = -slope[n == 1 ? 0 : ch];
	if (!ret)
		ret = dw_scale(c, qn, C, w, "slope_w", sn);
	free(w);
	ins[0] = onnx_in_name(c, 0);
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_RELU, ins, 1, NULL, rn);
	ins[0] = rn;
	ins[1] = sn;
	return ret ? ret : onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, NULL);
}

/* y = relu(x) + slope * min(x, 0), the slope tensor called kn. */
static int prelu_chain(struct onnx_ctx *c, const char *kn)
{
	char rn[ONNX_NAME_LEN], nn[ONNX_NAME_LEN], mn[ONNX_NAME_LEN];
	char sn[ONNX_NAME_LEN], one[ONNX_NAME_LEN];
	const char *ins[2];
	uint32_t u1 = 1;
	float m1 = -1;
	int ret;

	ret = onnx_add_init(c, "m1", 1, &u1, &m1, one);
	tmp_name(c, rn, "relu");
	tmp_name(c, nn, "negrelu");
	tmp_name(c, mn, "neg");
	tmp_name(c, sn, "scaled");
	ins[0] = onnx_in_name(c, 0);
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_RELU, ins, 1, NULL, rn);
	ins[0] = rn;
	ins[1] = one;
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_MUL, ins, 2, NULL, nn);
	ins[0] = onnx_in_name(c, 0);
	ins[1] = nn;
	if (!ret)	/* min(x, 0) */
		ret = onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, mn);
	ins[0] = mn;
	ins[1] = kn;
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_MUL, ins, 2, NULL, sn);
	ins[0] = rn;
	ins[1] = sn;
	return ret ? ret : onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, NULL);
}

/*
 * PRelu: y = relu(x) + slope * min(x, 0).  A slope computed at run time
 * (float executor only: the card compiler refuses the product of two
 * run-time tensors) must broadcast to x.
 */
static int lower_prelu(struct onnx_ctx *c, const struct cim_tensor *x)
{
	char kn[ONNX_NAME_LEN];
	const Onnx__TensorProto *st = onnx_const(c, onnx_in_name(c, 1));
	uint32_t sd[CIM_MAX_RANK], sr, d;
	float *slope = NULL;
	size_t n;
	int ret;

	if (!st)
		return prelu_chain(c, onnx_in_name(c, 1));
	ret = onnx_const_floats(c, onnx_in_name(c, 1), &slope, &n);
	if (ret)
		return ret;
	sr = (uint32_t)st->n_dims;
	for (d = 0; d < sr && sr <= CIM_MAX_RANK; d++)
		sd[d] = (uint32_t)st->dims[d];
	if (c->opset < 7 && sr == 1 && x->rank >= 2 && sd[0] == x->dims[1] &&
	    sd[0] > 1) {
		/* PRelu-6: a slope per channel (axis 1) */
		sr = x->rank - 1;
		for (d = 1; d < sr; d++)
			sd[d] = 1;
	}
	if (!sr) {
		sr = 1;
		sd[0] = 1;
	}
	if (sr > x->rank) {
		free(slope);
		return onnx_node_err(c, "slope of rank %u for an input of rank %u",
				     sr, x->rank);
	}
	/* one value per channel of a 4-D x: depthwise convolutions */
	for (d = 0; x->rank == 4 && d < sr; d++)
		if (sd[d] != 1 && !(4 - sr + d == 1 && sd[d] == x->dims[1]))
			break;
	if (x->rank == 4 && d == sr) {
		ret = prelu_per_channel(c, x, slope, n);
		free(slope);
		return ret;
	}
	ret = onnx_add_init(c, "slope", sr, sd, slope, kn);
	free(slope);
	return ret ? ret : prelu_chain(c, kn);
}

/* Sub and Div of two runtime tensors: a + (-b), a * (1 / b). */
int onnx_lower_sub_div(struct onnx_ctx *c, const struct cim_tensor *a,
		       const struct cim_tensor *b)
{
	int is_div = !strcmp(c->node->op_type, "Div");
	char tn[ONNX_NAME_LEN];
	union cim_node_attrs u = { .unary = { is_div ? CIM_UNARY_RECIPROCAL :
					      CIM_UNARY_NEG, 0, 0 } };
	const char *ins[2];
	int ret, a_first = a->size >= b->size;

	/* 1/b or -b: a lookup table on the card */
	tmp_name(c, tn, is_div ? "recip" : "neg");
	ins[0] = onnx_in_name(c, 1);
	ret = onnx_add_node(c, CIM_NODE_UNARY, ins, 1, &u, tn);
	/* the larger first: the second broadcasts to it */
	ins[0] = a_first ? onnx_in_name(c, 0) : tn;
	ins[1] = a_first ? tn : onnx_in_name(c, 0);
	return ret ? ret : onnx_add_node(c, is_div ? CIM_NODE_MUL : CIM_NODE_ADD,
					 ins, 2, NULL, NULL);
}

int onnx_lower(struct onnx_ctx *c, int *ret)
{
	const char *op = c->node->op_type;
	const struct cim_tensor *xp = onnx_tensor(c, onnx_in_name(c, 0));
	/* a copy: adding nodes moves the graph's tensor array */
	struct cim_tensor xv;
	const struct cim_tensor *x = &xv;

	if (!xp || c->in_over[0])
		return 0;
	xv = *xp;
	if (x->rank == 3 && (!strcmp(op, "Conv") || !strcmp(op, "MaxPool") ||
			     !strcmp(op, "AveragePool"))) {
		*ret = lower_1d(c, x);
		return 1;
	}
	if (x->rank == 5 && (!strcmp(op, "Conv") || !strcmp(op, "MaxPool") ||
			     !strcmp(op, "AveragePool"))) {
		*ret = onnx_lower_3d(c, x);
		return 1;
	}
	if (x->rank != 4 && !strcmp(op, "BatchNormalization")) {
		*ret = lower_bn(c, x);
		return 1;
	}
	if (!strcmp(op, "ReduceMean") || !strcmp(op, "ReduceMax")) {
		uint32_t mask = 0;
		int64_t keep = 1;

		*ret = reduce_axes(c, x, &mask, &keep);
		if (*ret || (x->rank == 4 && mask == 0xc))
			return *ret != 0;
		*ret = lower_reduce(c, x, mask, keep != 0);
		return 1;
	}
	if (!strcmp(op, "PRelu") && c->node->n_input == 2) {
		const Onnx__TensorProto *st = onnx_const(c, onnx_in_name(c, 1));

		if (st && onnx_tensor_size(st) == 1)
			return 0;	/* one shared slope: a LeakyRelu */
		*ret = lower_prelu(c, x);
		return 1;
	}
	return 0;
}
