// SPDX-License-Identifier: MIT
/*
 * Constant folding at import: a node whose inputs are all constants
 * (initializers, Constant nodes, earlier folded nodes) or that asks only
 * for the shape of a runtime tensor (Shape, with the symbolic batch as 1)
 * is evaluated here and its outputs become constants.  Exports of
 * PyTorch compute reshape targets and slice bounds this way
 * (x.size() -> Shape -> Gather -> Unsqueeze -> Concat -> Reshape).
 * Values are held as doubles (exact for the int64 sizes that occur).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

#define FOLD_MAX_RANK	8
#define FOLD_MAX_ELEMS	(1 << 26)

struct fval {
	int isf;			/* float (else integer) */
	uint32_t rank;
	int64_t dims[FOLD_MAX_RANK];
	int64_t n;
	double *v;
};

static void fval_free(struct fval *f)
{
	free(f->v);
	f->v = NULL;
}

static int fval_alloc(struct fval *f)
{
	uint32_t d;

	f->n = 1;
	for (d = 0; d < f->rank; d++) {
		if (f->dims[d] < 0 || f->dims[d] > FOLD_MAX_ELEMS)
			return -EINVAL;
		f->n *= f->dims[d];
		if (f->n > FOLD_MAX_ELEMS)
			return -EINVAL;
	}
	f->v = calloc(f->n ? (size_t)f->n : 1, sizeof(double));
	return f->v ? 0 : -ENOMEM;
}

static size_t elem_size(int32_t type)
{
	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
		return 4;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
		return 8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
		return 2;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
		return 1;
	default:
		return 0;
	}
}

static int is_float_type(int32_t type)
{
	return type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
}

/* Element i of raw little-endian data of the given type. */
static double raw_value(const uint8_t *p, int32_t type, size_t es)
{
	uint64_t u = 0;
	size_t b;
	float f;
	double d;

	for (b = es; b > 0; b--)
		u = u << 8 | p[b - 1];
	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		memcpy(&f, &u, 4);
		return f;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		memcpy(&d, &u, 8);
		return d;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		return (double)(int64_t)u;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
		return (int32_t)(uint32_t)u;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
		return (int16_t)(uint16_t)u;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
		return (int8_t)(uint8_t)u;
	default:
		return (double)u;
	}
}

/* Any numeric TensorProto into f; -EINVAL with *why set if unusable. */
static int read_const(const Onnx__TensorProto *t, struct fval *f,
		      const char **why)
{
	int32_t type = t->has_data_type ? t->data_type : 0;
	size_t es = elem_size(type), typed;
	int64_t i;
	uint32_t d;
	int ret;

	memset(f, 0, sizeof(*f));
	if (!es) {
		*why = "has a data type constant folding does not support";
		return -EINVAL;
	}
	if (t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL ||
	    t->n_external_data) {
		*why = "uses external data, which is not supported";
		return -EINVAL;
	}
	if (t->n_dims > FOLD_MAX_RANK) {
		*why = "has too many dimensions";
		return -EINVAL;
	}
	f->isf = is_float_type(type);
	f->rank = (uint32_t)t->n_dims;
	for (d = 0; d < f->rank; d++)
		f->dims[d] = t->dims[d];
	ret = fval_alloc(f);
	if (ret) {
		*why = "has a negative or too large dimension";
		return ret;
	}
	switch (type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: typed = t->n_float_data; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: typed = t->n_double_data; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: typed = t->n_int64_data; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: typed = t->n_uint64_data; break;
	default: typed = t->n_int32_data; break;
	}
	if (t->has_raw_data ? t->raw_data.len != (uint64_t)f->n * es :
	    typed != (uint64_t)f->n) {
		fval_free(f);
		*why = "holds a different number of elements than its shape";
		return -EINVAL;
	}
	for (i = 0; i < f->n; i++) {
		if (t->has_raw_data) {
			f->v[i] = raw_value(t->raw_data.data + i * es, type, es);
			continue;
		}
		switch (type) {
		case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: f->v[i] = t->float_data[i]; break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: f->v[i] = t->double_data[i]; break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: f->v[i] = (double)t->int64_data[i]; break;
		case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
		case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: f->v[i] = (double)t->uint64_data[i]; break;
		default: f->v[i] = t->int32_data[i]; break;
		}
	}
	return 0;
}

