// SPDX-License-Identifier: MIT
/*
 * What real exports need from the importer: constant folding of shape
 * arithmetic, opset-dependent operands (attributes before, inputs
 * after), ceil_mode and auto_pad windows, Pad folded into Conv, the
 * gated activations (SiLU, hard-swish) fused into one function,
 * broadcasting Mul, constants as a per-channel affine, Split/Slice, and
 * the refusals and malformed models that must fail with a message.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "onnx_build.h"
#include "tutil.h"
#include "cim_quantize.h"
#include "ref_private.h"

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

static void fails_with(struct ob *b, const char *msg)
{
	struct cim_graph *g = NULL;
	char err[256];
	size_t len;
	uint8_t *buf = ob_pack(b, &len);

	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), -EINVAL);
	assert_null(g);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not say '%s'", err, msg);
	free(buf);
	ob_free(b);
}

static const struct cim_tensor *out_t(const struct cim_graph *g)
{
	return &g->tensors[g->outputs[0]];
}

/* x.view(x.size(0), -1) as PyTorch exports it, symbolic batch. */
static void test_shape_arithmetic_folds(void **state)
{
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	struct cim_graph *g;
	float in[16], out[16];
	int i;
	(void)state;

	ob_input(b, "x", 4, I64(-1, 4, 2, 2));
	ob_output(b, "y");
	ob_init_i64(b, "zero", 0, NULL, I64(0));
	ob_init_i64(b, "ax", 1, I64(1), I64(0));
	ob_node(b, "Shape", "shape", "x", "s");
	ob_node(b, "Gather", "gather", "s,zero", "n");
	ob_node(b, "Unsqueeze", "unsq", "n,ax", "n1");
	n = ob_node(b, "Constant", "minus1", "", "m1");
	ob_attr_ints(b, n, "value_ints", 1, I64(-1));
	ob_attr_i(b, ob_node(b, "Concat", "cat", "n1,m1", "shape2"), "axis", 0);
	ob_node(b, "Reshape", "view", "x,shape2", "y");
	g = import(b, 1);
	assert_int_equal(out_t(g)->rank, 2);
	assert_int_equal(out_t(g)->dims[0], 1);
	assert_int_equal(out_t(g)->dims[1], 16);
	assert_int_equal(g->n_nodes, 1);	/* only the Reshape is left */
	for (i = 0; i < 16; i++)
		in[i] = (float)i;
	tu_run1(g, in, out);
	tu_assert_close(out, in, 16, 0);
	cim_graph_free(g);
}

/* Squeeze/Unsqueeze axes: an attribute before opset 13, an input after. */
static void test_axes_by_opset(void **state)
{
	struct ob *b = ob_new(11);
	struct cim_graph *g;
	(void)state;

	ob_input(b, "x", 4, I64(1, 3, 1, 1));
	ob_output(b, "y");
	ob_attr_ints(b, ob_node(b, "Squeeze", "sq", "x", "y"), "axes", 2, I64(2, 3));
	g = import(b, 0);
	assert_int_equal(out_t(g)->rank, 2);
	assert_int_equal(out_t(g)->dims[1], 3);
	cim_graph_free(g);

	b = ob_new(13);
	ob_input(b, "x", 2, I64(1, 3));
	ob_output(b, "y");
	ob_init_i64(b, "axes", 1, I64(2), I64(2, -1));
	ob_node(b, "Unsqueeze", "unsq", "x,axes", "y");
	g = import(b, 0);
	assert_int_equal(out_t(g)->rank, 4);
	assert_int_equal(out_t(g)->dims[1], 3);
	assert_int_equal(out_t(g)->dims[3], 1);
	cim_graph_free(g);
}

