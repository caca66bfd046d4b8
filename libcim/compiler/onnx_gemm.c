// SPDX-License-Identifier: MIT
/*
 * Gemm and MatMul: Y = alpha op(A) op(B) + beta C as FC nodes with the
 * weights rewritten to [N, K]; C as the bias or an Add after; a MatMul
 * of rank above 2 as a batch of FCs; a K longer than the card's vector
 * split over rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.h"
#include "quant.h"
/* The constant called name as floats. */
static int const_values(struct onnx_ctx *c, const char *name, float **f,
			int64_t **unused, int *n)
{
	size_t cnt = 0;
	int ret = onnx_const_floats(c, name, f, &cnt);

	(void)unused;
	*n = (int)cnt;
	return ret;
}

/*
 * C of Gemm: a per-output bias when it is one value or a row of N (then
 * it goes into the FC), else (a matrix [M, N] or [M, 1], or a tensor
 * computed at run time) an Add after the FC of beta C.  *bias_form says
 * which; for a bias *cv gets beta C spread over the N outputs.
 */
static int gemm_c(struct onnx_ctx *c, const char *c_name, uint32_t n,
		  float beta, float *bias, int *bias_form)
{
	const Onnx__TensorProto *ct = onnx_const(c, c_name);
	float *cv = NULL;
	int ret, nc = 0;
	uint32_t i;

	*bias_form = 0;
	if (!ct)
		return 0;
	if (ct->n_dims > 2 || (ct->n_dims == 2 && ct->dims[0] != 1))
		return 0;
	ret = const_values(c, c_name, &cv, NULL, &nc);
	if (ret)
		return ret;
	if (nc != 1 && (uint32_t)nc != n) {
		free(cv);
		return onnx_node_err(c, "input C must have 1 or N=%u elements (a per-output bias), has %d",
				     n, nc);
	}
	for (i = 0; i < n; i++)
		bias[i] = beta * cv[nc == 1 ? 0 : i];
	free(cv);
	*bias_form = 1;
	return 0;
}

/* y = fc_out + beta C, C not a bias: an Add with broadcasting. */
static int gemm_add_c(struct onnx_ctx *c, const char *fc_out, const char *c_name,
		      float beta)
{
	const Onnx__TensorProto *ct = onnx_const(c, c_name);
	char kn[ONNX_NAME_LEN], sn[ONNX_NAME_LEN];
	const char *ins[2] = { fc_out, c_name };
	const struct cim_tensor *ctt, *y = onnx_tensor(c, fc_out);
	uint32_t cr, d, ydims[2] = { y->dims[0], y->dims[1] };
	int ret = 0;

	ctt = ct ? NULL : onnx_tensor(c, c_name);
	cr = ct ? (uint32_t)ct->n_dims : ctt ? ctt->rank : 0;
	for (d = 0; d < cr && cr <= 2; d++) {
		int64_t cd = ct ? ct->dims[d] : ctt->dims[d];

		if (cd != 1 && cd != ydims[2 - cr + d])
			break;
	}
	if ((ct || ctt) && (cr > 2 || d < cr))
		return onnx_node_err(c, "input C does not broadcast to the output's %ux%u",
				     ydims[0], ydims[1]);

	if (ct) {	/* a constant matrix: beta C as an initializer */
		int64_t dims[CIM_MAX_RANK];
		float *cv;
		int nc, i;

		ret = const_values(c, c_name, &cv, NULL, &nc);
		if (ret)
			return ret;
		for (i = 0; i < nc; i++)
			cv[i] *= beta;
		for (i = 0; i < (int)ct->n_dims; i++)
			dims[i] = ct->dims[i];
		snprintf(kn, sizeof(kn), "%.400s:C", c->node->output[0]);
		ret = onnx_publish_floats(c, kn, (uint32_t)ct->n_dims, dims, cv,
					  (size_t)nc);
		free(cv);
		ins[1] = kn;
		if (!ret && !onnx_tensor(c, kn))
			ret = onnx_node_err(c, "input C of rank %d is not supported",
					    (int)ct->n_dims);
		return ret ? ret : onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, NULL);
	}
	if (!ctt)
		return onnx_node_err(c, "input C \"%.100s\" is not defined before the node",
				     c_name);
	if (beta != 1) {
		uint32_t one = 1;
		const char *m[2] = { c_name, kn };

		ret = onnx_add_init(c, "beta", 1, &one, &beta, kn);
		snprintf(sn, sizeof(sn), "%.400s:betaC", c->node->output[0]);
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_MUL, m, 2, NULL, sn);
		ins[1] = sn;
	}
	return ret ? ret : onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, NULL);
}

