// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "qgen.h"
#include "testutil.h"

static void *own(struct qg_model *m, size_t n)
{
	void *p = calloc(1, n ? n : 1);

	m->bufs[m->n_bufs++] = p;
	return p;
}

void qg_init(struct qg_model *m, uint64_t *s, uint32_t c, uint32_t h,
	     uint32_t w)
{
	memset(m, 0, sizeof(*m));
	m->s = s;
	m->t[0].shape = (struct cim_image_tensor){ 0, c, h, w };
	m->t[0].q = (struct cim_qparams){ 0.05f, (int32_t)tu_range(s, -20, 20) };
	m->t[0].name = "input";
	m->qm.tensors = m->t;
	m->qm.ops = m->ops;
	m->qm.n_tensors = 1;
}

void qg_free(struct qg_model *m)
{
	uint32_t i;

	for (i = 0; i < m->n_bufs; i++)
		free(m->bufs[i]);
	memset(m, 0, sizeof(*m));
}

static int32_t rnd(struct qg_model *m, int64_t lo, int64_t hi)
{
	return (int32_t)tu_range(m->s, lo, hi);
}

/* A new op writing a c x h x w tensor; fields common to all ops set. */
static struct cim_image_op *new_op(struct qg_model *m, uint32_t type,
				   uint32_t in0, uint32_t c, uint32_t h,
				   uint32_t w)
{
	uint32_t i = m->qm.n_ops++;
	struct cim_image_op *op = &m->ops[i].op;
	int32_t zp = rnd(m, -20, 20);

	m->qm.n_tensors++;
	m->t[i + 1].shape = (struct cim_image_tensor){ 0, c, h, w };
	m->t[i + 1].q = (struct cim_qparams){ 0.05f, zp };
	op->type = (uint16_t)type;
	op->in0 = in0;
	op->in1 = CIM_TENSOR_NONE;
	op->out = i + 1;
	op->in0_zp = m->t[in0].q.zero_point;
	op->out_zp = zp;
	switch (rnd(m, 0, 3)) {
	case 0:
		op->act_min = zp;		/* ReLU */
		op->act_max = 127;
		break;
	case 1:
		op->act_min = rnd(m, -128, -60);
		op->act_max = rnd(m, 60, 127);
		break;
	default:
		op->act_min = -128;
		op->act_max = 127;
	}
	return op;
}

static uint32_t isqrt(uint64_t v)
{
	uint32_t r = 0;

	while ((uint64_t)(r + 1) * (r + 1) <= v)
		r++;
	return r;
}

/* Weights, bias and requantization bringing acc back to about +-100. */
static void weights(struct qg_model *m, uint32_t i, uint32_t Kg, uint32_t N)
{
	struct cim_qop *q = &m->ops[i];
	uint32_t wbits = q->op.wbits, n, k;
	int8_t *w = own(m, (size_t)N * Kg);
	int32_t *bias = own(m, N * 4), *mult = own(m, N * 4);
	int32_t *shift = own(m, N * 4), *wzp = NULL;
	uint64_t spread = (uint64_t)(wbits == 8 ? 80 * 73 : 80 * 5) * (isqrt(Kg) + 1);
	int32_t sh = 0;

	while (sh > -31 && (spread >> -sh) > 100)
		sh--;
	if (wbits == 4)
		wzp = own(m, N * 4);
	for (n = 0; n < N; n++) {
		if (wzp)
			wzp[n] = rnd(m, 0, 15);
		for (k = 0; k < Kg; k++)
			w[(size_t)n * Kg + k] = (int8_t)(wbits == 8 ?
				rnd(m, -127, 127) : rnd(m, 0, 15));
		bias[n] = rnd(m, -(int64_t)spread / 2, (int64_t)spread / 2);
		mult[n] = rnd(m, 1 << 30, INT32_MAX);
		shift[n] = sh + rnd(m, -1, 0);
	}
	/* Rarely, an accumulator that wraps: the card wraps too. */
	if (rnd(m, 0, 30) == 0)
		bias[0] = INT32_MAX - rnd(m, 0, 1000);
	q->weights = w;
	q->bias = bias;
	q->mult = mult;
	q->shift = shift;
	q->wzp = wzp;
}

uint32_t qg_fc(struct qg_model *m, uint32_t in, uint32_t n, uint32_t wbits)
{
	struct cim_image_op *op = new_op(m, CIM_OP_FC, in, n, 1, 1);

	op->wbits = wbits;
	op->groups = 1;
	weights(m, m->qm.n_ops - 1, (uint32_t)cim_tensor_size(&m->t[in].shape), n);
	return op->out;
}

