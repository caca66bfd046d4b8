// SPDX-License-Identifier: MIT
/*
 * cim-compile: a float ONNX model plus calibration inputs to a .cimx
 * for a card.  The front half (ONNX import, calibration, quantization:
 * libcim/compiler/, branch compiler-front) produces a struct
 * cim_qmodel; the back half (cim_compile_qmodel(): mapping, image,
 * container, report) is here.  See docs/compiler-backend.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cim.h"
#include "cim_compiler.h"
#include "cmds.h"
#include "compile_builtin.h"

struct compile_opts {
	const char *onnx, *calib, *out, *builtin, *eval;
	const char *preset;
	uint32_t wbits, tiles, rows, cols, flags, objective, batch;
	uint32_t qflags;	/* CIM_QUANT_* the options ask for */
	int report;
	int pack;		/* PACK_* */
};

#define PACK_BEST	0	/* both packings, the faster by the scheduler */
#define PACK_FIRST	1
#define PACK_SORTED	2

/*
 * --pack best: map again with CIM_MAP_PACK_SORTED and keep whichever
 * image the firmware scheduler runs faster at the mapping's batch on
 * the userspace card of the preset (a shorter period is not always a
 * faster schedule).  The first-fit image stays on a tie or when either
 * cannot be predicted.
 */
static void pack_faster(const struct compile_opts *o,
			const struct cim_qmodel *qm, struct cim_map_opts *mo,
			const char *opts, void **out, size_t *size,
			struct cim_map_report *rep)
{
	struct cim_map_opts so = *mo;
	struct cim_map_report srep;
	double first, sorted;
	void *sout = NULL;
	size_t ssize = 0;

	so.flags |= CIM_MAP_PACK_SORTED;
	if (cim_compile_qmodel(qm, &so, opts, &sout, &ssize, &srep))
		return;
	if ((ssize == *size && !memcmp(sout, *out, ssize)) ||
	    compile_fps(*out, *size, o->preset, o->batch, &first) ||
	    compile_fps(sout, ssize, o->preset, o->batch, &sorted)) {
		free(sout);
		cim_map_report_free(&srep);
		return;
	}
	if (o->report)
		printf("packing          %s: b%u %.1f fps by the firmware scheduler, %s %.1f\n",
		       sorted > first ? "sorted" : "first-fit", o->batch,
		       sorted > first ? sorted : first,
		       sorted > first ? "first-fit" : "sorted",
		       sorted > first ? first : sorted);
	if (sorted <= first) {
		free(sout);
		cim_map_report_free(&srep);
		return;
	}
	free(*out);
	cim_map_report_free(rep);
	*out = sout;
	*size = ssize;
	*rep = srep;
	*mo = so;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cim-compile MODEL.onnx --calib FILE -o MODEL.cimx\n"
		"                   [--weights int8|int4] [--report] [--eval FILE]\n"
		"                   [--objective throughput|latency|area] [--batch N]\n"
		"                   [--preset m1076|small] [--tiles N] [--rows R] [--cols C]\n"
		"                   [--pack best|first|sorted]\n"
		"                   [--no-pack] [--act-range auto|minmax|mse]\n"
		"       cim-compile --builtin NAME -o MODEL.cimx [...]\n"
		"\n"
		"Quantize a float model with calibration inputs, map it onto a card's\n"
		"arrays and write the compiled model.  The card defaults to the\n"
		"M1076 class: 76 arrays of 1024x1024 4-bit cells.\n"
		"\n"
		"  --calib FILE       calibration inputs (CIMD or float32 .npy sample file,\n"
		"                     docs/compiler.md)\n"
		"  -o, --output FILE  the .cimx to write\n"
		"  --weights W        int8 (default; two cells per weight) or int4 (one;\n"
		"                     depthwise convolutions on the tile SIMD keep 8-bit\n"
		"                     weights: its lanes are int8, only cells are 4-bit)\n"
		"  --act-range R      activation ranges: minmax (what the calibration\n"
		"                     data spans), mse (clipped to the least expected\n"
		"                     int8 error: better for some networks, worse for\n"
		"                     others) or auto (default: the one whose int8\n"
		"                     model's output is closer to the float model's\n"
		"                     on the calibration data; docs/compiler.md)\n"
		"  --report           print the mapping report (arrays, utilization, period,\n"
		"                     efficiency bound), the predicted fps and latency at\n"
		"                     batch 1, 8 and 16 (the firmware scheduler on the\n"
		"                     userspace card of the preset) and, for ONNX, each\n"
		"                     layer's SQNR on the calibration data (end to end,\n"
		"                     the op alone on float inputs, the output's int8\n"
		"                     rounding), where its weights and output scale\n"
		"                     came from (QDQ file, 4-bit grid kept, calibration)\n"
		"  --objective O      throughput (default): replicate layers and balance\n"
		"                     the arrays' work; latency: the same, an array holding\n"
		"                     one layer's blocks when there is room; area: fewest\n"
		"                     arrays, one copy of each layer\n"
		"  --batch N          items per job the mapping is for (default 8)\n"
		"  --preset P         the card: m1076 (default) or small (docs/vcard.md)\n"
		"  --eval FILE        labelled CIMD samples, or X.npy,LABELS.npy: print the\n"
		"                     top-1 accuracy of the float model and of the compiled\n"
		"                     one (CPU reference)\n"
		"  --tiles N          arrays of the card (default: the preset's)\n"
		"  --rows R, --cols C cells per array (default: the preset's)\n"
		"  --no-pack          one block per array, no diagonal packing\n"
		"  --no-simd-conv     grouped convolutions on arrays only, never on\n"
		"                     the tile SIMD\n"
		"  --no-dup           one output pixel per convolution MVM (no\n"
		"                     duplicated windows)\n"
		"  --pack P           how the balanced objectives put blocks on arrays:\n"
		"                     best (default: map both ways, keep the one the\n"
		"                     firmware scheduler runs faster at --batch on the\n"
		"                     preset's userspace card), first (first fit in\n"
		"                     layer order) or sorted (largest blocks first,\n"
		"                     tall matrices cut shorter, cheap layers with\n"
		"                     more replicas)\n"
		"  --builtin NAME     compile a built-in model instead of an ONNX file:\n"
		"                     the FC models mlp2, tiny, or dwnet (depthwise-\n"
		"                     separable convolutions, pseudo-random weights)\n");
}

