// SPDX-License-Identifier: MIT
/*
 * Graph rewrites for the card that keep the float function: batch norm
 * folding, activation fusion, removal of what nothing reads any more.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define DEAD_OP		0	/* marks a node removed until compaction */

static int is_graph_output(const struct cim_graph *g, uint32_t t)
{
	uint32_t i;

	for (i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] == t)
			return 1;
	return 0;
}

/* The node producing t if t feeds nothing but its one reader. */
static struct cim_node *sole_producer(struct cim_graph *g, uint32_t t)
{
	const struct cim_tensor *x = &g->tensors[t];

	if (x->producer < 0 || x->n_consumers != 1 || is_graph_output(g, t))
		return NULL;
	return &g->nodes[x->producer];
}

/* A new initializer named base + suffix holding a copy of n floats. */
static int new_init(struct cim_graph *g, const char *base, const char *suffix,
		    uint32_t rank, const uint32_t *dims, const float *data)
{
	char name[512];
	int i, t;

	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "%.400s%s%.0d", base, suffix, i);
		if (cim_graph_find(g, name) < 0)
			break;
	}
	t = cim_graph_add_initializer(g, name, rank, dims, data);
	return t;
}

/* Scale k[c] and shift s[c] of a batch norm, or -EINVAL for var + eps <= 0. */
static int bn_coeffs(struct cim_graph *g, const struct cim_node *bn,
		     double *k, double *s)
{
	const float *sc = g->tensors[bn->inputs[1]].data;
	const float *bi = g->tensors[bn->inputs[2]].data;
	const float *mean = g->tensors[bn->inputs[3]].data;
	const float *var = g->tensors[bn->inputs[4]].data;
	uint32_t c, n = g->tensors[bn->inputs[1]].dims[0];

	for (c = 0; c < n; c++) {
		double d = (double)var[c] + bn->attr.epsilon;

		if (!(d > 0))
			return cgi_err(g, "node \"%s\" (BatchNormalization): variance + epsilon of channel %u is not positive",
				       bn->name, c);
		k[c] = sc[c] / sqrt(d);
		s[c] = bi[c] - mean[c] * k[c];
	}
	return 0;
}

/* W'[c] = k[c] W[c], b'[c] = k[c] b[c] + s[c] into the layer before bn. */
static int fold_into(struct cim_graph *g, struct cim_node *p, struct cim_node *bn,
		     const double *k, const double *s)
{
	/* A copy: adding initializers moves g->tensors. */
	struct cim_tensor w = g->tensors[p->inputs[1]];
	uint32_t oc = w.dims[0], c;
	uint64_t per = w.size / oc, i;
	float *nw, *nb;
	int tw, tb, ret = -ENOMEM;

	nw = malloc(w.size * sizeof(float));
	nb = malloc(oc * sizeof(float));
	if (!nw || !nb)
		goto out;
	for (c = 0; c < oc; c++) {
		double b = p->n_inputs > 2 ? g->tensors[p->inputs[2]].data[c] : 0;

		for (i = 0; i < per; i++)
			nw[c * per + i] = (float)(w.data[c * per + i] * k[c]);
		nb[c] = (float)(b * k[c] + s[c]);
	}
	/* New initializers: the old ones may be shared with other nodes. */
	tw = new_init(g, p->name, ":bn_w", w.rank, w.dims, nw);
	if (tw < 0) {
		ret = tw;
		goto out;
	}
	tb = new_init(g, p->name, ":bn_b", 1, &oc, nb);
	if (tb < 0) {
		ret = tb;
		goto out;
	}
	g->tensors[p->inputs[1]].n_consumers--;
	if (p->n_inputs > 2)
		g->tensors[p->inputs[2]].n_consumers--;
	p->inputs[1] = (uint32_t)tw;
	p->inputs[2] = (uint32_t)tb;
	p->n_inputs = 3;
	g->tensors[tw].n_consumers++;
	g->tensors[tb].n_consumers++;
	ret = 0;
out:
	free(nw);
	free(nb);
	(void)bn;
	return ret;
}

