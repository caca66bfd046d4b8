// SPDX-License-Identifier: MIT
/*
 * onnx_conformance: ONNX's own backend test data (Debian
 * libonnx-testdata) through the importer and the float executor.
 *   onnx_conformance [-v] [-m MIN] [-p MIN] DIR...   each DIR holds test directories
 *   (model.onnx, test_data_set_N/input_K.pb, output_K.pb)
 * A test whose operators are all ones the importer translates counts as
 * supported; it passes if it imports and every data set's outputs match
 * within |got - want| <= 1e-4 + 1e-3 |want|, is "refused" if import
 * fails (a documented refusal: an attribute, a dtype), and "wrong" if it
 * runs and differs.  Prints the counts and the bench lines
 * onnx_conformance_pass / _total (supported tests) and _plain_pass /
 * _plain_total (every test of a supported operator, limits included);
 * exit 1 on any wrong output, or when fewer than MIN supported tests
 * (-m) or plain tests (-p) pass.
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

/*
 * Documented limits (docs/compiler.md, "ONNX conformance"): forms of
 * supported operators that the card's design excludes.  A test that
 * needs one is not counted among the supported tests; the runner decides
 * this from the model alone, before importing it, and prints how many
 * tests each limit excluded.
 */
enum limit {
	LIM_NONE,
	LIM_DATA,	/* integer, bool or string data at run time */
	LIM_NOT_TENSOR,	/* a sequence or optional graph input */
	LIM_EMPTY,	/* a dimension of size 0 */
	LIM_WEIGHT,	/* a weight operand computed at run time */
	LIM_SHAPE,	/* a shape that depends on run-time values */
	LIM_TRAINING,	/* training statistics, dropout masks, pool indices */
	LIM_COUNT
};

static const char *const limit_names[LIM_COUNT] = {
	[LIM_DATA] = "integer, bool or string data at run time",
	[LIM_NOT_TENSOR] = "a sequence or optional input",
	[LIM_EMPTY] = "a tensor dimension of size 0",
	[LIM_WEIGHT] = "a weight computed at run time (weights live in flash)",
	[LIM_SHAPE] = "a shape operand computed at run time",
	[LIM_TRAINING] = "a training-mode output or a pool's indices",
};

/* Graph input element types, for data files that store them as bits. */
static int32_t in_types[16], out_types[16];

struct names {
	const char **v;
	size_t n;
};

static int has_name(const struct names *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return 1;
	return 0;
}

static void add_name(struct names *s, const char *name)
{
	const char **v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (v) {
		s->v = v;
		s->v[s->n++] = name;
	}
}

/* Input i of n is a run-time value (depends on a graph input). */
static int rt(const struct names *run, const Onnx__NodeProto *n, size_t i)
{
	return i < n->n_input && has_name(run, n->input[i]);
}

static int op_is(const Onnx__NodeProto *n, const char *op)
{
	return !strcmp(n->op_type, op);
}

static enum limit node_limit(const Onnx__NodeProto *n, const struct names *run)
{
	size_t i;

	if (op_is(n, "Conv") && rt(run, n, 1))
		return LIM_WEIGHT;
	if ((op_is(n, "Gemm") || op_is(n, "MatMul")) && rt(run, n, 0) && rt(run, n, 1))
		return LIM_WEIGHT;
	if (op_is(n, "BatchNormalization"))
		for (i = 1; i < 5; i++)
			if (rt(run, n, i))
				return LIM_WEIGHT;
	if (op_is(n, "PRelu") && rt(run, n, 1))
		return LIM_WEIGHT;
	if ((op_is(n, "BatchNormalization") || op_is(n, "Dropout") ||
	     op_is(n, "MaxPool")) && n->n_output > 1)
		for (i = 1; i < n->n_output; i++)
			if (n->output[i] && *n->output[i])
				return LIM_TRAINING;
	if (op_is(n, "Dropout") && rt(run, n, 2))
		return LIM_TRAINING;
	if (op_is(n, "Range") && (rt(run, n, 0) || rt(run, n, 1) || rt(run, n, 2)))
		return LIM_SHAPE;
	if ((op_is(n, "Reshape") || op_is(n, "Expand") || op_is(n, "Pad") ||
	     op_is(n, "Split") || op_is(n, "Squeeze") || op_is(n, "Unsqueeze") ||
	     op_is(n, "ReduceMean") || op_is(n, "ReduceMax")) && rt(run, n, 1))
		return LIM_SHAPE;
	if (op_is(n, "Slice"))
		for (i = 1; i < 5; i++)
			if (rt(run, n, i))
				return LIM_SHAPE;
	if (op_is(n, "ConstantOfShape") && rt(run, n, 0))
		return LIM_SHAPE;
	return LIM_NONE;
}

