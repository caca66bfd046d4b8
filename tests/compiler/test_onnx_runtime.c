// SPDX-License-Identifier: MIT
/*
 * Operands computed at run time that the float executor runs and the
 * card compiler refuses: MatMul/Gemm of two run-time tensors, Clip with
 * run-time bounds, Conv with run-time weights, PRelu's run-time slope,
 * BatchNormalization's run-time parameters and training mode,
 * integer data (wrapping arithmetic, truncating Div and Cast), Gather by
 * run-time indices, shape operands fed at run time (declared shapes),
 * Pad by run-time pads;
 * MaxPool's Indices output.  Values against hand
 * computation; the refusal message names the node and the reason.
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

#include "cim_quantize.h"
#include "onnx_build.h"
#include "tutil.h"

#define I64(...)	(const int64_t[]){ __VA_ARGS__ }
#define FLOATS(...)	(const float[]){ __VA_ARGS__ }

/* Import (plain and optimized), run inputs in[], compare output 0. */
static void check(struct ob *b, const float *const *in, const float *want,
		  size_t n)
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
		assert_int_equal(cim_graph_run(g, in, &out), 0);
		tu_assert_close(out, want, n, 1e-5);
		cim_graph_free(g);
	}
	free(out);
	free(buf);
	ob_free(b);
}

static void test_matmul_batched(void **state)
{
	struct ob *b = ob_new(13);
	/* A [2,1,2] times B [2,2] broadcast over A's leading axis */
	const float a[] = { 1, 2, 3, 4 }, w[] = { 1, 0, 2, -1 };
	const float *in[] = { a, w };
	(void)state;

	ob_input(b, "a", 3, I64(2, 1, 2));
	ob_input(b, "b", 2, I64(2, 2));
	ob_output(b, "y");
	ob_node(b, "MatMul", "mm", "a,b", "y");
	check(b, in, FLOATS(5, -2, 11, -4), 4);

	/* A [2,2] times B [2,2,1]: A broadcast over B's leading axis */
	b = ob_new(13);
	ob_input(b, "a", 2, I64(2, 2));
	ob_input(b, "b", 3, I64(2, 2, 1));
	ob_output(b, "y");
	ob_node(b, "MatMul", "mm", "a,b", "y");
	check(b, in, FLOATS(1, 3, 0, 2), 4);
}

static void test_gemm_runtime(void **state)
{
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	/* A^T [2,2] (A stored [2,2]), B^T [2,2], C [2] as a run-time row */
	const float a[] = { 1, 2, 3, 4 }, w[] = { 1, 2, 0, 1 }, c[] = { 10, 20 };
	const float *in[] = { a, w, c };
	(void)state;

	ob_input(b, "a", 2, I64(2, 2));
	ob_input(b, "b", 2, I64(2, 2));
	ob_input(b, "c", 1, I64(2));
	ob_output(b, "y");
	n = ob_node(b, "Gemm", "g", "a,b,c", "y");
	ob_attr_i(b, n, "transA", 1);
	ob_attr_i(b, n, "transB", 1);
	ob_attr_f(b, n, "alpha", 2);
	ob_attr_f(b, n, "beta", 0.5f);
	/* A^T = [[1,3],[2,4]], B^T = [[1,0],[2,1]]: A^T B^T = [[7,3],[10,4]] */
	check(b, in, FLOATS(19, 16, 25, 18), 4);
}

static void test_clip_runtime(void **state)
{
	struct ob *b = ob_new(13);
	const float x[] = { -3, -1, 0, 2, 5 }, lo[] = { -1.5f }, hi[] = { 3 };
	const float *in[] = { x, lo, hi }, *in_hi[] = { x, hi };
	(void)state;

	ob_input(b, "x", 1, I64(5));
	ob_input(b, "lo", 0, NULL);
	ob_input(b, "hi", 0, NULL);
	ob_output(b, "y");
	ob_node(b, "Clip", "c", "x,lo,hi", "y");
	check(b, in, FLOATS(-1.5f, -1, 0, 2, 3), 5);

	/* only max, at run time */
	b = ob_new(13);
	ob_input(b, "x", 1, I64(5));
	ob_input(b, "hi", 0, NULL);
	ob_output(b, "y");
	ob_node(b, "Clip", "c", "x,,hi", "y");
	check(b, in_hi, FLOATS(-3, -1, 0, 2, 3), 5);

	/* min constant, max at run time, min above max: max wins (ONNX) */
	b = ob_new(13);
	ob_input(b, "x", 1, I64(5));
	ob_input(b, "hi", 0, NULL);
	ob_init(b, "lo", 0, NULL, FLOATS(4));
	ob_output(b, "y");
	ob_node(b, "Clip", "c", "x,lo,hi", "y");
	check(b, in_hi, FLOATS(3, 3, 3, 3, 3), 5);
}

