// SPDX-License-Identifier: MIT
/*
 * ONNX operators to graph IR nodes.  Each translator checks the inputs
 * and attributes it supports and names what it does not.  Gemm and
 * MatMul become FC with weights rewritten to [N, K]; Flatten becomes
 * Reshape; Identity and Dropout become aliases; Constant becomes a
 * constant (and an initializer when it is float).
 */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"
#include "quant.h"

#define NAME_LEN	512

/* Input i of the node after aliases, or NULL if absent or empty. */
static const char *in_name(struct onnx_ctx *c, size_t i)
{
	if (i < 2 && c->in_over[i])
		return c->in_over[i];
	if (i >= c->node->n_input || !c->node->input[i] || !*c->node->input[i])
		return NULL;
	return onnx_resolve(c, c->node->input[i]);
}

static int want_inputs(struct onnx_ctx *c, size_t lo, size_t hi)
{
	size_t i, n = c->node->n_input;

	while (n > 0 && !in_name(c, n - 1))
		n--;	/* trailing optional inputs may be given as "" */
	if (n < lo || n > hi)
		return onnx_node_err(c, "has %zu inputs, expected %zu to %zu", n, lo, hi);
	for (i = 0; i < lo; i++)
		if (!in_name(c, i))
			return onnx_node_err(c, "input %zu is missing", i);
	return 0;
}

/* The node's attributes are all in known, and it has lo to hi inputs. */
static int check_node(struct onnx_ctx *c, const char *const *known, size_t lo,
		      size_t hi)
{
	int ret = onnx_attrs_known(c, known);

	return ret ? ret : want_inputs(c, lo, hi);
}

/* Extra outputs (MaxPool indices, Dropout mask, ...) must be unused. */
static int one_output(struct onnx_ctx *c)
{
	size_t i;

	for (i = 1; i < c->node->n_output; i++)
		if (c->node->output[i] && *c->node->output[i])
			return onnx_node_err(c, "output %zu (\"%.100s\") is not supported",
					     i, c->node->output[i]);
	return 0;
}

static const struct cim_tensor *tensor(struct onnx_ctx *c, const char *name)
{
	int t = cim_graph_find(c->g, name);

	return t < 0 ? NULL : &c->g->tensors[t];
}

/* A runtime or initializer tensor the node reads, or an error. */
int onnx_need_tensor(struct onnx_ctx *c, size_t i, const struct cim_tensor **t)
{
	const char *name = in_name(c, i);

	*t = name ? tensor(c, name) : NULL;
	if (!*t && name && onnx_const(c, name))
		return onnx_node_err(c, "input \"%.100s\" is not a float32 tensor of rank 1 to %d",
				     name, CIM_MAX_RANK);
	if (!*t)
		return onnx_node_err(c, "input \"%.100s\" is not defined before the node",
				     name ? name : c->node->input[i]);
	return 0;
}

/* A node of one input, a tensor the node reads, into *x. */
static int one_tensor_input(struct onnx_ctx *c, const char *const *known,
			    const struct cim_tensor **x)
{
	int ret = check_node(c, known, 1, 1);

	return ret ? ret : onnx_need_tensor(c, 0, x);
}

static int add_one(struct onnx_ctx *c, enum cim_node_op op,
		   const char *const *inputs, uint32_t n,
		   const union cim_node_attrs *attr, const char *output)
{
	struct cim_node_desc d = {
		.name = c->node_name, .op = op, .n_inputs = n, .inputs = inputs,
		.output = output,
	};
	int ret;

	if (attr)
		d.attr = *attr;
	ret = cim_graph_add_node(c->g, &d);
	if (ret == -EINVAL)
		return onnx_err(c, "%s", cim_graph_error(c->g));
	return ret < 0 ? ret : 0;
}

#define MAX_FIXED_BATCH	64

/*
 * A convolution (one group) whose im2col vector C*KH*KW is longer than
 * the card's (CQI_MAX_VECTOR): split over input channels, the parts'
 * convolutions (the bias in the first) summed by ADDs.
 */