/* ceil_mode rounds the output up; the extra window sees the edge only. */
static void test_ceil_mode(void **state)
{
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	struct cim_graph *g;
	float in[36], out[9];
	int i;
	(void)state;

	ob_input(b, "x", 4, I64(1, 1, 6, 6));
	ob_output(b, "y");
	n = ob_node(b, "MaxPool", "mp", "x", "y");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(3, 3));
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	ob_attr_i(b, n, "ceil_mode", 1);
	g = import(b, 1);
	assert_int_equal(out_t(g)->dims[2], 3);	/* floor would give 2 */
	assert_int_equal(out_t(g)->dims[3], 3);
	for (i = 0; i < 36; i++)
		in[i] = (float)(i % 7) - 3;
	tu_run1(g, in, out);
	/* window (2, 2) covers rows 4..5, columns 4..5 */
	assert_true(out[8] == fmaxf(fmaxf(in[28], in[29]), fmaxf(in[34], in[35])));
	cim_graph_free(g);
}

/* auto_pad SAME_UPPER: output ceil(in / stride), the odd pad at the end. */
static void test_auto_pad(void **state)
{
	struct ob *b = ob_new(13);
	float w[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	Onnx__NodeProto *n;
	struct cim_graph *g;
	(void)state;

	ob_input(b, "x", 4, I64(1, 1, 6, 5));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(1, 1, 3, 3), w);
	n = ob_node(b, "Conv", "conv", "x,w", "y");
	ob_attr_s(b, n, "auto_pad", "SAME_UPPER");
	ob_attr_ints(b, n, "strides", 2, I64(2, 2));
	g = import(b, 1);
	assert_int_equal(out_t(g)->dims[2], 3);
	assert_int_equal(out_t(g)->dims[3], 3);
	assert_int_equal(g->nodes[0].attr.conv.pad[0], 0);	/* 6: total 1 */
	assert_int_equal(g->nodes[0].attr.conv.pad[2], 1);
	assert_int_equal(g->nodes[0].attr.conv.pad[1], 1);	/* 5: total 2 */
	assert_int_equal(g->nodes[0].attr.conv.pad[3], 1);
	cim_graph_free(g);
}

/* A zero Pad (pads as an input, opset 11) becomes the Conv's padding. */
static void test_pad_folds_into_conv(void **state)
{
	struct ob *b = ob_new(11);
	float w[4] = { 1, 2, 3, 4 }, in[9], want[16], out[16];
	struct cim_graph *g;
	int i;
	(void)state;

	ob_input(b, "x", 4, I64(1, 1, 3, 3));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(1, 1, 2, 2), w);
	ob_init_i64(b, "pads", 1, I64(8), I64(0, 0, 1, 1, 0, 0, 1, 1));
	ob_node(b, "Pad", "pad", "x,pads", "xp");
	ob_node(b, "Conv", "conv", "xp,w", "y");
	for (i = 0; i < 9; i++)
		in[i] = (float)i + 1;
	g = import(b, 0);		/* Pad and Conv, as exported */
	assert_int_equal(g->n_nodes, 2);
	tu_run1(g, in, want);
	cim_graph_free(g);
	b = ob_new(11);
	ob_input(b, "x", 4, I64(1, 1, 3, 3));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(1, 1, 2, 2), w);
	ob_init_i64(b, "pads", 1, I64(8), I64(0, 0, 1, 1, 0, 0, 1, 1));
	ob_node(b, "Pad", "pad", "x,pads", "xp");
	ob_node(b, "Conv", "conv", "xp,w", "y");
	g = import(b, 1);		/* one Conv with pads */
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].op, CIM_NODE_CONV);
	assert_int_equal(g->nodes[0].attr.conv.pad[0], 1);
	tu_run1(g, in, out);
	tu_assert_close(out, want, 16, 1e-6);
	assert_true(want[0] == 4 * in[0]);	/* the top-left window: padding */
	cim_graph_free(g);
}

