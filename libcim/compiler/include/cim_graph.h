/* SPDX-License-Identifier: MIT */
/*
 * The compiler's graph IR: float tensors and the nodes between them, a
 * builder API, the ONNX importer and the float executor.  Pure
 * computation, no device.  Documented in docs/compiler.md.
 *
 * A graph is built in topological order: every input of a node must exist
 * (graph input, initializer or output of an earlier node) when the node
 * is added, and the node's output shape is inferred and checked right
 * then.  Shapes are NCHW as in ONNX; the batch dimension is 1 (the
 * executors loop over samples).  The structures are readable by the
 * caller; change a graph only through the functions below.
 */
#ifndef CIM_GRAPH_H
#define CIM_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define CIM_MAX_RANK		6
#define CIM_MAX_NODE_INPUTS	16
#define CIM_GRAPH_ERR_LEN	256

enum cim_node_op {
	/* Y[M,N] = X[M,K] W[N,K]^T + B[N]; W, B initializers, B optional. */
	CIM_NODE_FC = 1,
	/* Y = conv(X[1,C,H,W], W[OC,C/group,KH,KW]) + B[OC]; B optional. */
	CIM_NODE_CONV,
	/* inputs X, scale, bias, mean, var ([C] initializers); folded away. */
	CIM_NODE_BATCHNORM,
	CIM_NODE_RELU,
	CIM_NODE_CLIP,		/* attr.clip */
	CIM_NODE_ADD,		/* two tensors of one shape */
	CIM_NODE_MAXPOOL,		/* attr.pool */
	CIM_NODE_AVGPOOL,		/* attr.pool */
	CIM_NODE_GLOBAL_AVGPOOL,
	CIM_NODE_RESHAPE,		/* attr.reshape; Flatten imports as this */
	CIM_NODE_CONCAT,		/* attr.axis */
	CIM_NODE_TRANSPOSE,	/* attr.perm */
	CIM_NODE_SOFTMAX,		/* attr.axis: over the last axes from it */
	/* y = f(x) elementwise, f one of enum cim_unary (attr.unary) */
	CIM_NODE_UNARY,
	/* y = a * b, b broadcast to a's shape (numpy rules; a has the output's) */
	CIM_NODE_MUL,
	/* attr.slice: elements start, start + step, ... < end along axis */
	CIM_NODE_SLICE,
	/* attr.pad: constant padding of a 4-D tensor's H and W */
	CIM_NODE_PAD,
	/* max over all of H x W: [1,C,H,W] -> [1,C,1,1] */
	CIM_NODE_GLOBAL_MAXPOOL,
	/*
	 * Y[..., M, N] = A[..., M, K] B[..., K, N], both computed at run
	 * time (leading axes broadcast, numpy rules).  Float executor only:
	 * the card's arrays hold weights programmed into flash before a run.
	 */
	CIM_NODE_MATMUL,
	/* y = max(a, b) / min(a, b), b broadcast to a's shape (as MUL) */
	CIM_NODE_MAX,
	CIM_NODE_MIN,
	/* y = a / b, b broadcast to a's shape (integer Div; float Div is a * 1/b) */
	CIM_NODE_DIV,
	/*
	 * y = data indexed along attr.axis by run-time indices (input 1,
	 * integers held as floats; negative ones count from the end, one out
	 * of range gives NaN): data[:axis] + indices + data[axis+1:].
	 * Float executor only.
	 */
	CIM_NODE_GATHER,
	/*
	 * ONNX Slice by run-time x, starts, ends[, axes[, steps]] into the
	 * output shape attr.reshape (the model's declaration); values that
	 * give another shape give NaN.  Float executor only.
	 */
	CIM_NODE_SLICE_RT,
	/* start + i delta (three run-time scalars), i < attr.reshape.shape[0] */
	CIM_NODE_RANGE_RT,
	/*
	 * y = input 0 when the run-time shape operand (input 1, integers as
	 * floats) gives input 0's shape by the rule attr.guard.kind (against
	 * x, input 2, where the rule needs it), else NaN: a shape taken from
	 * the model's declaration is checked against the value fed.
	 */
	CIM_NODE_SHAPE_GUARD,
	/*
	 * MaxPool's Indices output: attr.pool as MAXPOOL; the flat NCHW
	 * index (as a float) of each window's first maximum, row-major
	 * (attr.pool.count_include_pad 0) or with H and W swapped (1,
	 * storage_order 1).  Float executor only.
	 */
	CIM_NODE_MAXPOOL_INDEX,
	/*
	 * ONNX Pad by run-time pads (input 1: begins then ends, integers as
	 * floats) into the shape attr.reshape; input 2 the constant value
	 * (one element), input 3 the mode (one element: 0 constant, 1 edge,
	 * 2 reflect).  Pads that give another shape give NaN.  Float
	 * executor only.
	 */
	CIM_NODE_PAD_RT,
};

