// SPDX-License-Identifier: MIT
/*
 * Window operators the graph has no node for, lowered onto 2-D ones at
 * import, keeping the float function exactly:
 *  - 3-D pools: max and average are separable, so an H x W pool over
 *    [N, C*D, H, W] then a D pool over [N, C, D, H'*W'] (per-axis padding
 *    and valid counts multiply, so count_include_pad holds too);
 *  - 3-D convolutions: per output depth, the kd input planes it reads
 *    (a strided slice) as kd times the channels of a 2-D convolution
 *    whose weights are the 3-D ones reshaped; the depths concatenated;
 *  - dilated max pools: per axis, the k dilated taps as strided slices
 *    stacked on a new axis and a max pool over it;
 *  - Pad modes reflect and edge: slices of single rows and columns
 *    concatenated around the tensor.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"

#define MAX_PARTS	4096

struct win3 {
	int64_t k[3], s[3], p[6], d[3];
};

static void tname(struct onnx_ctx *c, char *buf, const char *what, uint32_t i)
{
	snprintf(buf, ONNX_NAME_LEN, "%.400s:%s%u", c->node->output[0], what, i);
}

static int slice(struct onnx_ctx *c, const char *x, uint32_t axis, uint32_t start,
		 uint32_t step, uint32_t len, const char *out)
{
	union cim_node_attrs a = { 0 };

	a.slice.axis = axis;
	a.slice.start = start;
	a.slice.step = step;
	a.slice.len = len;
	return onnx_add_node(c, CIM_NODE_SLICE, &x, 1, &a, out);
}

/* Concatenate n named tensors along axis into out, 15 at a time. */
static int concat_chain(struct onnx_ctx *c, char (*names)[ONNX_NAME_LEN],
			uint32_t n, uint32_t axis, const char *tag, const char *out)
{
	union cim_node_attrs a = { .axis = (int32_t)axis };
	const char *ins[CIM_MAX_NODE_INPUTS];
	char acc[2][ONNX_NAME_LEN];
	uint32_t at = 0, k = 0, m, i;
	int ret = 0;

	if (n == 1)
		return onnx_add_reshape(c, names[0], onnx_tensor(c, names[0])->rank,
			       onnx_tensor(c, names[0])->dims, out);
	while (!ret && at < n) {
		m = 0;
		if (k)
			ins[m++] = acc[(k - 1) & 1];
		for (i = 0; at < n && m < CIM_MAX_NODE_INPUTS; i++)
			ins[m++] = names[at++];
		snprintf(acc[k & 1], ONNX_NAME_LEN, "%.400s:%s%u",
			 c->node->output[0], tag, k);
		ret = onnx_add_node(c, CIM_NODE_CONCAT, ins, m, &a,
				    at == n ? out : acc[k & 1]);
		k++;
	}
	return ret;
}