/* A TensorProto (float32 or int64) owned by the context, named name. */
static int publish(struct onnx_ctx *c, const char *name, const struct fval *f)
{
	Onnx__TensorProto *t = malloc(sizeof(*t)), **o;
	static const Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
	size_t n = f->n ? (size_t)f->n : 1;
	int64_t i;

	if (!t)
		return -ENOMEM;
	*t = init;
	t->name = strdup(name);
	t->dims = malloc((f->rank ? f->rank : 1) * sizeof(int64_t));
	if (f->isf)
		t->float_data = malloc(n * sizeof(float));
	else
		t->int64_data = malloc(n * sizeof(int64_t));
	o = realloc(c->owned, (c->n_owned + 1) * sizeof(*o));
	if (o)
		c->owned = o;
	if (!o || !t->name || !t->dims || (f->isf ? !t->float_data : !t->int64_data)) {
		free(t->name);
		free(t->dims);
		free(t->float_data);
		free(t->int64_data);
		free(t);
		return -ENOMEM;
	}
	c->owned[c->n_owned++] = t;
	t->n_dims = f->rank;
	memcpy(t->dims, f->dims, f->rank * sizeof(int64_t));
	t->has_data_type = 1;
	if (f->isf) {
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
		t->n_float_data = (size_t)f->n;
		for (i = 0; i < f->n; i++)
			t->float_data[i] = (float)f->v[i];
	} else {
		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
		t->n_int64_data = (size_t)f->n;
		for (i = 0; i < f->n; i++)
			t->int64_data[i] = (int64_t)f->v[i];
	}
	return onnx_publish_const(c, t->name, t);
}

int onnx_publish_floats(struct onnx_ctx *c, const char *name, uint32_t rank,
			const int64_t *dims, const float *v, size_t n)
{
	struct fval f = { .isf = 1, .rank = rank };
	size_t i;
	int ret;

	if (rank > FOLD_MAX_RANK)
		return -EINVAL;
	memcpy(f.dims, dims, rank * sizeof(*dims));
	ret = fval_alloc(&f);
	if (!ret && (size_t)f.n != n)
		ret = onnx_node_err(c, "constant \"%.100s\" has %zu values for its shape",
				    name, n);
	for (i = 0; !ret && i < n; i++)
		f.v[i] = v[i];
	if (!ret)
		ret = publish(c, name, &f);
	fval_free(&f);
	return ret;
}

void onnx_fold_free(struct onnx_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_owned; i++) {
		free(c->owned[i]->name);
		free(c->owned[i]->dims);
		free(c->owned[i]->float_data);
		free(c->owned[i]->int64_data);
		free(c->owned[i]);
	}
	free(c->owned);
	c->owned = NULL;
	c->n_owned = 0;
}

/* ---- evaluation ---- */

struct fin {
	struct fval in[8];
	int present[8];
	size_t n;
};

static int64_t ival(const struct fval *f, int64_t i)
{
	return (int64_t)f->v[i];
}

/* Numpy broadcast of a and b's shapes into o (rank, dims). */
static int bcast_shape(const struct fval *a, const struct fval *b,
		       struct fval *o)
{
	uint32_t r = a->rank > b->rank ? a->rank : b->rank, d;

	o->rank = r;
	for (d = 0; d < r; d++) {
		int64_t x = d + a->rank >= r ? a->dims[d + a->rank - r] : 1;
		int64_t y = d + b->rank >= r ? b->dims[d + b->rank - r] : 1;

		if (x != y && x != 1 && y != 1)
			return -EINVAL;
		o->dims[d] = x == 1 ? y : x;
	}
	return 0;
}

/* Index into a (broadcast to o's shape) of o's flat index i. */
static int64_t bcast_index(const struct fval *a, const struct fval *o, int64_t i)
{
	int64_t idx = 0, stride = 1;
	int d;

	for (d = (int)o->rank - 1; d >= 0; d--) {
		int64_t coord = i % o->dims[d];
		int ad = d - (int)(o->rank - a->rank);

		i /= o->dims[d];
		if (ad >= 0) {
			if (a->dims[ad] != 1)
				idx += coord * stride;
			stride *= a->dims[ad];
		}
	}
	return idx;
}

