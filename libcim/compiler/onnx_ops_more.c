// SPDX-License-Identifier: MIT
/*
 * ONNX operators of real exports beyond the plain CNN set: elementwise
 * activations, arithmetic with broadcasting or with a constant operand
 * (a per-channel affine becomes a depthwise 1x1 convolution), spatial
 * reductions, padding, Split/Slice, Squeeze/Unsqueeze of runtime
 * tensors.  Each translator names what it does not support.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

static const char *const no_attrs[] = { NULL };

static int need(struct onnx_ctx *c, size_t i, const struct cim_tensor **t)
{
	const char *name = onnx_in_name(c, i);

	*t = name ? onnx_tensor(c, name) : NULL;
	if (!*t)
		return onnx_node_err(c, "input \"%.100s\" is not a tensor defined before the node",
				     name ? name : "(missing)");
	return 0;
}

static int unary(struct onnx_ctx *c, uint32_t fn, float alpha, float beta)
{
	union cim_node_attrs a = { .unary = { fn, alpha, beta } };
	const char *x = onnx_in_name(c, 0);

	return onnx_add_node(c, CIM_NODE_UNARY, &x, 1, &a, NULL);
}

static int op_sigmoid(struct onnx_ctx *c)
{
	int ret = onnx_check_node(c, no_attrs, 1, 1);

	return ret ? ret : unary(c, CIM_UNARY_SIGMOID, 0, 0);
}

static int op_tanh(struct onnx_ctx *c)
{
	int ret = onnx_check_node(c, no_attrs, 1, 1);

	return ret ? ret : unary(c, CIM_UNARY_TANH, 0, 0);
}

static int op_hardswish(struct onnx_ctx *c)
{
	int ret = onnx_check_node(c, no_attrs, 1, 1);

	return ret ? ret : unary(c, CIM_UNARY_HARDSWISH, 0, 0);
}

/* Elementwise functions without parameters, and Elu/Selu. */
static const struct {
	const char *name;
	uint32_t fn;
} plain_unary[] = {
	{ "Reciprocal", CIM_UNARY_RECIPROCAL }, { "Neg", CIM_UNARY_NEG },
	{ "Abs", CIM_UNARY_ABS }, { "Exp", CIM_UNARY_EXP },
	{ "Log", CIM_UNARY_LOG }, { "Sqrt", CIM_UNARY_SQRT },
	{ "Softplus", CIM_UNARY_SOFTPLUS }, { "Softsign", CIM_UNARY_SOFTSIGN },
	{ "Floor", CIM_UNARY_FLOOR }, { "Ceil", CIM_UNARY_CEIL },
};

static int op_plain_unary(struct onnx_ctx *c)
{
	size_t i;
	int ret = onnx_check_node(c, no_attrs, 1, 1);

	for (i = 0; !ret && i < sizeof(plain_unary) / sizeof(plain_unary[0]); i++)
		if (!strcmp(c->node->op_type, plain_unary[i].name))
			return unary(c, plain_unary[i].fn, 0, 0);
	return ret;
}

static int op_elu(struct onnx_ctx *c)
{
	static const char *const known_elu[] = { "alpha", NULL };
	static const char *const known_selu[] = { "alpha", "gamma", NULL };
	int selu = !strcmp(c->node->op_type, "Selu");
	float alpha = selu ? 1.67326319217681884765625f : 1.0f;
	float gamma = 1.05070102214813232421875f;
	int ret = onnx_check_node(c, selu ? known_selu : known_elu, 1, 1);

	if (!ret)
		ret = onnx_attr_float(c, "alpha", &alpha);
	if (!ret && selu)
		ret = onnx_attr_float(c, "gamma", &gamma);
	return ret ? ret : unary(c, selu ? CIM_UNARY_SELU : CIM_UNARY_ELU,
				 alpha, gamma);
}

