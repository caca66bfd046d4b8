// SPDX-License-Identifier: MIT
/*
 * Graph IR: the builder API and its checks, the float executor on
 * hand-computed results, and the rewrites of cim_graph_optimize().
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tutil.h"

#define DIMS(...)	(const uint32_t[]){ __VA_ARGS__ }
#define FLOATS(...)	(const float[]){ __VA_ARGS__ }

static int node(struct cim_graph *g, enum cim_node_op op, const char *ins,
		const char *out, const union cim_node_attrs *a)
{
	char buf[256], *names[CIM_MAX_NODE_INPUTS], *p;
	struct cim_node_desc d = { .name = out, .op = op, .output = out };
	uint32_t n = 0;

	strcpy(buf, ins);
	for (p = strtok(buf, ","); p; p = strtok(NULL, ","))
		names[n++] = p;
	d.n_inputs = n;
	d.inputs = (const char *const *)names;
	if (a)
		d.attr = *a;
	return cim_graph_add_node(g, &d);
}

static struct cim_graph *with_input(uint32_t rank, const uint32_t *dims)
{
	struct cim_graph *g = cim_graph_new();

	assert_non_null(g);
	assert_int_equal(cim_graph_add_input(g, "x", rank, dims), 0);
	return g;
}

static void finish(struct cim_graph *g, const char *out)
{
	assert_int_equal(cim_graph_add_output(g, out), 0);
}

static void test_builder_rejects(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(1, 3));
	(void)state;

	assert_int_equal(cim_graph_add_input(g, "x", 2, DIMS(1, 3)), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "\"x\" is defined twice"));
	assert_int_equal(cim_graph_add_input(g, "y", 0, DIMS(1)), -EINVAL);
	assert_int_equal(cim_graph_add_input(g, "y", 2, DIMS(1, 0)), -EINVAL);
	assert_int_equal(cim_graph_add_input(g, "", 1, DIMS(1)), -EINVAL);
	assert_int_equal(cim_graph_add_initializer(g, "w", 1, DIMS(2), NULL), -EINVAL);
	assert_int_equal(node(g, CIM_NODE_RELU, "nope", "r", NULL), -EINVAL);
	assert_string_equal(cim_graph_error(g),
			    "node \"r\" (Relu): input \"nope\" is not defined before the node");
	assert_int_equal(node(g, CIM_NODE_RELU, "x", "x", NULL), -EINVAL);
	assert_int_equal(node(g, CIM_NODE_ADD, "x", "a", NULL), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "takes 2 inputs, has 1"));
	assert_int_equal(cim_graph_add_output(g, "missing"), -EINVAL);
	assert_int_equal(cim_graph_find(g, "x"), 0);
	assert_int_equal(cim_graph_find(g, "r"), -ENOENT);
	assert_int_equal(g->n_nodes, 0);
	/* a graph without outputs cannot run */
	assert_int_equal(cim_graph_run(g, NULL, NULL), -EINVAL);
	cim_graph_free(g);
}

