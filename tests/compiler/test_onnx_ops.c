// SPDX-License-Identifier: MIT
/*
 * ONNX import of every supported operator: tiny models built in C with
 * protobuf-c, imported, run by the float executor and checked against
 * hand-computed results.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "onnx_build.h"
#include "tutil.h"

#define I64(...)	(const int64_t[]){ __VA_ARGS__ }
#define FLOATS(...)	(const float[]){ __VA_ARGS__ }

static struct cim_graph *import(struct ob *b, int optimize)
{
	struct cim_graph *g = NULL;
	char err[256];
	size_t len;
	uint8_t *buf = ob_pack(b, &len);
	int ret = cim_onnx_import(buf, len, optimize, &g, err, sizeof(err));

	free(buf);
	if (ret)
		fail_msg("import failed (%d): %s", ret, err);
	ob_free(b);
	return g;
}

/* Import (with and without optimization), run one input, compare. */
static void check(struct ob *b, const float *in, const float *want, size_t n)
{
	size_t len;
	uint8_t *buf = ob_pack(b, &len);
	float *out = calloc(n, sizeof(float));
	int opt;

	for (opt = 0; opt < 2; opt++) {
		struct cim_graph *g = NULL;
		char err[256];

		if (cim_onnx_import(buf, len, opt, &g, err, sizeof(err)))
			fail_msg("import failed: %s", err);
		assert_int_equal(g->tensors[g->outputs[0]].size, n);
		tu_run1(g, in, out);
		tu_assert_close(out, want, n, 1e-5);
		cim_graph_free(g);
	}
	free(out);
	free(buf);
	ob_free(b);
}

static struct ob *model(int64_t opset, int rank, const int64_t *dims)
{
	struct ob *b = ob_new(opset);

	ob_input(b, "x", rank, dims);
	ob_output(b, "y");
	return b;
}

static void test_gemm(void **state)
{
	struct ob *b = model(13, 2, I64(1, 2));
	Onnx__NodeProto *n;
	(void)state;

	/* B is [K, N] = [2, 3] without transB */
	ob_init(b, "B", 2, I64(2, 3), FLOATS(1, 2, 3, 4, 5, 6));
	ob_init(b, "C", 1, I64(3), FLOATS(1, 1, -1));
	n = ob_node(b, "Gemm", "g", "x,B,C", "y");
	ob_attr_f(b, n, "alpha", 2);
	ob_attr_f(b, n, "beta", 0.5f);
	/* 2 * ([1, -1] B) + 0.5 C = 2 * [-3, -3, -3] + [.5, .5, -.5] */
	check(b, FLOATS(1, -1), FLOATS(-5.5f, -5.5f, -6.5f), 3);

	b = model(11, 2, I64(2, 1));	/* A^T is [1, 2] */
	ob_init(b, "B", 2, I64(3, 2), FLOATS(1, 4, 2, 5, 3, 6));
	ob_init(b, "C", 1, I64(1), FLOATS(10));	/* broadcast scalar */
	n = ob_node(b, "Gemm", "g", "x,B,C", "y");
	ob_attr_i(b, n, "transA", 1);
	ob_attr_i(b, n, "transB", 1);
	check(b, FLOATS(1, -1), FLOATS(7, 7, 7), 3);

	b = model(17, 2, I64(1, 2));	/* no C */
	ob_init(b, "B", 2, I64(2, 1), FLOATS(3, 4));
	ob_node(b, "Gemm", "g", "x,B", "y");
	check(b, FLOATS(1, 2), FLOATS(11), 1);
}

static void test_matmul(void **state)
{
	struct ob *b = model(13, 2, I64(-1, 3));	/* symbolic batch */
	(void)state;

	ob_init(b, "W", 2, I64(3, 2), FLOATS(1, 0, 0, 1, 1, 1));
	ob_node(b, "MatMul", "mm", "x,W", "y");
	check(b, FLOATS(1, 2, 3), FLOATS(4, 5), 2);
}

