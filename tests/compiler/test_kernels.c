// SPDX-License-Identifier: MIT
/*
 * The float executor's GEMM path (kernels_gemm.c: im2col + OpenBLAS)
 * against a naive reference written here: random convolutions with
 * groups (depthwise too), strides, dilations, asymmetric padding, bias
 * and a fused ReLU, one large enough that im2col runs in blocks, and FCs.
 * Each output must be within float rounding of the double-precision
 * reference: |y - ref| <= 1e-5 * sum|w x| + 1e-6.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tutil.h"

struct conv_case {
	uint32_t c, oc, group, h, w, kh, kw, sy, sx, dy, dx;
	uint32_t pad[4];	/* top, left, bottom, right */
	int relu;
};

static uint32_t pick(uint64_t *s, uint32_t lo, uint32_t hi)
{
	float f = (tu_frand(s) + 1.0f) / 2.0f;	/* [0, 1) */
	uint32_t v = lo + (uint32_t)(f * (float)(hi - lo + 1));

	return v > hi ? hi : v;
}

static int64_t out_dim(uint32_t in, uint32_t k, uint32_t s, uint32_t d,
		       uint32_t p0, uint32_t p1)
{
	int64_t span = (int64_t)d * (k - 1) + 1;

	return ((int64_t)in + p0 + p1 - span) / s + 1;
}

/* y = conv(x, w) + b in doubles; bound[i] = sum |w x| + |b|. */
static void conv_ref(const struct conv_case *k, const float *x, const float *w,
		     const float *b, uint32_t oh, uint32_t ow, double *y,
		     double *bound)
{
	uint32_t cpg = k->c / k->group, opg = k->oc / k->group;
	uint32_t o, oy, ox, ic, ky, kx;

	for (o = 0; o < k->oc; o++)
	for (oy = 0; oy < oh; oy++)
	for (ox = 0; ox < ow; ox++) {
		double acc = b[o], mag = fabs(b[o]);

		for (ic = 0; ic < cpg; ic++)
		for (ky = 0; ky < k->kh; ky++)
		for (kx = 0; kx < k->kw; kx++) {
			int64_t iy = (int64_t)oy * k->sy + (int64_t)ky * k->dy - k->pad[0];
			int64_t ix = (int64_t)ox * k->sx + (int64_t)kx * k->dx - k->pad[1];
			uint32_t ci = (o / opg) * cpg + ic;
			double p;

			if (iy < 0 || ix < 0 || iy >= k->h || ix >= k->w)
				continue;
			p = (double)w[((o * cpg + ic) * k->kh + ky) * k->kw + kx] *
			    x[((size_t)ci * k->h + (size_t)iy) * k->w + (size_t)ix];
			acc += p;
			mag += fabs(p);
		}
		if (k->relu && acc < 0)
			acc = 0;
		y[((size_t)o * oh + oy) * ow + ox] = acc;
		bound[((size_t)o * oh + oy) * ow + ox] = 1e-5 * mag + 1e-6;
	}
}

