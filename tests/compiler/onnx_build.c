// SPDX-License-Identifier: MIT
/* Tiny ONNX models built in C for the importer tests (see onnx_build.h). */
#include <stdlib.h>
#include <string.h>

#include "onnx_build.h"

static void *track(struct ob *b, void *p)
{
	b->allocs = realloc(b->allocs, (b->n_allocs + 1) * sizeof(*b->allocs));
	if (!b->allocs || !p)
		abort();
	b->allocs[b->n_allocs++] = p;
	return p;
}

static void *zalloc(struct ob *b, size_t n)
{
	return track(b, calloc(1, n ? n : 1));
}

static char *dup(struct ob *b, const char *s)
{
	return track(b, strdup(s));
}

/* Index of p in the tracked allocations, or n_allocs for NULL. */
static size_t slot(struct ob *b, const void *p)
{
	size_t i;

	for (i = 0; p && i < b->n_allocs; i++)
		if (b->allocs[i] == p)
			return i;
	return b->n_allocs;
}

static void *grow(struct ob *b, void *arr, size_t bytes)
{
	size_t i = slot(b, arr);
	void *p = realloc(arr, bytes);

	if (!p)
		abort();
	if (i == b->n_allocs)
		track(b, p);
	else
		b->allocs[i] = p;
	return p;
}

/* Append v to a protobuf-c repeated field. */
#define PUSH(b, arr, n, v) do {						\
	(arr) = grow(b, (arr), ((n) + 1) * sizeof(*(arr)));		\
	(arr)[(n)++] = (v);						\
} while (0)

struct ob *ob_new(int64_t opset)
{
	struct ob *b = calloc(1, sizeof(*b));

	onnx__model_proto__init(&b->m);
	onnx__graph_proto__init(&b->g);
	onnx__operator_set_id_proto__init(&b->opset);
	b->opset.has_version = 1;
	b->opset.version = opset;
	b->opset.domain = dup(b, "");
	b->opsets[0] = &b->opset;
	b->m.n_opset_import = 1;
	b->m.opset_import = b->opsets;
	b->m.has_ir_version = 1;
	b->m.ir_version = 8;
	b->m.graph = &b->g;
	b->g.name = dup(b, "test");
	return b;
}

void ob_free(struct ob *b)
{
	size_t i;

	for (i = 0; i < b->n_allocs; i++)
		free(b->allocs[i]);
	free(b->allocs);
	free(b);
}

static Onnx__ValueInfoProto *value_info(struct ob *b, const char *name, int rank,
					const int64_t *dims)
{
	Onnx__ValueInfoProto *vi = zalloc(b, sizeof(*vi));
	Onnx__TypeProto *tp = zalloc(b, sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = zalloc(b, sizeof(*tt));
	Onnx__TensorShapeProto *sh = zalloc(b, sizeof(*sh));
	int i;

	onnx__value_info_proto__init(vi);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	vi->name = dup(b, name);
	vi->type = tp;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	tt->shape = sh;
	for (i = 0; i < rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = zalloc(b, sizeof(*d));

		onnx__tensor_shape_proto__dimension__init(d);
		if (dims[i] < 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = dup(b, "N");
		} else {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = dims[i];
		}
		PUSH(b, sh->dim, sh->n_dim, d);
	}
	return vi;
}

void ob_input(struct ob *b, const char *name, int rank, const int64_t *dims)
{
	PUSH(b, b->g.input, b->g.n_input, value_info(b, name, rank, dims));
}

void ob_output(struct ob *b, const char *name)
{
	Onnx__ValueInfoProto *vi = zalloc(b, sizeof(*vi));

	onnx__value_info_proto__init(vi);
	vi->name = dup(b, name);
	PUSH(b, b->g.output, b->g.n_output, vi);
}

void ob_output_shaped(struct ob *b, const char *name, int rank,
		      const int64_t *dims)
{
	PUSH(b, b->g.output, b->g.n_output, value_info(b, name, rank, dims));
}

static int64_t count(int rank, const int64_t *dims)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < rank; i++)
		n *= dims[i];
	return n;
}

