// SPDX-License-Identifier: MIT
/*
 * Sequential statistics without re-running the networks.  The 4-bit
 * search of a layer wants its input as the quantized model built so far
 * computes it, next to the float graph's, over the calibration set.
 * Layers are quantized in node order, so both models only ever move
 * forward: each calibration sample keeps the float graph's tensors and
 * the quantized model's int8 tensors that a later node still reads (its
 * frontier), and a layer's statistics run only the float nodes and the
 * quantized ops added since the previous layer's.  The float inputs are
 * needed only by layers whose refit wants cov(xf, x) (full covariance);
 * the others take their float sums from calibration, so the float graph
 * runs only the nodes such a layer's input depends on (a residual
 * branch no such layer reads is never held for every sample), and it
 * stops, and its tensors go, after the last such layer.  Each node and each op
 * runs once per sample in total, as in one inference, instead of once
 * per 4-bit layer.  The int8 ops of the samples run on two threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"
#include "ref_ops.h"
#include "ref_private.h"

#define SEQ_THREADS	2

struct cqi_seq {
	struct cim_graph *g;
	const struct cim_dataset *d;
	uint32_t cap;		/* qtensors the model can have */
	uint32_t fdone;		/* float nodes run */
	uint32_t qdone;		/* quantized ops run */
	int started;		/* tensor 0 quantized */
	int64_t *last;		/* per graph tensor: last node reading it, -1 */
	int64_t *fneed;		/* per node: last float-input node it feeds, -1 */
	int64_t *flast;		/* per graph tensor: last float reader, -1 */
	float ***fv;		/* per sample, per graph tensor */
	int8_t ***qv;		/* per sample, per qtensor */
	struct cim_image_tensor *shape;	/* per qtensor */
	uint64_t kmax, nmax;	/* scratch sizes of the ops so far */
	int64_t last_float;	/* last node that wants float inputs, -1 */
	const uint8_t *fl;	/* per node: wants them */
};

/* Float tensors the sequence owns: not initializers, not the input. */
static int owned(const struct cim_graph *g, uint32_t t)
{
	return !g->tensors[t].data && t != g->inputs[0];
}

void cqi_seq_free(struct cqi_seq *s)
{
	uint32_t i, t;

	if (!s)
		return;
	for (i = 0; s->fv && i < s->d->n; i++) {
		for (t = 0; s->fv[i] && t < s->g->n_tensors; t++)
			if (owned(s->g, t))
				free(s->fv[i][t]);
		free(s->fv[i]);
	}
	for (i = 0; s->qv && i < s->d->n; i++) {
		for (t = 0; s->qv[i] && t < s->cap; t++)
			free(s->qv[i][t]);
		free(s->qv[i]);
	}
	free(s->fv);
	free(s->qv);
	free(s->last);
	free(s->fneed);
	free(s->flast);
	free(s->shape);
	free((void *)s->fl);
	free(s);
}

/*
 * Which float nodes run: fneed[k] is the last node wanting float inputs
 * (fl[]) whose input node k's output reaches, -1 if none (k never
 * runs); flast[t] the last node that reads tensor t as a float: a node
 * that runs, or a node wanting float inputs reading its input 0.
 */
