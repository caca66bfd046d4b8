/* SPDX-License-Identifier: MIT */
/* ONNX importer internals: context, attribute and tensor access. */
#ifndef CIM_ONNX_H
#define CIM_ONNX_H

#include <stdint.h>

#include "onnx.pb-c.h"
#include "compiler.h"

#define ONNX_MIN_OPSET	1
#define ONNX_MAX_OPSET	17

/* A constant known at import time: an initializer or a Constant output. */
struct onnx_const {
	const char *name;
	const Onnx__TensorProto *t;
};

struct onnx_alias {
	char *from;
	char *to;
};

struct onnx_ctx {
	struct cim_graph *g;
	int64_t opset;
	struct onnx_const *consts;
	size_t n_consts;
	struct onnx_alias *aliases;
	size_t n_aliases;
	/* initializers whose raw_data the graph took (onnx_tensor_take()) */
	Onnx__TensorProto **taken;
	size_t n_taken;
	/* constants folded at import (onnx_fold.c), freed with the context */
	Onnx__TensorProto **owned;
	size_t n_owned;
	/* the node being imported, for messages; its graph */
	const Onnx__NodeProto *node;
	const Onnx__GraphProto *gp;
	const char *node_name;
	char *err;
	size_t errlen;
	/* a lowering (onnx_lower.c) runs a translator on other tensors:
	 * inputs 0 and 1 and output 0 renamed, windows of spatial dims */
	const char *in_over[2];
	const char *out_over;
	int spatial;
	/* run-time tensors of an integer type (onnx_int.c) */
	struct onnx_int *ints;
	size_t n_ints;
	char over_name[512];
};

