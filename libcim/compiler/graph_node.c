// SPDX-License-Identifier: MIT
/*
 * Adding nodes to the graph IR: input lookup, attribute checks and shape
 * inference, one function per operator.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define NODE_FMT	"node \"%s\" (%s): "

const char *cgi_op_name(enum cim_node_op op)
{
	static const char *const names[] = {
		[CIM_NODE_FC] = "FC", [CIM_NODE_CONV] = "Conv",
		[CIM_NODE_BATCHNORM] = "BatchNormalization",
		[CIM_NODE_RELU] = "Relu", [CIM_NODE_CLIP] = "Clip",
		[CIM_NODE_ADD] = "Add", [CIM_NODE_MAXPOOL] = "MaxPool",
		[CIM_NODE_AVGPOOL] = "AveragePool",
		[CIM_NODE_GLOBAL_AVGPOOL] = "GlobalAveragePool",
		[CIM_NODE_RESHAPE] = "Reshape", [CIM_NODE_CONCAT] = "Concat",
		[CIM_NODE_TRANSPOSE] = "Transpose", [CIM_NODE_SOFTMAX] = "Softmax",
		[CIM_NODE_UNARY] = "Unary", [CIM_NODE_MUL] = "Mul",
		[CIM_NODE_SLICE] = "Slice", [CIM_NODE_PAD] = "Pad",
		[CIM_NODE_GLOBAL_MAXPOOL] = "GlobalMaxPool",
		[CIM_NODE_MATMUL] = "MatMul", [CIM_NODE_MAX] = "Max",
		[CIM_NODE_MIN] = "Min", [CIM_NODE_DIV] = "Div",
		[CIM_NODE_GATHER] = "Gather", [CIM_NODE_SLICE_RT] = "Slice",
		[CIM_NODE_RANGE_RT] = "Range", [CIM_NODE_SHAPE_GUARD] = "ShapeGuard",
		[CIM_NODE_MAXPOOL_INDEX] = "MaxPoolIndex", [CIM_NODE_PAD_RT] = "Pad",
	};

	if ((unsigned)op < sizeof(names) / sizeof(names[0]) && names[op])
		return names[op];
	return "?";
}

#define NERR(g, n, fmt, ...) \
	cgi_err(g, NODE_FMT fmt, (n)->name, cgi_op_name((n)->op), ##__VA_ARGS__)

static const struct cim_tensor *in_t(const struct cim_graph *g,
				     const struct cim_node *n, uint32_t i)
{
	return &g->tensors[n->inputs[i]];
}

static int want_inputs(struct cim_graph *g, const struct cim_node *n,
		       uint32_t lo, uint32_t hi)
{
	if (n->n_inputs < lo || n->n_inputs > hi)
		return lo == hi ? NERR(g, n, "takes %u inputs, has %u", lo, n->n_inputs) :
		       NERR(g, n, "takes %u to %u inputs, has %u", lo, hi, n->n_inputs);
	return 0;
}

static int want_rank(struct cim_graph *g, const struct cim_node *n, uint32_t i,
		     uint32_t rank)
{
	const struct cim_tensor *t = in_t(g, n, i);

	if (t->rank != rank)
		return NERR(g, n, "input %u \"%s\" has rank %u, expected %u", i,
			    t->name, t->rank, rank);
	return 0;
}

static int want_const(struct cim_graph *g, const struct cim_node *n, uint32_t i)
{
	if (!in_t(g, n, i)->data)
		return NERR(g, n, "input %u \"%s\" must be an initializer", i,
			    in_t(g, n, i)->name);
	return 0;
}

static int want_vector(struct cim_graph *g, const struct cim_node *n,
		       uint32_t i, uint32_t len)
{
	const struct cim_tensor *t = in_t(g, n, i);
	int ret = want_const(g, n, i);

	if (!ret && (t->rank != 1 || t->dims[0] != len))
		return NERR(g, n, "input %u \"%s\" must have shape [%u]", i,
			    t->name, len);
	return ret;
}

/* FC, Conv: 2 or 3 inputs; input and weights of the rank, weights given. */
static int want_weighted(struct cim_graph *g, const struct cim_node *n,
			 uint32_t rank)
{
	int ret = want_inputs(g, n, 2, 3);

	if (!ret)
		ret = want_rank(g, n, 0, rank);
	if (!ret)
		ret = want_rank(g, n, 1, rank);
	/* a CONV's weights may be computed at run time (float executor only) */
	if (!ret && n->op != CIM_NODE_CONV)
		ret = want_const(g, n, 1);
	return ret;
}