static double binop(const char *op, double x, double y, int isf)
{
	if (!strcmp(op, "Add")) return x + y;
	if (!strcmp(op, "Sub")) return x - y;
	if (!strcmp(op, "Mul")) return x * y;
	if (!strcmp(op, "Div")) return isf ? x / y : (y ? trunc(x / y) : 0);
	if (!strcmp(op, "Pow")) return pow(x, y);
	if (!strcmp(op, "Min")) return x < y ? x : y;
	if (!strcmp(op, "Max")) return x > y ? x : y;
	if (!strcmp(op, "Mod")) return isf ? fmod(x, y) : (y ? x - y * floor(x / y) : 0);
	if (!strcmp(op, "Equal")) return x == y;
	if (!strcmp(op, "Less")) return x < y;
	if (!strcmp(op, "Greater")) return x > y;
	if (!strcmp(op, "LessOrEqual")) return x <= y;
	if (!strcmp(op, "GreaterOrEqual")) return x >= y;
	if (!strcmp(op, "And")) return x && y;
	if (!strcmp(op, "Or")) return x || y;
	return NAN;
}

static int is_compare(const char *op)
{
	return !strcmp(op, "Equal") || !strcmp(op, "Less") || !strcmp(op, "Greater") ||
	       !strcmp(op, "LessOrEqual") || !strcmp(op, "GreaterOrEqual") ||
	       !strcmp(op, "And") || !strcmp(op, "Or");
}

static int eval_binary(const char *op, const struct fval *a,
		       const struct fval *b, struct fval *o)
{
	int64_t i;
	int ret;

	if (bcast_shape(a, b, o))
		return -EINVAL;
	o->isf = !is_compare(op) && (a->isf || b->isf);
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++)
		o->v[i] = binop(op, a->v[bcast_index(a, o, i)],
				b->v[bcast_index(b, o, i)], o->isf);
	return ret;
}

static double unop(const char *op, double x)
{
	if (!strcmp(op, "Neg")) return -x;
	if (!strcmp(op, "Abs")) return fabs(x);
	if (!strcmp(op, "Sqrt")) return sqrt(x);
	if (!strcmp(op, "Floor")) return floor(x);
	if (!strcmp(op, "Ceil")) return ceil(x);
	if (!strcmp(op, "Reciprocal")) return 1 / x;
	if (!strcmp(op, "Exp")) return exp(x);
	if (!strcmp(op, "Log")) return log(x);
	if (!strcmp(op, "Relu")) return x > 0 ? x : 0;
	if (!strcmp(op, "Sigmoid")) return 1 / (1 + exp(-x));
	if (!strcmp(op, "Tanh")) return tanh(x);
	if (!strcmp(op, "Not")) return !x;
	if (!strcmp(op, "Identity")) return x;
	return NAN;
}

static int copy_fval(const struct fval *a, struct fval *o)
{
	int ret;

	*o = *a;
	o->v = NULL;
	ret = fval_alloc(o);
	if (!ret)
		memcpy(o->v, a->v, (size_t)a->n * sizeof(double));
	return ret;
}

static int norm_axis(int64_t axis, uint32_t rank, uint32_t *out)
{
	if (axis < -(int64_t)rank || axis >= (int64_t)rank)
		return -EINVAL;
	*out = (uint32_t)(axis < 0 ? axis + rank : axis);
	return 0;
}

/* Axes of Squeeze/Unsqueeze/Reduce: attribute before opset 13, input after. */
static int get_axes(struct onnx_ctx *c, const struct fin *in, size_t idx,
		    int64_t *axes, size_t *n)
{
	size_t i;

	*n = 0;
	if (in->n > idx && in->present[idx]) {
		if (in->in[idx].n > FOLD_MAX_RANK)
			return -EINVAL;
		for (i = 0; i < (size_t)in->in[idx].n; i++)
			axes[i] = ival(&in->in[idx], i);
		*n = (size_t)in->in[idx].n;
		return 0;
	}
	return onnx_attr_ints(c, "axes", axes, FOLD_MAX_RANK, n);
}

static int eval_unsqueeze(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0];
	int64_t axes[FOLD_MAX_RANK];
	uint32_t r, d, j = 0, mark = 0, ax;
	size_t n, i;
	int ret = get_axes(c, in, 1, axes, &n);

	if (ret)
		return ret;
	r = a->rank + (uint32_t)n;
	if (r > FOLD_MAX_RANK)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (norm_axis(axes[i], r, &ax) || (mark & (1u << ax)))
			return -EINVAL;
		mark |= 1u << ax;
	}
	ret = copy_fval(a, o);
	if (ret)
		return ret;
	o->rank = r;
	for (d = 0; d < r; d++)
		o->dims[d] = (mark & (1u << d)) ? 1 : a->dims[j++];
	return 0;
}

