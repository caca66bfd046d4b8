// SPDX-License-Identifier: MIT
/*
 * Post-training quantization: the multiplier/shift math, per-channel
 * weight scales and bias folding checked against float, 4-bit weights,
 * the quantized digits models' accuracy and per-layer SQNR.
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

#include "cim_compiler.h"
#include "ref_private.h"	/* the executors checked against cim_ref_run_image() */
#include "quant.h"		/* the quantizer's internals (static library) */
#include "uapi/cim_quant.h"
#include "tutil.h"

#define DIMS(...)	(const uint32_t[]){ __VA_ARGS__ }

static void test_multiplier(void **state)
{
	int32_t m, s;
	uint64_t seed = 5;
	int i;
	(void)state;

	assert_int_equal(cim_quant_multiplier(0.5, &m, &s), 0);
	assert_int_equal(m, 1 << 30);
	assert_int_equal(s, 0);
	assert_int_equal(cim_quant_multiplier(3.0, &m, &s), 0);
	assert_int_equal(m, 3 << 29);
	assert_int_equal(s, 2);
	assert_int_equal(cim_quant_multiplier(0, &m, &s), 0);
	assert_int_equal(m, 0);
	assert_int_equal(cim_quant_multiplier(-1, &m, &s), -EINVAL);
	assert_int_equal(cim_quant_multiplier(NAN, &m, &s), -EINVAL);
	assert_int_equal(cim_quant_multiplier(1e12, &m, &s), -EINVAL);
	/* x * real through the integer path is within 1 of the float */
	for (i = 0; i < 2000; i++) {
		double real = pow(2, tu_frand(&seed) * 20 - 8);
		int32_t x = (int32_t)(tu_frand(&seed) * 100000);

		assert_int_equal(cim_quant_multiplier(real, &m, &s), 0);
		assert_true(m >= 1 << 30);
		if (fabs(x * real) > 2e9)
			continue;
		if (fabs(cim_requant(x, m, s) - x * real) > 1.0)
			fail_msg("requant(%d, %g) = %d", x, real, cim_requant(x, m, s));
	}
}

/* One FC layer 4 -> 3 with a given calibration set. */
static struct cim_graph *fc_graph(const float *w, const float *b)
{
	struct cim_graph *g = cim_graph_new();

	cim_graph_add_input(g, "x", 2, DIMS(1, 4));
	cim_graph_add_initializer(g, "w", 2, DIMS(3, 4), w);
	cim_graph_add_initializer(g, "b", 1, DIMS(3), b);
	{
		const char *ins[3] = { "x", "w", "b" };
		struct cim_node_desc d = { .name = "fc", .op = CIM_NODE_FC,
			.n_inputs = 3, .inputs = ins, .output = "y" };

		assert_true(cim_graph_add_node(g, &d) >= 0);
	}
	assert_int_equal(cim_graph_add_output(g, "y"), 0);
	return g;
}

static struct cim_dataset *random_set(uint64_t seed, uint32_t n, uint32_t len,
				      float lo, float hi)
{
	struct cim_dataset *d = calloc(1, sizeof(*d));
	uint32_t i;

	d->n = n;
	d->len = len;
	d->rank = 1;
	d->dims[0] = len;
	d->data = malloc((size_t)n * len * sizeof(float));
	for (i = 0; i < n * len; i++)
		d->data[i] = lo + (hi - lo) * (tu_frand(&seed) + 1) / 2;
	return d;
}

static void test_fc_int8_math(void **state)
{
	const float w[12] = { 1, -2, 0.5f, 0, 0.1f, 0.2f, -0.3f, 0.05f, -4, 4, 2, 1 };
	const float b[3] = { 0.5f, -0.25f, 3 };
	struct cim_graph *g = fc_graph(w, b);
	struct cim_dataset *d = random_set(1, 64, 4, -1, 3);
	struct cim_quant_options opt = { .flags = CIM_QUANT_NO_BIAS_CORR };
	const struct cim_qmodel *m;
	struct cim_quantized *q;
	const struct cim_qop *op;
	float s_in, s_out, worst = 0;
	int32_t zp_in;
	char err[256];
	uint32_t n, k, i;
	(void)state;

	assert_int_equal(cim_quantize(g, d, &opt, &q, err, sizeof(err)), 0);
	m = cim_quantized_model(q);
	assert_int_equal(m->n_ops, 1);
	assert_int_equal(m->n_tensors, 2);
	assert_int_equal(m->output_tensor, 1);
	op = &m->ops[0];
	assert_int_equal(op->op.type, CIM_OP_FC);
	assert_int_equal(op->op.wbits, 8);
	assert_null(op->wzp);
	s_in = m->tensors[0].q.scale;
	zp_in = m->tensors[0].q.zero_point;
	s_out = m->tensors[1].q.scale;
	/* input range [-1, 3] -> scale 4/255, -1 maps near -128 */
	assert_true(fabs(s_in - 4.0 / 255) < 1e-3);
	assert_true(zp_in >= -66 && zp_in <= -62);
	assert_int_equal(op->op.in0_zp, zp_in);
	for (n = 0; n < 3; n++) {
		float amax = 0;
		int64_t sum = 0;
		double real;
		int32_t mm, ss;

		for (k = 0; k < 4; k++)
			amax = fmaxf(amax, fabsf(w[n * 4 + k]));
		/* symmetric per output channel, 127 at the largest weight */
		assert_true(fabs(op->wscale[n] - amax / 127) < 1e-7);
		for (k = 0; k < 4; k++) {
			int8_t qw = op->weights[n * 4 + k];

			assert_true(qw >= -127);
			assert_true(fabs(qw * op->wscale[n] - w[n * 4 + k]) <=
				    op->wscale[n] / 2 + 1e-6);
			sum += qw;
		}
		/* bias: b / (s_in s_w), minus in_zp times the weight sum */
		assert_int_equal(op->bias[n],
				 (int32_t)(lround(b[n] / (s_in * op->wscale[n])) - zp_in * sum));
		real = (double)s_in * op->wscale[n] / s_out;
		assert_int_equal(cim_quant_multiplier(real, &mm, &ss), 0);
		assert_int_equal(op->mult[n], mm);
		assert_int_equal(op->shift[n], ss);
	}
	/* the integer layer tracks the float one within a few output LSB */
	for (i = 0; i < d->n; i++) {
		const float *x = d->data + i * 4;
		float ref[3], got[3];
		int8_t qi[4], qo[3];

		tu_run1(g, x, ref);
		cim_qmodel_quantize_input(m, x, qi);
		assert_int_equal(cim_qmodel_run(m, qi, qo, NULL), 0);
		cim_qmodel_dequantize_output(m, qo, got);
		for (n = 0; n < 3; n++)
			worst = fmaxf(worst, fabsf(got[n] - ref[n]) / s_out);
	}
	printf("fc int8: worst error %.2f output LSB\n", worst);
	assert_true(worst <= 2.5f);
	cim_quantized_free(q);
	cim_dataset_free(d);
	cim_graph_free(g);
}