static int add_conv(struct onnx_ctx *c, const char *const *inputs, uint32_t n,
		    const union cim_node_attrs *attr, const char *output)
{
	const struct cim_tensor *wt = tensor(c, inputs[1]);
	char xs[NAME_LEN], wn[NAME_LEN], bn[NAME_LEN], part[NAME_LEN];
	char acc[2][NAME_LEN], suffix[32];
	uint32_t wd[4], taps, cp, parts, p, o, C;
	float *wp = NULL, *zero = NULL;
	const float *w;
	const char *ins[3];
	int ret = 0;

	if (!wt || !wt->data || wt->rank != 4 || attr->conv.group != 1 ||
	    (uint64_t)wt->dims[1] * wt->dims[2] * wt->dims[3] <= CQI_MAX_VECTOR ||
	    (uint64_t)wt->dims[2] * wt->dims[3] > CQI_MAX_VECTOR)
		return add_one(c, CIM_NODE_CONV, inputs, n, attr, output);
	memcpy(wd, wt->dims, sizeof(wd));	/* adding nodes moves wt */
	w = wt->data;
	C = wd[1];
	taps = wd[2] * wd[3];
	cp = CQI_MAX_VECTOR / taps;
	parts = (C + cp - 1) / cp;
	wp = malloc((size_t)wd[0] * cp * taps * sizeof(*wp));
	zero = calloc(wd[0], sizeof(*zero));
	if (!wp || !zero)
		ret = -ENOMEM;
	for (p = 0; p < parts && !ret; p++) {
		uint32_t at = p * cp, len = C - at < cp ? C - at : cp;
		union cim_node_attrs sa = { .slice = { 1, at, 1, len } };
		uint32_t pd[4] = { wd[0], len, wd[2], wd[3] };

		for (o = 0; o < wd[0]; o++)
			memcpy(wp + (size_t)o * len * taps, w + ((size_t)o * C + at) * taps,
			       (size_t)len * taps * sizeof(*wp));
		snprintf(suffix, sizeof(suffix), "cW%u", p);
		snprintf(xs, sizeof(xs), "%.400s:crows%u", output, p);
		snprintf(part, sizeof(part), "%.400s:cpart%u", output, p);
		if (!p)
			snprintf(acc[0], NAME_LEN, "%.400s:csum0", output);
		ret = onnx_add_init(c, suffix, 4, pd, wp, wn);
		snprintf(suffix, sizeof(suffix), "cB%u", p);
		if (!ret) {
			const struct cim_tensor *bt = n > 2 ? tensor(c, inputs[2]) : NULL;

			ret = onnx_add_init(c, suffix, 1, wd, bt && bt->data && !p ?
				       bt->data : zero, bn);
		}
		if (!ret)
			ret = add_one(c, CIM_NODE_SLICE, inputs, 1, &sa, xs);
		ins[0] = xs;
		ins[1] = wn;
		ins[2] = bn;
		if (!ret)
			ret = add_one(c, CIM_NODE_CONV, ins, 3, attr, p ? part : acc[0]);
		if (ret || !p)
			continue;
		snprintf(acc[p & 1], NAME_LEN, "%.400s:csum%u", output, p);
		ins[0] = acc[(p - 1) & 1];
		ins[1] = part;
		ret = add_one(c, CIM_NODE_ADD, ins, 2, NULL,
			      p + 1 == parts ? output : acc[p & 1]);
	}
	free(wp);
	free(zero);
	return ret;
}

/*
 * A convolution (or a batch norm, which may become one) over a fixed
 * batch of N > 1 samples: the graph's convolutions take one sample
 * (docs/compiler.md), so each sample is sliced out, convolved with the
 * same weights, and the results are concatenated along axis 0.
 */
static int add_per_sample(struct onnx_ctx *c, enum cim_node_op op,
			  const char *const *inputs, uint32_t n,
			  const union cim_node_attrs *attr, const char *output,
			  uint32_t batch)
{
	char part[2][NAME_LEN], acc[2][NAME_LEN];
	const char *ins[CIM_MAX_NODE_INPUTS], *cat[2];
	union cim_node_attrs sa = { 0 }, ca = { .axis = 0 };
	uint32_t s;
	int ret = 0;

	if (batch > MAX_FIXED_BATCH)
		return onnx_node_err(c, "a fixed batch of %u samples (more than %d) is not supported: export with a symbolic batch dimension",
				     batch, MAX_FIXED_BATCH);
	memcpy(ins, inputs, n * sizeof(*ins));
	for (s = 0; s < batch && !ret; s++) {
		snprintf(part[0], NAME_LEN, "%.400s:s%u", output, s);
		snprintf(part[1], NAME_LEN, "%.400s:y%u", output, s);
		sa.slice.axis = 0;
		sa.slice.start = s;
		sa.slice.step = 1;
		sa.slice.len = 1;
		ret = add_one(c, CIM_NODE_SLICE, inputs, 1, &sa, part[0]);
		ins[0] = part[0];
		if (!ret && op == CIM_NODE_CONV)
			ret = add_conv(c, ins, n, attr, part[1]);
		else if (!ret)
			ret = add_one(c, op, ins, n, attr, part[1]);
		if (ret || !s) {
			snprintf(acc[0], NAME_LEN, "%s", part[1]);
			continue;
		}
		/* acc = concat(acc, part): the last one is the output */
		snprintf(acc[1], NAME_LEN, "%.400s:c%u", output, s);
		cat[0] = acc[0];
		cat[1] = part[1];
		ret = add_one(c, CIM_NODE_CONCAT, cat, 2, &ca,
			      s + 1 == batch ? output : acc[1]);
		memcpy(acc[0], acc[1], NAME_LEN);
	}
	return ret;
}

static int add(struct onnx_ctx *c, enum cim_node_op op, const char *const *inputs,
	       uint32_t n, const union cim_node_attrs *attr, const char *output)
{
	const struct cim_tensor *x;

	if (!output)
		output = c->out_over ? c->out_over : c->node->output[0];
	if ((op == CIM_NODE_CONV || op == CIM_NODE_BATCHNORM) && n >= 1 &&
	    (x = tensor(c, inputs[0])) && x->rank >= 2 && x->dims[0] > 1)
		return add_per_sample(c, op, inputs, n, attr, output, x->dims[0]);
	if (op == CIM_NODE_CONV)
		return add_conv(c, inputs, n, attr, output);
	return add_one(c, op, inputs, n, attr, output);
}

/* An initializer "<node output>:<suffix>" with the given contents. */
static int add_init(struct onnx_ctx *c, const char *suffix, uint32_t rank,
		    const uint32_t *dims, const float *data, char *name)
{
	int ret;

	snprintf(name, NAME_LEN, "%.400s:%s", c->node->output[0], suffix);
	ret = cim_graph_add_initializer(c->g, name, rank, dims, data);
	if (ret == -EINVAL)
		return onnx_node_err(c, "%s", cim_graph_error(c->g));
	return ret < 0 ? ret : 0;
}

/* The constant called name as floats (*f) or, with f NULL, integers (*v). */
static int const_values(struct onnx_ctx *c, const char *name, float **f,
			int64_t **v, int *n)
{
	const Onnx__TensorProto *t = onnx_const(c, name);
	const char *why;

	if (!t)
		return onnx_node_err(c, "input \"%.100s\" must be a constant", name);
	*n = f ? onnx_tensor_floats(t, f, &why) : onnx_tensor_ints(t, v, &why);
	if (*n == -ENOMEM)
		return -ENOMEM;
	if (*n < 0)
		return onnx_node_err(c, "constant \"%.100s\" %s", name, why);
	return 0;
}