static int eval_squeeze(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0];
	int64_t axes[FOLD_MAX_RANK];
	uint32_t d, mark = 0, ax;
	size_t n, i;
	int ret = get_axes(c, in, 1, axes, &n);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (norm_axis(axes[i], a->rank, &ax) || a->dims[ax] != 1)
			return -EINVAL;
		mark |= 1u << ax;
	}
	ret = copy_fval(a, o);
	if (ret)
		return ret;
	o->rank = 0;
	for (d = 0; d < a->rank; d++)
		if (n ? !(mark & (1u << d)) : a->dims[d] != 1)
			o->dims[o->rank++] = a->dims[d];
	return 0;
}

static int eval_gather(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0], *ix = &in->in[1];
	int64_t axis = 0, outer = 1, inner = 1, i, j, k;
	uint32_t ax, d;
	int ret = onnx_attr_int(c, "axis", &axis);

	if (ret || norm_axis(axis, a->rank, &ax) || a->rank + ix->rank - 1 > FOLD_MAX_RANK)
		return ret ? ret : -EINVAL;
	o->isf = a->isf;
	o->rank = 0;
	for (d = 0; d < ax; d++) {
		o->dims[o->rank++] = a->dims[d];
		outer *= a->dims[d];
	}
	for (d = 0; d < ix->rank; d++)
		o->dims[o->rank++] = ix->dims[d];
	for (d = ax + 1; d < a->rank; d++) {
		o->dims[o->rank++] = a->dims[d];
		inner *= a->dims[d];
	}
	ret = fval_alloc(o);
	for (i = 0; !ret && i < outer; i++)
		for (j = 0; j < ix->n; j++) {
			int64_t s = ival(ix, j);

			if (s < 0)
				s += a->dims[ax];
			if (s < 0 || s >= a->dims[ax])
				return -EINVAL;
			for (k = 0; k < inner; k++)
				o->v[(i * ix->n + j) * inner + k] =
					a->v[(i * a->dims[ax] + s) * inner + k];
		}
	return ret;
}

static int eval_concat(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0];
	int64_t axis = 0, outer = 1, inner = 1, at = 0, i;
	uint32_t ax, d;
	size_t k;
	int ret = onnx_attr_int(c, "axis", &axis);

	if (ret || norm_axis(axis, a->rank, &ax))
		return ret ? ret : -EINVAL;
	*o = *a;
	o->v = NULL;
	o->dims[ax] = 0;
	for (k = 0; k < in->n; k++) {
		if (!in->present[k] || in->in[k].rank != a->rank)
			return -EINVAL;
		for (d = 0; d < a->rank; d++)
			if (d != ax && in->in[k].dims[d] != a->dims[d])
				return -EINVAL;
		o->dims[ax] += in->in[k].dims[ax];
		o->isf |= in->in[k].isf;
	}
	for (d = 0; d < ax; d++)
		outer *= a->dims[d];
	for (d = ax + 1; d < a->rank; d++)
		inner *= a->dims[d];
	ret = fval_alloc(o);
	for (i = 0; !ret && i < outer; i++)
		for (k = 0; k < in->n; k++) {
			int64_t len = in->in[k].dims[ax] * inner;

			memcpy(o->v + at, in->in[k].v + i * len, (size_t)len * sizeof(double));
			at += len;
		}
	return ret;
}