static int parse(int argc, char **argv, struct compile_opts *o, char *err,
		 size_t len)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->wbits = 8;
	o->objective = CIM_MAP_THROUGHPUT;
	o->batch = 8;
	o->preset = "m1076";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t *num = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return CIMCTL_ARGS_HELP;
		if (!strcmp(a, "--report")) {
			o->report = 1;
			continue;
		}
		if (!strcmp(a, "--no-pack")) {
			o->flags |= CIM_MAP_NO_PACK;
			continue;
		}
		if (!strcmp(a, "--no-simd-conv")) {
			o->flags |= CIM_MAP_NO_SIMD_CONV;
			continue;
		}
		if (!strcmp(a, "--no-dup")) {
			o->flags |= CIM_MAP_NO_DUP;
			continue;
		}
		if (a[0] != '-') {
			if (o->onnx) {
				snprintf(err, len, "more than one model given");
				return CIMCTL_ARGS_ERROR;
			}
			o->onnx = a;
			continue;
		}
		if (strcmp(a, "--calib") && strcmp(a, "-o") && strcmp(a, "--output") &&
		    strcmp(a, "--weights") && strcmp(a, "--tiles") &&
		    strcmp(a, "--rows") && strcmp(a, "--cols") && strcmp(a, "--builtin") &&
		    strcmp(a, "--eval") && strcmp(a, "--objective") &&
		    strcmp(a, "--batch") && strcmp(a, "--preset") &&
		    strcmp(a, "--pack") && strcmp(a, "--act-range")) {
			snprintf(err, len, "unknown option %s", a);
			return CIMCTL_ARGS_ERROR;
		}
		if (!v) {
			snprintf(err, len, "%s needs a value", a);
			return CIMCTL_ARGS_ERROR;
		}
		i++;
		if (!strcmp(a, "--calib"))
			o->calib = v;
		else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
			o->out = v;
		else if (!strcmp(a, "--builtin"))
			o->builtin = v;
		else if (!strcmp(a, "--eval"))
			o->eval = v;
		else if (!strcmp(a, "--pack")) {
			if (!strcmp(v, "best"))
				o->pack = PACK_BEST;
			else if (!strcmp(v, "first"))
				o->pack = PACK_FIRST;
			else if (!strcmp(v, "sorted"))
				o->pack = PACK_SORTED;
			else {
				snprintf(err, len, "--pack must be best, first or sorted, not '%s'", v);
				return CIMCTL_ARGS_ERROR;
			}
		} else if (!strcmp(a, "--preset"))
			o->preset = v;
		else if (!strcmp(a, "--objective")) {
			if (!strcmp(v, "throughput"))
				o->objective = CIM_MAP_THROUGHPUT;
			else if (!strcmp(v, "latency"))
				o->objective = CIM_MAP_LATENCY;
			else if (!strcmp(v, "area"))
				o->objective = CIM_MAP_AREA;
			else {
				snprintf(err, len, "--objective must be throughput, latency or area, not '%s'", v);
				return CIMCTL_ARGS_ERROR;
			}
		}
		else if (!strcmp(a, "--act-range")) {
			o->qflags &= ~(uint32_t)(CIM_QUANT_ACT_MSE | CIM_QUANT_ACT_MINMAX);
			if (!strcmp(v, "mse"))
				o->qflags |= CIM_QUANT_ACT_MSE;
			else if (!strcmp(v, "minmax"))
				o->qflags |= CIM_QUANT_ACT_MINMAX;
			else if (strcmp(v, "auto")) {
				snprintf(err, len, "--act-range must be auto, minmax or mse, not '%s'", v);
				return CIMCTL_ARGS_ERROR;
			}
		}
		else if (!strcmp(a, "--batch")) {
			if (cimctl_parse_u32(v, 1, 65535, &o->batch)) {
				snprintf(err, len, "bad %s '%s'", a, v);
				return CIMCTL_ARGS_ERROR;
			}
		}
		else if (!strcmp(a, "--weights")) {
			if (strcmp(v, "int8") && strcmp(v, "int4")) {
				snprintf(err, len, "--weights must be int8 or int4, not '%s'", v);
				return CIMCTL_ARGS_ERROR;
			}
			o->wbits = v[3] == '8' ? 8 : 4;
		} else {
			num = !strcmp(a, "--tiles") ? &o->tiles :
			      !strcmp(a, "--rows") ? &o->rows : &o->cols;
			if (cimctl_parse_u32(v, 1, 65535, num)) {
				snprintf(err, len, "bad %s '%s'", a, v);
				return CIMCTL_ARGS_ERROR;
			}
		}
	}
	if (!o->out) {
		snprintf(err, len, "-o MODEL.cimx is required");
		return CIMCTL_ARGS_ERROR;
	}
	if (!!o->onnx == !!o->builtin) {
		snprintf(err, len, "give one model: MODEL.onnx or --builtin NAME");
		return CIMCTL_ARGS_ERROR;
	}
	if (o->eval && !o->onnx) {
		snprintf(err, len, "--eval needs an ONNX model");
		return CIMCTL_ARGS_ERROR;
	}
	if (o->onnx && !o->calib) {
		snprintf(err, len, "--calib FILE is required with an ONNX model");
		return CIMCTL_ARGS_ERROR;
	}
	if (o->tiles > CIM_IMAGE_MAX_VTILES) {
		snprintf(err, len, "--tiles at most %u", CIM_IMAGE_MAX_VTILES);
		return CIMCTL_ARGS_ERROR;
	}
	return CIMCTL_ARGS_OK;
}

