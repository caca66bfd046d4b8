// SPDX-License-Identifier: MIT
/*
 * Peer cross-check: int8 FC and convolution layers of random shapes and
 * quantization parameters run through our CPU reference (qmodel -> image
 * -> cim_ref_run_image, so splitting, bit-slicing and packing are
 * included) and through XNNPACK's qs8 FC and qc8 (per-channel) conv
 * operators.  Outputs agree within +-1 LSB (XNNPACK requantizes in
 * float, we in Q31 as TFLite's reference does).  Prints the histogram
 * of differences; with --bench prints `bench: xnnpack_max_lsb_diff`.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xnnpack.h>

#include "cim.h"
#include "testutil.h"

#define HIST	5	/* differences -2..2, larger ones counted at the ends */

static uint64_t hist[HIST];
static int max_diff;
static int bench_mode;

/* TFLite's QuantizeMultiplier: real = q * 2^shift / 2^31. */
static void quantize_multiplier(double real, int32_t *q, int32_t *shift)
{
	int e;
	double f = frexp(real, &e);
	int64_t v = llround(f * (1ll << 31));

	if (v == (1ll << 31)) {
		v /= 2;
		e++;
	}
	*q = (int32_t)v;
	*shift = e;
}

static double urand(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(tu_rand(s) >> 11) / (double)(1ull << 53);
}

static void tally(const int8_t *a, const int8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int d = a[i] - b[i], k = d < -2 ? -2 : d > 2 ? 2 : d;

		hist[k + 2]++;
		if (abs(d) > max_diff)
			max_diff = abs(d);
	}
}

struct layer {
	uint32_t C, H, W, N, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, G;
	int conv;
};

/* One random layer through both; returns 0 if it could not be set up. */
static int one_layer(uint64_t *s, const struct layer *L)
{
	uint32_t Cg = L->C / L->G, Kg = L->kh * L->kw * Cg, N = L->N, n, k;
	uint32_t OH = L->conv ? cim_window_out(L->H, L->kh, L->sh, L->dh, L->pt, L->pb) : 1;
	uint32_t OW = L->conv ? cim_window_out(L->W, L->kw, L->sw, L->dw, L->pl, L->pr) : 1;
	uint32_t in_size = L->C * L->H * L->W, out_size = N * OH * OW, batch = 3;
	double s_in = urand(s, 0.005, 0.1), s_out;
	int32_t zp_in = (int32_t)tu_range(s, -40, 40), zp_out = (int32_t)tu_range(s, -40, 40);
	int8_t *w = malloc((size_t)N * Kg), *x = malloc(batch * in_size);
	int8_t *ref = malloc(batch * out_size), *xo = malloc(batch * out_size);
	int32_t *bias = malloc(N * 4), *fbias = malloc(N * 4);
	int32_t *mult = malloc(N * 4), *shift = malloc(N * 4);
	float *ws = malloc(N * sizeof(float)), w_tensor = (float)urand(s, 0.002, 0.02);
	struct cim_qtensor t[2];
	struct cim_qop q;
	struct cim_qmodel qm = { 2, t, 1, &q, 1, 0 };
	struct cim_map_opts o = { .geom = { 64, 64, 4 }, .max_tiles = 0, .flags = 0 };
	xnn_operator_t op = NULL;
	enum xnn_status st;
	void *img;
	size_t size;
	int8_t lo = -128, hi = 127;

	if (tu_range(s, 0, 3) == 0) {
		lo = (int8_t)zp_out;	/* ReLU */
	}
	s_out = s_in * 0.01 * sqrt((double)Kg) * urand(s, 0.5, 2.0) * 6;
	for (n = 0; n < N; n++) {
		int64_t sum = 0;

		ws[n] = L->conv ? (float)urand(s, 0.002, 0.02) : w_tensor;
		for (k = 0; k < Kg; k++) {
			w[(size_t)n * Kg + k] = (int8_t)tu_range(s, -127, 127);
			sum += w[(size_t)n * Kg + k];
		}
		bias[n] = (int32_t)tu_range(s, -3000, 3000);
		fbias[n] = (int32_t)(bias[n] - (int64_t)zp_in * sum);
		quantize_multiplier(s_in * ws[n] / s_out, &mult[n], &shift[n]);
	}
	tu_fill_i8(s, x, batch * in_size);

	/* Ours. */
	memset(t, 0, sizeof(t));
	memset(&q, 0, sizeof(q));
	t[0].shape = (struct cim_image_tensor){ 0, L->C, L->H, L->W };
	t[1].shape = (struct cim_image_tensor){ 0, N, OH, OW };
	if (!L->conv) {
		t[0].shape = (struct cim_image_tensor){ 0, in_size, 1, 1 };
		t[1].shape = (struct cim_image_tensor){ 0, N, 1, 1 };
	}
	q.op = (struct cim_image_op){
		.type = L->conv ? CIM_OP_CONV : CIM_OP_FC, .in0 = 0,
		.in1 = CIM_TENSOR_NONE, .out = 1, .in0_zp = zp_in,
		.out_zp = zp_out, .act_min = lo, .act_max = hi, .wbits = 8,
		.groups = L->conv ? L->G : 1,
	};
	if (L->conv) {
		q.op.kernel_h = L->kh;
		q.op.kernel_w = L->kw;
		q.op.stride_h = L->sh;
		q.op.stride_w = L->sw;
		q.op.dil_h = L->dh;
		q.op.dil_w = L->dw;
		q.op.pad_top = L->pt;
		q.op.pad_left = L->pl;
		q.op.pad_bottom = L->pb;
		q.op.pad_right = L->pr;
	}
	q.weights = w;
	q.bias = fbias;
	q.mult = mult;
	q.shift = shift;
	assert_int_equal(cim_map_qmodel(&qm, &o, &img, &size, NULL), 0);
	assert_int_equal(cim_ref_run_image(img, size, x, ref, batch), 0);
	free(img);

	/* XNNPACK's. */
	if (L->conv)
		st = xnn_create_convolution2d_nhwc_qc8(L->pt, L->pr, L->pb, L->pl,
			L->kh, L->kw, L->sh, L->sw, L->dh, L->dw, L->G, Cg, N / L->G,
			L->C, N, (int8_t)zp_in, (float)s_in, ws, w, bias,
			(int8_t)zp_out, (float)s_out, lo, hi, 0, &op);
	else
		st = xnn_create_fully_connected_nc_qs8(in_size, N, in_size, N,
			(int8_t)zp_in, (float)s_in, w_tensor, w, bias,
			(int8_t)zp_out, (float)s_out, lo, hi, 0, &op);
	if (st == xnn_status_unsupported_parameter) {
		/* XNNPACK refuses some scale ratios; count it and move on. */
		free(w); free(x); free(ref); free(xo); free(bias); free(fbias);
		free(mult); free(shift); free(ws);
		return 0;
	}
	assert_int_equal(st, xnn_status_success);
	if (L->conv)
		st = xnn_setup_convolution2d_nhwc_qc8(op, batch, L->H, L->W, x, xo, NULL);
	else
		st = xnn_setup_fully_connected_nc_qs8(op, batch, x, xo, NULL);
	assert_int_equal(st, xnn_status_success);
	assert_int_equal(xnn_run_operator(op, NULL), xnn_status_success);
	xnn_delete_operator(op);
	tally(ref, xo, (size_t)batch * out_size);
	free(w); free(x); free(ref); free(xo); free(bias); free(fbias);
	free(mult); free(shift); free(ws);
	return 1;
}