static void test_fc_int4(void **state)
{
	const float w[12] = { 1, -2, 0.5f, 0, 0.1f, 0.2f, 0.3f, 0.05f, -4, 4, 2, 1 };
	const float b[3] = { 0, 0, 0 };
	/* the plain min/max scheme; the default search is tested below */
	struct cim_quant_options opt = { .wbits = 4,
		.flags = CIM_QUANT_W4_MINMAX | CIM_QUANT_NO_BIAS_CORR };
	struct cim_graph *g = fc_graph(w, b);
	struct cim_dataset *d = random_set(2, 32, 4, 0, 1);
	struct cim_quantized *q;
	const struct cim_qop *op;
	char err[256];
	uint32_t n, k;
	double sqnr;
	(void)state;

	assert_int_equal(cim_quantize(g, d, &opt, &q, err, sizeof(err)), 0);
	op = &cim_quantized_model(q)->ops[0];
	assert_int_equal(op->op.wbits, 4);
	assert_non_null(op->wzp);
	for (n = 0; n < 3; n++) {
		float lo = 0, hi = 0;

		for (k = 0; k < 4; k++) {
			lo = fminf(lo, w[n * 4 + k]);
			hi = fmaxf(hi, w[n * 4 + k]);
		}
		/* asymmetric: 15 steps over [min, max] including 0 */
		assert_true(fabs(op->wscale[n] - (hi - lo) / 15) < 1e-6);
		assert_true(op->wzp[n] >= 0 && op->wzp[n] <= 15);
		for (k = 0; k < 4; k++) {
			int8_t qw = op->weights[n * 4 + k];

			assert_true(qw >= 0 && qw <= 15);
			assert_true(fabs((qw - op->wzp[n]) * op->wscale[n] - w[n * 4 + k]) <=
				    op->wscale[n] / 2 + 1e-5);
		}
	}
	/* row 1 is all positive: zero point 0 */
	assert_int_equal(op->wzp[1], 0);
	assert_int_equal(cim_quant_report(q, g, d, &sqnr, NULL), 0);
	assert_true(sqnr > 15);
	cim_quantized_free(q);
	cim_dataset_free(d);
	cim_graph_free(g);
}

static int accuracy(const struct cim_qmodel *m, const struct cim_dataset *t)
{
	uint32_t s, k, len = (uint32_t)cim_tensor_size(&m->tensors[m->output_tensor].shape);
	int8_t in[256], out[64];
	int correct = 0;

	for (s = 0; s < t->n; s++) {
		uint32_t best = 0;

		cim_qmodel_quantize_input(m, t->data + (size_t)s * t->len, in);
		assert_int_equal(cim_qmodel_run(m, in, out, NULL), 0);
		for (k = 1; k < len; k++)
			if (out[k] > out[best])
				best = k;
		correct += (int32_t)best == t->labels[s];
	}
	return correct;
}

static int digits(const char *onnx, uint32_t wbits, uint32_t flags,
		  int min_correct, double min_sqnr)
{
	struct cim_quant_options opt = { .wbits = wbits, .flags = flags };
	struct cim_dataset *calib, *test;
	struct cim_quantized *q;
	struct cim_graph *g;
	char err[256];
	double sqnr[32];
	uint32_t i;
	int correct;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_test.bin", &test,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_onnx_import_file(onnx, 1, &g, err, sizeof(err)), 0);
	if (cim_quantize(g, calib, &opt, &q, err, sizeof(err)))
		fail_msg("quantize: %s", err);
	correct = accuracy(cim_quantized_model(q), test);
	printf("%s int%u flags %#x: %d/%u correct (%.2f %%)\n", onnx, wbits,
	       flags, correct, test->n, 100.0 * correct / test->n);
	assert_int_equal(cim_quant_report(q, g, calib, sqnr, stdout), 0);
	for (i = 0; i < cim_quantized_model(q)->n_ops; i++)
		if (cim_quantized_model(q)->ops[i].op.type <= CIM_OP_CONV)
			assert_true(sqnr[i] >= min_sqnr);
	assert_true(correct >= min_correct);
	cim_quantized_free(q);
	cim_graph_free(g);
	cim_dataset_free(calib);
	cim_dataset_free(test);
	return correct;
}

