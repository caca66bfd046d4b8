// SPDX-License-Identifier: MIT
/*
 * cimctl run: run a batch through a card and through the CPU reference,
 * and compare.  The reference runs the very image the card got, so any
 * difference is the card's (or the driver's) doing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cim.h"
#include "cim_compiler.h"
#include "cmds.h"
#include "models.h"

#define SHOW_VALUES	16

static void usage(FILE *f)
{
	const char *const *n;

	fprintf(f,
		"usage: cimctl run [--dev DEV] [MODEL.cimx | --model FILE | --builtin NAME]\n"
		"                  [--input FILE | --random SEED] [--batch N] [--show N]\n"
		"                  [--exit-margin N|off]\n"
		"\n"
		"Load a model's weight image into a card, run a batch of inputs\n"
		"through it, run the same image on the CPU reference, and compare.\n"
		"Prints the first outputs, then 'max_abs_diff N' and\n"
		"'device_time_ns N'; for a model with early exits also 'exits'\n"
		"(the exit each item took) and 'exited N of B'.  Exits 1 if any\n"
		"output or exit differs.\n"
		"\n"
		"  --dev DEV       device node, accel name or index (default: first card)\n"
		"  MODEL.cimx, --model FILE\n"
		"                  a compiled model (.cimx) or a raw weight image (.cimi)\n"
		"                  built for this card's geometry\n"
		"  --builtin NAME  a built-in model, built for the card's geometry\n"
		"                  at run time (default mlp2):\n");
	for (n = cimctl_model_names; *n; n++)
		fprintf(f, "                    %-6s %s\n", *n, cimctl_model_about(*n));
	fprintf(f,
		"  --input FILE    raw int8 inputs, batch x input size bytes; with a\n"
		"                  .cimx also float samples in a CIMD file (quantized\n"
		"                  with the model's input parameters; with labels the\n"
		"                  card's top-1 accuracy is printed)\n"
		"  --random SEED   pseudo-random inputs from SEED (default 1)\n"
		"  --batch N       batch items (default 1, or all of --input)\n"
		"  --show N        outputs of the first N items to print (default 4)\n"
		"  --exit-margin N early exit with top-1 margin N (0..255) at every exit\n"
		"                  of the model instead of its compiled margins: 0 stops\n"
		"                  every item at the first exit, 'off' runs every item\n"
		"                  to the end (the model must have early exits)\n");
}

struct run_ctx {
	struct cim_dev *dev;
	void *image;
	size_t size;
	int8_t *in, *out, *ref;
	uint32_t batch, in_size, out_size;
	struct cim_model *model;	/* a .cimx: quantizes CIMD inputs */
	int32_t *labels;		/* of CIMD inputs, or NULL */
	uint8_t *exits, *ref_exits;	/* per item, for a model with exits */
};

/* A .cimx: validate it, then run its weight image like any other. */
static int cimx_image(const char *path, struct run_ctx *c)
{
	struct cim_tensor_info ti, to;
	struct cim_model *m;
	const void *img;
	size_t size;
	int r;

	r = cim_model_load(c->image, c->size, &m);
	free(c->image);
	c->image = NULL;
	if (r) {
		cimctl_err(path, r, cim_last_error(NULL));
		return r;
	}
	img = cim_model_image(m, &size);
	c->image = malloc(size);
	if (!c->image) {
		cim_model_free(m);
		return -ENOMEM;
	}
	memcpy(c->image, img, size);
	c->size = size;
	cim_model_input(m, &ti);
	cim_model_output(m, &to);
	printf("model     %s (.cimx), image %zu bytes\n", path, size);
	printf("input     %s %ux%ux%u, scale %g, zero point %d\n",
	       *ti.name ? ti.name : "-", ti.h, ti.w, ti.c, ti.scale, ti.zero_point);
	printf("output    %s %ux%ux%u, scale %g, zero point %d%s\n",
	       *to.name ? to.name : "-", to.h, to.w, to.c, to.scale, to.zero_point,
	       cim_model_flags(m) & CIM_MODEL_HOST_SOFTMAX ? ", host softmax" : "");
	c->model = m;
	return 0;
}

static int get_image(const struct run_opts *o, struct run_ctx *c)
{
	const struct cim_info *ci = cim_dev_info(c->dev);
	struct cimctl_model m;
	struct cim_geometry g;
	int r;

	if (o->model_file) {
		r = cimctl_read_file(o->model_file, &c->image, &c->size);
		if (r) {
			cimctl_err(o->model_file, r, NULL);
			return r;
		}
		if (c->size >= 4 && !memcmp(c->image, "CIMX", 4))
			return cimx_image(o->model_file, c);
		printf("model     %s, %zu bytes\n", o->model_file, c->size);
		return 0;
	}
	r = cimctl_model_builtin(o->builtin, &m);
	if (r) {
		fprintf(stderr, "cimctl: unknown built-in model '%s'\n", o->builtin);
		return r;
	}
	g.tile_rows = ci->tile_rows;
	g.tile_cols = ci->tile_cols;
	g.cell_bits = ci->cell_bits;
	r = cim_image_build(&m.desc, &g, &c->image, &c->size);
	cimctl_model_free(&m);
	if (r) {
		cimctl_err("cannot build the image for this card", r, NULL);
		return r;
	}
	printf("model     %s (%s), %zu bytes\n", o->builtin,
	       cimctl_model_about(o->builtin), c->size);
	return 0;
}