/* The optional bias, input 2: an initializer of shape [len]. */
static int want_bias(struct cim_graph *g, const struct cim_node *n,
		     uint32_t len)
{
	return n->n_inputs == 3 ? want_vector(g, n, 2, len) : 0;
}

/* The output has the shape of tensor x. */
static int shape_of(const struct cim_tensor *x, uint32_t *rank, uint32_t *dims)
{
	*rank = x->rank;
	memcpy(dims, x->dims, x->rank * sizeof(*dims));
	return 0;
}

static int shape_fc(struct cim_graph *g, const struct cim_node *n,
		    uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x, *w;
	int ret;

	ret = want_weighted(g, n, 2);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	w = in_t(g, n, 1);
	if (x->dims[1] != w->dims[1])
		return NERR(g, n, "input has %u features, weights expect %u",
			    x->dims[1], w->dims[1]);
	ret = want_bias(g, n, w->dims[0]);
	if (ret)
		return ret;
	*rank = 2;
	dims[0] = x->dims[0];
	dims[1] = w->dims[0];
	return 0;
}

/* Output length of a sliding window; 0 if the window does not fit. */
static uint32_t window_out(uint32_t in, uint32_t pad0, uint32_t pad1,
			   uint32_t k, uint32_t stride, uint32_t dil)
{
	uint64_t span = (uint64_t)dil * (k - 1) + 1;
	uint64_t total = (uint64_t)in + pad0 + pad1;

	if (!k || !stride || !dil || span > total)
		return 0;
	return (uint32_t)((total - span) / stride + 1);
}

static int shape_conv(struct cim_graph *g, struct cim_node *n, uint32_t *rank,
		      uint32_t *dims)
{
	struct cim_conv_attrs *a = &n->attr.conv;
	const struct cim_tensor *x, *w;
	uint32_t i;
	int ret;

	ret = want_weighted(g, n, 4);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	w = in_t(g, n, 1);
	for (i = 0; i < 2; i++) {
		if (!a->kernel[i])
			a->kernel[i] = w->dims[2 + i];
		if (a->kernel[i] != w->dims[2 + i])
			return NERR(g, n, "kernel_shape %ux%u does not match the weights' %ux%u",
				    a->kernel[0], a->kernel[1], w->dims[2], w->dims[3]);
		if (!a->stride[i] || !a->dilation[i])
			return NERR(g, n, "strides and dilations must be at least 1");
	}
	if (!a->group || x->dims[1] % a->group || w->dims[0] % a->group)
		return NERR(g, n, "group=%u does not divide %u input and %u output channels",
			    a->group, x->dims[1], w->dims[0]);
	if (w->dims[1] != x->dims[1] / a->group)
		return NERR(g, n, "weights have %u input channels per group, the input gives %u",
			    w->dims[1], x->dims[1] / a->group);
	ret = want_bias(g, n, w->dims[0]);
	if (ret)
		return ret;
	*rank = 4;
	dims[0] = x->dims[0];
	dims[1] = w->dims[0];
	for (i = 0; i < 2; i++) {
		dims[2 + i] = window_out(x->dims[2 + i], a->pad[i], a->pad[2 + i],
					 a->kernel[i], a->stride[i], a->dilation[i]);
		if (!dims[2 + i])
			return NERR(g, n, "the kernel does not fit the %ux%u input",
				    x->dims[2], x->dims[3]);
	}
	return 0;
}

static int shape_pool(struct cim_graph *g, struct cim_node *n, uint32_t *rank,
		      uint32_t *dims)
{
	struct cim_pool_attrs *a = &n->attr.pool;
	const struct cim_tensor *x;
	uint32_t i;
	int ret;

	ret = want_inputs(g, n, 1, 1);
	if (!ret)
		ret = want_rank(g, n, 0, 4);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	*rank = 4;
	dims[0] = x->dims[0];
	dims[1] = x->dims[1];
	if (n->op == CIM_NODE_GLOBAL_AVGPOOL || n->op == CIM_NODE_GLOBAL_MAXPOOL) {
		dims[2] = dims[3] = 1;
		return 0;
	}
	for (i = 0; i < 2; i++) {
		if (a->pad[i] >= a->kernel[i] || a->pad[2 + i] >= a->kernel[i])
			return NERR(g, n, "pads must be smaller than the kernel");
		dims[2 + i] = window_out(x->dims[2 + i], a->pad[i], a->pad[2 + i],
					 a->kernel[i], a->stride[i], 1);
		if (!dims[2 + i])
			return NERR(g, n, "bad kernel or stride for the %ux%u input",
				    x->dims[2], x->dims[3]);
	}
	return 0;
}