/* The attribute name has the value v, which the card does not support. */
static int unsupported(struct onnx_ctx *c, const char *name, int64_t v)
{
	return onnx_node_err(c, "%s=%lld is not supported", name, (long long)v);
}

/* auto_pad: 0 NOTSET, 1 VALID, 2 SAME_UPPER, 3 SAME_LOWER. */
static int auto_pad_mode(struct onnx_ctx *c, int *mode)
{
	static const char *const modes[] = { "NOTSET", "VALID", "SAME_UPPER",
		"SAME_LOWER" };
	char s[32] = "NOTSET";
	int ret = onnx_attr_string(c, "auto_pad", s, sizeof(s));

	for (*mode = 0; !ret && *mode < 4; (*mode)++)
		if (!strcmp(s, modes[*mode]))
			return 0;
	return ret ? ret : onnx_node_err(c, "auto_pad=%s is not supported", s);
}

/*
 * kernel_shape, strides, pads, dilations of a 2-D window over an input
 * of in[0] x in[1]; kernel defaults to kdef (NULL: required).  With
 * ceil_mode the end pads grow so that the output size rounds up, as
 * long as the last window starts inside the input or its begin padding
 * (the rule of ONNX and PyTorch).
 */
static int window_attrs(struct onnx_ctx *c, const uint32_t *in,
			const uint32_t *kdef, int ceil_mode, uint32_t *kernel,
			uint32_t *stride, uint32_t *pad, uint32_t *dil)
{
	int64_t k[4] = { 0, 0 }, s[4] = { 1, 1 }, p[4] = { 0 }, d[4] = { 1, 1 };
	size_t nk = 2, ns = 2, np = 4, nd = 2, i;
	int mode, ret;

	/* a 1-D window (input [N, C, 1, L], see onnx_lower.c) */
	if (c->spatial == 1) {
		nk = ns = nd = 1;
		np = 2;
	}

	ret = auto_pad_mode(c, &mode);
	if (!ret)
		ret = onnx_attr_ints(c, "kernel_shape", k, 4, &nk);
	if (!ret)
		ret = onnx_attr_ints(c, "strides", s, 4, &ns);
	if (!ret)
		ret = onnx_attr_ints(c, "pads", p, 4, &np);
	if (!ret)
		ret = onnx_attr_ints(c, "dilations", d, 4, &nd);
	if (ret)
		return ret;
	if (!kdef && !onnx_attr(c, "kernel_shape"))
		return onnx_node_err(c, "attribute kernel_shape is missing");
	if (kdef && !onnx_attr(c, "kernel_shape"))
		for (i = 0; i < 2; i++)
			k[i] = c->spatial == 1 ? kdef[1] : kdef[i];
	if (c->spatial == 1 && nk == 1 && ns == 1 && np == 2 && nd == 1) {
		k[1] = k[0];
		k[0] = 1;
		s[1] = s[0];
		s[0] = 1;
		d[1] = d[0];
		d[0] = 1;
		p[3] = p[1];
		p[1] = p[0];
		p[0] = p[2] = 0;
		nk = ns = nd = 2;
		np = 4;
	}
	if (nk != 2 || ns != 2 || np != 4 || nd != 2)
		return onnx_node_err(c, "only 1-D and 2-D windows are supported");
	for (i = 0; i < 2; i++) {
		if (k[i] < 1 || k[i] > 1 << 16 || s[i] < 1 || s[i] > 1 << 16 ||
		    d[i] < 1 || d[i] > 1 << 16)
			return onnx_node_err(c, "kernel_shape, strides or dilations out of range");
		kernel[i] = (uint32_t)k[i];
		stride[i] = (uint32_t)s[i];
		if (dil)
			dil[i] = (uint32_t)d[i];
		else if (d[i] != 1)
			return onnx_node_err(c, "dilations other than 1 are not supported for pools");
	}
	for (i = 0; i < 4; i++) {
		if (p[i] < 0 || p[i] > 1 << 16 || (mode && p[i]))
			return onnx_node_err(c, "pads value %lld is not supported",
					     (long long)p[i]);
		pad[i] = (uint32_t)p[i];
	}
	for (i = 0; i < 2 && mode >= 2; i++) {	/* SAME_*: output = ceil(in / s) */
		int64_t out = (in[i] + s[i] - 1) / s[i];
		int64_t tot = (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i];

		tot = tot > 0 ? tot : 0;
		pad[i] = (uint32_t)(mode == 2 ? tot / 2 : tot - tot / 2);
		pad[2 + i] = (uint32_t)tot - pad[i];
	}
	for (i = 0; i < 2 && ceil_mode; i++) {
		int64_t span = (k[i] - 1) * d[i] + 1;
		int64_t tot = (int64_t)in[i] + pad[i] + pad[2 + i] - span;
		int64_t out;

		/*
		 * A window larger than the padded input still gives one
		 * output when it starts inside: ceil(tot / s) + 1 = 1 for
		 * -s < tot < 0 (squeezenet1_1's last pool on a 2x2 map).
		 */
		if (tot <= -s[i])
			continue;	/* the shape check reports it */
		out = tot < 0 ? 1 : (tot + s[i] - 1) / s[i] + 1;
		if ((out - 1) * s[i] >= (int64_t)in[i] + pad[i])
			out--;
		if ((out - 1) * s[i] + span > (int64_t)in[i] + pad[i] + pad[2 + i])
			pad[2 + i] = (uint32_t)((out - 1) * s[i] + span - in[i] - pad[i]);
	}
	return 0;
}

