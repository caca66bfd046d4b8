// SPDX-License-Identifier: MIT
/*
 * Graph IR to quantized model (cim_qmodel.h).  Calibration runs the
 * float executor for each activation's range; then each node becomes an
 * op (FC, CONV, pools, ADD, CONCAT, SHUFFLE) writing a new int8 HWC
 * tensor, or an alias (Reshape/Flatten: same bytes, FC weights permuted
 * from CHW to HWC order), or the host softmax at the end.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "ref_private.h"

struct qb {
	struct cim_graph *g;
	struct cim_quantized *q;
	const struct cim_quant_options *opt;
	float *lo, *hi;		/* per graph tensor, from calibration */
	struct cqi_hist *hist;	/* per graph tensor: its values (or NULL) */
	float *mlo, *mhi;	/* per graph tensor: ranges of least error */
	float *fout;		/* the float outputs of the first n_fout */
	uint32_t n_fout, cur;	/* calibration samples; the one running */
	int proxy;		/* an int8 model to compare ranges with */
	int act_mse;		/* the ranges of least error won */
	int w4;			/* the model has 4-bit layers */
	int32_t *qid;		/* per graph tensor: qtensor, -1 if none */
	struct cqi_stats *st;	/* per graph node: FC/CONV input statistics */
	const struct cim_dataset *calib;
	int seq;		/* statistics from the quantized model so far */
	struct cqi_seq *sq;	/* ... kept per sample (quant_seq.c) */
	char *err;
	size_t errlen;
};

static int qerr(struct qb *b, const struct cim_node *n, const char *what)
{
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "node \"%s\" (%s): %s", n->name,
			 cgi_op_name(n->op), what);
	return -EINVAL;
}

static uint32_t wbits_of(struct qb *b, const struct cim_node *n);

static uint32_t flags_of(const struct qb *b)
{
	return b->opt ? b->opt->flags : 0;
}

/* Does node n need input statistics (clipping search, bias correction)? */
static int wants_stats(struct qb *b, const struct cim_node *n)
{
	if (n->op != CIM_NODE_FC && n->op != CIM_NODE_CONV)
		return 0;
	if (!(flags_of(b) & CIM_QUANT_NO_BIAS_CORR))
		return 1;
	return wbits_of(b, n) == 4 && !(flags_of(b) & CIM_QUANT_W4_MINMAX);
}