static int eval_cast(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	int64_t to = 0, i;
	int ret = onnx_attr_int(c, "to", &to);

	if (!ret)
		ret = copy_fval(&in->in[0], o);
	if (ret)
		return ret;
	o->isf = is_float_type((int32_t)to) ||
		 to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16;
	for (i = 0; i < o->n && !o->isf; i++)
		o->v[i] = to == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL ? (o->v[i] != 0) :
			  trunc(o->v[i]);
	if (to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
		for (i = 0; i < o->n; i++)
			o->v[i] = (float)o->v[i];
	return 0;
}

/* Clamp a Slice bound as ONNX does. */
static int64_t slice_clamp(int64_t v, int64_t dim, int64_t step)
{
	if (v < 0)
		v += dim;
	if (step > 0)
		return v < 0 ? 0 : v > dim ? dim : v;
	return v < -1 ? -1 : v > dim - 1 ? dim - 1 : v;
}

/*
 * Slice parameters of c->node over a tensor of rank `rank`: per axis the
 * start, step and count.  Inputs from opset 10, attributes before.
 */
static int slice_params(struct onnx_ctx *c, const struct fin *in, uint32_t rank,
		      const int64_t *dims, int64_t *start, int64_t *step,
		      int64_t *count)
{
	int64_t st[FOLD_MAX_RANK], en[FOLD_MAX_RANK], ax[FOLD_MAX_RANK];
	int64_t sp[FOLD_MAX_RANK];
	size_t ns = 0, ne = 0, na = 0, i;
	uint32_t d;
	int ret = 0;

	for (d = 0; d < rank; d++) {
		start[d] = 0;
		step[d] = 1;
		count[d] = dims[d];
	}
	if (c->opset < 10) {
		ret = onnx_attr_ints(c, "starts", st, FOLD_MAX_RANK, &ns);
		if (!ret)
			ret = onnx_attr_ints(c, "ends", en, FOLD_MAX_RANK, &ne);
		if (!ret)
			ret = onnx_attr_ints(c, "axes", ax, FOLD_MAX_RANK, &na);
		if (ret)
			return ret;
		for (i = 0; i < ns; i++)
			sp[i] = 1;
	} else {
		if (in->n < 3 || !in->present[1] || !in->present[2] ||
		    in->in[1].n > FOLD_MAX_RANK || in->in[2].n != in->in[1].n)
			return -EINVAL;
		ns = ne = (size_t)in->in[1].n;
		for (i = 0; i < ns; i++) {
			st[i] = ival(&in->in[1], i);
			en[i] = ival(&in->in[2], i);
			sp[i] = 1;
		}
		if (in->n > 3 && in->present[3]) {
			if ((size_t)in->in[3].n != ns)
				return -EINVAL;
			na = ns;
			for (i = 0; i < ns; i++)
				ax[i] = ival(&in->in[3], i);
		}
		if (in->n > 4 && in->present[4]) {
			if ((size_t)in->in[4].n != ns)
				return -EINVAL;
			for (i = 0; i < ns; i++)
				sp[i] = ival(&in->in[4], i);
		}
	}
	if (ns != ne || (na && na != ns))
		return -EINVAL;
	for (i = 0; i < ns; i++) {
		uint32_t a = (uint32_t)i;
		int64_t b, e, n;

		if (na && norm_axis(ax[i], rank, &a))
			return -EINVAL;
		if (!na && i >= rank)
			return -EINVAL;
		if (!sp[i])
			return -EINVAL;
		b = slice_clamp(st[i] < -(1ll << 62) ? -(1ll << 62) : st[i], dims[a], sp[i]);
		e = slice_clamp(en[i] > (1ll << 62) ? (1ll << 62) :
				en[i] < -(1ll << 62) ? -(1ll << 62) : en[i], dims[a], sp[i]);
		n = sp[i] > 0 ? (e - b + sp[i] - 1) / sp[i] : (b - e + (-sp[i]) - 1) / (-sp[i]);
		start[a] = b;
		step[a] = sp[i];
		count[a] = n > 0 ? n : 0;
	}
	return 0;
}

static int eval_slice(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0];
	int64_t start[FOLD_MAX_RANK], step[FOLD_MAX_RANK], cnt[FOLD_MAX_RANK];
	int64_t i, stride[FOLD_MAX_RANK], s = 1;
	int d, ret;

	ret = slice_params(c, in, a->rank, a->dims, start, step, cnt);
	if (ret)
		return ret;
	*o = *a;
	o->v = NULL;
	for (d = 0; d < (int)a->rank; d++)
		o->dims[d] = cnt[d];
	for (d = (int)a->rank - 1; d >= 0; d--) {
		stride[d] = s;
		s *= a->dims[d];
	}
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++) {
		int64_t r = i, src = 0;

		for (d = (int)a->rank - 1; d >= 0; d--) {
			src += (start[d] + (r % o->dims[d]) * step[d]) * stride[d];
			r /= o->dims[d];
		}
		o->v[i] = a->v[src];
	}
	return ret;
}

static int eval_range(const struct fin *in, struct fval *o)
{
	double st = in->in[0].v[0], lim = in->in[1].v[0], dl = in->in[2].v[0];
	int64_t i;
	double n;
	int ret;

	if (in->in[0].n != 1 || in->in[1].n != 1 || in->in[2].n != 1 || !dl)
		return -EINVAL;
	n = ceil((lim - st) / dl);
	o->isf = in->in[0].isf;
	o->rank = 1;
	o->dims[0] = n > 0 ? (int64_t)n : 0;
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++)
		o->v[i] = st + i * dl;
	return ret;
}

