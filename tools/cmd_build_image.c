// SPDX-License-Identifier: MIT
/* cimctl build-image */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "cim.h"
#include "cim_compiler.h"
#include "cmds.h"
#include "models.h"

static void usage(FILE *f)
{
	const char *const *n;

	fprintf(f,
		"usage: cimctl build-image [--builtin NAME] --rows R --cols C -o FILE\n"
		"\n"
		"Build the weight image (.cimi) of a built-in model for cards with\n"
		"R x C cell tiles (4-bit cells) and write it to FILE.\n"
		"\n"
		"  --builtin NAME  model to build (default mlp2):\n");
	for (n = cimctl_model_names; *n; n++)
		fprintf(f, "                    %-6s %s\n", *n, cimctl_model_about(*n));
	fprintf(f,
		"  --rows R        word lines (inputs) per tile\n"
		"  --cols C        bit lines per tile (two per output)\n"
		"  -o, --output FILE\n");
}

int cmd_build_image(int argc, char *argv[])
{
	struct build_opts o;
	struct cimctl_model m;
	struct cim_geometry g;
	char err[256];
	void *img;
	size_t size;
	int r;

	r = cimctl_parse_build(argc, argv, &o, err, sizeof(err));
	if (r == CIMCTL_ARGS_HELP) {
		usage(stdout);
		return CIMCTL_EXIT_OK;
	}
	if (r) {
		fprintf(stderr, "cimctl build-image: %s\n\n", err);
		usage(stderr);
		return CIMCTL_EXIT_USAGE;
	}
	r = cimctl_model_builtin(o.builtin, &m);
	if (r) {
		fprintf(stderr, "cimctl: unknown built-in model '%s'\n", o.builtin);
		return CIMCTL_EXIT_USAGE;
	}
	g.tile_rows = o.rows;
	g.tile_cols = o.cols;
	g.cell_bits = 4;
	r = cim_image_build(&m.desc, &g, &img, &size);
	cimctl_model_free(&m);
	if (r) {
		cimctl_err("cannot build the image", r, NULL);
		return CIMCTL_EXIT_FAIL;
	}
	r = cimctl_write_file(o.out, img, size);
	free(img);
	if (r) {
		cimctl_err(o.out, r, NULL);
		return CIMCTL_EXIT_FAIL;
	}
	printf("%s: %s for %ux%u tiles, %zu bytes\n", o.out, o.builtin, o.rows,
	       o.cols, size);
	return CIMCTL_EXIT_OK;
}