static int op_hardsigmoid(struct onnx_ctx *c)
{
	static const char *const known[] = { "alpha", "beta", NULL };
	float alpha = 0.2f, beta = 0.5f;
	int ret = onnx_check_node(c, known, 1, 1);

	if (!ret)
		ret = onnx_attr_float(c, "alpha", &alpha);
	if (!ret)
		ret = onnx_attr_float(c, "beta", &beta);
	return ret ? ret : unary(c, CIM_UNARY_HARDSIGMOID, alpha, beta);
}

static int op_leakyrelu(struct onnx_ctx *c)
{
	static const char *const known[] = { "alpha", NULL };
	float alpha = 0.01f;
	int ret = onnx_check_node(c, known, 1, 1);

	if (!ret)
		ret = onnx_attr_float(c, "alpha", &alpha);
	return ret ? ret : unary(c, CIM_UNARY_LEAKYRELU, alpha, 0);
}

static int op_prelu(struct onnx_ctx *c)
{
	float *slope = NULL;
	size_t n, i;
	int ret = onnx_check_node(c, no_attrs, 2, 2);

	if (!ret)
		ret = onnx_const_floats(c, onnx_in_name(c, 1), &slope, &n);
	if (ret)
		return ret;
	for (i = 1; i < n; i++)
		if (slope[i] != slope[0])
			break;
	if (n == 0 || i < n)
		ret = onnx_node_err(c, "a slope that varies (per channel) is not supported, only one shared slope");
	else
		ret = unary(c, CIM_UNARY_LEAKYRELU, slope[0], 0);
	free(slope);
	return ret;
}

/*
 * x op k with a constant k that broadcasts to x (numpy rules) but is not
 * one per channel of a 4-D x: an Add or Mul of x and an initializer
 * (k, -k or 1/k); k - x and k / x take -x or 1/x first.
 */
static int const_binary(struct onnx_ctx *c, const char *op,
			const struct cim_tensor *x, uint32_t xi,
			const char *kname)
{
	const Onnx__TensorProto *kt = onnx_const(c, kname);
	char kn[ONNX_NAME_LEN], tn[ONNX_NAME_LEN];
	uint32_t kd[CIM_MAX_RANK], kr = (uint32_t)kt->n_dims, d;
	union cim_node_attrs u = { .unary = { CIM_UNARY_RECIPROCAL, 0, 0 } };
	int add = !strcmp(op, "Add") || !strcmp(op, "Sub");
	const char *ins[2] = { x->name, kn };
	float *k = NULL;
	size_t n, i;
	int ret;

	if (kr > x->rank)
		return onnx_node_err(c, "constant \"%.100s\" has more dimensions than the tensor",
				     kname);
	for (d = 0; d < kr; d++) {
		kd[d] = (uint32_t)kt->dims[d];
		if (kd[d] != 1 && kd[d] != x->dims[x->rank - kr + d])
			return onnx_node_err(c, "constant \"%.100s\" does not broadcast to the tensor's shape",
					     kname);
	}
	if (!kr)
		kd[kr++] = 1;
	ret = onnx_const_floats(c, kname, &k, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (!strcmp(op, "Sub") && xi == 0)
			k[i] = -k[i];
		else if (!strcmp(op, "Div") && xi == 0)
			k[i] = 1 / k[i];
	}
	ret = onnx_add_init(c, "k", kr, kd, k, kn);
	free(k);
	snprintf(tn, sizeof(tn), "%.400s:x", c->node->output[0]);
	if (!ret && xi == 1 && !strcmp(op, "Sub")) {	/* k - x = -x + k */
		u.unary.fn = CIM_UNARY_NEG;
		ret = onnx_add_node(c, CIM_NODE_UNARY, ins, 1, &u, tn);
		ins[0] = tn;
	} else if (!ret && xi == 1 && !strcmp(op, "Div")) {	/* k / x */
		ret = onnx_add_node(c, CIM_NODE_UNARY, ins, 1, &u, tn);
		ins[0] = tn;
	}
	return ret ? ret : onnx_add_node(c, add ? CIM_NODE_ADD : CIM_NODE_MUL,
					 ins, 2, NULL, NULL);
}

/*
 * x op k with a constant k that is one value or one per channel of a
 * 4-D x: a depthwise 1x1 convolution y = w[c] x + b[c].
 */
