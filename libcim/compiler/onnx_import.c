// SPDX-License-Identifier: MIT
/*
 * ONNX import: unpack the ModelProto (protobuf-c, code generated at build
 * time from Debian's onnx.proto), check the opset, turn initializers and
 * inputs into graph tensors, translate the nodes in order (onnx_ops.c)
 * and mark the outputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"
#include "file_read.h"

#define MAX_MODEL_BYTES	(1ull << 31)

static int check_opset(struct onnx_ctx *c, const Onnx__ModelProto *m)
{
	size_t i;

	c->opset = -1;
	for (i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];

		if (!o->domain || !*o->domain || !strcmp(o->domain, "ai.onnx"))
			c->opset = o->has_version ? o->version : -1;
	}
	if (c->opset < 0)
		return onnx_err(c, "model imports no version of the default ONNX opset");
	if (c->opset < ONNX_MIN_OPSET || c->opset > ONNX_MAX_OPSET)
		return onnx_err(c, "opset %lld is not supported (%d to %d are)",
				(long long)c->opset, ONNX_MIN_OPSET, ONNX_MAX_OPSET);
	return 0;
}

/*
 * The graph takes t's raw_data bytes (f) as its floats, not a copy: the
 * weights are held once, not twice.  t keeps pointing at them for the
 * readers of the constant until the model is freed (untake()); the
 * graph does not change or free an initializer's data during import.
 */
static int take(struct onnx_ctx *c, const Onnx__TensorProto *t,
		uint32_t rank, const uint32_t *dims, float *f)
{
	Onnx__TensorProto **k = realloc(c->taken, (c->n_taken + 1) * sizeof(*k));
	int ret;

	if (!k)
		return -ENOMEM;
	c->taken = k;
	ret = cgi_add_initializer_owned(c->g, t->name, rank, dims, f);
	if (ret >= 0)
		c->taken[c->n_taken++] = (Onnx__TensorProto *)t;
	return ret;
}

/* The taken bytes belong to the graph: protobuf-c must not free them. */
static void untake(struct onnx_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_taken; i++) {
		c->taken[i]->raw_data.data = NULL;
		c->taken[i]->raw_data.len = 0;
	}
	free(c->taken);
	c->taken = NULL;
	c->n_taken = 0;
}

/* Float initializers go into the graph; every initializer is a constant. */
static int add_initializers(struct onnx_ctx *c, const Onnx__GraphProto *gp)
{
	size_t i;
	int ret;

	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		uint32_t dims[CIM_MAX_RANK] = { 1 }, rank = 1, d;
		const char *why;
		float *f;
		int n;

		if (!t->name || !*t->name)
			return onnx_err(c, "initializer %zu has no name", i);
		ret = onnx_add_const(c, t->name, t);
		if (ret)
			return ret;
		if (!t->has_data_type ||
		    t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
			continue;	/* shapes and the like: read where used */
		if (t->n_dims)
			rank = (uint32_t)t->n_dims;
		for (d = 0; d < t->n_dims && d < CIM_MAX_RANK; d++)
			dims[d] = (uint32_t)t->dims[d];
		if (t->n_dims <= CIM_MAX_RANK && onnx_tensor_raw_floats(t, &f) > 0) {
			ret = take(c, t, rank, dims, f);
			if (ret < 0)
				return ret == -ENOMEM ? ret :
				       onnx_err(c, "%s", cim_graph_error(c->g));
			continue;
		}
		n = onnx_tensor_floats(t, &f, &why);
		if (n < 0)
			return n == -ENOMEM ? n :
			       onnx_err(c, "initializer \"%s\" %s", t->name, why);
		if (t->n_dims > CIM_MAX_RANK || n == 0) {
			free(f);
			continue;	/* usable as a constant only */
		}
		ret = cim_graph_add_initializer(c->g, t->name, rank, dims, f);
		free(f);
		if (ret < 0)
			return ret == -ENOMEM ? ret :
			       onnx_err(c, "%s", cim_graph_error(c->g));
	}
	return 0;
}