static int op_conv(struct onnx_ctx *c)
{
	static const char *const known[] = { "auto_pad", "dilations", "group",
		"kernel_shape", "pads", "strides", NULL };
	const char *ins[3] = { in_name(c, 0), in_name(c, 1), in_name(c, 2) };
	union cim_node_attrs a = { 0 };
	const struct cim_tensor *w;
	int64_t group = 1;
	int ret;

	const struct cim_tensor *x;
	uint32_t kdef[2];

	ret = check_node(c, known, 2, 3);
	if (!ret)
		ret = onnx_need_tensor(c, 0, &x);
	if (!ret)
		ret = onnx_need_tensor(c, 1, &w);
	if (!ret && (w->rank != 4 || x->rank != 4))
		ret = onnx_node_err(c, "only 2-D convolutions are supported (weights of rank %u)",
				    w->rank);
	if (ret)
		return ret;
	kdef[0] = w->dims[2];
	kdef[1] = w->dims[3];
	ret = window_attrs(c, x->dims + 2, kdef, 0, a.conv.kernel, a.conv.stride,
			   a.conv.pad, a.conv.dilation);
	if (!ret)
		ret = onnx_attr_int(c, "group", &group);
	if (ret)
		return ret;
	if (group < 1 || group > 1 << 20)
		return unsupported(c, "group", group);
	a.conv.group = (uint32_t)group;
	return add(c, CIM_NODE_CONV, ins, ins[2] ? 3 : 2, &a, NULL);
}

static int legacy_is_test(struct onnx_ctx *c);

static int op_batchnorm(struct onnx_ctx *c)
{
	static const char *const known[] = { "epsilon", "momentum",
		"training_mode", "spatial", "is_test", NULL };
	const char *ins[5];
	union cim_node_attrs a = { .epsilon = 1e-5f };
	int64_t training = 0, spatial = 1;
	float momentum = 0.9f;
	size_t i;
	int ret;

	ret = check_node(c, known, 5, 5);
	if (!ret)
		ret = onnx_attr_float(c, "epsilon", &a.epsilon);
	if (!ret)
		ret = onnx_attr_float(c, "momentum", &momentum);
	if (!ret)
		ret = onnx_attr_int(c, "training_mode", &training);
	if (!ret && !training)
		ret = one_output(c);
	if (!ret)
		ret = onnx_attr_int(c, "spatial", &spatial);
	if (ret)
		return ret;
	if (training && c->opset >= 14 && !c->in_over[0] && !c->out_over)
		return onnx_bn_runtime(c, a.epsilon, 1, momentum);
	if (training)
		return unsupported(c, "training_mode", training);
	ret = legacy_is_test(c);
	if (ret)
		return ret;
	if (spatial != 1)
		return unsupported(c, "spatial", spatial);
	for (i = 0; i < 5; i++)
		ins[i] = in_name(c, i);
	for (i = 1; i < 5; i++)	/* a parameter computed at run time */
		if (ins[i] && !onnx_const(c, ins[i]) && tensor(c, ins[i]))
			return onnx_bn_runtime(c, a.epsilon, 0, 0);
	return add(c, CIM_NODE_BATCHNORM, ins, 5, &a, NULL);
}

static int op_unary(struct onnx_ctx *c, int op)
{
	static const char *const known[] = { NULL };
	const char *x = in_name(c, 0);
	int ret = check_node(c, known, 1, 1);

	return ret ? ret : add(c, op, &x, 1, NULL, NULL);
}

static int clip_bound(struct onnx_ctx *c, size_t i, float *v)
{
	const char *name = in_name(c, i);
	float *f;
	int n, ret;

	if (!name)
		return 0;
	ret = const_values(c, name, &f, NULL, &n);
	if (ret)
		return ret;
	if (n != 1)
		ret = onnx_node_err(c, "input \"%.100s\" must be a scalar", name);
	else
		*v = f[0];
	free(f);
	return ret;
}

/* Clip's bound i is given and computed at run time. */
static int clip_runtime(struct onnx_ctx *c, size_t i)
{
	const char *name = in_name(c, i);

	return name && !onnx_const(c, name);
}

/*
 * A bound computed at run time: y = min(max(x, lo), hi) as MAX and MIN
 * nodes (ONNX's order: a min above max gives max); a constant bound is
 * a one-sided CLIP.
 */
static int clip_rt(struct onnx_ctx *c)
{
	char mid[ONNX_NAME_LEN];
	const char *cur = in_name(c, 0);
	int ret = 0, i, last = in_name(c, 2) ? 2 : 1;

	snprintf(mid, sizeof(mid), "%.400s:lo", c->node->output[0]);
	for (i = 1; i <= last && !ret; i++) {
		const char *b = in_name(c, (size_t)i), *ins[2] = { cur, b };
		const char *out = i == last ? NULL : mid;
		union cim_node_attrs a = { .clip = { -FLT_MAX, FLT_MAX } };
		const struct cim_tensor *t;

		if (!b)
			continue;
		if (clip_runtime(c, (size_t)i)) {
			ret = onnx_need_tensor(c, (size_t)i, &t);
			if (!ret && t->size != 1)
				ret = onnx_node_err(c, "input \"%.100s\" must be a scalar", b);
			if (!ret)
				ret = add(c, i == 1 ? CIM_NODE_MAX : CIM_NODE_MIN, ins, 2,
					  NULL, out);
		} else {
			ret = clip_bound(c, (size_t)i, i == 1 ? &a.clip.min : &a.clip.max);
			if (!ret)
				ret = add(c, CIM_NODE_CLIP, &cur, 1, &a, out);
		}
		cur = mid;
	}
	return ret;
}

