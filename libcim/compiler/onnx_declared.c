// SPDX-License-Identifier: MIT
/*
 * Shape operands computed at run time (Reshape's shape, Squeeze's and
 * Unsqueeze's axes, Split's split, Expand's shape, ConstantOfShape's
 * input, fed as graph inputs; Slice's and Range's operands, below).  The plan is static, so the shape cannot
 * come from the value; it comes from the shape the model declares for
 * the node's outputs (a graph output or value_info with every dimension
 * fixed).  For these operators the output's
 * elements depend on the shapes alone (a reshape keeps the order, a
 * split's parts are its outputs' lengths, an expand broadcasts to its
 * output), so the result is right whenever the declaration is: it is the
 * model's statement of what the value will be.  A SHAPE_GUARD after the
 * node checks at run time that the value fed gives that shape (NaN
 * outputs when it does not).  Without a declaration the node is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

/* The fixed shape declared for name (1), or 0 if there is none. */
static int declared(const struct onnx_ctx *c, const char *name, uint32_t *rank,
		    uint32_t *dims)
{
	const Onnx__GraphProto *gp = c->gp;
	const Onnx__ValueInfoProto *vi = NULL;
	const Onnx__TypeProto__Tensor *tt;
	size_t i;

	for (i = 0; gp && i < gp->n_output && !vi; i++)
		if (gp->output[i]->name && !strcmp(gp->output[i]->name, name))
			vi = gp->output[i];
	for (i = 0; gp && i < gp->n_value_info && !vi; i++)
		if (gp->value_info[i]->name && !strcmp(gp->value_info[i]->name, name))
			vi = gp->value_info[i];
	if (!vi || !vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !(tt = vi->type->tensor_type) || !tt->shape || tt->shape->n_dim > CIM_MAX_RANK)
		return 0;
	for (i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];

		if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
		    d->dim_value < 1 || d->dim_value > (1 << 30))
			return 0;
		dims[i] = (uint32_t)d->dim_value;
	}
	*rank = (uint32_t)tt->shape->n_dim;
	if (!*rank) {		/* a scalar: one element */
		dims[0] = 1;
		*rank = 1;
	}
	return 1;
}

static uint64_t count(uint32_t rank, const uint32_t *dims)
{
	uint64_t n = 1;
	uint32_t d;

	for (d = 0; d < rank; d++)
		n *= dims[d];
	return n;
}

/*
 * out = SHAPE_GUARD(y, the operand, x): y where the value fed gives y's
 * shape by the rule kind, NaN where it does not.
 */
static int guard(struct onnx_ctx *c, const char *y, const char *operand,
		 const char *x, uint32_t kind, uint32_t axis, uint32_t part,
		 const char *out)
{
	union cim_node_attrs a = { .guard = { kind, axis, part } };
	const char *ins[3] = { y, operand, x };

	return onnx_add_node(c, CIM_NODE_SHAPE_GUARD, ins, x ? 3 : 2, &a, out);
}

/* "<name>:decl", the declared result before its guard */
static const char *decl_name(char *buf, const char *name)
{
	snprintf(buf, ONNX_NAME_LEN, "%.400s:decl", name);
	return buf;
}

static int no_declaration(struct onnx_ctx *c, const char *operand)
{
	return onnx_node_err(c, "input \"%.100s\" is computed at run time and the model declares no fixed output shape",
			     operand);
}

/* Reshape, Squeeze, Unsqueeze: a RESHAPE to the declared shape. */
static int declared_reshape(struct onnx_ctx *c, const struct cim_tensor *x)
{
	const char *op = c->node->op_type;
	uint32_t dims[CIM_MAX_RANK], rank;
	int64_t allowzero = 0;
	char dn[ONNX_NAME_LEN];
	int ret;

	if (!declared(c, c->node->output[0], &rank, dims))
		return no_declaration(c, onnx_in_name(c, 1));
	if (count(rank, dims) != x->size)
		return onnx_node_err(c, "the declared output shape has %llu elements, the input %llu",
				     (unsigned long long)count(rank, dims),
				     (unsigned long long)x->size);
	ret = onnx_attr_int(c, "allowzero", &allowzero);
	if (!ret)
		ret = onnx_add_reshape(c, onnx_in_name(c, 0), rank, dims,
				       decl_name(dn, c->node->output[0]));
	return ret ? ret : guard(c, dn, onnx_in_name(c, 1), onnx_in_name(c, 0),
				 !strcmp(op, "Reshape") ? CIM_GUARD_RESHAPE :
				 !strcmp(op, "Squeeze") ? CIM_GUARD_SQUEEZE :
				 CIM_GUARD_UNSQUEEZE, 0, allowzero != 0, NULL);
}