static int add_input(struct onnx_ctx *c, const Onnx__ValueInfoProto *vi)
{
	const Onnx__TypeProto__Tensor *tt;
	uint32_t dims[CIM_MAX_RANK];
	size_t d;
	int ret;

	if (!vi->name || !*vi->name)
		return onnx_err(c, "a graph input has no name");
	if (onnx_const(c, vi->name))
		return 0;	/* IR < 4: initializers are listed as inputs too */
	if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !(tt = vi->type->tensor_type) || !tt->shape)
		return onnx_err(c, "graph input \"%s\" is not a tensor of known shape",
				vi->name);
	/* the graph computes in float32: float16, double, integers too */
	if (!onnx_is_int_type(tt->elem_type) &&
	    tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
	    tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 &&
	    tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16 &&
	    tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
		return onnx_err(c, "graph input \"%s\" is not of a floating-point or integer type (data type %d)",
				vi->name, (int)tt->elem_type);
	if (tt->shape->n_dim > CIM_MAX_RANK)
		return onnx_err(c, "graph input \"%s\" has rank %zu (0 to %d supported)",
				vi->name, tt->shape->n_dim, CIM_MAX_RANK);
	if (tt->shape->n_dim == 0) {	/* a scalar: one element */
		dims[0] = 1;
		ret = cim_graph_add_input(c->g, vi->name, 1, dims);
		if (ret < 0)
			return ret == -ENOMEM ? ret : onnx_err(c, "%s", cim_graph_error(c->g));
		return onnx_is_int_type(tt->elem_type) ?
		       onnx_int_set(c, vi->name, tt->elem_type) : 0;
	}
	for (d = 0; d < tt->shape->n_dim; d++) {
		const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
		int is_val = dim->value_case ==
			     ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;

		/* A symbolic batch dimension runs one sample at a time. */
		if (d == 0 && !is_val) {
			dims[d] = 1;
			continue;
		}
		if (!is_val || dim->dim_value < 1 || dim->dim_value > (1 << 30))
			return onnx_err(c, "graph input \"%s\": dimension %zu is not a fixed size",
					vi->name, d);
		dims[d] = (uint32_t)dim->dim_value;
	}
	ret = cim_graph_add_input(c->g, vi->name, (uint32_t)tt->shape->n_dim, dims);
	if (ret < 0)
		return ret == -ENOMEM ? ret : onnx_err(c, "%s", cim_graph_error(c->g));
	return onnx_is_int_type(tt->elem_type) ? onnx_int_set(c, vi->name, tt->elem_type) : 0;
}

static int add_nodes(struct onnx_ctx *c, const Onnx__GraphProto *gp)
{
	char fallback[32];
	size_t i;
	int ret;

	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *n = gp->node[i];

		c->node = n;
		c->gp = gp;
		if (n->name && *n->name) {
			c->node_name = n->name;
		} else if (n->n_output && n->output[0] && *n->output[0]) {
			c->node_name = n->output[0];
		} else {
			snprintf(fallback, sizeof(fallback), "#%zu", i);
			c->node_name = fallback;
		}
		if (!n->op_type || !*n->op_type)
			return onnx_node_err(c, "has no operator type");
		if (n->domain && *n->domain && strcmp(n->domain, "ai.onnx"))
			return onnx_node_err(c, "operator domain \"%.60s\" is not supported",
					     n->domain);
		if (n->n_output < 1 || !n->output[0] || !*n->output[0])
			return onnx_node_err(c, "has no output");
		ret = onnx_try_fold(c);
		if (ret > 0)
			continue;
		if (!ret && !onnx_declared_node(c, &ret) && !onnx_int_node(c, &ret))
			ret = onnx_import_node(c);
		if (ret)
			return ret;
	}
	c->node = NULL;
	return 0;
}

