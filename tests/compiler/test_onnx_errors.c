// SPDX-License-Identifier: MIT
/*
 * ONNX import failures: every unsupported operator and attribute gets a
 * message naming the node, the operator and what is unsupported;
 * malformed models (truncated, random bytes, flipped bytes, wrong types,
 * dangling names, shape mismatches) are rejected without a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "onnx.h"		/* onnx_read_model(): the importer's internals */
#include "onnx_build.h"
#include "tutil.h"

#define I64(...)	(const int64_t[]){ __VA_ARGS__ }
#define FLOATS(...)	(const float[]){ __VA_ARGS__ }

/* Import must fail with -EINVAL and exactly this message. */
static void fails_with(struct ob *b, const char *msg)
{
	struct cim_graph *g = (struct cim_graph *)0x1;
	char err[256];
	size_t len;
	uint8_t *buf = ob_pack(b, &len);

	if (cim_onnx_import(buf, len, 1, &g, err, sizeof(err)) != -EINVAL)
		fail_msg("import did not fail with: %s", msg);
	assert_null(g);
	assert_string_equal(err, msg);
	free(buf);
	ob_free(b);
}

static struct ob *conv_model(int64_t opset, Onnx__NodeProto **n)
{
	struct ob *b = ob_new(opset);
	float w[2 * 1 * 3 * 3] = { 0 };

	ob_input(b, "x", 4, I64(1, 1, 4, 4));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(2, 1, 3, 3), w);
	*n = ob_node(b, "Conv", "conv3", "x,w", "y");
	return b;
}

static struct ob *unary(const char *op, Onnx__NodeProto **n)
{
	struct ob *b = ob_new(13);

	ob_input(b, "x", 4, I64(1, 2, 4, 4));
	ob_output(b, "y");
	*n = ob_node(b, op, "n1", "x", "y");
	return b;
}

static void test_unsupported_attributes(void **state)
{
	Onnx__NodeProto *n;
	struct ob *b;
	(void)state;

	b = conv_model(13, &n);
	ob_attr_s(b, n, "auto_pad", "SAME_MIDDLE");
	fails_with(b, "node \"conv3\" (Conv): auto_pad=SAME_MIDDLE is not supported");
	b = conv_model(13, &n);
	ob_attr_i(b, n, "bogus", 1);
	fails_with(b, "node \"conv3\" (Conv): attribute bogus is not supported");
	b = conv_model(13, &n);
	ob_attr_ints(b, n, "kernel_shape", 1, I64(3));
	fails_with(b, "node \"conv3\" (Conv): only 1-D and 2-D windows are supported");
	b = conv_model(13, &n);	/* an empty list (found by fuzzing: memcpy of NULL) */
	ob_attr_ints(b, n, "pads", 0, I64(0));
	fails_with(b, "node \"conv3\" (Conv): only 1-D and 2-D windows are supported");
	b = conv_model(13, &n);
	ob_attr_i(b, n, "group", 0);
	fails_with(b, "node \"conv3\" (Conv): group=0 is not supported");
	b = conv_model(13, &n);
	ob_attr_ints(b, n, "pads", 4, I64(1, -1, 1, 1));
	fails_with(b, "node \"conv3\" (Conv): pads value -1 is not supported");

	b = unary("MaxPool", &n);
	b->g.input[0]->type->tensor_type->shape->dim[3]->dim_value = 5;
	b->g.node[0]->op_type = "AveragePool";
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	ob_attr_i(b, n, "ceil_mode", 1);
	ob_attr_i(b, n, "count_include_pad", 1);
	fails_with(b, "node \"n1\" (AveragePool): ceil_mode=1 with count_include_pad=1 is not supported when it adds padding");
	b = unary("AveragePool", &n);
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_ints(b, n, "dilations", 2, I64(2, 2));
	fails_with(b, "node \"n1\" (AveragePool): attribute dilations is not supported");
	b = unary("MaxPool", &n);
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_i(b, n, "storage_order", 2);
	fails_with(b, "node \"n1\" (MaxPool): storage_order=2 is not supported");
	b = unary("MaxPool", &n);
	fails_with(b, "node \"n1\" (MaxPool): attribute kernel_shape is missing");
	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 2, 4, 4));
	ob_output(b, "y");
	n = ob_node(b, "MaxPool", "mp", "x", "y,idx");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_ints(b, n, "dilations", 2, I64(2, 2));
	fails_with(b, "node \"mp\" (MaxPool): the indices of a dilated pool are not supported");
	b = unary("AveragePool", &n);
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_s(b, n, "auto_pad", "SAME_LOWER");
	ob_attr_ints(b, n, "pads", 4, I64(1, 1, 1, 1));
	fails_with(b, "node \"n1\" (AveragePool): pads value 1 is not supported");
	b = unary("Softmax", &n);
	b->opset.version = 11;
	fails_with(b, "node \"n1\" (Softmax): axis=1 over several dimensions (opset < 13) is not supported");
	b = unary("Transpose", &n);
	ob_attr_ints(b, n, "perm", 3, I64(0, 1, 2));
	fails_with(b, "node \"n1\" (Transpose): perm has 3 entries for rank 4");
	b = unary("Concat", &n);
	fails_with(b, "node \"n1\" (Concat): attribute axis is missing");
	b = unary("Relu", &n);
	ob_attr_f(b, n, "alpha", 1);
	fails_with(b, "node \"n1\" (Relu): attribute alpha is not supported");
	b = unary("Constant", &n);
	ob_attr_f(b, n, "value_string", 1);
	fails_with(b, "node \"n1\" (Constant): attribute value_string is not supported");
}