static void test_shape_errors(void **state)
{
	struct cim_graph *g = with_input(4, DIMS(1, 4, 3, 3));
	union cim_node_attrs a = { .conv = { .stride = { 1, 1 },
		.dilation = { 1, 1 }, .group = 3 } };
	float w[4 * 2 * 2 * 2] = { 0 };
	(void)state;

	assert_true(cim_graph_add_initializer(g, "w", 4, DIMS(4, 2, 2, 2), w) >= 0);
	assert_int_equal(node(g, CIM_NODE_CONV, "x,w", "c", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "group=3 does not divide"));
	a.conv.group = 1;
	assert_int_equal(node(g, CIM_NODE_CONV, "x,w", "c", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "weights have 2 input channels per group"));
	a.conv.group = 2;
	a.conv.kernel[0] = 3;
	assert_int_equal(node(g, CIM_NODE_CONV, "x,w", "c", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "kernel_shape 3x0 does not match"));
	a.conv.kernel[0] = 0;
	a.conv.dilation[0] = 4;
	assert_int_equal(node(g, CIM_NODE_CONV, "x,w", "c", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "does not fit"));
	a.conv.dilation[0] = 1;
	assert_int_equal(node(g, CIM_NODE_CONV, "w,w", "c", &a), -EINVAL);
	/* run-time weights are allowed (float executor), a run-time bias not */
	assert_int_equal(node(g, CIM_NODE_CONV, "x,w,x", "c", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "must be an initializer"));
	assert_true(node(g, CIM_NODE_CONV, "x,w", "c", &a) >= 0);
	assert_int_equal(g->tensors[cim_graph_find(g, "c")].dims[2], 2);

	a = (union cim_node_attrs){ .reshape = { 2, { 5, -1 } } };
	assert_int_equal(node(g, CIM_NODE_RESHAPE, "x", "r", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "cannot reshape 36 elements"));
	a = (union cim_node_attrs){ .reshape = { 2, { -1, -1 } } };
	assert_int_equal(node(g, CIM_NODE_RESHAPE, "x", "r", &a), -EINVAL);
	a = (union cim_node_attrs){ .perm = { 0, 1, 1, 3 } };
	assert_int_equal(node(g, CIM_NODE_TRANSPOSE, "x", "t", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "not a permutation"));
	assert_int_equal(node(g, CIM_NODE_ADD, "x,c", "s", NULL), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "does not broadcast"));
	a = (union cim_node_attrs){ .axis = 2 };
	assert_int_equal(node(g, CIM_NODE_CONCAT, "x,c", "cc", &a), -EINVAL);
	a = (union cim_node_attrs){ .clip = { 2, 1 } };
	assert_int_equal(node(g, CIM_NODE_CLIP, "x", "cl", &a), -EINVAL);
	a = (union cim_node_attrs){ .pool = { .kernel = { 2, 2 }, .stride = { 1, 1 },
		.pad = { 2, 0, 0, 0 } } };
	assert_int_equal(node(g, CIM_NODE_MAXPOOL, "x", "p", &a), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "pads must be smaller"));
	cim_graph_free(g);
}

static void test_fc(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(2, 3));
	float out[4];
	(void)state;

	cim_graph_add_initializer(g, "w", 2, DIMS(2, 3), FLOATS(1, 0, -1, 2, 1, 0));
	cim_graph_add_initializer(g, "b", 1, DIMS(2), FLOATS(0.5f, -1));
	assert_true(node(g, CIM_NODE_FC, "x,w,b", "y", NULL) >= 0);
	finish(g, "y");
	tu_run1(g, FLOATS(1, 2, 3, -1, 0, 1), out);
	tu_assert_close(out, FLOATS(-1.5f, 3, -1.5f, -3), 4, 1e-6);
	cim_graph_free(g);
}

static void conv_case(const union cim_node_attrs *a, const uint32_t *wdims,
		      const float *w, const float *in, const uint32_t *in_dims,
		      const float *want, size_t n)
{
	struct cim_graph *g = with_input(4, in_dims);
	float out[16];

	assert_true(cim_graph_add_initializer(g, "w", 4, wdims, w) >= 0);
	assert_true(node(g, CIM_NODE_CONV, "x,w", "y", a) >= 0);
	finish(g, "y");
	assert_int_equal(g->tensors[cim_graph_find(g, "y")].size, n);
	tu_run1(g, in, out);
	tu_assert_close(out, want, n, 1e-6);
	cim_graph_free(g);
}

