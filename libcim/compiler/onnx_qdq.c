// SPDX-License-Identifier: MIT
/*
 * Pre-quantized (QDQ) ONNX models: QuantizeLinear / DequantizeLinear
 * around weights and activations, per tensor or per channel (axis), as
 * PyTorch's fake-quant export and ONNX Runtime's quantize_static write
 * them.
 *
 *  - Around a constant (weights): folded.  Q gives the integer codes,
 *    DQ (q - zp) * s: the float weights on the file's grid, which the
 *    quantizer keeps when it is a 4-bit one (quant_grid.c).
 *  - Around an activation: Q and DQ pass the tensor through and the
 *    tensor's scale and zero point are recorded in the graph
 *    (cim_graph_set_qdq()); the quantizer takes them instead of the
 *    calibration range (quant_build.c), and --report says so.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

/*
 * The zero point's element type: its own, or, for a constant folded at
 * import (a Cast of a constant, as PyTorch exports it: then stored as
 * int64), the type the Cast producing it named.
 */
static int32_t qdq_zp_type(const struct onnx_ctx *c, const char *name,
			   const Onnx__TensorProto *zp)
{
	const Onnx__NodeProto *n;
	size_t i, a;

	if (zp->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
		return zp->data_type;
	for (i = 0; c->gp && i < c->gp->n_node; i++) {
		n = c->gp->node[i];
		if (!n->op_type || strcmp(n->op_type, "Cast") || n->n_output < 1 ||
		    strcmp(n->output[0], name))
			continue;
		for (a = 0; a < n->n_attribute; a++)
			if (n->attribute[a]->name &&
			    !strcmp(n->attribute[a]->name, "to"))
				return (int32_t)n->attribute[a]->i;
	}
	return zp->data_type;
}

/* Integer range of the zero point's type (uint8 when absent). */
static void qdq_range(int32_t t, int32_t *lo, int32_t *hi)
{
	if (t == ONNX__TENSOR_PROTO__DATA_TYPE__INT8) {
		*lo = -128;
		*hi = 127;
	} else {
		*lo = 0;
		*hi = 255;
	}
}

/* Publish a float constant of rank/dims under name. */
static int qdq_publish(struct onnx_ctx *c, const char *name,
		       const Onnx__TensorProto *like, float *v, size_t n)
{
	static const Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
	Onnx__TensorProto *t = malloc(sizeof(*t)), **o;

	if (!t) {
		free(v);
		return -ENOMEM;
	}
	*t = init;
	t->name = strdup(name);
	t->dims = malloc((like->n_dims ? like->n_dims : 1) * sizeof(int64_t));
	o = realloc(c->owned, (c->n_owned + 1) * sizeof(*o));
	if (o)
		c->owned = o;
	if (!o || !t->name || !t->dims) {
		free(t->name);
		free(t->dims);
		free(t);
		free(v);
		return -ENOMEM;
	}
	c->owned[c->n_owned++] = t;
	t->n_dims = like->n_dims;
	memcpy(t->dims, like->dims, like->n_dims * sizeof(int64_t));
	t->has_data_type = 1;
	t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
	t->float_data = v;
	t->n_float_data = n;
	return onnx_publish_const(c, t->name, t);
}

struct qdq_params {
	float *s;		/* ns scales */
	int64_t zp[4096];
	size_t ns, nz;
	int64_t axis;
	int32_t qlo, qhi;
	const Onnx__TensorProto *zt;
};

static int qdq_params(struct onnx_ctx *c, struct qdq_params *p)
{
	static const char *const known[] = { "axis", "saturate", NULL };
	int ret;

	memset(p, 0, sizeof(*p));
	p->axis = 1;
	ret = onnx_check_node(c, known, 2, 3);
	if (!ret)
		ret = onnx_attr_int(c, "axis", &p->axis);
	if (ret)
		return ret;
	ret = onnx_const_floats(c, onnx_in_name(c, 1), &p->s, &p->ns);
	if (ret)
		return ret;
	if (!p->ns || p->ns > 4096)
		return onnx_node_err(c, "bad scale");
	p->zt = onnx_in_name(c, 2) ? onnx_const(c, onnx_in_name(c, 2)) : NULL;
	if (onnx_in_name(c, 2) && !p->zt)
		return onnx_node_err(c, "zero point must be a constant");
	if (p->zt) {
		ret = onnx_const_ints(c, onnx_in_name(c, 2), p->zp, 4096, &p->nz);
		if (ret)
			return ret;
		if (p->nz != p->ns)
			return onnx_node_err(c, "scale and zero point sizes differ");
	}
	qdq_range(p->zt ? qdq_zp_type(c, onnx_in_name(c, 2), p->zt) :
		  ONNX__TENSOR_PROTO__DATA_TYPE__UINT8, &p->qlo, &p->qhi);
	return 0;
}

/* Channel of element i of constant x along axis (0 per tensor). */
static size_t qdq_chan(const Onnx__TensorProto *x, int64_t axis, size_t ns,
		       size_t i)
{
	size_t inner = 1, k;
	int64_t a = axis < 0 ? axis + (int64_t)x->n_dims : axis;

	if (ns == 1 || a < 0 || a >= (int64_t)x->n_dims)
		return 0;
	for (k = (size_t)a + 1; k < x->n_dims; k++)
		inner *= (size_t)x->dims[k];
	return (i / inner) % ns;
}

static int qdq_node(struct onnx_ctx *c, int quantize)
{
	const char *xn = onnx_in_name(c, 0), *out;
	const Onnx__TensorProto *x;
	struct qdq_params p;
	float *v = NULL, q;
	size_t n, i, ch;
	int ret;

	ret = qdq_params(c, &p);
	if (ret)
		goto out;
	if (c->node->n_output != 1) {
		ret = onnx_node_err(c, "one output expected");
		goto out;
	}
	out = c->node->output[0];
	x = xn ? onnx_const(c, xn) : NULL;
	if (x) {
		ret = onnx_const_floats(c, xn, &v, &n);
		if (ret)
			goto out;
		for (i = 0; i < n; i++) {
			ch = qdq_chan(x, p.axis, p.ns, i);
			if (quantize) {
				q = nearbyintf(v[i] / p.s[ch]) +
				    (float)(p.nz ? p.zp[ch] : 0);
				v[i] = q < p.qlo ? p.qlo : q > p.qhi ? p.qhi : q;
			} else {
				v[i] = (v[i] - (float)(p.nz ? p.zp[ch] : 0)) *
				       p.s[ch];
			}
		}
		ret = qdq_publish(c, out, x, v, n);
		goto out;
	}
	if (!xn || !onnx_tensor(c, xn)) {
		ret = onnx_node_err(c, "input \"%.100s\" is not defined before the node",
				    xn ? xn : "");
		goto out;
	}
	if (quantize) {
		if (p.ns != 1) {
			ret = onnx_node_err(c, "per-channel activation quantization is not supported");
			goto out;
		}
		/* the card's activations are int8: uint8 codes shift by 128 */
		ret = cim_graph_set_qdq(c->g, onnx_resolve(c, xn), p.s[0],
					(int32_t)(p.nz ? p.zp[0] : 0) -
					(p.qlo ? 0 : 128));
		if (ret)
			goto out;
	}
	ret = onnx_add_alias(c, out, xn);
out:
	free(p.s);
	return ret;
}

static int op_quantize(struct onnx_ctx *c)
{
	return qdq_node(c, 1);
}

static int op_dequantize(struct onnx_ctx *c)
{
	return qdq_node(c, 0);
}

onnx_op_fn onnx_qdq_op(const char *op)
{
	if (!strcmp(op, "QuantizeLinear"))
		return op_quantize;
	if (!strcmp(op, "DequantizeLinear"))
		return op_dequantize;
	return NULL;
}
