// SPDX-License-Identifier: MIT
/* The start of a cimctl subcommand: its command line, then its card. */
#include <stdio.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

int cimctl_args_done(int r, const char *name, const char *err,
		     const char *usage)
{
	if (r == CIMCTL_ARGS_HELP) {
		fputs(usage, stdout);
		return CIMCTL_EXIT_OK;
	}
	if (r) {
		fprintf(stderr, "cimctl %s: %s\n\n%s", name, err, usage);
		return CIMCTL_EXIT_USAGE;
	}
	return -1;
}

int cimctl_open_dev(int argc, char *argv[], const char *usage,
		    const char *name, struct cim_dev **dev, int *json)
{
	struct info_opts o;
	char err[256];
	int r;

	r = cimctl_parse_info(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, name, err, usage);
	if (r >= 0)
		return r;
	if (json)
		*json = o.json;
	return cimctl_open_spec(o.dev, dev);
}

int cimctl_open_spec(const char *spec, struct cim_dev **dev)
{
	char path[256];
	int r;

	r = cim_open(cimctl_dev_path(spec, path, sizeof(path)), dev);
	if (r) {
		cimctl_err("cannot open the card", r, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	return -1;
}

int cimctl_open_model(const char *file, const char *spec, struct cim_model **m,
		      struct cim_dev **dev)
{
	int r = cim_model_load_file(file, m);

	if (r) {
		cimctl_err(file, r, cim_last_error(NULL));
		return CIMCTL_EXIT_FAIL;
	}
	r = cimctl_open_spec(spec, dev);
	if (r >= 0) {
		cim_model_free(*m);
		*m = NULL;
	}
	return r;
}
