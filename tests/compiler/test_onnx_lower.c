// SPDX-License-Identifier: MIT
/*
 * ONNX forms lowered onto the graph's 2-D operators at import (opset-6
 * exports, 1-D and 3-D windows, a fixed batch through convolutions,
 * reductions over any axes, PRelu per channel, Sub/Div of run-time
 * tensors, reflect/edge padding, dilated max pools, every Gemm form,
 * batched MatMul, Cast to float16, constant outputs): each model is
 * imported and run by the float executor and compared with a direct
 * computation written here.
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

#include <cmocka.h>

#include "cim_quantize.h"
#include "onnx_build.h"
#include "ref_private.h"
#include "tutil.h"

#define I64(...)	(const int64_t[]){ __VA_ARGS__ }

/* Deterministic values in [-1, 1). */
static void fill(float *v, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1664525u + 1013904223u;
		v[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
	}
}

/* Import (optimized) and run with inputs in[], outputs into out[]. */
static void run(struct ob *b, const float *const *in, float *const *out)
{
	struct cim_graph *g = NULL;
	char err[256];
	size_t len;
	uint8_t *buf = ob_pack(b, &len);
	int ret = cim_onnx_import(buf, len, 1, &g, err, sizeof(err));

	free(buf);
	ob_free(b);
	if (ret)
		fail_msg("import failed (%d): %s", ret, err);
	assert_int_equal(cim_graph_run(g, in, out), 0);
	cim_graph_free(g);
}

static void near(const float *got, const float *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i])))
			fail_msg("element %zu: %g, want %g", i, got[i], want[i]);
}

/* Opset 4: Reshape's shape attribute, Add with broadcast=1 and axis. */
static void test_opset4_legacy(void **state)
{
	float x[24], k[3], y[24], want[24];
	const float *in[] = { x };
	float *out[] = { y };
	struct ob *b = ob_new(4);
	Onnx__NodeProto *n;
	int i;
	(void)state;

	fill(x, 24, 1);
	fill(k, 3, 2);
	ob_input(b, "x", 2, I64(6, 4));
	ob_output(b, "y");
	ob_init(b, "k", 1, I64(3), k);
	ob_attr_ints(b, ob_node(b, "Reshape", "r", "x", "x3"), "shape", 3, I64(2, 3, 4));
	n = ob_node(b, "Add", "a", "x3,k", "y");
	ob_attr_i(b, n, "broadcast", 1);
	ob_attr_i(b, n, "axis", 1);
	run(b, in, out);
	for (i = 0; i < 24; i++)
		want[i] = x[i] + k[(i / 4) % 3];
	near(y, want, 24);
}

/* Conv over [N, C, L] with a fixed batch of 2: per sample, as 2-D. */
static void test_conv1d_fixed_batch(void **state)
{
	float x[2 * 2 * 7], w[3 * 2 * 3], bias[3], y[2 * 3 * 4], want[2 * 3 * 4];
	const float *in[] = { x };
	float *out[] = { y };
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	int s, o, l, ci, t;
	(void)state;

	fill(x, sizeof(x) / 4, 3);
	fill(w, sizeof(w) / 4, 4);
	fill(bias, 3, 5);
	ob_input(b, "x", 3, I64(2, 2, 7));
	ob_output(b, "y");
	ob_init(b, "w", 3, I64(3, 2, 3), w);
	ob_init(b, "b", 1, I64(3), bias);
	n = ob_node(b, "Conv", "c", "x,w,b", "y");
	ob_attr_ints(b, n, "pads", 2, I64(1, 0));
	ob_attr_ints(b, n, "strides", 1, I64(2));
	run(b, in, out);
	/* L' = (7 + 1 - 3) / 2 + 1 = 3... with pads 1,0: (8 - 3) / 2 + 1 = 3 */
	for (s = 0; s < 2; s++)
		for (o = 0; o < 3; o++)
			for (l = 0; l < 3; l++) {
				float acc = bias[o];

				for (ci = 0; ci < 2; ci++)
					for (t = 0; t < 3; t++) {
						int p = l * 2 + t - 1;

						if (p >= 0 && p < 7)
							acc += w[(o * 2 + ci) * 3 + t] *
							       x[(s * 2 + ci) * 7 + p];
					}
				want[(s * 3 + o) * 3 + l] = acc;
			}
	near(y, want, 2 * 3 * 3);
}