static int float_needs(struct cqi_seq *s, const uint8_t *fl)
{
	const struct cim_graph *g = s->g;
	uint32_t nn = g->n_nodes ? g->n_nodes : 1, nt = g->n_tensors ? g->n_tensors : 1;
	int64_t *prod = malloc(nt * sizeof(*prod));
	uint32_t i, j, t;

	s->fneed = malloc(nn * sizeof(*s->fneed));
	s->flast = malloc(nt * sizeof(*s->flast));
	if (!prod || !s->fneed || !s->flast) {
		free(prod);
		return -ENOMEM;
	}
	for (t = 0; t < g->n_tensors; t++) {
		prod[t] = -1;
		s->flast[t] = -1;
	}
	for (i = 0; i < g->n_nodes; i++) {
		prod[g->nodes[i].output] = i;
		s->fneed[i] = -1;
	}
	/* consumers come after their producers: one backward pass */
	for (i = g->n_nodes; i-- > 0;) {
		const struct cim_node *n = &g->nodes[i];

		for (j = 0; j < n->n_inputs; j++) {
			int64_t p = prod[n->inputs[j]], m = -1;

			if (s->fneed[i] >= 0)
				m = s->fneed[i];
			else if (fl[i] && j == 0)
				m = i;
			if (m < 0)
				continue;
			if (s->flast[n->inputs[j]] < i)
				s->flast[n->inputs[j]] = i;
			if (p >= 0 && s->fneed[p] < m)
				s->fneed[p] = m;
		}
	}
	free(prod);
	return 0;
}

int cqi_seq_init(struct cqi_seq **out, struct cim_graph *g,
		 const struct cim_dataset *d, uint32_t cap, const uint8_t *fl)
{
	struct cqi_seq *s = calloc(1, sizeof(*s));
	uint32_t i, j, t;

	*out = s;
	if (!s)
		return -ENOMEM;
	s->g = g;
	s->d = d;
	s->cap = cap;
	s->last = malloc((g->n_tensors ? g->n_tensors : 1) * sizeof(*s->last));
	s->shape = calloc(cap, sizeof(*s->shape));
	s->fl = malloc(g->n_nodes ? g->n_nodes : 1);
	s->last_float = -1;
	if (s->fl)
		for (i = 0; i < g->n_nodes; i++) {
			((uint8_t *)s->fl)[i] = fl[i];
			if (fl[i])
				s->last_float = i;
		}
	s->fv = calloc(d->n ? d->n : 1, sizeof(*s->fv));
	s->qv = calloc(d->n ? d->n : 1, sizeof(*s->qv));
	if (!s->last || !s->shape || !s->fv || !s->qv || !s->fl)
		return -ENOMEM;
	for (t = 0; t < g->n_tensors; t++)
		s->last[t] = -1;
	for (i = 0; i < g->n_nodes; i++)
		for (j = 0; j < g->nodes[i].n_inputs; j++)
			s->last[g->nodes[i].inputs[j]] = i;
	if (float_needs(s, fl))
		return -ENOMEM;
	for (i = 0; i < d->n; i++) {
		s->fv[i] = calloc(g->n_tensors, sizeof(**s->fv));
		s->qv[i] = calloc(cap, sizeof(**s->qv));
		if (!s->fv[i] || !s->qv[i])
			return -ENOMEM;
		for (t = 0; t < g->n_tensors; t++)
			s->fv[i][t] = g->tensors[t].data;
		s->fv[i][g->inputs[0]] = (float *)(d->data + (size_t)i * d->len);
	}
	return 0;
}

/* No node wants float inputs any more: the float tensors go. */
static void float_drop(struct cqi_seq *s)
{
	uint32_t i, t;

	for (t = 0; t < s->g->n_tensors; t++) {
		if (!owned(s->g, t))
			continue;
		for (i = 0; i < s->d->n; i++) {
			free(s->fv[i][t]);
			s->fv[i][t] = NULL;
		}
	}
}

/*
 * Float nodes [fdone, upto) of every sample, one sample at a time: those
 * a node from `upto` on that wants float inputs depends on (fneed), each
 * tensor freed after the last of those that reads it (flast): only what
 * those nodes still read is held for every sample, not each node's
 * output (a 224x224 stem's is 205 MB for 64 samples), nor a branch they
 * never read (resnet50's first block output, 205 MB).  The nodes that
 * run compute the same values as the whole graph does.
 */
