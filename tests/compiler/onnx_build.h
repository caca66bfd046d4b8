/* SPDX-License-Identifier: MIT */
/*
 * Tiny ONNX models built in C with protobuf-c, for the importer tests.
 * Every allocation is tracked and released by ob_free().
 */
#ifndef CIM_TEST_ONNX_BUILD_H
#define CIM_TEST_ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"

struct ob {
	Onnx__ModelProto m;
	Onnx__GraphProto g;
	Onnx__OperatorSetIdProto opset;
	Onnx__OperatorSetIdProto *opsets[1];
	void **allocs;
	size_t n_allocs;
};

struct ob *ob_new(int64_t opset);
void ob_free(struct ob *b);

/* dims[i] < 0 makes a symbolic dimension. */
void ob_input(struct ob *b, const char *name, int rank, const int64_t *dims);
void ob_output(struct ob *b, const char *name);
/* An output whose float shape the model declares. */
void ob_output_shaped(struct ob *b, const char *name, int rank,
		      const int64_t *dims);
Onnx__TensorProto *ob_init(struct ob *b, const char *name, int rank,
			   const int64_t *dims, const float *data);
Onnx__TensorProto *ob_init_i64(struct ob *b, const char *name, int rank,
			       const int64_t *dims, const int64_t *data);

/* inputs, outputs: comma-separated names ("" entries allowed). */
Onnx__NodeProto *ob_node(struct ob *b, const char *op, const char *name,
			 const char *inputs, const char *outputs);
void ob_attr_i(struct ob *b, Onnx__NodeProto *n, const char *name, int64_t v);
void ob_attr_f(struct ob *b, Onnx__NodeProto *n, const char *name, float v);
void ob_attr_s(struct ob *b, Onnx__NodeProto *n, const char *name,
	       const char *v);
void ob_attr_ints(struct ob *b, Onnx__NodeProto *n, const char *name, int count,
		  const int64_t *v);
void ob_attr_t(struct ob *b, Onnx__NodeProto *n, const char *name,
	       Onnx__TensorProto *t);
/* A tensor not added to the graph (for Constant values). */
Onnx__TensorProto *ob_tensor(struct ob *b, const char *name, int rank,
			     const int64_t *dims, const float *data);

/* Serialized model (malloc'ed, caller frees). */
uint8_t *ob_pack(struct ob *b, size_t *len);

#endif