static int shape_batchnorm(struct cim_graph *g, const struct cim_node *n,
			   uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x;
	uint32_t i;
	int ret;

	ret = want_inputs(g, n, 5, 5);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	if (x->rank < 2)
		return NERR(g, n, "input has rank %u, expected at least 2", x->rank);
	for (i = 1; i < 5; i++) {
		ret = want_vector(g, n, i, x->dims[1]);
		if (ret)
			return ret;
	}
	if (!(n->attr.epsilon >= 0))
		return NERR(g, n, "epsilon must be >= 0");
	return shape_of(x, rank, dims);
}

static int same_as_input(struct cim_graph *g, const struct cim_node *n,
			 uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x = in_t(g, n, 0);
	uint32_t i;
	int ret;

	uint32_t two = n->op == CIM_NODE_ADD || n->op == CIM_NODE_MUL ||
		       n->op == CIM_NODE_MAX || n->op == CIM_NODE_MIN ||
		       n->op == CIM_NODE_DIV;

	ret = want_inputs(g, n, 1 + two, 1 + two);
	if (ret)
		return ret;
	for (i = 1; i < n->n_inputs; i++) {
		const struct cim_tensor *y = in_t(g, n, i);
		uint32_t d, off = x->rank - y->rank;

		/* the second input broadcasts to the first (numpy rules) */
		for (d = 0; y->rank <= x->rank && d < y->rank; d++)
			if (y->dims[d] != 1 && y->dims[d] != x->dims[off + d])
				break;
		if (y->rank > x->rank || d < y->rank)
			return NERR(g, n, "input \"%s\" does not broadcast to the shape of \"%s\"",
				    y->name, x->name);
	}
	if (n->op == CIM_NODE_UNARY &&
	    (n->attr.unary.fn < CIM_UNARY_SIGMOID || n->attr.unary.fn > CIM_UNARY_LAST))
		return NERR(g, n, "unknown function %u", n->attr.unary.fn);
	if (n->op == CIM_NODE_CLIP && !(n->attr.clip.min <= n->attr.clip.max))
		return NERR(g, n, "min %g is above max %g", n->attr.clip.min,
			    n->attr.clip.max);
	if (n->op == CIM_NODE_SOFTMAX &&
	    (n->attr.axis < -(int32_t)x->rank || n->attr.axis >= (int32_t)x->rank))
		return NERR(g, n, "axis %d is out of range for rank %u",
			    n->attr.axis, x->rank);
	return shape_of(x, rank, dims);
}

static int shape_slice(struct cim_graph *g, const struct cim_node *n,
		       uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x;
	uint64_t last;
	int ret;

	ret = want_inputs(g, n, 1, 1);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	if (n->attr.slice.axis >= x->rank)
		return NERR(g, n, "axis %u is out of range for rank %u",
			    n->attr.slice.axis, x->rank);
	last = n->attr.slice.start +
	       (uint64_t)n->attr.slice.step * (n->attr.slice.len ? n->attr.slice.len - 1 : 0);
	if (!n->attr.slice.len || !n->attr.slice.step ||
	    last >= x->dims[n->attr.slice.axis])
		return NERR(g, n, "the slice is empty or leaves the input's %u elements",
			    x->dims[n->attr.slice.axis]);
	shape_of(x, rank, dims);
	dims[n->attr.slice.axis] = n->attr.slice.len;
	return 0;
}

static int shape_pad(struct cim_graph *g, const struct cim_node *n,
		     uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x;
	uint32_t i;
	int ret;

	ret = want_inputs(g, n, 1, 1);
	if (!ret)
		ret = want_rank(g, n, 0, 4);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	shape_of(x, rank, dims);
	for (i = 0; i < 2; i++) {
		uint64_t d = (uint64_t)x->dims[2 + i] + n->attr.pad.pad[i] +
			     n->attr.pad.pad[2 + i];

		if (n->attr.pad.pad[i] > 1u << 16 || n->attr.pad.pad[2 + i] > 1u << 16)
			return NERR(g, n, "padding larger than 65536");
		dims[2 + i] = (uint32_t)d;
	}
	return 0;
}