/*
 * The report's "alone" and "repr" columns: the first op reads only the
 * model input, so alone it is what it is in the model; a MAXPOOL keeps
 * its input's scale and rounding is monotonic, so alone it is exactly
 * its output rounded (repr).
 */
static void test_report_alone(void **state)
{
	struct cim_quant_options opt = { .wbits = 8 };
	struct cim_dataset *calib;
	struct cim_quantized *q;
	struct cim_graph *g;
	char err[256], *text = NULL, *line, *save = NULL;
	double sqnr[32];
	size_t len = 0;
	uint32_t lines = 0, pools = 0;
	FILE *f;
	(void)state;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 1, &g,
					      err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, calib, &opt, &q, err, sizeof(err)), 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(cim_quant_report(q, g, calib, sqnr, f), 0);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[16];
		double s, alone, repr;
		unsigned int wb;

		if (strncmp(line, "layer ", 6))
			continue;
		assert_int_equal(sscanf(line, "layer %127s %15s w%u sqnr %lf dB alone %lf dB repr %lf dB",
					name, type, &wb, &s, &alone, &repr), 6);
		assert_true(isfinite(alone) && isfinite(repr) && repr > 0);
		assert_true(fabs(s - sqnr[lines]) < 0.006);
		if (!lines)
			assert_true(fabs(alone - s) < 1e-9);
		if (!strcmp(type, "MAXPOOL")) {
			assert_true(fabs(alone - repr) < 1e-9);
			pools++;
		}
		lines++;
	}
	assert_int_equal(lines, cim_quantized_model(q)->n_ops);
	assert_true(pools > 0);
	free(text);
	cim_quantized_free(q);
	cim_graph_free(g);
	cim_dataset_free(calib);
}

/* Float: MLP 528/540, CNN 520/540 (digits_accuracy.txt). */
static void test_digits_mlp(void **state)
{
	(void)state;
	digits(MODELS_DIR "/digits_mlp.onnx", 8, 0, 528 - 3, 40);
	/* 524 (97.04 %); 530 with min/max but 6 dB less SQNR per layer */
	digits(MODELS_DIR "/digits_mlp.onnx", 4, 0, 528 - 8, 29);
}

static void test_digits_cnn(void **state)
{
	const struct cim_qmodel *m;
	struct cim_dataset *calib;
	struct cim_quantized *q;
	struct cim_graph *g;
	char err[256];
	uint32_t i, types = 0;
	(void)state;

	int plain, tuned;

	digits(MODELS_DIR "/digits_cnn.onnx", 8, 0, 520 - 3, 30);
	/*
	 * All layers 4-bit: plain min/max ranges 436/540 (80.74 %, SQNR of
	 * the logits 10 dB); with the clipping search, GPTQ, sequential
	 * statistics and bias correction 513/540 (95.00 %, 24 dB), within
	 * the 2 points of float (520) issue 3 asks for (>= 510).
	 */
	plain = digits(MODELS_DIR "/digits_cnn.onnx", 4, CIM_QUANT_W4_MINMAX |
		       CIM_QUANT_NO_BIAS_CORR | CIM_QUANT_NO_SEQ, 420, 5);
	tuned = digits(MODELS_DIR "/digits_cnn.onnx", 4, 0, 510, 17);
	assert_true(tuned >= plain + 60);
	/* the op types the CNN maps to */
	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 1, &g,
					      err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, calib, NULL, &q, err, sizeof(err)), 0);
	m = cim_quantized_model(q);
	for (i = 0; i < m->n_ops; i++) {
		types |= 1u << m->ops[i].op.type;
		assert_int_equal(m->ops[i].op.out, i + 1);
	}
	assert_int_equal(types, (1u << CIM_OP_FC) | (1u << CIM_OP_CONV) |
			 (1u << CIM_OP_MAXPOOL) | (1u << CIM_OP_AVGPOOL) |
			 (1u << CIM_OP_ADD) | (1u << CIM_OP_SHUFFLE));
	assert_int_equal(m->tensors[0].shape.c, 1);
	assert_int_equal(m->tensors[0].shape.h, 8);
	assert_int_equal(m->output_tensor, m->n_tensors - 1);
	cim_quantized_free(q);
	cim_graph_free(g);
	cim_dataset_free(calib);
}

/* e^T C e of a row quantized with (s, z) from w (C NULL: identity). */
static double row_err(const float *w, const float *wq, uint32_t k,
		      const double *C)
{
	double acc = 0;
	uint32_t i, j;

	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			if (C || i == j)
				acc += (wq[i] - w[i]) * (C ? C[i * k + j] : 1.0) *
				       (wq[j] - w[j]);
	return acc;
}

static void rtn(const float *w, uint32_t k, float s, int32_t z, float *out)
{
	uint32_t i;

	for (i = 0; i < k; i++) {
		out[i] = s * (cqi_q4(w[i], s, z) - z);
		assert_true(cqi_q4(out[i], s, z) == cqi_q4(w[i], s, z));
	}
}

/* Random covariance of correlated inputs: C = A A^T / k + 0.05 I. */
static void random_cov(uint64_t *seed, uint32_t k, double *C)
{
	float A[64 * 64];
	uint32_t i, j, l;

	tu_fill(seed, A, (size_t)k * k);
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double v = i == j ? 0.05 : 0;

			for (l = 0; l < k; l++)
				v += (A[i * k + l] + 0.5) * (A[j * k + l] + 0.5) / k;
			C[i * k + j] = v;
		}
}