static void test_unsupported_ops_and_inputs(void **state)
{
	Onnx__NodeProto *n;
	struct ob *b;
	(void)state;

	b = unary("Erf", &n);
	fails_with(b, "node \"n1\" (Erf): operator Erf is not supported");
	b = unary("Relu", &n);
	n->domain = "com.microsoft";
	fails_with(b, "node \"n1\" (Relu): operator domain \"com.microsoft\" is not supported");
	b = unary("Relu", &n);
	n->name = "";
	n->op_type = "LRN";
	fails_with(b, "node \"y\" (LRN): operator LRN is not supported");

	b = ob_new(13);		/* BN in training mode */
	ob_input(b, "x", 4, I64(1, 1, 1, 1));
	ob_output(b, "y");
	ob_init(b, "v", 1, I64(1), FLOATS(1));
	n = ob_node(b, "BatchNormalization", "bn", "x,v,v,v,v", "y");
	ob_attr_i(b, n, "training_mode", 1);
	fails_with(b, "node \"bn\" (BatchNormalization): training_mode=1 is not supported");

	b = ob_new(13);		/* a run-time B of rank 1 */
	ob_input(b, "x", 2, I64(1, 2));
	ob_input(b, "w", 1, I64(2));
	ob_output(b, "y");
	ob_node(b, "MatMul", "mm", "x,w", "y");
	fails_with(b, "node \"mm\" (MatMul): a product of two run-time tensors takes rank 2 or more inputs (A has rank 2, B 1)");

	b = ob_new(13);		/* a run-time Clip bound that is not a scalar */
	ob_input(b, "x", 2, I64(1, 2));
	ob_input(b, "lo", 1, I64(2));
	ob_output(b, "y");
	ob_node(b, "Clip", "c", "x,lo", "y");
	fails_with(b, "node \"c\" (Clip): input \"lo\" must be a scalar");

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_init(b, "w", 3, I64(1, 2, 2), FLOATS(1, 2, 3, 4));
	ob_node(b, "MatMul", "mm", "x,w", "y");
	fails_with(b, "node \"mm\" (MatMul): only 2-D inputs are supported (A has rank 2, B 3)");

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_init(b, "w", 2, I64(2, 2), FLOATS(1, 2, 3, 4));
	ob_init(b, "c", 2, I64(2, 2), FLOATS(1, 2, 3, 4));
	ob_node(b, "Gemm", "g", "x,w,c", "y");
	fails_with(b, "node \"g\" (Gemm): input C does not broadcast to the output's 1x2");

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_init(b, "k", 2, I64(3, 2), FLOATS(1, 2, 3, 4, 5, 6));
	ob_node(b, "Add", "add", "x,k", "y");
	fails_with(b, "node \"add\" (Add): constant \"k\" does not broadcast to the tensor's shape");

	b = ob_new(13);
	ob_input(b, "x", 3, I64(1, 1, 4));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(1, 1, 1, 2), FLOATS(1, 2));
	ob_node(b, "Conv", "c1d", "x,w", "y");
	fails_with(b, "node \"c1d\" (Conv): weights of rank 4 for a 1-D convolution");

	b = ob_new(13);		/* a fixed batch too large to run sample by sample */
	ob_input(b, "x", 4, I64(65, 1, 2, 2));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(1, 1, 1, 1), FLOATS(2));
	ob_node(b, "Conv", "cb", "x,w", "y");
	fails_with(b, "node \"cb\" (Conv): a fixed batch of 65 samples (more than 64) is not supported: export with a symbolic batch dimension");

	b = ob_new(13);		/* Cast of a run-time tensor to bool */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_attr_i(b, ob_node(b, "Cast", "cast", "x", "y"), "to",
		  ONNX__TENSOR_PROTO__DATA_TYPE__BOOL);
	fails_with(b, "node \"cast\" (Cast): a cast of a runtime tensor to data type 9 is not supported (only to floating-point and integer types, computed in float32)");

	b = ob_new(13);		/* float indices at run time */
	ob_input(b, "x", 2, I64(3, 4));
	ob_input(b, "i", 1, I64(2));
	ob_output(b, "y");
	ob_node(b, "Gather", "ga", "x,i", "y");
	fails_with(b, "node \"ga\" (Gather): indices \"i\" must be integers");

	b = ob_new(6);		/* opset 6: Add's broadcast axis must fit */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "z", 2, I64(2, 3));
	ob_output(b, "y");
	n = ob_node(b, "Add", "add6", "x,z", "y");
	ob_attr_i(b, n, "broadcast", 1);
	ob_attr_i(b, n, "axis", 1);
	fails_with(b, "node \"add6\" (Add): axis 1 does not fit B of rank 2 in A of rank 2");

	b = ob_new(6);		/* BatchNormalization-6 defaults to training */
	ob_input(b, "x", 4, I64(1, 1, 1, 1));
	ob_output(b, "y");
	ob_init(b, "v", 1, I64(1), FLOATS(1));
	ob_node(b, "BatchNormalization", "bn6", "x,v,v,v,v", "y");
	fails_with(b, "node \"bn6\" (BatchNormalization): is_test=0 (training mode, the default before opset 7) is not supported");
	b = ob_new(6);		/* so does Dropout-6 */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_attr_i(b, ob_node(b, "Dropout", "do6", "x", "y"), "is_test", 0);
	fails_with(b, "node \"do6\" (Dropout): is_test=0 (training mode, the default before opset 7) is not supported");

	b = ob_new(13);		/* legacy attributes from opset 7 on */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "z", 1, I64(3));
	ob_output(b, "y");
	ob_attr_i(b, ob_node(b, "Add", "add13", "x,z", "y"), "broadcast", 1);
	fails_with(b, "node \"add13\" (Add): attributes axis and broadcast are not supported from opset 7 on");

	b = ob_new(14);
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_init_i64(b, "s", 1, I64(2), I64(0, 4));
	ob_attr_i(b, ob_node(b, "Reshape", "r", "x,s", "y"), "allowzero", 1);
	fails_with(b, "node \"r\" (Reshape): allowzero=1 with a 0 dimension is not supported");

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 4));
	ob_input(b, "s", 1, I64(2));
	ob_output(b, "y");
	ob_node(b, "Reshape", "r", "x,s", "y");
	fails_with(b, "node \"r\" (Reshape): input \"s\" must be integers");

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	{
		Onnx__TensorProto *t = ob_init(b, "t", 0, NULL, FLOATS(0));

		t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
		t->raw_data.data[0] = 1;
		t->raw_data.len = 1;
	}
	ob_node(b, "Dropout", "do", "x,,t", "y");
	fails_with(b, "node \"do\" (Dropout): training_mode must be a constant false");
}

