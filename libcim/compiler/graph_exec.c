// SPDX-License-Identifier: MIT
/*
 * Float executor of the graph IR: the accuracy reference of the compiler
 * and the source of calibration statistics.  One sample at a time, in
 * node order (the builder guarantees a topological order).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

static void run_elementwise(const struct cim_graph *g, const struct cim_node *n,
			    float *const *v)
{
	const struct cim_tensor *t = &g->tensors[n->output];
	const float *x = v[n->inputs[0]];
	float *y = v[n->output];
	uint64_t i;

	for (i = 0; i < t->size; i++) {
		float r = x[i];

		switch (n->op) {
		case CIM_NODE_RELU:
			r = r > 0 ? r : 0;
			break;
		case CIM_NODE_CLIP:
			r = r < n->attr.clip.min ? n->attr.clip.min :
			    r > n->attr.clip.max ? n->attr.clip.max : r;
			break;
		case CIM_NODE_ADD:
			r += v[n->inputs[1]][i];
			break;
		default:	/* RESHAPE: same elements, same order */
			break;
		}
		y[i] = cgk_act(n, r);
	}
}

void cgk_run_node(const struct cim_graph *g, const struct cim_node *n,
		  float *const *v)
{
	switch (n->op) {
	case CIM_NODE_FC:
		cgk_fc(g, n, v);
		break;
	case CIM_NODE_CONV:
		cgk_conv(g, n, v);
		break;
	case CIM_NODE_BATCHNORM:
		cgk_batchnorm(g, n, v);
		break;
	case CIM_NODE_MAXPOOL:
	case CIM_NODE_AVGPOOL:
	case CIM_NODE_GLOBAL_AVGPOOL:
	case CIM_NODE_GLOBAL_MAXPOOL:
		cgk_pool(g, n, v);
		break;
	case CIM_NODE_UNARY:
		cgk_unary(g, n, v);
		break;
	case CIM_NODE_ADD:
	case CIM_NODE_MUL:
	case CIM_NODE_MAX:
	case CIM_NODE_MIN:
	case CIM_NODE_DIV:
		cgk_binary(g, n, v);
		break;
	case CIM_NODE_MATMUL:
		cgk_matmul(g, n, v);
		break;
	case CIM_NODE_GATHER:
		cgk_gather(g, n, v);
		break;
	case CIM_NODE_SLICE_RT:
		cgk_slice_rt(g, n, v);
		break;
	case CIM_NODE_RANGE_RT:
		cgk_range_rt(g, n, v);
		break;
	case CIM_NODE_SHAPE_GUARD:
		cgk_shape_guard(g, n, v);
		break;
	case CIM_NODE_MAXPOOL_INDEX:
		cgk_maxpool_index(g, n, v);
		break;
	case CIM_NODE_PAD_RT:
		cgk_pad_rt(g, n, v);
		break;
	case CIM_NODE_SLICE:
		cgk_slice(g, n, v);
		break;
	case CIM_NODE_PAD:
		cgk_pad(g, n, v);
		break;
	case CIM_NODE_CONCAT:
		cgk_concat(g, n, v);
		break;
	case CIM_NODE_TRANSPOSE:
		cgk_transpose(g, n, v);
		break;
	case CIM_NODE_SOFTMAX:
		cgk_softmax(g, n, v);
		break;
	default:
		run_elementwise(g, n, v);
		break;
	}
}

/* Frees the buffers run() allocated: all but the initializers' data. */
static void free_run_values(const struct cim_graph *g, float **v)
{
	uint32_t i;

	for (i = 0; i < g->n_tensors; i++)
		if (!g->tensors[i].data)
			free(v[i]);
	free(v);
}

void cim_graph_values_free(const struct cim_graph *g, float **vals)
{
	uint32_t i;

	if (!g || !vals)
		return;
	for (i = 0; i < g->n_tensors; i++)
		free(vals[i]);
	free(vals);
}

/* vals[t]: initializers point at their data, everything else is owned. */
static int run(struct cim_graph *g, const float *const *in, float ***out)
{
	float **v;
	uint32_t i;

	if (!g || (g->n_inputs && !in) || !g->n_outputs)
		return -EINVAL;
	for (i = 0; i < g->n_inputs; i++)
		if (!in[i])
			return -EINVAL;
	v = calloc(g->n_tensors ? g->n_tensors : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < g->n_tensors; i++) {
		const struct cim_tensor *t = &g->tensors[i];

		v[i] = t->data ? t->data : malloc(t->size * sizeof(float));
		if (!v[i]) {
			free_run_values(g, v);
			return -ENOMEM;
		}
	}
	for (i = 0; i < g->n_inputs; i++)
		memcpy(v[g->inputs[i]], in[i],
		       g->tensors[g->inputs[i]].size * sizeof(float));
	for (i = 0; i < g->n_nodes; i++)
		cgk_run_node(g, &g->nodes[i], v);
	*out = v;
	return 0;
}

int cim_graph_run(struct cim_graph *g, const float *const *in,
		  float *const *out)
{
	float **v;
	uint32_t i;
	int ret;

	if (!out)
		return -EINVAL;
	ret = run(g, in, &v);
	if (ret)
		return ret;
	for (i = 0; i < g->n_outputs; i++)
		memcpy(out[i], v[g->outputs[i]],
		       g->tensors[g->outputs[i]].size * sizeof(float));
	free_run_values(g, v);
	return 0;
}

int cim_graph_run_all(struct cim_graph *g, const float *const *in,
		      float ***vals)
{
	float **v;
	uint32_t i;
	int ret;

	if (!vals)
		return -EINVAL;
	ret = run(g, in, &v);
	if (ret)
		return ret;
	/* The caller owns every entry; initializers stay in tensors[].data. */
	for (i = 0; i < g->n_tensors; i++)
		if (g->tensors[i].data)
			v[i] = NULL;
	*vals = v;
	return 0;
}