static int affine(struct onnx_ctx *c, const char *op, const struct cim_tensor *x,
		  uint32_t xi, const char *kname)
{
	const Onnx__TensorProto *kt = onnx_const(c, kname);
	char wname[ONNX_NAME_LEN], bname[ONNX_NAME_LEN];
	union cim_node_attrs a = { 0 };
	uint32_t C, ch, wd[4], d, kr;
	float *k = NULL, *w = NULL, *b = NULL;
	const char *ins[3];
	size_t n;
	int ret;

	if (x->rank != 4)
		return const_binary(c, op, x, xi, kname);
	C = x->dims[1];
	kr = (uint32_t)kt->n_dims;
	for (d = 0; d < kr; d++) {
		int64_t kd = kt->dims[d];
		uint32_t xa = 4 - kr + d;

		if (kr > 4 || (kd != 1 && !(xa == 1 && kd == C)))
			return const_binary(c, op, x, xi, kname);
	}
	ret = onnx_const_floats(c, kname, &k, &n);
	if (ret)
		return ret;
	w = malloc(C * sizeof(float));
	b = malloc(C * sizeof(float));
	if (!w || !b) {
		ret = -ENOMEM;
		goto out;
	}
	for (ch = 0; ch < C; ch++) {
		float kv = k[n == 1 ? 0 : ch];

		w[ch] = 1;
		b[ch] = 0;
		if (!strcmp(op, "Mul"))
			w[ch] = kv;
		else if (!strcmp(op, "Add"))
			b[ch] = kv;
		else if (!strcmp(op, "Sub") && xi == 0)
			b[ch] = -kv;
		else if (!strcmp(op, "Sub")) {
			w[ch] = -1;
			b[ch] = kv;
		} else if (!strcmp(op, "Div") && xi == 0)
			w[ch] = 1 / kv;
		else {
			ret = onnx_node_err(c, "dividing a constant by a tensor is not supported");
			goto out;
		}
	}
	wd[0] = C;
	wd[1] = wd[2] = wd[3] = 1;
	ret = onnx_add_init(c, "dw_w", 4, wd, w, wname);
	if (!ret)
		ret = onnx_add_init(c, "dw_b", 1, &C, b, bname);
	if (ret)
		goto out;
	a.conv = (struct cim_conv_attrs){ .kernel = { 1, 1 }, .stride = { 1, 1 },
		.dilation = { 1, 1 }, .group = C };
	ins[0] = x->name;
	ins[1] = wname;
	ins[2] = bname;
	ret = onnx_add_node(c, CIM_NODE_CONV, ins, 3, &a, NULL);
out:
	free(k);
	free(w);
	free(b);
	return ret;
}

/*
 * Opset < 7: with broadcast=1 and axis, B's dimensions line up with A's
 * from axis on: append ones to B so that numpy's rules (suffix matching)
 * give the same.  *n1 becomes the renamed B.
 */
static int legacy_broadcast(struct onnx_ctx *c, const char **n1)
{
	const char *orig = *n1;
	const struct cim_tensor *a = onnx_tensor(c, onnx_in_name(c, 0));
	const Onnx__TensorProto *kt = onnx_const(c, orig);
	const struct cim_tensor *b = onnx_tensor(c, orig);
	int64_t bc = 0, axis = -1, kd[CIM_MAX_RANK];
	uint32_t rb, d, r;
	union cim_node_attrs at = { 0 };
	float *v;
	size_t n;
	int ret = onnx_attr_int(c, "broadcast", &bc);

	if (!ret)
		ret = onnx_attr_int(c, "axis", &axis);
	if (ret || !bc || axis < 0)
		return ret;
	if (!a || (!kt && !b))
		return onnx_node_err(c, "input A must be a tensor, B a tensor or a constant");
	rb = kt ? (uint32_t)kt->n_dims : b->rank;
	if (axis + rb > a->rank || a->rank > CIM_MAX_RANK)
		return onnx_node_err(c, "axis %lld does not fit B of rank %u in A of rank %u",
				     (long long)axis, rb, a->rank);
	if (axis + rb == a->rank)
		return 0;	/* already suffix-aligned */
	r = a->rank - (uint32_t)axis;
	for (d = 0; d < r; d++)
		kd[d] = d < rb ? (kt ? kt->dims[d] : b->dims[d]) : 1;
	snprintf(c->over_name, sizeof(c->over_name), "%.400s:bcast",
		 c->node->output[0]);
	c->in_over[1] = c->over_name;
	*n1 = c->over_name;
	if (!kt) {
		at.reshape.rank = r;
		memcpy(at.reshape.shape, kd, r * sizeof(kd[0]));
		return onnx_add_node(c, CIM_NODE_RESHAPE, &orig, 1, &at, c->over_name);
	}
	ret = onnx_const_floats(c, orig, &v, &n);
	if (ret)
		return ret;
	ret = onnx_publish_floats(c, c->over_name, r, kd, v, n);
	free(v);
	return ret;
}