/*
 * The clipping search never loses to min/max (it is candidate 0), and
 * wins on heavy-tailed channels: min/max spends the 16 levels on the
 * extremes, the search clips them when the finer step over the bulk
 * pays for it (one outlier in 64 weights mostly is not worth clipping:
 * its own error would dominate).
 */
static void test_w4_search(void **state)
{
	float w[256], a[256], b[256], s0, s1;
	double e[256], C[64 * 64], em, es;
	uint64_t seed = 11;
	int32_t z0, z1;
	uint32_t i, t, k;
	(void)state;

	/* Gaussian-ish bulk (sum of 4 uniforms) plus one outlier at 5 sigma */
	for (i = 0; i < 63; i++) {
		float v[4];

		tu_fill(&seed, v, 4);
		w[i] = 0.05f * (v[0] + v[1] + v[2] + v[3]);
	}
	w[63] = 0.3f;
	cqi_w4_minmax(w, 64, &s0, &z0);
	cqi_w4_search(w, 64, NULL, 0, e, &s1, &z1);
	rtn(w, 64, s0, z0, a);
	rtn(w, 64, s1, z1, b);
	em = row_err(w, a, 64, NULL);
	es = row_err(w, b, 64, NULL);
	printf("outlier channel: weight MSE min/max %.3g, search %.3g (scale %.3g -> %.3g)\n",
	       em / 64, es / 64, s0, s1);
	assert_true(es <= em);
	assert_true(s1 <= s0);
	/* Laplacian channel of 256 */
	for (i = 0; i < 256; i++) {
		float u[2];

		tu_fill(&seed, u, 2);
		w[i] = (u[0] < 0 ? -0.1f : 0.1f) * (float)-log(0.5 * (u[1] + 1) + 1e-6);
	}
	cqi_w4_minmax(w, 256, &s0, &z0);
	cqi_w4_search(w, 256, NULL, 0, e, &s1, &z1);
	rtn(w, 256, s0, z0, a);
	rtn(w, 256, s1, z1, b);
	em = row_err(w, a, 256, NULL);
	es = row_err(w, b, 256, NULL);
	printf("laplacian channel: weight MSE min/max %.3g, search %.3g\n",
	       em / 256, es / 256);
	assert_true(es < 0.95 * em);
	/* random channels and random input covariances: never worse */
	for (t = 0; t < 200; t++) {
		k = 2 + t % 40;
		tu_fill(&seed, w, k);
		if (t % 3 == 0)
			w[t % k] *= 8;
		random_cov(&seed, k, C);
		cqi_w4_minmax(w, k, &s0, &z0);
		cqi_w4_search(w, k, C, 1, e, &s1, &z1);
		assert_true(z1 >= 0 && z1 <= 15 && s1 > 0);
		rtn(w, k, s0, z0, a);
		rtn(w, k, s1, z1, b);
		assert_true(row_err(w, b, k, C) <= row_err(w, a, k, C) * (1 + 1e-9));
	}
	/* all zero and all positive channels */
	memset(w, 0, sizeof(w));
	cqi_w4_search(w, 9, NULL, 0, e, &s1, &z1);
	assert_true(s1 == 1.0f && z1 == 0);
	for (i = 0; i < 9; i++)
		w[i] = 0.1f * (float)(i + 1);
	cqi_w4_search(w, 9, NULL, 0, e, &s1, &z1);
	assert_int_equal(z1, 0);
}

/* GPTQ rounding beats rounding to nearest on e^T C e for correlated inputs. */
static void test_gptq(void **state)
{
	float w[32], a[32], b[32], s;
	double C[32 * 32], U[32 * 32], T[32 * 32], r[32], tr = 0, tg = 0;
	uint64_t seed = 21;
	uint32_t t, i, k = 32;
	int32_t z;
	(void)state;

	for (t = 0; t < 50; t++) {
		tu_fill(&seed, w, k);
		random_cov(&seed, k, C);
		assert_int_equal(cqi_gptq_prep(C, k, U, T), 0);
		cqi_w4_minmax(w, k, &s, &z);
		rtn(w, k, s, z, a);
		cqi_gptq_row(w, k, U, s, z, b, r);
		for (i = 0; i < k; i++) {
			int8_t q = cqi_q4(b[i], s, z);

			assert_true(q >= 0 && q <= 15);
			assert_true(fabsf(b[i] - s * (q - z)) <= 1e-6f * s);
		}
		tr += row_err(w, a, k, C);
		tg += row_err(w, b, k, C);
	}
	printf("gptq: output error %.3g vs %.3g rounding to nearest\n", tg, tr);
	assert_true(tg < 0.7 * tr);
	/* a degenerate covariance is refused (the caller rounds to nearest) */
	memset(C, 0, sizeof(C));
	assert_int_equal(cqi_gptq_prep(C, k, U, T), -1);
}

/*
 * Bias correction: inputs far from zero turn the weights' rounding
 * error into an output offset; the corrected bias removes it.
 */