static void test_conv_runtime_weights(void **state)
{
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	const float x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, w[] = { 1, 0, 0, -1 };
	const float *in[] = { x, w };
	(void)state;

	ob_input(b, "x", 4, I64(1, 1, 3, 3));
	ob_input(b, "w", 4, I64(1, 1, 2, 2));
	ob_output(b, "y");
	n = ob_node(b, "Conv", "cv", "x,w", "y");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	check(b, in, FLOATS(-4, -4, -4, -4), 4);
}

static void test_prelu_runtime_slope(void **state)
{
	struct ob *b = ob_new(13);
	const float x[] = { -2, 3, -4, 5 }, slope[] = { 0.5f, -1 };
	const float *in[] = { x, slope };
	(void)state;

	ob_input(b, "x", 2, I64(2, 2));
	ob_input(b, "s", 1, I64(2));
	ob_output(b, "y");
	ob_node(b, "PRelu", "p", "x,s", "y");
	check(b, in, FLOATS(-1, 3, -2, 5), 4);
}

static void test_batchnorm_runtime(void **state)
{
	struct ob *b = ob_new(13);
	const float x[] = { 1, 2, 3, 4 }, sc[] = { 2, 1 }, bi[] = { 0, 1 };
	const float mean[] = { 1, 3 }, var[] = { 3, 0 };
	const float *in[] = { x, sc, bi, mean, var };
	int i;
	(void)state;

	ob_input(b, "x", 4, I64(1, 2, 1, 2));
	for (i = 0; i < 4; i++)
		ob_input(b, (const char *[]){ "s", "b", "m", "v" }[i], 1, I64(2));
	ob_output(b, "y");
	ob_attr_f(b, ob_node(b, "BatchNormalization", "bn", "x,s,b,m,v", "y"),
		  "epsilon", 1);
	/* (x - mean) scale / sqrt(var + 1) + bias per channel */
	check(b, in, FLOATS(0, 1, 1, 2), 4);
}

/* MaxPool's Indices output, row- and column-major. */
static void test_maxpool_indices(void **state)
{
	const float x[] = { 1, 9, 3, 4, 5, 6, 7, 8, 2 };	/* [1,1,3,3] */
	float y[4], z[4], *outs[2] = { y, z };
	const float *in[] = { x };
	int order;
	(void)state;

	for (order = 0; order < 2; order++) {
		struct cim_graph *g = NULL;
		struct ob *b = ob_new(12);
		Onnx__NodeProto *n;
		uint8_t *buf;
		char err[256];
		size_t len;

		ob_input(b, "x", 4, I64(1, 1, 3, 3));
		ob_output(b, "y");
		ob_output(b, "z");
		n = ob_node(b, "MaxPool", "mp", "x", "y,z");
		ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
		ob_attr_i(b, n, "storage_order", order);
		buf = ob_pack(b, &len);
		assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
		assert_int_equal(cim_graph_run(g, in, outs), 0);
		tu_assert_close(y, FLOATS(9, 9, 8, 8), 4, 0);
		/* (0,1) (0,1) (2,1) (2,1): row-major 1 1 7 7, column-major 3 3 5 5 */
		tu_assert_close(z, order ? FLOATS(3, 3, 5, 5) : FLOATS(1, 1, 7, 7), 4, 0);
		cim_graph_free(g);
		free(buf);
		ob_free(b);
	}
}