static void test_conv(void **state)
{
	const float img[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const float ones[4] = { 1, 1, 1, 1 };
	union cim_node_attrs a = { .conv = { .stride = { 1, 1 },
		.dilation = { 1, 1 }, .group = 1 } };
	(void)state;

	conv_case(&a, DIMS(1, 1, 2, 2), ones, img, DIMS(1, 1, 3, 3),
		  FLOATS(12, 16, 24, 28), 4);
	/* pads and strides: each output sums the in-bounds taps */
	a.conv.pad[0] = a.conv.pad[1] = a.conv.pad[2] = a.conv.pad[3] = 1;
	a.conv.stride[0] = a.conv.stride[1] = 2;
	conv_case(&a, DIMS(1, 1, 2, 2), ones, img, DIMS(1, 1, 3, 3),
		  FLOATS(1, 5, 11, 28), 4);
	/* dilation 2: the four corners */
	memset(a.conv.pad, 0, sizeof(a.conv.pad));
	a.conv.stride[0] = a.conv.stride[1] = 1;
	a.conv.dilation[0] = a.conv.dilation[1] = 2;
	conv_case(&a, DIMS(1, 1, 2, 2), ones, img, DIMS(1, 1, 3, 3),
		  FLOATS(20), 1);
	/* asymmetric pads: top 1, right 1 */
	a.conv.dilation[0] = a.conv.dilation[1] = 1;
	a.conv.pad[0] = 1;
	a.conv.pad[3] = 1;
	conv_case(&a, DIMS(1, 1, 2, 2), ones, img, DIMS(1, 1, 3, 3),
		  FLOATS(3, 5, 3, 12, 16, 9, 24, 28, 15), 9);
	/* depthwise: channel c scaled by w[c] */
	memset(a.conv.pad, 0, sizeof(a.conv.pad));
	a.conv.group = 2;
	conv_case(&a, DIMS(2, 1, 1, 1), FLOATS(2, -1),
		  FLOATS(1, 2, 3, 4, 5, 6, 7, 8), DIMS(1, 2, 2, 2),
		  FLOATS(2, 4, 6, 8, -5, -6, -7, -8), 8);
	/* grouped (2 groups of 2 channels) vs dense */
	conv_case(&a, DIMS(2, 1, 1, 1), FLOATS(1, 1), FLOATS(3, 5),
		  DIMS(1, 2, 1, 1), FLOATS(3, 5), 2);
	a.conv.group = 1;
	conv_case(&a, DIMS(2, 2, 1, 1), FLOATS(1, 1, 1, -1), FLOATS(3, 5),
		  DIMS(1, 2, 1, 1), FLOATS(8, -2), 2);
	a.conv.group = 2;
	conv_case(&a, DIMS(4, 1, 1, 1), FLOATS(1, 2, 3, 4), FLOATS(3, 5),
		  DIMS(1, 2, 1, 1), FLOATS(3, 6, 15, 20), 4);
}

static void test_conv_bias_and_act(void **state)
{
	struct cim_graph *g = with_input(4, DIMS(1, 1, 1, 2));
	union cim_node_attrs a = { .conv = { .stride = { 1, 1 },
		.dilation = { 1, 1 }, .group = 1 } };
	float out[4];
	(void)state;

	cim_graph_add_initializer(g, "w", 4, DIMS(2, 1, 1, 1), FLOATS(1, -1));
	cim_graph_add_initializer(g, "b", 1, DIMS(2), FLOATS(0.5f, 0.5f));
	assert_true(node(g, CIM_NODE_CONV, "x,w,b", "c", &a) >= 0);
	assert_true(node(g, CIM_NODE_RELU, "c", "y", NULL) >= 0);
	finish(g, "y");
	tu_run1(g, FLOATS(2, -3), out);
	tu_assert_close(out, FLOATS(2.5f, 0, 0, 3.5f), 4, 1e-6);
	cim_graph_free(g);
}

static void pool_case(enum cim_node_op op, const union cim_node_attrs *a,
		      const float *want, size_t n)
{
	struct cim_graph *g = with_input(4, DIMS(1, 1, 4, 4));
	float in[16], out[16];
	int i;

	for (i = 0; i < 16; i++)
		in[i] = (float)i;
	assert_true(node(g, op, "x", "y", a) >= 0);
	finish(g, "y");
	assert_int_equal(g->tensors[cim_graph_find(g, "y")].size, n);
	tu_run1(g, in, out);
	tu_assert_close(out, want, n, 1e-5);
	cim_graph_free(g);
}

static void test_pools(void **state)
{
	union cim_node_attrs a = { .pool = { .kernel = { 2, 2 }, .stride = { 2, 2 } } };
	(void)state;

	pool_case(CIM_NODE_MAXPOOL, &a, FLOATS(5, 7, 13, 15), 4);
	pool_case(CIM_NODE_AVGPOOL, &a, FLOATS(2.5f, 4.5f, 10.5f, 12.5f), 4);
	/* 3x3 window, stride 2, pad 1 at the top-left only */
	a.pool.kernel[0] = a.pool.kernel[1] = 3;
	a.pool.pad[0] = a.pool.pad[1] = 1;
	pool_case(CIM_NODE_MAXPOOL, &a, FLOATS(5, 7, 13, 15), 4);
	/* (0+1+4+5)/4 excludes the padding, /9 includes it */
	pool_case(CIM_NODE_AVGPOOL, &a, FLOATS(2.5f, 4, 8.5f, 10), 4);
	a.pool.count_include_pad = 1;
	pool_case(CIM_NODE_AVGPOOL, &a, FLOATS(10 / 9.0f, 24 / 9.0f, 51 / 9.0f, 10), 4);
	pool_case(CIM_NODE_GLOBAL_AVGPOOL, NULL, FLOATS(7.5f), 1);
}

/* ShuffleNet's channel shuffle: reshape, transpose, reshape. */
static void test_channel_shuffle(void **state)
{
	struct cim_graph *g = with_input(4, DIMS(1, 6, 1, 2));
	union cim_node_attrs r1 = { .reshape = { 5, { 1, 2, 3, 1, 2 } } };
	union cim_node_attrs t = { .perm = { 0, 2, 1, 3, 4 } };
	union cim_node_attrs r2 = { .reshape = { 4, { 0, -1, 1, 2 } } };
	float in[12], out[12];
	int i;
	(void)state;

	for (i = 0; i < 12; i++)
		in[i] = (float)i;
	assert_true(node(g, CIM_NODE_RESHAPE, "x", "r1", &r1) >= 0);
	assert_true(node(g, CIM_NODE_TRANSPOSE, "r1", "t", &t) >= 0);
	assert_true(node(g, CIM_NODE_RESHAPE, "t", "y", &r2) >= 0);
	finish(g, "y");
	assert_int_equal(g->tensors[cim_graph_find(g, "y")].dims[1], 6);
	tu_run1(g, in, out);
	/* channels 0,1,2 | 3,4,5 interleave to 0,3,1,4,2,5 */
	tu_assert_close(out, FLOATS(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11), 12, 0);
	cim_graph_free(g);
}

static void test_concat_softmax_clip_add(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(1, 3));
	union cim_node_attrs cl = { .clip = { -0.5f, 0.5f } };
	union cim_node_attrs cat = { .axis = -1 };
	union cim_node_attrs sm = { .axis = 1 };
	float out[6];
	(void)state;

	assert_true(node(g, CIM_NODE_CLIP, "x", "c", &cl) >= 0);
	assert_true(node(g, CIM_NODE_ADD, "x,c", "s", NULL) >= 0);
	assert_true(node(g, CIM_NODE_CONCAT, "x,s", "cat", &cat) >= 0);
	assert_true(node(g, CIM_NODE_SOFTMAX, "x", "sm", &sm) >= 0);
	finish(g, "cat");
	finish(g, "sm");
	{
		const float in[3] = { 0, logf(2), -1 };
		float sm_out[3];
		const float *ins[1] = { in };
		float *outs[2] = { out, sm_out };
		double e = exp(-1);

		assert_int_equal(cim_graph_run(g, ins, outs), 0);
		tu_assert_close(out, FLOATS(0, logf(2), -1, 0, logf(2) + 0.5f, -1.5f),
				6, 1e-6);
		tu_assert_close(sm_out, FLOATS((float)(1 / (3 + e)),
					       (float)(2 / (3 + e)),
					       (float)(e / (3 + e))), 3, 1e-6);
	}
	cim_graph_free(g);
}