/* Add, Sub, Mul, Div of tensors (broadcasting) or with a constant. */
static int arith(struct onnx_ctx *c);

static int op_arith(struct onnx_ctx *c)
{
	int ret = arith(c);

	c->in_over[1] = NULL;
	return ret;
}

static int arith(struct onnx_ctx *c)
{
	static const char *const known[] = { "broadcast", "axis", NULL };
	const char *op = c->node->op_type;
	const char *n0 = onnx_in_name(c, 0), *n1 = onnx_in_name(c, 1);
	const struct cim_tensor *a, *b;
	const char *ins[2];
	int ret = onnx_check_node(c, known, 2, 2);

	if (ret)
		return ret;
	if (onnx_attr(c, "axis") || onnx_attr(c, "broadcast")) {
		if (c->opset >= 7)
			return onnx_node_err(c, "attributes axis and broadcast are not supported from opset 7 on");
		ret = legacy_broadcast(c, &n1);
		if (ret)
			return ret;
	}
	a = onnx_tensor(c, n0);
	b = onnx_tensor(c, n1);
	if (a && !a->data && (!b || b->data) && onnx_const(c, n1))
		return affine(c, op, a, 0, n1);
	if (b && !b->data && (!a || a->data) && onnx_const(c, n0))
		return affine(c, op, b, 1, n0);
	ret = need(c, 0, &a);
	if (!ret)
		ret = need(c, 1, &b);
	if (ret)
		return ret;
	if (strcmp(op, "Add") && strcmp(op, "Mul"))
		return onnx_lower_sub_div(c, a, b);
	/* the larger first: the second broadcasts to it */
	ins[0] = a->size >= b->size ? n0 : n1;
	ins[1] = a->size >= b->size ? n1 : n0;
	return onnx_add_node(c, !strcmp(op, "Add") ? CIM_NODE_ADD : CIM_NODE_MUL,
			     ins, 2, NULL, NULL);
}

/* Axes of Reduce* (attribute) or Squeeze/Unsqueeze (input from opset 13). */
static int axes_of(struct onnx_ctx *c, int from_input, int64_t *axes,
		   size_t *n)
{
	*n = 0;
	if (from_input && onnx_in_name(c, 1))
		return onnx_const_ints(c, onnx_in_name(c, 1), axes, CIM_MAX_RANK, n);
	return onnx_attr_ints(c, "axes", axes, CIM_MAX_RANK, n);
}