static int op_clip(struct onnx_ctx *c)
{
	static const char *const known[] = { "min", "max", NULL };
	union cim_node_attrs a = { .clip = { -FLT_MAX, FLT_MAX } };
	const char *x = in_name(c, 0);
	int ret;

	ret = check_node(c, known, 1, 3);
	/* opset < 11 has attributes, 11+ inputs; accept either */
	if (!ret)
		ret = onnx_attr_float(c, "min", &a.clip.min);
	if (!ret)
		ret = onnx_attr_float(c, "max", &a.clip.max);
	if (!ret && (clip_runtime(c, 1) || clip_runtime(c, 2)))
		return clip_rt(c);
	if (!ret)
		ret = clip_bound(c, 1, &a.clip.min);
	if (!ret)
		ret = clip_bound(c, 2, &a.clip.max);
	return ret ? ret : add(c, CIM_NODE_CLIP, &x, 1, &a, NULL);
}

static int op_pool(struct onnx_ctx *c, int op)
{
	static const char *const known_max[] = { "auto_pad", "ceil_mode",
		"dilations", "kernel_shape", "pads", "storage_order", "strides", NULL };
	static const char *const known_avg[] = { "auto_pad", "ceil_mode",
		"count_include_pad", "kernel_shape", "pads", "strides", NULL };
	union cim_node_attrs a = { 0 };
	const char *x = in_name(c, 0);
	int64_t ceil_mode = 0, cip = 0, order = 0;
	const struct cim_tensor *xt;
	uint32_t given[4], dil[2] = { 1, 1 };
	int ret;

	/* MaxPool's Indices (output 1) of a plain 2-D pool: MAXPOOL_INDEX */
	int idx = op == CIM_NODE_MAXPOOL && c->node->n_output == 2 && !c->out_over &&
		  c->node->output[1] && *c->node->output[1];

	ret = check_node(c, op == CIM_NODE_MAXPOOL ? known_max : known_avg, 1, 1);
	if (!ret && !idx)
		ret = one_output(c);
	if (!ret)
		ret = onnx_need_tensor(c, 0, &xt);
	if (!ret && xt->rank != 4)
		ret = onnx_node_err(c, "only 2-D pools are supported (input of rank %u)",
				    xt->rank);
	if (!ret)
		ret = onnx_attr_int(c, "ceil_mode", &ceil_mode);
	if (!ret)
		ret = onnx_attr_int(c, "count_include_pad", &cip);
	if (!ret)
		ret = onnx_attr_int(c, "storage_order", &order);
	if (!ret)
		ret = window_attrs(c, xt->dims + 2, NULL, 0, a.pool.kernel,
				   a.pool.stride, given, op == CIM_NODE_MAXPOOL ? dil : NULL);
	if (!ret)
		ret = window_attrs(c, xt->dims + 2, NULL, ceil_mode != 0,
				   a.pool.kernel, a.pool.stride, a.pool.pad,
				   op == CIM_NODE_MAXPOOL ? dil : NULL);
	if (ret)
		return ret;
	/* storage_order orders the indices only; 1 is column-major */
	if (order != 0 && order != 1)
		return unsupported(c, "storage_order", order);
	if (idx && (dil[0] != 1 || dil[1] != 1))
		return onnx_node_err(c, "the indices of a dilated pool are not supported");
	if (op == CIM_NODE_MAXPOOL && (dil[0] != 1 || dil[1] != 1))
		return onnx_lower_dilated_maxpool(c, xt, a.pool.kernel, a.pool.stride,
						  a.pool.pad, dil);
	if (idx) {
		union cim_node_attrs ia = a;

		ia.pool.count_include_pad = order != 0;
		ret = add(c, CIM_NODE_MAXPOOL_INDEX, &x, 1, &ia, c->node->output[1]);
		if (ret)
			return ret;
	}
	/* PyTorch divides by the window clipped to input + pads, not ceil's */
	if (op == CIM_NODE_AVGPOOL && cip && memcmp(given, a.pool.pad, sizeof(given)))
		return onnx_node_err(c, "ceil_mode=1 with count_include_pad=1 is not supported when it adds padding");
	a.pool.count_include_pad = cip != 0;
	return add(c, op, &x, 1, &a, NULL);
}

/*
 * Flatten, Softmax: the one input into *x and the attribute axis (given
 * its default) made non-negative; axis may be x's rank where end_ok.
 */
static int axis_input(struct onnx_ctx *c, const struct cim_tensor **x,
		      int64_t *axis, int end_ok)
{
	static const char *const known[] = { "axis", NULL };
	int64_t rank;
	int ret;

	ret = one_tensor_input(c, known, x);
	if (!ret)
		ret = onnx_attr_int(c, "axis", axis);
	if (ret)
		return ret;
	rank = (*x)->rank;
	if (*axis < -rank || *axis > (end_ok ? rank : rank - 1))
		return onnx_node_err(c, "axis %lld is out of range", (long long)*axis);
	if (*axis < 0)
		*axis += rank;
	return 0;
}

static int op_flatten(struct onnx_ctx *c)
{
	union cim_node_attrs a = { 0 };
	const struct cim_tensor *x;
	const char *xn = in_name(c, 0);
	int64_t axis = 1, outer = 1;
	uint32_t d;
	int ret;

	ret = axis_input(c, &x, &axis, 1);
	if (ret)
		return ret;
	for (d = 0; d < axis; d++)
		outer *= x->dims[d];
	a.reshape.rank = 2;
	a.reshape.shape[0] = outer;
	a.reshape.shape[1] = -1;
	return add(c, CIM_NODE_RESHAPE, &xn, 1, &a, NULL);
}

