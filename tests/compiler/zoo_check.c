// SPDX-License-Identifier: MIT
/*
 * zoo_check: one exported torchvision model against PyTorch.
 *   zoo_check MODEL.onnx REF.bin CALIB.bin [--wbits 8|4]
 * REF holds PyTorch's float output on the first samples of CALIB (CIMD,
 * tests/models/gen_zoo.py).  Checks, on those samples:
 *   1. the float executor: every output within FLOAT_TOL times the
 *      largest |output| of its sample (the import is exact up to float
 *      rounding);
 *   2. the model quantized with all of CALIB, run by the integer
 *      executor (the card's arithmetic): the SQNR of its dequantized
 *      output against PyTorch's, at least QUANT_MIN_DB.
 * Prints both figures; exit 0 if both hold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim_graph.h"
#include "cim_quantize.h"
#include "ref_private.h"	/* cim_qmodel_run(): the integer executor */

#define FLOAT_TOL	1e-4
/*
 * int8 with 4 calibration samples on random weights: measured 7.7 dB
 * (mobilenet_v3_small) to 43 dB (alexnet); a broken op gives 0 or less.
 */
#define QUANT_MIN_DB_8	5.0
#define QUANT_MIN_DB_4	0.0

static int float_check(struct cim_graph *g, const struct cim_dataset *ref,
		       const struct cim_dataset *x, double *worst)
{
	uint32_t olen = ref->len, s, i;
	float *out = malloc(olen * sizeof(float));

	*worst = 0;
	for (s = 0; out && s < ref->n; s++) {
		const float *in = x->data + (size_t)s * x->len;
		const float *r = ref->data + (size_t)s * olen;
		double mx = 0, d = 0;

		if (cim_graph_run(g, &in, &out)) {
			free(out);
			return -1;
		}
		for (i = 0; i < olen; i++) {
			mx = fmax(mx, fabs(r[i]));
			d = fmax(d, fabs(r[i] - out[i]));
		}
		*worst = fmax(*worst, d / (mx > 0 ? mx : 1));
	}
	free(out);
	return out ? 0 : -1;
}

static int quant_check(struct cim_graph *g, const struct cim_dataset *ref,
		       const struct cim_dataset *x, uint32_t wbits, double *db,
		       char *err, size_t errlen)
{
	struct cim_quant_options o = { .wbits = wbits };
	struct cim_quantized *q;
	const struct cim_qmodel *m;
	double sig = 0, noise = 0;
	int8_t *qin, *qout;
	float *out;
	uint32_t s, i;
	int ret;

	ret = cim_quantize(g, x, &o, &q, err, errlen);
	if (ret)
		return ret;
	m = cim_quantized_model(q);
	qin = malloc(x->len);
	qout = malloc(ref->len);
	out = malloc(ref->len * sizeof(float));
	for (s = 0; qin && qout && out && !ret && s < ref->n; s++) {
		const float *r = ref->data + (size_t)s * ref->len;

		cim_qmodel_quantize_input(m, x->data + (size_t)s * x->len, qin);
		ret = cim_qmodel_run(m, qin, qout, NULL);
		cim_qmodel_dequantize_output(m, qout, out);
		for (i = 0; i < ref->len; i++) {
			sig += (double)r[i] * r[i];
			noise += ((double)r[i] - out[i]) * ((double)r[i] - out[i]);
		}
	}
	if (!qin || !qout || !out)
		ret = -1;
	*db = 10 * log10(sig / (noise > 0 ? noise : 1e-30));
	free(qin);
	free(qout);
	free(out);
	cim_quantized_free(q);
	if (ret)
		snprintf(err, errlen, "integer executor failed");
	return ret;
}

int main(int argc, char **argv)
{
	struct cim_dataset *ref = NULL, *x = NULL;
	struct cim_graph *g = NULL;
	uint32_t wbits = argc > 5 && !strcmp(argv[4], "--wbits") ? (uint32_t)atoi(argv[5]) : 8;
	double worst, db, min_db = wbits == 4 ? QUANT_MIN_DB_4 : QUANT_MIN_DB_8;
	char err[512];
	int ret = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: zoo_check MODEL.onnx REF.bin CALIB.bin [--wbits 8|4]\n");
		return 2;
	}
	if (cim_onnx_import_file(argv[1], 0, &g, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	if (cim_dataset_load(argv[2], &ref, err, sizeof(err)) ||
	    cim_dataset_load(argv[3], &x, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (ref->len != g->tensors[g->outputs[0]].size ||
	    x->len != g->tensors[g->inputs[0]].size || x->n < ref->n) {
		fprintf(stderr, "%s: shapes of the model, reference and samples differ\n",
			argv[1]);
		goto out;
	}
	if (float_check(g, ref, x, &worst)) {
		fprintf(stderr, "%s: float executor failed\n", argv[1]);
		goto out;
	}
	printf("%s: float vs PyTorch on %u samples: worst relative difference %.3g (at most %.3g)\n",
	       argv[1], ref->n, worst, FLOAT_TOL);
	if (quant_check(g, ref, x, wbits, &db, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		goto out;
	}
	printf("%s: int%u (%u calibration samples) vs PyTorch: SQNR %.1f dB (at least %.1f)\n",
	       argv[1], wbits, x->n, db, min_db);
	ret = worst <= FLOAT_TOL && db >= min_db ? 0 : 1;
out:
	cim_dataset_free(ref);
	cim_dataset_free(x);
	cim_graph_free(g);
	return ret;
}