uint32_t qg_conv(struct qg_model *m, uint32_t in, uint32_t n, uint32_t k,
		 uint32_t stride, uint32_t dil, uint32_t pad, uint32_t groups,
		 uint32_t wbits)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	uint32_t pb = pad ? (uint32_t)rnd(m, 0, pad) : 0;
	uint32_t oh = cim_window_out(s->h, k, stride, dil, pad, pb);
	uint32_t ow = cim_window_out(s->w, k, stride, dil, pb, pad);
	uint32_t c = s->c;
	struct cim_image_op *op = new_op(m, CIM_OP_CONV, in, n, oh, ow);

	op->kernel_h = op->kernel_w = k;
	op->stride_h = op->stride_w = stride;
	op->dil_h = op->dil_w = dil;
	op->pad_top = pad;
	op->pad_bottom = pb;
	op->pad_left = pb;
	op->pad_right = pad;
	op->groups = groups;
	op->wbits = wbits;
	weights(m, m->qm.n_ops - 1, k * k * c / groups, n);
	return op->out;
}

uint32_t qg_pool(struct qg_model *m, uint32_t in, uint32_t type, uint32_t k,
		 uint32_t stride, uint32_t pad, uint32_t flags)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	uint32_t oh = cim_window_out(s->h, k, stride, 1, pad, 0);
	uint32_t ow = cim_window_out(s->w, k, stride, 1, 0, pad);
	struct cim_image_op *op = new_op(m, type, in, s->c, oh, ow);

	op->kernel_h = op->kernel_w = k;
	op->stride_h = op->stride_w = stride;
	op->dil_h = op->dil_w = 1;
	op->pad_top = pad;
	op->pad_right = pad;
	op->flags = (uint16_t)(type == CIM_OP_AVGPOOL ? flags : 0);
	/* Pools keep scale and zero point. */
	op->out_zp = op->in0_zp;
	m->t[op->out].q.zero_point = op->in0_zp;
	if (op->act_min > -128)
		op->act_min = op->in0_zp;
	return op->out;
}

static void rescale(struct qg_model *m, int32_t *mult, int32_t *shift, int32_t base)
{
	*mult = rnd(m, 1 << 30, INT32_MAX);
	*shift = base + rnd(m, -1, 1);
	if (*shift < -31)
		*shift = -31;
}

uint32_t qg_add(struct qg_model *m, uint32_t a, uint32_t b)
{
	const struct cim_image_tensor *s = &m->t[a].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_ADD, a, s->c, s->h, s->w);

	op->in1 = b;
	op->in1_zp = m->t[b].q.zero_point;
	op->left_shift = (uint32_t)rnd(m, 0, 20);
	rescale(m, &op->in0_mult, &op->in0_shift, -(int32_t)op->left_shift);
	rescale(m, &op->in1_mult, &op->in1_shift, -(int32_t)op->left_shift);
	rescale(m, &op->out_mult, &op->out_shift, 0);
	return op->out;
}

uint32_t qg_concat(struct qg_model *m, uint32_t a, uint32_t b)
{
	const struct cim_image_tensor *s = &m->t[a].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_CONCAT, a,
					 s->c + m->t[b].shape.c, s->h, s->w);

	op->in1 = b;
	op->in1_zp = m->t[b].q.zero_point;
	rescale(m, &op->in0_mult, &op->in0_shift, 0);
	rescale(m, &op->in1_mult, &op->in1_shift, 0);
	return op->out;
}

uint32_t qg_shuffle(struct qg_model *m, uint32_t in, uint32_t groups)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_SHUFFLE, in, s->c, s->h, s->w);

	op->groups = groups;
	op->in0_zp = op->out_zp = op->act_min = op->act_max = 0;
	op->act_min = -128;
	op->act_max = 127;
	m->t[op->out].q = m->t[in].q;
	op->in0_zp = op->out_zp = 0;
	return op->out;
}

uint32_t qg_exit(struct qg_model *m, uint32_t in, uint32_t margin)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_EXIT, in, s->c, s->h, s->w);

	op->exit_margin = margin;
	op->in0_zp = op->out_zp = 0;
	op->act_min = -128;
	op->act_max = 127;
	m->t[op->out].q = m->t[in].q;
	return op->out;
}

uint32_t qg_lut(struct qg_model *m, uint32_t in)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_LUT, in, s->c, s->h, s->w);
	int32_t *lut = own(m, 256 * sizeof(*lut));
	uint32_t i;

	for (i = 0; i < 256; i++)
		lut[i] = rnd(m, -128, 127);
	m->ops[op->out - 1].lut = lut;
	return op->out;
}

uint32_t qg_mul(struct qg_model *m, uint32_t a, uint32_t b)
{
	const struct cim_image_tensor *s = &m->t[a].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_MUL, a, s->c, s->h, s->w);

	op->in1 = b;
	op->in1_zp = m->t[b].q.zero_point;
	rescale(m, &op->out_mult, &op->out_shift, -7);
	return op->out;
}

uint32_t qg_slice(struct qg_model *m, uint32_t in, uint32_t first, uint32_t c)
{
	const struct cim_image_tensor *s = &m->t[in].shape;
	struct cim_image_op *op = new_op(m, CIM_OP_SLICE, in, c, s->h, s->w);

	op->chan_first = first;
	op->in0_zp = op->out_zp = 0;
	op->act_min = -128;
	op->act_max = 127;
	m->t[op->out].q = m->t[in].q;
	return op->out;
}