/*
 * FC of x [M, K] with W [N, K] and bias [N] into out.  A K longer than
 * the card's longest vector (CQI_MAX_VECTOR) is split over rows: FCs of
 * column SLICEs of x with the matching rows of W (the bias in the first),
 * summed by ADDs.
 */
static int fc_rows(struct onnx_ctx *c, const char *x, const float *w,
		   const char *w_init, uint32_t n, uint32_t k, const float *bias,
		   const char *out)
{
	char wname[ONNX_NAME_LEN], bname[ONNX_NAME_LEN], xs[ONNX_NAME_LEN], part[ONNX_NAME_LEN];
	char acc[2][ONNX_NAME_LEN], suffix[32];
	uint32_t parts = (k + CQI_MAX_VECTOR - 1) / CQI_MAX_VECTOR, p, i, wd[2];
	float *wp = NULL, *zero = NULL;
	const char *ins[3];
	int ret = 0;

	if (parts <= 1) {
		wd[0] = n;
		wd[1] = k;
		if (w_init)	/* the graph's own [N, K] initializer */
			snprintf(wname, sizeof(wname), "%s", w_init);
		else
			ret = onnx_add_init(c, "W", 2, wd, w, wname);
		if (!ret)
			ret = onnx_add_init(c, "B", 1, &n, bias, bname);
		ins[0] = x;
		ins[1] = wname;
		ins[2] = bname;
		return ret ? ret : onnx_add_node(c, CIM_NODE_FC, ins, 3, NULL, out);
	}
	wp = malloc((size_t)n * CQI_MAX_VECTOR * sizeof(*wp));
	zero = calloc(n, sizeof(*zero));
	if (!wp || !zero)
		ret = -ENOMEM;
	for (p = 0; p < parts && !ret; p++) {
		uint32_t at = p * CQI_MAX_VECTOR;
		uint32_t len = k - at < CQI_MAX_VECTOR ? k - at : CQI_MAX_VECTOR;
		union cim_node_attrs sa = { .slice = { 1, at, 1, len } };

		for (i = 0; i < n; i++)
			memcpy(wp + (size_t)i * len, w + (size_t)i * k + at, len * sizeof(*wp));
		wd[0] = n;
		wd[1] = len;
		snprintf(suffix, sizeof(suffix), "W%u", p);
		ret = onnx_add_init(c, suffix, 2, wd, wp, wname);
		snprintf(suffix, sizeof(suffix), "B%u", p);
		if (!ret)
			ret = onnx_add_init(c, suffix, 1, &n, p ? zero : bias, bname);
		if (!p)
			snprintf(acc[0], ONNX_NAME_LEN, "%.400s:ksum0", out);
		snprintf(xs, sizeof(xs), "%.400s:krows%u", out, p);
		snprintf(part, sizeof(part), "%.400s:kfc%u", out, p);
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_SLICE, &x, 1, &sa, xs);
		ins[0] = xs;
		ins[1] = wname;
		ins[2] = bname;
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_FC, ins, 3, NULL, p ? part : acc[0]);
		if (ret || !p)
			continue;
		snprintf(acc[p & 1], ONNX_NAME_LEN, "%.400s:ksum%u", out, p);
		ins[0] = acc[(p - 1) & 1];
		ins[1] = part;
		ret = onnx_add_node(c, CIM_NODE_ADD, ins, 2, NULL, p + 1 == parts ? out : acc[p & 1]);
	}
	free(wp);
	free(zero);
	return ret;
}