static int op_reshape(struct onnx_ctx *c)
{
	static const char *const known[] = { "allowzero", NULL };
	static const char *const known4[] = { "shape", NULL };
	union cim_node_attrs a = { 0 };
	const char *xn = in_name(c, 0);
	int64_t allowzero = 0, *shape;
	int ret, n, i;

	if (c->opset < 5) {	/* Reshape-1: the shape is an attribute */
		const Onnx__AttributeProto *sa = onnx_attr(c, "shape");

		ret = check_node(c, known4, 1, 1);
		if (!ret && (!sa || sa->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS))
			ret = onnx_node_err(c, "attribute shape is missing or not INTS");
		if (ret)
			return ret;
		n = (int)(sa->n_ints > CIM_MAX_RANK + 1 ? CIM_MAX_RANK + 1 : sa->n_ints);
		shape = malloc((n ? (size_t)n : 1) * sizeof(*shape));
		if (!shape)
			return -ENOMEM;
		memcpy(shape, sa->ints, (size_t)n * sizeof(*shape));
	} else {
		ret = check_node(c, known, 2, 2);
		if (!ret)
			ret = onnx_attr_int(c, "allowzero", &allowzero);
		if (!ret)
			ret = const_values(c, in_name(c, 1), NULL, &shape, &n);
	}
	if (ret)
		return ret;
	if (n < 1 || n > CIM_MAX_RANK)
		ret = onnx_node_err(c, "target rank %d is not supported (1 to %d)",
				    n, CIM_MAX_RANK);
	for (i = 0; !ret && i < n; i++) {
		if (allowzero && shape[i] == 0)
			ret = onnx_node_err(c, "allowzero=1 with a 0 dimension is not supported");
		a.reshape.shape[i] = shape[i];
	}
	free(shape);
	a.reshape.rank = (uint32_t)n;
	return ret ? ret : add(c, CIM_NODE_RESHAPE, &xn, 1, &a, NULL);
}

static int op_concat(struct onnx_ctx *c)
{
	static const char *const known[] = { "axis", NULL };
	const char *ins[CIM_MAX_NODE_INPUTS];
	char mid[2][NAME_LEN];
	union cim_node_attrs a = { 0 };
	int64_t axis = 0;
	size_t i, n = c->node->n_input, at = 0, k = 0;
	int ret;

	ret = onnx_attrs_known(c, known);
	if (ret)
		return ret;
	if (c->opset < 4)
		axis = 1;	/* Concat-1's default */
	else if (!onnx_attr(c, "axis"))
		return onnx_node_err(c, "attribute axis is missing");
	ret = onnx_attr_int(c, "axis", &axis);
	if (ret)
		return ret;
	if (n < 1)
		return onnx_node_err(c, "has no inputs");
	for (i = 0; i < n; i++)
		if (!in_name(c, i))
			return onnx_node_err(c, "input %zu is missing", i);
	if (axis < -CIM_MAX_RANK || axis >= CIM_MAX_RANK)
		return onnx_node_err(c, "axis %lld is out of range", (long long)axis);
	a.axis = (int32_t)axis;
	/* more inputs than a node takes: a chain of concatenations */
	while (!ret) {
		size_t take = n - at;
		const char *out = NULL;

		if (k)
			ins[0] = mid[(k - 1) & 1];
		if (take > CIM_MAX_NODE_INPUTS - (k ? 1 : 0))
			take = CIM_MAX_NODE_INPUTS - (k ? 1 : 0);
		for (i = 0; i < take; i++)
			ins[i + (k ? 1 : 0)] = in_name(c, at + i);
		at += take;
		if (at < n) {
			snprintf(mid[k & 1], NAME_LEN, "%.400s:part%zu",
				 c->node->output[0], k);
			out = mid[k & 1];
		}
		ret = add(c, CIM_NODE_CONCAT, ins, (uint32_t)(take + (k ? 1 : 0)),
			  &a, out);
		if (at == n)
			break;
		k++;
	}
	return ret;
}

static int op_transpose(struct onnx_ctx *c)
{
	static const char *const known[] = { "perm", NULL };
	union cim_node_attrs a = { 0 };
	int64_t perm[CIM_MAX_RANK];
	const struct cim_tensor *x;
	const char *xn = in_name(c, 0);
	size_t n = 0, i;
	int ret;

	ret = one_tensor_input(c, known, &x);
	if (!ret)
		ret = onnx_attr_ints(c, "perm", perm, CIM_MAX_RANK, &n);
	if (ret)
		return ret;
	if (!onnx_attr(c, "perm")) {	/* default: reverse the axes */
		n = x->rank;
		for (i = 0; i < n; i++)
			perm[i] = (int64_t)(n - 1 - i);
	}
	if (n != x->rank)
		return onnx_node_err(c, "perm has %zu entries for rank %u", n, x->rank);
	for (i = 0; i < n; i++) {
		if (perm[i] < 0 || perm[i] >= (int64_t)n)
			return onnx_node_err(c, "perm entry %lld is out of range",
					     (long long)perm[i]);
		a.perm[i] = (uint32_t)perm[i];
	}
	return add(c, CIM_NODE_TRANSPOSE, &xn, 1, &a, NULL);
}

static int op_softmax(struct onnx_ctx *c)
{
	union cim_node_attrs a = { 0 };
	const struct cim_tensor *x;
	const char *xn = in_name(c, 0);
	int64_t axis = c->opset >= 13 ? -1 : 1, inner = 1;
	uint32_t d;
	int ret;

	ret = axis_input(c, &x, &axis, 0);
	if (ret)
		return ret;
	/* Before opset 13 Softmax spans every axis from `axis` on. */
	for (d = (uint32_t)axis + 1; c->opset < 13 && d < x->rank; d++)
		inner *= x->dims[d];
	if (inner != 1)
		return onnx_node_err(c, "axis=%lld over several dimensions (opset < 13) is not supported",
				     (long long)axis);
	a.axis = (int32_t)axis;
	return add(c, CIM_NODE_SOFTMAX, &xn, 1, &a, NULL);
}