/* auto_pad, kernel_shape, strides, pads, dilations of a 3-D window. */
static int window3(struct onnx_ctx *c, const uint32_t *in, const int64_t *kdef,
		   int ceil_mode, struct win3 *w)
{
	char mode[32] = "NOTSET";
	size_t nk = 0, ns = 3, np = 6, nd = 3, i;
	int ret;

	for (i = 0; i < 3; i++) {
		w->s[i] = w->d[i] = 1;
		w->p[i] = w->p[3 + i] = 0;
	}
	ret = onnx_attr_string(c, "auto_pad", mode, sizeof(mode));
	if (!ret)
		ret = onnx_attr_ints(c, "kernel_shape", w->k, 3, &nk);
	if (!ret)
		ret = onnx_attr_ints(c, "strides", w->s, 3, &ns);
	if (!ret)
		ret = onnx_attr_ints(c, "pads", w->p, 6, &np);
	if (!ret)
		ret = onnx_attr_ints(c, "dilations", w->d, 3, &nd);
	if (ret)
		return ret;
	if (!nk && kdef) {
		memcpy(w->k, kdef, 3 * sizeof(*kdef));
		nk = 3;
	}
	if (nk != 3 || ns != 3 || np != 6 || nd != 3)
		return onnx_node_err(c, "a 3-D window needs 3 kernel sizes, strides, dilations and 6 pads");
	for (i = 0; i < 3; i++)
		if (w->k[i] < 1 || w->k[i] > 1 << 16 || w->s[i] < 1 || w->s[i] > 1 << 16 ||
		    w->d[i] < 1 || w->d[i] > 1 << 16)
			return onnx_node_err(c, "kernel_shape, strides or dilations out of range");
	for (i = 0; i < 6; i++)
		if (w->p[i] < 0 || w->p[i] > 1 << 16)
			return onnx_node_err(c, "pads value %lld is not supported",
					     (long long)w->p[i]);
	if (strcmp(mode, "NOTSET") && strcmp(mode, "VALID") &&
	    strcmp(mode, "SAME_UPPER") && strcmp(mode, "SAME_LOWER"))
		return onnx_node_err(c, "auto_pad=%s is not supported", mode);
	for (i = 0; i < 3 && strcmp(mode, "NOTSET"); i++) {
		int64_t out = ((int64_t)in[i] + w->s[i] - 1) / w->s[i];
		int64_t tot = (out - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] + 1 - in[i];

		tot = tot > 0 && strcmp(mode, "VALID") ? tot : 0;
		w->p[i] = !strcmp(mode, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
		w->p[3 + i] = tot - w->p[i];
	}
	for (i = 0; i < 3 && ceil_mode; i++) {
		int64_t span = (w->k[i] - 1) * w->d[i] + 1;
		int64_t tot = (int64_t)in[i] + w->p[i] + w->p[3 + i] - span, out;

		if (tot < 0)
			continue;
		out = (tot + w->s[i] - 1) / w->s[i] + 1;
		if ((out - 1) * w->s[i] >= (int64_t)in[i] + w->p[i])
			out--;
		if ((out - 1) * w->s[i] + span > (int64_t)in[i] + w->p[i] + w->p[3 + i])
			w->p[3 + i] = (out - 1) * w->s[i] + span - in[i] - w->p[i];
	}
	for (i = 0; i < 3; i++)
		if ((int64_t)in[i] + w->p[i] + w->p[3 + i] < (w->k[i] - 1) * w->d[i] + 1)
			return onnx_node_err(c, "the window does not fit the input");
	return 0;
}

static int lower_pool3d(struct onnx_ctx *c, const struct cim_tensor *x)
{
	static const char *const known_max[] = { "auto_pad", "ceil_mode",
		"dilations", "kernel_shape", "pads", "storage_order", "strides", NULL };
	static const char *const known_avg[] = { "auto_pad", "ceil_mode",
		"count_include_pad", "kernel_shape", "pads", "strides", NULL };
	int is_max = !strcmp(c->node->op_type, "MaxPool");
	enum cim_node_op op = is_max ? CIM_NODE_MAXPOOL : CIM_NODE_AVGPOOL;
	char n1[ONNX_NAME_LEN], n2[ONNX_NAME_LEN], n3[ONNX_NAME_LEN], n4[ONNX_NAME_LEN];
	int64_t ceil_mode = 0, cip = 0, order = 0;
	const struct cim_tensor *y;
	struct cim_tensor yv;
	union cim_node_attrs a = { 0 };
	struct win3 w, given;
	uint32_t dims[5];
	int ret, i;

	ret = onnx_check_node(c, is_max ? known_max : known_avg, 1, 1);
	for (i = 1; !ret && i < (int)c->node->n_output; i++)
		if (c->node->output[i] && *c->node->output[i])
			ret = onnx_node_err(c, "output %d (\"%.100s\") is not supported", i,
					    c->node->output[i]);
	if (!ret)
		ret = onnx_attr_int(c, "ceil_mode", &ceil_mode);
	if (!ret)
		ret = onnx_attr_int(c, "count_include_pad", &cip);
	if (!ret)
		ret = onnx_attr_int(c, "storage_order", &order);
	if (!ret)
		ret = window3(c, x->dims + 2, NULL, 0, &given);
	if (!ret)
		ret = window3(c, x->dims + 2, NULL, ceil_mode != 0, &w);
	if (ret)
		return ret;
	if (order)
		return onnx_node_err(c, "storage_order=%lld is not supported", (long long)order);
	if (w.d[0] != 1 || w.d[1] != 1 || w.d[2] != 1)
		return onnx_node_err(c, "dilations other than 1 are not supported for 3-D pools");
	if (!is_max && cip && memcmp(given.p, w.p, sizeof(w.p)))
		return onnx_node_err(c, "ceil_mode=1 with count_include_pad=1 is not supported when it adds padding");
	for (i = 0; i < 3; i++)
		if (w.p[i] >= w.k[i] || w.p[3 + i] >= w.k[i])
			return onnx_node_err(c, "pads must be smaller than the kernel");
	/* H x W over [N, C*D, H, W] */
	dims[0] = x->dims[0];
	dims[1] = x->dims[1] * x->dims[2];
	dims[2] = x->dims[3];
	dims[3] = x->dims[4];
	tname(c, n1, "hw_in", 0);
	tname(c, n2, "hw_out", 0);
	tname(c, n3, "d_in", 0);
	tname(c, n4, "d_out", 0);
	ret = onnx_add_reshape(c, onnx_in_name(c, 0), 4, dims, n1);
	a.pool.count_include_pad = cip != 0;
	a.pool.kernel[0] = (uint32_t)w.k[1];
	a.pool.kernel[1] = (uint32_t)w.k[2];
	a.pool.stride[0] = (uint32_t)w.s[1];
	a.pool.stride[1] = (uint32_t)w.s[2];
	a.pool.pad[0] = (uint32_t)w.p[1];
	a.pool.pad[1] = (uint32_t)w.p[2];
	a.pool.pad[2] = (uint32_t)w.p[4];
	a.pool.pad[3] = (uint32_t)w.p[5];
	if (!ret)
		ret = onnx_add_node(c, op, (const char *const[]){ n1 }, 1, &a, n2);
	if (ret)
		return ret;
	yv = *onnx_tensor(c, n2);
	y = &yv;
	/* D over [N, C, D, H'*W'] */
	dims[1] = x->dims[1];
	dims[2] = x->dims[2];
	dims[3] = y->dims[2] * y->dims[3];
	dims[4] = y->dims[3];
	ret = onnx_add_reshape(c, n2, 4, dims, n3);
	a.pool.kernel[0] = (uint32_t)w.k[0];
	a.pool.kernel[1] = 1;
	a.pool.stride[0] = (uint32_t)w.s[0];
	a.pool.stride[1] = 1;
	a.pool.pad[0] = (uint32_t)w.p[0];
	a.pool.pad[2] = (uint32_t)w.p[3];
	a.pool.pad[1] = a.pool.pad[3] = 0;
	if (!ret)
		ret = onnx_add_node(c, op, (const char *const[]){ n3 }, 1, &a, n4);
	if (ret)
		return ret;
	dims[2] = onnx_tensor(c, n4)->dims[2];
	dims[3] = y->dims[2];
	return onnx_add_reshape(c, n4, 5, dims, c->node->output[0]);
}

static int lower_conv3d(struct onnx_ctx *c, const struct cim_tensor *x)
{
	static const char *const known[] = { "auto_pad", "dilations", "group",
		"kernel_shape", "pads", "strides", NULL };
	const struct cim_tensor *wt;
	struct cim_tensor wv;
	char xn[ONNX_NAME_LEN], wn[ONNX_NAME_LEN], sn[ONNX_NAME_LEN], rn[ONNX_NAME_LEN];
	char yn[ONNX_NAME_LEN], (*parts)[ONNX_NAME_LEN] = NULL;
	const char *cur = onnx_in_name(c, 0), *ins[3];
	union cim_node_attrs a = { 0 }, pa = { 0 };
	uint32_t dims[5], wd[4], od, outd, dp, i;
	int64_t group = 1, kdef[3];
	struct win3 w;
	int ret;

	ret = onnx_check_node(c, known, 2, 3);
	if (ret)
		return ret;
	wt = onnx_tensor(c, onnx_in_name(c, 1));
	if (wt) {	/* a copy: adding nodes moves the tensor array */
		wv = *wt;
		wt = &wv;
	}
	if (!wt || !wt->data)
		return onnx_node_err(c, "input 1 \"%.100s\" must be an initializer (weights)",
				     onnx_in_name(c, 1));
	if (wt->rank != 5)
		return onnx_node_err(c, "weights of rank %u for a 3-D convolution", wt->rank);
	for (i = 0; i < 3; i++)
		kdef[i] = wt->dims[2 + i];
	ret = window3(c, x->dims + 2, kdef, 0, &w);
	if (!ret)
		ret = onnx_attr_int(c, "group", &group);
	if (ret)
		return ret;
	if (group < 1 || group > 1 << 20)
		return onnx_node_err(c, "group=%lld is not supported", (long long)group);
	for (i = 0; i < 3; i++)
		if (w.k[i] != wt->dims[2 + i])
			return onnx_node_err(c, "kernel_shape does not match the weights");
	dp = x->dims[2] + (uint32_t)(w.p[0] + w.p[3]);
	outd = (uint32_t)((dp - ((w.k[0] - 1) * w.d[0] + 1)) / w.s[0] + 1);
	if (outd > MAX_PARTS)
		return onnx_node_err(c, "an output depth of %u is not supported", outd);
	if (w.p[0] || w.p[3]) {	/* pad the depth: as H of [N, C, D, H*W] */
		dims[0] = x->dims[0];
		dims[1] = x->dims[1];
		dims[2] = x->dims[2];
		dims[3] = x->dims[3] * x->dims[4];
		tname(c, xn, "dflat", 0);
		ret = onnx_add_reshape(c, cur, 4, dims, xn);
		pa.pad.pad[0] = (uint32_t)w.p[0];
		pa.pad.pad[2] = (uint32_t)w.p[3];
		tname(c, sn, "dpad", 0);
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_PAD, (const char *const[]){ xn },
					    1, &pa, sn);
		dims[2] = dp;
		dims[3] = x->dims[3];
		dims[4] = x->dims[4];
		tname(c, xn, "dpadded", 0);
		if (!ret)
			ret = onnx_add_reshape(c, sn, 5, dims, xn);
		cur = xn;
		if (ret)
			return ret;
	}
	wd[0] = wt->dims[0];
	wd[1] = wt->dims[1] * wt->dims[2];
	wd[2] = wt->dims[3];
	wd[3] = wt->dims[4];
	ret = onnx_add_init(c, "w2d", 4, wd, wt->data, wn);
	parts = calloc(outd, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	a.conv.kernel[0] = (uint32_t)w.k[1];
	a.conv.kernel[1] = (uint32_t)w.k[2];
	a.conv.stride[0] = (uint32_t)w.s[1];
	a.conv.stride[1] = (uint32_t)w.s[2];
	a.conv.dilation[0] = (uint32_t)w.d[1];
	a.conv.dilation[1] = (uint32_t)w.d[2];
	a.conv.pad[0] = (uint32_t)w.p[1];
	a.conv.pad[1] = (uint32_t)w.p[2];
	a.conv.pad[2] = (uint32_t)w.p[4];
	a.conv.pad[3] = (uint32_t)w.p[5];
	a.conv.group = (uint32_t)group;
	ins[1] = wn;
	ins[2] = onnx_in_name(c, 2);
	for (od = 0; od < outd && !ret; od++) {
		const struct cim_tensor *y;

		tname(c, sn, "dslice", od);
		tname(c, rn, "dplanes", od);
		tname(c, yn, "dconv", od);
		tname(c, parts[od], "ddepth", od);
		ret = slice(c, cur, 2, od * (uint32_t)w.s[0], (uint32_t)w.d[0],
			    (uint32_t)w.k[0], sn);
		dims[0] = x->dims[0];
		dims[1] = x->dims[1] * (uint32_t)w.k[0];
		dims[2] = x->dims[3];
		dims[3] = x->dims[4];
		if (!ret)
			ret = onnx_add_reshape(c, sn, 4, dims, rn);
		ins[0] = rn;
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_CONV, ins, ins[2] ? 3 : 2, &a, yn);
		if (ret)
			break;
		y = onnx_tensor(c, yn);
		dims[1] = y->dims[1];
		dims[2] = 1;
		dims[3] = y->dims[2];
		dims[4] = y->dims[3];
		ret = onnx_add_reshape(c, yn, 5, dims, parts[od]);
	}
	if (!ret)
		ret = concat_chain(c, parts, outd, 2, "dcat", c->node->output[0]);
	free(parts);
	return ret;
}