static void test_run_all(void **state)
{
	struct cim_graph *g = with_input(1, DIMS(2));
	const float in[2] = { -1, 2 };
	const float *ins[1] = { in };
	float **vals;
	(void)state;

	cim_graph_add_initializer(g, "k", 1, DIMS(2), FLOATS(1, 1));
	assert_true(node(g, CIM_NODE_RELU, "x", "r", NULL) >= 0);
	finish(g, "r");
	assert_int_equal(cim_graph_run_all(g, ins, &vals), 0);
	assert_null(vals[1]);
	tu_assert_close(vals[0], in, 2, 0);
	tu_assert_close(vals[2], FLOATS(0, 2), 2, 0);
	cim_graph_values_free(g, vals);
	cim_graph_free(g);
}

/* conv -> BN -> relu, the BN standalone after an add, FC -> BN. */
static struct cim_graph *bn_graph(uint64_t seed, int add_before_bn)
{
	struct cim_graph *g = with_input(4, DIMS(1, 3, 5, 5));
	union cim_node_attrs c = { .conv = { .stride = { 1, 1 }, .pad = { 1, 1, 1, 1 },
		.dilation = { 1, 1 }, .group = 1 } };
	union cim_node_attrs bn = { .epsilon = 1e-3f };
	float w[4 * 3 * 3 * 3], v[4][4];
	int i;