/* ReduceMean over axis 1 of [2, 3, 4] without keepdims; ReduceMax of all. */
static void test_reduce_any_axes(void **state)
{
	float x[24], y[8], m[1], want[8], mx = -INFINITY;
	const float *in[] = { x };
	float *out[] = { y, m };
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	int i, j, k;
	(void)state;

	fill(x, 24, 6);
	ob_input(b, "x", 3, I64(2, 3, 4));
	ob_output(b, "y");
	ob_output(b, "m");
	n = ob_node(b, "ReduceMean", "rm", "x", "y");
	ob_attr_ints(b, n, "axes", 1, I64(1));
	ob_attr_i(b, n, "keepdims", 0);
	ob_node(b, "ReduceMax", "rx", "x", "m");
	run(b, in, out);
	for (i = 0; i < 2; i++)
		for (k = 0; k < 4; k++) {
			float s = 0;

			for (j = 0; j < 3; j++)
				s += x[(i * 3 + j) * 4 + k];
			want[i * 4 + k] = s / 3;
		}
	for (i = 0; i < 24; i++)
		mx = x[i] > mx ? x[i] : mx;
	near(y, want, 8);
	near(m, &mx, 1);
}

/* PRelu per channel; Sub and Div of run-time tensors with broadcasting. */
static void test_prelu_sub_div(void **state)
{
	float x[2 * 3 * 2], z[2], sl[3] = { 0.1f, -0.5f, 2.0f };
	float p[12], d[12], q[12], wp[12], wd[12], wq[12];
	const float *in[] = { x, z };
	float *out[] = { p, d, q };
	struct ob *b = ob_new(13);
	int i;
	(void)state;

	fill(x, 12, 7);
	z[0] = 0.5f;
	z[1] = -2.0f;
	ob_input(b, "x", 3, I64(2, 3, 2));
	ob_input(b, "z", 1, I64(2));
	ob_output(b, "p");
	ob_output(b, "d");
	ob_output(b, "q");
	ob_init(b, "s", 2, I64(3, 1), sl);
	ob_node(b, "PRelu", "pr", "x,s", "p");
	ob_node(b, "Sub", "sub", "z,x", "d");
	ob_node(b, "Div", "div", "x,z", "q");
	run(b, in, out);
	for (i = 0; i < 12; i++) {
		wp[i] = x[i] >= 0 ? x[i] : sl[(i / 2) % 3] * x[i];
		wd[i] = z[i % 2] - x[i];
		wq[i] = x[i] / z[i % 2];
	}
	near(p, wp, 12);
	near(d, wd, 12);
	near(q, wq, 12);
}