/* Elementwise functions of one tensor (CIM_NODE_UNARY). */
enum cim_unary {
	CIM_UNARY_SIGMOID = 1,
	CIM_UNARY_HARDSIGMOID,	/* max(0, min(1, alpha x + beta)) */
	CIM_UNARY_HARDSWISH,	/* x * max(0, min(1, x / 6 + 1 / 2)) */
	CIM_UNARY_TANH,
	CIM_UNARY_LEAKYRELU,	/* x >= 0 ? x : alpha x (PRelu's scalar slope) */
	CIM_UNARY_SILU,		/* x * sigmoid(x) */
	CIM_UNARY_RECIPROCAL,	/* 1 / x */
	CIM_UNARY_NEG,
	CIM_UNARY_ABS,
	CIM_UNARY_EXP,
	CIM_UNARY_LOG,
	CIM_UNARY_SQRT,
	CIM_UNARY_ELU,		/* x >= 0 ? x : alpha (e^x - 1) */
	CIM_UNARY_SELU,		/* beta (x > 0 ? x : alpha (e^x - 1)) */
	CIM_UNARY_SOFTPLUS,	/* ln(1 + e^x) */
	CIM_UNARY_SOFTSIGN,	/* x / (1 + |x|) */
	CIM_UNARY_FLOOR,
	CIM_UNARY_CEIL,
	CIM_UNARY_ROUND_F16,	/* to the nearest float16 (Cast) */
	CIM_UNARY_ROUND_BF16,	/* to bfloat16, truncating (Cast before 19) */
	/*
	 * To an integer type: truncate toward zero, then wrap modulo
	 * 2^alpha into [beta, beta + 2^alpha) (ONNX's integer arithmetic;
	 * exact for integers below 2^24).  Float executor only.
	 */
	CIM_UNARY_TO_INT,
	CIM_UNARY_LAST = CIM_UNARY_TO_INT
};

/* Activation fused into FC, CONV and ADD nodes by cim_graph_optimize(). */
enum cim_act {
	CIM_ACT_NONE = 0,
	CIM_ACT_RELU,		/* max(x, 0) */
	CIM_ACT_CLIP,		/* min(max(x, act_min), act_max) */
};

struct cim_conv_attrs {
	uint32_t kernel[2];	/* KH, KW (must match W) */
	uint32_t stride[2];
	uint32_t pad[4];	/* top, left, bottom, right */
	uint32_t dilation[2];
	uint32_t group;		/* C and OC divisible; C == group is depthwise */
};

struct cim_pool_attrs {
	uint32_t kernel[2];
	uint32_t stride[2];
	uint32_t pad[4];	/* top, left, bottom, right */
	uint32_t count_include_pad;	/* AVGPOOL: divide by the full window */
};

