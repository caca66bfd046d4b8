// SPDX-License-Identifier: MIT
/*
 * The digits models PyTorch trained and exported (tests/models): the
 * imported graph, run by the float executor on the held-out set, must
 * reach the accuracy the generator measured and match PyTorch's logits.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tutil.h"

/* "name percent correct total" from digits_accuracy.txt. */
static void expected(const char *name, int *correct, int *total)
{
	char line[256], key[64];
	FILE *f = fopen(MODELS_DIR "/digits_accuracy.txt", "r");
	double pct;

	assert_non_null(f);
	*correct = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lf %d %d", key, &pct, correct, total) == 4 &&
		    !strcmp(key, name))
			break;
	fclose(f);
	assert_true(*correct > 0);
}

static void check_model(const char *onnx, const char *ref, const char *acc_name)
{
	struct cim_dataset *test, *logits;
	struct cim_graph *g;
	char err[256];
	int correct = 0, want, total, opt;
	double max_diff = 0;
	uint32_t s, k;

	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_test.bin", &test,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_dataset_load(ref, &logits, err, sizeof(err)), 0);
	assert_non_null(test->labels);
	expected(acc_name, &want, &total);
	assert_int_equal(test->n, total);
	for (opt = 0; opt < 2; opt++) {
		if (cim_onnx_import_file(onnx, opt, &g, err, sizeof(err)))
			fail_msg("%s: %s", onnx, err);
		correct = 0;
		for (s = 0; s < test->n; s++) {
			float out[10];
			uint32_t best = 0;

			assert_int_equal(g->tensors[g->inputs[0]].size, test->len);
			tu_run1(g, test->data + (size_t)s * test->len, out);
			for (k = 0; k < 10; k++) {
				double d = fabs(out[k] - logits->data[s * 10 + k]);

				max_diff = d > max_diff ? d : max_diff;
				if (out[k] > out[best])
					best = k;
			}
			correct += (int32_t)best == test->labels[s];
		}
		printf("%s (optimized %d): %d/%u correct (PyTorch %d), max |logit diff| %.3g\n",
		       acc_name, opt, correct, test->n, want, max_diff);
		assert_int_equal(correct, want);
		assert_true(max_diff < 1e-4);
		cim_graph_free(g);
	}
	cim_dataset_free(test);
	cim_dataset_free(logits);
}

static void test_mlp(void **state)
{
	(void)state;
	check_model(MODELS_DIR "/digits_mlp.onnx", MODELS_DIR "/digits_mlp_ref.bin",
		    "digits_mlp_float_acc");
}

static void test_cnn(void **state)
{
	(void)state;
	check_model(MODELS_DIR "/digits_cnn.onnx", MODELS_DIR "/digits_cnn_ref.bin",
		    "digits_cnn_float_acc");
}

/* The CNN has batch norms, ReLU6, a residual and a channel shuffle. */
static void test_cnn_structure(void **state)
{
	struct cim_graph *g;
	char err[256];
	uint32_t i, n_bn = 0, dw = 0, clip = 0;
	(void)state;

	assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 0,
					      &g, err, sizeof(err)), 0);
	for (i = 0; i < g->n_nodes; i++)
		n_bn += g->nodes[i].op == CIM_NODE_BATCHNORM;
	assert_int_equal(n_bn, 4);
	cim_graph_free(g);
	assert_int_equal(cim_onnx_import_file(MODELS_DIR "/digits_cnn.onnx", 1,
					      &g, err, sizeof(err)), 0);
	for (i = 0; i < g->n_nodes; i++) {
		assert_int_not_equal(g->nodes[i].op, CIM_NODE_BATCHNORM);
		assert_int_not_equal(g->nodes[i].op, CIM_NODE_RELU);
		dw += g->nodes[i].op == CIM_NODE_CONV && g->nodes[i].attr.conv.group == 8;
		clip += g->nodes[i].act == CIM_ACT_CLIP;
	}
	assert_int_equal(dw, 1);
	assert_int_equal(clip, 1);
	cim_graph_free(g);
}

static void test_dataset_rejects(void **state)
{
	struct cim_dataset *d;
	uint8_t buf[64 + 8] = "CIMD";
	char err[128];
	(void)state;

	assert_int_equal(cim_dataset_parse(buf, 10, &d, err, sizeof(err)), -EINVAL);
	assert_int_equal(cim_dataset_parse(buf, sizeof(buf), &d, err, sizeof(err)), -EINVAL);
	buf[4] = 1;		/* version 1 */
	buf[8] = 1;		/* one sample */
	buf[12] = 1;		/* rank 1 */
	buf[16] = 2;		/* of 2 floats */
	buf[20] = buf[24] = buf[28] = 1;
	assert_int_equal(cim_dataset_parse(buf, sizeof(buf), &d, err, sizeof(err)), 0);
	assert_int_equal(d->len, 2);
	assert_null(d->labels);
	cim_dataset_free(d);
	buf[32] = 1;		/* labels announced but missing */
	assert_int_equal(cim_dataset_parse(buf, sizeof(buf), &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "size does not match"));
	assert_int_equal(cim_dataset_load("/nonexistent", &d, err, sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlp),
		cmocka_unit_test(test_cnn),
		cmocka_unit_test(test_cnn_structure),
		cmocka_unit_test(test_dataset_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