static int shape_reshape(struct cim_graph *g, const struct cim_node *n,
			 uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x;
	uint64_t known = 1;
	int infer = -1, ret;
	uint32_t i, r = n->attr.reshape.rank;

	ret = want_inputs(g, n, 1, 1);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	if (r == 0 || r > CIM_MAX_RANK)
		return NERR(g, n, "target rank %u is not in 1..%d", r, CIM_MAX_RANK);
	for (i = 0; i < r; i++) {
		int64_t s = n->attr.reshape.shape[i];

		if (s == -1 && infer < 0) {
			infer = (int)i;
			continue;
		}
		if (s == 0 && i < x->rank)
			s = x->dims[i];
		if (s <= 0 || s > (1ll << 31))
			return NERR(g, n, "bad target dimension %lld",
				    (long long)n->attr.reshape.shape[i]);
		dims[i] = (uint32_t)s;
		known *= (uint64_t)s;
		if (known > x->size)
			break;
	}
	if (infer >= 0 && known && x->size % known == 0)
		dims[infer] = (uint32_t)(x->size / known);
	else if (infer >= 0)
		known = 0;
	if (known == 0 || (infer < 0 && known != x->size) ||
	    cgi_shape_size(r, dims) != x->size)
		return NERR(g, n, "cannot reshape %llu elements to the target shape",
			    (unsigned long long)x->size);
	*rank = r;
	return 0;
}

static int shape_concat(struct cim_graph *g, const struct cim_node *n,
			uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x = in_t(g, n, 0);
	int32_t axis = n->attr.axis;
	uint64_t sum = 0;
	uint32_t i, d;

	if (axis < -(int32_t)x->rank || axis >= (int32_t)x->rank)
		return NERR(g, n, "axis %d is out of range for rank %u", axis,
			    x->rank);
	if (axis < 0)
		axis += (int32_t)x->rank;
	for (i = 0; i < n->n_inputs; i++) {
		const struct cim_tensor *y = in_t(g, n, i);

		if (y->rank != x->rank)
			return NERR(g, n, "inputs differ in rank");
		for (d = 0; d < x->rank; d++)
			if (d != (uint32_t)axis && y->dims[d] != x->dims[d])
				return NERR(g, n, "input \"%s\" differs in dimension %u",
					    y->name, d);
		sum += y->dims[axis];
	}
	shape_of(x, rank, dims);
	if (sum > (1ull << 31))
		return NERR(g, n, "output too large");
	dims[axis] = (uint32_t)sum;
	return 0;
}

static int shape_transpose(struct cim_graph *g, const struct cim_node *n,
			   uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x;
	uint32_t seen = 0, i;
	int ret;

	ret = want_inputs(g, n, 1, 1);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	for (i = 0; i < x->rank; i++) {
		uint32_t p = n->attr.perm[i];

		if (p >= x->rank || (seen & (1u << p)))
			return NERR(g, n, "perm is not a permutation of 0..%u",
				    x->rank - 1);
		seen |= 1u << p;
		dims[i] = x->dims[p];
	}
	*rank = x->rank;
	return 0;
}

/* A[..., M, K] B[..., K, N]: the leading axes broadcast (numpy rules). */
static int shape_matmul(struct cim_graph *g, const struct cim_node *n,
			uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *a, *b;
	uint32_t r, i;
	int ret;

	ret = want_inputs(g, n, 2, 2);
	if (ret)
		return ret;
	a = in_t(g, n, 0);
	b = in_t(g, n, 1);
	if (a->rank < 2 || b->rank < 2)
		return NERR(g, n, "inputs must have rank 2 or more (have %u and %u)",
			    a->rank, b->rank);
	if (a->dims[a->rank - 1] != b->dims[b->rank - 2])
		return NERR(g, n, "inner dimensions differ (%u and %u)",
			    a->dims[a->rank - 1], b->dims[b->rank - 2]);
	r = a->rank > b->rank ? a->rank : b->rank;
	for (i = 0; i + 2 < r; i++) {
		uint32_t da = i + a->rank >= r ? a->dims[i + a->rank - r] : 1;
		uint32_t db = i + b->rank >= r ? b->dims[i + b->rank - r] : 1;

		if (da != db && da != 1 && db != 1)
			return NERR(g, n, "leading axis %u does not broadcast (%u and %u)",
				    i, da, db);
		dims[i] = da > db ? da : db;
	}
	dims[r - 2] = a->dims[a->rank - 2];
	dims[r - 1] = b->dims[b->rank - 1];
	*rank = r;
	return 0;
}