union cim_node_attrs {
	struct cim_conv_attrs conv;
	struct cim_pool_attrs pool;
	struct {
		float min, max;
	} clip;
	struct {
		/* ONNX rules: 0 copies the input dim, one -1 is inferred */
		uint32_t rank;
		int64_t shape[CIM_MAX_RANK];
	} reshape;
	int32_t axis;		/* CONCAT, SOFTMAX; negative counts from the end */
	uint32_t perm[CIM_MAX_RANK];	/* TRANSPOSE, rank of the input */
	float epsilon;		/* BATCHNORM */
	struct {
		uint32_t fn;	/* enum cim_unary */
		float alpha, beta;
	} unary;
	struct {
		uint32_t axis;	/* non-negative */
		uint32_t start, step, len;	/* len elements taken */
	} slice;
	struct {
		uint32_t pad[4];	/* top, left, bottom, right */
		float value;
	} pad;
	struct {
		uint32_t kind;	/* enum cim_guard */
		uint32_t axis;	/* SPLIT: the axis and this output's part */
		uint32_t part;	/* RESHAPE: allowzero */
	} guard;
};

/* What a SHAPE_GUARD checks the run-time operand against (see the node). */
enum cim_guard {
	CIM_GUARD_RESHAPE = 1,	/* the shape, 0 and -1 resolved against x */
	CIM_GUARD_UNSQUEEZE,	/* the axes inserted into x's shape */
	CIM_GUARD_SQUEEZE,	/* the axes removed from x's shape */
	CIM_GUARD_EXPAND,	/* x's shape broadcast with the operand */
	CIM_GUARD_SPLIT,	/* operand[part] is y's length along axis */
	CIM_GUARD_SHAPE,	/* the operand is y's shape */
};

struct cim_tensor {
	char *name;
	uint32_t rank;
	uint32_t dims[CIM_MAX_RANK];
	uint64_t size;		/* elements */
	float *data;		/* initializers only, else NULL */
	int32_t producer;	/* node index, -1 for inputs and initializers */
	uint32_t n_consumers;	/* inputs of nodes reading it */
};

struct cim_node {
	char *name;
	enum cim_node_op op;
	uint32_t n_inputs;
	uint32_t inputs[CIM_MAX_NODE_INPUTS];	/* tensor indices */
	uint32_t output;			/* tensor index */
	union cim_node_attrs attr;
	enum cim_act act;
	float act_min, act_max;			/* CIM_ACT_CLIP */
};

struct cim_graph {
	uint32_t n_tensors, n_nodes, n_inputs, n_outputs;
	struct cim_tensor *tensors;
	struct cim_node *nodes;
	uint32_t *inputs;	/* tensor indices of the graph inputs */
	uint32_t *outputs;	/* tensor indices of the graph outputs */
	char err[CIM_GRAPH_ERR_LEN];	/* last failure, see cim_graph_error() */
	uint32_t cap_tensors, cap_nodes;	/* internal */
	/* activation parameters of a QDQ model, by tensor name */
	struct cim_graph_qdq *qdq;
	uint32_t n_qdq;
};

/* int8 scale and zero point a QDQ model gives a tensor (graph_qdq.c). */
struct cim_graph_qdq {
	char *name;
	float scale;
	int32_t zero_point;
};
int cim_graph_set_qdq(struct cim_graph *g, const char *name, float scale,
		      int32_t zp);
/* The tensor's QDQ parameters, or NULL (then: calibration). */
const struct cim_graph_qdq *cim_graph_qdq(const struct cim_graph *g,
					  const char *name);
void cim_graph_qdq_free(struct cim_graph *g);

/* What cim_graph_add_node() takes; names refer to existing tensors. */
struct cim_node_desc {
	const char *name;	/* for messages; may be NULL */
	enum cim_node_op op;
	uint32_t n_inputs;
	const char *const *inputs;
	const char *output;	/* a new tensor */
	union cim_node_attrs attr;
};

/* An empty graph, or NULL when out of memory. */
struct cim_graph *cim_graph_new(void);
void cim_graph_free(struct cim_graph *g);

/* The reason of the graph's last failure ("" if none). */
const char *cim_graph_error(const struct cim_graph *g);