static void test_conv(void **state)
{
	struct ob *b = model(13, 4, I64(1, 1, 3, 3));
	const float img[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	Onnx__NodeProto *n;
	(void)state;

	ob_init(b, "W", 4, I64(1, 1, 2, 2), FLOATS(1, 1, 1, 1));
	ob_init(b, "B", 1, I64(1), FLOATS(100));
	n = ob_node(b, "Conv", "c", "x,W,B", "y");
	ob_attr_ints(b, n, "pads", 4, I64(1, 1, 1, 1));
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	check(b, img, FLOATS(101, 105, 111, 128), 4);

	b = model(13, 4, I64(1, 1, 3, 3));
	ob_init(b, "W", 4, I64(1, 1, 2, 2), FLOATS(1, 1, 1, 1));
	n = ob_node(b, "Conv", "c", "x,W", "y");
	ob_attr_ints(b, n, "dilations", 2, I64(2, 2));
	ob_attr_s(b, n, "auto_pad", "VALID");
	check(b, img, FLOATS(20), 1);

	/* depthwise: group = channels */
	b = model(13, 4, I64(1, 2, 1, 2));
	ob_init(b, "W", 4, I64(2, 1, 1, 1), FLOATS(2, -1));
	n = ob_node(b, "Conv", "c", "x,W", "y");
	ob_attr_i(b, n, "group", 2);
	check(b, FLOATS(1, 2, 3, 4), FLOATS(2, 4, -3, -4), 4);

	/* grouped: 4 channels in 2 groups, 2 outputs */
	b = model(13, 4, I64(1, 4, 1, 1));
	ob_init(b, "W", 4, I64(2, 2, 1, 1), FLOATS(1, 1, 1, -1));
	n = ob_node(b, "Conv", "c", "x,W", "y");
	ob_attr_i(b, n, "group", 2);
	check(b, FLOATS(1, 2, 3, 4), FLOATS(3, -1), 2);
}

static void test_batchnorm(void **state)
{
	struct ob *b = model(15, 4, I64(1, 2, 1, 1));
	Onnx__NodeProto *n;
	(void)state;

	ob_init(b, "W", 4, I64(2, 2, 1, 1), FLOATS(1, 0, 0, 1));
	ob_init(b, "s", 1, I64(2), FLOATS(2, 3));
	ob_init(b, "bb", 1, I64(2), FLOATS(1, -1));
	ob_init(b, "m", 1, I64(2), FLOATS(0.5f, 1));
	ob_init(b, "v", 1, I64(2), FLOATS(4, 9));
	ob_node(b, "Conv", "c", "x,W", "t");
	n = ob_node(b, "BatchNormalization", "bn", "t,s,bb,m,v", "y");
	ob_attr_f(b, n, "epsilon", 0);
	ob_attr_f(b, n, "momentum", 0.9f);
	/* (4.5 - .5) * 2 / 2 + 1, (-2 - 1) * 3 / 3 - 1 */
	check(b, FLOATS(4.5f, -2), FLOATS(5, -4), 2);
}

static void test_relu_clip(void **state)
{
	struct ob *b = model(13, 2, I64(1, 4));
	Onnx__NodeProto *n;
	(void)state;

	ob_node(b, "Relu", "r", "x", "y");
	check(b, FLOATS(-1, 0, 2, 7), FLOATS(0, 0, 2, 7), 4);

	/* ReLU6 as opset-11+ inputs, from a Constant and an initializer */
	b = model(13, 2, I64(1, 4));
	ob_attr_t(b, ob_node(b, "Constant", "k", "", "lo"), "value",
		  ob_tensor(b, "lo", 0, NULL, FLOATS(0)));
	ob_init(b, "hi", 0, NULL, FLOATS(6));
	ob_node(b, "Clip", "r6", "x,lo,hi", "y");
	check(b, FLOATS(-1, 0, 2, 7), FLOATS(0, 0, 2, 6), 4);

	/* only max given: min input left empty */
	b = model(12, 2, I64(1, 4));
	ob_init(b, "hi", 0, NULL, FLOATS(1));
	ob_node(b, "Clip", "c", "x,,hi", "y");
	check(b, FLOATS(-1, 0, 2, 7), FLOATS(-1, 0, 1, 1), 4);

	/* attributes, as older exporters write them */
	b = model(11, 2, I64(1, 4));
	n = ob_node(b, "Clip", "c", "x", "y");
	ob_attr_f(b, n, "min", -0.5f);
	ob_attr_f(b, n, "max", 0.5f);
	check(b, FLOATS(-1, 0, 2, 7), FLOATS(-0.5f, 0, 0.5f, 0.5f), 4);
}

static void test_add_residual(void **state)
{
	struct ob *b = model(13, 2, I64(1, 2));
	(void)state;

	ob_init(b, "W", 2, I64(2, 2), FLOATS(0, 1, 1, 0));
	ob_node(b, "MatMul", "mm", "x,W", "t");
	ob_node(b, "Add", "res", "x,t", "s");
	ob_node(b, "Relu", "r", "s", "y");
	check(b, FLOATS(1, -3), FLOATS(0, 0), 2);
	b = model(13, 2, I64(1, 2));
	ob_init(b, "W", 2, I64(2, 2), FLOATS(0, 1, 1, 0));
	ob_node(b, "MatMul", "mm", "x,W", "t");
	ob_node(b, "Add", "res", "t,x", "y");
	check(b, FLOATS(1, 5), FLOATS(6, 6), 2);
}

static void test_pools(void **state)
{
	float in[16];
	struct ob *b;
	Onnx__NodeProto *n;
	int i;
	(void)state;

	for (i = 0; i < 16; i++)
		in[i] = (float)i;
	b = model(13, 4, I64(1, 1, 4, 4));
	n = ob_node(b, "MaxPool", "mp", "x", "y");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	check(b, in, FLOATS(5, 7, 13, 15), 4);

	b = model(13, 4, I64(1, 1, 4, 4));
	n = ob_node(b, "AveragePool", "ap", "x", "y");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(3, 3));
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	ob_attr_ints(b, n, "pads", 4, I64(1, 1, 0, 0));
	ob_attr_i(b, n, "count_include_pad", 1);
	check(b, in, FLOATS(10 / 9.0f, 24 / 9.0f, 51 / 9.0f, 10), 4);

	b = model(13, 4, I64(1, 2, 2, 2));
	ob_node(b, "GlobalAveragePool", "gap", "x", "y");
	check(b, FLOATS(1, 2, 3, 4, -1, -1, -1, -5), FLOATS(2.5f, -2), 2);
}

