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
#include "cmds.h"
#include "compile_builtin.h"

struct compile_opts {
	const char *onnx, *calib, *out, *builtin;
	uint32_t wbits, tiles, rows, cols, flags;
	int report;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cim-compile MODEL.onnx --calib FILE -o MODEL.cimx\n"
		"                   [--weights int8|int4] [--report]\n"
		"                   [--tiles N] [--rows R] [--cols C] [--no-pack]\n"
		"       cim-compile --builtin NAME -o MODEL.cimx [...]\n"
		"\n"
		"Quantize a float model with calibration inputs, map it onto a card's\n"
		"arrays and write the compiled model.  The card defaults to the\n"
		"M1076 class: 76 arrays of 1024x1024 4-bit cells.\n"
		"\n"
		"  --calib FILE       calibration inputs (float32, one input after another)\n"
		"  -o, --output FILE  the .cimx to write\n"
		"  --weights W        int8 (default; two cells per weight) or int4 (one)\n"
		"  --report           print the mapping report (arrays, utilization)\n"
		"  --tiles N          arrays of the card (default 76)\n"
		"  --rows R, --cols C cells per array (default 1024 x 1024)\n"
		"  --no-pack          one block per array, no diagonal packing\n"
		"  --builtin NAME     compile a built-in FC model (mlp2, tiny) instead\n"
		"                     of an ONNX file\n");
}

static int parse(int argc, char **argv, struct compile_opts *o, char *err,
		 size_t len)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->wbits = 8;
	o->tiles = CIM_M1076_TILES;
	o->rows = CIM_M1076_ROWS;
	o->cols = CIM_M1076_COLS;
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
		    strcmp(a, "--rows") && strcmp(a, "--cols") && strcmp(a, "--builtin")) {
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

/*
 * FRONT-END CALL SITE.  ONNX import + calibration + quantization
 * (libcim/compiler/, branch compiler-front) goes here: fill *qm from
 * o->onnx and o->calib with weights of o->wbits bits, owned by *ctx,
 * and return 0 or negative errno with a message on stderr.
 */
static int import_onnx(const struct compile_opts *o, struct cim_qmodel **qm,
		       void **ctx)
{
	(void)qm;
	(void)ctx;
	fprintf(stderr, "cim-compile: %s: ONNX import is not in this build "
		"(front end not merged yet); use --builtin\n", o->onnx);
	return -ENOSYS;
}

static void import_free(void *ctx)
{
	free(ctx);
}

int main(int argc, char **argv)
{
	struct cim_map_opts mo = { { 0, 0, 4 }, 0, 0 };
	struct compile_opts o;
	struct cim_map_report rep;
	struct cim_qmodel *qm = NULL;
	char err[256], opts[512];
	void *ctx = NULL, *out;
	size_t size;
	int r;

	r = parse(argc, argv, &o, err, sizeof(err));
	if (r == CIMCTL_ARGS_HELP) {
		usage(stdout);
		return 0;
	}
	if (r) {
		fprintf(stderr, "cim-compile: %s\n\n", err);
		usage(stderr);
		return 2;
	}
	r = o.builtin ? compile_builtin(o.builtin, o.wbits, &qm, &ctx) :
			import_onnx(&o, &qm, &ctx);
	if (r) {
		if (o.builtin)
			fprintf(stderr, "cim-compile: unknown built-in model '%s'\n",
				o.builtin);
		return 1;
	}
	mo.geom.tile_rows = o.rows;
	mo.geom.tile_cols = o.cols;
	mo.max_tiles = o.tiles;
	mo.flags = o.flags;
	snprintf(opts, sizeof(opts), "weights=int%u tiles=%u rows=%u cols=%u%s",
		 o.wbits, o.tiles, o.rows, o.cols,
		 o.flags & CIM_MAP_NO_PACK ? " no-pack" : "");
	r = cim_compile_qmodel(qm, &mo, opts, &out, &size, &rep);
	if (r) {
		import_free(ctx);
		fprintf(stderr, "cim-compile: %s\n", rep.msg[0] ? rep.msg :
			cim_last_error(NULL));
		return 1;
	}
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
	import_free(ctx);
	r = cimctl_write_file(o.out, out, size);
	free(out);
	if (r) {
		cimctl_err(o.out, r, NULL);
		return 1;
	}
	printf("%s: %zu bytes\n", o.out, size);
	return 0;
}