/*
 * A max pool with dilations (2-D, or 1-D as [N, C, 1, L]): pad with
 * -inf, then per axis the k taps i*d + s*o as strided slices stacked on
 * axis 2 and a k x 1 max pool over them.
 */
int onnx_lower_dilated_maxpool(struct onnx_ctx *c, const struct cim_tensor *x,
			       const uint32_t *kernel, const uint32_t *stride,
			       const uint32_t *pad, const uint32_t *dil)
{
	char cur[ONNX_NAME_LEN], nxt[ONNX_NAME_LEN], (*parts)[ONNX_NAME_LEN];
	union cim_node_attrs pa = { 0 }, ma = { 0 };
	uint32_t dims[4], ax, i, len, in_len;
	int ret = 0;

	parts = calloc(kernel[0] > kernel[1] ? kernel[0] : kernel[1], sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	snprintf(cur, sizeof(cur), "%s", onnx_in_name(c, 0));
	if (pad[0] || pad[1] || pad[2] || pad[3]) {
		memcpy(pa.pad.pad, pad, sizeof(pa.pad.pad));
		pa.pad.value = -INFINITY;
		tname(c, nxt, "dpad", 0);
		ret = onnx_add_node(c, CIM_NODE_PAD, (const char *const[]){ cur }, 1,
				    &pa, nxt);
		memcpy(cur, nxt, sizeof(cur));
	}
	for (ax = 0; ax < 2 && !ret; ax++) {
		struct cim_tensor tv = *onnx_tensor(c, cur);
		const struct cim_tensor *t = &tv;
		uint32_t span = (kernel[ax] - 1) * dil[ax] + 1;
		const char *src = cur;

		in_len = t->dims[2 + ax];
		len = (in_len - span) / stride[ax] + 1;
		if (kernel[ax] == 1 && stride[ax] == 1)
			continue;
		for (i = 0; i < kernel[ax] && !ret; i++) {
			char sn[ONNX_NAME_LEN];

			tname(c, sn, ax ? "wtap" : "htap", i);
			tname(c, parts[i], ax ? "wrow" : "hrow", i);
			ret = slice(c, src, 2 + ax, i * dil[ax], stride[ax], len, sn);
			dims[0] = t->dims[0];
			dims[1] = t->dims[1];
			dims[2] = 1;
			dims[3] = (ax ? t->dims[2] : t->dims[3]) * len;
			if (!ret)
				ret = onnx_add_reshape(c, sn, 4, dims, parts[i]);
		}
		tname(c, nxt, ax ? "wstack" : "hstack", 0);
		if (!ret)
			ret = concat_chain(c, parts, kernel[ax], 2, ax ? "wcat" : "hcat", nxt);
		ma.pool.kernel[0] = kernel[ax];
		ma.pool.kernel[1] = 1;
		ma.pool.stride[0] = ma.pool.stride[1] = 1;
		tname(c, cur, ax ? "wmax" : "hmax", 0);
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_MAXPOOL,
					    (const char *const[]){ nxt }, 1, &ma, cur);
		dims[2] = ax ? t->dims[2] : len;
		dims[3] = ax ? len : t->dims[3];
		tname(c, nxt, ax ? "wout" : "hout", 0);
		if (!ret)
			ret = onnx_add_reshape(c, cur, 4, dims, nxt);
		memcpy(cur, nxt, sizeof(cur));
	}
	free(parts);
	(void)x;
	if (ret)
		return ret;
	return onnx_add_reshape(c, cur, 4, onnx_tensor(c, cur)->dims,
		       c->out_over ? c->out_over : c->node->output[0]);
}