	tu_fill(&seed, w, 108);
	for (i = 0; i < 4; i++)
		tu_fill(&seed, v[i], 4);
	for (i = 0; i < 4; i++)
		v[3][i] = v[3][i] * v[3][i] + 0.1f;	/* variance > 0 */
	cim_graph_add_initializer(g, "w", 4, DIMS(4, 3, 3, 3), w);
	cim_graph_add_initializer(g, "sc", 1, DIMS(4), v[0]);
	cim_graph_add_initializer(g, "bi", 1, DIMS(4), v[1]);
	cim_graph_add_initializer(g, "mu", 1, DIMS(4), v[2]);
	cim_graph_add_initializer(g, "var", 1, DIMS(4), v[3]);
	assert_true(node(g, CIM_NODE_CONV, "x,w", "c", &c) >= 0);
	if (add_before_bn) {
		assert_true(node(g, CIM_NODE_ADD, "c,c", "a", NULL) >= 0);
		assert_true(node(g, CIM_NODE_BATCHNORM, "a,sc,bi,mu,var", "bn", &bn) >= 0);
	} else {
		assert_true(node(g, CIM_NODE_BATCHNORM, "c,sc,bi,mu,var", "bn", &bn) >= 0);
	}
	assert_true(node(g, CIM_NODE_RELU, "bn", "y", NULL) >= 0);
	finish(g, "y");
	return g;
}

static void check_bn_fold(int add_before_bn)
{
	struct cim_graph *g = bn_graph(7, add_before_bn);
	float in[75], want[100], got[100];
	uint64_t s = 99;
	uint32_t i;

	tu_fill(&s, in, 75);
	tu_run1(g, in, want);
	assert_int_equal(cim_graph_optimize(g), 0);
	for (i = 0; i < g->n_nodes; i++)
		assert_int_not_equal(g->nodes[i].op, CIM_NODE_BATCHNORM);
	tu_run1(g, in, got);
	tu_assert_close(got, want, 100, 1e-5);
	cim_graph_free(g);
}

static void test_bn_fold_conv(void **state)
{
	struct cim_graph *g = bn_graph(7, 0);
	(void)state;

	check_bn_fold(0);
	assert_int_equal(cim_graph_optimize(g), 0);
	/* one conv left, relu fused, old weights and BN vectors dropped */
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].op, CIM_NODE_CONV);
	assert_int_equal(g->nodes[0].act, CIM_ACT_RELU);
	assert_int_equal(g->nodes[0].n_inputs, 3);
	assert_int_equal(cim_graph_find(g, "sc"), -ENOENT);
	assert_int_equal(cim_graph_find(g, "w"), -ENOENT);
	assert_int_equal(g->n_tensors, 4);
	assert_string_equal(g->tensors[g->nodes[0].output].name, "y");
	cim_graph_free(g);
}

static void test_bn_standalone(void **state)
{
	struct cim_graph *g = bn_graph(3, 1);
	uint32_t i, convs = 0;
	(void)state;

	check_bn_fold(1);
	assert_int_equal(cim_graph_optimize(g), 0);
	for (i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].op == CIM_NODE_CONV && g->nodes[i].attr.conv.group == 4)
			convs++;
	assert_int_equal(convs, 1);	/* the BN became a depthwise 1x1 conv */
	cim_graph_free(g);
}

