// SPDX-License-Identifier: MIT
/*
 * Integer tensors at run time (a graph input of an integer type, a Cast
 * to one).  The graph computes in float32, which holds every integer
 * below 2^24 exactly; the importer remembers which run-time tensors are
 * integers and of which type, and gives ONNX's integer semantics where
 * float's differ: Add, Sub and Mul wrap modulo 2^bits and Div truncates
 * (a TO_INT after the float op; Div as a true quotient, not a * 1/b).
 * Ops that only move or compare elements keep the type.  Anything else
 * with an integer operand is refused.  The card compiler refuses TO_INT
 * (the card computes on quantized real values).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

struct onnx_int {
	char *name;
	int32_t type;
};

/* bits and lowest value of an ONNX integer type; 0 if not one */
static int int_range(int32_t type, float *bits, float *lo)
{
	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: *bits = 8; *lo = -128; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: *bits = 8; *lo = 0; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: *bits = 16; *lo = -32768; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: *bits = 16; *lo = 0; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *bits = 32; *lo = -2147483648.0f; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: *bits = 32; *lo = 0; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *bits = 64; *lo = -9223372036854775808.0f; return 1;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: *bits = 64; *lo = 0; return 1;
	}
	return 0;
}

int onnx_is_int_type(int32_t type)
{
	float b, l;

	return int_range(type, &b, &l);
}

int32_t onnx_int_of(const struct onnx_ctx *c, const char *name)
{
	size_t i;

	name = name ? onnx_resolve(c, name) : NULL;
	for (i = 0; name && i < c->n_ints; i++)
		if (!strcmp(c->ints[i].name, name))
			return c->ints[i].type;
	return 0;
}

int onnx_int_set(struct onnx_ctx *c, const char *name, int32_t type)
{
	struct onnx_int *v;

	name = onnx_resolve(c, name);
	if (onnx_int_of(c, name))
		return 0;
	v = realloc(c->ints, (c->n_ints + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->ints = v;
	v[c->n_ints].name = strdup(name);
	if (!v[c->n_ints].name)
		return -ENOMEM;
	v[c->n_ints++].type = type;
	return 0;
}

void onnx_int_free(struct onnx_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_ints; i++)
		free(c->ints[i].name);
	free(c->ints);
	c->ints = NULL;
	c->n_ints = 0;
}

/* out = TO_INT(x) of type: truncate toward zero, wrap into the type. */
int onnx_add_to_int(struct onnx_ctx *c, const char *x, int32_t type,
		    const char *out)
{
	union cim_node_attrs a = { .unary = { CIM_UNARY_TO_INT, 0, 0 } };
	int ret;

	if (!int_range(type, &a.unary.alpha, &a.unary.beta))
		return onnx_node_err(c, "data type %d is not an integer type", (int)type);
	ret = onnx_add_node(c, CIM_NODE_UNARY, &x, 1, &a, out);
	if (!ret)
		ret = onnx_int_set(c, out ? out : c->node->output[0], type);
	return ret;
}

/* Ops that move, pick or compare elements: the output keeps the type. */
static int keeps_type(const char *op)
{
	static const char *const ops[] = { "MaxPool", "GlobalMaxPool", "Clip",
		"Relu", "Pad", "Reshape", "Flatten", "Transpose", "Concat",
		"Slice", "Split", "Squeeze", "Unsqueeze", "Identity", "Expand",
		"Neg", "Abs", "ReduceMax", "Dropout", NULL };
	size_t i;

	for (i = 0; ops[i]; i++)
		if (!strcmp(op, ops[i]))
			return 1;
	return 0;
}

/* a / b of integers: a true quotient, truncated. */
static int int_div(struct onnx_ctx *c, int32_t type)
{
	char q[ONNX_NAME_LEN];
	const char *ins[2] = { onnx_in_name(c, 0), onnx_in_name(c, 1) };
	const struct cim_tensor *t;
	int ret;

	ret = onnx_check_node(c, (const char *const[]){ NULL }, 2, 2);
	if (!ret)
		ret = onnx_need_tensor(c, 0, &t);
	if (!ret)
		ret = onnx_need_tensor(c, 1, &t);
	if (ret)
		return ret;
	snprintf(q, sizeof(q), "%.400s:quot", c->node->output[0]);
	ret = onnx_add_node(c, CIM_NODE_DIV, ins, 2, NULL, q);
	return ret ? ret : onnx_add_to_int(c, q, type, NULL);
}

/*
 * Gather by run-time indices (constant ones fold at import, or the data
 * is a run-time tensor: then a GATHER node too).  The output has the
 * data's type.
 */
int onnx_op_gather(struct onnx_ctx *c)
{
	static const char *const known[] = { "axis", NULL };
	const char *ins[2] = { onnx_in_name(c, 0), onnx_in_name(c, 1) };
	union cim_node_attrs a = { 0 };
	const struct cim_tensor *x, *ix;
	int64_t axis = 0;
	int ret;

	ret = onnx_check_node(c, known, 2, 2);
	if (!ret)
		ret = onnx_attr_int(c, "axis", &axis);
	if (!ret)
		ret = onnx_need_tensor(c, 0, &x);
	if (!ret)
		ret = onnx_need_tensor(c, 1, &ix);
	if (ret)
		return ret;
	if (axis < -(int64_t)x->rank || axis >= (int64_t)x->rank)
		return onnx_node_err(c, "axis %lld is out of range for rank %u",
				     (long long)axis, x->rank);
	if (!ix->data && !onnx_int_of(c, ins[1]))
		return onnx_node_err(c, "indices \"%.100s\" must be integers", ins[1]);
	a.axis = (int32_t)(axis < 0 ? axis + x->rank : axis);
	ret = onnx_add_node(c, CIM_NODE_GATHER, ins, 2, &a, NULL);
	if (!ret && onnx_int_of(c, ins[0]))
		ret = onnx_int_set(c, c->out_over ? c->out_over : c->node->output[0],
				   onnx_int_of(c, ins[0]));
	return ret;
}

int onnx_int_node(struct onnx_ctx *c, int *ret)
{
	const char *op = c->node->op_type;
	char wide[ONNX_NAME_LEN];
	int32_t type = 0;
	size_t i;

	for (i = 0; i < c->node->n_input && !type; i++)
		type = onnx_int_of(c, c->node->input[i]);
	if (!type || !strcmp(op, "Cast") || !strcmp(op, "Shape") ||
	    !strcmp(op, "Size") || !strcmp(op, "Gather"))
		return 0;
	if (!strcmp(op, "Div")) {
		*ret = int_div(c, type);
		return 1;
	}
	if (!strcmp(op, "Add") || !strcmp(op, "Sub") || !strcmp(op, "Mul")) {
		snprintf(wide, sizeof(wide), "%.400s:wide", c->node->output[0]);
		c->out_over = wide;
		*ret = onnx_import_node(c);
		c->out_over = NULL;
		if (!*ret)
			*ret = onnx_add_to_int(c, wide, type, NULL);
		return 1;
	}
	if (!keeps_type(op)) {
		*ret = onnx_node_err(c, "integer data (data type %d) is not supported by this operator",
				     (int)type);
		return 1;
	}
	*ret = onnx_import_node(c);
	for (i = 0; !*ret && i < c->node->n_output; i++)
		if (c->node->output[i] && *c->node->output[i] &&
		    (i == 0 || strcmp(op, "Dropout")))
			*ret = onnx_int_set(c, c->node->output[i], type);
	return 1;
}
