// SPDX-License-Identifier: MIT
/*
 * Per-layer SQNR of a quantized model against its float graph: for each
 * op, signal = the float value of the graph tensor it computes, noise =
 * signal minus the dequantized int8 result of the integer executor, both
 * over every sample; SQNR = 10 log10(sum signal^2 / sum noise^2).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "quant.h"
#include "ref_private.h"

static const char *type_name(uint16_t t)
{
	static const char *const names[] = { "?", "FC", "CONV", "MAXPOOL",
		"AVGPOOL", "ADD", "CONCAT", "SHUFFLE", "EXIT" };

	return t <= CIM_OP_MAX ? names[t] : "?";
}

/* Add one tensor's signal and noise power (float NCHW vs int8 HWC). */
static void accumulate(const struct cim_qtensor *t, const float *f,
		       const int8_t *q, double *sig, double *noise)
{
	uint32_t c, p, hw = t->shape.h * t->shape.w;

	for (c = 0; c < t->shape.c; c++) {
		for (p = 0; p < hw; p++) {
			double ref = f[(size_t)c * hw + p];
			double deq = (double)t->q.scale *
				     (q[(size_t)p * t->shape.c + c] - t->q.zero_point);

			*sig += ref * ref;
			*noise += (ref - deq) * (ref - deq);
		}
	}
}

int cim_quant_report(const struct cim_quantized *q, struct cim_graph *g,
		     const struct cim_dataset *d, double *sqnr, FILE *f)
{
	const struct cim_qmodel *m = &q->m;
	double *sig, *noise;
	int8_t *in, **qv;
	float **fv;
	uint32_t s, i;
	int ret = 0;

	if (!q || !g || !d || !sqnr || d->len != g->tensors[g->inputs[0]].size)
		return -EINVAL;
	sig = calloc(m->n_tensors, sizeof(double));
	noise = calloc(m->n_tensors, sizeof(double));
	in = malloc(d->len);
	if (!sig || !noise || !in)
		ret = -ENOMEM;
	for (s = 0; s < d->n && !ret; s++) {
		const float *x = d->data + (size_t)s * d->len;

		ret = cim_graph_run_all(g, &x, &fv);
		if (ret)
			break;
		cim_qmodel_quantize_input(m, x, in);
		ret = cim_qmodel_run(m, in, NULL, &qv);
		if (!ret) {
			for (i = 1; i < m->n_tensors; i++)
				accumulate(&m->tensors[i], fv[q->src[i]], qv[i],
					   &sig[i], &noise[i]);
			for (i = 0; i < m->n_tensors; i++)
				free(qv[i]);
			free(qv);
		}
		cim_graph_values_free(g, fv);
	}
	if (!ret && f && m->n_tensors)
		fprintf(f, "input %-40s %s scale %.9g zp %d\n",
			g->tensors[q->src[0]].name,
			cim_graph_qdq(g, g->tensors[q->src[0]].name) ?
			"qdq-from-file" : "calibrated",
			(double)m->tensors[0].q.scale, m->tensors[0].q.zero_point);
	for (i = 0; i < m->n_ops && !ret; i++) {
		uint32_t t = m->ops[i].op.out;

		sqnr[i] = noise[t] > 0 ? 10 * log10(sig[t] / noise[t]) : INFINITY;
		if (f)
			fprintf(f, "layer %-40s %-8s w%-2u sqnr %6.2f dB  weights %s  out %s scale %.9g zp %d\n",
				m->ops[i].name ? m->ops[i].name : "?",
				type_name(m->ops[i].op.type),
				m->ops[i].op.type <= CIM_OP_CONV ? m->ops[i].op.wbits : 0,
				sqnr[i], cqi_wsrc_name(q, i),
				cim_graph_qdq(g, g->tensors[q->src[t]].name) ?
				"qdq-from-file" : "calibrated",
				(double)m->tensors[t].q.scale,
				m->tensors[t].q.zero_point);
	}
	free(sig);
	free(noise);
	free(in);
	return ret;
}