/*
 * A graph output that is a constant (folded at import, e.g. a Shape): a
 * copy of it computed by a Reshape node of the constant, as integers
 * converted to float.  Returns the name to use.
 */
static const char *const_output(struct onnx_ctx *c, const char *name, int *ret)
{
	union cim_node_attrs a = { 0 };
	const Onnx__TensorProto *t = onnx_const(c, name);
	const char *src;
	int64_t dims[CIM_MAX_RANK];
	uint32_t d, rank;
	float *v;
	size_t n;
	int ti;

	snprintf(c->over_name, sizeof(c->over_name), "%.400s:const", name);
	src = c->over_name;
	ti = cim_graph_find(c->g, name);
	if (ti >= 0 && c->g->tensors[ti].data) {
		/* the constant is already the graph tensor of that name (every
		 * node is imported): renamed, the copy takes the name */
		char *nn = strdup(src);

		if (!nn) {
			*ret = -ENOMEM;
			return NULL;
		}
		free(c->g->tensors[ti].name);
		c->g->tensors[ti].name = nn;
		t = NULL;
		*ret = 0;
	}
	if (t) {
		rank = (uint32_t)t->n_dims;
		if (rank > CIM_MAX_RANK || onnx_tensor_size(t) < 1) {
			*ret = onnx_err(c, "graph output \"%s\" is an empty or high-rank constant",
					name);
			return NULL;
		}
		for (d = 0; d < rank; d++)
			dims[d] = t->dims[d];
		if (!rank)
			dims[rank++] = 1;
		*ret = onnx_const_floats(c, name, &v, &n);
		if (*ret)
			return NULL;
		*ret = onnx_publish_floats(c, src, rank, dims, v, n);
		free(v);
	} else if (ti < 0 || !c->g->tensors[ti].data) {	/* an initializer */
		src = onnx_resolve(c, name);
		rank = c->g->tensors[cim_graph_find(c->g, src)].rank;
		*ret = 0;
	}
	a.reshape.rank = 1;
	a.reshape.shape[0] = -1;
	(void)rank;
	if (!*ret)
		*ret = cim_graph_add_node(c->g, &(struct cim_node_desc){
			.name = name, .op = CIM_NODE_RESHAPE, .n_inputs = 1,
			.inputs = &src, .output = name, .attr = a });
	if (*ret == -EINVAL)
		*ret = onnx_err(c, "%s", cim_graph_error(c->g));
	if (*ret > 0)
		*ret = 0;	/* the node's index */
	return *ret < 0 ? NULL : name;
}

static int add_outputs(struct onnx_ctx *c, const Onnx__GraphProto *gp)
{
	size_t i, j;
	int ret;

	if (!gp->n_output)
		return onnx_err(c, "graph has no outputs");
	for (i = 0; i < gp->n_output; i++) {
		const char *name = gp->output[i]->name;

		if (name && cim_graph_find(c->g, onnx_resolve(c, name)) >= 0 &&
		    c->g->tensors[cim_graph_find(c->g, onnx_resolve(c, name))].data)
			name = const_output(c, name, &ret);
		else if (name && cim_graph_find(c->g, onnx_resolve(c, name)) < 0 &&
			 onnx_const(c, name))
			name = const_output(c, name, &ret);
		else
			ret = 0;
		if (ret)
			return ret;
		if (!name || cim_graph_find(c->g, onnx_resolve(c, name)) < 0)
			return onnx_err(c, "graph output \"%s\" is not produced by any node",
					name ? name : "(unnamed)");
		for (j = 0; j < i; j++)
			if (gp->output[j]->name && !strcmp(gp->output[j]->name, name))
				return onnx_err(c, "graph output \"%s\" is listed twice", name);
		ret = cim_graph_add_output(c->g, onnx_resolve(c, name));
		if (ret < 0)
			return ret == -ENOMEM ? ret : onnx_err(c, "%s", cim_graph_error(c->g));
	}
	return 0;
}