/* What the ONNX path allocates; freed once the .cimx is written. */
struct onnx_ctx {
	struct cim_graph *graph;
	struct cim_dataset *calib;
	struct cim_quantized *quant;
};

static void import_free(void *p);

/* The built-in path's context is one allocation, the ONNX path's not. */
static void ctx_free(const struct compile_opts *o, void *ctx)
{
	if (o->builtin)
		free(ctx);
	else
		import_free(ctx);
}

static void import_free(void *p)
{
	struct onnx_ctx *c = p;

	if (!c)
		return;
	cim_quantized_free(c->quant);
	cim_dataset_free(c->calib);
	cim_graph_free(c->graph);
	free(c);
}

/*
 * Mapping needs only the quantized model: the float graph (the model's
 * weights as floats) and the calibration set go before it, so that the
 * peak memory of a compile is not theirs plus the image's.  --report
 * (per-layer SQNR) still runs both, --eval the graph.
 */
static void release_float(void *p, int keep_graph, int keep_calib)
{
	struct onnx_ctx *c = p;

	if (!keep_graph) {
		cim_graph_free(c->graph);
		c->graph = NULL;
	}
	if (!keep_calib) {
		cim_dataset_free(c->calib);
		c->calib = NULL;
	}
}

/* ONNX import, calibration and quantization (docs/compiler.md). */
static int import_onnx(const struct compile_opts *o,
		       const struct cim_map_opts *mo, struct cim_qmodel **qm,
		       void **ctx)
{
	struct cim_quant_options qo = {
		.wbits = o->wbits,
		/* the SIMD's weights are int8 whatever the cells hold */
		.flags = o->qflags | (o->wbits == 4 && !(o->flags & CIM_MAP_NO_SIMD_CONV) ?
				      CIM_QUANT_SIMD_W8 : 0),
	};
	struct onnx_ctx *c = calloc(1, sizeof(*c));
	uint64_t need;
	char err[512];
	int r;

	if (!c)
		return -ENOMEM;
	*ctx = c;
	r = cim_onnx_import_file(o->onnx, 1, &c->graph, err, sizeof(err));
	if (r) {
		fprintf(stderr, "cim-compile: %s: %s\n", o->onnx, err);
		return r;
	}
	/*
	 * Fail at once, before calibration, when the weights cannot fit the
	 * card: the preset's geometry and tile count unless options set them.
	 */
	if (!cim_graph_min_arrays(c->graph, o->wbits, mo->geom.tile_rows,
				  mo->geom.tile_cols, &need) &&
	    need > mo->max_tiles) {
		fprintf(stderr, "cim-compile: %s: the model needs at least %llu arrays of %ux%u cells as int%u, the card has %u\n",
			o->onnx, (unsigned long long)need, mo->geom.tile_rows,
			mo->geom.tile_cols, o->wbits, mo->max_tiles);
		return -ENOSPC;
	}
	r = cim_dataset_load(o->calib, &c->calib, err, sizeof(err));
	if (r) {
		fprintf(stderr, "cim-compile: %s: %s\n", o->calib, err);
		return r;
	}
	r = cim_quantize(c->graph, c->calib, &qo, &c->quant, err, sizeof(err));
	if (r) {
		fprintf(stderr, "cim-compile: %s: %s\n", o->onnx, err);
		return r;
	}
	*qm = (struct cim_qmodel *)cim_quantized_model(c->quant);
	return 0;
}

