// SPDX-License-Identifier: MIT
/*
 * cimctl command-line parsing: "--name value" and "--name=value" forms,
 * no global state, so that it can be unit tested.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int cimctl_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cimctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (cimctl_parse_u64(s, &v) || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

const char *cimctl_dev_path(const char *spec, char *buf, size_t len)
{
	size_t i;

	if (!spec)
		return NULL;
	for (i = 0; spec[i] >= '0' && spec[i] <= '9'; i++)
		;
	if (i && !spec[i]) {
		snprintf(buf, len, "/dev/accel/accel%s", spec);
		return buf;
	}
	if (!strncmp(spec, "accel", 5) && !strchr(spec, '/')) {
		snprintf(buf, len, "/dev/accel/%s", spec);
		return buf;
	}
	if (!strncmp(spec, "renderD", 7) && !strchr(spec, '/')) {
		snprintf(buf, len, "/dev/dri/%s", spec);
		return buf;
	}
	return spec;
}

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return CIMCTL_ARGS_ERROR;
}

/*
 * One option at argv[*i]: sets *name (without "--") and, for options
 * taking a value, *val (from "=value" or the next argument).
 * Returns 1 if argv[*i] is not an option (a positional argument).
 */
struct opt_spec {
	const char *name;
	int has_val;
};

static int next_opt(int argc, char *const argv[], int *i,
		    const struct opt_spec *specs, const struct opt_spec **spec,
		    const char **val, char *err, size_t len)
{
	const char *a = argv[*i], *eq;
	size_t n;

	if (a[0] != '-' || !strcmp(a, "-"))
		return 1;
	if (!strcmp(a, "-h"))
		a = "--help";
	if (a[1] != '-' && strcmp(a, "-o"))
		return fail(err, len, "unknown option %s", a);
	if (!strcmp(a, "-o"))
		a = "--output";
	a += 2;
	eq = strchr(a, '=');
	n = eq ? (size_t)(eq - a) : strlen(a);
	for (*spec = specs; (*spec)->name; (*spec)++)
		if (strlen((*spec)->name) == n && !strncmp((*spec)->name, a, n))
			break;
	if (!(*spec)->name)
		return fail(err, len, "unknown option --%.*s", (int)n, a);
	*val = NULL;
	if (!(*spec)->has_val) {
		if (eq)
			return fail(err, len, "--%s takes no value", (*spec)->name);
		return 0;
	}
	if (eq) {
		*val = eq + 1;
	} else {
		if (*i + 1 >= argc)
			return fail(err, len, "--%s needs a value", (*spec)->name);
		*val = argv[++*i];
	}
	return 0;
}

/*
 * next_opt() for a subcommand: --help gives CIMCTL_ARGS_HELP; a
 * positional argument gives 0 with *spec NULL where positional allows
 * one, else an error.
 */
static int next_arg(int argc, char *const argv[], int *i,
		    const struct opt_spec *specs, const struct opt_spec **spec,
		    const char **val, char *err, size_t len, int positional)
{
	int r = next_opt(argc, argv, i, specs, spec, val, err, len);

	if (r == 1 && positional) {
		*spec = NULL;
		return 0;
	}
	if (r == 1)
		return fail(err, len, "unexpected argument %s", argv[*i]);
	if (r)
		return r;
	return strcmp((*spec)->name, "help") ? 0 : CIMCTL_ARGS_HELP;
}