static void test_flatten_reshape(void **state)
{
	struct ob *b = model(13, 4, I64(1, 2, 1, 2));
	Onnx__NodeProto *n;
	(void)state;

	n = ob_node(b, "Flatten", "f", "x", "t");
	ob_attr_i(b, n, "axis", 1);
	ob_init(b, "W", 2, I64(4, 1), FLOATS(1, 10, 100, 1000));
	ob_node(b, "MatMul", "mm", "t,W", "y");
	check(b, FLOATS(1, 2, 3, 4), FLOATS(4321), 1);

	b = model(14, 4, I64(1, 2, 1, 2));
	ob_init_i64(b, "shape", 1, I64(2), I64(0, -1));
	ob_node(b, "Reshape", "r", "x,shape", "t");
	ob_init(b, "W", 2, I64(4, 1), FLOATS(1, 10, 100, 1000));
	ob_node(b, "MatMul", "mm", "t,W", "y");
	check(b, FLOATS(1, 2, 3, 4), FLOATS(4321), 1);
}

static void test_channel_shuffle(void **state)
{
	struct ob *b = model(13, 4, I64(1, 4, 1, 1));
	(void)state;

	ob_init_i64(b, "s1", 1, I64(5), I64(-1, 2, 2, 1, 1));
	ob_init_i64(b, "s2", 1, I64(4), I64(-1, 4, 1, 1));
	ob_node(b, "Reshape", "r1", "x,s1", "a");
	ob_attr_ints(b, ob_node(b, "Transpose", "t", "a", "tt"), "perm", 5,
		     I64(0, 2, 1, 3, 4));
	ob_node(b, "Reshape", "r2", "tt,s2", "y");
	check(b, FLOATS(0, 1, 2, 3), FLOATS(0, 2, 1, 3), 4);

	b = model(13, 2, I64(2, 3));	/* default perm reverses */
	ob_node(b, "Transpose", "t", "x", "y");
	check(b, FLOATS(1, 2, 3, 4, 5, 6), FLOATS(1, 4, 2, 5, 3, 6), 6);
}

