// SPDX-License-Identifier: MIT
/*
 * Per-layer SQNR of a quantized model against its float graph: for each
 * op, signal = the float value of the graph tensor it computes, noise =
 * signal minus the dequantized int8 result of the integer executor, both
 * over every sample; SQNR = 10 log10(sum signal^2 / sum noise^2).
 * Next to it, with a report to print: the op "alone", run on its inputs
 * as the float graph computes them, quantized, so that the noise is what
 * this op adds (its weights, its output scale, its table), not what it
 * inherits; and "repr", the float output rounded to the output's int8
 * parameters, the best any op writing that tensor can do.  A tensor that
 * holds a part of a graph tensor (a split layer's) has neither ("-").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "ref_ops.h"
#include "ref_private.h"

static const char *type_name(uint16_t t)
{
	static const char *const names[] = { "?", "FC", "CONV", "MAXPOOL",
		"AVGPOOL", "ADD", "CONCAT", "SHUFFLE", "EXIT", "LUT", "MUL",
		"SLICE" };

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

/* Float NCHW -> int8 HWC with t's parameters. */
static void quantize_hwc(const struct cim_qtensor *t, const float *f, int8_t *q)
{
	uint32_t c, p, hw = t->shape.h * t->shape.w;

	for (c = 0; c < t->shape.c; c++)
		for (p = 0; p < hw; p++)
			q[(size_t)p * t->shape.c + c] = cqi_quantize(&t->q, f[(size_t)c * hw + p]);
}

/* Does qtensor t hold all of its graph tensor? */
static int whole(const struct cim_quantized *q, const struct cim_graph *g,
		 uint32_t t)
{
	return cim_tensor_size(&q->m.tensors[t].shape) ==
	       g->tensors[q->src[t]].size;
}

/* "%6.2f" of 10 log10(sig / noise), or "-" when nothing was summed. */
static const char *db(double sig, double noise, char *buf, size_t len)
{
	if (sig <= 0 && noise <= 0)
		return "     -";
	if (noise <= 0)
		return "   inf";
	snprintf(buf, len, "%6.2f", 10 * log10(sig / noise));
	return buf;
}

/*
 * Op i alone on one sample: its inputs the float values quantized where
 * a qtensor holds a whole graph tensor (else the model's own values: a
 * part of a split layer), into scratch; its signal and noise added.
 */
static int alone(const struct cim_quantized *q, const struct cim_graph *g,
		 float **fv, int8_t **qv, uint32_t i, struct refi_env *e,
		 int8_t **tmp, double *sig, double *noise)
{
	const struct cim_qmodel *m = &q->m;
	const struct cim_image_op *op = &m->ops[i].op;
	uint32_t ins[2] = { op->in0, op->in1 }, j, t;

	for (j = 0; j < 2; j++) {
		t = ins[j];
		if (t == CIM_TENSOR_NONE || t >= m->n_tensors)
			continue;
		if (whole(q, g, t) && fv[q->src[t]]) {
			tmp[j] = malloc(cim_tensor_size(&m->tensors[t].shape) + 1);
			if (!tmp[j])
				return -ENOMEM;
			quantize_hwc(&m->tensors[t], fv[q->src[t]], tmp[j]);
			e->ptr[t] = tmp[j];
		}
	}
	tmp[2] = malloc(cim_tensor_size(&m->tensors[op->out].shape) + 1);
	if (!tmp[2])
		return -ENOMEM;
	e->ptr[op->out] = tmp[2];
	refi_op(e, op, i);
	if (whole(q, g, op->out)) {
		accumulate(&m->tensors[op->out], fv[q->src[op->out]], tmp[2],
			   sig, noise);
		quantize_hwc(&m->tensors[op->out], fv[q->src[op->out]], tmp[2]);
		accumulate(&m->tensors[op->out], fv[q->src[op->out]], tmp[2],
			   sig + m->n_tensors, noise + m->n_tensors);
	}
	for (j = 0; j < 2; j++)
		if (ins[j] != CIM_TENSOR_NONE && ins[j] < m->n_tensors)
			e->ptr[ins[j]] = qv[ins[j]];
	e->ptr[op->out] = qv[op->out];
	return 0;
}