static void check_conv(const struct conv_case *k, uint64_t *seed)
{
	uint32_t cpg = k->c / k->group, oh, ow;
	size_t nx = (size_t)k->c * k->h * k->w;
	size_t nw = (size_t)k->oc * cpg * k->kh * k->kw, ny, i;
	float *x = malloc(nx * sizeof(float)), *w = malloc(nw * sizeof(float));
	float *b = malloc(k->oc * sizeof(float)), *y;
	double *ref, *bound;
	struct cim_graph *g = cim_graph_new();
	const char *ins[] = { "x", "w", "b" };
	struct cim_node_desc d = { .name = "conv", .op = CIM_NODE_CONV,
				   .n_inputs = 3, .inputs = ins, .output = "y" };
	int idx;

	oh = (uint32_t)out_dim(k->h, k->kh, k->sy, k->dy, k->pad[0], k->pad[2]);
	ow = (uint32_t)out_dim(k->w, k->kw, k->sx, k->dx, k->pad[1], k->pad[3]);
	ny = (size_t)k->oc * oh * ow;
	y = malloc(ny * sizeof(float));
	ref = malloc(ny * sizeof(double));
	bound = malloc(ny * sizeof(double));
	assert_true(g && x && w && b && y && ref && bound);
	tu_fill(seed, x, nx);
	tu_fill(seed, w, nw);
	tu_fill(seed, b, k->oc);
	d.attr.conv = (struct cim_conv_attrs){
		.kernel = { k->kh, k->kw }, .stride = { k->sy, k->sx },
		.pad = { k->pad[0], k->pad[1], k->pad[2], k->pad[3] },
		.dilation = { k->dy, k->dx }, .group = k->group };
	assert_true(cim_graph_add_input(g, "x", 4,
					(const uint32_t[]){ 1, k->c, k->h, k->w }) >= 0);
	assert_true(cim_graph_add_initializer(g, "w", 4,
			(const uint32_t[]){ k->oc, cpg, k->kh, k->kw }, w) >= 0);
	assert_true(cim_graph_add_initializer(g, "b", 1,
			(const uint32_t[]){ k->oc }, b) >= 0);
	idx = cim_graph_add_node(g, &d);
	if (idx < 0)
		fail_msg("conv %s", cim_graph_error(g));
	if (k->relu)
		g->nodes[idx].act = CIM_ACT_RELU;
	assert_int_equal(cim_graph_add_output(g, "y"), 0);
	assert_int_equal(g->tensors[g->nodes[idx].output].dims[2], oh);
	assert_int_equal(g->tensors[g->nodes[idx].output].dims[3], ow);
	tu_run1(g, x, y);
	conv_ref(k, x, w, b, oh, ow, ref, bound);
	for (i = 0; i < ny; i++)
		if (!(fabs(y[i] - ref[i]) <= bound[i]))
			fail_msg("conv c%u oc%u g%u %ux%u k%ux%u s%u,%u d%u,%u p%u,%u,%u,%u: "
				 "y[%zu] = %.9g, reference %.9g", k->c, k->oc, k->group,
				 k->h, k->w, k->kh, k->kw, k->sy, k->sx, k->dy, k->dx,
				 k->pad[0], k->pad[1], k->pad[2], k->pad[3], i, y[i], ref[i]);
	cim_graph_free(g);
	free(x);
	free(w);
	free(b);
	free(y);
	free(ref);
	free(bound);
}

static void test_conv_random(void **state)
{
	uint64_t seed = 0x5eed1234abcdULL;
	uint32_t done = 0, tries = 0;
	(void)state;

	while (done < 120 && tries++ < 10000) {
		struct conv_case k;
		uint32_t kind = pick(&seed, 0, 3);

		k.group = kind == 0 ? 1 : kind == 1 ? pick(&seed, 2, 4) : 1;
		k.c = k.group * pick(&seed, 1, 6);
		k.oc = k.group * pick(&seed, 1, 6);
		if (kind == 2) {	/* depthwise (the direct loop) */
			k.group = k.c;
			k.oc = k.c;
		}
		if (kind == 3) {	/* depthwise with a channel multiplier */
			k.group = k.c;
			k.oc = k.c * pick(&seed, 2, 3);
		}
		k.h = pick(&seed, 1, 17);
		k.w = pick(&seed, 1, 17);
		k.kh = pick(&seed, 1, 5);
		k.kw = pick(&seed, 1, 5);
		k.sy = pick(&seed, 1, 3);
		k.sx = pick(&seed, 1, 3);
		k.dy = pick(&seed, 1, 3);
		k.dx = pick(&seed, 1, 3);
		k.pad[0] = pick(&seed, 0, 2);
		k.pad[1] = pick(&seed, 0, 2);
		k.pad[2] = pick(&seed, 0, 2);
		k.pad[3] = pick(&seed, 0, 2);
		k.relu = pick(&seed, 0, 1);
		if (pick(&seed, 0, 3) == 0) {	/* the unpadded 1x1 fast path */
			k.kh = k.kw = 1;
			k.sy = k.sx = 1;
			k.pad[0] = k.pad[1] = k.pad[2] = k.pad[3] = 0;
		}
		/* the builder's rules: the span fits the input, pads are
		 * smaller than it; and at least one output */
		if (k.dy * (k.kh - 1) + 1 > k.h || k.dx * (k.kw - 1) + 1 > k.w)
			continue;
		if (k.pad[0] >= k.dy * (k.kh - 1) + 1 || k.pad[2] >= k.dy * (k.kh - 1) + 1 ||
		    k.pad[1] >= k.dx * (k.kw - 1) + 1 || k.pad[3] >= k.dx * (k.kw - 1) + 1)
			continue;
		if (out_dim(k.h, k.kh, k.sy, k.dy, k.pad[0], k.pad[2]) < 1 ||
		    out_dim(k.w, k.kw, k.sx, k.dx, k.pad[1], k.pad[3]) < 1)
			continue;
		check_conv(&k, &seed);
		done++;
	}
	assert_int_equal(done, 120);
}