static int eval_expand(const struct fin *in, struct fval *o)
{
	struct fval shape = { 0 };
	int64_t i;
	int ret;

	if (in->in[1].n > FOLD_MAX_RANK)
		return -EINVAL;
	shape.rank = (uint32_t)in->in[1].n;
	for (i = 0; i < in->in[1].n; i++)
		shape.dims[i] = ival(&in->in[1], i);
	if (bcast_shape(&in->in[0], &shape, o))
		return -EINVAL;
	o->isf = in->in[0].isf;
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++)
		o->v[i] = in->in[0].v[bcast_index(&in->in[0], o, i)];
	return ret;
}

static int eval_const_of_shape(struct onnx_ctx *c, const struct fin *in,
			       struct fval *o)
{
	const Onnx__AttributeProto *a = onnx_attr(c, "value");
	struct fval val = { .isf = 1 };
	const char *why;
	int64_t i;
	int ret;

	if (in->in[0].n > FOLD_MAX_RANK)
		return -EINVAL;
	if (a && (a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR || !a->t ||
		  read_const(a->t, &val, &why) || val.n != 1)) {
		fval_free(&val);
		return -EINVAL;
	}
	o->isf = val.isf;
	o->rank = (uint32_t)in->in[0].n;
	for (i = 0; i < in->in[0].n; i++)
		o->dims[i] = ival(&in->in[0], i);
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++)
		o->v[i] = val.v ? val.v[0] : 0;
	fval_free(&val);
	return ret;
}

static int eval_reshape(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0], *s = &in->in[1];
	int64_t known = 1, infer = -1, i;
	int ret;

	if (s->n > FOLD_MAX_RANK)
		return -EINVAL;
	ret = copy_fval(a, o);
	if (ret)
		return ret;
	o->rank = (uint32_t)s->n;
	for (i = 0; i < s->n; i++) {
		int64_t d = ival(s, i);

		if (d == 0 && i < a->rank)
			d = a->dims[i];
		if (d == -1 && infer < 0) {
			infer = i;
			continue;
		}
		if (d < 0)
			return -EINVAL;
		o->dims[i] = d;
		known *= d;
	}
	if (infer >= 0)
		o->dims[infer] = known ? a->n / known : 0;
	(void)c;
	known = 1;
	for (i = 0; i < o->rank; i++)
		known *= o->dims[i];
	return known == a->n ? 0 : -EINVAL;
}

static int eval_transpose(struct onnx_ctx *c, const struct fin *in, struct fval *o)
{
	const struct fval *a = &in->in[0];
	int64_t perm[FOLD_MAX_RANK], stride[FOLD_MAX_RANK], s = 1, i;
	size_t np = 0;
	int d, ret = onnx_attr_ints(c, "perm", perm, FOLD_MAX_RANK, &np);

	if (ret)
		return ret;
	if (!onnx_attr(c, "perm"))
		for (np = 0; np < a->rank; np++)
			perm[np] = a->rank - 1 - np;
	if (np != a->rank)
		return -EINVAL;
	for (d = (int)a->rank - 1; d >= 0; d--) {
		stride[d] = s;
		s *= a->dims[d];
	}
	*o = *a;
	o->v = NULL;
	for (d = 0; d < (int)a->rank; d++) {
		if (perm[d] < 0 || perm[d] >= a->rank)
			return -EINVAL;
		o->dims[d] = a->dims[perm[d]];
	}
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++) {
		int64_t r = i, src = 0;

		for (d = (int)a->rank - 1; d >= 0; d--) {
			src += (r % o->dims[d]) * stride[perm[d]];
			r /= o->dims[d];
		}
		o->v[i] = a->v[src];
	}
	return ret;
}

static int eval_where(const struct fin *in, struct fval *o)
{
	struct fval t;
	int64_t i;
	int ret;

	if (bcast_shape(&in->in[1], &in->in[2], &t) || bcast_shape(&in->in[0], &t, o))
		return -EINVAL;
	o->isf = in->in[1].isf || in->in[2].isf;
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->n; i++)
		o->v[i] = in->in[0].v[bcast_index(&in->in[0], o, i)] ?
			  in->in[1].v[bcast_index(&in->in[1], o, i)] :
			  in->in[2].v[bcast_index(&in->in[2], o, i)];
	return ret;
}

/* Shape of a runtime tensor or a constant; opset 15's start/end. */
static int eval_shape(struct onnx_ctx *c, const int64_t *dims, uint32_t rank,
		      struct fval *o)
{
	int64_t start = 0, end = rank, i;
	int ret = onnx_attr_int(c, "start", &start);