static void test_bias_correction(void **state)
{
	const float w[12] = { 0.31f, -0.77f, 0.52f, 0.13f, 0.91f, 0.27f,
			      -0.33f, 0.06f, -0.45f, 0.58f, 0.22f, 0.71f };
	const float b[3] = { 0.1f, -0.2f, 0.3f };
	struct cim_graph *g = fc_graph(w, b);
	struct cim_dataset *d = random_set(4, 128, 4, 2, 3);
	double mean[2][3] = { { 0 } };
	uint32_t f, i, n;
	(void)state;

	for (f = 0; f < 2; f++) {
		struct cim_quant_options opt = { .wbits = 4,
			.flags = f ? CIM_QUANT_NO_BIAS_CORR : 0 };
		const struct cim_qmodel *m;
		struct cim_quantized *q;
		char err[256];

		assert_int_equal(cim_quantize(g, d, &opt, &q, err, sizeof(err)), 0);
		m = cim_quantized_model(q);
		for (i = 0; i < d->n; i++) {
			float ref[3], got[3];
			int8_t qi[4], qo[3];

			tu_run1(g, d->data + i * 4, ref);
			cim_qmodel_quantize_input(m, d->data + i * 4, qi);
			assert_int_equal(cim_qmodel_run(m, qi, qo, NULL), 0);
			cim_qmodel_dequantize_output(m, qo, got);
			for (n = 0; n < 3; n++)
				mean[f][n] += (got[n] - ref[n]) / d->n / m->tensors[1].q.scale;
		}
		cim_quantized_free(q);
	}
	for (n = 0; n < 3; n++) {
		printf("bias correction: channel %u mean error %+.3f LSB (%+.3f without)\n",
		       n, mean[0][n], mean[1][n]);
		assert_true(fabs(mean[0][n]) <= 0.5);
	}
	assert_true(fabs(mean[0][0]) + fabs(mean[0][1]) + fabs(mean[0][2]) <
		    fabs(mean[1][0]) + fabs(mean[1][1]) + fabs(mean[1][2]));
	cim_dataset_free(d);
	cim_graph_free(g);
}

/* b's ops hold the same bytes as a's. */
static void assert_same_model(const struct cim_quantized *qa,
			      const struct cim_quantized *qb)
{
	const struct cim_qmodel *ma = cim_quantized_model(qa);
	const struct cim_qmodel *mb = cim_quantized_model(qb);
	uint32_t i;

	assert_int_equal(ma->n_ops, mb->n_ops);
	for (i = 0; i < ma->n_ops; i++) {
		const struct cim_qop *a = &ma->ops[i], *b = &mb->ops[i];
		uint32_t N = ma->tensors[a->op.out].shape.c, K;

		assert_memory_equal(&a->op, &b->op, sizeof(a->op));
		if (a->op.type > CIM_OP_CONV)
			continue;
		K = (uint32_t)cim_tensor_size(&ma->tensors[a->op.in0].shape);
		if (a->op.type == CIM_OP_CONV)
			K = a->op.kernel_h * a->op.kernel_w *
			    ma->tensors[a->op.in0].shape.c / a->op.groups;
		assert_memory_equal(a->weights, b->weights, (size_t)N * K);
		assert_memory_equal(a->bias, b->bias, N * 4);
		assert_memory_equal(a->mult, b->mult, N * 4);
		if (a->wzp)
			assert_memory_equal(a->wzp, b->wzp, N * 4);
	}
}

/* CONV out <- in with random [oc, c, k, k] weights and bias. */
static void add_conv(struct cim_graph *g, uint64_t *seed, const char *out,
		     const char *in, uint32_t c, uint32_t oc, uint32_t k)
{
	const char *ins[3];
	char wn[32], bn[32];
	float *w = malloc((size_t)oc * c * k * k * sizeof(float)), b[16];
	struct cim_node_desc d = { .name = out, .op = CIM_NODE_CONV,
		.n_inputs = 3, .inputs = ins, .output = out };
	uint32_t i;

	assert_non_null(w);
	for (i = 0; i < oc * c * k * k; i++)
		w[i] = tu_frand(seed) / (float)(c * k);
	for (i = 0; i < oc; i++)
		b[i] = tu_frand(seed) * 0.1f;
	snprintf(wn, sizeof(wn), "%s_w", out);
	snprintf(bn, sizeof(bn), "%s_b", out);
	assert_true(cim_graph_add_initializer(g, wn, 4, DIMS(oc, c, k, k), w) >= 0);
	assert_true(cim_graph_add_initializer(g, bn, 1, DIMS(oc), b) >= 0);
	free(w);
	ins[0] = in;
	ins[1] = wn;
	ins[2] = bn;
	d.attr.conv = (struct cim_conv_attrs){ .kernel = { k, k }, .stride = { 1, 1 },
		.pad = { k / 2, k / 2, k / 2, k / 2 }, .dilation = { 1, 1 }, .group = 1 };
	assert_true(cim_graph_add_node(g, &d) >= 0);
}

/*
 * Two residual blocks' worth of branches.  Layers with full covariance
 * (1x1 on 8 channels, the 3x3 stem on 3) want float inputs, 3x3 on 8
 * (72 inputs) do not.  The sequential statistics run only the float
 * nodes float-input layers depend on, and free each float tensor after
 * its last such reader: t is never run, p runs before a3's statistics
 * and is held until q's, s is held from a1's to d's.  The model must be
 * the one that re-running both networks for every layer gives.
 */
static struct cim_graph *residual_graph(void)
{
	struct cim_graph *g = cim_graph_new();
	uint64_t seed = 77;
	const char *in1[2] = { "t", "d" }, *in2[2] = { "sum", "q" };
	struct cim_node_desc add1 = { .name = "sum", .op = CIM_NODE_ADD,
		.n_inputs = 2, .inputs = in1, .output = "sum" };
	struct cim_node_desc add2 = { .name = "sum2", .op = CIM_NODE_ADD,
		.n_inputs = 2, .inputs = in2, .output = "sum2" };