/* PRelu per channel of a 4-D tensor: only convolutions, Relu and Add. */
static void test_prelu_4d_card_ops(void **state)
{
	float x[2 * 3 * 2 * 2], y[24], want[24], sl[3] = { 0.25f, -1.5f, 3 };
	const float *in[] = { x };
	float *out[] = { y };
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(13);
	char err[256];
	uint32_t i;
	uint8_t *buf;
	size_t len;
	(void)state;

	fill(x, 24, 19);
	ob_input(b, "x", 4, I64(2, 3, 2, 2));
	ob_output(b, "y");
	ob_init(b, "s", 3, I64(3, 1, 1), sl);
	ob_node(b, "PRelu", "pr", "x,s", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	free(buf);
	ob_free(b);
	for (i = 0; i < g->n_nodes; i++)
		assert_true(g->nodes[i].op != CIM_NODE_MUL);
	assert_int_equal(cim_graph_run(g, in, out), 0);
	for (i = 0; i < 24; i++)
		want[i] = x[i] >= 0 ? x[i] : sl[(i / 4) % 3] * x[i];
	near(y, want, 24);
	cim_graph_free(g);
}

/* Pad reflect on H, edge on W (two nodes); a dilated max pool. */
static void test_pad_modes_dilated_pool(void **state)
{
	float x[16], r[6 * 4], e[4 * 6], mp[4], wr[24], we[24], wm[4];
	const float *in[] = { x };
	float *out[] = { r, e, mp };
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	int h, w, i, j;
	(void)state;

	fill(x, 16, 8);
	ob_input(b, "x", 4, I64(1, 1, 4, 4));
	ob_output(b, "r");
	ob_output(b, "e");
	ob_output(b, "mp");
	ob_init_i64(b, "pr", 1, I64(8), I64(0, 0, 2, 0, 0, 0, 0, 0));
	ob_init_i64(b, "pe", 1, I64(8), I64(0, 0, 0, 1, 0, 0, 0, 1));
	ob_attr_s(b, ob_node(b, "Pad", "reflect", "x,pr", "r"), "mode", "reflect");
	ob_attr_s(b, ob_node(b, "Pad", "edge", "x,pe", "e"), "mode", "edge");
	n = ob_node(b, "MaxPool", "dil", "x", "mp");
	ob_attr_ints(b, n, "kernel_shape", 2, I64(2, 2));
	ob_attr_ints(b, n, "dilations", 2, I64(2, 2));
	run(b, in, out);
	for (h = 0; h < 6; h++)
		for (w = 0; w < 4; w++)
			wr[h * 4 + w] = x[(h < 2 ? 2 - h : h - 2) * 4 + w];
	for (h = 0; h < 4; h++)
		for (w = 0; w < 6; w++)
			we[h * 6 + w] = x[h * 4 + (w < 1 ? 0 : w > 4 ? 3 : w - 1)];
	for (h = 0; h < 2; h++)
		for (w = 0; w < 2; w++) {
			float m = -INFINITY;

			for (i = 0; i < 2; i++)
				for (j = 0; j < 2; j++)
					m = fmaxf(m, x[(h + 2 * i) * 4 + w + 2 * j]);
			wm[h * 2 + w] = m;
		}
	near(r, wr, 24);
	near(e, we, 24);
	near(mp, wm, 4);
}

/* A 3-D convolution with depth padding and an average 3-D pool. */
static void test_conv3d_pool3d(void **state)
{
	enum { C = 2, D = 3, H = 3, W = 4, OC = 2 };
	float x[C * D * H * W], w[OC * C * 2 * 2 * 2], y[OC * 4 * 2 * 3];
	float want[OC * 4 * 2 * 3], p[C * 2 * 2 * 3], wp[C * 2 * 2 * 3];
	const float *in[] = { x };
	float *out[] = { y, p };
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	int o, d, h, v, ci, i, j, k;
	(void)state;

	fill(x, sizeof(x) / 4, 9);
	fill(w, sizeof(w) / 4, 10);
	ob_input(b, "x", 5, I64(1, C, D, H, W));
	ob_output(b, "y");
	ob_output(b, "p");
	ob_init(b, "w", 5, I64(OC, C, 2, 2, 2), w);
	n = ob_node(b, "Conv", "c3", "x,w", "y");
	ob_attr_ints(b, n, "pads", 6, I64(1, 0, 0, 1, 0, 0));
	n = ob_node(b, "AveragePool", "p3", "x", "p");
	ob_attr_ints(b, n, "kernel_shape", 3, I64(2, 2, 2));
	run(b, in, out);
	/* conv: D' = 3 + 2 - 2 + 1 = 4, H' = 2, W' = 3 */
	for (o = 0; o < OC; o++)
		for (d = 0; d < 4; d++)
			for (h = 0; h < 2; h++)
				for (v = 0; v < 3; v++) {
					float acc = 0;

					for (ci = 0; ci < C; ci++)
						for (i = 0; i < 2; i++)
							for (j = 0; j < 2; j++)
								for (k = 0; k < 2; k++) {
									int z = d + i - 1;

									if (z < 0 || z >= D)
										continue;
									acc += w[(((o * C + ci) * 2 + i) * 2 + j) * 2 + k] *
									       x[((ci * D + z) * H + h + j) * W + v + k];
								}
					want[((o * 4 + d) * 2 + h) * 3 + v] = acc;
				}
	for (ci = 0; ci < C; ci++)
		for (d = 0; d < 2; d++)
			for (h = 0; h < 2; h++)
				for (v = 0; v < 3; v++) {
					float s = 0;

					for (i = 0; i < 2; i++)
						for (j = 0; j < 2; j++)
							for (k = 0; k < 2; k++)
								s += x[((ci * D + d + i) * H + h + j) * W + v + k];
					wp[((ci * 2 + d) * 2 + h) * 3 + v] = s / 8;
				}
	near(y, want, sizeof(want) / 4);
	near(p, wp, sizeof(wp) / 4);
}

/* Gemm transA, alpha, beta with C a matrix; MatMul of rank 3. */
static void test_gemm_forms_batch_matmul(void **state)
{
	float a[3 * 2], bw[3 * 4], cm[2 * 4], x[2 * 3 * 3], y[2 * 4], z[2 * 3 * 4];
	float wy[8], wz[24];
	const float *in[] = { a, x };
	float *out[] = { y, z };
	struct ob *b = ob_new(13);
	Onnx__NodeProto *n;
	int i, j, k;
	(void)state;

	fill(a, 6, 11);
	fill(bw, 12, 12);
	fill(cm, 8, 13);
	fill(x, 18, 14);
	ob_input(b, "a", 2, I64(3, 2));
	ob_input(b, "x", 3, I64(2, 3, 3));
	ob_output(b, "y");
	ob_output(b, "z");
	ob_init(b, "bw", 2, I64(3, 4), bw);
	ob_init(b, "cm", 2, I64(2, 4), cm);
	n = ob_node(b, "Gemm", "g", "a,bw,cm", "y");
	ob_attr_i(b, n, "transA", 1);
	ob_attr_f(b, n, "alpha", 0.5f);
	ob_attr_f(b, n, "beta", -2.0f);
	ob_node(b, "MatMul", "mm", "x,bw", "z");
	run(b, in, out);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 4; j++) {
			float s = 0;

			for (k = 0; k < 3; k++)
				s += a[k * 2 + i] * bw[k * 4 + j];
			wy[i * 4 + j] = 0.5f * s - 2.0f * cm[i * 4 + j];
		}
	for (i = 0; i < 6; i++)
		for (j = 0; j < 4; j++) {
			float s = 0;

			for (k = 0; k < 3; k++)
				s += x[i * 3 + k] * bw[k * 4 + j];
			wz[i * 4 + j] = s;
		}
	near(y, wy, 8);
	near(z, wz, 24);
}