/*
 * B computed at run time (not a weight): Y = alpha op(A) op(B) + beta C
 * as a MATMUL of two run-time tensors (TRANSPOSEs for transA/transB, a
 * MUL by alpha, an Add of beta C).  The float executor runs it; the card
 * compiler refuses it (its arrays hold weights programmed into flash).
 */
static int to_matmul(struct onnx_ctx *c, int trans_a, int trans_b, float alpha,
		     float beta, const char *c_name, int gemm)
{
	char tn[2][ONNX_NAME_LEN], mm[ONNX_NAME_LEN], an[ONNX_NAME_LEN], sn[ONNX_NAME_LEN];
	const char *ins[2] = { onnx_in_name(c, 0), onnx_in_name(c, 1) };
	const char *out = c->out_over ? c->out_over : c->node->output[0];
	const struct cim_tensor *a, *b;
	int ret, i, tr[2] = { trans_a, trans_b };
	uint32_t one = 1;

	ret = onnx_need_tensor(c, 0, &a);
	if (!ret)
		ret = onnx_need_tensor(c, 1, &b);
	if (ret)
		return ret;
	if (gemm ? a->rank != 2 || b->rank != 2 : a->rank < 2 || b->rank < 2)
		return onnx_node_err(c, "a product of two run-time tensors takes %s inputs (A has rank %u, B %u)",
				     gemm ? "2-D" : "rank 2 or more", a->rank, b->rank);
	for (i = 0; i < 2; i++) {
		union cim_node_attrs t = { .perm = { 1, 0 } };

		if (!tr[i])
			continue;
		snprintf(tn[i], sizeof(tn[i]), "%.400s:%ct", c->node->output[0], "AB"[i]);
		ret = onnx_add_node(c, CIM_NODE_TRANSPOSE, &ins[i], 1, &t, tn[i]);
		if (ret)
			return ret;
		ins[i] = tn[i];
	}
	snprintf(mm, sizeof(mm), "%.400s:mm", c->node->output[0]);
	ret = onnx_add_node(c, CIM_NODE_MATMUL, ins, 2, NULL,
			    alpha != 1 || c_name ? mm : out);
	if (!ret && alpha != 1) {
		const char *m[2] = { mm, an };

		snprintf(sn, sizeof(sn), "%.400s:alphaAB", c->node->output[0]);
		ret = onnx_add_init(c, "alpha", 1, &one, &alpha, an);
		if (!ret)
			ret = onnx_add_node(c, CIM_NODE_MUL, m, 2, NULL, c_name ? sn : out);
		snprintf(mm, sizeof(mm), "%s", sn);
	}
	return ret || !c_name ? ret : gemm_add_c(c, mm, c_name, beta);
}

/*
 * Gemm and MatMul: Y = alpha op(A) op(B) + beta C as FC with W = [N, K].
 * A MatMul of rank above 2 is a batch of FCs with the same weights: the
 * leading axes are folded into the rows and unfolded after.
 */