/* x * sigmoid(x) is one SiLU; x * hardsigmoid(x) one hard-swish. */
static void test_gated_activations(void **state)
{
	float in[4] = { -3, -0.5f, 0.25f, 4 }, out[4], want[4];
	struct cim_graph *g;
	struct ob *b;
	int i;
	(void)state;

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 4, 1, 1));
	ob_output(b, "y");
	ob_node(b, "Sigmoid", "sig", "x", "s");
	ob_node(b, "Mul", "mul", "x,s", "y");
	g = import(b, 1);
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].op, CIM_NODE_UNARY);
	assert_int_equal(g->nodes[0].attr.unary.fn, CIM_UNARY_SILU);
	tu_run1(g, in, out);
	for (i = 0; i < 4; i++)
		want[i] = in[i] / (1 + expf(-in[i]));
	tu_assert_close(out, want, 4, 1e-6);
	cim_graph_free(g);

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 4, 1, 1));
	ob_output(b, "y");
	ob_attr_f(b, ob_node(b, "HardSigmoid", "hs", "x", "s"), "alpha", 1.0f / 6);
	ob_node(b, "Mul", "mul", "s,x", "y");
	g = import(b, 1);
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].attr.unary.fn, CIM_UNARY_HARDSWISH);
	tu_run1(g, in, out);
	for (i = 0; i < 4; i++)
		want[i] = in[i] * fminf(fmaxf(in[i] / 6 + 0.5f, 0), 1);
	tu_assert_close(out, want, 4, 1e-6);
	cim_graph_free(g);
}

/* Squeeze-excite: [1,C,H,W] * [1,C,1,1]; a constant scale is a 1x1 conv. */
static void test_broadcast_and_affine(void **state)
{
	float in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];
	struct cim_graph *g;
	struct ob *b;
	(void)state;

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_output(b, "y");
	ob_node(b, "GlobalAveragePool", "gap", "x", "p");
	ob_node(b, "Mul", "se", "p,x", "y");	/* the small one first */
	g = import(b, 1);
	tu_run1(g, in, out);
	tu_assert_close(out, FLOATS(2.5f, 5, 7.5f, 10, 32.5f, 39, 45.5f, 52), 8, 1e-6);
	cim_graph_free(g);

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_output(b, "y");
	ob_init(b, "k", 3, I64(2, 1, 1), FLOATS(2, -1));
	ob_init(b, "c", 0, NULL, FLOATS(10));
	ob_node(b, "Sub", "sub", "c,x", "t");	/* 10 - x */
	ob_node(b, "Mul", "mul", "t,k", "y");
	g = import(b, 1);
	assert_int_equal(g->nodes[0].op, CIM_NODE_CONV);
	tu_run1(g, in, out);
	tu_assert_close(out, FLOATS(18, 16, 14, 12, -5, -4, -3, -2), 8, 1e-6);
	cim_graph_free(g);
}

/* Split (sizes as an input, opset 13) and Slice along channels. */
static void test_split_slice(void **state)
{
	float in[6] = { 1, 2, 3, 4, 5, 6 }, out[2];
	struct cim_graph *g;
	struct ob *b;
	(void)state;

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 6, 1, 1));
	ob_output(b, "y");
	ob_init_i64(b, "sizes", 1, I64(2), I64(4, 2));
	ob_attr_i(b, ob_node(b, "Split", "split", "x,sizes", "a,c"), "axis", 1);
	ob_init_i64(b, "st", 1, I64(1), I64(1));
	ob_init_i64(b, "en", 1, I64(1), I64(1000));
	ob_init_i64(b, "ax", 1, I64(1), I64(1));
	ob_init_i64(b, "sp", 1, I64(1), I64(2));
	ob_node(b, "Slice", "slice", "a,st,en,ax,sp", "y");	/* a[1::2] */
	g = import(b, 1);
	assert_int_equal(out_t(g)->dims[1], 2);
	tu_run1(g, in, out);
	tu_assert_close(out, FLOATS(2, 4), 2, 0);
	cim_graph_free(g);
}

