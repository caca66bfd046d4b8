// SPDX-License-Identifier: MIT
/*
 * zoo_check: one exported torchvision model against PyTorch.
 *   zoo_check MODEL.onnx REF.bin SAMPLES.bin [TOL]
 * Imports the model, runs the float executor on the first samples of
 * SAMPLES (as many as REF holds) and compares with PyTorch's float
 * output REF (CIMD): fails if any output differs by more than TOL
 * (default 1e-3) times the largest |output| of its sample.  Prints the
 * worst relative difference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cim_graph.h"

int main(int argc, char **argv)
{
	struct cim_dataset *ref = NULL, *x = NULL;
	struct cim_graph *g = NULL;
	double tol = argc > 4 ? atof(argv[4]) : 1e-3, worst = 0;
	char err[512];
	float *out = NULL;
	uint32_t s, i, olen;
	int ret = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: zoo_check MODEL.onnx REF.bin SAMPLES.bin [TOL]\n");
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
	olen = (uint32_t)g->tensors[g->outputs[0]].size;
	if (ref->len != olen || x->len != g->tensors[g->inputs[0]].size ||
	    x->n < ref->n) {
		fprintf(stderr, "%s: shapes of the model, reference and samples differ\n",
			argv[1]);
		goto out;
	}
	out = malloc(olen * sizeof(float));
	for (s = 0; out && s < ref->n; s++) {
		const float *in = x->data + (size_t)s * x->len;
		const float *r = ref->data + (size_t)s * olen;
		double mx = 0, d = 0;

		if (cim_graph_run(g, &in, &out)) {
			fprintf(stderr, "%s: float executor failed\n", argv[1]);
			goto out;
		}
		for (i = 0; i < olen; i++) {
			mx = fmax(mx, fabs(r[i]));
			d = fmax(d, fabs(r[i] - out[i]));
		}
		worst = fmax(worst, d / (mx > 0 ? mx : 1));
	}
	printf("%s: float vs PyTorch on %u samples: worst relative difference %.3g (tolerance %.3g)\n",
	       argv[1], ref->n, worst, tol);
	ret = out && worst <= tol ? 0 : 1;
out:
	free(out);
	cim_dataset_free(ref);
	cim_dataset_free(x);
	cim_graph_free(g);
	return ret;
}
