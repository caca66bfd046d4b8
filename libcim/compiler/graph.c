// SPDX-License-Identifier: MIT
/*
 * Graph IR: creation, tensors, inputs, initializers and outputs.  Nodes
 * are added in graph_node.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define MAX_NAME	4096

struct cim_graph *cim_graph_new(void)
{
	return calloc(1, sizeof(struct cim_graph));
}

void cim_graph_free(struct cim_graph *g)
{
	uint32_t i;

	if (!g)
		return;
	for (i = 0; i < g->n_tensors; i++) {
		free(g->tensors[i].name);
		free(g->tensors[i].data);
	}
	for (i = 0; i < g->n_nodes; i++)
		free(g->nodes[i].name);
	free(g->tensors);
	free(g->nodes);
	free(g->inputs);
	free(g->outputs);
	cim_graph_qdq_free(g);
	free(g);
}

const char *cim_graph_error(const struct cim_graph *g)
{
	return g ? g->err : "no graph";
}

int cgi_err(struct cim_graph *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->err, sizeof(g->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

uint64_t cgi_shape_size(uint32_t rank, const uint32_t *dims)
{
	uint64_t n = 1;
	uint32_t i;

	if (rank == 0 || rank > CIM_MAX_RANK)
		return 0;
	for (i = 0; i < rank; i++) {
		n *= dims[i];
		if (n == 0 || n > (1ull << 31))
			return 0;
	}
	return n;
}

int cim_graph_find(const struct cim_graph *g, const char *name)
{
	uint32_t i;

	if (!g || !name)
		return -ENOENT;
	for (i = 0; i < g->n_tensors; i++)
		if (!strcmp(g->tensors[i].name, name))
			return (int)i;
	return -ENOENT;
}

int cgi_new_tensor(struct cim_graph *g, const char *name, uint32_t rank,
		   const uint32_t *dims)
{
	struct cim_tensor *t;

	if (g->n_tensors == g->cap_tensors) {
		uint32_t cap = g->cap_tensors ? 2 * g->cap_tensors : 16;

		t = realloc(g->tensors, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		g->tensors = t;
		g->cap_tensors = cap;
	}
	t = &g->tensors[g->n_tensors];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name)
		return -ENOMEM;
	t->rank = rank;
	memcpy(t->dims, dims, rank * sizeof(*dims));
	t->size = cgi_shape_size(rank, dims);
	t->producer = -1;
	return (int)g->n_tensors++;
}

/* A name for a new tensor: present, not too long, not taken. */
static int new_name_ok(struct cim_graph *g, const char *name)
{
	if (!name || !*name)
		return cgi_err(g, "tensor without a name");
	if (strlen(name) > MAX_NAME)
		return cgi_err(g, "tensor name longer than %d bytes", MAX_NAME);
	if (cim_graph_find(g, name) >= 0)
		return cgi_err(g, "tensor \"%s\" is defined twice", name);
	return 0;
}

static int shape_ok(struct cim_graph *g, const char *name, uint32_t rank,
		    const uint32_t *dims)
{
	if (rank == 0 || rank > CIM_MAX_RANK || !dims)
		return cgi_err(g, "tensor \"%s\": rank %u is not in 1..%d", name,
			       rank, CIM_MAX_RANK);
	if (!cgi_shape_size(rank, dims))
		return cgi_err(g, "tensor \"%s\": a dimension is 0 or the size exceeds 2^31",
			       name);
	return 0;
}

static int append_index(uint32_t **arr, uint32_t *n, uint32_t v)
{
	uint32_t *a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	a[(*n)++] = v;
	*arr = a;
	return 0;
}

/* A new tensor may be called name and have this shape. */
static int new_tensor_ok(struct cim_graph *g, const char *name, uint32_t rank,
			 const uint32_t *dims)
{
	int ret;

	if (!g)
		return -EINVAL;
	ret = new_name_ok(g, name);
	return ret ? ret : shape_ok(g, name, rank, dims);
}

int cim_graph_add_input(struct cim_graph *g, const char *name, uint32_t rank,
			const uint32_t *dims)
{
	int ret, t;

	ret = new_tensor_ok(g, name, rank, dims);
	if (ret)
		return ret;
	t = cgi_new_tensor(g, name, rank, dims);
	if (t < 0)
		return t;
	ret = append_index(&g->inputs, &g->n_inputs, (uint32_t)t);
	return ret ? ret : t;
}

/* The checks and the tensor both initializer kinds share. */
static int new_initializer(struct cim_graph *g, const char *name,
			   uint32_t rank, const uint32_t *dims,
			   const float *data)
{
	int ret = new_tensor_ok(g, name, rank, dims);

	if (ret)
		return ret;
	if (!data)
		return cgi_err(g, "initializer \"%s\" has no data", name);
	return cgi_new_tensor(g, name, rank, dims);
}

int cim_graph_add_initializer(struct cim_graph *g, const char *name,
			      uint32_t rank, const uint32_t *dims,
			      const float *data)
{
	struct cim_tensor *tp;
	int t = new_initializer(g, name, rank, dims, data);

	if (t < 0)
		return t;
	tp = &g->tensors[t];
	tp->data = malloc(tp->size * sizeof(float));
	if (!tp->data)
		return -ENOMEM;
	memcpy(tp->data, data, tp->size * sizeof(float));
	return t;
}

int cgi_add_initializer_owned(struct cim_graph *g, const char *name,
			      uint32_t rank, const uint32_t *dims, float *data)
{
	int t = new_initializer(g, name, rank, dims, data);

	if (t >= 0)
		g->tensors[t].data = data;
	return t;
}

int cim_graph_add_output(struct cim_graph *g, const char *name)
{
	int t;

	if (!g)
		return -EINVAL;
	t = cim_graph_find(g, name);
	if (t < 0)
		return cgi_err(g, "graph output \"%s\" is not produced by any node or input",
			       name ? name : "(null)");
	if (g->tensors[t].data)
		return cgi_err(g, "graph output \"%s\" is an initializer", name);
	return append_index(&g->outputs, &g->n_outputs, (uint32_t)t);
}

void cgi_count_consumers(struct cim_graph *g)
{
	uint32_t i, j;

	for (i = 0; i < g->n_tensors; i++)
		g->tensors[i].n_consumers = 0;
	for (i = 0; i < g->n_nodes; i++)
		for (j = 0; j < g->nodes[i].n_inputs; j++)
			g->tensors[g->nodes[i].inputs[j]].n_consumers++;
}