/* K x positions above the im2col block: the matrix is built in parts. */
static void test_conv_blocks(void **state)
{
	struct conv_case k = { .c = 64, .oc = 8, .group = 1, .h = 96, .w = 96,
			       .kh = 3, .kw = 3, .sy = 1, .sx = 1, .dy = 1,
			       .dx = 1, .pad = { 1, 1, 1, 1 }, .relu = 1 };
	struct conv_case k2 = { .c = 16, .oc = 32, .group = 2, .h = 40, .w = 33,
				.kh = 3, .kw = 3, .sy = 2, .sx = 2, .dy = 2,
				.dx = 1, .pad = { 2, 1, 0, 1 } };
	uint64_t seed = 77;
	(void)state;

	check_conv(&k, &seed);
	check_conv(&k2, &seed);
}

static void test_fc_random(void **state)
{
	uint64_t seed = 99;
	uint32_t t;
	(void)state;

	for (t = 0; t < 20; t++) {
		uint32_t K = pick(&seed, 1, 300), N = pick(&seed, 1, 70), i, o;
		float *x = malloc(K * sizeof(float)), *w = malloc((size_t)N * K * sizeof(float));
		float *b = malloc(N * sizeof(float)), *y = malloc(N * sizeof(float));
		struct cim_graph *g = cim_graph_new();
		const char *ins[] = { "x", "w", "b" };
		struct cim_node_desc d = { .name = "fc", .op = CIM_NODE_FC,
					   .n_inputs = 3, .inputs = ins, .output = "y" };

		assert_true(x && w && b && y && g);
		tu_fill(&seed, x, K);
		tu_fill(&seed, w, (size_t)N * K);
		tu_fill(&seed, b, N);
		assert_true(cim_graph_add_input(g, "x", 2, (const uint32_t[]){ 1, K }) >= 0);
		assert_true(cim_graph_add_initializer(g, "w", 2,
						      (const uint32_t[]){ N, K }, w) >= 0);
		assert_true(cim_graph_add_initializer(g, "b", 1,
						      (const uint32_t[]){ N }, b) >= 0);
		assert_true(cim_graph_add_node(g, &d) >= 0);
		assert_int_equal(cim_graph_add_output(g, "y"), 0);
		tu_run1(g, x, y);
		for (o = 0; o < N; o++) {
			double acc = b[o], mag = fabs(b[o]);

			for (i = 0; i < K; i++) {
				acc += (double)w[(size_t)o * K + i] * x[i];
				mag += fabs((double)w[(size_t)o * K + i] * x[i]);
			}
			if (!(fabs(y[o] - acc) <= 1e-5 * mag + 1e-6))
				fail_msg("fc %ux%u: y[%u] = %.9g, reference %.9g", N, K,
					 o, y[o], acc);
		}
		cim_graph_free(g);
		free(x);
		free(w);
		free(b);
		free(y);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_random),
		cmocka_unit_test(test_conv_blocks),
		cmocka_unit_test(test_fc_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