/* Message about the current node; returns -EINVAL. */
int onnx_node_err(struct onnx_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Message about the model; returns -EINVAL. */
int onnx_err(struct onnx_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Input i of the node as a runtime or initializer tensor, or an error. */
int onnx_need_tensor(struct onnx_ctx *c, size_t i, const struct cim_tensor **t);
/* A RESHAPE of x to dims[rank] called out (NULL: the node's output). */
int onnx_add_reshape(struct onnx_ctx *c, const char *x, uint32_t rank,
		     const uint32_t *dims, const char *out);

/* Name after Identity/Dropout removal. */
const char *onnx_resolve(const struct onnx_ctx *c, const char *name);
int onnx_add_alias(struct onnx_ctx *c, const char *from, const char *to);

/* The constant called name (after aliases), or NULL. */
const Onnx__TensorProto *onnx_const(const struct onnx_ctx *c, const char *name);
int onnx_add_const(struct onnx_ctx *c, const char *name,
		   const Onnx__TensorProto *t);

/*
 * Tensor contents.  Each checks type and element count against dims and
 * returns the count (>= 0), or -EINVAL with *why set.  *out is malloc'ed.
 */
int64_t onnx_tensor_size(const Onnx__TensorProto *t);
int onnx_tensor_floats(const Onnx__TensorProto *t, float **out,
		       const char **why);
/*
 * The float tensor's raw_data as floats, in place (little-endian host,
 * aligned bytes of the right count): *out points into t, the count is
 * returned; else -1 (use onnx_tensor_floats()).  Lets the graph take
 * the bytes protobuf-c allocated instead of holding the weights twice.
 */
int64_t onnx_tensor_raw_floats(const Onnx__TensorProto *t, float **out);
/*
 * The model in the file at path (at most max bytes), unpacked without
 * holding the whole file (onnx_read.c).  0, or an error: then unpack the
 * whole file instead (which says what is wrong with it).
 */
int onnx_read_model(const char *path, uint64_t max, Onnx__ModelProto **out);
int onnx_tensor_ints(const Onnx__TensorProto *t, int64_t **out,
		     const char **why);

/* Attributes of c->node.  Each returns 0, or onnx_node_err() on a type
 * mismatch; a missing attribute leaves *v at its default. */
const Onnx__AttributeProto *onnx_attr(const struct onnx_ctx *c,
				      const char *name);
int onnx_attr_int(struct onnx_ctx *c, const char *name, int64_t *v);
int onnx_attr_float(struct onnx_ctx *c, const char *name, float *v);
/* Up to max ints into v; *n receives the count (left alone if absent). */
int onnx_attr_ints(struct onnx_ctx *c, const char *name, int64_t *v,
		   size_t max, size_t *n);
/* A string attribute of fewer than len bytes, copied NUL-terminated. */
int onnx_attr_string(struct onnx_ctx *c, const char *name, char *v, size_t len);
/* Fails naming the first attribute of the node not in the NULL-ended list. */
int onnx_attrs_known(struct onnx_ctx *c, const char *const *known);

/*
 * A constant called name: registered, and also a graph initializer when
 * it is float32 of rank 0 to CIM_MAX_RANK (so layers can use it as
 * weights).  0 or -errno.
 */
int onnx_publish_const(struct onnx_ctx *c, const char *name,
		       const Onnx__TensorProto *t);

/*
 * Constant folding (onnx_fold.c): evaluate c->node if its inputs are all
 * constants (or it is Shape of a runtime tensor).  1 if folded, 0 if the
 * node is to be translated, or -errno.
 */
int onnx_try_fold(struct onnx_ctx *c);
void onnx_fold_free(struct onnx_ctx *c);
/* Slice of c->node over dims: constant starts/ends/axes/steps (or attrs). */
int onnx_slice_const(struct onnx_ctx *c, uint32_t rank, const int64_t *dims,
		     int64_t *start, int64_t *step, int64_t *count);
/* Any numeric constant as integers (at most max) or floats (malloc'ed). */
int onnx_const_ints(struct onnx_ctx *c, const char *name, int64_t *v,
		    size_t max, size_t *n);
int onnx_const_floats(struct onnx_ctx *c, const char *name, float **v,
		      size_t *n);

/* Lowerings of forms onto the 2-D operators (onnx_lower.c): 1 if the
 * node is one of them (and was translated or failed: *ret), else 0. */
int onnx_lower(struct onnx_ctx *c, int *ret);
/* Translate c->node as its operator would (the table of onnx_ops.c). */
int onnx_translate(struct onnx_ctx *c);
/* Gemm and MatMul (onnx_gemm.c). */
int onnx_op_gemm(struct onnx_ctx *c);
int onnx_op_matmul(struct onnx_ctx *c);
/* Sub and Div of two runtime tensors (inputs 0 and 1). */
int onnx_lower_sub_div(struct onnx_ctx *c, const struct cim_tensor *a,
		       const struct cim_tensor *b);
/* Window forms lowered onto 2-D operators (onnx_lower_win.c). */
int onnx_lower_3d(struct onnx_ctx *c, const struct cim_tensor *x);
int onnx_lower_dilated_maxpool(struct onnx_ctx *c, const struct cim_tensor *x,
			       const uint32_t *kernel, const uint32_t *stride,
			       const uint32_t *pad, const uint32_t *dil);
int onnx_lower_pad_mode(struct onnx_ctx *c, const struct cim_tensor *x,
			const int64_t *pads, int reflect);
/* A float32 constant called name (a copy of v). */
int onnx_publish_floats(struct onnx_ctx *c, const char *name, uint32_t rank,
			const int64_t *dims, const float *v, size_t n);

/* Integer tensors at run time (onnx_int.c). */
int onnx_is_int_type(int32_t type);
int32_t onnx_int_of(const struct onnx_ctx *c, const char *name);
int onnx_int_set(struct onnx_ctx *c, const char *name, int32_t type);
void onnx_int_free(struct onnx_ctx *c);
int onnx_add_to_int(struct onnx_ctx *c, const char *x, int32_t type,
		    const char *out);
int onnx_op_gather(struct onnx_ctx *c);
/* BatchNormalization with parameters computed at run time or in training
 * mode (onnx_bn_rt.c). */
int onnx_bn_runtime(struct onnx_ctx *c, float epsilon, int training,
		    float momentum);
/* 1 if a shape operand is computed at run time (onnx_declared.c). */
int onnx_declared_node(struct onnx_ctx *c, int *ret);
/* 1 if the node has an integer operand (then *ret: 0 or -errno), else 0. */
int onnx_int_node(struct onnx_ctx *c, int *ret);

/* Operator translation: one node into the graph.  0 or -errno. */
int onnx_import_node(struct onnx_ctx *c);
/* The translators of onnx_ops_more.c; NULL if op is not one of them. */
typedef int (*onnx_op_fn)(struct onnx_ctx *c);
onnx_op_fn onnx_more_op(const char *op);
/* QuantizeLinear / DequantizeLinear (onnx_qdq.c); NULL if op is not. */
onnx_op_fn onnx_qdq_op(const char *op);
/* Shared by the translators (onnx_ops.c). */
const char *onnx_in_name(struct onnx_ctx *c, size_t i);
int onnx_check_node(struct onnx_ctx *c, const char *const *known, size_t lo,
		    size_t hi);
int onnx_add_node(struct onnx_ctx *c, enum cim_node_op op,
		  const char *const *inputs, uint32_t n,
		  const union cim_node_attrs *attr, const char *output);
const struct cim_tensor *onnx_tensor(struct onnx_ctx *c, const char *name);
int onnx_add_init(struct onnx_ctx *c, const char *suffix, uint32_t rank,
		  const uint32_t *dims, const float *data, char *name);
#define ONNX_NAME_LEN	512

#endif /* CIM_ONNX_H */
