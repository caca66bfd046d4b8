// SPDX-License-Identifier: MIT
/*
 * BatchNormalization whose parameters are computed at run time: they
 * cannot fold into stored weights, so it runs as the arithmetic it is,
 * y = (x - mean) * (scale / sqrt(var + epsilon)) + bias, each [C]
 * parameter reshaped to [C, 1, ...] to broadcast over x's channels.
 * Float executor only: the card compiler refuses the product of two
 * run-time tensors.
 */
#include <stdio.h>

#include "onnx.h"

/* A RESHAPE of parameter i ([C]) to [C, 1, ...] for x of rank r. */
static int param(struct onnx_ctx *c, size_t i, uint32_t ch, uint32_t r,
		 char *out)
{
	const struct cim_tensor *t;
	uint32_t dims[CIM_MAX_RANK], d;
	int ret = onnx_need_tensor(c, i, &t);

	if (ret)
		return ret;
	if (t->size != ch)
		return onnx_node_err(c, "input %zu has %llu values, x has %u channels",
				     i, (unsigned long long)t->size, ch);
	dims[0] = ch;
	for (d = 1; d + 1 < r; d++)
		dims[d] = 1;
	snprintf(out, ONNX_NAME_LEN, "%.400s:bn%zu", c->node->output[0], i);
	return onnx_add_reshape(c, onnx_in_name(c, i), r - 1, dims, out);
}

static int unary(struct onnx_ctx *c, uint32_t fn, const char *x, char *out,
		 const char *suffix)
{
	union cim_node_attrs a = { .unary = { fn, 0, 0 } };

	snprintf(out, ONNX_NAME_LEN, "%.400s:%s", c->node->output[0], suffix);
	return onnx_add_node(c, CIM_NODE_UNARY, &x, 1, &a, out);
}

static int binary(struct onnx_ctx *c, enum cim_node_op op, const char *a,
		  const char *b, char *out, const char *suffix)
{
	const char *ins[2] = { a, b };

	if (suffix)
		snprintf(out, ONNX_NAME_LEN, "%.400s:%s", c->node->output[0], suffix);
	return onnx_add_node(c, op, ins, 2, NULL, suffix ? out : NULL);
}

int onnx_bn_runtime(struct onnx_ctx *c, float epsilon)
{
	char p[5][ONNX_NAME_LEN], en[ONNX_NAME_LEN], v[ONNX_NAME_LEN];
	char s[ONNX_NAME_LEN], k[ONNX_NAME_LEN], nm[ONNX_NAME_LEN];
	char d[ONNX_NAME_LEN], y[ONNX_NAME_LEN];
	const struct cim_tensor *x;
	uint32_t one = 1, ch, r;
	size_t i;
	int ret = onnx_need_tensor(c, 0, &x);

	if (ret)
		return ret;
	if (x->rank < 2)
		return onnx_node_err(c, "input has rank %u, expected at least 2", x->rank);
	ch = x->dims[1];
	r = x->rank;
	for (i = 1; i < 5 && !ret; i++)
		ret = param(c, i, ch, r, p[i]);
	if (!ret)
		ret = onnx_add_init(c, "eps", 1, &one, &epsilon, en);
	if (!ret)	/* k = scale / sqrt(var + eps) */
		ret = binary(c, CIM_NODE_ADD, p[4], en, v, "var_eps");
	if (!ret)
		ret = unary(c, CIM_UNARY_SQRT, v, s, "std");
	if (!ret)
		ret = unary(c, CIM_UNARY_RECIPROCAL, s, k, "inv_std");
	if (!ret)
		ret = binary(c, CIM_NODE_MUL, p[1], k, s, "k");
	if (!ret)	/* y = (x - mean) k + bias */
		ret = unary(c, CIM_UNARY_NEG, p[3], nm, "neg_mean");
	if (!ret)
		ret = binary(c, CIM_NODE_ADD, onnx_in_name(c, 0), nm, d, "centred");
	if (!ret)
		ret = binary(c, CIM_NODE_MUL, d, s, y, "scaled");
	return ret ? ret : binary(c, CIM_NODE_ADD, y, p[2], NULL, NULL);
}