/* Pad modes reflect and edge of H and W of a 4-D tensor. */
int onnx_lower_pad_mode(struct onnx_ctx *c, const struct cim_tensor *xp,
			const int64_t *pads, int reflect)
{
	char cur[ONNX_NAME_LEN], (*parts)[ONNX_NAME_LEN];
	const struct cim_tensor xv = *xp, *x = &xv;
	uint32_t ax, i, n, total = 0;
	int ret = 0;

	for (ax = 0; ax < 2; ax++) {
		int64_t b = pads[2 + ax], e = pads[6 + ax], L = x->dims[2 + ax];

		if (b > MAX_PARTS || e > MAX_PARTS || (reflect && (b >= L || e >= L)))
			return onnx_node_err(c, "pads larger than the input are not supported in this mode");
		total = (uint32_t)(b + e + 1) > total ? (uint32_t)(b + e + 1) : total;
	}
	parts = calloc(total, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	snprintf(cur, sizeof(cur), "%s", onnx_in_name(c, 0));
	for (ax = 0; ax < 2 && !ret; ax++) {
		uint32_t b = (uint32_t)pads[2 + ax], e = (uint32_t)pads[6 + ax];
		uint32_t L = x->dims[2 + ax];
		int last = ax == 1 || (!pads[3] && !pads[7]);

		if (!b && !e)
			continue;
		n = 0;
		for (i = 0; i < b && !ret; i++) {
			tname(c, parts[n], ax ? "wpad" : "hpad", n);
			ret = slice(c, cur, 2 + ax, reflect ? b - i : 0, 1, 1, parts[n]);
			n++;
		}
		snprintf(parts[n++], ONNX_NAME_LEN, "%s", cur);
		for (i = 0; i < e && !ret; i++) {
			tname(c, parts[n], ax ? "wpad" : "hpad", n);
			ret = slice(c, cur, 2 + ax, reflect ? L - 2 - i : L - 1, 1, 1,
				    parts[n]);
			n++;
		}
		tname(c, cur, ax ? "wpadded" : "hpadded", 0);
		if (!ret)
			ret = concat_chain(c, parts, n, 2 + ax, ax ? "wcat" : "hcat",
					   last ? c->node->output[0] : cur);
	}
	free(parts);
	return ret;
}

int onnx_lower_3d(struct onnx_ctx *c, const struct cim_tensor *x)
{
	if (!strcmp(c->node->op_type, "Conv"))
		return lower_conv3d(c, x);
	return lower_pool3d(c, x);
}