static int float_upto(struct cqi_seq *s, uint32_t upto)
{
	struct cim_graph *g = s->g;
	uint32_t i, j, k;

	for (i = 0; i < s->d->n; i++) {
		float **v = s->fv[i];

		for (k = s->fdone; k < upto; k++) {
			const struct cim_node *n = &g->nodes[k];
			int run = s->fneed[k] >= (int64_t)upto;

			if (run && !v[n->output]) {
				v[n->output] = malloc(g->tensors[n->output].size * sizeof(float));
				if (!v[n->output])
					return -ENOMEM;
			}
			if (run)
				cgk_run_node(g, n, v);
			for (j = 0; j < n->n_inputs; j++) {
				uint32_t t = n->inputs[j];

				if (owned(g, t) && s->flast[t] <= (int64_t)k) {
					free(v[t]);
					v[t] = NULL;
				}
			}
			if (s->flast[n->output] <= (int64_t)k) {	/* no float reader */
				free(v[n->output]);
				v[n->output] = NULL;
			}
		}
	}
	s->fdone = upto > s->fdone ? upto : s->fdone;
	return 0;
}

struct qjob {
	struct cqi_seq *s;
	const struct cim_qmodel *m;
	const int64_t *life;	/* per qtensor: last node that reads it */
	uint32_t node;		/* the node whose statistics come next */
	uint32_t first, step;	/* samples first, first + step, ... */
	int ret;
};

/* The new ops over one thread's samples. */
static void *q_worker(void *arg)
{
	struct qjob *j = arg;
	struct cqi_seq *s = j->s;
	const struct cim_qmodel *m = j->m;
	struct refi_env e = { .shape = s->shape };
	uint32_t i, k;

	cqi_qmodel_env(&e, m);

	e.x = malloc(s->kmax);
	e.acc = malloc(s->nmax * sizeof(*e.acc));
	j->ret = e.x && e.acc ? 0 : -ENOMEM;
	for (i = j->first; i < s->d->n && !j->ret; i += j->step) {
		e.ptr = s->qv[i];
		if (!s->started) {
			e.ptr[0] = malloc(cim_tensor_size(&s->shape[0]) + 1);
			if (!e.ptr[0]) {
				j->ret = -ENOMEM;
				break;
			}
			cim_qmodel_quantize_input(m, s->d->data + (size_t)i * s->d->len,
						  e.ptr[0]);
		}
		for (k = s->qdone; k < m->n_ops; k++) {
			uint32_t o = m->ops[k].op.out;

			if (!e.ptr[o])
				e.ptr[o] = malloc(cim_tensor_size(&s->shape[o]) + 1);
			if (!e.ptr[o]) {
				j->ret = -ENOMEM;
				break;
			}
			refi_op(&e, &m->ops[k].op, k);
		}
		/* this sample's tensors no node from `node` on reads */
		for (k = 0; k < m->n_tensors && !j->ret; k++)
			if (j->life[k] < (int64_t)j->node) {
				free(e.ptr[k]);
				e.ptr[k] = NULL;
			}
	}
	free(e.x);
	free(e.acc);
	return NULL;
}

/*
 * The quantized model's new ops for every sample; then the qtensors no
 * node from `node` on reads are freed.
 */