/* Constant outputs: a graph without inputs, Dropout's inference mask. */
static void test_constant_outputs(void **state)
{
	const float x[] = { 1, -2, 3, 4 };
	float y[4], z[4], *outs[2] = { y, z };
	const float *in[] = { x };
	struct cim_graph *g;
	struct ob *b;
	(void)state;

	b = ob_new(13);		/* ONNX's test_constant: no graph input */
	ob_output(b, "values");
	ob_attr_t(b, ob_node(b, "Constant", "k", "", "values"), "value",
		  ob_tensor(b, "v", 1, I64(3), FLOATS(5, -6, 7)));
	g = import(b, 1);
	assert_int_equal(g->n_inputs, 0);
	assert_int_equal(cim_graph_run(g, NULL, outs), 0);
	tu_assert_close(y, FLOATS(5, -6, 7), 3, 0);
	cim_graph_free(g);

	b = ob_new(13);		/* the mask keeps every element */
	ob_input(b, "x", 2, I64(2, 2));
	ob_output(b, "y");
	ob_output(b, "z");
	ob_node(b, "Dropout", "d", "x", "y,z");
	g = import(b, 1);
	assert_int_equal(g->n_outputs, 2);
	assert_int_equal(cim_graph_run(g, in, outs), 0);
	tu_assert_close(y, x, 4, 0);
	tu_assert_close(z, FLOATS(1, 1, 1, 1), 4, 0);
	cim_graph_free(g);
}

/* Refusals name the node and what is unsupported; bad graphs fail. */
static void test_refusals_and_bad_graphs(void **state)
{
	struct ob *b;
	(void)state;

	b = ob_new(13);		/* a run-time slope that does not broadcast to x */
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_input(b, "s", 1, I64(3));
	ob_output(b, "y");
	ob_node(b, "PRelu", "prelu", "x,s", "y");
	fails_with(b, "(Mul): input \"s\" does not broadcast to the shape of");

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_output(b, "y");
	ob_init_i64(b, "pads", 1, I64(8), I64(0, 0, 1, 1, 0, 0, 1, 1));
	ob_attr_s(b, ob_node(b, "Pad", "pad", "x,pads", "y"), "mode", "wrap");
	fails_with(b, "node \"pad\" (Pad): mode=wrap is not supported (constant, reflect, edge are)");

	b = ob_new(13);		/* reflect needs pads smaller than the input */
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_output(b, "y");
	ob_init_i64(b, "pads", 1, I64(8), I64(0, 0, 2, 0, 0, 0, 0, 0));
	ob_attr_s(b, ob_node(b, "Pad", "pad", "x,pads", "y"), "mode", "reflect");
	fails_with(b, "node \"pad\" (Pad): pads larger than the input are not supported in this mode");

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 2, 2, 2));
	ob_output(b, "y");
	ob_attr_ints(b, ob_node(b, "ReduceMean", "rm", "x", "y"), "axes", 1, I64(7));
	fails_with(b, "node \"rm\" (ReduceMean): axis 7 is out of range");

	b = ob_new(13);		/* a cycle: the node reads its own output */
	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_node(b, "Add", "loop", "x,y", "y");
	fails_with(b, "node \"loop\" (Add): input \"y\" is not a tensor defined before the node");

	b = ob_new(13);		/* absurd shape */
	ob_input(b, "x", 4, I64(1, 65536, 65536, 65536));
	ob_output(b, "y");
	ob_node(b, "Relu", "r", "x", "y");
	fails_with(b, "the size exceeds 2^31");

	b = ob_new(13);		/* a folded Gather out of range */
	ob_input(b, "x", 2, I64(1, 2));
	ob_output(b, "y");
	ob_init_i64(b, "i", 0, NULL, I64(7));
	ob_node(b, "Shape", "shape", "x", "s");
	ob_node(b, "Gather", "gather", "s,i", "g");
	ob_node(b, "Reshape", "r", "x,g", "y");
	fails_with(b, "node \"gather\" (Gather): cannot evaluate on its constant inputs");
}