void qg_finish(struct qg_model *m)
{
	m->qm.output_tensor = m->qm.n_ops;
}

static uint32_t pick_groups(struct qg_model *m, uint32_t c, uint32_t n)
{
	uint32_t g, cands[8], nc = 0;

	for (g = 1; g <= c && nc < 8; g++)
		if (c % g == 0 && n % g == 0)
			cands[nc++] = g;
	if (c == n && rnd(m, 0, 2) == 0)
		return c;	/* depthwise */
	return cands[rnd(m, 0, nc - 1)];
}

static uint32_t wbits(struct qg_model *m)
{
	return rnd(m, 0, 2) ? 8 : 4;
}

/* One random stage on tensor x; returns the new current tensor. */
static uint32_t stage(struct qg_model *m, uint32_t x)
{
	const struct cim_image_tensor *s = &m->t[x].shape;
	uint32_t c = s->c, n, k, st, dil, pad, y, z, g;

	switch (rnd(m, 0, 8)) {
	case 0:
	case 1:	/* conv */
		k = (uint32_t)rnd(m, 1, 3);
		st = (uint32_t)rnd(m, 1, 2);
		dil = (uint32_t)rnd(m, 1, 2);
		while (k > 1 && ((k - 1) * dil + 1 > s->h || (k - 1) * dil + 1 > s->w))
			k--;
		pad = k > 1 ? (uint32_t)rnd(m, 0, (k - 1) * dil) : 0;
		n = rnd(m, 0, 1) ? c : (uint32_t)rnd(m, 1, 12);
		g = pick_groups(m, c, n);
		return qg_conv(m, x, n, k, st, dil, pad, g, wbits(m));
	case 2:	/* pool */
		if (s->h < 2 || s->w < 2)
			return x;
		k = 2;
		return qg_pool(m, x, rnd(m, 0, 1) ? CIM_OP_MAXPOOL : CIM_OP_AVGPOOL,
			       k, (uint32_t)rnd(m, 1, 2), (uint32_t)rnd(m, 0, 1),
			       rnd(m, 0, 1) ? CIM_OPF_COUNT_PAD : 0);
	case 3:	/* residual add */
		y = qg_conv(m, x, c, 1, 1, 1, 0, pick_groups(m, c, c), wbits(m));
		return qg_add(m, x, y);
	case 4:	/* concat of two branches */
		y = qg_conv(m, x, (uint32_t)rnd(m, 1, 6), 1, 1, 1, 0, 1, wbits(m));
		z = rnd(m, 0, 1) ? x : qg_pool(m, x, CIM_OP_MAXPOOL, 1, 1, 0, 0);
		return qg_concat(m, y, z);
	case 6:	/* elementwise function */
		return qg_lut(m, x);
	case 7:	/* squeeze-excite: scale each channel by a pooled value */
		y = s->h > 1 || s->w > 1 ? qg_pool(m, x, CIM_OP_AVGPOOL, 1, 1, 0, 0) : x;
		if (s->h > 1 || s->w > 1) {	/* a global pool: 1x1xC */
			struct cim_image_op *p = &m->ops[y - 1].op;

			p->kernel_h = s->h;
			p->kernel_w = s->w;
			m->t[y].shape.h = m->t[y].shape.w = 1;
		}
		return qg_mul(m, x, rnd(m, 0, 1) ? y : qg_lut(m, x));
	case 8:	/* a run of channels */
		if (c < 2)
			return x;
		k = (uint32_t)rnd(m, 1, c - 1);
		return qg_slice(m, x, (uint32_t)rnd(m, 0, c - k), k);
	default:	/* shuffle */
		for (g = 2; g <= c; g++)
			if (c % g == 0)
				return qg_shuffle(m, x, g);
		return x;
	}
}

void qg_random(struct qg_model *m, uint64_t *s)
{
	uint32_t x, n, i, stages;

	qg_init(m, s, (uint32_t)tu_range(s, 1, 6), (uint32_t)tu_range(s, 1, 8),
		(uint32_t)tu_range(s, 1, 8));
	x = 0;
	stages = (uint32_t)tu_range(s, 0, 5);
	for (i = 0; i < stages && m->qm.n_ops < QG_MAX_OPS - 8; i++)
		x = stage(m, x);
	n = (uint32_t)tu_range(s, 1, 12);
	x = qg_fc(m, x, n, wbits(m));
	if (tu_range(s, 0, 1)) {
		x = qg_exit(m, x, (uint32_t)tu_range(s, 0, 80));
		x = qg_fc(m, x, (uint32_t)tu_range(s, 1, 20), wbits(m));
		x = qg_fc(m, x, n, wbits(m));
	}
	qg_finish(m);
}