/* BatchNormalization in training mode: batch statistics, running ones. */
static void test_batchnorm_training(void **state)
{
	const float x[] = { 1, 3, 5, 7 }, r5 = 1 / sqrtf(5);
	float y[4], m[1], v[1], *outs[3] = { y, m, v };
	const float *in[] = { x };
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(15);
	Onnx__NodeProto *n;
	uint8_t *buf;
	char err[256];
	size_t len;
	(void)state;

	ob_input(b, "x", 4, I64(2, 1, 1, 2));
	ob_init(b, "s", 1, I64(1), FLOATS(1));
	ob_init(b, "b", 1, I64(1), FLOATS(0));
	ob_init(b, "m", 1, I64(1), FLOATS(0));
	ob_init(b, "v", 1, I64(1), FLOATS(1));
	ob_output(b, "y");
	ob_output(b, "rm");
	ob_output(b, "rv");
	n = ob_node(b, "BatchNormalization", "bn", "x,s,b,m,v", "y,rm,rv");
	ob_attr_i(b, n, "training_mode", 1);
	ob_attr_f(b, n, "momentum", 0.5f);
	ob_attr_f(b, n, "epsilon", 0);
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_graph_run(g, in, outs), 0);
	/* batch mean 4, population variance 5 */
	tu_assert_close(y, FLOATS(-3 * r5, -r5, r5, 3 * r5), 4, 1e-6);
	tu_assert_close(m, FLOATS(2), 1, 1e-6);	/* 0 * 0.5 + 4 * 0.5 */
	tu_assert_close(v, FLOATS(3), 1, 1e-6);	/* 1 * 0.5 + 5 * 0.5 */
	cim_graph_free(g);
	free(buf);
	ob_free(b);
}

/* Input k of the model is of ONNX type t. */
static void input_type(struct ob *b, size_t k, int32_t t)
{
	b->g.input[k]->type->tensor_type->elem_type = t;
}

#define U8	ONNX__TENSOR_PROTO__DATA_TYPE__UINT8

static void test_integer_arithmetic(void **state)
{
	static const char *const ops[] = { "Add", "Sub", "Mul", "Div" };
	static const float want[4][3] = {
		{ 4, 7, 32 },		/* 250 + 10 wraps */
		{ 240, 255, 0 },	/* 3 - 4 wraps */
		{ 196, 12, 0 },		/* 16 * 16 = 256 wraps */
		{ 25, 0, 1 },		/* 3 / 4 truncates */
	};
	const float x[] = { 250, 3, 16 }, y[] = { 10, 4, 16 };
	const float *in[] = { x, y };
	int i;
	(void)state;

	for (i = 0; i < 4; i++) {
		struct ob *b = ob_new(13);

		ob_input(b, "x", 1, I64(3));
		ob_input(b, "y", 1, I64(3));
		input_type(b, 0, U8);
		input_type(b, 1, U8);
		ob_output(b, "z");
		ob_node(b, ops[i], "op", "x,y", "z");
		check(b, in, want[i], 3);
	}
}

static void test_cast_to_int8(void **state)
{
	struct ob *b = ob_new(13);
	const float x[] = { -1.7f, 200, -129, 3.9f };
	const float *in[] = { x };
	(void)state;

	ob_input(b, "x", 1, I64(4));
	ob_output(b, "y");
	ob_attr_i(b, ob_node(b, "Cast", "c", "x", "y"), "to",
		  ONNX__TENSOR_PROTO__DATA_TYPE__INT8);
	check(b, in, FLOATS(-1, -56, 127, 3), 4);
}