/* A tensor called name of the given shape and type, without contents. */
static Onnx__TensorProto *tensor_head(struct ob *b, const char *name, int rank,
				      const int64_t *dims, int32_t type)
{
	Onnx__TensorProto *t = zalloc(b, sizeof(*t));

	onnx__tensor_proto__init(t);
	t->name = dup(b, name);
	t->n_dims = rank;
	t->dims = zalloc(b, rank * sizeof(int64_t));
	if (rank)
		memcpy(t->dims, dims, rank * sizeof(int64_t));
	t->has_data_type = 1;
	t->data_type = type;
	return t;
}

Onnx__TensorProto *ob_tensor(struct ob *b, const char *name, int rank,
			     const int64_t *dims, const float *data)
{
	Onnx__TensorProto *t = tensor_head(b, name, rank, dims,
					   ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
	int64_t n = count(rank, dims);

	/* raw_data, as PyTorch writes it */
	t->has_raw_data = 1;
	t->raw_data.len = n * 4;
	t->raw_data.data = zalloc(b, n * 4);
	memcpy(t->raw_data.data, data, n * 4);
	return t;
}

Onnx__TensorProto *ob_init(struct ob *b, const char *name, int rank,
			   const int64_t *dims, const float *data)
{
	Onnx__TensorProto *t = ob_tensor(b, name, rank, dims, data);

	PUSH(b, b->g.initializer, b->g.n_initializer, t);
	return t;
}

Onnx__TensorProto *ob_init_i64(struct ob *b, const char *name, int rank,
			       const int64_t *dims, const int64_t *data)
{
	Onnx__TensorProto *t = tensor_head(b, name, rank, dims,
					   ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
	int64_t n = count(rank, dims);

	/* the typed field this time */
	t->n_int64_data = n;
	t->int64_data = zalloc(b, n * sizeof(int64_t));
	memcpy(t->int64_data, data, n * sizeof(int64_t));
	PUSH(b, b->g.initializer, b->g.n_initializer, t);
	return t;
}

static void split(struct ob *b, const char *list, size_t *n, char ***out)
{
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *s = zalloc(b, len + 1);

		memcpy(s, p, len);
		PUSH(b, *out, *n, s);
		if (!e)
			break;
		p = e + 1;
	}
}

Onnx__NodeProto *ob_node(struct ob *b, const char *op, const char *name,
			 const char *inputs, const char *outputs)
{
	Onnx__NodeProto *n = zalloc(b, sizeof(*n));

	onnx__node_proto__init(n);
	n->op_type = dup(b, op);
	n->name = dup(b, name);
	if (*inputs)
		split(b, inputs, &n->n_input, &n->input);
	split(b, outputs, &n->n_output, &n->output);
	PUSH(b, b->g.node, b->g.n_node, n);
	return n;
}

static Onnx__AttributeProto *attr(struct ob *b, Onnx__NodeProto *n,
				  const char *name,
				  Onnx__AttributeProto__AttributeType type)
{
	Onnx__AttributeProto *a = zalloc(b, sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = dup(b, name);
	a->has_type = 1;
	a->type = type;
	PUSH(b, n->attribute, n->n_attribute, a);
	return a;
}

void ob_attr_i(struct ob *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
	Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

	a->has_i = 1;
	a->i = v;
}

void ob_attr_f(struct ob *b, Onnx__NodeProto *n, const char *name, float v)
{
	Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

	a->has_f = 1;
	a->f = v;
}

void ob_attr_s(struct ob *b, Onnx__NodeProto *n, const char *name,
	       const char *v)
{
	Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

	a->has_s = 1;
	a->s.len = strlen(v);
	a->s.data = (uint8_t *)dup(b, v);
}

void ob_attr_ints(struct ob *b, Onnx__NodeProto *n, const char *name, int count,
		  const int64_t *v)
{
	Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

	a->n_ints = count;
	a->ints = zalloc(b, count * sizeof(int64_t));
	memcpy(a->ints, v, count * sizeof(int64_t));
}

void ob_attr_t(struct ob *b, Onnx__NodeProto *n, const char *name,
	       Onnx__TensorProto *t)
{
	Onnx__AttributeProto *a = attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);

	a->t = t;
}

uint8_t *ob_pack(struct ob *b, size_t *len)
{
	uint8_t *buf;

	*len = onnx__model_proto__get_packed_size(&b->m);
	buf = malloc(*len ? *len : 1);
	if (!buf)
		abort();
	onnx__model_proto__pack(&b->m, buf);
	return buf;
}