static void update_range(struct qb *b, uint32_t t, const float *v)
{
	float lo = b->lo[t], hi = b->hi[t];
	uint64_t i;

	for (i = 0; i < b->g->tensors[t].size; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	b->lo[t] = lo;
	b->hi[t] = hi;
	if (b->hist && b->hist[t].bins)
		cqi_hist_add(&b->hist[t], v, b->g->tensors[t].size);
}

/*
 * One sample through the float graph, node by node: each node's output
 * range and its input statistics as soon as it has run, and each tensor
 * freed after the last node that reads it (last[t]), so that only the
 * live activations are held, not all of them.
 */
static int calib_sample(struct qb *b, const float *in, const int64_t *last,
			float **v)
{
	struct cim_graph *g = b->g;
	uint32_t k, t, x = g->inputs[0];
	int ret = 0;

	for (t = 0; t < g->n_tensors; t++)
		v[t] = g->tensors[t].data;
	v[x] = (float *)in;
	update_range(b, x, in);
	for (k = 0; k < g->n_nodes && !ret; k++) {
		const struct cim_node *n = &g->nodes[k];

		v[n->output] = malloc(g->tensors[n->output].size * sizeof(float));
		if (!v[n->output]) {
			ret = -ENOMEM;
			break;
		}
		cgk_run_node(g, n, v);
		update_range(b, n->output, v[n->output]);
		if (b->fout && n->output == g->outputs[0] && b->cur < b->n_fout)
			memcpy(b->fout + (size_t)b->cur * g->tensors[n->output].size,
			       v[n->output], g->tensors[n->output].size * sizeof(float));
		if (n->n_inputs)
			cqi_stats_add(&b->st[k], g, n, v[n->inputs[0]], v[n->inputs[0]]);
		for (t = 0; t < n->n_inputs; t++) {
			uint32_t u = n->inputs[t];

			if (last[u] == k && !g->tensors[u].data && u != x) {
				free(v[u]);
				v[u] = NULL;
			}
		}
		if (last[n->output] < (int64_t)k) {	/* read by no node */
			free(v[n->output]);
			v[n->output] = NULL;
		}
	}
	for (t = 0; t < g->n_tensors; t++)	/* the outputs; all on errors */
		if (v[t] && !g->tensors[t].data && t != x)
			free(v[t]);
	return ret;
}

/* Multiply-adds of one inference: FC and CONV layers. */
static uint64_t graph_macs(const struct cim_graph *g)
{
	uint64_t m = 0;
	uint32_t i;

	for (i = 0; i < g->n_nodes; i++) {
		const struct cim_node *n = &g->nodes[i];
		const struct cim_tensor *o = &g->tensors[n->output];

		if (n->op == CIM_NODE_FC)
			m += g->tensors[n->inputs[1]].size;
		else if (n->op == CIM_NODE_CONV && o->rank == 4)
			m += g->tensors[n->inputs[1]].size * o->dims[2] * o->dims[3];
	}
	return m;
}

/*
 * Histograms of the activations whose range may be clipped, for
 * CIM_QUANT_ACT_MSE or the choice between both sets (unless
 * CIM_QUANT_ACT_MINMAX, the choice would cost more than CQI_SELECT_MACS,
 * or the model has 4-bit layers: its int8 proxy chose clipped ranges for
 * mobilenet_v2 and shufflenet_v2 that cost their 4-bit models 1.7 and
 * 1.1 points of digits top-1): every node output and the input, except
 * the model's result and what a softmax reads (the top score is the
 * outlier that matters there).
 */
static int hist_init(struct qb *b)
{
	struct cim_graph *g = b->g;
	uint8_t *keep;
	uint32_t t;
	int ret = 0;

	if ((flags_of(b) & CIM_QUANT_ACT_MINMAX) ||
	    (!(flags_of(b) & CIM_QUANT_ACT_MSE) &&
	     (b->w4 || 2 * (double)graph_macs(g) * b->calib->n > (double)CQI_SELECT_MACS)))
		return 0;
	b->hist = calloc(g->n_tensors ? g->n_tensors : 1, sizeof(*b->hist));
	keep = calloc(g->n_tensors ? g->n_tensors : 1, 1);
	if (!b->hist || !keep) {
		free(keep);
		return -ENOMEM;
	}
	for (t = 0; t < g->n_outputs; t++)
		keep[g->outputs[t]] = 1;
	for (t = 0; t < g->n_nodes; t++)
		if (g->nodes[t].op == CIM_NODE_SOFTMAX)
			keep[g->nodes[t].inputs[0]] = 1;
	if (g->n_inputs && !keep[g->inputs[0]])
		ret = cqi_hist_init(&b->hist[g->inputs[0]]);
	for (t = 0; t < g->n_nodes && !ret; t++)
		if (!keep[g->nodes[t].output])
			ret = cqi_hist_init(&b->hist[g->nodes[t].output]);
	free(keep);
	return ret;
}

/* The clipped ranges (mlo, mhi), and the histograms freed. */
static int hist_ranges(struct qb *b)
{
	uint32_t t;
	int ret = 0;

	if (b->hist) {
		b->mlo = malloc(b->g->n_tensors * sizeof(float));
		b->mhi = malloc(b->g->n_tensors * sizeof(float));
		ret = b->mlo && b->mhi ? 0 : -ENOMEM;
	}
	for (t = 0; b->hist && t < b->g->n_tensors; t++) {
		if (!ret) {
			b->mlo[t] = b->lo[t];
			b->mhi[t] = b->hi[t];
		}
		if (b->hist[t].bins && !ret && b->lo[t] <= b->hi[t])
			ret = cqi_hist_range(&b->hist[t], &b->mlo[t], &b->mhi[t]);
		cqi_hist_free(&b->hist[t]);
	}
	free(b->hist);
	b->hist = NULL;
	return ret;
}

static int calibrate(struct qb *b, const struct cim_dataset *d)
{
	struct cim_graph *g = b->g;
	uint32_t s, t, j;
	int64_t *last;
	float **v;
	int ret = 0;

	for (t = 0; t < g->n_tensors; t++) {
		b->lo[t] = INFINITY;
		b->hi[t] = -INFINITY;
	}
	/*
	 * Sequential mode keeps these float statistics unfinished: the
	 * layers that need no float inputs later take their float sums.
	 */
	for (t = 0; t < g->n_nodes; t++)
		if (wants_stats(b, &g->nodes[t]) &&
		    cqi_stats_init(&b->st[t], g, &g->nodes[t]))
			return -ENOMEM;
	last = malloc((g->n_tensors ? g->n_tensors : 1) * sizeof(*last));
	v = calloc(g->n_tensors ? g->n_tensors : 1, sizeof(*v));
	if (!last || !v) {
		free(last);
		free(v);
		return -ENOMEM;
	}
	for (t = 0; t < g->n_tensors; t++)
		last[t] = -1;
	for (t = 0; t < g->n_nodes; t++)
		for (j = 0; j < g->nodes[t].n_inputs; j++)
			last[g->nodes[t].inputs[j]] = t;
	ret = hist_init(b);
	if (!ret && b->hist && !(flags_of(b) & CIM_QUANT_ACT_MSE)) {
		/* what the choice between the two range sets is judged on */
		b->n_fout = d->n;
		b->fout = malloc((size_t)b->n_fout * g->tensors[g->outputs[0]].size *
				 sizeof(float) + 1);
		ret = b->fout ? 0 : -ENOMEM;
	}
	for (s = 0; s < d->n && !ret; s++) {
		b->cur = s;
		ret = calib_sample(b, d->data + (size_t)s * d->len, last, v);
	}
	free(last);
	free(v);
	ret = ret ? ret : hist_ranges(b);
	if (ret)	/* the histograms, on errors */
		hist_ranges(b);
	if (ret)
		return ret;
	for (t = 0; t < g->n_nodes && !b->seq; t++)
		cqi_stats_finish(&b->st[t]);
	/* a QDQ model's activation parameters win over the range seen */
	for (t = 0; t < g->n_tensors; t++) {
		const struct cim_graph_qdq *qd = cim_graph_qdq(g, g->tensors[t].name);

		if (qd) {
			b->lo[t] = qd->scale * (float)(-128 - qd->zero_point);
			b->hi[t] = qd->scale * (float)(127 - qd->zero_point);
			if (b->mlo) {
				b->mlo[t] = b->lo[t];
				b->mhi[t] = b->hi[t];
			}
		}
	}
	return 0;
}

/* A new qtensor for graph tensor t with shape c, h, w. */
static int new_qtensor(struct qb *b, uint32_t t, uint32_t c, uint32_t h,
		       uint32_t w, const struct cim_qparams *p)
{
	struct cim_quantized *q = b->q;
	struct cim_qtensor *qt = &q->tensors[q->m.n_tensors];

	memset(qt, 0, sizeof(*qt));
	qt->shape.c = c;
	qt->shape.h = h;
	qt->shape.w = w;
	qt->q = p ? *p : cqi_act_params(b->lo[t], b->hi[t]);
	qt->name = strdup(b->g->tensors[t].name);
	if (!qt->name)
		return -ENOMEM;
	q->src[q->m.n_tensors] = t;
	b->qid[t] = (int32_t)q->m.n_tensors;
	return (int)q->m.n_tensors++;
}

/* The qtensor a node reads as input i, laid out as the graph's NCHW. */
static const struct cim_qtensor *natural(struct qb *b, const struct cim_node *n,
					 uint32_t i)
{
	const struct cim_tensor *t = &b->g->tensors[n->inputs[i]];
	const struct cim_qtensor *qt;

	if (b->qid[n->inputs[i]] < 0)
		return NULL;
	qt = &b->q->tensors[b->qid[n->inputs[i]]];
	if (t->rank == 4 && t->dims[0] == 1 && t->dims[1] == qt->shape.c &&
	    t->dims[2] == qt->shape.h && t->dims[3] == qt->shape.w)
		return qt;
	if (t->rank == 2 && t->dims[0] == 1 && t->dims[1] == qt->shape.c &&
	    qt->shape.h == 1 && qt->shape.w == 1)
		return qt;
	return NULL;
}

static struct cim_qop *new_op(struct qb *b, const struct cim_node *n,
			      uint16_t type, uint32_t in0, uint32_t in1)
{
	struct cim_qop *op = &b->q->ops[b->q->m.n_ops++];

	memset(op, 0, sizeof(*op));
	op->name = strdup(n->name);	/* NULL when out of memory: names are informative */
	op->op.type = type;
	op->op.in0 = in0;
	op->op.in1 = in1;
	op->op.out = b->q->m.n_ops;	/* op i writes tensor i + 1 */
	op->op.act_min = -128;
	op->op.act_max = 127;
	op->op.in0_zp = b->q->tensors[in0].q.zero_point;
	if (in1 != CIM_TENSOR_NONE)
		op->op.in1_zp = b->q->tensors[in1].q.zero_point;
	return op;
}

/*
 * A depthwise CONV (one input channel per group) that runs on the tile
 * SIMD with 8-bit weights in a 4-bit model (CIM_QUANT_SIMD_W8): the
 * SIMD multiplies int8 values from the params blob, the 4-bit limit is
 * the flash cells'.  Only when other layers hold the arrays, for the
 * mapper keeps SIMD CONVs on arrays in an image without any; and not
 * for weights a QDQ file put on a 4-bit grid.
 */
static int simd_w8(struct qb *b, const struct cim_node *n)
{
	const struct cim_graph *g = b->g;
	const struct cim_tensor *w;
	uint32_t i;

	if (!(flags_of(b) & CIM_QUANT_SIMD_W8) || !b->opt || b->opt->wbits != 4 ||
	    n->op != CIM_NODE_CONV || n->attr.conv.group < 2)
		return 0;
	w = &g->tensors[n->inputs[1]];
	/* weights a QDQ file put on a 4-bit grid stay as the file says */
	if (w->dims[1] != 1 || !w->data ||
	    cqi_layer_on_grid(w->data, w->dims[0], (uint32_t)(w->size / w->dims[0])))
		return 0;
	for (i = 0; i < g->n_nodes; i++) {
		const struct cim_node *m = &g->nodes[i];

		if (m->op == CIM_NODE_FC ||
		    (m->op == CIM_NODE_CONV && m->attr.conv.group == 1))
			return 1;
	}
	return 0;
}

static uint32_t wbits_of(struct qb *b, const struct cim_node *n)
{
	uint32_t wb = b->opt && b->opt->wbits == 4 ? 4 : 8, i;

	if (b->proxy || simd_w8(b, n))
		return 8;

	for (i = 0; b->opt && i < b->opt->n_other_layers; i++)
		if (!strcmp(b->opt->other_layers[i], n->name))
			return wb == 8 ? 4 : 8;
	return wb;
}

/* Fused activation as an int8 clamp of the output. */
static void set_clamp(struct cim_qop *op, const struct cim_node *n,
		      const struct cim_qparams *p)
{
	int32_t lo = -128, hi = 127;

	if (n->act == CIM_ACT_RELU) {
		lo = p->zero_point;
	} else if (n->act == CIM_ACT_CLIP) {
		lo = cqi_quantize(p, n->act_min);
		hi = cqi_quantize(p, n->act_max);
	}
	op->op.act_min = lo > -128 ? lo : -128;
	op->op.act_max = hi < 127 ? hi : 127;
}

/* What tune() finds for an FC/CONV node; NULL where it found nothing. */
struct tuned {
	float *s4;	/* 4-bit scale per output channel */
	int32_t *z4;	/* 4-bit zero point per output channel */
	float *bc;	/* corrected bias */
	float *wq;	/* dequantized weights of the GPTQ rounding */
	uint8_t wsrc;	/* enum cqi_wsrc */
};

static void tuned_free(struct tuned *t)
{
	free(t->s4);
	free(t->z4);
	free(t->bc);
	free(t->wq);
	memset(t, 0, sizeof(*t));
}

/*
 * With input statistics, per output channel in the graph's weight order:
 * for 4-bit weights, the row refit to the quantized inputs (sequential
 * mode), the clipping search (s4, z4) and GPTQ rounding (wq: the
 * dequantized weights, which round back to the chosen cells); the bias
 * corrected so that the mean output matches the float graph's (bc):
 * b' = b + w.mu_f - w_hat.mu.  Outputs stay NULL without statistics.
 */
/* One thread's share of tune(): rows first, first + step, ... */
struct tune_job {
	const float *wd, *bias;
	const struct cqi_stats *st;
	struct tuned *tu;
	uint32_t N, K, wbits, first, step;
	int search, grid, corr, gptq, refit, ret;
};

static void *tune_rows(void *arg)
{
	struct tune_job *j = arg;
	const struct cqi_stats *st = j->st;
	struct tuned *tu = j->tu;
	uint32_t N = j->N, K = j->K, r, i, grp_done = UINT32_MAX;
	double *e = malloc(K * sizeof(double)), *U = NULL, *tmp = NULL;
	float *rf = j->search ? malloc(K * sizeof(float)) : NULL;
	int ok = 0;

	if (j->gptq || j->refit) {
		U = malloc((size_t)K * K * sizeof(double));
		tmp = malloc((size_t)K * K * sizeof(double));
	}
	if (!e || (j->search && !rf) || ((j->gptq || j->refit) && (!U || !tmp))) {
		j->ret = -ENOMEM;
		goto out;
	}
	for (r = j->first; r < N; r += j->step) {
		const float *wr = j->wd + (size_t)r * K;
		uint32_t grp = r / (N / st->groups);
		const double *mu = st->sum + (size_t)grp * K;
		const double *muf = st->sumf + (size_t)grp * K;
		size_t off = (size_t)grp * K * (st->full ? K : 1);
		const double *C = st->m2 + off;
		double shift = 0;

		if (j->search) {
			const float *src = wr;
			float *o = tu->wq + (size_t)r * K, sc;
			int32_t z;

			if (j->refit && !cqi_refit(wr, K, C, st->cross + off, rf, tmp, e))
				src = rf;
			cqi_w4_search(src, K, C, st->full, e, &sc, &z);
			if (j->gptq && grp != grp_done) {
				ok = !cqi_gptq_prep(C, K, U, tmp);
				grp_done = grp;
			}
			if (j->gptq && ok)
				cqi_gptq_row(src, K, U, sc, z, o, e);
			else
				for (i = 0; i < K; i++)
					o[i] = sc * (cqi_q4(src[i], sc, z) - z);
			tu->s4[r] = sc;
			tu->z4[r] = z;
			for (i = 0; i < K; i++)
				shift += (double)wr[i] * muf[i] - (double)o[i] * mu[i];
		} else if (j->wbits == 4) {
			float sc;
			int32_t z;

			if (j->grid) {
				sc = tu->s4[r];
				z = tu->z4[r];
			} else {
				cqi_w4_minmax(wr, K, &sc, &z);
			}
			for (i = 0; i < K; i++)
				shift += (double)wr[i] * muf[i] -
					 (double)sc * (cqi_q4(wr[i], sc, z) - z) * mu[i];
		} else {
			float sc = cqi_w8_scale(wr, K);

			for (i = 0; i < K; i++)
				shift += (double)wr[i] * muf[i] -
					 (double)sc * cqi_q8(wr[i], sc) * mu[i];
		}
		tu->bc[r] = (float)((j->bias ? j->bias[r] : 0) + (j->corr ? shift : 0));
	}
out:
	free(e);
	free(U);
	free(tmp);
	free(rf);
	return NULL;
}

#define TUNE_THREADS 2

static int tune(struct qb *b, const struct cim_node *n,
		const struct cqi_stats *st, uint32_t wbits, struct tuned *tu)
{
	const struct cim_tensor *w = &b->g->tensors[n->inputs[1]];
	uint32_t N = w->dims[0], K = (uint32_t)(w->size / N), t, r;
	struct tune_job jobs[TUNE_THREADS];
	pthread_t th[TUNE_THREADS];
	int started[TUNE_THREADS] = { 0 }, ret = 0;
	struct tune_job j0 = {
		.wd = w->data, .st = st, .tu = tu, .N = N, .K = K, .wbits = wbits,
		.bias = n->n_inputs > 2 ? b->g->tensors[n->inputs[2]].data : NULL,
		/*
		 * weights already on a 4-bit grid stay there (quant_grid.c),
		 * unless the caller asked for the plain min/max scheme
		 */
		.grid = wbits == 4 && !(flags_of(b) & CIM_QUANT_W4_MINMAX) &&
			cqi_layer_on_grid(w->data, N, K),
		.corr = !(flags_of(b) & CIM_QUANT_NO_BIAS_CORR),
		.step = TUNE_THREADS,
	};

	j0.search = wbits == 4 && !j0.grid && !(flags_of(b) & CIM_QUANT_W4_MINMAX);
	j0.gptq = j0.search && st->full && !(flags_of(b) & CIM_QUANT_NO_GPTQ);
	j0.refit = j0.search && st->full && b->seq;
	memset(tu, 0, sizeof(*tu));
	tu->wsrc = wbits == 8 ? CQI_WSRC_INT8 : j0.grid ? CQI_WSRC_GRID :
		   CQI_WSRC_MINMAX;
	if (j0.grid) {
		/* each channel's own grid, kept as it is */
		tu->s4 = malloc(N * sizeof(float));
		tu->z4 = malloc(N * sizeof(int32_t));
		if (!tu->s4 || !tu->z4) {
			tuned_free(tu);
			return -ENOMEM;
		}
		for (r = 0; r < N; r++)
			cqi_w4_on_grid(w->data + (size_t)r * K, K, &tu->s4[r],
				       &tu->z4[r]);
	}
	if (!st->done || st->kg != K || (!j0.search && !j0.corr))
		return 0;
	if (j0.search)
		tu->wsrc = CQI_WSRC_SEARCH;
	tu->bc = malloc(N * sizeof(float));
	if (j0.search) {
		tu->s4 = malloc(N * sizeof(float));
		tu->z4 = malloc(N * sizeof(int32_t));
		tu->wq = malloc((size_t)N * K * sizeof(float));
	}
	if (!tu->bc || (j0.search && (!tu->s4 || !tu->z4 || !tu->wq))) {
		tuned_free(tu);
		return -ENOMEM;
	}
	/* Rows are independent: each thread takes every TUNE_THREADS-th. */
	for (t = 0; t < TUNE_THREADS; t++) {
		jobs[t] = j0;
		jobs[t].first = t;
		if (t && N > t)
			started[t] = !pthread_create(&th[t], NULL, tune_rows, &jobs[t]);
	}
	for (t = 0; t < TUNE_THREADS; t++)
		if (!started[t])
			tune_rows(&jobs[t]);	/* thread 0, or no thread */
	for (t = 0; t < TUNE_THREADS; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		ret = ret ? ret : jobs[t].ret;
	}
	if (ret)
		tuned_free(tu);
	return ret;
}

/*
 * Sequential mode: the statistics of n's input as the quantized model
 * built so far computes it, next to the float graph's, over the
 * calibration set, both networks re-run from the start for each sample:
 * the plain reference (CIM_QUANT_SEQ_RERUN) of cqi_seq_stats().
 */
static int seq_stats(struct qb *b, const struct cim_node *n,
		     struct cqi_stats *st)
{
	struct cim_graph *g = b->g;
	struct cim_quantized *q = b->q;
	const struct cim_tensor *t = &g->tensors[n->inputs[0]];
	const struct cim_qtensor *qt = &q->tensors[b->qid[n->inputs[0]]];
	uint32_t hw = qt->shape.h * qt->shape.w, c, p, s;
	float *xq = malloc(t->size * sizeof(float));
	int8_t *in = malloc(cim_tensor_size(&q->tensors[0].shape));
	int ret;

	cqi_stats_free(st);	/* calibration's float statistics */
	ret = cqi_stats_init(st, g, n);

	if (!xq || !in || cim_tensor_size(&qt->shape) != t->size)
		ret = ret ? ret : (xq && in ? -EINVAL : -ENOMEM);
	q->m.tensors = q->tensors;
	q->m.ops = q->ops;
	q->m.output_tensor = 0;
	for (s = 0; s < b->calib->n && !ret; s++) {
		const float *x = b->calib->data + (size_t)s * b->calib->len;
		const int8_t *v;
		int8_t **qv;
		float **fv;

		ret = cim_graph_run_all(g, &x, &fv);
		if (ret)
			break;
		cim_qmodel_quantize_input(&q->m, x, in);
		ret = cim_qmodel_run(&q->m, in, NULL, &qv);
		if (!ret) {
			v = qv[b->qid[n->inputs[0]]];
			for (c = 0; c < qt->shape.c; c++)	/* HWC -> NCHW */
				for (p = 0; p < hw; p++)
					xq[(size_t)c * hw + p] = qt->q.scale *
						(v[(size_t)p * qt->shape.c + c] - qt->q.zero_point);
			cqi_stats_add(st, g, n, xq, fv[n->inputs[0]]);
			for (c = 0; c < q->m.n_tensors; c++)
				free(qv[c]);
			free(qv);
		}
		cim_graph_values_free(g, fv);
	}
	free(xq);
	free(in);
	if (!ret)
		cqi_stats_finish(st);
	return ret;
}

/* A 2-D window: kernel, strides and pads (top, left, bottom, right). */
static void set_window(struct cim_qop *op, const uint32_t *kernel,
		       const uint32_t *stride, const uint32_t *pad)
{
	op->op.kernel_h = kernel[0];
	op->op.kernel_w = kernel[1];
	op->op.stride_h = stride[0];
	op->op.stride_w = stride[1];
	op->op.pad_top = pad[0];
	op->op.pad_left = pad[1];
	op->op.pad_bottom = pad[2];
	op->op.pad_right = pad[3];
}

static int set_input_mults(struct cim_qop *op, double r0, double r1);

/*
 * Groups per part of a grouped CONV whose im2col vector (all groups) is
 * longer than the card takes, else 0: the parts run as separate CONV
 * ops on SLICEs of the input, CONCATed (an exact copy: one scale).
 */
static uint32_t split_groups(const struct cim_graph *g, const struct cim_node *n)
{
	const struct cim_tensor *w;
	uint64_t kg;

	if (n->op != CIM_NODE_CONV || n->attr.conv.group < 2)
		return 0;
	w = &g->tensors[n->inputs[1]];
	kg = (uint64_t)w->dims[1] * w->dims[2] * w->dims[3];
	if (kg * n->attr.conv.group <= CQI_MAX_VECTOR || kg > CQI_MAX_VECTOR)
		return 0;
	return (uint32_t)(CQI_MAX_VECTOR / kg);
}

/* Ops a node may need beyond its first. */
static uint32_t extra_ops(const struct cim_graph *g, const struct cim_node *n)
{
	uint32_t per = split_groups(g, n);

	if (n->op == CIM_NODE_CONCAT && n->n_inputs > 2)
		return n->n_inputs - 2;
	return per ? 3 * ((n->attr.conv.group + per - 1) / per) : 0;
}

/*
 * The parts of a split grouped CONV: for each run of `per` groups, a
 * SLICE of its input channels, the CONV of those groups (rows [r0, r0 +
 * rows) of the weights wr, in the output's scale) and the CONCAT of the
 * outputs so far.
 */
static int conv_parts(struct qb *b, const struct cim_node *n, const float *wr,
		      const float *bias, const struct tuned *tu, uint32_t K,
		      uint32_t wbits, const struct cim_qparams *pout)
{
	const struct cim_conv_attrs *a = &n->attr.conv;
	const struct cim_tensor *o = &b->g->tensors[n->output];
	const struct cim_tensor *w = &b->g->tensors[n->inputs[1]];
	uint32_t G = a->group, per = split_groups(b->g, n), g0, gi;
	uint32_t cg = w->dims[1], ng = o->dims[1] / G, in_id = b->qid[n->inputs[0]];
	uint32_t run = 0;
	int ret, id;

	for (g0 = 0; g0 < G; g0 += gi) {
		const struct cim_qtensor *in = &b->q->tensors[in_id];
		uint32_t r0 = g0 * ng, part;
		struct cim_qop *op;

		gi = G - g0 < per ? G - g0 : per;
		op = new_op(b, n, CIM_OP_SLICE, in_id, CIM_TENSOR_NONE);
		op->op.chan_first = g0 * cg;
		op->op.out_zp = in->q.zero_point;
		id = new_qtensor(b, n->inputs[0], gi * cg, in->shape.h, in->shape.w, &in->q);
		b->qid[n->inputs[0]] = (int32_t)in_id;	/* the input stays the input */
		if (id < 0)
			return id;
		part = (uint32_t)id;
		op = new_op(b, n, CIM_OP_CONV, part, CIM_TENSOR_NONE);
		cqi_set_wsrc(b->q, op, tu->wsrc);
		ret = cqi_weights(op, wr + (size_t)r0 * K, bias ? bias + r0 : NULL,
				  gi * ng, K, wbits, tu->s4 ? tu->s4 + r0 : NULL,
				  tu->z4 ? tu->z4 + r0 : NULL, in->q.scale,
				  in->q.zero_point, pout->scale);
		if (ret)
			return ret == -EINVAL ? qerr(b, n, "requantization out of range") : ret;
		set_window(op, a->kernel, a->stride, a->pad);
		op->op.dil_h = a->dilation[0];
		op->op.dil_w = a->dilation[1];
		op->op.groups = gi;
		if (simd_w8(b, n))
			op->op.flags |= CIM_OPF_SIMD;
		op->op.out_zp = pout->zero_point;
		set_clamp(op, n, pout);
		id = new_qtensor(b, n->output, gi * ng, o->dims[2], o->dims[3], pout);
		if (id < 0)
			return id;
		if (g0) {
			op = new_op(b, n, CIM_OP_CONCAT, run, (uint32_t)id);
			if (set_input_mults(op, 1, 1))
				return qerr(b, n, "requantization out of range");
			op->op.out_zp = pout->zero_point;
			id = new_qtensor(b, n->output, (g0 + gi) * ng, o->dims[2],
					 o->dims[3], pout);
			if (id < 0)
				return id;
		}
		run = (uint32_t)id;
	}
	return 0;
}

static int do_fc_conv(struct qb *b, const struct cim_node *n)
{
	const struct cim_tensor *w = &b->g->tensors[n->inputs[1]];
	const float *bias = n->n_inputs > 2 ? b->g->tensors[n->inputs[2]].data : NULL;
	const struct cim_tensor *o = &b->g->tensors[n->output];
	const struct cim_qtensor *in;
	uint32_t N = w->dims[0], K = (uint32_t)(w->size / N), r, k;
	struct cim_qparams pout = cqi_act_params(b->lo[n->output], b->hi[n->output]);
	struct cqi_stats *st = &b->st[n - b->g->nodes];
	uint32_t wbits = wbits_of(b, n);
	struct cim_qop *op;
	struct tuned tu;
	float *wr;
	int ret, id;

	if (b->qid[n->inputs[0]] < 0)
		return qerr(b, n, "input is not an activation");
	in = &b->q->tensors[b->qid[n->inputs[0]]];
	if (n->op == CIM_NODE_CONV && !natural(b, n, 0))
		return qerr(b, n, "input layout is not supported");
	if (n->op == CIM_NODE_FC && b->g->tensors[n->inputs[0]].dims[0] != 1)
		return qerr(b, n, "more than one row (batch) is not supported");
	if (b->seq && !b->proxy && wants_stats(b, n)) {
		ret = flags_of(b) & CIM_QUANT_SEQ_RERUN ? seq_stats(b, n, st) :
		      cqi_seq_stats(b->sq, b->q, b->qid, n, st);
		if (ret)
			return ret;
	}
	ret = tune(b, n, st, wbits, &tu);
	if (ret)
		return ret;
	if (tu.bc)
		bias = tu.bc;
	wr = malloc((size_t)N * K * sizeof(float));
	if (!wr) {
		tuned_free(&tu);
		return -ENOMEM;
	}
	/* Reorder each row into the card's K order. */
	for (r = 0; r < N; r++) {
		const float *src = (tu.wq ? tu.wq : w->data) + (size_t)r * K;
		float *dst = wr + (size_t)r * K;

		if (n->op == CIM_NODE_FC) {
			uint32_t hw = in->shape.h * in->shape.w;

			for (k = 0; k < K; k++)	/* CHW index k to HWC */
				dst[(k % hw) * in->shape.c + k / hw] = src[k];
		} else {
			uint32_t cg = w->dims[1], kk = w->dims[2] * w->dims[3], ci;

			for (ci = 0; ci < cg; ci++)
				for (k = 0; k < kk; k++)
					dst[k * cg + ci] = src[ci * kk + k];
		}
	}
	if (split_groups(b->g, n)) {
		ret = conv_parts(b, n, wr, bias, &tu, K, wbits, &pout);
		free(wr);
		tuned_free(&tu);
		return ret;
	}
	op = new_op(b, n, n->op == CIM_NODE_FC ? CIM_OP_FC : CIM_OP_CONV,
		    (uint32_t)b->qid[n->inputs[0]], CIM_TENSOR_NONE);
	cqi_set_wsrc(b->q, op, tu.wsrc);
	ret = cqi_weights(op, wr, bias, N, K, wbits, tu.s4, tu.z4, in->q.scale,
			  in->q.zero_point, pout.scale);
	free(wr);
	tuned_free(&tu);
	if (ret)
		return ret == -EINVAL ? qerr(b, n, "requantization out of range") : ret;
	op->op.groups = 1;
	if (n->op == CIM_NODE_CONV) {
		const struct cim_conv_attrs *a = &n->attr.conv;

		set_window(op, a->kernel, a->stride, a->pad);
		op->op.dil_h = a->dilation[0];
		op->op.dil_w = a->dilation[1];
		op->op.groups = a->group;
		if (simd_w8(b, n))
			op->op.flags |= CIM_OPF_SIMD;
		id = new_qtensor(b, n->output, o->dims[1], o->dims[2], o->dims[3], &pout);
	} else {
		id = new_qtensor(b, n->output, o->dims[1], 1, 1, &pout);
	}
	op->op.out_zp = pout.zero_point;
	set_clamp(op, n, &pout);
	return id < 0 ? id : 0;
}

static int do_pool(struct qb *b, const struct cim_node *n)
{
	const struct cim_qtensor *in = natural(b, n, 0);
	const struct cim_tensor *o = &b->g->tensors[n->output];
	const struct cim_pool_attrs *a = &n->attr.pool;
	struct cim_qparams p;
	struct cim_qop *op;

	if (!in || b->g->tensors[n->inputs[0]].rank != 4)
		return qerr(b, n, "input layout is not supported");
	p = in->q;	/* pools keep scale and zero point */
	op = new_op(b, n, n->op == CIM_NODE_MAXPOOL || n->op == CIM_NODE_GLOBAL_MAXPOOL ?
		    CIM_OP_MAXPOOL : CIM_OP_AVGPOOL,
		    (uint32_t)b->qid[n->inputs[0]], CIM_TENSOR_NONE);
	op->op.in0_zp = p.zero_point;	/* what COUNT_PAD padding holds */
	op->op.out_zp = p.zero_point;
	op->op.dil_h = op->op.dil_w = 1;	/* the format's value for pools */
	if (n->op == CIM_NODE_GLOBAL_AVGPOOL || n->op == CIM_NODE_GLOBAL_MAXPOOL) {
		op->op.kernel_h = in->shape.h;
		op->op.kernel_w = in->shape.w;
		op->op.stride_h = op->op.stride_w = 1;
	} else {
		set_window(op, a->kernel, a->stride, a->pad);
		if (a->count_include_pad)
			op->op.flags = CIM_OPF_COUNT_PAD;
	}
	return new_qtensor(b, n->output, o->dims[1], o->dims[2], o->dims[3], &p) < 0;
}

/* ADD, CONCAT: the Q31 multipliers of in0 and in1 for the given ratios. */
static int set_input_mults(struct cim_qop *op, double r0, double r1)
{
	int ret = cim_quant_multiplier(r0, &op->op.in0_mult, &op->op.in0_shift);

	if (!ret)
		ret = cim_quant_multiplier(r1, &op->op.in1_mult, &op->op.in1_shift);
	return ret;
}

/* TFLite's rescaled add, left_shift 20. */
static int do_add(struct qb *b, const struct cim_node *n)
{
	const struct cim_qtensor *x0 = natural(b, n, 0), *x1 = natural(b, n, 1);
	struct cim_qparams p = cqi_act_params(b->lo[n->output], b->hi[n->output]);
	struct cim_qop *op;
	double twice;
	int ret;

	if (!x0 || !x1)
		return qerr(b, n, "input layout is not supported");
	if (!cim_same_shape(&x0->shape, &x1->shape))
		return qerr(b, n, "a broadcasting add is not supported on the card");
	op = new_op(b, n, CIM_OP_ADD, (uint32_t)b->qid[n->inputs[0]],
		    (uint32_t)b->qid[n->inputs[1]]);
	twice = 2.0 * (x0->q.scale > x1->q.scale ? x0->q.scale : x1->q.scale);
	op->op.left_shift = 20;
	ret = set_input_mults(op, x0->q.scale / twice, x1->q.scale / twice);
	if (!ret)
		ret = cim_quant_multiplier(twice / ((double)(1 << 20) * p.scale),
					   &op->op.out_mult, &op->op.out_shift);
	if (ret)
		return qerr(b, n, "requantization out of range");
	op->op.out_zp = p.zero_point;
	set_clamp(op, n, &p);
	return new_qtensor(b, n->output, x0->shape.c, x0->shape.h, x0->shape.w, &p) < 0;
}

/*
 * Concatenation along channels: CONCAT ops of two inputs each, the
 * first joining inputs 0 and 1, each next one appending an input to the
 * running result (which holds the output's first channels, in its
 * scale: the rescale of the running part is exactly 1).
 */
static int do_concat(struct qb *b, const struct cim_node *n)
{
	const struct cim_tensor *o = &b->g->tensors[n->output];
	const struct cim_qtensor *x0 = natural(b, n, 0), *x1;
	struct cim_qparams p = cqi_act_params(b->lo[n->output], b->hi[n->output]);
	int32_t axis = n->attr.axis < 0 ? n->attr.axis + (int32_t)o->rank : n->attr.axis;
	uint32_t i, run = b->qid[n->inputs[0]], c = 0, h, w;
	struct cim_qop *op;
	int ret, id = 0;

	if (axis != 1 || !x0)
		return qerr(b, n, "only inputs joined along channels are supported");
	if (n->n_inputs == 1) {	/* torch.cat([x]): the same tensor */
		b->qid[n->output] = b->qid[n->inputs[0]];
		return 0;
	}
	c = x0->shape.c;
	h = x0->shape.h;
	w = x0->shape.w;
	for (i = 1; i < n->n_inputs; i++) {
		const struct cim_qtensor *r = &b->q->tensors[run];

		x1 = natural(b, n, i);
		if (!x1)
			return qerr(b, n, "input layout is not supported");
		op = new_op(b, n, CIM_OP_CONCAT, run, (uint32_t)b->qid[n->inputs[i]]);
		ret = set_input_mults(op, r->q.scale / p.scale, x1->q.scale / p.scale);
		if (ret)
			return qerr(b, n, "requantization out of range");
		op->op.out_zp = p.zero_point;
		c += x1->shape.c;
		id = new_qtensor(b, n->output, c, h, w, &p);
		if (id < 0)
			return id;
		run = (uint32_t)id;
	}
	return 0;
}

/* The scale of y = f(x) at the 256 int8 values x: a LUT op. */
static int do_unary(struct qb *b, const struct cim_node *n)
{
	const struct cim_qtensor *in;
	struct cim_qparams p = cqi_act_params(b->lo[n->output], b->hi[n->output]);
	struct cim_qop *op;
	int32_t *lut;
	int i;

	if (b->qid[n->inputs[0]] < 0)
		return qerr(b, n, "input is not an activation");
	if (n->attr.unary.fn == CIM_UNARY_TO_INT)
		return qerr(b, n, "integer arithmetic is not supported on the card (it computes on quantized real values)");
	in = &b->q->tensors[b->qid[n->inputs[0]]];
	lut = malloc(256 * sizeof(*lut));
	if (!lut)
		return -ENOMEM;
	for (i = 0; i < 256; i++) {
		float x = in->q.scale * (float)(i - 128 - in->q.zero_point);

		lut[i] = cqi_quantize(&p, cgk_act(n, cgk_unary_fn(n->attr.unary.fn,
						  n->attr.unary.alpha, n->attr.unary.beta, x)));
	}
	op = new_op(b, n, CIM_OP_LUT, (uint32_t)b->qid[n->inputs[0]], CIM_TENSOR_NONE);
	op->lut = lut;
	op->op.out_zp = p.zero_point;
	return new_qtensor(b, n->output, in->shape.c, in->shape.h, in->shape.w, &p) < 0;
}

/* x0 times x1 (same shape, or one value per channel): a MUL op. */
static int do_mul(struct qb *b, const struct cim_node *n)
{
	const struct cim_qtensor *x0 = natural(b, n, 0), *x1;
	const struct cim_tensor *t1 = &b->g->tensors[n->inputs[1]];
	struct cim_qparams p = cqi_act_params(b->lo[n->output], b->hi[n->output]);
	struct cim_qop *op;

	x1 = b->qid[n->inputs[1]] >= 0 ? &b->q->tensors[b->qid[n->inputs[1]]] : NULL;
	if (!x0 || !x1 || !(cim_same_shape(&x0->shape, &x1->shape) ||
			    (x1->shape.h == 1 && x1->shape.w == 1 &&
			     x1->shape.c == x0->shape.c && t1->size == x1->shape.c)))
		return qerr(b, n, "only a product of tensors of one shape, or scaled per channel, is supported");
	op = new_op(b, n, CIM_OP_MUL, (uint32_t)b->qid[n->inputs[0]],
		    (uint32_t)b->qid[n->inputs[1]]);
	if (cim_quant_multiplier((double)x0->q.scale * x1->q.scale / p.scale,
				 &op->op.out_mult, &op->op.out_shift))
		return qerr(b, n, "requantization out of range");
	op->op.out_zp = p.zero_point;
	set_clamp(op, n, &p);
	return new_qtensor(b, n->output, x0->shape.c, x0->shape.h, x0->shape.w, &p) < 0;
}

/* A run of channels (axis 1, step 1): a SLICE op. */
static int do_slice(struct qb *b, const struct cim_node *n)
{
	const struct cim_qtensor *in = natural(b, n, 0);
	const struct cim_tensor *o = &b->g->tensors[n->output];
	struct cim_qop *op;
	struct cim_qparams p;

	if (!in || n->attr.slice.axis != 1 || n->attr.slice.step != 1)
		return qerr(b, n, "only a run of channels (axis 1, step 1) is supported");
	p = in->q;
	op = new_op(b, n, CIM_OP_SLICE, (uint32_t)b->qid[n->inputs[0]], CIM_TENSOR_NONE);
	op->op.chan_first = n->attr.slice.start;
	op->op.out_zp = p.zero_point;
	return new_qtensor(b, n->output, o->dims[1], in->shape.h, in->shape.w, &p) < 0;
}

/* Reshape [1,C,H,W] -> [1,G,C/G,H,W], Transpose 0,2,1,3,4, Reshape back. */
static int do_reshape(struct qb *b, uint32_t *i)
{
	struct cim_graph *g = b->g;
	const struct cim_node *n = &g->nodes[*i], *t, *r;
	const struct cim_tensor *o = &g->tensors[n->output];
	static const uint32_t perm[5] = { 0, 2, 1, 3, 4 };
	const struct cim_qtensor *in;
	struct cim_qop *op;
	struct cim_qparams p;

	if (b->qid[n->inputs[0]] < 0)
		return qerr(b, n, "input is not an activation");
	if (o->rank != 5) {
		b->qid[n->output] = b->qid[n->inputs[0]];	/* same bytes */
		return 0;
	}
	in = natural(b, n, 0);
	t = *i + 1 < g->n_nodes ? &g->nodes[*i + 1] : NULL;
	r = *i + 2 < g->n_nodes ? &g->nodes[*i + 2] : NULL;
	if (!in || !t || !r || t->op != CIM_NODE_TRANSPOSE || t->inputs[0] != n->output ||
	    memcmp(t->attr.perm, perm, sizeof(perm)) || r->op != CIM_NODE_RESHAPE ||
	    r->inputs[0] != t->output || g->tensors[r->output].rank != 4 ||
	    g->tensors[n->output].n_consumers != 1 ||
	    g->tensors[t->output].n_consumers != 1 ||
	    g->tensors[r->output].dims[1] != in->shape.c)
		return qerr(b, n, "only the channel-shuffle pattern Reshape-Transpose-Reshape is supported in 5-D");
	p = in->q;
	op = new_op(b, n, CIM_OP_SHUFFLE, (uint32_t)b->qid[n->inputs[0]], CIM_TENSOR_NONE);
	op->op.groups = o->dims[1];
	op->op.out_zp = p.zero_point;
	*i += 2;
	return new_qtensor(b, r->output, in->shape.c, in->shape.h, in->shape.w, &p) < 0;
}

static int do_node(struct qb *b, uint32_t *i)
{
	struct cim_graph *g = b->g;
	const struct cim_node *n = &g->nodes[*i];

	switch (n->op) {
	case CIM_NODE_FC:
	case CIM_NODE_CONV:
		return do_fc_conv(b, n);
	case CIM_NODE_UNARY:
		return do_unary(b, n);
	case CIM_NODE_MUL:
		return do_mul(b, n);
	case CIM_NODE_SLICE:
		return do_slice(b, n);
	case CIM_NODE_PAD:
		return qerr(b, n, "padding is supported only folded into the convolution or average pool after it");
	case CIM_NODE_MAXPOOL:
	case CIM_NODE_AVGPOOL:
	case CIM_NODE_GLOBAL_AVGPOOL:
	case CIM_NODE_GLOBAL_MAXPOOL:
		if (n->act != CIM_ACT_NONE)
			return qerr(b, n, "fused activation is not supported");
		return do_pool(b, n);
	case CIM_NODE_ADD:
		return do_add(b, n);
	case CIM_NODE_CONCAT:
		return do_concat(b, n);
	case CIM_NODE_RESHAPE:
		return do_reshape(b, i);
	case CIM_NODE_SOFTMAX:
		if (*i + 1 != g->n_nodes || g->n_outputs != 1 ||
		    g->outputs[0] != n->output)
			return qerr(b, n, "softmax is supported only as the model's output");
		b->q->m.flags |= CIM_QMODEL_HOST_SOFTMAX;
		b->qid[n->output] = b->qid[n->inputs[0]];
		return 0;
	case CIM_NODE_MATMUL:
		return qerr(b, n, "a product of two run-time tensors is not supported on the card (its arrays hold weights programmed into flash before a run)");
	case CIM_NODE_MAX:
	case CIM_NODE_MIN:
		return qerr(b, n, "a maximum or minimum of two run-time tensors is not supported on the card (the tile SIMD has no such op)");
	case CIM_NODE_DIV:
		return qerr(b, n, "a quotient of two run-time tensors is not supported on the card");
	case CIM_NODE_GATHER:
		return qerr(b, n, "a gather by run-time indices is not supported on the card");
	case CIM_NODE_MAXPOOL_INDEX:
		return qerr(b, n, "a pool's indices are not supported on the card");
	case CIM_NODE_SLICE_RT:
	case CIM_NODE_RANGE_RT:
	case CIM_NODE_PAD_RT:
	case CIM_NODE_SHAPE_GUARD:
		return qerr(b, n, "an operand computed at run time that selects elements is not supported on the card");
	default:
		return qerr(b, n, "not supported on the card (not fused into a preceding layer)");
	}
}

static int build(struct qb *b)
{
	struct cim_graph *g = b->g;
	struct cim_quantized *q = b->q;
	const struct cim_tensor *in;
	uint32_t i;
	int ret = 0;

	if (g->n_inputs != 1 || g->n_outputs != 1) {
		snprintf(b->err, b->errlen, "only models with one input and one output are supported");
		return -EINVAL;
	}
	in = &g->tensors[g->inputs[0]];
	if (!(in->rank == 4 && in->dims[0] == 1) && !(in->rank == 2 && in->dims[0] == 1)) {
		snprintf(b->err, b->errlen, "input \"%s\" must be [1,C,H,W] or [1,K]", in->name);
		return -EINVAL;
	}
	for (i = 0; i < g->n_tensors; i++)
		b->qid[i] = -1;
	new_qtensor(b, g->inputs[0], in->dims[1], in->rank == 4 ? in->dims[2] : 1,
		    in->rank == 4 ? in->dims[3] : 1, NULL);
	for (i = 0; i < g->n_nodes && !ret; i++)
		ret = do_node(b, &i);
	if (ret)
		return ret;
	if (b->qid[g->outputs[0]] < 1) {
		snprintf(b->err, b->errlen, "the output is not computed by any op");
		return -EINVAL;
	}
	q->m.output_tensor = (uint32_t)b->qid[g->outputs[0]];
	q->m.tensors = q->tensors;
	q->m.ops = q->ops;
	return 0;
}

/* An empty quantized model with room for g's ops; NULL without memory. */
static struct cim_quantized *new_quantized(const struct cim_graph *g)
{
	struct cim_quantized *q = calloc(1, sizeof(*q));
	uint32_t i;

	if (!q)
		return NULL;
	q->cap = g->n_nodes + 1;
	for (i = 0; i < g->n_nodes; i++)
		q->cap += extra_ops(g, &g->nodes[i]);
	q->tensors = calloc(q->cap, sizeof(*q->tensors));
	q->ops = calloc(q->cap, sizeof(*q->ops));
	q->src = calloc(q->cap, sizeof(*q->src));
	q->wsrc = calloc(q->cap, 1);	/* informative: may be NULL */
	if (!q->tensors || !q->ops || !q->src) {
		cim_quantized_free(q);
		return NULL;
	}
	return q;
}

/*
 * The output SQNR on the first calibration samples of an int8 model
 * built with the ranges lo, hi (the proxy: 8-bit weights, no sequential
 * statistics, so that it is quick whatever the model's widths).
 */
static int proxy_sqnr(struct qb *b, float *lo, float *hi, double *db)
{
	struct cim_quantized *q = b->q;
	float *l = b->lo, *h = b->hi;
	int ret;

	b->q = new_quantized(b->g);
	if (!b->q) {
		b->q = q;
		return -ENOMEM;
	}
	b->lo = lo;
	b->hi = hi;
	b->proxy = 1;
	ret = build(b);
	if (!ret)
		ret = cqi_output_sqnr(&b->q->m, b->calib, b->n_fout, b->fout, db);
	cim_quantized_free(b->q);
	b->q = q;
	b->lo = l;
	b->hi = h;
	b->proxy = 0;
	return ret;
}

/*
 * Min/max or the clipped ranges of least error: the clipping lowers
 * each tensor's error but not always the model's (an outlier can carry
 * what a later layer needs), so each set builds an int8 model and the
 * one whose output is closer to the float graph's on the first
 * calibration samples wins; min/max on a tie.
 */
static int select_ranges(struct qb *b)
{
	double db[2];
	int ret;

	if (!b->mlo || !b->fout || !b->n_fout)
		return 0;
	ret = proxy_sqnr(b, b->lo, b->hi, &db[0]);
	if (!ret)
		ret = proxy_sqnr(b, b->mlo, b->mhi, &db[1]);
	if (ret == -EINVAL)	/* let the real build name the node */
		return 0;
	if (!ret && db[1] > db[0]) {
		memcpy(b->lo, b->mlo, b->g->n_tensors * sizeof(float));
		memcpy(b->hi, b->mhi, b->g->n_tensors * sizeof(float));
	}
	b->act_mse = !ret && db[1] > db[0];
	return ret;
}

int cim_quantize(struct cim_graph *g, const struct cim_dataset *calib,
		 const struct cim_quant_options *opt, struct cim_quantized **out,
		 char *err, size_t errlen)
{
	char dummy[8];
	struct qb b = { .g = g, .opt = opt, .err = err ? err : dummy,
			.errlen = err ? errlen : sizeof(dummy) };
	uint32_t i;
	int ret;

	if (!g || !calib || !out || (opt && opt->wbits && opt->wbits != 4 &&
				     opt->wbits != 8))
		return -EINVAL;
	*out = NULL;
	b.err[0] = 0;
	ret = cim_graph_optimize(g);
	if (ret) {
		snprintf(b.err, b.errlen, "%s", cim_graph_error(g));
		return ret;
	}
	if (g->n_inputs != 1 || calib->len != g->tensors[g->inputs[0]].size) {
		snprintf(b.err, b.errlen, "calibration samples have %u values, the model input %llu",
			 calib->len, g->n_inputs ? (unsigned long long)g->tensors[g->inputs[0]].size : 0ull);
		return -EINVAL;
	}
	for (i = 0; i < g->n_nodes; i++)
		if ((g->nodes[i].op == CIM_NODE_FC || g->nodes[i].op == CIM_NODE_CONV) &&
		    !g->tensors[g->nodes[i].inputs[1]].data)
			return qerr(&b, &g->nodes[i], "weights computed at run time are not supported on the card (its arrays hold weights programmed into flash before a run)");
	b.q = new_quantized(g);
	b.lo = malloc(g->n_tensors * sizeof(float));
	b.hi = malloc(g->n_tensors * sizeof(float));
	b.qid = malloc(g->n_tensors * sizeof(int32_t));
	b.st = calloc(g->n_nodes ? g->n_nodes : 1, sizeof(*b.st));
	b.calib = calib;
	for (i = 0; i < g->n_nodes; i++)
		if ((g->nodes[i].op == CIM_NODE_FC || g->nodes[i].op == CIM_NODE_CONV) &&
		    wbits_of(&b, &g->nodes[i]) == 4)
			b.w4 = 1;
	b.seq = b.w4 && !(flags_of(&b) & CIM_QUANT_NO_SEQ);
	ret = -ENOMEM;
	if (b.q && b.lo && b.hi && b.qid && b.st)
		ret = calibrate(&b, calib);
	if (!ret && b.mlo && (flags_of(&b) & CIM_QUANT_ACT_MSE)) {
		memcpy(b.lo, b.mlo, g->n_tensors * sizeof(float));
		memcpy(b.hi, b.mhi, g->n_tensors * sizeof(float));
		b.act_mse = 1;
	} else if (!ret) {
		ret = select_ranges(&b);
	}
	if (!ret)
		b.q->act_mse = b.act_mse;
	if (!ret && b.seq && !(flags_of(&b) & CIM_QUANT_SEQ_RERUN)) {
		uint8_t *fl = calloc(g->n_nodes ? g->n_nodes : 1, 1);

		/* float inputs: the layers whose refit wants cov(xf, x) */
		for (i = 0; fl && i < g->n_nodes; i++)
			fl[i] = wants_stats(&b, &g->nodes[i]) && b.st[i].full;
		ret = fl ? cqi_seq_init(&b.sq, g, calib, b.q->cap, fl) : -ENOMEM;
		free(fl);
	}
	if (!ret)
		ret = build(&b);
	cqi_seq_free(b.sq);
	free(b.lo);
	free(b.hi);
	free(b.mlo);
	free(b.mhi);
	free(b.fout);
	free(b.qid);
	for (i = 0; b.st && i < g->n_nodes; i++)
		cqi_stats_free(&b.st[i]);
	free(b.st);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(b.err, b.errlen, "out of memory");
		cim_quantized_free(b.q);
		return ret;
	}
	*out = b.q;
	return 0;
}

const struct cim_qmodel *cim_quantized_model(const struct cim_quantized *q)
{
	return q ? &q->m : NULL;
}

void cim_quantized_free(struct cim_quantized *q)
{
	uint32_t i;

	if (!q)
		return;
	for (i = 0; q->ops && i < q->m.n_ops; i++) {
		free((void *)q->ops[i].weights);
		free((void *)q->ops[i].bias);
		free((void *)q->ops[i].mult);
		free((void *)q->ops[i].shift);
		free((void *)q->ops[i].wzp);
		free((void *)q->ops[i].wscale);
		free((void *)q->ops[i].lut);
		free((void *)q->ops[i].name);
	}
	for (i = 0; q->tensors && i < q->m.n_tensors; i++)
		free((void *)q->tensors[i].name);
	free(q->tensors);
	free(q->ops);
	free(q->src);
	free(q->wsrc);
	free(q);
}
