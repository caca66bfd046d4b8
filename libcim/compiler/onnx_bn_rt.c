// SPDX-License-Identifier: MIT
/*
 * BatchNormalization whose parameters are computed at run time, or in
 * training mode: they cannot fold into stored weights, so it runs as the
 * arithmetic it is, y = (x - mean) * (scale / sqrt(var + epsilon)) +
 * bias, each [C] parameter reshaped to [C, 1, ...] to broadcast over x's
 * channels (in training mode mean and var are the batch's).
 * Float executor only: the card compiler refuses the product of two
 * run-time tensors.
 */
#include <stdio.h>
#include <string.h>

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

/* y = (x - mean) (scale / sqrt(var + eps)) + bias; mean, var [C, 1...]. */
static int normalize(struct onnx_ctx *c, float epsilon, char p[5][ONNX_NAME_LEN],
		     const char *mean, const char *var)
{
	char en[ONNX_NAME_LEN], v[ONNX_NAME_LEN], s[ONNX_NAME_LEN];
	char k[ONNX_NAME_LEN], nm[ONNX_NAME_LEN], d[ONNX_NAME_LEN], y[ONNX_NAME_LEN];
	uint32_t one = 1;
	int ret = onnx_add_init(c, "eps", 1, &one, &epsilon, en);

	if (!ret)	/* k = scale / sqrt(var + eps) */
		ret = binary(c, CIM_NODE_ADD, var, en, v, "var_eps");
	if (!ret)
		ret = unary(c, CIM_UNARY_SQRT, v, s, "std");
	if (!ret)
		ret = unary(c, CIM_UNARY_RECIPROCAL, s, k, "inv_std");
	if (!ret)
		ret = binary(c, CIM_NODE_MUL, p[1], k, s, "k");
	if (!ret)	/* y = (x - mean) k + bias */
		ret = unary(c, CIM_UNARY_NEG, mean, nm, "neg_mean");
	if (!ret)
		ret = binary(c, CIM_NODE_ADD, onnx_in_name(c, 0), nm, d, "centred");
	if (!ret)
		ret = binary(c, CIM_NODE_MUL, d, s, y, "scaled");
	return ret ? ret : binary(c, CIM_NODE_ADD, y, p[2], NULL, NULL);
}

/*
 * The mean over every axis but the channels of t (x's shape), as
 * [1, C, 1, 1]: TRANSPOSE to channels first, RESHAPE to [1, C, M, 1],
 * GLOBAL_AVGPOOL (a double accumulator).
 */
static int channel_mean(struct onnx_ctx *c, const char *t, uint32_t r,
			const uint32_t *xd, char *out, const char *suffix)
{
	union cim_node_attrs a = { 0 };
	char tn[ONNX_NAME_LEN], rn[ONNX_NAME_LEN];
	uint32_t d, m = 1, dims[4];
	int ret;

	for (d = 0; d < r; d++) {
		a.perm[d] = d == 0 ? 1 : d == 1 ? 0 : d;
		m *= d == 1 ? 1 : xd[d];
	}
	snprintf(tn, sizeof(tn), "%.400s:%s_t", c->node->output[0], suffix);
	ret = onnx_add_node(c, CIM_NODE_TRANSPOSE, &t, 1, &a, tn);
	dims[0] = 1;
	dims[1] = xd[1];
	dims[2] = m;
	dims[3] = 1;
	snprintf(rn, sizeof(rn), "%.400s:%s_r", c->node->output[0], suffix);
	if (!ret)
		ret = onnx_add_reshape(c, tn, 4, dims, rn);
	snprintf(out, ONNX_NAME_LEN, "%.400s:%s", c->node->output[0], suffix);
	return ret ? ret : onnx_add_node(c, CIM_NODE_GLOBAL_AVGPOOL,
					 (const char *const[]){ rn }, 1, NULL, out);
}