static int op_reduce(struct onnx_ctx *c)
{
	static const char *const known[] = { "axes", "keepdims", "noop_with_empty_axes", NULL };
	int is_max = !strcmp(c->node->op_type, "ReduceMax");
	const struct cim_tensor *x;
	const char *xn = onnx_in_name(c, 0);
	char mid[ONNX_NAME_LEN];
	int64_t axes[CIM_MAX_RANK], keep = 1;
	uint32_t mask = 0, dims[2];
	size_t n, i;
	int ret = onnx_check_node(c, known, 1, 2);

	if (!ret)
		ret = need(c, 0, &x);
	if (!ret)
		ret = axes_of(c, c->opset >= 18, axes, &n);
	if (!ret)
		ret = onnx_attr_int(c, "keepdims", &keep);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		mask |= 1u << (axes[i] < 0 ? axes[i] + (int64_t)x->rank : axes[i]);
	if (x->rank != 4 || mask != 0xc)
		return onnx_node_err(c, "only a reduction over the spatial axes 2 and 3 of a 4-D tensor is supported");
	if (keep)
		return onnx_add_node(c, is_max ? CIM_NODE_GLOBAL_MAXPOOL :
				     CIM_NODE_GLOBAL_AVGPOOL, &xn, 1, NULL, NULL);
	snprintf(mid, sizeof(mid), "%.400s:keep", c->node->output[0]);
	dims[0] = x->dims[0];	/* before the node moves the tensor array */
	dims[1] = x->dims[1];
	ret = onnx_add_node(c, is_max ? CIM_NODE_GLOBAL_MAXPOOL : CIM_NODE_GLOBAL_AVGPOOL,
			    &xn, 1, NULL, mid);
	return ret ? ret : onnx_add_reshape(c, mid, 2, dims, NULL);
}

static int op_global_maxpool(struct onnx_ctx *c)
{
	const char *xn = onnx_in_name(c, 0);
	int ret = onnx_check_node(c, no_attrs, 1, 1);

	return ret ? ret : onnx_add_node(c, CIM_NODE_GLOBAL_MAXPOOL, &xn, 1, NULL, NULL);
}

static int op_pad(struct onnx_ctx *c)
{
	static const char *const known[] = { "mode", "pads", "value", "paddings", NULL };
	union cim_node_attrs a = { 0 };
	const struct cim_tensor *x;
	const char *xn = onnx_in_name(c, 0);
	char mode[32] = "constant";
	int64_t pads[2 * CIM_MAX_RANK];
	float value = 0, *vv = NULL;
	size_t n = 0, nv, i;
	int ret = onnx_check_node(c, known, 1, c->opset >= 11 ? 4 : 1);

	if (!ret)
		ret = need(c, 0, &x);
	if (!ret)
		ret = onnx_attr_string(c, "mode", mode, sizeof(mode));
	if (ret)
		return ret;
	if (strcmp(mode, "constant") && strcmp(mode, "reflect") && strcmp(mode, "edge"))
		return onnx_node_err(c, "mode=%s is not supported (constant, reflect, edge are)",
				     mode);
	if (c->opset < 11) {
		/* Pad-1 calls the attribute paddings */
		ret = onnx_attr_ints(c, c->opset < 2 ? "paddings" : "pads", pads,
				     2 * CIM_MAX_RANK, &n);
		if (!ret)
			ret = onnx_attr_float(c, "value", &value);
	} else {
		if (onnx_in_name(c, 3))
			return onnx_node_err(c, "input axes is not supported");
		ret = onnx_const_ints(c, onnx_in_name(c, 1), pads, 2 * CIM_MAX_RANK, &n);
		if (!ret && onnx_in_name(c, 2)) {
			ret = onnx_const_floats(c, onnx_in_name(c, 2), &vv, &nv);
			if (!ret && nv != 1)
				ret = onnx_node_err(c, "constant_value must be one value");
			if (!ret)
				value = vv[0];
			free(vv);
		}
	}
	if (ret)
		return ret;
	if (n != 2 * x->rank)
		return onnx_node_err(c, "pads has %zu values for rank %u", n, x->rank);
	for (i = 0; i < n; i++)
		if (pads[i] < 0)
			return onnx_node_err(c, "negative pads (cropping) are not supported");
	for (i = 0; i < n && !pads[i]; i++)
		;
	if (i == n)	/* no padding at all */
		return onnx_add_alias(c, c->node->output[0], xn);
	if (x->rank != 4 || pads[0] || pads[1] || pads[4] || pads[5])
		return onnx_node_err(c, "only padding of H and W of a 4-D tensor is supported");
	if (strcmp(mode, "constant"))
		return onnx_lower_pad_mode(c, x, pads, !strcmp(mode, "reflect"));
	a.pad.pad[0] = (uint32_t)pads[2];
	a.pad.pad[1] = (uint32_t)pads[3];
	a.pad.pad[2] = (uint32_t)pads[6];
	a.pad.pad[3] = (uint32_t)pads[7];
	a.pad.value = value;
	return onnx_add_node(c, CIM_NODE_PAD, &xn, 1, &a, NULL);
}

