/* SPDX-License-Identifier: MIT */
/* ONNX importer internals: context, attribute and tensor access. */
#ifndef CIM_ONNX_H
#define CIM_ONNX_H

#include <stdint.h>

#include "onnx.pb-c.h"
#include "compiler.h"

#define ONNX_MIN_OPSET	11
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
	/* the node being imported, for messages */
	const Onnx__NodeProto *node;
	const char *node_name;
	char *err;
	size_t errlen;
};

/* Message about the current node; returns -EINVAL. */
int onnx_node_err(struct onnx_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Message about the model; returns -EINVAL. */
int onnx_err(struct onnx_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

/* Operator translation: one node into the graph.  0 or -errno. */
int onnx_import_node(struct onnx_ctx *c);

#endif /* CIM_ONNX_H */
