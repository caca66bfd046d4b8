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
	"Range", "Expand", "ConstantOfShape", "Reciprocal", "Neg", "Abs",
	"Exp", "Log", "Sqrt", "Softplus", "Softsign", "Floor", "Ceil", "Elu",
	"Selu", NULL,
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

static float half_to_float(uint16_t h)
{
	int e = (h >> 10) & 31, m = h & 1023;
	float v = e == 0 ? ldexpf((float)m, -24) :
		  e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m | 1024), e - 25);

	return (h & 0x8000) ? -v : v;
}

static float bf16_to_float(uint16_t b)
{
	uint32_t u = (uint32_t)b << 16;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/* Element i of a TensorProto as a float (types the runner knows). */
static int elem(const Onnx__TensorProto *t, size_t i, float *out)
{
	const uint8_t *r = t->has_raw_data ? t->raw_data.data : NULL;
	uint64_t u = 0;
	size_t es, b;
	double d;
	float f;

	switch (t->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: es = 4; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: es = 8; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: es = 2; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: es = 1; break;
	default: return -1;
	}
	if (r) {
		if ((i + 1) * es > t->raw_data.len)
			return -1;
		for (b = es; b > 0; b--)
			u = u << 8 | r[i * es + b - 1];
	} else {
		switch (t->data_type) {
		case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
			if (i >= t->n_float_data)
				return -1;
			*out = t->float_data[i];
			return 0;
		case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
			if (i >= t->n_double_data)
				return -1;
			*out = (float)t->double_data[i];
			return 0;
		case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
			if (i >= t->n_int64_data)
				return -1;
			*out = (float)t->int64_data[i];
			return 0;
		case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
		case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
			if (i >= t->n_uint64_data)
				return -1;
			*out = (float)t->uint64_data[i];
			return 0;
		default:	/* the 32-bit field holds the narrower types */
			if (i >= t->n_int32_data)
				return -1;
			u = (uint32_t)t->int32_data[i];
		}
	}
	switch (t->data_type) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		memcpy(&f, &u, 4);
		*out = f;
		break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
		memcpy(&d, &u, 8);
		*out = (float)d;
		break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
		*out = half_to_float((uint16_t)u);
		break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
		*out = bf16_to_float((uint16_t)u);
		break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *out = (float)(int64_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *out = (float)(int32_t)(uint32_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: *out = (int16_t)(uint16_t)u; break;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: *out = (int8_t)(uint8_t)u; break;
	default: *out = (float)u; break;
	}
	return 0;
}

static int is_float_type(int32_t type)
{
	return type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16;
}

/*
 * A TensorProto file into *v as floats (count returned), else -1.
 * Inputs must be of a floating-point type (the graph computes in
 * float32; float16/bfloat16/double values convert exactly or round as a
 * cast would); expected outputs may also be integers (constant results
 * such as Shape), compared as floats: exact below 2^24.
 */
static long read_tensor(const char *path, float **v, int any_type)
{
	size_t len, i;
	void *buf = slurp(path, &len);
	Onnx__TensorProto *t = buf ? onnx__tensor_proto__unpack(NULL, len, buf) : NULL;
	long n = -1;

	if (t && (is_float_type(t->data_type) || any_type)) {
		n = 1;
		for (i = 0; i < t->n_dims; i++)
			n *= t->dims[i];
		*v = malloc((n ? (size_t)n : 1) * sizeof(float));
		for (i = 0; *v && i < (size_t)n; i++)
			if (elem(t, i, &(*v)[i])) {
				free(*v);
				n = -1;
				break;
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
			ok = read_tensor(path, &in[i], 0) == (long)g->tensors[g->inputs[i]].size;
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
			n = read_tensor(path, &want, 1);
			if (n != (long)g->tensors[g->outputs[i]].size) {
				result = n < 0 ? -1 : 0;
				if (n >= 0)
					free(want);
				break;
			}
			for (k = 0; k < (uint32_t)n; k++)
				if (out[i][k] != want[k] &&
				    !(fabsf(out[i][k] - want[k]) <= 1e-4f + 1e-3f * fabsf(want[k])) &&
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