/* A LUT is exact: each of the 256 inputs maps to quantize(f(dequantize)). */
static void test_lut_exact(void **state)
{
	struct cim_dataset d = { .n = 1, .len = 256 };
	struct cim_quant_options o = { .wbits = 8 };
	const struct cim_qmodel *m;
	struct cim_quantized *q;
	struct cim_graph *g;
	int8_t in[256], out[256];
	float x[256];
	char err[256];
	struct ob *b;
	int i;
	(void)state;

	b = ob_new(13);
	ob_input(b, "x", 4, I64(1, 256, 1, 1));
	ob_output(b, "y");
	ob_node(b, "Tanh", "tanh", "x", "y");
	g = import(b, 1);
	for (i = 0; i < 256; i++)
		x[i] = (float)(i - 128) / 32;
	d.data = x;
	assert_int_equal(cim_quantize(g, &d, &o, &q, err, sizeof(err)), 0);
	m = cim_quantized_model(q);
	assert_int_equal(m->n_ops, 1);
	assert_int_equal(m->ops[0].op.type, CIM_OP_LUT);
	for (i = 0; i < 256; i++)
		in[i] = (int8_t)(i - 128);
	assert_int_equal(cim_qmodel_run(m, in, out, NULL), 0);
	for (i = 0; i < 256; i++) {
		const struct cim_qparams *pi = &m->tensors[0].q, *po = &m->tensors[1].q;
		double v = tanh(pi->scale * (in[i] - pi->zero_point));
		double qv = round(v / po->scale) + po->zero_point;

		qv = qv < -128 ? -128 : qv > 127 ? 127 : qv;
		assert_int_equal(out[i], (int8_t)qv);
	}
	cim_quantized_free(q);
	cim_graph_free(g);
}

/* A .npy file: header dict padded to 128 bytes, then the data. */
static size_t npy(uint8_t *buf, const char *descr, const char *shape,
		  const void *data, size_t bytes)
{
	char h[128];
	int n = snprintf(h, sizeof(h), "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
			 descr, shape);

	memset(h + n, ' ', sizeof(h) - 10 - (size_t)n);
	h[sizeof(h) - 11] = '\n';
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = sizeof(h) - 10;
	buf[9] = 0;
	memcpy(buf + 10, h, sizeof(h) - 10);
	memcpy(buf + 128, data, bytes);
	return 128 + bytes;
}

/* .npy samples (and labels after a comma) load as a CIMD file would. */
static void test_npy_samples(void **state)
{
	const float x[2 * 3] = { 1, 2, 3, 4, 5, 6 };
	const int64_t y[2] = { 7, 9 };
	struct cim_dataset *d = NULL;
	char err[256], px[] = "/tmp/cim_npy_x_XXXXXX", py[] = "/tmp/cim_npy_y_XXXXXX";
	char both[64];
	uint8_t buf[256];
	size_t len;
	FILE *f;
	(void)state;

	len = npy(buf, "<f4", "(2, 3, 1)", x, sizeof(x));
	assert_int_equal(cim_dataset_parse(buf, len, &d, err, sizeof(err)), 0);
	assert_int_equal(d->n, 2);
	assert_int_equal(d->len, 3);
	assert_int_equal(d->rank, 2);
	assert_memory_equal(d->data, x, sizeof(x));
	assert_null(d->labels);
	cim_dataset_free(d);

	assert_true(mkstemp(px) >= 0 && mkstemp(py) >= 0);
	f = fopen(px, "wb");
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	len = npy(buf, "<i8", "(2,)", y, sizeof(y));
	f = fopen(py, "wb");
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	snprintf(both, sizeof(both), "%s,%s", px, py);
	assert_int_equal(cim_dataset_load(both, &d, err, sizeof(err)), 0);
	assert_non_null(d->labels);
	assert_int_equal(d->labels[0], 7);
	assert_int_equal(d->labels[1], 9);
	cim_dataset_free(d);
	snprintf(both, sizeof(both), "%s,%s", px, px);	/* float labels */
	assert_int_equal(cim_dataset_load(both, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "labels must be int64 or int32"));
	unlink(px);
	unlink(py);

	len = npy(buf, "<f8", "(1, 3)", x, sizeof(x));	/* 24 bytes: 3 doubles */
	assert_int_equal(cim_dataset_parse(buf, len, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "float32"));
	len = npy(buf, "<f4", "(2, 4)", x, sizeof(x));	/* short data */
	assert_int_equal(cim_dataset_parse(buf, len, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "does not match the shape"));
	assert_int_equal(cim_dataset_parse(buf, 20, &d, err, sizeof(err)), -EINVAL);
}