static void test_gather_runtime(void **state)
{
	struct ob *b = ob_new(13);
	const float x[] = { 1, 2, 3, 4, 5, 6 }, i0[] = { 2, -3 }, i1[] = { 1, 1, 0, 1 };
	const float *in0[] = { x, i0 }, *in1[] = { x, i1 };
	(void)state;

	ob_input(b, "x", 2, I64(3, 2));
	ob_input(b, "i", 1, I64(2));
	input_type(b, 1, ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
	ob_output(b, "y");
	ob_node(b, "Gather", "g", "x,i", "y");
	check(b, in0, FLOATS(5, 6, 1, 2), 4);

	/* axis 1, 2-D indices: y[r][a][b] = x[r][i[a][b]] */
	b = ob_new(13);
	ob_input(b, "x", 2, I64(3, 2));
	ob_input(b, "i", 2, I64(2, 2));
	input_type(b, 1, ONNX__TENSOR_PROTO__DATA_TYPE__INT32);
	ob_output(b, "y");
	ob_attr_i(b, ob_node(b, "Gather", "g", "x,i", "y"), "axis", 1);
	check(b, in1, FLOATS(2, 2, 1, 2, 4, 4, 3, 4, 6, 6, 5, 6), 12);
}

#define I64T	ONNX__TENSOR_PROTO__DATA_TYPE__INT64

/*
 * Import; run with the operand `good` (input k) and compare; run with
 * `bad`, whose shape disagrees with the declaration: all NaN.
 */
static void check_guarded(struct ob *b, const float **in, size_t k,
			  const float *good, const float *bad,
			  const float *want, size_t n)
{
	struct cim_graph *g = NULL;
	float *out = calloc(n, sizeof(float));
	char err[256];
	size_t len, i;
	uint8_t *buf = ob_pack(b, &len);

	if (cim_onnx_import(buf, len, 1, &g, err, sizeof(err)))
		fail_msg("import failed: %s", err);
	assert_int_equal(g->tensors[g->outputs[0]].size, n);
	in[k] = good;
	assert_int_equal(cim_graph_run(g, in, &out), 0);
	tu_assert_close(out, want, n, 0);
	in[k] = bad;
	assert_int_equal(cim_graph_run(g, in, &out), 0);
	for (i = 0; i < n; i++)
		assert_true(isnan(out[i]));
	cim_graph_free(g);
	free(out);
	free(buf);
	ob_free(b);
}

/*
 * Shape operands fed at run time: the declared output shapes are used,
 * and a guard checks the value fed against them.
 */
static void test_declared_shapes(void **state)
{
	const float x[] = { 1, 2, 3, 4, 5, 6 };
	const float *in[2] = { x, NULL };
	float o1[2], o2[4], *outs[2] = { o1, o2 };
	struct cim_graph *g = NULL;
	struct ob *b;
	uint8_t *buf;
	char err[256];
	size_t len;
	(void)state;

	b = ob_new(14);		/* Reshape: same order, the declared shape */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "s", 1, I64(2));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y", 2, I64(3, 2));
	ob_node(b, "Reshape", "r", "x,s", "y");
	check_guarded(b, in, 1, FLOATS(-1, 2), FLOATS(0, -1), x, 6);

	b = ob_new(13);		/* Unsqueeze */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "a", 1, I64(1));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y", 3, I64(2, 1, 3));
	ob_node(b, "Unsqueeze", "u", "x,a", "y");
	check_guarded(b, in, 1, FLOATS(-2), FLOATS(0), x, 6);

	b = ob_new(13);		/* Squeeze */
	ob_input(b, "x", 3, I64(2, 1, 3));
	ob_input(b, "a", 1, I64(1));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y", 2, I64(2, 3));
	ob_node(b, "Squeeze", "q", "x,a", "y");
	check_guarded(b, in, 1, FLOATS(1), FLOATS(0), x, 6);

	b = ob_new(13);		/* Expand [3,1] to [2,3,2] */
	ob_input(b, "x", 2, I64(3, 1));
	ob_input(b, "s", 1, I64(3));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y", 3, I64(2, 3, 2));
	ob_node(b, "Expand", "e", "x,s", "y");
	/* a value beyond any size is a disagreement too */
	check_guarded(b, in, 1, FLOATS(2, 1, 2), FLOATS(2, 1, 3e30f),
		      FLOATS(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3), 12);

	b = ob_new(13);		/* ConstantOfShape, its value attribute */
	ob_input(b, "s", 1, I64(2));
	input_type(b, 0, I64T);
	ob_output_shaped(b, "y", 2, I64(2, 2));
	ob_attr_t(b, ob_node(b, "ConstantOfShape", "k", "s", "y"), "value",
		  ob_tensor(b, "v", 1, I64(1), FLOATS(7)));
	check_guarded(b, in, 0, FLOATS(2, 2), FLOATS(4, 1), FLOATS(7, 7, 7, 7), 4);

	b = ob_new(13);		/* Split [6] into the declared [2] and [4] */
	ob_input(b, "x", 1, I64(6));
	ob_input(b, "p", 1, I64(2));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y1", 1, I64(2));
	ob_output_shaped(b, "y2", 1, I64(4));
	ob_node(b, "Split", "sp", "x,p", "y1,y2");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	in[0] = x;
	in[1] = FLOATS(2, 4);
	assert_int_equal(cim_graph_run(g, in, outs), 0);
	tu_assert_close(o1, FLOATS(1, 2), 2, 0);
	tu_assert_close(o2, FLOATS(3, 4, 5, 6), 4, 0);
	in[1] = FLOATS(3, 3);
	assert_int_equal(cim_graph_run(g, in, outs), 0);
	assert_true(isnan(o1[0]) && isnan(o2[3]));
	cim_graph_free(g);
	free(buf);
	ob_free(b);

	b = ob_new(14);		/* no declared shape: refused */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "s", 1, I64(2));
	input_type(b, 1, I64T);
	ob_output(b, "y");
	ob_node(b, "Reshape", "r", "x,s", "y");
	buf = ob_pack(b, &len);
	g = NULL;
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), -EINVAL);
	assert_null(g);
	assert_string_equal(err, "node \"r\" (Reshape): input \"s\" is computed at run time and the model declares no fixed output shape");
	free(buf);
	ob_free(b);

	b = ob_new(14);		/* a declaration of another size: refused */
	ob_input(b, "x", 2, I64(2, 3));
	ob_input(b, "s", 1, I64(2));
	input_type(b, 1, I64T);
	ob_output_shaped(b, "y", 2, I64(4, 2));
	ob_node(b, "Reshape", "r", "x,s", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "the declared output shape has 8 elements, the input 6"));
	free(buf);
	ob_free(b);
}