static void test_opsets(void **state)
{
	Onnx__NodeProto *n;
	struct ob *b;
	(void)state;

	b = unary("Relu", &n);
	b->opset.version = 0;
	fails_with(b, "opset 0 is not supported (1 to 17 are)");
	b = unary("Relu", &n);
	b->opset.version = 18;
	fails_with(b, "opset 18 is not supported (1 to 17 are)");
	b = unary("Relu", &n);
	b->opset.domain = "ai.onnx.ml";
	fails_with(b, "model imports no version of the default ONNX opset");
}

static void test_malformed_graphs(void **state)
{
	Onnx__NodeProto *n;
	struct ob *b;
	(void)state;

	b = unary("Relu", &n);
	n->input[0] = "nope";
	fails_with(b, "node \"n1\" (Relu): input \"nope\" is not defined before the node");
	b = conv_model(13, &n);	/* missing initializer */
	n->input[1] = "w_missing";
	fails_with(b, "node \"conv3\" (Conv): input \"w_missing\" is not defined before the node");
	b = unary("Relu", &n);
	b->g.output[0]->name = "z";
	fails_with(b, "graph output \"z\" is not produced by any node");
	b = unary("Relu", &n);	/* nodes out of order: reads a later output */
	ob_node(b, "Relu", "n0", "y", "y2");
	n->input[0] = "y2";
	fails_with(b, "node \"n1\" (Relu): input \"y2\" is not defined before the node");
	b = unary("Relu", &n);
	ob_node(b, "Relu", "again", "x", "y");
	fails_with(b, "node \"again\" (Relu): output \"y\" is already defined");
	b = unary("Relu", &n);
	b->m.graph = NULL;
	fails_with(b, "model has no graph");
	b = unary("Relu", &n);
	n->n_output = 0;
	fails_with(b, "node \"n1\" (Relu): has no output");
	b = unary("Relu", &n);
	n->n_input = 0;
	fails_with(b, "node \"n1\" (Relu): has 0 inputs, expected 1 to 1");
	b = unary("Relu", &n);
	b->g.input[0]->type->tensor_type->shape->dim[2]->value_case =
		ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
	b->g.input[0]->type->tensor_type->shape->dim[2]->dim_param = "H";
	fails_with(b, "graph input \"x\": dimension 2 is not a fixed size");

	b = unary("Relu", &n);	/* an output listed twice */
	ob_output(b, "y");
	fails_with(b, "graph output \"y\" is listed twice");
	b = unary("Relu", &n);	/* a negative dimension */
	b->g.input[0]->type->tensor_type->shape->dim[1]->dim_value = -3;
	fails_with(b, "graph input \"x\": dimension 1 is not a fixed size");
	b = ob_new(13);		/* 2^40 elements */
	ob_input(b, "x", 3, I64(1, 1 << 20, 1 << 20));
	ob_output(b, "y");
	ob_node(b, "Relu", "r", "x", "y");
	fails_with(b, "tensor \"x\": a dimension is 0 or the size exceeds 2^31");
	b = unary("Relu", &n);	/* an initializer claiming 2^40 elements */
	{
		Onnx__TensorProto *t = ob_init(b, "big", 2, I64(1, 1), FLOATS(0));

		t->dims[0] = t->dims[1] = 1 << 20;
	}
	fails_with(b, "initializer \"big\" has a negative or too large dimension");
	b = ob_new(13);		/* a cycle of two nodes */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_node(b, "Add", "a", "x,b_out", "a_out");
	ob_node(b, "Relu", "b", "a_out", "b_out");
	ob_node(b, "Relu", "c", "b_out", "y");
	fails_with(b, "node \"a\" (Add): input \"b_out\" is not a tensor defined before the node");
	b = ob_new(13);		/* a folded reshape target of 2^40 elements */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_init_i64(b, "s", 1, I64(3), I64(1, 1 << 20, 1 << 20));
	ob_node(b, "Reshape", "r", "x,s", "y");
	fails_with(b, "node \"r\" (Reshape): cannot reshape 4 elements to the target shape");
	b = ob_new(5);		/* an opset-5 model whose Reshape has no shape */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_node(b, "Reshape", "r", "x", "y");
	fails_with(b, "node \"r\" (Reshape): has 1 inputs, expected 2 to 2");
	b = ob_new(4);		/* Reshape-1 without its attribute */
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_node(b, "Reshape", "r", "x", "y");
	fails_with(b, "node \"r\" (Reshape): attribute shape is missing or not INTS");

	/* shape mismatches */
	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 3));
	ob_output(b, "y");
	ob_init(b, "w", 2, I64(2, 2), FLOATS(1, 2, 3, 4));
	ob_node(b, "MatMul", "mm", "x,w", "y");
	fails_with(b, "node \"mm\" (FC): input has 3 features, weights expect 2");
	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 3));
	ob_input(b, "z", 2, I64(1, 2));
	ob_output(b, "y");
	ob_node(b, "Add", "add", "x,z", "y");
	fails_with(b, "node \"add\" (Add): input \"z\" does not broadcast to the shape of \"x\"");
}