static void test_concat(void **state)
{
	struct ob *b = model(13, 4, I64(1, 1, 1, 2));
	(void)state;

	ob_init(b, "W", 4, I64(2, 1, 1, 1), FLOATS(2, 3));
	ob_node(b, "Conv", "c", "x,W", "t");
	ob_attr_i(b, ob_node(b, "Concat", "cat", "x,t", "y"), "axis", 1);
	check(b, FLOATS(1, 2), FLOATS(1, 2, 2, 4, 3, 6), 6);

	b = model(13, 4, I64(1, 1, 1, 2));
	ob_attr_i(b, ob_node(b, "Concat", "cat", "x,x,x", "y"), "axis", -1);
	check(b, FLOATS(1, 2), FLOATS(1, 2, 1, 2, 1, 2), 6);
}

static void test_softmax(void **state)
{
	struct ob *b = model(13, 2, I64(1, 3));
	float e = expf(-1);
	(void)state;

	ob_node(b, "Softmax", "sm", "x", "y");
	check(b, FLOATS(0, logf(2), -1),
	      FLOATS(1 / (3 + e), 2 / (3 + e), e / (3 + e)), 3);
	b = model(11, 2, I64(1, 3));	/* opset 11: axis 1 default */
	ob_node(b, "Softmax", "sm", "x", "y");
	check(b, FLOATS(0, 0, 0), FLOATS(1 / 3.0f, 1 / 3.0f, 1 / 3.0f), 3);
}

static void test_identity_dropout_removed(void **state)
{
	struct ob *b = model(13, 2, I64(1, 2));
	struct cim_graph *g;
	Onnx__NodeProto *n;
	(void)state;

	ob_node(b, "Identity", "id", "x", "a");
	n = ob_node(b, "Dropout", "do", "a", "d");
	ob_attr_i(b, n, "seed", 3);
	ob_init(b, "ratio", 0, NULL, FLOATS(0.5f));
	ob_node(b, "Dropout", "do2", "d,ratio", "e");
	ob_node(b, "Relu", "r", "e", "y");
	g = import(b, 1);
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].op, CIM_NODE_RELU);
	assert_string_equal(g->tensors[g->nodes[0].inputs[0]].name, "x");
	cim_graph_free(g);

	/* an Identity producing the graph output */
	b = model(13, 2, I64(1, 2));
	ob_node(b, "Relu", "r", "x", "t");
	ob_node(b, "Identity", "id", "t", "y");
	check(b, FLOATS(-1, 1), FLOATS(0, 1), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemm),
		cmocka_unit_test(test_matmul),
		cmocka_unit_test(test_conv),
		cmocka_unit_test(test_batchnorm),
		cmocka_unit_test(test_relu_clip),
		cmocka_unit_test(test_add_residual),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_flatten_reshape),
		cmocka_unit_test(test_channel_shuffle),
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_softmax),
		cmocka_unit_test(test_identity_dropout_removed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