/* Float samples (CIMD) quantized with the .cimx's input parameters. */
static int cimd_inputs(const struct run_opts *o, struct run_ctx *c,
		       void *buf, size_t len)
{
	struct cim_dataset *d;
	char err[256];
	int r;

	r = cim_dataset_parse(buf, len, &d, err, sizeof(err));
	free(buf);
	if (r) {
		fprintf(stderr, "cimctl: %s: %s\n", o->input_file, err);
		return r;
	}
	r = -EINVAL;
	if (d->len != c->in_size) {
		fprintf(stderr, "cimctl: %s: samples of %u values, the model takes %u\n",
			o->input_file, d->len, c->in_size);
		goto out;
	}
	c->batch = o->batch ? o->batch : d->n;
	if (c->batch > d->n) {
		fprintf(stderr, "cimctl: %s: %u samples, --batch %u\n",
			o->input_file, d->n, c->batch);
		goto out;
	}
	r = -ENOMEM;
	c->in = malloc((size_t)c->batch * c->in_size);
	if (d->labels)
		c->labels = malloc((size_t)c->batch * sizeof(*c->labels));
	if (!c->in || (d->labels && !c->labels))
		goto out;
	cim_model_quantize(c->model, d->data, c->in, c->batch);
	if (d->labels)
		memcpy(c->labels, d->labels, (size_t)c->batch * sizeof(*c->labels));
	r = 0;
out:
	cim_dataset_free(d);
	return r;
}

/* Top-1 of the card's int8 outputs: dequantization keeps the order. */
static void top1(const struct run_ctx *c)
{
	uint32_t b, j, best, hits = 0;
	const int8_t *y;

	for (b = 0; b < c->batch; b++) {
		y = c->out + (size_t)b * c->out_size;
		for (best = 0, j = 1; j < c->out_size; j++)
			if (y[j] > y[best])
				best = j;
		hits += (int32_t)best == c->labels[b];
	}
	printf("top1 %u of %u (%.2f %%)\n", hits, c->batch, 100.0 * hits / c->batch);
}

static int get_inputs(const struct run_opts *o, struct run_ctx *c)
{
	size_t need;
	void *buf;
	size_t len;
	int r;

	c->batch = o->batch;
	if (!o->input_file) {
		need = (size_t)c->batch * c->in_size;
		c->in = malloc(need);
		if (!c->in)
			return -ENOMEM;
		cimctl_random_input(o->seed, c->in, need);
		return 0;
	}
	r = cimctl_read_file(o->input_file, &buf, &len);
	if (r) {
		cimctl_err(o->input_file, r, NULL);
		return r;
	}
	if (c->model && len >= 4 && !memcmp(buf, "CIMD", 4))
		return cimd_inputs(o, c, buf, len);
	c->in = buf;
	if (!c->batch) {
		if (!len || len % c->in_size) {
			fprintf(stderr, "cimctl: %s: %zu bytes is not a whole number of %u-byte inputs\n",
				o->input_file, len, c->in_size);
			return -EINVAL;
		}
		c->batch = (uint32_t)(len / c->in_size);
	} else if (len < (size_t)c->batch * c->in_size) {
		fprintf(stderr, "cimctl: %s: %zu bytes, %u inputs of %u bytes need %zu\n",
			o->input_file, len, c->batch, c->in_size,
			(size_t)c->batch * c->in_size);
		return -EINVAL;
	}
	return 0;
}

static void show(const struct run_ctx *c, uint32_t items)
{
	uint32_t b, j;

	for (b = 0; b < items && b < c->batch; b++) {
		printf("item %u:", b);
		for (j = 0; j < c->out_size && j < SHOW_VALUES; j++)
			printf(" %d", c->out[(size_t)b * c->out_size + j]);
		printf("%s\n", c->out_size > SHOW_VALUES ? " ..." : "");
	}
}

/* The exit each item took (n_exits: ran to the end), and the summary. */
static uint32_t show_exits(const struct run_opts *o, const struct run_ctx *c,
			   const struct cim_image_props *props,
			   const struct cim_run_stats *st)
{
	uint32_t b, bad = 0;

	if (o->exit_margin == CIMCTL_EXIT_MARGIN_OFF)
		printf("exit_margin off\n");
	else if (o->exit_margin >= 0)
		printf("exit_margin %d\n", o->exit_margin);
	printf("exits");
	for (b = 0; b < c->batch; b++) {
		printf(" %u", c->exits[b]);
		bad += c->exits[b] != c->ref_exits[b];
	}
	printf("\n");
	printf("exited %u of %u (early exits in the plan: %u; %u = ran to the end)\n",
	       st->n_exited, c->batch, props->n_exits, props->n_exits);
	printf("exit_mismatches %u of %u\n", bad, c->batch);
	return bad;
}