static int shape_gather(struct cim_graph *g, const struct cim_node *n,
			uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x, *ix;
	uint32_t r = 0, i;
	int ret;

	ret = want_inputs(g, n, 2, 2);
	if (ret)
		return ret;
	x = in_t(g, n, 0);
	ix = in_t(g, n, 1);
	if (n->attr.axis < 0 || (uint32_t)n->attr.axis >= x->rank)
		return NERR(g, n, "axis %d is out of range for rank %u",
			    n->attr.axis, x->rank);
	if (x->rank - 1 + ix->rank > CIM_MAX_RANK)
		return NERR(g, n, "output rank %u is above %d",
			    x->rank - 1 + ix->rank, CIM_MAX_RANK);
	for (i = 0; i < (uint32_t)n->attr.axis; i++)
		dims[r++] = x->dims[i];
	for (i = 0; i < ix->rank; i++)
		dims[r++] = ix->dims[i];
	for (i = (uint32_t)n->attr.axis + 1; i < x->rank; i++)
		dims[r++] = x->dims[i];
	*rank = r;
	return 0;
}

/* SLICE_RT, RANGE_RT, PAD_RT: the shape given (attr.reshape), checked. */
static int shape_declared(struct cim_graph *g, const struct cim_node *n,
			  uint32_t *rank, uint32_t *dims)
{
	const struct cim_tensor *x = in_t(g, n, 0);
	uint32_t i, r = n->attr.reshape.rank;
	int range = n->op == CIM_NODE_RANGE_RT, pad = n->op == CIM_NODE_PAD_RT;
	int ret = pad ? want_inputs(g, n, 4, 4) : want_inputs(g, n, 3, range ? 3 : 5);

	if (ret)
		return ret;
	if (pad && (in_t(g, n, 1)->size != 2 * (uint64_t)x->rank ||
		    in_t(g, n, 2)->size != 1 || in_t(g, n, 3)->size != 1))
		return NERR(g, n, "takes 2 x %u pads, one value and one mode", x->rank);
	for (i = 1; i < n->n_inputs && !pad; i++)
		if (in_t(g, n, i)->size != in_t(g, n, 1)->size ||
		    (range && in_t(g, n, i)->size != 1))
			return NERR(g, n, "input %u has %llu elements, expected %llu", i,
				    (unsigned long long)in_t(g, n, i)->size,
				    (unsigned long long)(range ? 1 : in_t(g, n, 1)->size));
	if (range && x->size != 1)
		return NERR(g, n, "start must be a scalar");
	if (r < 1 || r > CIM_MAX_RANK || (range ? r != 1 : r != x->rank))
		return NERR(g, n, "output rank %u does not fit", r);
	for (i = 0; i < r; i++) {
		if (n->attr.reshape.shape[i] < 1 || n->attr.reshape.shape[i] > (1 << 30) ||
		    (!range && !pad && n->attr.reshape.shape[i] > x->dims[i]))
			return NERR(g, n, "output dimension %u (%lld) does not fit", i,
				    (long long)n->attr.reshape.shape[i]);
		dims[i] = (uint32_t)n->attr.reshape.shape[i];
	}
	*rank = r;
	return 0;
}