/* Expand: x broadcast to the declared shape, as ones * x. */
static int declared_expand(struct onnx_ctx *c, const struct cim_tensor *x)
{
	uint32_t dims[CIM_MAX_RANK], rank, d;
	char ones_name[ONNX_NAME_LEN], dn[ONNX_NAME_LEN];
	const char *ins[2] = { ones_name, onnx_in_name(c, 0) };
	float *ones;
	uint64_t i, n;
	int ret;

	if (!declared(c, c->node->output[0], &rank, dims))
		return no_declaration(c, onnx_in_name(c, 1));
	for (d = 0; d < x->rank && x->rank <= rank; d++)
		if (x->dims[d] != 1 && x->dims[d] != dims[rank - x->rank + d])
			break;
	if (x->rank > rank || d < x->rank)
		return onnx_node_err(c, "input \"%.100s\" does not broadcast to the declared output shape",
				     onnx_in_name(c, 0));
	n = count(rank, dims);
	ones = malloc(n * sizeof(*ones));
	if (!ones)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		ones[i] = 1;
	ret = onnx_add_init(c, "ones", rank, dims, ones, ones_name);
	free(ones);
	if (!ret)
		ret = onnx_add_node(c, CIM_NODE_MUL, ins, 2, NULL,
				    decl_name(dn, c->node->output[0]));
	return ret ? ret : guard(c, dn, onnx_in_name(c, 1), onnx_in_name(c, 0),
				 CIM_GUARD_EXPAND, 0, 0, NULL);
}