static void fc_layers(void **state)
{
	uint64_t s = 4242;
	int i, done = 0;

	(void)state;
	for (i = 0; i < 300; i++) {
		struct layer L = { 0 };

		L.C = (uint32_t)tu_range(&s, 1, 12);
		L.H = (uint32_t)tu_range(&s, 1, 6);
		L.W = (uint32_t)tu_range(&s, 1, 6);
		L.N = (uint32_t)tu_range(&s, 1, 80);
		L.kh = L.kw = 1;
		L.G = 1;
		L.C *= L.H * L.W;	/* FC reads the input flat */
		L.H = L.W = 1;
		done += one_layer(&s, &L);
	}
	assert_true(done > 250);
}

static void conv_layers(void **state)
{
	uint64_t s = 777;
	int i, done = 0;

	(void)state;
	for (i = 0; i < 300; i++) {
		struct layer L = { .conv = 1 };
		uint32_t eh, ew;

		L.G = tu_range(&s, 0, 2) == 0 ? (uint32_t)tu_range(&s, 2, 4) : 1;
		L.C = L.G * (uint32_t)tu_range(&s, 1, 4);
		L.N = L.G * (uint32_t)tu_range(&s, 1, 4);
		if (tu_range(&s, 0, 3) == 0)
			L.C = L.N = L.G = (uint32_t)tu_range(&s, 2, 8); /* depthwise */
		L.kh = (uint32_t)tu_range(&s, 1, 3);
		L.kw = (uint32_t)tu_range(&s, 1, 3);
		L.sh = (uint32_t)tu_range(&s, 1, 2);
		L.sw = (uint32_t)tu_range(&s, 1, 2);
		L.dh = (uint32_t)tu_range(&s, 1, 2);
		L.dw = (uint32_t)tu_range(&s, 1, 2);
		eh = (L.kh - 1) * L.dh + 1;
		ew = (L.kw - 1) * L.dw + 1;
		L.pt = (uint32_t)tu_range(&s, 0, eh - 1);
		L.pb = (uint32_t)tu_range(&s, 0, eh - 1);
		L.pl = (uint32_t)tu_range(&s, 0, ew - 1);
		L.pr = (uint32_t)tu_range(&s, 0, ew - 1);
		L.H = eh + (uint32_t)tu_range(&s, 0, 6);
		L.W = ew + (uint32_t)tu_range(&s, 0, 6);
		done += one_layer(&s, &L);
	}
	assert_true(done > 250);
}

static void histogram(void **state)
{
	uint64_t total = 0;
	int i;

	(void)state;
	for (i = 0; i < HIST; i++)
		total += hist[i];
	printf("xnnpack diff histogram over %llu outputs (ours - xnnpack):\n",
	       (unsigned long long)total);
	for (i = 0; i < HIST; i++)
		printf("  %s%+d: %llu\n", i == 0 ? "<=" : i == HIST - 1 ? ">=" : "  ",
		       i - 2, (unsigned long long)hist[i]);
	if (bench_mode)
		printf("bench: xnnpack_max_lsb_diff %d LSB\n", max_diff);
	assert_true(total > 10000);
	/* Most outputs agree exactly; none by more than one LSB. */
	assert_true(hist[2] > total * 9 / 10);
	assert_true(max_diff <= 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fc_layers),
		cmocka_unit_test(conv_layers),
		cmocka_unit_test(histogram),
	};

	bench_mode = argc > 1 && !strcmp(argv[1], "--bench");
	if (xnn_initialize(NULL) != xnn_status_success) {
		fprintf(stderr, "xnn_initialize failed\n");
		return 1;
	}
	return cmocka_run_group_tests_name("xnnpack", tests, NULL, NULL);
}