/* Pad by run-time pads: constant (run-time value), edge, reflect. */
static void test_pad_runtime(void **state)
{
	static const char *const modes[] = { "constant", "edge", "reflect" };
	static const float want[3][6] = {
		{ 9, 1, 2, 3, 9, 9 }, { 1, 1, 2, 3, 3, 3 }, { 2, 1, 2, 3, 2, 1 },
	};
	const float x[] = { 1, 2, 3 }, value[] = { 9 };
	const float *in[3] = { x, NULL, value };
	int m;
	(void)state;

	for (m = 0; m < 3; m++) {
		struct ob *b = ob_new(13);

		ob_input(b, "x", 1, I64(3));
		ob_input(b, "p", 1, I64(2));
		input_type(b, 1, I64T);
		if (!m)
			ob_input(b, "v", 0, NULL);
		ob_output_shaped(b, "y", 1, I64(6));
		ob_attr_s(b, ob_node(b, "Pad", "pad", m ? "x,p" : "x,p,v", "y"),
			  "mode", modes[m]);
		/* one before, two after; 2 and 2 disagree with [6] */
		check_guarded(b, in, 1, FLOATS(1, 2), FLOATS(2, 2), want[m], 6);
	}
}

/* Slice and Range by run-time values into the declared shape. */
static void test_runtime_select(void **state)
{
	const float x[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	/* rows 2, 0 (step -2) of x[3,4], columns 1..3 (axis -1) */
	const float st[] = { 2, 1 }, en[] = { -5, 3 }, ax[] = { 0, -1 }, sp[] = { -2, 1 };
	const float st_bad[] = { 1, 1 };
	const float *in[] = { x, st, en, ax, sp }, *in_bad[] = { x, st_bad, en, ax, sp };
	const float r3[] = { 5 }, rl[] = { -1 }, rd[] = { -3 };
	const float *rin[] = { r3, rl, rd };
	float y[4];
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(13);
	uint8_t *buf;
	char err[256];
	size_t len;
	int i;
	(void)state;

	ob_input(b, "x", 2, I64(3, 4));
	for (i = 0; i < 4; i++) {
		ob_input(b, (const char *[]){ "s", "e", "a", "p" }[i], 1, I64(2));
		input_type(b, (size_t)i + 1, I64T);
	}
	ob_output_shaped(b, "y", 2, I64(2, 2));
	ob_node(b, "Slice", "sl", "x,s,e,a,p", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_graph_run(g, in, (float *[]){ y }), 0);
	tu_assert_close(y, FLOATS(9, 10, 1, 2), 4, 0);
	/* starts that give 1 row, not the declared 2: NaN, never a wrong row */
	assert_int_equal(cim_graph_run(g, in_bad, (float *[]){ y }), 0);
	for (i = 0; i < 4; i++)
		assert_true(isnan(y[i]));
	cim_graph_free(g);
	free(buf);
	ob_free(b);

	b = ob_new(13);		/* Range from 5 to -1 by -3 (int32) */
	for (i = 0; i < 3; i++) {
		ob_input(b, (const char *[]){ "s", "l", "d" }[i], 0, NULL);
		input_type(b, (size_t)i, ONNX__TENSOR_PROTO__DATA_TYPE__INT32);
	}
	ob_output_shaped(b, "y", 1, I64(2));
	ob_node(b, "Range", "r", "s,l,d", "y");
	check(b, rin, FLOATS(5, 2), 2);
}

/* One graph input: B = x reshaped to a column, computed at run time. */
static void test_card_refuses(void **state)
{
	struct cim_dataset d = { .n = 1, .len = 2, .rank = 2, .dims = { 1, 2 },
				 .data = (float[]){ 1, 2 } };
	struct cim_quantized *q = NULL;
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(13);
	uint8_t *buf;
	char err[256];
	size_t len;
	(void)state;

	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_init_i64(b, "shape", 1, I64(2), I64(2, 1));
	ob_node(b, "Reshape", "r", "x,shape", "xr");
	ob_node(b, "MatMul", "mm", "x,xr", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, &d, NULL, &q, err, sizeof(err)), -EINVAL);
	assert_null(q);
	assert_non_null(strstr(err, "(MatMul): a product of two run-time tensors is not supported on the card"));
	cim_graph_free(g);
	free(buf);
	ob_free(b);

	/* uint8 arithmetic wraps: not on the card */
	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 2));
	input_type(b, 0, U8);
	ob_output(b, "y");
	ob_node(b, "Add", "add", "x,x", "y");
	buf = ob_pack(b, &len);
	g = NULL;
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, &d, NULL, &q, err, sizeof(err)), -EINVAL);
	assert_null(q);
	assert_non_null(strstr(err, "integer arithmetic is not supported on the card"));
	cim_graph_free(g);
	free(buf);
	ob_free(b);

	/* a Clip bound computed at run time (-x of one value): MAX */
	d.len = 1;
	d.dims[1] = 1;
	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 1));
	ob_output(b, "y");
	ob_node(b, "Neg", "neg", "x", "nx");
	ob_node(b, "Clip", "clip", "x,nx", "y");
	buf = ob_pack(b, &len);
	g = NULL;
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, &d, NULL, &q, err, sizeof(err)), -EINVAL);
	assert_null(q);
	assert_non_null(strstr(err, "(Max): a maximum or minimum of two run-time tensors is not supported on the card"));
	cim_graph_free(g);
	free(buf);
	ob_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul_batched),
		cmocka_unit_test(test_gemm_runtime),
		cmocka_unit_test(test_clip_runtime),
		cmocka_unit_test(test_conv_runtime_weights),
		cmocka_unit_test(test_prelu_runtime_slope),
		cmocka_unit_test(test_batchnorm_runtime),
		cmocka_unit_test(test_batchnorm_training),
		cmocka_unit_test(test_maxpool_indices),
		cmocka_unit_test(test_pad_runtime),
		cmocka_unit_test(test_integer_arithmetic),
		cmocka_unit_test(test_cast_to_int8),
		cmocka_unit_test(test_gather_runtime),
		cmocka_unit_test(test_declared_shapes),
		cmocka_unit_test(test_runtime_select),
		cmocka_unit_test(test_card_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