/* Per-layer SQNR of the quantized model on the calibration data. */
static void report_sqnr(void *p)
{
	struct onnx_ctx *c = p;
	const struct cim_qmodel *qm = cim_quantized_model(c->quant);
	double *sqnr = calloc(qm->n_ops ? qm->n_ops : 1, sizeof(*sqnr));

	printf("per-layer SQNR (quantized vs float, calibration data):\n");
	if (!sqnr || cim_quant_report(c->quant, c->graph, c->calib, sqnr, stdout))
		fprintf(stderr, "cim-compile: SQNR report failed\n");
	free(sqnr);
}

static uint32_t argmax(const float *v, uint32_t n)
{
	uint32_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* Float in and out through the CPU reference: what an ideal card gives. */
static int run_ref(const struct cim_model *m, const float *in, float *out,
		   uint32_t batch)
{
	struct cim_tensor_info ti, to;
	int8_t *q, *r;
	const void *img;
	size_t size;
	int ret = -ENOMEM;

	cim_model_input(m, &ti);
	cim_model_output(m, &to);
	img = cim_model_image(m, &size);
	q = malloc((size_t)batch * ti.c * ti.h * ti.w + 1);
	r = malloc((size_t)batch * to.c * to.h * to.w + 1);
	if (q && r) {
		cim_model_quantize(m, in, q, batch);
		ret = cim_ref_run_image(img, size, q, r, batch);
		if (!ret)
			cim_model_dequantize(m, r, out, batch);
	}
	free(q);
	free(r);
	return ret;
}

/*
 * Top-1 accuracy on a labelled sample file of the float graph and of the
 * compiled model run by the CPU reference (bit-exact to an ideal card).
 */
static int evaluate(void *p, const void *cimx, size_t size, const char *path)
{
	struct onnx_ctx *c = p;
	struct cim_dataset *d = NULL;
	struct cim_model *m = NULL;
	struct cim_tensor_info ot;
	uint32_t i, nout, hit_f = 0, hit_q = 0;
	float *fo = NULL, *qo = NULL;
	char err[256];
	int r;

	r = cim_dataset_load(path, &d, err, sizeof(err));
	if (r) {
		fprintf(stderr, "cim-compile: %s: %s\n", path, err);
		return r;
	}
	r = -EINVAL;
	if (!d->labels) {
		fprintf(stderr, "cim-compile: %s: no labels to evaluate\n", path);
		goto out;
	}
	r = cim_model_load(cimx, size, &m);
	if (r)
		goto out;
	cim_model_output(m, &ot);
	nout = ot.c * ot.h * ot.w;
	fo = calloc(nout, sizeof(*fo));
	qo = calloc((size_t)nout * d->n, sizeof(*qo));
	r = -ENOMEM;
	if (!fo || !qo)
		goto out;
	r = run_ref(m, d->data, qo, d->n);
	for (i = 0; !r && i < d->n; i++) {
		const float *in = d->data + (size_t)i * d->len;

		r = cim_graph_run(c->graph, &in, &fo);
		hit_f += !r && argmax(fo, nout) == (uint32_t)d->labels[i];
		hit_q += argmax(qo + (size_t)i * nout, nout) ==
			 (uint32_t)d->labels[i];
	}
	if (!r)
		printf("eval: %u samples: float_acc %.2f %% quant_acc %.2f %%\n",
		       d->n, 100.0 * hit_f / d->n, 100.0 * hit_q / d->n);
	else
		fprintf(stderr, "cim-compile: evaluation failed (%d)\n", r);
out:
	free(fo);
	free(qo);
	cim_model_free(m);
	cim_dataset_free(d);
	return r;
}

int main(int argc, char **argv)
{
	struct cim_map_opts mo;
	struct compile_opts o;
	struct cim_map_report rep;
	struct cim_qmodel *qm = NULL;
	char err[256], opts[512];
	void *ctx = NULL, *out;
	size_t size;
	int r;

	memset(&mo, 0, sizeof(mo));

	r = parse(argc, argv, &o, err, sizeof(err));
	if (!r && cim_map_preset(o.preset, &mo)) {
		snprintf(err, sizeof(err), "unknown --preset '%s' (m1076, small)",
			 o.preset);
		r = CIMCTL_ARGS_ERROR;
	}
	if (r == CIMCTL_ARGS_HELP) {
		usage(stdout);
		return 0;
	}
	if (r) {
		fprintf(stderr, "cim-compile: %s\n\n", err);
		usage(stderr);
		return 2;
	}
	if (o.rows)
		mo.geom.tile_rows = o.rows;
	if (o.cols)
		mo.geom.tile_cols = o.cols;
	if (o.tiles)
		mo.max_tiles = o.tiles;
	r = o.builtin ? compile_builtin(o.builtin, o.wbits, &qm, &ctx) :
			import_onnx(&o, &mo, &qm, &ctx);
	if (r) {
		if (o.builtin)
			fprintf(stderr, "cim-compile: unknown built-in model '%s'\n",
				o.builtin);
		ctx_free(&o, ctx);
		return 1;
	}
	if (!o.builtin)
		release_float(ctx, o.report || o.eval, o.report);
	mo.flags = o.flags;
	mo.objective = o.objective;
	mo.batch = o.batch;
	snprintf(opts, sizeof(opts),
		 "weights=int%u tiles=%u rows=%u cols=%u%s%s%s objective=%s batch=%u preset=%s",
		 o.wbits, mo.max_tiles, mo.geom.tile_rows, mo.geom.tile_cols,
		 o.flags & CIM_MAP_NO_PACK ? " no-pack" : "",
		 o.flags & CIM_MAP_NO_SIMD_CONV ? " no-simd-conv" : "",
		 o.flags & CIM_MAP_NO_DUP ? " no-dup" : "",
		 o.objective == CIM_MAP_THROUGHPUT ? "throughput" :
		 o.objective == CIM_MAP_LATENCY ? "latency" : "area", o.batch,
		 o.preset);
	if (o.pack == PACK_SORTED)
		mo.flags |= CIM_MAP_PACK_SORTED;
	r = cim_compile_qmodel(qm, &mo, opts, &out, &size, &rep);
	if (r) {
		ctx_free(&o, ctx);
		fprintf(stderr, "cim-compile: %s\n", rep.msg);
		return 1;
	}
	if (o.pack == PACK_BEST && o.objective != CIM_MAP_AREA &&
	    !(o.flags & CIM_MAP_NO_PACK))
		pack_faster(&o, qm, &mo, opts, &out, &size, &rep);
	if (o.report) {
		char *text;
		int n = cim_map_report_format(&rep, qm, NULL, 0);

		text = malloc((size_t)n + 1);
		if (text) {
			cim_map_report_format(&rep, qm, text, (size_t)n + 1);
			fputs(text, stdout);
			free(text);
		}
	}
	cim_map_report_free(&rep);
	if (o.report && compile_predict(out, size, o.preset)) {
		ctx_free(&o, ctx);
		free(out);
		return 1;
	}
	if (o.report && o.onnx)
		report_sqnr(ctx);
	if (o.eval && evaluate(ctx, out, size, o.eval)) {
		ctx_free(&o, ctx);
		free(out);
		return 1;
	}
	ctx_free(&o, ctx);
	r = cimctl_write_file(o.out, out, size);
	free(out);
	if (r) {
		cimctl_err(o.out, r, NULL);
		return 1;
	}
	printf("%s: %zu bytes\n", o.out, size);
	return 0;
}