/* cim_dataset_parse() of the whole file at path, or NULL. */
static struct cim_dataset *parse_file(const char *path, size_t cut, char *err,
				      size_t errlen)
{
	struct cim_dataset *d = NULL;
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 20);
	size_t len;

	assert_non_null(f);
	assert_non_null(buf);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	if (cut < len)
		len = cut;
	if (cim_dataset_parse(buf, len, &d, err, errlen))
		d = NULL;
	free(buf);
	return d;
}

/*
 * cim_dataset_load() reads a CIMD file straight into the dataset (not
 * through a copy of the file): the dataset cim_dataset_parse() makes of
 * the whole file; a truncated or damaged file gets parse's message.
 */
static void test_cimd_file(void **state)
{
	static const char *const files[] = { MODELS_DIR "/digits_calib.bin",
					     MODELS_DIR "/digits_test.bin" };
	char err[256], err2[256], tmp[] = "/tmp/cim_cimd_XXXXXX";
	struct cim_dataset *a, *b;
	size_t i, cut;
	uint8_t *buf = malloc(1 << 20);
	(void)state;

	assert_non_null(buf);
	assert_true(mkstemp(tmp) >= 0);
	for (i = 0; i < 2; i++) {
		a = parse_file(files[i], SIZE_MAX, err, sizeof(err));
		assert_non_null(a);
		assert_int_equal(cim_dataset_load(files[i], &b, err, sizeof(err)), 0);
		assert_int_equal(a->n, b->n);
		assert_int_equal(a->len, b->len);
		assert_int_equal(a->rank, b->rank);
		assert_memory_equal(a->dims, b->dims, sizeof(a->dims));
		assert_memory_equal(a->data, b->data, (size_t)a->n * a->len * sizeof(float));
		assert_int_equal(!a->labels, !b->labels);
		if (a->labels)
			assert_memory_equal(a->labels, b->labels, a->n * sizeof(int32_t));
		cim_dataset_free(a);
		cim_dataset_free(b);
	}
	assert_non_null(cim_dataset_load(files[1], &b, err, sizeof(err)) ? NULL : b);
	assert_non_null(b->labels);	/* digits_test.bin has labels */
	cim_dataset_free(b);
	/* truncated files, and a damaged version field */
	for (cut = 0; cut < 140464; cut += 1 + cut / 4) {
		FILE *f = fopen(files[1], "rb"), *o;
		size_t len;

		assert_non_null(f);
		len = fread(buf, 1, 1 << 20, f);
		fclose(f);
		if (cut < len)
			len = cut;
		if (cut == 0)
			buf[4] = 2;	/* version 2, whole file */
		o = fopen(tmp, "wb");
		assert_non_null(o);
		assert_int_equal(fwrite(buf, 1, cut ? len : 140464, o), cut ? len : 140464);
		fclose(o);
		a = parse_file(tmp, SIZE_MAX, err2, sizeof(err2));
		assert_null(a);
		assert_int_equal(cim_dataset_load(tmp, &b, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, err2);
	}
	unlink(tmp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_arithmetic_folds),
		cmocka_unit_test(test_axes_by_opset),
		cmocka_unit_test(test_ceil_mode),
		cmocka_unit_test(test_auto_pad),
		cmocka_unit_test(test_pad_folds_into_conv),
		cmocka_unit_test(test_gated_activations),
		cmocka_unit_test(test_broadcast_and_affine),
		cmocka_unit_test(test_split_slice),
		cmocka_unit_test(test_constant_outputs),
		cmocka_unit_test(test_refusals_and_bad_graphs),
		cmocka_unit_test(test_lut_exact),
		cmocka_unit_test(test_npy_samples),
		cmocka_unit_test(test_cimd_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
