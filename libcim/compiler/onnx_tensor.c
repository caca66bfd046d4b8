// SPDX-License-Identifier: MIT
/*
 * ONNX TensorProto contents: floats for weights, int64s for shapes.  The
 * data may sit in the typed repeated field or in raw_data (little endian);
 * the element count must match the dims either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

#define MAX_ELEMS	((1ll << 31) - 1)

int64_t onnx_tensor_size(const Onnx__TensorProto *t)
{
	int64_t n = 1;
	size_t i;

	for (i = 0; i < t->n_dims; i++) {
		if (t->dims[i] < 0 || t->dims[i] > MAX_ELEMS)
			return -1;
		n *= t->dims[i];
		if (n > MAX_ELEMS)
			return -1;
	}
	return n;
}

static int check_layout(const Onnx__TensorProto *t, int32_t type,
			size_t elem, size_t n_typed, int64_t *count,
			const char **why)
{
	int64_t n = onnx_tensor_size(t);

	if (t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL ||
	    t->n_external_data) {
		*why = "external data is not supported";
		return -EINVAL;
	}
	if (!t->has_data_type || t->data_type != type) {
		*why = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ?
		       "is not a float32 tensor" : "is not an int64 tensor";
		return -EINVAL;
	}
	if (n < 0) {
		*why = "has a negative or too large dimension";
		return -EINVAL;
	}
	if (t->has_raw_data ? t->raw_data.len != (uint64_t)n * elem :
	    n_typed != (uint64_t)n) {
		*why = "holds a different number of elements than its shape";
		return -EINVAL;
	}
	*count = n;
	return 0;
}

/* check_layout(), then a buffer for *count elements of elem bytes. */
static int layout_alloc(const Onnx__TensorProto *t, int32_t type,
			size_t elem, size_t n_typed, int64_t *count,
			void **buf, const char **why)
{
	int ret = check_layout(t, type, elem, n_typed, count, why);

	if (ret)
		return ret;
	*buf = malloc(*count ? (size_t)*count * elem : 1);
	return *buf ? 0 : -ENOMEM;
}

/* Element i of raw_data, elem bytes little endian. */
static uint64_t raw_le(const Onnx__TensorProto *t, int64_t i, size_t elem)
{
	const uint8_t *p = t->raw_data.data + elem * i;
	uint64_t u = 0;
	size_t b;

	for (b = elem; b > 0; b--)
		u = u << 8 | p[b - 1];
	return u;
}

int onnx_tensor_floats(const Onnx__TensorProto *t, float **out,
		       const char **why)
{
	int64_t n, i;
	void *buf;
	float *f;
	int ret;

	ret = layout_alloc(t, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, sizeof(*f),
			   t->n_float_data, &n, &buf, why);
	if (ret)
		return ret;
	f = buf;
	for (i = 0; i < n; i++) {
		if (t->has_raw_data) {
			uint32_t u = (uint32_t)raw_le(t, i, 4);

			memcpy(&f[i], &u, 4);
		} else {
			f[i] = t->float_data[i];
		}
	}
	*out = f;
	return (int)n;
}

int64_t onnx_tensor_raw_floats(const Onnx__TensorProto *t, float **out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const char *why;
	int64_t n;

	if (!t->has_raw_data || !t->raw_data.data ||
	    (uintptr_t)t->raw_data.data % _Alignof(float) ||
	    check_layout(t, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, sizeof(float),
			 t->n_float_data, &n, &why) || n == 0)
		return -1;
	*out = (float *)t->raw_data.data;
	return n;
#else
	(void)t;
	(void)out;
	return -1;
#endif
}

int onnx_tensor_ints(const Onnx__TensorProto *t, int64_t **out,
		     const char **why)
{
	int64_t n, i;
	void *buf;
	int64_t *v;
	int ret;

	ret = layout_alloc(t, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, sizeof(*v),
			   t->n_int64_data, &n, &buf, why);
	if (ret)
		return ret;
	v = buf;
	for (i = 0; i < n; i++) {
		if (t->has_raw_data) {
			v[i] = (int64_t)raw_le(t, i, 8);
		} else {
			v[i] = t->int64_data[i];
		}
	}
	*out = v;
	return (int)n;
}