static int is_float_elem(int32_t type)
{
	return type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 ||
	       type == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16;
}

static enum limit graph_limit(const Onnx__GraphProto *gr)
{
	struct names init = { 0 }, run = { 0 };
	enum limit l = LIM_NONE, dl = LIM_NONE;
	size_t i, j, k = 0;

	for (i = 0; i < gr->n_initializer; i++)
		add_name(&init, gr->initializer[i]->name);
	for (i = 0; i < gr->n_input && l == LIM_NONE; i++) {
		const Onnx__ValueInfoProto *vi = gr->input[i];
		const Onnx__TypeProto__Tensor *tt;

		if (has_name(&init, vi->name))
			continue;
		if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE) {
			l = LIM_NOT_TENSOR;
			break;
		}
		tt = vi->type->tensor_type;
		if (k < 16)
			in_types[k++] = tt ? tt->elem_type : 0;
		if (!tt || !is_float_elem(tt->elem_type))
			dl = LIM_DATA;	/* unless a node's limit says more */
		for (j = 0; tt && tt->shape && j < tt->shape->n_dim; j++)
			if (tt->shape->dim[j]->value_case ==
			    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
			    tt->shape->dim[j]->dim_value == 0)
				l = l ? l : LIM_EMPTY;
		add_name(&run, vi->name);
	}
	for (i = 0; i < gr->n_output && l == LIM_NONE; i++) {
		const Onnx__ValueInfoProto *vo = gr->output[i];

		if (i < 16 && vo->type && vo->type->tensor_type)
			out_types[i] = vo->type->tensor_type->elem_type;

		if (vo->type && vo->type->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE &&
		    vo->type->tensor_type &&
		    vo->type->tensor_type->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__STRING)
			l = LIM_DATA;
	}
	/* nodes in order: an output is run-time if an input is (Shape's is not) */
	for (i = 0; i < gr->n_node && l == LIM_NONE; i++) {
		const Onnx__NodeProto *n = gr->node[i];
		int any = 0;

		l = node_limit(n, &run);
		for (j = 0; j < n->n_input; j++)
			any |= rt(&run, n, j);
		if (any && !op_is(n, "Shape") && !op_is(n, "Size"))
			for (j = 0; j < n->n_output; j++)
				add_name(&run, n->output[j]);
	}
	free(init.v);
	free(run.v);
	return l ? l : dl;
}