/* A MatMul whose 20000 rows exceed the card's vector: split over rows. */
static void test_fc_split_rows(void **state)
{
	enum { K = 20000, N = 3 };
	float *x = malloc(K * 4), *w = malloc(K * N * 4), y[N], want[N];
	const float *in[] = { x };
	float *out[] = { y };
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(13);
	uint32_t i, slices = 0;
	char err[256];
	size_t len;
	uint8_t *buf;
	int j;
	(void)state;

	fill(x, K, 15);
	fill(w, K * N, 16);
	ob_input(b, "x", 2, I64(1, K));
	ob_output(b, "y");
	ob_init(b, "w", 2, I64(K, N), w);
	ob_node(b, "MatMul", "mm", "x,w", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	free(buf);
	ob_free(b);
	for (i = 0; i < g->n_nodes; i++)
		slices += g->nodes[i].op == CIM_NODE_SLICE;
	assert_int_equal(slices, 2);	/* 16384 + 3616 rows */
	assert_int_equal(cim_graph_run(g, in, out), 0);
	for (j = 0; j < N; j++) {
		double s = 0;

		for (i = 0; i < K; i++)
			s += (double)x[i] * w[i * N + j];
		want[j] = (float)s;
	}
	for (j = 0; j < N; j++)
		assert_true(fabsf(y[j] - want[j]) <= 1e-3f * (1 + fabsf(want[j])));
	cim_graph_free(g);
	free(x);
	free(w);
}

/* A 3x3 Conv over 2000 channels (18000 > 16384): split over channels. */
static void test_conv_split_channels(void **state)
{
	enum { C = 2000, OC = 2 };
	float *x = malloc(C * 9 * 4), *w = malloc(OC * C * 9 * 4), bias[OC] = { 0.5f, -1 };
	float y[OC], want[OC];
	const float *in[] = { x };
	float *out[] = { y };
	struct cim_graph *g = NULL;
	struct ob *b = ob_new(13);
	uint32_t i, slices = 0;
	char err[256];
	size_t len;
	uint8_t *buf;
	int o;
	(void)state;

	fill(x, C * 9, 17);
	fill(w, OC * C * 9, 18);
	ob_input(b, "x", 4, I64(1, C, 3, 3));
	ob_output(b, "y");
	ob_init(b, "w", 4, I64(OC, C, 3, 3), w);
	ob_init(b, "b", 1, I64(OC), bias);
	ob_node(b, "Conv", "conv", "x,w,b", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	free(buf);
	ob_free(b);
	for (i = 0; i < g->n_nodes; i++)
		slices += g->nodes[i].op == CIM_NODE_SLICE;
	assert_int_equal(slices, 2);	/* 1820 + 180 channels */
	assert_int_equal(cim_graph_run(g, in, out), 0);
	for (o = 0; o < OC; o++) {
		double s = bias[o];

		for (i = 0; i < C * 9; i++)
			s += (double)x[i] * w[(size_t)o * C * 9 + i];
		want[o] = (float)s;
	}
	for (o = 0; o < OC; o++)
		assert_true(fabsf(y[o] - want[o]) <= 1e-3f * (1 + fabsf(want[o])));
	cim_graph_free(g);
	free(x);
	free(w);
}

/* Cast to float16 rounds; Shape of the input is a constant output. */
static void test_cast_f16_const_output(void **state)
{
	float x[4] = { 1.0f / 3, 70000.0f, -1e-8f, 2049.0f }, y[4], s[2];
	float want[4] = { 0.333251953125f, INFINITY, -0.0f, 2048.0f };
	float ws[2] = { 1, 4 };
	const float *in[] = { x };
	float *out[] = { y, s };
	struct ob *b = ob_new(13);
	(void)state;

	ob_input(b, "x", 2, I64(1, 4));
	ob_output(b, "y");
	ob_output(b, "s");
	ob_attr_i(b, ob_node(b, "Cast", "c", "x", "y"), "to",
		  ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16);
	ob_node(b, "Shape", "sh", "x", "s");
	run(b, in, out);
	assert_true(isinf(y[1]) && y[1] > 0);
	y[1] = want[1] = 0;
	near(y, want, 4);
	near(s, ws, 2);
}

/* Sqrt's lookup table on the card: NaN below 0 quantizes to zero. */
static void test_sqrt_lut_quantized(void **state)
{
	struct cim_dataset d = { .n = 1, .len = 256 };
	struct cim_quant_options o = { .wbits = 8 };
	const struct cim_qmodel *m;
	struct cim_quantized *q;
	struct cim_graph *g = NULL;
	int8_t in[256], out[256];
	float x[256];
	char err[256];
	struct ob *b = ob_new(13);
	uint8_t *buf;
	size_t len;
	int i;
	(void)state;

	ob_input(b, "x", 4, I64(1, 256, 1, 1));
	ob_output(b, "y");
	ob_node(b, "Sqrt", "sqrt", "x", "y");
	buf = ob_pack(b, &len);
	assert_int_equal(cim_onnx_import(buf, len, 1, &g, err, sizeof(err)), 0);
	free(buf);
	ob_free(b);
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
		double r = pi->scale * (in[i] - pi->zero_point);
		double qv = r < 0 ? po->zero_point : round(sqrt(r) / po->scale) + po->zero_point;

		qv = qv < -128 ? -128 : qv > 127 ? 127 : qv;
		assert_int_equal(out[i], (int8_t)qv);
	}
	cim_quantized_free(q);
	cim_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opset4_legacy),
		cmocka_unit_test(test_conv1d_fixed_batch),
		cmocka_unit_test(test_reduce_any_axes),
		cmocka_unit_test(test_prelu_sub_div),
		cmocka_unit_test(test_prelu_4d_card_ops),
		cmocka_unit_test(test_pad_modes_dilated_pool),
		cmocka_unit_test(test_conv3d_pool3d),
		cmocka_unit_test(test_gemm_forms_batch_matmul),
		cmocka_unit_test(test_cast_f16_const_output),
		cmocka_unit_test(test_fc_split_rows),
		cmocka_unit_test(test_conv_split_channels),
		cmocka_unit_test(test_sqrt_lut_quantized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
