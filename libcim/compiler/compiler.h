/* SPDX-License-Identifier: MIT */
/* Internals of the compiler front end (graph IR, ONNX import, quantizer). */
#ifndef CIM_COMPILER_H
#define CIM_COMPILER_H

#include <stdint.h>

#include "cim_graph.h"

/* printf into g->err; returns -EINVAL so callers can `return cgi_err(...)`. */
int cgi_err(struct cim_graph *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "node \"name\" (Op)" prefix of node messages. */
const char *cgi_op_name(enum cim_node_op op);

/* New tensor (no data); index or -ENOMEM.  Name copied, not checked. */
int cgi_new_tensor(struct cim_graph *g, const char *name, uint32_t rank,
		   const uint32_t *dims);

/*
 * cim_graph_add_initializer() that takes data (malloc'ed, size floats)
 * instead of copying it: the graph frees it.  Index, or an error (then
 * the caller still owns data).
 */
int cgi_add_initializer_owned(struct cim_graph *g, const char *name,
			      uint32_t rank, const uint32_t *dims, float *data);

/* Product of dims, 0 if rank or a dim is 0 or the product exceeds 2^31. */
uint64_t cgi_shape_size(uint32_t rank, const uint32_t *dims);

/* Output shape of a node whose inputs are set; 0 or cgi_err(). */
int cgi_infer_shape(struct cim_graph *g, const struct cim_node *n,
		    uint32_t *rank, uint32_t *dims);

/* Recount n_consumers of every tensor. */
void cgi_count_consumers(struct cim_graph *g);

/* Float kernels of the executor; one sample. */
/* The axis of an axis attribute (negative: from the end) of o, and the
 * products of o's dimensions before (*outer) and after (*inner) it. */
uint32_t cgk_axis_split(const struct cim_tensor *o, int32_t attr,
			uint64_t *outer, uint64_t *inner);
void cgk_fc(const struct cim_graph *g, const struct cim_node *n,
	    float *const *v);
void cgk_conv(const struct cim_graph *g, const struct cim_node *n,
	      float *const *v);
/* One node of the float executor: v[t] holds tensor t (output allocated). */
void cgk_run_node(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v);
/* The same without the GEMM: loops (depthwise, fallback, tests). */
void cgk_fc_direct(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v);
void cgk_conv_direct(const struct cim_graph *g, const struct cim_node *n,
		     float *const *v);
/*
 * The im2col matrix (K x cols, row-major) of output positions [p0, p0 +
 * cols) of one group of a CONV: row (ic, ky, kx), 0 in the padding.  xg:
 * the group's cpg input planes of h x wd; ow: output width.
 */
void cgk_im2col(const struct cim_conv_attrs *a, const float *xg, uint32_t cpg,
		uint32_t h, uint32_t wd, uint32_t ow, size_t p0, size_t cols,
		float *col);
void cgk_pool(const struct cim_graph *g, const struct cim_node *n,
	      float *const *v);
void cgk_transpose(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v);
void cgk_concat(const struct cim_graph *g, const struct cim_node *n,
		float *const *v);
void cgk_softmax(const struct cim_graph *g, const struct cim_node *n,
		 float *const *v);
void cgk_batchnorm(const struct cim_graph *g, const struct cim_node *n,
		   float *const *v);
/* A node's fused activation. */
static inline float cgk_act(const struct cim_node *n, float x)
{
	switch (n->act) {
	case CIM_ACT_RELU:
		return x > 0 ? x : 0;
	case CIM_ACT_CLIP:
		return x < n->act_min ? n->act_min : x > n->act_max ? n->act_max : x;
	default:
		return x;
	}
}
float cgk_unary_fn(uint32_t fn, float alpha, float beta, float x);
void cgk_unary(const struct cim_graph *g, const struct cim_node *n,
	       float *const *v);
void cgk_matmul(const struct cim_graph *g, const struct cim_node *n,
		float *const *v);
void cgk_gather(const struct cim_graph *g, const struct cim_node *n,
		float *const *v);
void cgk_slice_rt(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v);
void cgk_range_rt(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v);
void cgk_shape_guard(const struct cim_graph *g, const struct cim_node *n,
		     float *const *v);
void cgk_maxpool_index(const struct cim_graph *g, const struct cim_node *n,
		       float *const *v);
void cgk_pad_rt(const struct cim_graph *g, const struct cim_node *n,
		float *const *v);
void cgk_binary(const struct cim_graph *g, const struct cim_node *n,
		float *const *v);
void cgk_slice(const struct cim_graph *g, const struct cim_node *n,
	       float *const *v);
void cgk_pad(const struct cim_graph *g, const struct cim_node *n,
	     float *const *v);

#endif /* CIM_COMPILER_H */