/* 1 if every operator is in supported[]; *lim receives a documented limit. */
static int ops_supported(const void *buf, size_t len, enum limit *lim)
{
	Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
	size_t i, j;
	int ok = m && m->graph;

	*lim = LIM_NONE;
	memset(in_types, 0, sizeof(in_types));
	memset(out_types, 0, sizeof(out_types));
	for (i = 0; ok && i < m->graph->n_node; i++) {
		for (j = 0; supported[j]; j++)
			if (!strcmp(m->graph->node[i]->op_type, supported[j]))
				break;
		ok = supported[j] != NULL;
	}
	if (ok)
		*lim = graph_limit(m->graph);
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
static long read_tensor(const char *path, float **v, int any_type,
			int32_t declared)
{
	size_t len, i;
	void *buf = slurp(path, &len);
	Onnx__TensorProto *t = buf ? onnx__tensor_proto__unpack(NULL, len, buf) : NULL;
	long n = -1;

	/* 16-bit floats stored as their bits in a uint16 tensor */
	if (t && t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__UINT16 &&
	    (declared == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16 ||
	     declared == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16))
		t->data_type = declared;

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

		/* every data set has an output; a graph may have no input */
		snprintf(path, sizeof(path), "%s/test_data_set_%d/output_0.pb", dir, set);
		if (access_ok(path) != 0)
			break;
		for (i = 0; i < g->n_inputs && i < 16 && ok; i++) {
			snprintf(path, sizeof(path), "%s/test_data_set_%d/input_%u.pb", dir, set, i);
			ok = read_tensor(path, &in[i], 1, in_types[i]) ==
			     (long)g->tensors[g->inputs[i]].size;
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
			n = read_tensor(path, &want, 1, i < 16 ? out_types[i] : 0);
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
	unsigned int limited[LIM_COUNT] = { 0 }, n_limited = 0, l;
	unsigned int lim_pass[LIM_COUNT] = { 0 }, n_lim_pass = 0;
	int a, i, verbose = 0;
	long min_pass = 0, min_plain = 0;

	for (a = 1; a < argc; a++) {
		struct dirent **ents;
		int n;

		if (!strcmp(argv[a], "-v")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(argv[a], "-m") && a + 1 < argc) {
			min_pass = strtol(argv[++a], NULL, 10);
			continue;
		}
		if (!strcmp(argv[a], "-p") && a + 1 < argc) {
			min_plain = strtol(argv[++a], NULL, 10);
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
			enum limit lim;

			if (!ops_supported(buf, len, &lim)) {
				skipped++;
				free(buf);
				continue;
			}
			if (lim != LIM_NONE) {
				limited[lim]++;
				n_limited++;
			} else {
				total++;
			}
			/* at a limit too: it must fail cleanly, never run wrong */
			if (cim_onnx_import(buf, len, 1, &g, err, sizeof(err))) {
				refused += lim == LIM_NONE;
				if (verbose)
					fprintf(stderr, "%s: %s: %s\n", dir,
						lim ? limit_names[lim] : "refused", err);
				free(buf);
				continue;
			}
			free(buf);
			r = run_sets(g, dir, verbose);
			if (r > 0 && lim == LIM_NONE)
				pass++;
			else if (r > 0) {
				lim_pass[lim]++;
				n_lim_pass++;
				if (verbose)
					fprintf(stderr, "%s: passes in the float executor although at a limit (%s)\n",
						dir, limit_names[lim]);
			}
			else if (r == 0) {
				wrong++;
				printf("WRONG: %s\n", dir);
			} else {
				refused += lim == LIM_NONE;
				if (verbose)
					fprintf(stderr, "%s: data not float32 or shapes differ\n", dir);
			}
			cim_graph_free(g);
		}
		if (n >= 0)
			free(ents);
	}
	printf("onnx conformance: %u tests of supported operators, %u of them at a documented limit:\n",
	       total + n_limited, n_limited);
	for (l = 1; l < LIM_COUNT; l++)
		printf("  %3u at the limit (%u of them pass in the float executor): %s\n",
		       limited[l], lim_pass[l], limit_names[l]);
	printf("onnx conformance: %u supported tests: %u pass, %u refused, %u wrong (%u tests with other operators)\n",
	       total, pass, refused, wrong, skipped);
	printf("bench: onnx_conformance_pass %u\n", pass);
	printf("bench: onnx_conformance_total %u\n", total);
	printf("bench: onnx_conformance_at_limit %u\n", n_limited);
	/* the plain wording: every test whose operators are supported */
	printf("bench: onnx_conformance_plain_pass %u\n", pass + n_lim_pass);
	printf("bench: onnx_conformance_plain_total %u\n", total + n_limited);
	if (pass < min_pass)
		printf("onnx conformance: %u pass, fewer than the %ld expected\n", pass,
		       min_pass);
	if (pass + n_lim_pass < min_plain)
		printf("onnx conformance: %u plain tests pass, fewer than the %ld expected\n",
		       pass + n_lim_pass, min_plain);
	return wrong || pass < min_pass || pass + n_lim_pass < min_plain ? 1 : 0;
}