	assert_non_null(g);
	assert_true(cim_graph_add_input(g, "x", 4, DIMS(1, 3, 6, 6)) >= 0);
	add_conv(g, &seed, "s", "x", 3, 8, 3);
	add_conv(g, &seed, "a1", "s", 8, 8, 1);
	add_conv(g, &seed, "p", "a1", 8, 8, 3);
	add_conv(g, &seed, "a2", "a1", 8, 8, 3);
	add_conv(g, &seed, "a3", "a2", 8, 8, 1);
	add_conv(g, &seed, "t", "a3", 8, 8, 3);
	add_conv(g, &seed, "d", "s", 8, 8, 1);
	add_conv(g, &seed, "q", "p", 8, 8, 1);
	assert_true(cim_graph_add_node(g, &add1) >= 0);
	assert_true(cim_graph_add_node(g, &add2) >= 0);
	add_conv(g, &seed, "y", "sum2", 8, 8, 3);
	assert_int_equal(cim_graph_add_output(g, "y"), 0);
	return g;
}

static void test_seq_residual(void **state)
{
	struct cim_quant_options opt = { .wbits = 4 };
	struct cim_dataset *d = random_set(9, 24, 3 * 6 * 6, -1, 1);
	struct cim_quantized *q[2];
	char err[256];
	uint32_t r;
	(void)state;

	for (r = 0; r < 2; r++) {
		struct cim_graph *g = residual_graph();

		opt.flags = r ? CIM_QUANT_SEQ_RERUN : 0;
		if (cim_quantize(g, d, &opt, &q[r], err, sizeof(err)))
			fail_msg("quantize: %s", err);
		cim_graph_free(g);
	}
	assert_int_equal(cim_quantized_model(q[0])->n_ops, 11);
	assert_same_model(q[0], q[1]);
	for (r = 0; r < 2; r++)
		cim_quantized_free(q[r]);
	cim_dataset_free(d);
}

/*
 * Quantizing again gives the same model, byte for byte (two threads in
 * the search and the int8 runs), and so does the reference way of the
 * sequential statistics, re-running both networks for every layer
 * instead of advancing per-sample frontiers (run 1).
 */
static void test_deterministic(void **state)
{
	struct cim_quant_options opt = { .wbits = 4 };
	struct cim_quantized *q[3];
	struct cim_dataset *calib;
	struct cim_graph *g;
	char err[256];
	uint32_t i, r;
	(void)state;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	for (r = 0; r < 3; r++) {
		opt.flags = r == 1 ? CIM_QUANT_SEQ_RERUN : 0;
		assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 1,
						      &g, err, sizeof(err)), 0);
		assert_int_equal(cim_quantize(g, calib, &opt, &q[r], err, sizeof(err)), 0);
		cim_graph_free(g);
	}
	for (r = 1; r < 3; r++)
		assert_int_equal(cim_quantized_model(q[0])->n_ops,
				 cim_quantized_model(q[r])->n_ops);
	for (r = 1; r < 3; r++)
	for (i = 0; i < cim_quantized_model(q[0])->n_ops; i++) {
		const struct cim_qop *a = &cim_quantized_model(q[0])->ops[i];
		const struct cim_qop *b = &cim_quantized_model(q[r])->ops[i];
		const struct cim_qtensor *ta = &cim_quantized_model(q[0])->tensors[a->op.out];
		uint32_t N = ta->shape.c, K;

		assert_memory_equal(&a->op, &b->op, sizeof(a->op));
		if (a->op.type > CIM_OP_CONV)
			continue;
		K = (uint32_t)(cim_tensor_size(&cim_quantized_model(q[0])->tensors[a->op.in0].shape));
		if (a->op.type == CIM_OP_CONV)
			K = a->op.kernel_h * a->op.kernel_w *
			    cim_quantized_model(q[0])->tensors[a->op.in0].shape.c / a->op.groups;
		assert_memory_equal(a->weights, b->weights, (size_t)N * K);
		assert_memory_equal(a->bias, b->bias, N * 4);
		assert_memory_equal(a->mult, b->mult, N * 4);
		assert_memory_equal(a->wzp, b->wzp, N * 4);
	}
	for (r = 0; r < 3; r++)
		cim_quantized_free(q[r]);
	cim_dataset_free(calib);
}

/* Mean squared error of x quantized with the int8 parameters of [lo, hi]. */
static double range_mse(const float *x, uint32_t n, float lo, float hi)
{
	struct cim_qparams p = cqi_act_params(lo, hi);
	double e = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		double d = (cqi_quantize(&p, x[i]) - p.zero_point) * (double)p.scale - x[i];

		e += d * d;
	}
	return e / n;
}

/* Laplace(0, 1) values: the long-tailed kind activations often are. */
static void laplace(uint64_t *seed, float *x, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		float u = tu_frand(seed);

		x[i] = (u < 0 ? 1.0f : -1.0f) * logf(1.0f - fabsf(u));
	}
}

/*
 * Activation ranges of least error (quant_range.c): 10^6 Laplace values,
 * fed in three calls so that the bins coarsen on the way.  The range
 * found clips both tails (min/max spends levels on a few extreme values)
 * and its real int8 error is well below min/max's; a tensor without
 * negative values keeps lo = 0.  Through cim_quantize(),
 * CIM_QUANT_ACT_MSE narrows the input's scale and leaves the model
 * output's (the top score matters there) alone.
 */