/*
 * Each returns the new tensor's index, or -EINVAL (bad or duplicate name,
 * bad shape; see cim_graph_error()) or -ENOMEM.  The initializer's
 * size-of-shape floats are copied.
 */
int cim_graph_add_input(struct cim_graph *g, const char *name, uint32_t rank,
			const uint32_t *dims);
int cim_graph_add_initializer(struct cim_graph *g, const char *name,
			      uint32_t rank, const uint32_t *dims,
			      const float *data);

/*
 * Add a node; checks its inputs and attributes and infers its output's
 * shape.  Returns the node index, -EINVAL or -ENOMEM.
 */
int cim_graph_add_node(struct cim_graph *g, const struct cim_node_desc *d);

/* Mark an existing tensor as a graph output.  0, -EINVAL or -ENOMEM. */
int cim_graph_add_output(struct cim_graph *g, const char *name);

/* Index of the tensor called name, or -ENOENT. */
int cim_graph_find(const struct cim_graph *g, const char *name);

/*
 * Rewrite for the card, keeping the float function: fold BATCHNORM into
 * the CONV or FC before it (a batch norm with none becomes a depthwise
 * 1x1 CONV), fuse RELU and CLIP into the FC, CONV or ADD before them,
 * and drop the tensors no node reads any more.  0, -EINVAL or -ENOMEM.
 */
int cim_graph_optimize(struct cim_graph *g);
/*
 * A lower bound of the arrays of rows x cols 4-bit cells the graph's
 * FC/CONV weights need at wbits (8: two cells per weight, 4: one), from
 * the shapes alone: cim-compile refuses a model that cannot fit before
 * calibrating it.  0 or -EINVAL.
 */
int cim_graph_min_arrays(const struct cim_graph *g, uint32_t wbits,
			 uint32_t rows, uint32_t cols, uint64_t *arrays);

/*
 * ONNX import (opsets 1-17, operators listed in docs/compiler.md).  On
 * success *out is a new graph (already optimized when optimize is set).
 * On failure returns -EINVAL (malformed or unsupported model: err says
 * which node, operator and what), -ENOENT/-EIO (file), -ENOMEM; err
 * (may be NULL) receives a message of at most errlen bytes.
 */
int cim_onnx_import(const void *buf, size_t size, int optimize,
		    struct cim_graph **out, char *err, size_t errlen);
int cim_onnx_import_file(const char *path, int optimize,
			 struct cim_graph **out, char *err, size_t errlen);

/*
 * Float executor, one sample: in[i] holds graph input i, out[i] receives
 * graph output i (sizes from their tensors).  0, -EINVAL, -ENOMEM.
 */
int cim_graph_run(struct cim_graph *g, const float *const *in,
		  float *const *out);

/*
 * The same, keeping every tensor: on success vals[t] (t < n_tensors) is
 * a malloc'ed buffer holding tensor t's value, NULL for initializers
 * (their value is tensors[t].data).  Free with cim_graph_values_free().
 */
int cim_graph_run_all(struct cim_graph *g, const float *const *in,
		      float ***vals);
void cim_graph_values_free(const struct cim_graph *g, float **vals);

/*
 * Sample files (format "CIMD", docs/compiler.md): n float32 samples of
 * `len` values each, optionally with an int32 label per sample.
 */
struct cim_dataset {
	uint32_t n;		/* samples */
	uint32_t len;		/* floats per sample */
	uint32_t rank;		/* shape of one sample, informative */
	uint32_t dims[4];
	float *data;		/* n * len */
	int32_t *labels;	/* n, or NULL */
};

/*
 * Read a CIMD file or buffer.  0, -EINVAL (not a valid CIMD: err says
 * why), -ENOENT/-EIO, -ENOMEM.  Free with cim_dataset_free().
 */
int cim_dataset_parse(const void *buf, size_t size, struct cim_dataset **out,
		      char *err, size_t errlen);
int cim_dataset_load(const char *path, struct cim_dataset **out, char *err,
		     size_t errlen);
void cim_dataset_free(struct cim_dataset *d);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* CIM_GRAPH_H */