/* Every op alone on one sample. */
static int alone_all(const struct cim_quantized *q, const struct cim_graph *g,
		     float **fv, int8_t **qv, double *sig, double *noise)
{
	const struct cim_qmodel *m = &q->m;
	struct cim_image_tensor *shape = calloc(m->n_tensors, sizeof(*shape));
	int8_t **ptr = malloc(m->n_tensors * sizeof(*ptr));	/* qv, retargeted */
	struct refi_env e = { .ptr = ptr, .shape = shape };
	uint64_t K, N, kmax = 1, nmax = 1;
	int8_t *tmp[3];
	uint32_t i, j;
	int ret = shape && ptr ? 0 : -ENOMEM;

	cqi_qmodel_env(&e, m);
	if (ptr)
		memcpy(ptr, qv, m->n_tensors * sizeof(*ptr));
	for (i = 0; shape && i < m->n_tensors; i++)
		shape[i] = m->tensors[i].shape;
	for (i = 0; !ret && i < m->n_ops; i++) {
		refi_op_vectors(&m->ops[i].op, shape, &K, &N);
		kmax = K > kmax ? K : kmax;
		nmax = N > nmax ? N : nmax;
	}
	e.x = ret ? NULL : malloc(kmax);
	e.acc = ret ? NULL : malloc(nmax * sizeof(*e.acc));
	if (!e.x || !e.acc)
		ret = -ENOMEM;
	for (i = 0; i < m->n_ops && !ret; i++) {
		memset(tmp, 0, sizeof(tmp));
		ret = alone(q, g, fv, qv, i, &e, tmp, &sig[m->ops[i].op.out],
			    &noise[m->ops[i].op.out]);
		for (j = 0; j < 3; j++)
			free(tmp[j]);
	}
	free(e.x);
	free(e.acc);
	free(shape);
	free(ptr);
	return ret;
}

int cim_quant_report(const struct cim_quantized *q, struct cim_graph *g,
		     const struct cim_dataset *d, double *sqnr, FILE *f)
{
	const struct cim_qmodel *m = &q->m;
	double *sig, *noise, *sig1, *noise1;
	int8_t *in, **qv;
	float **fv;
	uint32_t s, i;
	int ret = 0;

	if (!q || !g || !d || !sqnr || d->len != g->tensors[g->inputs[0]].size)
		return -EINVAL;
	sig = calloc(m->n_tensors, sizeof(double));
	noise = calloc(m->n_tensors, sizeof(double));
	sig1 = calloc(2 * m->n_tensors, sizeof(double));	/* alone, repr */
	noise1 = calloc(2 * m->n_tensors, sizeof(double));
	in = malloc(d->len);
	if (!sig || !noise || !sig1 || !noise1 || !in)
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
			if (f)
				ret = alone_all(q, g, fv, qv, sig1, noise1);
			for (i = 0; i < m->n_tensors; i++)
				free(qv[i]);
			free(qv);
		}
		cim_graph_values_free(g, fv);
	}
	if (!ret && f)
		fprintf(f, "activation ranges %s\n", q->act_mse ?
			"least-error (clipped)" : "min/max");
	if (!ret && f && m->n_tensors)
		fprintf(f, "input %-40s %s scale %.9g zp %d\n",
			g->tensors[q->src[0]].name,
			cim_graph_qdq(g, g->tensors[q->src[0]].name) ?
			"qdq-from-file" : "calibrated",
			(double)m->tensors[0].q.scale, m->tensors[0].q.zero_point);
	for (i = 0; i < m->n_ops && !ret; i++) {
		uint32_t t = m->ops[i].op.out;
		char b1[32], b2[32];

		sqnr[i] = noise[t] > 0 ? 10 * log10(sig[t] / noise[t]) : INFINITY;
		if (f)
			fprintf(f, "layer %-40s %-8s w%-2u sqnr %6.2f dB  alone %s dB  repr %s dB  weights %s  out %s scale %.9g zp %d\n",
				m->ops[i].name ? m->ops[i].name : "?",
				type_name(m->ops[i].op.type),
				m->ops[i].op.type <= CIM_OP_CONV ? m->ops[i].op.wbits : 0,
				sqnr[i], db(sig1[t], noise1[t], b1, sizeof(b1)),
				db(sig1[t + m->n_tensors], noise1[t + m->n_tensors],
				   b2, sizeof(b2)),
				cqi_wsrc_name(q, i),
				cim_graph_qdq(g, g->tensors[q->src[t]].name) ?
				"qdq-from-file" : "calibrated",
				(double)m->tensors[t].q.scale,
				m->tensors[t].q.zero_point);
	}
	free(sig);
	free(noise);
	free(sig1);
	free(noise1);
	free(in);
	return ret;
}

int cqi_output_sqnr(const struct cim_qmodel *m, const struct cim_dataset *d,
		    uint32_t n, const float *fout, double *sqnr)
{
	const struct cim_qtensor *t = &m->tensors[m->output_tensor];
	uint32_t len = (uint32_t)cim_tensor_size(&t->shape), s, i;
	int8_t *in = malloc(d->len), *out = malloc(len);
	float *v = malloc(len * sizeof(float));
	double sig = 0, noise = 0;
	int ret = in && out && v ? 0 : -ENOMEM;

	for (s = 0; s < n && !ret; s++) {
		const float *f = fout + (size_t)s * len;

		cim_qmodel_quantize_input(m, d->data + (size_t)s * d->len, in);
		ret = cim_qmodel_run(m, in, out, NULL);
		cim_qmodel_dequantize_output(m, out, v);
		for (i = 0; i < len && !ret; i++) {
			sig += (double)f[i] * f[i];
			noise += ((double)v[i] - f[i]) * ((double)v[i] - f[i]);
		}
	}
	*sqnr = noise > 0 ? 10 * log10(sig / noise) : INFINITY;
	free(in);
	free(out);
	free(v);
	return ret;
}