static void test_wrong_types(void **state)
{
	Onnx__NodeProto *n;
	struct ob *b;
	Onnx__TensorProto *t;
	(void)state;

	b = conv_model(13, &n);
	ob_attr_f(b, n, "group", 1);
	fails_with(b, "node \"conv3\" (Conv): attribute group has type FLOAT, expected INT");
	b = conv_model(13, &n);
	ob_attr_i(b, n, "pads", 1);
	fails_with(b, "node \"conv3\" (Conv): attribute pads has type INT, expected INTS");
	b = conv_model(13, &n);
	t = b->g.initializer[0];
	t->raw_data.len -= 4;
	fails_with(b, "initializer \"w\" holds a different number of elements than its shape");
	b = conv_model(13, &n);
	b->g.initializer[0]->dims[0] = -2;
	fails_with(b, "initializer \"w\" has a negative or too large dimension");
	b = conv_model(13, &n);
	b->g.initializer[0]->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
	fails_with(b, "node \"conv3\" (Conv): input \"w\" is not a float32 tensor of rank 1 to 6");
	b = conv_model(13, &n);
	b->g.input[0]->type->tensor_type->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__UINT8;
	fails_with(b, "node \"conv3\" (Conv): integer data (data type 2) is not supported by this operator");
	b = conv_model(13, &n);
	b->g.input[0]->type->tensor_type->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
	fails_with(b, "graph input \"x\" is not of a floating-point or integer type (data type 9)");
	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_init(b, "s", 1, I64(2), FLOATS(1, 4));	/* float shape */
	ob_node(b, "Reshape", "r", "x,s", "y");
	fails_with(b, "node \"r\" (Reshape): constant \"s\" is not an int64 tensor");
}