static int to_fc(struct onnx_ctx *c, int trans_a, int trans_b, float alpha,
		 float beta, const char *c_name)
{
	const char *ins[3];
	char tname[ONNX_NAME_LEN], rows[ONNX_NAME_LEN], fco[ONNX_NAME_LEN];
	const struct cim_tensor *a, *b;
	uint32_t k, n, i, j, ar, adims[CIM_MAX_RANK], m = 1;
	const char *w_init;
	float *w = NULL, *bias = NULL;
	int ret, bias_form = 1, batched;

	ret = onnx_need_tensor(c, 0, &a);
	if (!ret)
		ret = onnx_need_tensor(c, 1, &b);
	if (ret)
		return ret;
	if (!b->data)
		return to_matmul(c, trans_a, trans_b, alpha, beta, c_name,
				 !!strcmp(c->node->op_type, "MatMul"));
	batched = a->rank > 2 && !c_name && !trans_a;
	if ((a->rank != 2 && !batched) || b->rank != 2)
		return onnx_node_err(c, "only 2-D inputs are supported (A has rank %u, B %u)",
				     a->rank, b->rank);
	ar = a->rank;
	memcpy(adims, a->dims, sizeof(adims));	/* adding nodes moves a */
	for (i = 0; i + 1 < ar; i++)
		m *= adims[i];
	k = trans_b ? b->dims[1] : b->dims[0];
	n = trans_b ? b->dims[0] : b->dims[1];
	/* B^T as it is (PyTorch's nn.Linear): the FC reads it, no copy. */
	w_init = trans_b && alpha == 1.0f && k <= CQI_MAX_VECTOR &&
		 onnx_in_name(c, 1) && strlen(onnx_in_name(c, 1)) < ONNX_NAME_LEN ?
		 onnx_in_name(c, 1) : NULL;
	w = w_init ? NULL : malloc((size_t)k * n * sizeof(*w));
	bias = calloc(n, sizeof(*bias));
	if ((!w_init && !w) || !bias) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; !w_init && i < n; i++)
		for (j = 0; j < k; j++)
			w[(size_t)i * k + j] = alpha * (trans_b ? b->data[(size_t)i * k + j] :
							b->data[(size_t)j * n + i]);
	if (c_name) {
		ret = gemm_c(c, c_name, n, beta, bias, &bias_form);
		if (ret)
			goto out;
	}
	ins[0] = onnx_in_name(c, 0);
	if (batched) {
		uint32_t rd[2] = { m, adims[ar - 1] };

		snprintf(rows, sizeof(rows), "%.400s:rows", c->node->output[0]);
		ret = onnx_add_node(c, CIM_NODE_RESHAPE, ins, 1, &(union cim_node_attrs){
			.reshape = { .rank = 2, .shape = { rd[0], rd[1] } } }, rows);
		if (ret)
			goto out;
		ins[0] = rows;
	}
	if (trans_a) {
		union cim_node_attrs t = { .perm = { 1, 0 } };

		snprintf(tname, sizeof(tname), "%.400s:At", c->node->output[0]);
		ret = onnx_add_node(c, CIM_NODE_TRANSPOSE, ins, 1, &t, tname);
		if (ret)
			goto out;
		ins[0] = tname;
	}
	snprintf(fco, sizeof(fco), "%.400s:fc", c->node->output[0]);
	ret = fc_rows(c, ins[0], w, w_init, n, k, bias, batched || !bias_form ? fco :
		      c->out_over ? c->out_over : c->node->output[0]);
	if (!ret && batched) {
		union cim_node_attrs r = { .reshape = { .rank = ar } };

		for (i = 0; i + 1 < ar; i++)
			r.reshape.shape[i] = adims[i];
		r.reshape.shape[ar - 1] = n;
		ins[0] = fco;
		ret = onnx_add_node(c, CIM_NODE_RESHAPE, ins, 1, &r, NULL);
	}
	if (!ret && !bias_form)
		ret = gemm_add_c(c, fco, c_name, beta);
out:
	free(w);
	free(bias);
	return ret;
}

int onnx_op_gemm(struct onnx_ctx *c)
{
	static const char *const known[] = { "alpha", "beta", "transA", "transB", NULL };
	/* Gemm-6: broadcast=1 lets C broadcast, as it always does from 7 */
	static const char *const known6[] = { "alpha", "beta", "transA",
		"transB", "broadcast", NULL };
	int64_t ta = 0, tb = 0;
	float alpha = 1, beta = 1;
	int ret;

	ret = onnx_check_node(c, c->opset < 7 ? known6 : known, 2, 3);
	if (!ret)
		ret = onnx_attr_int(c, "transA", &ta);
	if (!ret)
		ret = onnx_attr_int(c, "transB", &tb);
	if (!ret)
		ret = onnx_attr_float(c, "alpha", &alpha);
	if (!ret)
		ret = onnx_attr_float(c, "beta", &beta);
	if (ret)
		return ret;
	return to_fc(c, ta != 0, tb != 0, alpha, beta, onnx_in_name(c, 2));
}

int onnx_op_matmul(struct onnx_ctx *c)
{
	static const char *const known[] = { NULL };
	int ret = onnx_check_node(c, known, 2, 2);

	return ret ? ret : to_fc(c, 0, 0, 1, 1, NULL);
}