/* One SLICE node: count elements of x from start by step along axis. */
static int slice_node(struct onnx_ctx *c, const char *x, uint32_t axis,
		      int64_t start, int64_t step, int64_t count,
		      const char *out)
{
	union cim_node_attrs a = { 0 };

	if (step < 1 || count < 1 || start < 0)
		return onnx_node_err(c, "an empty or reversed slice is not supported");
	a.slice.axis = axis;
	a.slice.start = (uint32_t)start;
	a.slice.step = (uint32_t)step;
	a.slice.len = (uint32_t)count;
	return onnx_add_node(c, CIM_NODE_SLICE, &x, 1, &a, out);
}

static int op_slice(struct onnx_ctx *c)
{
	static const char *const known[] = { "starts", "ends", "axes", NULL };
	int64_t dims[CIM_MAX_RANK], start[8], step[8], cnt[8];
	const struct cim_tensor *x;
	const char *cur = onnx_in_name(c, 0);
	char names[2][ONNX_NAME_LEN];
	uint32_t d, todo = 0, done = 0;
	int ret = onnx_check_node(c, known, c->opset >= 10 ? 3 : 1,
				  c->opset >= 10 ? 5 : 1);

	if (!ret)
		ret = need(c, 0, &x);
	if (ret)
		return ret;
	for (d = 0; d < x->rank; d++)
		dims[d] = x->dims[d];
	ret = onnx_slice_const(c, x->rank, dims, start, step, cnt);
	if (ret)
		return ret;
	for (d = 0; d < x->rank; d++)
		if (start[d] || step[d] != 1 || cnt[d] != dims[d])
			todo++;
	if (!todo)
		return onnx_add_alias(c, c->node->output[0], cur);
	for (d = 0; d < x->rank && !ret; d++) {
		const char *out = NULL;

		if (!start[d] && step[d] == 1 && cnt[d] == dims[d])
			continue;
		if (++done < todo) {
			snprintf(names[done & 1], ONNX_NAME_LEN, "%.400s:axis%u",
				 c->node->output[0], d);
			out = names[done & 1];
		}
		ret = slice_node(c, cur, d, start[d], step[d], cnt[d], out);
		cur = out;
	}
	return ret;
}

static int op_split(struct onnx_ctx *c)
{
	static const char *const known[] = { "axis", "split", "num_outputs", NULL };
	int64_t axis = 0, split[CIM_MAX_NODE_INPUTS * 4], at = 0;
	const struct cim_tensor *x;
	const char *xn = onnx_in_name(c, 0);
	size_t n = 0, i, outs = c->node->n_output;
	uint32_t ax, axis_len;
	int ret = onnx_check_node(c, known, 1, 2);

	if (!ret)
		ret = need(c, 0, &x);
	if (!ret)
		ret = onnx_attr_int(c, "axis", &axis);
	if (!ret && c->opset >= 13 && onnx_in_name(c, 1))
		ret = onnx_const_ints(c, onnx_in_name(c, 1), split,
				      sizeof(split) / sizeof(split[0]), &n);
	else if (!ret)
		ret = onnx_attr_ints(c, "split", split,
				     sizeof(split) / sizeof(split[0]), &n);
	if (ret)
		return ret;
	if (axis < -(int64_t)x->rank || axis >= (int64_t)x->rank)
		return onnx_node_err(c, "axis %lld is out of range", (long long)axis);
	ax = (uint32_t)(axis < 0 ? axis + x->rank : axis);
	if (outs > sizeof(split) / sizeof(split[0]))
		return onnx_node_err(c, "too many outputs");
	if (!n) {	/* equal parts, the last one smaller */
		int64_t part = (x->dims[ax] + outs - 1) / outs;

		for (i = 0; i < outs; i++)
			split[i] = i + 1 < outs ? part : x->dims[ax] - part * (int64_t)(outs - 1);
		n = outs;
	}
	if (n != outs)
		return onnx_node_err(c, "split has %zu parts for %zu outputs", n, outs);
	axis_len = x->dims[ax];	/* before nodes move the tensor array */
	for (i = 0; i < n && !ret; i++) {
		if (!c->node->output[i] || !*c->node->output[i]) {
			at += split[i];
			continue;
		}
		ret = slice_node(c, xn, ax, at, 1, split[i], c->node->output[i]);
		at += split[i];
	}
	if (!ret && at != axis_len)
		ret = onnx_node_err(c, "the parts add up to %lld, the axis has %u",
				    (long long)at, axis_len);
	return ret;
}