static int import_model(struct onnx_ctx *c, const Onnx__ModelProto *m)
{
	const Onnx__GraphProto *gp = m->graph;
	size_t i;
	int ret;

	ret = check_opset(c, m);
	if (ret)
		return ret;
	if (!gp)
		return onnx_err(c, "model has no graph");
	if (gp->n_sparse_initializer)
		return onnx_err(c, "sparse initializers are not supported");
	ret = add_initializers(c, gp);
	for (i = 0; !ret && i < gp->n_input; i++)
		ret = add_input(c, gp->input[i]);
	if (!ret)
		ret = add_nodes(c, gp);
	if (!ret)
		ret = add_outputs(c, gp);
	return ret;
}

/* The graph of an unpacked model, which it frees. */
static int import_unpacked(Onnx__ModelProto *m, int optimize,
			   struct cim_graph **out, char *err, size_t errlen)
{
	struct onnx_ctx c = { .err = err, .errlen = errlen };
	size_t i;
	int ret;

	c.g = cim_graph_new();
	ret = c.g ? import_model(&c, m) : -ENOMEM;
	if (!ret && optimize) {
		ret = cim_graph_optimize(c.g);
		if (ret == -EINVAL)
			onnx_err(&c, "%s", cim_graph_error(c.g));
	}
	if (ret == -ENOMEM)
		onnx_err(&c, "out of memory");
	untake(&c);
	onnx__model_proto__free_unpacked(m, NULL);
	for (i = 0; i < c.n_aliases; i++) {
		free(c.aliases[i].from);
		free(c.aliases[i].to);
	}
	free(c.aliases);
	free(c.consts);
	onnx_fold_free(&c);
	onnx_int_free(&c);
	if (ret) {
		cim_graph_free(c.g);
		return ret;
	}
	*out = c.g;
	return 0;
}

/* Unpack buf (protobuf-c copies what it keeps: buf may go after). */
static int unpack(const void *buf, size_t size, Onnx__ModelProto **m,
		  char *err, size_t errlen)
{
	struct onnx_ctx c = { .err = err, .errlen = errlen };

	if (size > MAX_MODEL_BYTES)
		return onnx_err(&c, "model is larger than 2 GiB");
	*m = onnx__model_proto__unpack(NULL, size, buf);
	if (!*m)
		return onnx_err(&c, "not an ONNX model (protobuf parse error)");
	return 0;
}

int cim_onnx_import(const void *buf, size_t size, int optimize,
		    struct cim_graph **out, char *err, size_t errlen)
{
	Onnx__ModelProto *m;
	int ret;

	if (err && errlen)
		err[0] = 0;
	if (!out || (!buf && size))
		return -EINVAL;
	*out = NULL;
	ret = unpack(buf, size, &m, err, errlen);
	return ret ? ret : import_unpacked(m, optimize, out, err, errlen);
}

int cim_onnx_import_file(const char *path, int optimize,
			 struct cim_graph **out, char *err, size_t errlen)
{
	struct onnx_ctx c = { .err = err, .errlen = errlen };
	Onnx__ModelProto *m;
	size_t len;
	void *buf;
	int ret, opened;

	if (!path || !out)
		return -EINVAL;
	if (err && errlen)
		err[0] = 0;
	*out = NULL;
	/* One initializer at a time: the weights are not held twice. */
	if (!onnx_read_model(path, MAX_MODEL_BYTES, &m))
		return import_unpacked(m, optimize, out, err, errlen);
	ret = cimi_read_file(path, &buf, &len, &opened);
	if (ret && !opened) {
		onnx_err(&c, "%s: cannot open", path);
		return ret;
	}
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		onnx_err(&c, "%s: cannot read", path);
		return -EIO;
	}
	/* The file's bytes go before the graph's floats come: one copy less. */
	if (err && errlen)
		err[0] = 0;
	*out = NULL;
	ret = unpack(buf, len, &m, err, errlen);
	free(buf);
	return ret ? ret : import_unpacked(m, optimize, out, err, errlen);
}