/* A batch norm with no layer to fold into becomes a depthwise 1x1 conv. */
static int bn_to_conv(struct cim_graph *g, struct cim_node *bn, const double *k,
		      const double *s)
{
	uint32_t c_n = g->tensors[bn->inputs[1]].dims[0], c, i;
	uint32_t wd[4] = { c_n, 1, 1, 1 };
	float *w = malloc(c_n * sizeof(float)), *b = malloc(c_n * sizeof(float));
	int tw = -ENOMEM, tb = -ENOMEM;

	if (w && b) {
		for (c = 0; c < c_n; c++) {
			w[c] = (float)k[c];
			b[c] = (float)s[c];
		}
		tw = new_init(g, bn->name, ":dw_w", 4, wd, w);
		if (tw >= 0)
			tb = new_init(g, bn->name, ":dw_b", 1, &c_n, b);
	}
	free(w);
	free(b);
	if (tw < 0 || tb < 0)
		return tw < 0 ? tw : tb;
	for (i = 1; i < 5; i++)
		g->tensors[bn->inputs[i]].n_consumers--;
	bn->op = CIM_NODE_CONV;
	memset(&bn->attr, 0, sizeof(bn->attr));
	bn->attr.conv = (struct cim_conv_attrs){ .kernel = { 1, 1 },
		.stride = { 1, 1 }, .dilation = { 1, 1 }, .group = c_n };
	bn->inputs[1] = (uint32_t)tw;
	bn->inputs[2] = (uint32_t)tb;
	bn->n_inputs = 3;
	g->tensors[tw].n_consumers++;
	g->tensors[tb].n_consumers++;
	return 0;
}

/* The node before `n` takes over n's output; n disappears. */
static void bypass(struct cim_graph *g, struct cim_node *p, struct cim_node *n)
{
	uint32_t i, old = p->output;

	g->tensors[old].n_consumers = 0;
	g->tensors[old].producer = -1;
	p->output = n->output;
	g->tensors[n->output].producer = (int32_t)(p - g->nodes);
	for (i = 1; i < n->n_inputs; i++)
		g->tensors[n->inputs[i]].n_consumers--;
	n->op = DEAD_OP;
}

static int fold_batchnorms(struct cim_graph *g)
{
	double *k = NULL, *s = NULL;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < g->n_nodes && !ret; i++) {
		struct cim_node *bn = &g->nodes[i], *p;
		uint32_t c_n;

		if (bn->op != CIM_NODE_BATCHNORM)
			continue;
		c_n = g->tensors[bn->inputs[1]].dims[0];
		free(k);
		free(s);
		k = malloc(c_n * sizeof(*k));
		s = malloc(c_n * sizeof(*s));
		if (!k || !s) {
			ret = -ENOMEM;
			break;
		}
		ret = bn_coeffs(g, bn, k, s);
		if (ret)
			break;
		p = sole_producer(g, bn->inputs[0]);
		/* fold_into() may move g->nodes: no pointers kept across it */
		if (p && (p->op == CIM_NODE_CONV || p->op == CIM_NODE_FC) &&
		    p->act == CIM_ACT_NONE && g->tensors[p->inputs[1]].data) {
			uint32_t pi = (uint32_t)(p - g->nodes);

			ret = fold_into(g, p, bn, k, s);
			if (!ret)
				bypass(g, &g->nodes[pi], &g->nodes[i]);
		} else if (g->tensors[bn->inputs[0]].rank == 4 && bn->act == CIM_ACT_NONE) {
			ret = bn_to_conv(g, bn, k, s);
		}
	}
	free(k);
	free(s);
	return ret;
}

static void fuse_activations(struct cim_graph *g)
{
	uint32_t i;

	for (i = 0; i < g->n_nodes; i++) {
		struct cim_node *a = &g->nodes[i], *p;

		if (a->op != CIM_NODE_RELU && a->op != CIM_NODE_CLIP)
			continue;
		p = sole_producer(g, a->inputs[0]);
		if (!p || p->act != CIM_ACT_NONE ||
		    (p->op != CIM_NODE_FC && p->op != CIM_NODE_CONV && p->op != CIM_NODE_ADD))
			continue;
		if (a->op == CIM_NODE_RELU) {
			p->act = CIM_ACT_RELU;
		} else {
			p->act = CIM_ACT_CLIP;
			p->act_min = a->attr.clip.min;
			p->act_max = a->attr.clip.max;
		}
		bypass(g, p, a);
	}
}

/*
 * x * sigmoid(x) is SiLU and x * hardsigmoid(x) (alpha 1/6, beta 1/2)
 * is hard-swish: one elementwise function (one lookup table on the
 * card) instead of a function and a product of two tensors.
 */