/* Squeeze, Unsqueeze of a runtime tensor: a reshape. */
static int op_squeeze(struct onnx_ctx *c)
{
	static const char *const known[] = { "axes", NULL };
	int un = !strcmp(c->node->op_type, "Unsqueeze");
	const struct cim_tensor *x;
	int64_t axes[CIM_MAX_RANK];
	uint32_t dims[CIM_MAX_RANK], mark = 0, r, d, j = 0;
	size_t n, i;
	int ret = onnx_check_node(c, known, 1, 2);

	if (!ret)
		ret = need(c, 0, &x);
	if (!ret)
		ret = axes_of(c, c->opset >= 13, axes, &n);
	if (ret)
		return ret;
	r = un ? x->rank + (uint32_t)n : x->rank;
	if (r > CIM_MAX_RANK)
		return onnx_node_err(c, "the result has more than %d dimensions", CIM_MAX_RANK);
	for (i = 0; i < n; i++) {
		int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];

		if (a < 0 || a >= r || (!un && x->dims[a] != 1))
			return onnx_node_err(c, "axis %lld is out of range or not of size 1",
					     (long long)axes[i]);
		mark |= 1u << a;
	}
	if (un) {
		for (d = 0; d < r; d++)
			dims[d] = (mark & (1u << d)) ? 1 : x->dims[j++];
	} else {
		for (d = 0, r = 0; d < x->rank; d++)
			if (n ? !(mark & (1u << d)) : x->dims[d] != 1)
				dims[r++] = x->dims[d];
		if (!r)
			dims[r++] = 1;
	}
	return onnx_add_reshape(c, onnx_in_name(c, 0), r, dims, NULL);
}

static const struct {
	const char *name;
	onnx_op_fn fn;
} more_ops[] = {
	{ "Sigmoid", op_sigmoid },
	{ "Reciprocal", op_plain_unary },
	{ "Neg", op_plain_unary },
	{ "Abs", op_plain_unary },
	{ "Exp", op_plain_unary },
	{ "Log", op_plain_unary },
	{ "Sqrt", op_plain_unary },
	{ "Softplus", op_plain_unary },
	{ "Softsign", op_plain_unary },
	{ "Floor", op_plain_unary },
	{ "Ceil", op_plain_unary },
	{ "Elu", op_elu },
	{ "Selu", op_elu },
	{ "Tanh", op_tanh },
	{ "HardSigmoid", op_hardsigmoid },
	{ "HardSwish", op_hardswish },
	{ "LeakyRelu", op_leakyrelu },
	{ "PRelu", op_prelu },
	{ "Add", op_arith },
	{ "Sub", op_arith },
	{ "Mul", op_arith },
	{ "Div", op_arith },
	{ "ReduceMean", op_reduce },
	{ "ReduceMax", op_reduce },
	{ "GlobalMaxPool", op_global_maxpool },
	{ "Pad", op_pad },
	{ "Slice", op_slice },
	{ "Split", op_split },
	{ "Squeeze", op_squeeze },
	{ "Unsqueeze", op_squeeze },
	{ "Gather", onnx_op_gather },
};

onnx_op_fn onnx_more_op(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof(more_ops) / sizeof(more_ops[0]); i++)
		if (!strcmp(op, more_ops[i].name))
			return more_ops[i].fn;
	return NULL;
}