	if (!ret)
		ret = onnx_attr_int(c, "end", &end);
	if (ret)
		return ret;
	start = start < 0 ? start + rank : start;
	end = end < 0 ? end + rank : end;
	start = start < 0 ? 0 : start > rank ? rank : start;
	end = end < 0 ? 0 : end > rank ? rank : end;
	o->isf = 0;
	o->rank = 1;
	o->dims[0] = end > start ? end - start : 0;
	ret = fval_alloc(o);
	for (i = 0; !ret && i < o->dims[0]; i++)
		o->v[i] = (double)dims[start + i];
	return ret;
}

static int eval(struct onnx_ctx *c, const char *op, const struct fin *in,
		struct fval *o)
{
	int64_t i;
	int ret;

	if (!strcmp(op, "Unsqueeze"))
		return eval_unsqueeze(c, in, o);
	if (!strcmp(op, "Squeeze"))
		return eval_squeeze(c, in, o);
	if (!strcmp(op, "Gather"))
		return in->n == 2 ? eval_gather(c, in, o) : -EINVAL;
	if (!strcmp(op, "Concat"))
		return eval_concat(c, in, o);
	if (!strcmp(op, "Cast"))
		return eval_cast(c, in, o);
	if (!strcmp(op, "Slice"))
		return eval_slice(c, in, o);
	if (!strcmp(op, "Range"))
		return in->n == 3 ? eval_range(in, o) : -EINVAL;
	if (!strcmp(op, "Expand"))
		return in->n == 2 ? eval_expand(in, o) : -EINVAL;
	if (!strcmp(op, "ConstantOfShape"))
		return eval_const_of_shape(c, in, o);
	if (!strcmp(op, "Reshape"))
		return in->n == 2 ? eval_reshape(c, in, o) : -EINVAL;
	if (!strcmp(op, "Transpose"))
		return eval_transpose(c, in, o);
	if (!strcmp(op, "Where"))
		return in->n == 3 ? eval_where(in, o) : -EINVAL;
	if (!strcmp(op, "Shape"))
		return eval_shape(c, in->in[0].dims, in->in[0].rank, o);
	if (!strcmp(op, "Size")) {
		o->rank = 0;
		ret = fval_alloc(o);
		if (!ret)
			o->v[0] = (double)in->in[0].n;
		return ret;
	}
	if (in->n == 2 && !isnan(binop(op, 1, 1, 1)))
		return eval_binary(op, &in->in[0], &in->in[1], o);
	if (in->n == 1 && !isnan(unop(op, 0.5))) {
		ret = copy_fval(&in->in[0], o);
		for (i = 0; !ret && i < o->n; i++)
			o->v[i] = unop(op, o->v[i]);
		if (!ret && strcmp(op, "Identity") && strcmp(op, "Neg") &&
		    strcmp(op, "Abs") && strcmp(op, "Relu") && strcmp(op, "Not"))
			o->isf = 1;
		return ret;
	}
	return -EOPNOTSUPP;
}

int onnx_slice_const(struct onnx_ctx *c, uint32_t rank, const int64_t *dims,
		     int64_t *start, int64_t *step, int64_t *count)
{
	struct fin in;
	const char *why;
	size_t i;
	int ret = 0;

	memset(&in, 0, sizeof(in));
	in.n = c->node->n_input < 8 ? c->node->n_input : 8;
	for (i = 1; i < in.n && !ret; i++) {
		const char *name = c->node->input[i] && *c->node->input[i] ?
				   onnx_resolve(c, c->node->input[i]) : NULL;
		const Onnx__TensorProto *t = name ? onnx_const(c, name) : NULL;

		if (!name)
			continue;
		if (!t)
			ret = onnx_node_err(c, "input \"%.100s\" must be a constant", name);
		else if ((ret = read_const(t, &in.in[i], &why)) == -EINVAL)
			ret = onnx_node_err(c, "constant \"%.100s\" %s", name, why);
		else
			in.present[i] = !ret;
	}
	if (!ret && rank > FOLD_MAX_RANK)
		ret = -EINVAL;
	if (!ret && slice_params(c, &in, rank, dims, start, step, count))
		ret = onnx_node_err(c, "bad starts, ends, axes or steps");
	for (i = 0; i < in.n; i++)
		fval_free(&in.in[i]);
	return ret;
}