int cgi_infer_shape(struct cim_graph *g, const struct cim_node *cn,
		    uint32_t *rank, uint32_t *dims)
{
	struct cim_node *n = (struct cim_node *)cn;

	switch (n->op) {
	case CIM_NODE_FC:
		return shape_fc(g, n, rank, dims);
	case CIM_NODE_CONV:
		return shape_conv(g, n, rank, dims);
	case CIM_NODE_BATCHNORM:
		return shape_batchnorm(g, n, rank, dims);
	case CIM_NODE_RELU:
	case CIM_NODE_CLIP:
	case CIM_NODE_ADD:
	case CIM_NODE_SOFTMAX:
	case CIM_NODE_UNARY:
	case CIM_NODE_MUL:
	case CIM_NODE_MAX:
	case CIM_NODE_MIN:
	case CIM_NODE_DIV:
		return same_as_input(g, n, rank, dims);
	case CIM_NODE_MATMUL:
		return shape_matmul(g, n, rank, dims);
	case CIM_NODE_GATHER:
		return shape_gather(g, n, rank, dims);
	case CIM_NODE_SLICE_RT:
	case CIM_NODE_RANGE_RT:
	case CIM_NODE_PAD_RT:
		return shape_declared(g, n, rank, dims);
	case CIM_NODE_SHAPE_GUARD:
		if (want_inputs(g, n, 2, 3))
			return -EINVAL;
		if (n->attr.guard.kind < CIM_GUARD_RESHAPE || n->attr.guard.kind > CIM_GUARD_SHAPE ||
		    (n->n_inputs < 3 && n->attr.guard.kind != CIM_GUARD_SHAPE))
			return NERR(g, n, "unknown check %u or x missing", n->attr.guard.kind);
		return shape_of(in_t(g, n, 0), rank, dims);
	case CIM_NODE_MAXPOOL:
	case CIM_NODE_MAXPOOL_INDEX:
	case CIM_NODE_AVGPOOL:
	case CIM_NODE_GLOBAL_AVGPOOL:
	case CIM_NODE_GLOBAL_MAXPOOL:
		return shape_pool(g, n, rank, dims);
	case CIM_NODE_SLICE:
		return shape_slice(g, n, rank, dims);
	case CIM_NODE_PAD:
		return shape_pad(g, n, rank, dims);
	case CIM_NODE_RESHAPE:
		return shape_reshape(g, n, rank, dims);
	case CIM_NODE_CONCAT:
		return shape_concat(g, n, rank, dims);
	case CIM_NODE_TRANSPOSE:
		return shape_transpose(g, n, rank, dims);
	}
	return NERR(g, n, "unknown operator %d", (int)n->op);
}

static int grow_nodes(struct cim_graph *g)
{
	struct cim_node *nodes;
	uint32_t cap;

	if (g->n_nodes < g->cap_nodes)
		return 0;
	cap = g->cap_nodes ? 2 * g->cap_nodes : 16;
	nodes = realloc(g->nodes, cap * sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	g->nodes = nodes;
	g->cap_nodes = cap;
	return 0;
}

int cim_graph_add_node(struct cim_graph *g, const struct cim_node_desc *d)
{
	uint32_t dims[CIM_MAX_RANK], rank = 0, i;
	struct cim_node *n;
	int ret, t;

	if (!g || !d)
		return -EINVAL;
	ret = grow_nodes(g);
	if (ret)
		return ret;
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->name = (char *)(d->name ? d->name : d->output ? d->output : "?");
	n->op = d->op;
	n->attr = d->attr;
	if (d->n_inputs == 0 || d->n_inputs > CIM_MAX_NODE_INPUTS || !d->inputs)
		return NERR(g, n, "has %u inputs, at most %d are supported",
			    d->n_inputs, CIM_MAX_NODE_INPUTS);
	n->n_inputs = d->n_inputs;
	for (i = 0; i < d->n_inputs; i++) {
		t = cim_graph_find(g, d->inputs[i]);
		if (t < 0)
			return NERR(g, n, "input \"%s\" is not defined before the node",
				    d->inputs[i] ? d->inputs[i] : "(null)");
		n->inputs[i] = (uint32_t)t;
	}
	if (!d->output || !*d->output)
		return NERR(g, n, "has no output name");
	if (cim_graph_find(g, d->output) >= 0)
		return NERR(g, n, "output \"%s\" is already defined", d->output);
	ret = cgi_infer_shape(g, n, &rank, dims);
	if (ret)
		return ret;
	n->name = strdup(n->name);
	if (!n->name)
		return -ENOMEM;
	t = cgi_new_tensor(g, d->output, rank, dims);
	if (t < 0) {
		free(n->name);
		return t;
	}
	if (!g->tensors[t].size) {
		free(n->name);
		g->n_tensors--;
		free(g->tensors[t].name);
		return cgi_err(g, NODE_FMT "output shape is empty or too large",
			       d->name ? d->name : d->output, cgi_op_name(d->op));
	}
	n->output = (uint32_t)t;
	g->tensors[t].producer = (int32_t)g->n_nodes;
	for (i = 0; i < n->n_inputs; i++)
		g->tensors[n->inputs[i]].n_consumers++;
	return (int)g->n_nodes++;
}
