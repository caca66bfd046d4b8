// SPDX-License-Identifier: MIT
/*
 * onnx_conformance: ONNX's own backend test data (Debian
 * libonnx-testdata) through the importer and the float executor.
 *   onnx_conformance [-v] DIR...   each DIR holds test directories
 *   (model.onnx, test_data_set_N/input_K.pb, output_K.pb)
 * A test whose operators are all ones the importer translates counts as
 * supported; it passes if it imports and every data set's outputs match
 * within |got - want| <= 1e-4 + 1e-3 |want|, is "refused" if import
 * fails (a documented refusal: an attribute, a dtype), and "wrong" if it
 * runs and differs.  Prints the counts and the bench lines
 * onnx_conformance_pass / _total (supported tests); exit 1 on any wrong
 * output.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cim_graph.h"
#include "onnx.pb-c.h"

static const char *const supported[] = {
	"Conv", "Gemm", "MatMul", "BatchNormalization", "Relu", "Clip", "Add",
	"Sub", "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool",
	"GlobalMaxPool", "Flatten", "Reshape", "Concat", "Transpose", "Softmax",
	"Identity", "Dropout", "Constant", "Sigmoid", "Tanh", "HardSigmoid",
	"HardSwish", "LeakyRelu", "PRelu", "ReduceMean", "ReduceMax", "Pad",
	"Split", "Slice", "Squeeze", "Unsqueeze", "Shape", "Gather", "Cast",
	"Range", "Expand", "ConstantOfShape", NULL,
};

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n ? (size_t)n : 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int ops_supported(const void *buf, size_t len)
{
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
	size_t i, j;
	int ok = m && m->graph;

	for (i = 0; ok && i < m->graph->n_node; i++) {
		for (j = 0; supported[j]; j++)
			if (!strcmp(m->graph->node[i]->op_type, supported[j]))
				break;
		ok = supported[j] != NULL;
	}
	if (m)
		onnx__model_proto__free_unpacked(m, NULL);
	return ok;
}

/* A float32 TensorProto file into *v (count returned), else -1. */
static long read_floats(const char *path, float **v)
{
	size_t len, i;
	void *buf = slurp(path, &len);
	Onnx__TensorProto *t = buf ? onnx__tensor_proto__unpack(NULL, len, buf) : NULL;
	long n = -1;

	if (t && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
		n = 1;
		for (i = 0; i < t->n_dims; i++)
			n *= t->dims[i];
		*v = malloc((n ? (size_t)n : 1) * sizeof(float));
		if (t->has_raw_data && t->raw_data.len == (size_t)n * 4)
			memcpy(*v, t->raw_data.data, (size_t)n * 4);
		else if (t->n_float_data == (size_t)n)
			memcpy(*v, t->float_data, (size_t)n * 4);
		else {
			free(*v);
			n = -1;
		}
	}
	if (t)
		onnx__tensor_proto__free_unpacked(t, NULL);
	free(buf);
	return n;
}

static int access_ok(const char *path)
{
	return access(path, R_OK);
}

/* 1 pass, 0 wrong, -1 a data set the runner cannot read. */
static int run_sets(struct cim_graph *g, const char *dir, int verbose)
{
	char path[4400];
	int set, result = -1;

	for (set = 0; set < 100; set++) {
		float *in[16] = { 0 }, *out[16] = { 0 }, *want;
		uint32_t i, k;
		int ok = 1;

		snprintf(path, sizeof(path), "%s/test_data_set_%d/input_0.pb", dir, set);
		if (access_ok(path) != 0)
			break;
		for (i = 0; i < g->n_inputs && i < 16 && ok; i++) {
			snprintf(path, sizeof(path), "%s/test_data_set_%d/input_%u.pb", dir, set, i);
			ok = read_floats(path, &in[i]) == (long)g->tensors[g->inputs[i]].size;
		}
		for (i = 0; i < g->n_outputs && i < 16 && ok; i++)
			ok = (out[i] = malloc(g->tensors[g->outputs[i]].size * sizeof(float))) != NULL;
		if (!ok || g->n_inputs > 16 || g->n_outputs > 16) {
			result = -1;
			goto next;
		}
		if (cim_graph_run(g, (const float *const *)in, out)) {
			result = 0;
			goto next;
		}
		result = 1;
		for (i = 0; i < g->n_outputs && result == 1; i++) {
			long n;

			snprintf(path, sizeof(path), "%s/test_data_set_%d/output_%u.pb", dir, set, i);
			n = read_floats(path, &want);
			if (n != (long)g->tensors[g->outputs[i]].size) {
				result = n < 0 ? -1 : 0;
				if (n >= 0)
					free(want);
				break;
			}
			for (k = 0; k < (uint32_t)n; k++)
				if (!(fabsf(out[i][k] - want[k]) <= 1e-4f + 1e-3f * fabsf(want[k])) &&
				    !(isnan(want[k]) && isnan(out[i][k]))) {
					if (verbose)
						fprintf(stderr, "%s: output %u[%u] = %g, want %g\n",
							dir, i, k, out[i][k], want[k]);
					result = 0;
					break;
				}
			free(want);
		}
next:
		for (i = 0; i < 16; i++) {
			free(in[i]);
			free(out[i]);
		}
		if (result != 1)
			return result;
	}
	return result;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	unsigned int total = 0, pass = 0, wrong = 0, refused = 0, skipped = 0;
	int a, i, verbose = 0;

	for (a = 1; a < argc; a++) {
		struct dirent **ents;
		int n;

		if (!strcmp(argv[a], "-v")) {
			verbose = 1;
			continue;
		}
		n = scandir(argv[a], &ents, NULL, by_name);
		for (i = 0; i < n; i++) {
			char dir[4096], path[4200], err[256];

			if (ents[i]->d_name[0] == '.') {
				free(ents[i]);
				continue;
			}
			struct cim_graph *g = NULL;
			size_t len;
			void *buf;
			int r;

			snprintf(dir, sizeof(dir), "%s/%s", argv[a], ents[i]->d_name);
			snprintf(path, sizeof(path), "%s/model.onnx", dir);
			free(ents[i]);
			buf = slurp(path, &len);
			if (!buf)
				continue;
			if (!ops_supported(buf, len)) {
				skipped++;
				free(buf);
				continue;
			}
			total++;
			if (cim_onnx_import(buf, len, 1, &g, err, sizeof(err))) {
				refused++;
				if (verbose)
					fprintf(stderr, "%s: refused: %s\n", dir, err);
				free(buf);
				continue;
			}
			free(buf);
			r = run_sets(g, dir, verbose);
			if (r > 0)
				pass++;
			else if (r == 0) {
				wrong++;
				printf("WRONG: %s\n", dir);
			} else {
				refused++;
				if (verbose)
					fprintf(stderr, "%s: data not float32 or shapes differ\n", dir);
			}
			cim_graph_free(g);
		}
		if (n >= 0)
			free(ents);
	}
	printf("onnx conformance: %u tests with supported operators: %u pass, %u refused, %u wrong (%u with other operators)\n",
	       total, pass, refused, wrong, skipped);
	printf("bench: onnx_conformance_pass %u\n", pass);
	printf("bench: onnx_conformance_total %u\n", total);
	return wrong ? 1 : 0;
}