/* A boolean constant holding false (raw byte or int32 field). */
static int const_false(const Onnx__TensorProto *t)
{
	if (!t || t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__BOOL ||
	    onnx_tensor_size(t) != 1)
		return 0;
	if (t->has_raw_data)
		return t->raw_data.len == 1 && !t->raw_data.data[0];
	return t->n_int32_data == 1 && !t->int32_data[0];
}

/* Before opset 7, BatchNormalization and Dropout default to training. */
static int legacy_is_test(struct onnx_ctx *c)
{
	int64_t is_test = 0;
	int ret;

	if (c->opset >= 7)
		return 0;
	ret = onnx_attr_int(c, "is_test", &is_test);
	if (!ret && !is_test)
		ret = onnx_node_err(c, "is_test=0 (training mode, the default before opset 7) is not supported");
	return ret;
}

/*
 * Dropout's mask (output 1, opset 12+ or 7-): in inference mode every
 * element is kept, a constant of true (1) in x's shape.  Output 2 and
 * more do not exist.
 */
static int dropout_mask(struct onnx_ctx *c)
{
	const struct cim_tensor *x = tensor(c, onnx_resolve(c, in_name(c, 0)));
	int64_t dims[CIM_MAX_RANK];
	float *ones;
	uint32_t d;
	uint64_t i;
	int ret;

	if (c->node->n_output > 2)
		return onnx_node_err(c, "has %zu outputs, at most 2", c->node->n_output);
	if (c->node->n_output < 2 || !c->node->output[1] || !*c->node->output[1])
		return 0;
	if (!x)
		return onnx_node_err(c, "the mask of a constant input is not supported");
	ones = malloc(x->size * sizeof(*ones));
	if (!ones)
		return -ENOMEM;
	for (i = 0; i < x->size; i++)
		ones[i] = 1;
	for (d = 0; d < x->rank; d++)
		dims[d] = x->dims[d];
	ret = onnx_publish_floats(c, c->node->output[1], x->rank, dims, ones, x->size);
	free(ones);
	return ret;
}

/* Identity and inference-mode Dropout: the output is the input. */
static int op_passthrough(struct onnx_ctx *c, int dropout)
{
	static const char *const known_id[] = { NULL };
	static const char *const known_do[] = { "ratio", "seed", "is_test", NULL };
	int ret;

	ret = check_node(c, dropout ? known_do : known_id, 1, dropout ? 3 : 1);
	if (!ret && !dropout)
		ret = one_output(c);
	if (ret)
		return ret;
	if (dropout && in_name(c, 2) && !const_false(onnx_const(c, in_name(c, 2))))
		return onnx_node_err(c, "training_mode must be a constant false");
	if (dropout && (ret = legacy_is_test(c)))
		return ret;
	if (dropout && (ret = dropout_mask(c)))
		return ret;
	if (!tensor(c, in_name(c, 0)) && !onnx_const(c, in_name(c, 0)))
		return onnx_node_err(c, "input \"%.100s\" is not defined before the node",
				     in_name(c, 0));
	return onnx_add_alias(c, c->node->output[0], in_name(c, 0));
}

/*
 * Cast of a runtime tensor: the graph computes in float32, so a cast to
 * float32 or double is the identity; to float16 or bfloat16 a rounding;
 * to an integer type a TO_INT (truncation and wrap, onnx_int.c); to
 * bool or string it is not supported.
 */
static int op_cast(struct onnx_ctx *c)
{
	static const char *const known[] = { "to", "saturate", NULL };
	int64_t to = 0;
	int ret = check_node(c, known, 1, 1);

	if (!ret)
		ret = onnx_attr_int(c, "to", &to);
	if (ret)
		return ret;
	if (!tensor(c, in_name(c, 0)))
		return onnx_node_err(c, "input \"%.100s\" is not defined before the node",
				     in_name(c, 0));
	if (to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 ||
	    to == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16) {
		union cim_node_attrs a = { .unary = {
			to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 ?
			CIM_UNARY_ROUND_F16 : CIM_UNARY_ROUND_BF16, 0, 0 } };
		const char *x = in_name(c, 0);

		return add(c, CIM_NODE_UNARY, &x, 1, &a, NULL);
	}
	if (onnx_is_int_type((int32_t)to))
		return onnx_add_to_int(c, in_name(c, 0), (int32_t)to, NULL);
	if (to != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
	    to != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
		return onnx_node_err(c, "a cast of a runtime tensor to data type %lld is not supported (only to floating-point and integer types, computed in float32)",
				     (long long)to);
	return onnx_add_alias(c, c->node->output[0], in_name(c, 0));
}

/* A Constant's value: "value" (a tensor) or, from opset 12, value_*. */
static int op_constant(struct onnx_ctx *c)
{
	static const char *const known[] = { "value", "value_float",
		"value_floats", "value_int", "value_ints", NULL };
	static const Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
	const Onnx__AttributeProto *v;
	Onnx__TensorProto *t, **o;
	int ret;

	ret = onnx_attrs_known(c, known);
	if (ret)
		return ret;
	if (c->node->n_attribute != 1)
		return onnx_node_err(c, "needs exactly one value attribute");
	v = c->node->attribute[0];
	if (!strcmp(v->name, "value")) {
		if (v->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR || !v->t)
			return onnx_node_err(c, "attribute value is not a tensor");
		return onnx_publish_const(c, c->node->output[0], v->t);
	}
	/* value_*: a TensorProto pointing into the attribute's arrays */
	t = malloc(sizeof(*t));
	o = realloc(c->owned, (c->n_owned + 1) * sizeof(*o));
	if (o)
		c->owned = o;
	if (!t || !o) {
		free(t);
		return -ENOMEM;
	}
	*t = init;
	t->has_data_type = 1;
	t->name = strdup(c->node->output[0]);
	t->dims = malloc(sizeof(int64_t));
	if (!t->name || !t->dims) {
		free(t->name);
		free(t->dims);
		free(t);
		return -ENOMEM;
	}
	c->owned[c->n_owned++] = t;
	switch (v->type) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
		t->float_data = malloc(sizeof(float));
		if (!t->float_data)
			return -ENOMEM;
		t->float_data[0] = v->f;
		t->n_float_data = 1;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
		t->int64_data = malloc(sizeof(int64_t));
		if (!t->int64_data)
			return -ENOMEM;
		t->int64_data[0] = v->i;
		t->n_int64_data = 1;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
		t->float_data = malloc((v->n_floats + 1) * sizeof(float));
		if (!t->float_data)
			return -ENOMEM;
		memcpy(t->float_data, v->floats, v->n_floats * sizeof(float));
		t->n_float_data = v->n_floats;
		t->n_dims = 1;
		t->dims[0] = (int64_t)v->n_floats;
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
		t->int64_data = malloc((v->n_ints + 1) * sizeof(int64_t));
		if (!t->int64_data)
			return -ENOMEM;
		memcpy(t->int64_data, v->ints, v->n_ints * sizeof(int64_t));
		t->n_int64_data = v->n_ints;
		t->n_dims = 1;
		t->dims[0] = (int64_t)v->n_ints;
		break;
	default:
		return onnx_node_err(c, "attribute %s has an unsupported type", v->name);
	}
	return onnx_publish_const(c, t->name, t);
}