/* The one number of a 1-element tensor of a numeric type, or -EINVAL. */
static int one_number(const Onnx__TensorProto *t, float *v)
{
	const uint8_t *r = t->has_raw_data ? t->raw_data.data : NULL;
	uint64_t u = 0;
	size_t es, b;
	double dv;
	float f;

	switch (t->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: es = 8; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: es = 4; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: es = 2; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: es = 1; break;
	default: return -EINVAL;
	}
	if (r && t->raw_data.len == es) {
		for (b = es; b > 0; b--)
			u = u << 8 | r[b - 1];
	} else if (r) {
		return -EINVAL;
	} else if (t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && t->n_float_data == 1) {
		*v = t->float_data[0];
		return 0;
	} else if (t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE && t->n_double_data == 1) {
		*v = (float)t->double_data[0];
		return 0;
	} else if (t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 && t->n_int64_data == 1) {
		*v = (float)t->int64_data[0];
		return 0;
	} else if (t->n_int32_data == 1) {
		u = (uint32_t)t->int32_data[0];
	} else {
		return -EINVAL;
	}
	switch (t->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: memcpy(&f, &u, 4); *v = f; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: memcpy(&dv, &u, 8); *v = (float)dv; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *v = (float)(int64_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *v = (float)(int32_t)(uint32_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: *v = (int16_t)(uint16_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: *v = (int8_t)(uint8_t)u; break;
	default: *v = (float)u; break;
	}
	return 0;
}

/* ConstantOfShape: a constant of the declared shape. */
static int declared_constant(struct onnx_ctx *c)
{
	const Onnx__AttributeProto *va = onnx_attr(c, "value");
	uint32_t dims[CIM_MAX_RANK], rank;
	char vn[ONNX_NAME_LEN];
	float value = 0, *v;
	uint64_t i, n;
	int ret;

	if (!declared(c, c->node->output[0], &rank, dims))
		return no_declaration(c, onnx_in_name(c, 0));
	if (va && (!va->t || one_number(va->t, &value)))
		return onnx_node_err(c, "attribute value must hold one number");
	n = count(rank, dims);
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = value;
	ret = onnx_add_init(c, "value", rank, dims, v, vn);
	free(v);
	return ret ? ret : guard(c, vn, onnx_in_name(c, 0), NULL, CIM_GUARD_SHAPE,
				 0, 0, NULL);
}

/* Split: SLICEs of the declared output lengths along the axis. */
static int declared_split(struct onnx_ctx *c, const struct cim_tensor *x)
{
	uint32_t dims[CIM_MAX_RANK], rank, d, at = 0, xdims[CIM_MAX_RANK], xr = x->rank;
	int64_t axis = 0;
	size_t o;
	int ret;

	ret = onnx_attr_int(c, "axis", &axis);
	if (ret)
		return ret;
	if (axis < -(int64_t)xr || axis >= (int64_t)xr)
		return onnx_node_err(c, "axis %lld is out of range for rank %u",
				     (long long)axis, xr);
	if (axis < 0)
		axis += xr;
	memcpy(xdims, x->dims, sizeof(xdims));	/* adding nodes moves x */
	for (o = 0; o < c->node->n_output && !ret; o++) {
		union cim_node_attrs a = { 0 };
		const char *xn = onnx_in_name(c, 0);
		char dn[ONNX_NAME_LEN];

		if (!declared(c, c->node->output[o], &rank, dims))
			return no_declaration(c, onnx_in_name(c, 1));
		for (d = 0; d < rank && rank == xr; d++)
			if (d != axis && dims[d] != xdims[d])
				break;
		if (rank != xr || d < rank || at + dims[axis] > xdims[axis])
			return onnx_node_err(c, "the declared shape of output %zu does not fit the input",
					     o);
		a.slice.axis = (uint32_t)axis;
		a.slice.start = at;
		a.slice.step = 1;
		a.slice.len = dims[axis];
		at += dims[axis];
		ret = onnx_add_node(c, CIM_NODE_SLICE, &xn, 1, &a,
				    decl_name(dn, c->node->output[o]));
		if (!ret)
			ret = guard(c, dn, onnx_in_name(c, 1), xn, CIM_GUARD_SPLIT,
				    (uint32_t)axis, (uint32_t)o, c->node->output[o]);
	}
	if (!ret && at != xdims[axis])
		return onnx_node_err(c, "the declared outputs take %u of the %u elements along the axis",
				     at, xdims[axis]);
	return ret;
}

/*
 * Slice (opset 10+) and Range with an operand computed at run time: the
 * values select the elements, so they are read at run time (SLICE_RT,
 * RANGE_RT) into the declared output shape; values that give another
 * shape give NaN.
 */
static int declared_select(struct onnx_ctx *c, int range)
{
	union cim_node_attrs a = { 0 };
	uint32_t dims[CIM_MAX_RANK], rank, d, nin = (uint32_t)c->node->n_input;
	const char *ins[5];
	char axes_name[ONNX_NAME_LEN];
	const struct cim_tensor *t;
	size_t i;
	int ret;

	if (nin < 3 || nin > (range ? 3u : 5u))
		return onnx_node_err(c, "takes %s inputs, has %u", range ? "3" : "3 to 5", nin);
	if (!declared(c, c->node->output[0], &rank, dims))
		return no_declaration(c, c->node->input[1]);
	for (i = 0; i < nin; i++) {
		ins[i] = onnx_in_name(c, i);
		if (!ins[i] && i == 3)
			continue;	/* axes absent, steps given: 0, 1, ... */
		ret = onnx_need_tensor(c, i, &t);
		if (ret)
			return ret;
		if (i && !t->data && !onnx_int_of(c, ins[i]) && !range)
			return onnx_node_err(c, "input \"%.100s\" must be integers", ins[i]);
	}
	if (nin == 5 && !ins[3]) {
		uint32_t k = (uint32_t)onnx_tensor(c, ins[1])->size;
		float *ax = malloc(k * sizeof(*ax));

		if (!ax)
			return -ENOMEM;
		for (d = 0; d < k; d++)
			ax[d] = (float)d;
		ret = onnx_add_init(c, "axes", 1, &k, ax, axes_name);
		free(ax);
		if (ret)
			return ret;
		ins[3] = axes_name;
	}
	a.reshape.rank = rank;
	for (d = 0; d < rank; d++)
		a.reshape.shape[d] = dims[d];
	return onnx_add_node(c, range ? CIM_NODE_RANGE_RT : CIM_NODE_SLICE_RT, ins,
			     nin, &a, NULL);
}

/*
 * Pad (opset 11+) with pads or the constant value computed at run time:
 * PAD_RT reads them at run time into the declared shape.
 */
static int declared_pad(struct onnx_ctx *c)
{
	union cim_node_attrs a = { 0 };
	uint32_t dims[CIM_MAX_RANK], rank, d, one = 1;
	char mode[32] = "constant", vn[ONNX_NAME_LEN], mn[ONNX_NAME_LEN];
	const char *ins[4] = { onnx_in_name(c, 0), onnx_in_name(c, 1),
			       onnx_in_name(c, 2), mn };
	const struct cim_tensor *t;
	float m, zero = 0;
	size_t i;
	int ret;

	ret = onnx_check_node(c, (const char *const[]){ "mode", NULL }, 2, 3);
	if (!ret)
		ret = onnx_attr_string(c, "mode", mode, sizeof(mode));
	if (ret)
		return ret;
	m = !strcmp(mode, "constant") ? 0 : !strcmp(mode, "edge") ? 1 :
	    !strcmp(mode, "reflect") ? 2 : -1;
	if (m < 0)
		return onnx_node_err(c, "mode=%.20s is not supported (constant, reflect, edge are)",
				     mode);
	if (!declared(c, c->node->output[0], &rank, dims))
		return no_declaration(c, onnx_in_name(c, 1));
	for (i = 0; i < 3; i++) {
		if (i == 2 && !ins[2])
			break;
		ret = onnx_need_tensor(c, i, &t);
		if (ret)
			return ret;
		if (i == 1 && !t->data && !onnx_int_of(c, ins[1]))
			return onnx_node_err(c, "input \"%.100s\" must be integers", ins[1]);
	}
	if (!ins[2]) {
		ret = onnx_add_init(c, "pad_value", 1, &one, &zero, vn);
		ins[2] = vn;
	}
	if (!ret)
		ret = onnx_add_init(c, "pad_mode", 1, &one, &m, mn);
	a.reshape.rank = rank;
	for (d = 0; d < rank; d++)
		a.reshape.shape[d] = dims[d];
	return ret ? ret : onnx_add_node(c, CIM_NODE_PAD_RT, ins, 4, &a, NULL);
}

/* Slice or Range with an operand computed at run time. */
static int runtime_select(struct onnx_ctx *c)
{
	size_t i;

	if (strcmp(c->node->op_type, "Range") &&
	    (strcmp(c->node->op_type, "Slice") || c->opset < 10))
		return 0;
	for (i = strcmp(c->node->op_type, "Range") ? 1 : 0; i < c->node->n_input; i++) {
		const char *name = onnx_in_name(c, i);

		if (name && !onnx_const(c, name) && onnx_tensor(c, name))
			return 1;
	}
	return 0;
}

int onnx_declared_node(struct onnx_ctx *c, int *ret)
{
	const char *op = c->node->op_type;
	int cos = !strcmp(op, "ConstantOfShape");
	size_t k = cos ? 0 : 1;
	const char *operand = onnx_in_name(c, k);
	const struct cim_tensor *x = NULL;
	int32_t type;

	if (!strcmp(op, "Pad") && c->opset >= 11 &&
	    ((onnx_in_name(c, 1) && !onnx_const(c, onnx_in_name(c, 1)) &&
	      onnx_tensor(c, onnx_in_name(c, 1))) ||
	     (onnx_in_name(c, 2) && !onnx_const(c, onnx_in_name(c, 2)) &&
	      onnx_tensor(c, onnx_in_name(c, 2))))) {
		*ret = declared_pad(c);
		type = onnx_int_of(c, onnx_in_name(c, 0));
		if (!*ret && type)
			*ret = onnx_int_set(c, c->node->output[0], type);
		return 1;
	}
	if (runtime_select(c)) {
		int range = !strcmp(op, "Range");

		*ret = declared_select(c, range);
		type = onnx_int_of(c, onnx_in_name(c, 0));
		if (!*ret && type)
			*ret = onnx_int_set(c, c->node->output[0], type);
		return 1;
	}
	if (!cos && strcmp(op, "Reshape") && strcmp(op, "Squeeze") &&
	    strcmp(op, "Unsqueeze") && strcmp(op, "Expand") && strcmp(op, "Split"))
		return 0;
	if (!operand || onnx_const(c, operand) || !onnx_tensor(c, operand) ||
	    (!strcmp(op, "Reshape") && c->opset < 5) ||
	    ((!strcmp(op, "Squeeze") || !strcmp(op, "Unsqueeze")) && c->opset < 13) ||
	    (!strcmp(op, "Split") && c->opset < 13))
		return 0;	/* a constant or an attribute: the usual path */
	if (!onnx_int_of(c, operand)) {
		*ret = onnx_node_err(c, "input \"%.100s\" must be integers", operand);
		return 1;
	}
	if (!cos) {
		*ret = onnx_need_tensor(c, 0, &x);
		if (*ret)
			return 1;
	}
	if (cos)
		*ret = declared_constant(c);
	else if (!strcmp(op, "Expand"))
		*ret = declared_expand(c, x);
	else if (!strcmp(op, "Split"))
		*ret = declared_split(c, x);
	else
		*ret = declared_reshape(c, x);
	type = cos ? 0 : onnx_int_of(c, onnx_in_name(c, 0));
	for (k = 0; !*ret && type && k < c->node->n_output; k++)
		*ret = onnx_int_set(c, c->node->output[k], type);
	return 1;
}