/* The constant called name, read as values, or an error about the node. */
static int read_named_const(struct onnx_ctx *c, const char *name, struct fval *f)
{
	const Onnx__TensorProto *t = onnx_const(c, name);
	const char *why;
	int ret;

	if (!t)
		return onnx_node_err(c, "input \"%.100s\" must be a constant", name);
	ret = read_const(t, f, &why);
	if (ret)
		return ret == -ENOMEM ? ret :
		       onnx_node_err(c, "constant \"%.100s\" %s", name, why);
	return 0;
}

int onnx_const_ints(struct onnx_ctx *c, const char *name, int64_t *v,
		    size_t max, size_t *n)
{
	struct fval f;
	int64_t i;
	int ret;

	ret = read_named_const(c, name, &f);
	if (ret)
		return ret;
	if ((size_t)f.n > max)
		ret = onnx_node_err(c, "constant \"%.100s\" has more than %zu values",
				    name, max);
	for (i = 0; !ret && i < f.n; i++)
		v[i] = (int64_t)f.v[i];
	*n = (size_t)f.n;
	fval_free(&f);
	return ret;
}

int onnx_const_floats(struct onnx_ctx *c, const char *name, float **v,
		      size_t *n)
{
	struct fval f;
	int64_t i;
	int ret;

	ret = read_named_const(c, name, &f);
	if (ret)
		return ret;
	*v = malloc((f.n ? (size_t)f.n : 1) * sizeof(float));
	if (!*v) {
		fval_free(&f);
		return -ENOMEM;
	}
	for (i = 0; i < f.n; i++)
		(*v)[i] = (float)f.v[i];
	*n = (size_t)f.n;
	fval_free(&f);
	return 0;
}

static const char *const foldable[] = {
	"Shape", "Size", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast",
	"Slice", "Range", "Expand", "ConstantOfShape", "Reshape", "Transpose",
	"Where", "Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Mod",
	"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And",
	"Or", "Neg", "Abs", "Sqrt", "Floor", "Ceil", "Reciprocal", "Exp",
	"Log", "Relu", "Sigmoid", "Tanh", "Not", "Identity", NULL,
};

static int is_foldable(const char *op)
{
	size_t i;

	for (i = 0; foldable[i]; i++)
		if (!strcmp(op, foldable[i]))
			return 1;
	return 0;
}

int onnx_try_fold(struct onnx_ctx *c)
{
	const Onnx__NodeProto *nd = c->node;
	const char *op = nd->op_type, *why = "";
	struct fin in;
	struct fval o = { 0 };
	size_t i;
	int ret = 0;

	if (!is_foldable(op) || nd->n_input > 8 || nd->n_input < 1 ||
	    (!strcmp(op, "ConstantOfShape") && nd->n_input != 1))
		return 0;
	memset(&in, 0, sizeof(in));
	in.n = nd->n_input;
	for (i = 0; i < in.n; i++) {
		const char *name = nd->input[i] && *nd->input[i] ?
				   onnx_resolve(c, nd->input[i]) : NULL;
		const Onnx__TensorProto *t = name ? onnx_const(c, name) : NULL;
		int ti;

		if (!name)
			continue;
		if (!t && i == 0 && !strcmp(op, "Shape") &&
		    (ti = cim_graph_find(c->g, name)) >= 0) {
			const struct cim_tensor *x = &c->g->tensors[ti];
			uint32_t d;

			in.in[0].rank = x->rank;
			for (d = 0; d < x->rank; d++)
				in.in[0].dims[d] = x->dims[d];
			in.present[0] = 2;	/* shape only */
			continue;
		}
		if (!t) {
			ret = 0;
			goto out;	/* a runtime input: translate instead */
		}
		ret = read_const(t, &in.in[i], &why);
		if (ret) {
			ret = ret == -ENOMEM ? ret :
			      onnx_node_err(c, "constant \"%.100s\" %s", name, why);
			goto out;
		}
		in.present[i] = 1;
	}
	if (!in.present[0]) {
		ret = 0;
		goto out;
	}
	for (i = 1; i < nd->n_output; i++)
		if (nd->output[i] && *nd->output[i]) {
			ret = onnx_node_err(c, "output %zu of a constant %s is not supported",
					    i, op);
			goto out;
		}
	ret = eval(c, op, &in, &o);
	if (ret == -EINVAL)
		ret = onnx_node_err(c, "cannot evaluate on its constant inputs (bad shapes, axes or indices)");
	if (!ret)
		ret = publish(c, nd->output[0], &o);
	if (!ret)
		ret = 1;
out:
	for (i = 0; i < in.n; i++)
		fval_free(&in.in[i]);
	fval_free(&o);
	return ret;
}