static void fuse_gated(struct cim_graph *g)
{
	uint32_t i, j;

	for (i = 0; i < g->n_nodes; i++) {
		struct cim_node *m = &g->nodes[i], *s = NULL;
		uint32_t x = 0, fn = 0;

		if (m->op != CIM_NODE_MUL || m->act != CIM_ACT_NONE)
			continue;
		for (j = 0; j < 2 && !fn; j++) {
			s = sole_producer(g, m->inputs[j]);
			x = m->inputs[1 - j];
			if (!s || s->op != CIM_NODE_UNARY || s->inputs[0] != x ||
			    s->act != CIM_ACT_NONE)
				continue;
			if (s->attr.unary.fn == CIM_UNARY_SIGMOID)
				fn = CIM_UNARY_SILU;
			else if (s->attr.unary.fn == CIM_UNARY_HARDSIGMOID &&
				 fabsf(s->attr.unary.alpha - 1.0f / 6) < 1e-6f &&
				 fabsf(s->attr.unary.beta - 0.5f) < 1e-6f)
				fn = CIM_UNARY_HARDSWISH;
		}
		if (!fn)
			continue;
		g->tensors[s->output].n_consumers = 0;
		g->tensors[s->output].producer = -1;
		g->tensors[x].n_consumers--;	/* s no longer reads it */
		s->op = DEAD_OP;
		m->op = CIM_NODE_UNARY;
		m->inputs[0] = x;
		m->n_inputs = 1;
		memset(&m->attr, 0, sizeof(m->attr));
		m->attr.unary.fn = fn;
	}
}

/*
 * Zero padding before a convolution is the convolution's own padding
 * (the card pads with the input zero point, the real 0).
 */
static void fold_pads(struct cim_graph *g)
{
	uint32_t i, j;

	for (i = 0; i < g->n_nodes; i++) {
		struct cim_node *c = &g->nodes[i], *p;

		if (c->op != CIM_NODE_CONV)
			continue;
		p = sole_producer(g, c->inputs[0]);
		if (!p || p->op != CIM_NODE_PAD || p->attr.pad.value != 0)
			continue;
		for (j = 0; j < 4; j++)
			if (c->attr.conv.pad[j] + p->attr.pad.pad[j] >=
			    (c->attr.conv.kernel[j & 1] - 1) * c->attr.conv.dilation[j & 1] + 1)
				break;
		if (j < 4)
			continue;	/* a window all padding: keep the Pad */
		for (j = 0; j < 4; j++)
			c->attr.conv.pad[j] += p->attr.pad.pad[j];
		g->tensors[c->inputs[0]].n_consumers = 0;
		g->tensors[c->inputs[0]].producer = -1;
		c->inputs[0] = p->inputs[0];
		p->op = DEAD_OP;
	}
}

/* Drop dead nodes and tensors nothing produces, reads or exports. */
static int compact(struct cim_graph *g)
{
	uint32_t *tmap, *nmap, i, j, nt = 0, nn = 0;

	tmap = malloc((g->n_tensors + 1) * sizeof(*tmap));
	nmap = malloc((g->n_nodes + 1) * sizeof(*nmap));
	if (!tmap || !nmap) {
		free(tmap);
		free(nmap);
		return -ENOMEM;
	}
	for (i = 0; i < g->n_nodes; i++) {
		nmap[i] = nn;
		if (g->nodes[i].op != DEAD_OP)
			g->nodes[nn++] = g->nodes[i];
		else
			free(g->nodes[i].name);
	}
	g->n_nodes = nn;
	cgi_count_consumers(g);	/* live nodes only */
	for (i = 0; i < g->n_tensors; i++) {
		struct cim_tensor *t = &g->tensors[i];
		int keep = t->producer >= 0 || t->n_consumers ||
			   is_graph_output(g, i);

		for (j = 0; j < g->n_inputs && !keep; j++)
			keep = g->inputs[j] == i;
		tmap[i] = nt;
		if (keep) {
			if (t->producer >= 0)
				t->producer = (int32_t)nmap[t->producer];
			g->tensors[nt++] = *t;
		} else {
			free(t->name);
			free(t->data);
		}
	}
	for (i = 0; i < nn; i++) {
		for (j = 0; j < g->nodes[i].n_inputs; j++)
			g->nodes[i].inputs[j] = tmap[g->nodes[i].inputs[j]];
		g->nodes[i].output = tmap[g->nodes[i].output];
	}
	for (i = 0; i < g->n_inputs; i++)
		g->inputs[i] = tmap[g->inputs[i]];
	for (i = 0; i < g->n_outputs; i++)
		g->outputs[i] = tmap[g->outputs[i]];
	g->n_tensors = nt;
	free(tmap);
	free(nmap);
	return 0;
}

int cim_graph_optimize(struct cim_graph *g)
{
	int ret;

	if (!g)
		return -EINVAL;
	cgi_count_consumers(g);
	ret = fold_batchnorms(g);
	if (ret)
		return ret;
	fuse_activations(g);
	fuse_gated(g);
	fold_pads(g);
	return compact(g);
}
