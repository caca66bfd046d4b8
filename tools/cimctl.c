// SPDX-License-Identifier: MIT
/*
 * cimctl: command-line tool for CIM inference cards.  See docs/cimctl.md.
 */
#include <stdio.h>
#include <string.h>

#include "cim.h"
#include "cmds.h"

static const struct {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *about;
} commands[] = {
	{ "list", cmd_list, "list the CIM cards" },
	{ "info", cmd_info, "show a card's description and versions" },
	{ "images", cmd_images, "list the images programmed on a card (resident images)" },
	{ "tiles", cmd_tiles, "show the wear and activity of a card's tiles" },
	{ "run", cmd_run, "run a model on a card and check it against the CPU reference" },
	{ "monitor", cmd_monitor, "watch a card's power, temperature and tile activity" },
	{ "reset", cmd_reset, "reset a card (root, debugfs force_reset)" },
	{ "program", cmd_program, "program a model's weight image and leave it resident" },
	{ "calibrate", cmd_calibrate, "calibrate a model's tiles again; column error before and after" },
	{ "bench", cmd_bench, "measure a model's throughput and latency on a card" },
	{ "build-image", cmd_build_image, "build a weight image file for a tile geometry" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cimctl [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].about);
	fprintf(f, "\n'cimctl COMMAND --help' describes a command.\n");
}

int main(int argc, char *argv[])
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CIMCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CIMCTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cimctl (libcim %s, uapi %d, firmware %d.x)\n", cim_version(),
		       CIM_UAPI_VERSION, CIM_FW_MAJOR);
		return CIMCTL_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "cimctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CIMCTL_EXIT_USAGE;
}