int cimctl_parse_run(int argc, char *const argv[], struct run_opts *o,
		     char *err, size_t len)
{
	static const struct opt_spec specs[] = {
		{ "help", 0 }, { "dev", 1 }, { "model", 1 }, { "builtin", 1 },
		{ "input", 1 }, { "random", 1 }, { "batch", 1 }, { "show", 1 },
		{ "exit-margin", 1 }, { NULL, 0 },
	};
	const struct opt_spec *s;
	const char *val;
	int i, r, have_random = 0;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->show = 4;
	o->exit_margin = -1;
	for (i = 1; i < argc; i++) {
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len,
			     !o->model_file);
		if (r)
			return r;
		if (!s) {
			o->model_file = argv[i];	/* cimctl run model.cimx */
			continue;
		}
		if (!strcmp(s->name, "dev")) {
			o->dev = val;
		} else if (!strcmp(s->name, "model")) {
			o->model_file = val;
		} else if (!strcmp(s->name, "builtin")) {
			o->builtin = val;
		} else if (!strcmp(s->name, "input")) {
			o->input_file = val;
		} else if (!strcmp(s->name, "random")) {
			if (cimctl_parse_u64(val, &o->seed))
				return fail(err, len, "bad --random seed '%s'", val);
			have_random = 1;
		} else if (!strcmp(s->name, "batch")) {
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->batch))
				return fail(err, len, "bad --batch '%s' (1 or more)", val);
		} else if (!strcmp(s->name, "show")) {
			if (cimctl_parse_u32(val, 0, UINT32_MAX, &o->show))
				return fail(err, len, "bad --show '%s'", val);
		} else if (!strcmp(s->name, "exit-margin")) {
			uint32_t m;

			if (!strcmp(val, "off"))
				m = CIMCTL_EXIT_MARGIN_OFF;
			else if (cimctl_parse_u32(val, 0, 255, &m))
				return fail(err, len,
					    "bad --exit-margin '%s' (0..255: the top-1 margin an item needs to stop at an exit; 'off': no early exit)",
					    val);
			o->exit_margin = (int32_t)m;
		}
	}
	if (o->model_file && o->builtin)
		return fail(err, len, "--model and --builtin exclude each other");
	if (o->input_file && have_random)
		return fail(err, len, "--input and --random exclude each other");
	if (!o->model_file && !o->builtin)
		o->builtin = "mlp2";
	if (!o->input_file && !o->batch)
		o->batch = 1;
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_build(int argc, char *const argv[], struct build_opts *o,
		       char *err, size_t len)
{
	static const struct opt_spec specs[] = {
		{ "help", 0 }, { "builtin", 1 }, { "rows", 1 }, { "cols", 1 },
		{ "output", 1 }, { NULL, 0 },
	};
	const struct opt_spec *s;
	const char *val;
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len, 0);
		if (r)
			return r;
		if (!strcmp(s->name, "builtin")) {
			o->builtin = val;
		} else if (!strcmp(s->name, "rows")) {
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->rows))
				return fail(err, len, "bad --rows '%s'", val);
		} else if (!strcmp(s->name, "cols")) {
			if (cimctl_parse_u32(val, 2, UINT32_MAX, &o->cols))
				return fail(err, len, "bad --cols '%s' (2 or more)", val);
		} else if (!strcmp(s->name, "output")) {
			o->out = val;
		}
	}
	if (!o->builtin)
		o->builtin = "mlp2";
	if (!o->rows || !o->cols)
		return fail(err, len, "--rows and --cols are required");
	if (!o->out)
		return fail(err, len, "-o FILE is required");
	return CIMCTL_ARGS_OK;
}

/* The card: --dev DEV (s set, val) or a bare DEV (arg); only one. */
static int take_dev(const char **dev, const struct opt_spec *s,
		    const char *val, const char *arg, char *err, size_t len)
{
	if (*dev)
		return fail(err, len, "more than one device given");
	*dev = s ? val : arg;
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_info(int argc, char *const argv[], struct info_opts *o,
		      char *err, size_t len)
{
	static const struct opt_spec specs[] = { { "help", 0 }, { "dev", 1 },
						 { NULL, 0 } };
	const struct opt_spec *s;
	const char *val;
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len, 1);
		if (r)
			return r;
		r = take_dev(&o->dev, s, val, argv[i], err, len);
		if (r)
			return r;
	}
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_monitor(int argc, char *const argv[], struct monitor_opts *o,
			 char *err, size_t len)
{
	static const struct opt_spec specs[] = {
		{ "help", 0 }, { "dev", 1 }, { "interval", 1 }, { "count", 1 },
		{ NULL, 0 },
	};
	const struct opt_spec *s;
	const char *val;
	int i, r;

	memset(o, 0, sizeof(*o));
	o->interval_ms = 1000;
	for (i = 1; i < argc; i++) {
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len, 1);
		if (r)
			return r;
		if (s && !strcmp(s->name, "interval")) {
			if (cimctl_parse_u32(val, 10, 3600000, &o->interval_ms))
				return fail(err, len, "bad --interval '%s' (10..3600000 ms)", val);
		} else if (s && !strcmp(s->name, "count")) {
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->count))
				return fail(err, len, "bad --count '%s' (1 or more)", val);
		} else if (take_dev(&o->dev, s, val, argv[i], err, len)) {
			return CIMCTL_ARGS_ERROR;
		}
	}
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_program(int argc, char *const argv[], struct program_opts *o,
			 char *err, size_t len)
{
	static const struct opt_spec specs[] = { { "help", 0 }, { "dev", 1 },
						 { NULL, 0 } };
	const struct opt_spec *s;
	const char *val;
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len, 1);
		if (r)
			return r;
		if (!s && !o->file)
			o->file = argv[i];
		else if (take_dev(&o->dev, s, val, argv[i], err, len))
			return CIMCTL_ARGS_ERROR;
	}
	if (!o->file)
		return fail(err, len, "no model file given");
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_list(int argc, char *const argv[], char *err, size_t len)
{
	static const struct opt_spec specs[] = { { "help", 0 }, { NULL, 0 } };
	const struct opt_spec *s;
	const char *val;
	int i, r;

	for (i = 1; i < argc; i++) {
		/* --help is the only option */
		r = next_arg(argc, argv, &i, specs, &s, &val, err, len, 0);
		return r ? r : CIMCTL_ARGS_HELP;
	}
	return CIMCTL_ARGS_OK;
}