static void test_act_mse(void **state)
{
	enum { N = 1000000 };
	float *x = malloc(N * sizeof(float)), lo, hi, mn = 0, mx = 0;
	uint64_t seed = 7;
	struct cqi_hist h;
	uint32_t i;
	double e_mse, e_mm;
	(void)state;

	assert_non_null(x);
	laplace(&seed, x, N);
	for (i = 0; i < N; i++) {
		mn = fminf(mn, x[i]);
		mx = fmaxf(mx, x[i]);
	}
	assert_int_equal(cqi_hist_init(&h), 0);
	cqi_hist_add(&h, x, 1000);
	cqi_hist_add(&h, x + 1000, N - 2000);
	cqi_hist_add(&h, x + N - 1000, 1000);
	assert_int_equal(cqi_hist_range(&h, &lo, &hi), 0);
	cqi_hist_free(&h);
	e_mse = range_mse(x, N, lo, hi);
	e_mm = range_mse(x, N, mn, mx);
	printf("act range [%.3f, %.3f]: mse %.3g, min/max [%.3f, %.3f] %.3g\n",
	       lo, hi, e_mse, mn, mx, e_mm);
	assert_true(lo > 0.85f * mn && lo < 0.5f * mn);
	assert_true(hi < 0.85f * mx && hi > 0.5f * mx);
	assert_true(e_mse < 0.75 * e_mm);
	/* all positive: lo stays 0 */
	for (i = 0; i < N; i++)
		x[i] = fabsf(x[i]);
	assert_int_equal(cqi_hist_init(&h), 0);
	cqi_hist_add(&h, x, N);
	assert_int_equal(cqi_hist_range(&h, &lo, &hi), 0);
	cqi_hist_free(&h);
	assert_true(lo == 0.0f && hi > 5.0f);
	free(x);
	{
		const float w[12] = { 1, -2, 0.5f, 0, 0.1f, 0.2f, 0.3f, 0.05f, -4, 4, 2, 1 };
		const float b[3] = { 0, 0, 0 };
		struct cim_graph *g[2] = { fc_graph(w, b), fc_graph(w, b) };
		struct cim_dataset *d = random_set(5, 50000, 4, -1, 1);
		struct cim_quantized *q[2];
		char err[256];
		uint32_t f;

		laplace(&seed, d->data, 50000 * 4);
		for (f = 0; f < 2; f++) {
			struct cim_quant_options opt = { .wbits = 8,
				.flags = f ? CIM_QUANT_ACT_MSE : CIM_QUANT_ACT_MINMAX };

			assert_int_equal(cim_quantize(g[f], d, &opt, &q[f], err, sizeof(err)), 0);
		}
		assert_true(cim_quantized_model(q[1])->tensors[0].q.scale <
			    0.9f * cim_quantized_model(q[0])->tensors[0].q.scale);
		assert_true(cim_quantized_model(q[1])->tensors[1].q.scale ==
			    cim_quantized_model(q[0])->tensors[1].q.scale);
		for (f = 0; f < 2; f++) {
			cim_quantized_free(q[f]);
			cim_graph_free(g[f]);
		}
		cim_dataset_free(d);
	}
}

/*
 * The default activation ranges: of min/max and the clipped ranges of
 * least error, the set whose int8 model's output is closer to the float
 * graph's on the calibration data (forced with CIM_QUANT_ACT_MINMAX and
 * CIM_QUANT_ACT_MSE, whose int8 models are exactly the two candidates);
 * min/max in a model with 4-bit layers.
 */
static void test_act_select(void **state)
{
	static const char *const models[] = { MODELS_DIR "/digits_cnn.onnx",
					      MODELS_DIR "/digits_mlp.onnx" };
	static const uint32_t flags[3] = { CIM_QUANT_ACT_MINMAX, CIM_QUANT_ACT_MSE, 0 };
	struct cim_dataset *calib;
	char err[256];
	uint32_t k, f, i, differ;
	(void)state;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	for (k = 0; k < 2; k++) {
		struct cim_quantized *q[3];
		double db[2];
		float *fout = NULL;
		uint32_t len = 0;

		for (f = 0; f < 3; f++) {
			struct cim_quant_options opt = { .wbits = 8, .flags = flags[f] };
			struct cim_graph *g;

			assert_int_equal(cim_onnx_import_file(models[k], 1, &g, err,
							      sizeof(err)), 0);
			assert_int_equal(cim_quantize(g, calib, &opt, &q[f], err,
						      sizeof(err)), 0);
			if (!f) {	/* the float outputs */
				len = (uint32_t)g->tensors[g->outputs[0]].size;
				fout = malloc((size_t)calib->n * len * sizeof(float));
				assert_non_null(fout);
				for (i = 0; i < calib->n; i++)
					tu_run1(g, calib->data + (size_t)i * calib->len,
						fout + (size_t)i * len);
			}
			cim_graph_free(g);
		}
		for (f = 0; f < 2; f++)
			assert_int_equal(cqi_output_sqnr(cim_quantized_model(q[f]), calib,
							 calib->n, fout, &db[f]), 0);
		printf("%s: output SQNR min/max %.2f dB, least error %.2f dB; chosen: %s\n",
		       models[k], db[0], db[1], q[2]->act_mse ? "least error" : "min/max");
		assert_int_equal(q[0]->act_mse, 0);
		assert_int_equal(q[1]->act_mse, 1);
		assert_int_equal(q[2]->act_mse, db[1] > db[0]);
		/* the two sets differ, and the default holds the chosen one */
		differ = 0;
		for (i = 0; i < cim_quantized_model(q[2])->n_tensors; i++) {
			float s = cim_quantized_model(q[2])->tensors[i].q.scale;

			differ += cim_quantized_model(q[0])->tensors[i].q.scale !=
				  cim_quantized_model(q[1])->tensors[i].q.scale;
			assert_true(s == cim_quantized_model(q[db[1] > db[0]])->tensors[i].q.scale);
		}
		assert_true(differ > 0);
		for (f = 0; f < 3; f++)
			cim_quantized_free(q[f]);
		free(fout);
	}
	{	/* a model with 4-bit layers keeps min/max (no int8 proxy) */
		struct cim_quant_options opt = { .wbits = 4 };
		struct cim_quantized *q;
		struct cim_graph *g;

		assert_int_equal(cim_onnx_import_file(models[1], 1, &g, err, sizeof(err)), 0);
		assert_int_equal(cim_quantize(g, calib, &opt, &q, err, sizeof(err)), 0);
		assert_int_equal(q->act_mse, 0);
		cim_quantized_free(q);
		cim_graph_free(g);
	}
	cim_dataset_free(calib);
}