static int quant_upto(struct cqi_seq *s, const struct cim_quantized *q,
		      const int32_t *qid, uint32_t node)
{
	const struct cim_qmodel *m = &q->m;
	struct qjob jobs[SEQ_THREADS];
	pthread_t th[SEQ_THREADS];
	int started[SEQ_THREADS] = { 0 };
	int64_t *life;
	uint32_t i, k, t;
	int ret = 0;

	for (t = 0; t < m->n_tensors; t++)
		s->shape[t] = q->tensors[t].shape;
	for (k = 0; k < m->n_ops; k++) {
		uint64_t K, N;

		refi_op_vectors(&m->ops[k].op, s->shape, &K, &N);
		s->kmax = K > s->kmax ? K : s->kmax;
		s->nmax = N > s->nmax ? N : s->nmax;
	}
	s->kmax = s->kmax ? s->kmax : 1;
	s->nmax = s->nmax ? s->nmax : 1;
	/* A qtensor lives while a node from `node` on reads its graph tensor. */
	life = malloc((m->n_tensors ? m->n_tensors : 1) * sizeof(*life));
	if (!life)
		return -ENOMEM;
	for (t = 0; t < m->n_tensors; t++)
		life[t] = s->last[q->src[t]];
	for (t = 0; t < s->g->n_tensors; t++)
		if (qid[t] >= 0 && (uint32_t)qid[t] < m->n_tensors &&
		    s->last[t] > life[qid[t]])
			life[qid[t]] = s->last[t];
	for (i = 0; i < SEQ_THREADS; i++) {
		jobs[i] = (struct qjob){ .s = s, .m = m, .life = life, .node = node,
					 .first = i, .step = SEQ_THREADS };
		if (i && s->d->n > i)
			started[i] = !pthread_create(&th[i], NULL, q_worker, &jobs[i]);
		if (i && s->d->n > i && !started[i])
			q_worker(&jobs[i]);	/* no thread: run it here */
	}
	q_worker(&jobs[0]);
	for (i = 0; i < SEQ_THREADS; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		ret = ret ? ret : jobs[i].ret;
	}
	free(life);
	if (ret)
		return ret;
	s->started = 1;
	s->qdone = m->n_ops;
	return 0;
}

int cqi_seq_stats(struct cqi_seq *s, struct cim_quantized *q,
		  const int32_t *qid, const struct cim_node *n,
		  struct cqi_stats *st)
{
	struct cim_graph *g = s->g;
	uint32_t node = (uint32_t)(n - g->nodes), in = n->inputs[0], i, c, p;
	const struct cim_tensor *t = &g->tensors[in];
	const struct cim_qtensor *qt;
	int with_float = s->fl[node];
	struct cqi_stats ns;
	uint32_t hw;
	float *xq;
	int ret;

	if (qid[in] < 0)
		return -EINVAL;
	qt = &q->tensors[qid[in]];
	hw = qt->shape.h * qt->shape.w;
	if (cim_tensor_size(&qt->shape) != t->size)
		return -EINVAL;
	if (!with_float && !st->sumf)
		return -EINVAL;	/* no float statistics from calibration */
	q->m.tensors = q->tensors;
	q->m.ops = q->ops;
	q->m.output_tensor = 0;
	ret = with_float ? float_upto(s, node) : 0;
	if (!ret)
		ret = quant_upto(s, q, qid, node);
	if (!ret)
		ret = cqi_stats_init(&ns, g, n);
	if (ret)
		return ret;
	xq = malloc(t->size * sizeof(float));
	if (!xq)
		ret = -ENOMEM;
	for (i = 0; i < s->d->n && !ret; i++) {
		const int8_t *v = s->qv[i][qid[in]];

		if (!v || (with_float && !s->fv[i][in])) {
			ret = -EINVAL;
			break;
		}
		for (c = 0; c < qt->shape.c; c++)	/* HWC -> NCHW */
			for (p = 0; p < hw; p++)
				xq[(size_t)c * hw + p] = qt->q.scale *
					(v[(size_t)p * qt->shape.c + c] - qt->q.zero_point);
		cqi_stats_add(&ns, g, n, xq, with_float ? s->fv[i][in] : xq);
	}
	free(xq);
	if ((int64_t)node >= s->last_float)
		float_drop(s);	/* no later node wants float inputs */
	if (ret) {
		cqi_stats_free(&ns);
		return ret;
	}
	/* The float sums: the same values in the same order as calibration's. */
	if (!with_float)
		memcpy(ns.sumf, st->sumf, (size_t)ns.groups * ns.kg * sizeof(double));
	cqi_stats_finish(&ns);
	cqi_stats_free(st);
	*st = ns;
	return 0;
}