/* out = a * ka + b * kb, two [C] vectors (the running statistics). */
static int blend(struct onnx_ctx *c, const char *a, float ka, const char *b,
		 float kb, const char *out, int which)
{
	char an[ONNX_NAME_LEN], bn[ONNX_NAME_LEN], ca[ONNX_NAME_LEN], cb[ONNX_NAME_LEN];
	uint32_t one = 1;
	int ret;

	snprintf(an, sizeof(an), "%.400s:k", out);
	snprintf(bn, sizeof(bn), "%.400s:1-k", out);
	ret = onnx_add_init(c, which ? "ka1" : "ka0", 1, &one, &ka, ca);
	if (!ret)
		ret = onnx_add_init(c, which ? "kb1" : "kb0", 1, &one, &kb, cb);
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_MUL, (const char *const[]){ a, ca }, 2, NULL, an);
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_MUL, (const char *const[]){ b, cb }, 2, NULL, bn);
	return ret ? ret : onnx_add_node(c, CIM_NODE_ADD,
					 (const char *const[]){ an, bn }, 2, NULL, out);
}

/*
 * training_mode=1: the batch's statistics normalize x (population
 * variance over every axis but the channels), and outputs 1 and 2 are
 * the running mean and variance, input * momentum + batch * (1 -
 * momentum), as ONNX's reference computes them.
 */
static int bn_training(struct onnx_ctx *c, float epsilon, float momentum,
		       char p[5][ONNX_NAME_LEN], uint32_t r)
{
	char mean[ONNX_NAME_LEN], var[ONNX_NAME_LEN], mb[ONNX_NAME_LEN];
	char vb[ONNX_NAME_LEN], nm[ONNX_NAME_LEN], d[ONNX_NAME_LEN];
	char sq[ONNX_NAME_LEN], m1[ONNX_NAME_LEN], v1[ONNX_NAME_LEN];
	uint32_t xd[CIM_MAX_RANK], dims[CIM_MAX_RANK], k, ch;
	const struct cim_tensor *x = onnx_tensor(c, onnx_in_name(c, 0));
	const char *o1, *o2;
	int ret;

	if (c->node->n_output > 3)
		return onnx_node_err(c, "has %zu outputs, at most 3", c->node->n_output);
	memcpy(xd, x->dims, sizeof(xd));	/* adding nodes moves x */
	ch = xd[1];
	dims[0] = ch;
	for (k = 1; k + 1 < r; k++)
		dims[k] = 1;
	ret = channel_mean(c, onnx_in_name(c, 0), r, xd, mean, "batch_mean");
	snprintf(mb, sizeof(mb), "%.400s:batch_mean_c", c->node->output[0]);
	if (!ret)
		ret = onnx_add_reshape(c, mean, r - 1, dims, mb);
	if (!ret)
		ret = unary(c, CIM_UNARY_NEG, mb, nm, "neg_batch_mean");
	if (!ret)
		ret = binary(c, CIM_NODE_ADD, onnx_in_name(c, 0), nm, d, "batch_centred");
	if (!ret)
		ret = binary(c, CIM_NODE_MUL, d, d, sq, "batch_sq");
	if (!ret)
		ret = channel_mean(c, sq, r, xd, var, "batch_var");
	snprintf(vb, sizeof(vb), "%.400s:batch_var_c", c->node->output[0]);
	if (!ret)
		ret = onnx_add_reshape(c, var, r - 1, dims, vb);
	if (!ret)
		ret = normalize(c, epsilon, p, mb, vb);
	o1 = c->node->n_output > 1 && *c->node->output[1] ? c->node->output[1] : NULL;
	o2 = c->node->n_output > 2 && *c->node->output[2] ? c->node->output[2] : NULL;
	snprintf(m1, sizeof(m1), "%.400s:batch_mean_1", c->node->output[0]);
	snprintf(v1, sizeof(v1), "%.400s:batch_var_1", c->node->output[0]);
	if (!ret && o1)
		ret = onnx_add_reshape(c, mean, 1, &ch, m1);
	if (!ret && o1)
		ret = blend(c, onnx_in_name(c, 3), momentum, m1, 1 - momentum, o1, 0);
	if (!ret && o2)
		ret = onnx_add_reshape(c, var, 1, &ch, v1);
	if (!ret && o2)
		ret = blend(c, onnx_in_name(c, 4), momentum, v1, 1 - momentum, o2, 1);
	return ret;
}

int onnx_bn_runtime(struct onnx_ctx *c, float epsilon, int training,
		    float momentum)
{
	char p[5][ONNX_NAME_LEN];
	const struct cim_tensor *x;
	uint32_t ch, r;
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
	if (ret)
		return ret;
	if (training)
		return bn_training(c, epsilon, momentum, p, r);
	return normalize(c, epsilon, p, p[3], p[4]);
}