static void test_bn_fold_fc(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(1, 3));
	union cim_node_attrs bn = { .epsilon = 0.5f };
	float want[2], got[2];
	(void)state;

	cim_graph_add_initializer(g, "w", 2, DIMS(2, 3), FLOATS(1, 2, 3, -1, 0, 1));
	cim_graph_add_initializer(g, "b", 1, DIMS(2), FLOATS(1, -1));
	cim_graph_add_initializer(g, "sc", 1, DIMS(2), FLOATS(2, 0.5f));
	cim_graph_add_initializer(g, "bi", 1, DIMS(2), FLOATS(0.25f, 1));
	cim_graph_add_initializer(g, "mu", 1, DIMS(2), FLOATS(1, 2));
	cim_graph_add_initializer(g, "var", 1, DIMS(2), FLOATS(3.5f, 1.5f));
	assert_true(node(g, CIM_NODE_FC, "x,w,b", "f", NULL) >= 0);
	assert_true(node(g, CIM_NODE_BATCHNORM, "f,sc,bi,mu,var", "y", &bn) >= 0);
	finish(g, "y");
	tu_run1(g, FLOATS(1, 1, 1), want);
	/* fc = {7, -1}; (7-1)*2/2+0.25, (-1-2)*0.5/sqrt(2)+1 */
	tu_assert_close(want, FLOATS(6.25f, (float)(1 - 1.5 / sqrt(2))), 2, 1e-6);
	assert_int_equal(cim_graph_optimize(g), 0);
	assert_int_equal(g->n_nodes, 1);
	tu_run1(g, FLOATS(1, 1, 1), got);
	tu_assert_close(got, want, 2, 1e-6);
	cim_graph_free(g);
}

static void test_bn_bad_variance(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(1, 1));
	union cim_node_attrs bn = { .epsilon = 0 };
	(void)state;

	cim_graph_add_initializer(g, "w", 2, DIMS(1, 1), FLOATS(1));
	cim_graph_add_initializer(g, "v", 1, DIMS(1), FLOATS(-1));
	assert_true(node(g, CIM_NODE_FC, "x,w", "f", NULL) >= 0);
	assert_true(node(g, CIM_NODE_BATCHNORM, "f,v,v,v,v", "y", &bn) >= 0);
	finish(g, "y");
	assert_int_equal(cim_graph_optimize(g), -EINVAL);
	assert_non_null(strstr(cim_graph_error(g), "variance + epsilon of channel 0"));
	cim_graph_free(g);
}

/* Fusion must not swallow a tensor somebody else reads. */
static void test_no_fusion_when_shared(void **state)
{
	struct cim_graph *g = with_input(2, DIMS(1, 2));
	union cim_node_attrs cl = { .clip = { 0, 6 } };
	(void)state;

	cim_graph_add_initializer(g, "w", 2, DIMS(2, 2), FLOATS(1, 0, 0, 1));
	assert_true(node(g, CIM_NODE_FC, "x,w", "f", NULL) >= 0);
	assert_true(node(g, CIM_NODE_CLIP, "f", "c", &cl) >= 0);
	assert_true(node(g, CIM_NODE_ADD, "f,c", "y", NULL) >= 0);
	finish(g, "y");
	assert_int_equal(cim_graph_optimize(g), 0);
	assert_int_equal(g->n_nodes, 3);
	assert_int_equal(g->nodes[0].act, CIM_ACT_NONE);
	cim_graph_free(g);

	g = with_input(2, DIMS(1, 2));
	cim_graph_add_initializer(g, "w", 2, DIMS(2, 2), FLOATS(1, 0, 0, 1));
	assert_true(node(g, CIM_NODE_FC, "x,w", "f", NULL) >= 0);
	assert_true(node(g, CIM_NODE_CLIP, "f", "y", &cl) >= 0);
	finish(g, "y");
	assert_int_equal(cim_graph_optimize(g), 0);
	assert_int_equal(g->n_nodes, 1);
	assert_int_equal(g->nodes[0].act, CIM_ACT_CLIP);
	assert_true(g->nodes[0].act_max == 6);
	cim_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder_rejects),
		cmocka_unit_test(test_shape_errors),
		cmocka_unit_test(test_fc),
		cmocka_unit_test(test_conv),
		cmocka_unit_test(test_conv_bias_and_act),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_channel_shuffle),
		cmocka_unit_test(test_concat_softmax_clip_add),
		cmocka_unit_test(test_run_all),
		cmocka_unit_test(test_bn_fold_conv),
		cmocka_unit_test(test_bn_standalone),
		cmocka_unit_test(test_bn_fold_fc),
		cmocka_unit_test(test_bn_bad_variance),
		cmocka_unit_test(test_no_fusion_when_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