/*
 * CIM_QUANT_SIMD_W8: in a 4-bit model the depthwise CONV runs on the
 * tile SIMD (CIM_OPF_SIMD) with 8-bit weights, every other layer stays
 * 4-bit and off the SIMD; its weights are finer, so its output is
 * closer to the float graph's than with 4-bit weights (the SQNR of the
 * op, which the default 4-bit model must not reach).
 */
static void test_simd_w8(void **state)
{
	struct cim_dataset *calib;
	double sqnr[2][64];
	uint32_t f, i, dw[2] = { UINT32_MAX, UINT32_MAX };
	char err[256];
	(void)state;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	for (f = 0; f < 2; f++) {
		struct cim_quant_options opt = { .wbits = 4,
			.flags = f ? CIM_QUANT_SIMD_W8 : 0 };
		const struct cim_qmodel *m;
		struct cim_quantized *q;
		struct cim_graph *g;

		assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 1,
						      &g, err, sizeof(err)), 0);
		assert_int_equal(cim_quantize(g, calib, &opt, &q, err, sizeof(err)), 0);
		m = cim_quantized_model(q);
		assert_true(m->n_ops <= 64);
		for (i = 0; i < m->n_ops; i++) {
			const struct cim_image_op *op = &m->ops[i].op;
			int depthwise = op->type == CIM_OP_CONV && op->groups > 1 &&
					op->groups == m->tensors[op->in0].shape.c;

			if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
				continue;
			if (depthwise)
				dw[f] = i;
			assert_int_equal(op->wbits, f && depthwise ? 8 : 4);
			assert_int_equal(!!(op->flags & CIM_OPF_SIMD), f && depthwise);
		}
		assert_int_equal(cim_quant_report(q, g, calib, sqnr[f], NULL), 0);
		cim_quantized_free(q);
		cim_graph_free(g);
	}
	assert_int_not_equal(dw[0], UINT32_MAX);
	assert_int_equal(dw[0], dw[1]);
	printf("depthwise CONV SQNR: %.2f dB with 8-bit weights on the SIMD, %.2f dB 4-bit\n",
	       sqnr[1][dw[1]], sqnr[0][dw[0]]);
	assert_true(sqnr[1][dw[1]] > sqnr[0][dw[0]] + 1.0);
	cim_dataset_free(calib);
}

static void test_rejects(void **state)
{
	const float w[12] = { 0 }, b[3] = { 0 };
	struct cim_graph *g = fc_graph(w, b);
	struct cim_dataset *d = random_set(3, 4, 5, 0, 1);
	struct cim_quant_options opt = { .wbits = 3 };
	struct cim_quantized *q;
	char err[256];
	(void)state;

	assert_int_equal(cim_quantize(g, d, NULL, &q, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "calibration samples have 5 values, the model input 4");
	assert_int_equal(cim_quantize(g, d, &opt, &q, err, sizeof(err)), -EINVAL);
	cim_dataset_free(d);
	cim_graph_free(g);

	/* a standalone ReLU has no op on the card */
	g = cim_graph_new();
	cim_graph_add_input(g, "x", 2, DIMS(1, 4));
	{
		const char *ins[1] = { "x" };
		struct cim_node_desc dd = { .name = "r", .op = CIM_NODE_RELU,
			.n_inputs = 1, .inputs = ins, .output = "y" };

		cim_graph_add_node(g, &dd);
	}
	cim_graph_add_output(g, "y");
	d = random_set(3, 4, 4, 0, 1);
	assert_int_equal(cim_quantize(g, d, NULL, &q, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "node \"r\" (Relu): not supported on the card (not fused into a preceding layer)");
	cim_dataset_free(d);
	cim_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiplier),
		cmocka_unit_test(test_fc_int8_math),
		cmocka_unit_test(test_fc_int4),
		cmocka_unit_test(test_w4_search),
		cmocka_unit_test(test_gptq),
		cmocka_unit_test(test_bias_correction),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_seq_residual),
		cmocka_unit_test(test_digits_mlp),
		cmocka_unit_test(test_digits_cnn),
		cmocka_unit_test(test_report_alone),
		cmocka_unit_test(test_simd_w8),
		cmocka_unit_test(test_act_mse),
		cmocka_unit_test(test_act_select),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