static int run(const struct run_opts *o, struct run_ctx *c)
{
	const struct cim_info *ci = cim_dev_info(c->dev);
	struct cim_submit_opts so = CIM_SUBMIT_OPTS_INIT;
	struct cim_image_props props;
	struct cim_run_stats st;
	struct cim_image *img;
	size_t n, i, diffs = 0;
	uint32_t exit_bad = 0;
	int r, max = 0;

	printf("card      %s: %u tiles of %ux%u cells, firmware %u.%u\n",
	       cim_dev_path(c->dev), ci->tiles, ci->tile_rows, ci->tile_cols,
	       ci->fw_version >> 16, ci->fw_version & 0xffff);
	r = get_image(o, c);
	if (r)
		return r;
	c->in_size = cim_image_input_size(c->image, c->size);
	c->out_size = cim_image_output_size(c->image, c->size);
	if (!c->in_size || !c->out_size) {
		fprintf(stderr, "cimctl: not a CIM weight image\n");
		return -EINVAL;
	}
	r = get_inputs(o, c);
	if (r)
		return r;
	n = (size_t)c->batch * c->out_size;
	c->out = malloc(n);
	c->ref = malloc(n);
	if (!c->out || !c->ref)
		return -ENOMEM;

	r = cim_image_load(c->dev, c->image, c->size, &img);
	if (r) {
		cimctl_err("cannot load the image", r, cim_last_error(c->dev));
		return r;
	}
	cim_image_get_props(img, &props);
	if (o->exit_margin >= 0 && !props.n_exits) {
		cim_image_free(img);
		fprintf(stderr, "cimctl: --exit-margin: the model has no early exits\n");
		return -EINVAL;
	}
	if (props.n_exits) {
		c->exits = malloc(c->batch);
		c->ref_exits = malloc(c->batch);
		if (!c->exits || !c->ref_exits) {
			cim_image_free(img);
			return -ENOMEM;
		}
		so.exits = c->exits;
	}
	if (o->exit_margin >= 0) {
		so.flags = CIM_SUBMIT_EXIT_MARGIN;
		so.exit_margin = (uint32_t)o->exit_margin;
	}
	printf("image     %u tiles, %u -> %u bytes per item\n", props.tiles,
	       props.input_size, props.output_size);
	printf("batch     %u\n", c->batch);
	r = cim_infer_ex(c->dev, img, c->in, c->out, c->batch, &so, &st);
	cim_image_free(img);
	if (r) {
		cimctl_err("inference failed", r, cim_last_error(c->dev));
		return r;
	}
	/* the reference takes the same exits: with the same margins */
	r = cim_ref_run_image_ex(c->image, c->size, c->in, c->ref, c->batch,
				 o->exit_margin, c->ref_exits);
	if (r) {
		cimctl_err("CPU reference failed", r, NULL);
		return r;
	}
	for (i = 0; i < n; i++) {
		int d = abs(c->out[i] - c->ref[i]);

		diffs += d != 0;
		if (d > max)
			max = d;
	}
	show(c, o->show);
	printf("mismatches %zu of %zu\n", diffs, n);
	printf("max_abs_diff %d\n", max);
	if (c->labels)
		top1(c);
	printf("device_time_ns %" PRIu64 "\n", st.device_time_ns);
	if (props.n_exits)
		exit_bad = show_exits(o, c, &props, &st);
	return max || exit_bad ? 1 : 0;
}

int cmd_run(int argc, char *argv[])
{
	struct run_ctx c;
	struct run_opts o;
	char err[256], path[256];
	int r;

	r = cimctl_parse_run(argc, argv, &o, err, sizeof(err));
	if (r == CIMCTL_ARGS_HELP) {
		usage(stdout);
		return CIMCTL_EXIT_OK;
	}
	if (r) {
		fprintf(stderr, "cimctl run: %s\n\n", err);
		usage(stderr);
		return CIMCTL_EXIT_USAGE;
	}
	memset(&c, 0, sizeof(c));
	r = cim_open(cimctl_dev_path(o.dev, path, sizeof(path)), &c.dev);
	if (r) {
		cimctl_err("cannot open the card", r, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	r = run(&o, &c);
	cim_close(c.dev);
	free(c.image);
	free(c.in);
	free(c.out);
	free(c.ref);
	free(c.labels);
	free(c.exits);
	free(c.ref_exits);
	cim_model_free(c.model);
	return r ? CIMCTL_EXIT_FAIL : CIMCTL_EXIT_OK;
}