/* Whatever the bytes, import returns 0 or -EINVAL with a message. */
static void try_bytes(const uint8_t *buf, size_t len)
{
	struct cim_graph *g = NULL;
	char err[256] = "";
	int ret = cim_onnx_import(buf, len, 1, &g, err, sizeof(err));

	if (ret == 0) {
		assert_non_null(g);
		cim_graph_free(g);
		return;
	}
	assert_int_equal(ret, -EINVAL);
	assert_null(g);
	assert_true(strlen(err) > 0);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(*len);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void test_truncated(void **state)
{
	size_t len, cut, rejected = 0;
	uint8_t *buf = read_file(MODELS_DIR "/digits_cnn.onnx", &len);
	(void)state;

	for (cut = 0; cut < len; cut += 1 + cut / 16) {
		uint8_t *p = malloc(cut ? cut : 1);	/* exact size for ASan */
		struct cim_graph *g = NULL;
		char err[256];

		memcpy(p, buf, cut);
		if (cim_onnx_import(p, cut, 1, &g, err, sizeof(err)) == -EINVAL)
			rejected++;
		cim_graph_free(g);
		free(p);
	}
	assert_true(rejected > 0);
	free(buf);
}

/* m packed again (protobuf-c packs deterministically); frees m. */
static uint8_t *repack(Onnx__ModelProto *m, size_t *len)
{
	uint8_t *p;

	*len = onnx__model_proto__get_packed_size(m);
	p = malloc(*len ? *len : 1);
	assert_non_null(p);
	assert_int_equal(onnx__model_proto__pack(m, p), *len);
	onnx__model_proto__free_unpacked(m, NULL);
	return p;
}

/*
 * The file read one initializer at a time (onnx_read_model) is the model
 * the whole file unpacks to, field for field; a prefix of it (a
 * truncated file) is either refused or, if it happens to end on a field
 * boundary, read as the same prefix model.
 */
static void test_read_streamed(void **state)
{
	static const char *const files[] = { "digits_cnn.onnx", "digits_mlp.onnx",
		"digits_qdq_ort.onnx", "digits_cnn_hwa_qdq.onnx" };
	char path[512], tmp[] = "/tmp/cim_onnx_readXXXXXX";
	size_t i, len, cut, l1, l2, read = 0, refused = 0;
	Onnx__ModelProto *none = NULL;
	int fd = mkstemp(tmp);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		Onnx__ModelProto *m1, *m2;
		uint8_t *buf, *p1, *p2;

		snprintf(path, sizeof(path), "%s/%s", MODELS_DIR, files[i]);
		buf = read_file(path, &len);
		assert_int_equal(onnx_read_model(path, 1u << 31, &m1), 0);
		assert_non_null(m1->graph);
		assert_true(m1->graph->n_initializer > 0);
		m2 = onnx__model_proto__unpack(NULL, len, buf);
		assert_non_null(m2);
		p1 = repack(m1, &l1);
		p2 = repack(m2, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(p1, p2, l1);
		free(p1);
		free(p2);
		for (cut = 0; i == 0 && cut < len; cut += 1 + cut / 8) {
			FILE *f = fopen(tmp, "wb");

			assert_non_null(f);
			assert_int_equal(fwrite(buf, 1, cut, f), cut);
			fclose(f);
			if (onnx_read_model(tmp, 1u << 31, &m1)) {
				refused++;
				continue;
			}
			read++;
			m2 = onnx__model_proto__unpack(NULL, cut, buf);
			assert_non_null(m2);
			p1 = repack(m1, &l1);
			p2 = repack(m2, &l2);
			assert_int_equal(l1, l2);
			assert_memory_equal(p1, p2, l1);
			free(p1);
			free(p2);
		}
		free(buf);
	}
	printf("truncated files: %zu refused, %zu read as their prefix model\n",
	       refused, read);
	assert_true(refused > 0);
	assert_int_equal(onnx_read_model(tmp, 4, &none), -EINVAL);	/* > max */
	assert_null(none);
	unlink(tmp);
	assert_int_equal(onnx_read_model("/nonexistent/x.onnx", 1u << 31, &none),
			 -ENOENT);
}

static void test_random_bytes(void **state)
{
	uint64_t s = 12345;
	uint8_t buf[512];
	int i;
	size_t j;
	(void)state;

	for (i = 0; i < 300; i++) {
		size_t len = (size_t)((tu_frand(&s) + 1) * 256);

		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)(tu_frand(&s) * 128 + 128);
		try_bytes(buf, len);
	}
	try_bytes(NULL, 0);
}

static void test_flipped_bytes(void **state)
{
	size_t len;
	uint8_t *orig = read_file(MODELS_DIR "/digits_cnn.onnx", &len);
	uint8_t *buf = malloc(len);
	uint64_t s = 777;
	int i;
	(void)state;

	for (i = 0; i < 300; i++) {
		size_t at = (size_t)((tu_frand(&s) + 1) * 0.5 * len) % len;

		memcpy(buf, orig, len);
		buf[at] ^= (uint8_t)(1 + (tu_frand(&s) + 1) * 127);
		try_bytes(buf, len);
	}
	free(buf);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsupported_attributes),
		cmocka_unit_test(test_unsupported_ops_and_inputs),
		cmocka_unit_test(test_opsets),
		cmocka_unit_test(test_malformed_graphs),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_read_streamed),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_flipped_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
