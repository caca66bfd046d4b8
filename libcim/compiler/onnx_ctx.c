// SPDX-License-Identifier: MIT
/*
 * ONNX importer context: messages naming the node, aliases left by
 * removed operators, constants, and typed attribute access.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

static void vmsg(struct onnx_ctx *c, const char *prefix, const char *fmt,
		 va_list ap)
{
	char body[CIM_GRAPH_ERR_LEN];

	vsnprintf(body, sizeof(body), fmt, ap);
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "%s%s", prefix, body);
}

int onnx_err(struct onnx_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(c, "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int onnx_node_err(struct onnx_ctx *c, const char *fmt, ...)
{
	char prefix[CIM_GRAPH_ERR_LEN];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "node \"%.100s\" (%.60s): ",
		 c->node_name, c->node && c->node->op_type ? c->node->op_type : "?");
	va_start(ap, fmt);
	vmsg(c, prefix, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *onnx_resolve(const struct onnx_ctx *c, const char *name)
{
	size_t i;

	/* Aliases point at names defined earlier, so one pass back suffices. */
	for (i = c->n_aliases; i-- > 0;)
		if (name && !strcmp(c->aliases[i].from, name))
			name = c->aliases[i].to;
	return name;
}

int onnx_add_alias(struct onnx_ctx *c, const char *from, const char *to)
{
	struct onnx_alias *a;

	a = realloc(c->aliases, (c->n_aliases + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	c->aliases = a;
	a = &c->aliases[c->n_aliases];
	a->from = strdup(from);
	a->to = strdup(onnx_resolve(c, to));
	if (!a->from || !a->to) {
		free(a->from);
		free(a->to);
		return -ENOMEM;
	}
	c->n_aliases++;
	return 0;
}

const Onnx__TensorProto *onnx_const(const struct onnx_ctx *c, const char *name)
{
	size_t i;

	name = onnx_resolve(c, name);
	for (i = 0; name && i < c->n_consts; i++)
		if (!strcmp(c->consts[i].name, name))
			return c->consts[i].t;
	return NULL;
}

int onnx_add_const(struct onnx_ctx *c, const char *name,
		   const Onnx__TensorProto *t)
{
	struct onnx_const *k;

	k = realloc(c->consts, (c->n_consts + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	c->consts = k;
	k[c->n_consts].name = name;
	k[c->n_consts].t = t;
	c->n_consts++;
	return 0;
}

const Onnx__AttributeProto *onnx_attr(const struct onnx_ctx *c,
				      const char *name)
{
	size_t i;

	for (i = 0; i < c->node->n_attribute; i++)
		if (c->node->attribute[i]->name &&
		    !strcmp(c->node->attribute[i]->name, name))
			return c->node->attribute[i];
	return NULL;
}

static const char *type_name(Onnx__AttributeProto__AttributeType t)
{
	switch (t) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return "FLOAT";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return "INT";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return "STRING";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return "TENSOR";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return "FLOATS";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return "INTS";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: return "STRINGS";
	default: return "another type";
	}
}

static const Onnx__AttributeProto *typed(struct onnx_ctx *c, const char *name,
					 Onnx__AttributeProto__AttributeType t,
					 int *ret)
{
	const Onnx__AttributeProto *a = onnx_attr(c, name);

	*ret = 0;
	if (a && a->type != t) {
		*ret = onnx_node_err(c, "attribute %s has type %s, expected %s",
				     name, type_name(a->type), type_name(t));
		return NULL;
	}
	return a;
}

int onnx_attr_int(struct onnx_ctx *c, const char *name, int64_t *v)
{
	int ret;
	const Onnx__AttributeProto *a =
		typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, &ret);

	if (a)
		*v = a->i;
	return ret;
}

int onnx_attr_float(struct onnx_ctx *c, const char *name, float *v)
{
	int ret;
	const Onnx__AttributeProto *a =
		typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, &ret);

	if (a)
		*v = a->f;
	return ret;
}

int onnx_attr_ints(struct onnx_ctx *c, const char *name, int64_t *v,
		   size_t max, size_t *n)
{
	int ret;
	const Onnx__AttributeProto *a =
		typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, &ret);

	if (!a)
		return ret;
	if (a->n_ints > max)
		return onnx_node_err(c, "attribute %s has %zu values, at most %zu are supported",
				     name, a->n_ints, max);
	if (a->n_ints)	/* an empty list has no array */
		memcpy(v, a->ints, a->n_ints * sizeof(*v));
	*n = a->n_ints;
	return 0;
}

int onnx_attr_string(struct onnx_ctx *c, const char *name, char *v, size_t len)
{
	int ret;
	const Onnx__AttributeProto *a =
		typed(c, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, &ret);

	if (!a)
		return ret;
	/* Attribute strings are bytes, not NUL-terminated: copy them. */
	if (!a->s.data || a->s.len >= len || memchr(a->s.data, 0, a->s.len))
		return onnx_node_err(c, "attribute %s is not a valid string", name);
	memcpy(v, a->s.data, a->s.len);
	v[a->s.len] = 0;
	return 0;
}

int onnx_attrs_known(struct onnx_ctx *c, const char *const *known)
{
	size_t i, j;

	for (i = 0; i < c->node->n_attribute; i++) {
		const char *name = c->node->attribute[i]->name;

		for (j = 0; known[j]; j++)
			if (name && !strcmp(name, known[j]))
				break;
		/* opset-1 versions' buffer-reuse hint, no semantics */
		if (!known[j] && c->opset < 7 && name &&
		    !strcmp(name, "consumed_inputs"))
			continue;
		if (!known[j])
			return onnx_node_err(c, "attribute %s is not supported",
					     name ? name : "(unnamed)");
	}
	return 0;
}

int onnx_publish_const(struct onnx_ctx *c, const char *name,
		       const Onnx__TensorProto *t)
{
	uint32_t dims[CIM_MAX_RANK] = { 1 }, rank = 1;
	const char *why;
	float *f;
	size_t d;
	int ret, n;

	ret = onnx_add_const(c, name, t);
	if (ret || !t->has_data_type ||
	    t->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ||
	    t->n_dims > CIM_MAX_RANK || cim_graph_find(c->g, name) >= 0)
		return ret;
	n = onnx_tensor_floats(t, &f, &why);
	if (n < 0)
		return n == -ENOMEM ? n : onnx_node_err(c, "constant %s", why);
	if (n > 0) {
		if (t->n_dims)
			rank = (uint32_t)t->n_dims;
		for (d = 0; d < t->n_dims; d++)
			dims[d] = (uint32_t)t->dims[d];
		ret = cim_graph_add_initializer(c->g, name, rank, dims, f);
		if (ret == -EINVAL)
			ret = c->node ? onnx_node_err(c, "%s", cim_graph_error(c->g)) :
			      onnx_err(c, "%s", cim_graph_error(c->g));
	}
	free(f);
	return ret < 0 ? ret : 0;
}