/* Each ONNX operator: its translator, or one shared with an argument. */
static const struct {
	const char *name;
	int (*fn)(struct onnx_ctx *c);
	int (*fn_arg)(struct onnx_ctx *c, int arg);
	int arg;
} onnx_ops[] = {
	{ "Conv", .fn = op_conv },
	{ "Gemm", .fn = onnx_op_gemm },
	{ "MatMul", .fn = onnx_op_matmul },
	{ "BatchNormalization", .fn = op_batchnorm },
	{ "Relu", .fn_arg = op_unary, .arg = CIM_NODE_RELU },
	{ "GlobalAveragePool", .fn_arg = op_unary, .arg = CIM_NODE_GLOBAL_AVGPOOL },
	{ "Clip", .fn = op_clip },
	{ "MaxPool", .fn_arg = op_pool, .arg = CIM_NODE_MAXPOOL },
	{ "AveragePool", .fn_arg = op_pool, .arg = CIM_NODE_AVGPOOL },
	{ "Flatten", .fn = op_flatten },
	{ "Reshape", .fn = op_reshape },
	{ "Concat", .fn = op_concat },
	{ "Transpose", .fn = op_transpose },
	{ "Softmax", .fn = op_softmax },
	{ "Identity", .fn_arg = op_passthrough, .arg = 0 },
	{ "Dropout", .fn_arg = op_passthrough, .arg = 1 },
	{ "Constant", .fn = op_constant },
	{ "Cast", .fn = op_cast },
};

int onnx_import_node(struct onnx_ctx *c)
{
	int ret;

	if (onnx_lower(c, &ret))
		return ret;
	return onnx_translate(c);
}

int onnx_translate(struct onnx_ctx *c)
{
	const char *op = c->node->op_type;
	size_t i;

	onnx_op_fn more = onnx_qdq_op(op) ? onnx_qdq_op(op) : onnx_more_op(op);

	if (more)
		return more(c);
	for (i = 0; i < sizeof(onnx_ops) / sizeof(onnx_ops[0]); i++) {
		if (strcmp(op, onnx_ops[i].name))
			continue;
		if (onnx_ops[i].fn)
			return onnx_ops[i].fn(c);
		return onnx_ops[i].fn_arg(c, onnx_ops[i].arg);
	}
	return onnx_node_err(c, "operator %.60s is not supported", op);
}

/* Shared with onnx_ops_more.c. */
const char *onnx_in_name(struct onnx_ctx *c, size_t i)
{
	return in_name(c, i);
}

int onnx_check_node(struct onnx_ctx *c, const char *const *known, size_t lo,
		    size_t hi)
{
	return check_node(c, known, lo, hi);
}

int onnx_add_node(struct onnx_ctx *c, enum cim_node_op op,
		  const char *const *inputs, uint32_t n,
		  const union cim_node_attrs *attr, const char *output)
{
	return add(c, op, inputs, n, attr, output);
}

const struct cim_tensor *onnx_tensor(struct onnx_ctx *c, const char *name)
{
	return name ? tensor(c, name) : NULL;
}

int onnx_add_init(struct onnx_ctx *c, const char *suffix, uint32_t rank,
		  const uint32_t *dims, const float *data, char *name)
{
	return add_init(c, suffix, rank, dims, data, name);
}

/* A RESHAPE of x to dims[rank] called out (NULL: the node's output). */
int onnx_add_reshape(struct onnx_ctx *c, const char *x, uint32_t rank,
		     const uint32_t *dims, const char *out)
{
	union cim_node_attrs a = { 0 };
	uint32_t d;

	a.reshape.rank = rank;
	for (d = 0; d < rank; d++)
		a.reshape.shape[d] = dims[d];
	return onnx_add_node(c, CIM_NODE_RESHAPE, &x, 1, &a, out);
}
