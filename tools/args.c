// SPDX-License-Identifier: MIT
/*
 * cimctl command-line parsing with getopt_long(3): "--name value" and
 * "--name=value" forms; pure (no device, no output) so that it can be
 * unit tested.
 */
#include <errno.h>
#include <getopt.h>
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
 * Options of a subcommand, parsed with getopt_long(3).  Long options
 * without a short form get codes from OPT_BASE; a non-option argument
 * comes back as OPT_ARG (optstring "-": GNU getopt returns the
 * arguments in order).  Every error leaves its message in err.
 */
enum {
	OPT_ARG = 1,
	OPT_BASE = 0x100,
	OPT_DEV, OPT_MODEL, OPT_BUILTIN, OPT_INPUT, OPT_RANDOM, OPT_BATCH,
	OPT_SHOW, OPT_EXIT_MARGIN, OPT_ROWS, OPT_COLS, OPT_INTERVAL,
	OPT_COUNT, OPT_JSON, OPT_SECONDS, OPT_WARMUP,
};

#define OPT_HELP_ENTRY	{ "help", no_argument, NULL, 'h' }
#define OPT_DEV_ENTRY	{ "dev", required_argument, NULL, OPT_DEV }
#define OPT_JSON_ENTRY	{ "json", no_argument, NULL, OPT_JSON }
#define OPT_END		{ NULL, 0, NULL, 0 }

struct opt_parser {
	int argc;
	char *const *argv;
	const char *shortopts;		/* after "-:" */
	const struct option *longopts;
	char *err;
	size_t len;
};

static const char *opt_name(const struct opt_parser *p, int code)
{
	const struct option *o;

	for (o = p->longopts; o->name; o++)
		if (o->val == code)
			return o->name;
	return NULL;
}

/*
 * getopt_long() takes an unambiguous prefix for the option ("--bat" for
 * "--batch"); cimctl does not, so that a script keeps its meaning when
 * an option is added.  The option's own text is the argument before its
 * value when the value was a separate argument.
 */
static const char *opt_token(const struct opt_parser *p)
{
	const char *tok = p->argv[optind - 1];

	if (optarg && tok == optarg && optind >= 2)
		tok = p->argv[optind - 2];
	return tok;
}

static int opt_exact(const struct opt_parser *p, int longindex)
{
	const char *tok = opt_token(p), *name = p->longopts[longindex].name;
	size_t n;

	if (strncmp(tok, "--", 2))
		return 1;	/* a short option */
	tok += 2;
	n = strcspn(tok, "=");
	return n == strlen(name) && !strncmp(tok, name, n);
}

/* The next option's code, OPT_ARG, 0 at the end, or CIMCTL_ARGS_ERROR. */
static int opt_next(struct opt_parser *p, const char **val)
{
	char optstring[16];
	const char *name;
	int c, li = -1;

	snprintf(optstring, sizeof(optstring), "-:%s", p->shortopts);
	c = getopt_long(p->argc, p->argv, optstring, p->longopts, &li);
	*val = optarg;
	if (c > 0 && li >= 0 && !opt_exact(p, li))
		return fail(p->err, p->len, "unknown option %.*s",
			    (int)strcspn(opt_token(p), "="), opt_token(p));
	switch (c) {
	case -1:
		return 0;
	case ':':
		name = opt_name(p, optopt);
		if (name)
			return fail(p->err, p->len, "--%s needs a value", name);
		return fail(p->err, p->len, "-%c needs a value", optopt);
	case '?':
		name = optopt ? opt_name(p, optopt) : NULL;
		if (name)
			return fail(p->err, p->len, "--%s takes no value", name);
		if (optopt)
			return fail(p->err, p->len, "unknown option -%c", optopt);
		return fail(p->err, p->len, "unknown option %s",
			    p->argv[optind - 1]);
	default:
		return c;
	}
}

static void opt_start(struct opt_parser *p, int argc, char *const argv[],
		      const char *shortopts, const struct option *longopts,
		      char *err, size_t len)
{
	p->argc = argc;
	p->argv = argv;
	p->shortopts = shortopts;
	p->longopts = longopts;
	p->err = err;
	p->len = len;
	optind = 0;	/* GNU: start over, argv[0] is the subcommand */
	opterr = 0;
}

int cimctl_parse_run(int argc, char *const argv[], struct run_opts *o,
		     char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_DEV_ENTRY,
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "builtin", required_argument, NULL, OPT_BUILTIN },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "random", required_argument, NULL, OPT_RANDOM },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "show", required_argument, NULL, OPT_SHOW },
		{ "exit-margin", required_argument, NULL, OPT_EXIT_MARGIN },
		OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c, have_random = 0;
	uint32_t m;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->show = 4;
	o->exit_margin = -1;
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		switch (c) {
		case 'h':
			return CIMCTL_ARGS_HELP;
		case OPT_ARG:	/* cimctl run model.cimx */
			if (o->model_file)
				return fail(err, len, "unexpected argument %s", val);
			o->model_file = val;
			break;
		case OPT_DEV:
			o->dev = val;
			break;
		case OPT_MODEL:
			o->model_file = val;
			break;
		case OPT_BUILTIN:
			o->builtin = val;
			break;
		case OPT_INPUT:
			o->input_file = val;
			break;
		case OPT_RANDOM:
			if (cimctl_parse_u64(val, &o->seed))
				return fail(err, len, "bad --random seed '%s'", val);
			have_random = 1;
			break;
		case OPT_BATCH:
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->batch))
				return fail(err, len, "bad --batch '%s' (1 or more)", val);
			break;
		case OPT_SHOW:
			if (cimctl_parse_u32(val, 0, UINT32_MAX, &o->show))
				return fail(err, len, "bad --show '%s'", val);
			break;
		case OPT_EXIT_MARGIN:
			if (!strcmp(val, "off"))
				m = CIMCTL_EXIT_MARGIN_OFF;
			else if (cimctl_parse_u32(val, 0, 255, &m))
				return fail(err, len,
					    "bad --exit-margin '%s' (0..255: the top-1 margin an item needs to stop at an exit; 'off': no early exit)",
					    val);
			o->exit_margin = (int32_t)m;
			break;
		}
	}
	if (c < 0)
		return c;
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
	static const struct option lo[] = {
		OPT_HELP_ENTRY,
		{ "builtin", required_argument, NULL, OPT_BUILTIN },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "cols", required_argument, NULL, OPT_COLS },
		{ "output", required_argument, NULL, 'o' },
		OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	opt_start(&p, argc, argv, "ho:", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		switch (c) {
		case 'h':
			return CIMCTL_ARGS_HELP;
		case OPT_ARG:
			return fail(err, len, "unexpected argument %s", val);
		case OPT_BUILTIN:
			o->builtin = val;
			break;
		case OPT_ROWS:
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->rows))
				return fail(err, len, "bad --rows '%s'", val);
			break;
		case OPT_COLS:
			if (cimctl_parse_u32(val, 2, UINT32_MAX, &o->cols))
				return fail(err, len, "bad --cols '%s' (2 or more)", val);
			break;
		case 'o':
			o->out = val;
			break;
		}
	}
	if (c < 0)
		return c;
	if (!o->builtin)
		o->builtin = "mlp2";
	if (!o->rows || !o->cols)
		return fail(err, len, "--rows and --cols are required");
	if (!o->out)
		return fail(err, len, "-o FILE is required");
	return CIMCTL_ARGS_OK;
}

/* The card: --dev DEV or a bare DEV; only one. */
static int take_dev(const char **dev, const char *val, char *err, size_t len)
{
	if (*dev)
		return fail(err, len, "more than one device given");
	*dev = val;
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_info(int argc, char *const argv[], struct info_opts *o,
		      char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_DEV_ENTRY, OPT_JSON_ENTRY, OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		if (c == 'h')
			return CIMCTL_ARGS_HELP;
		if (c == OPT_JSON)
			o->json = 1;
		else if (take_dev(&o->dev, val, err, len))
			return CIMCTL_ARGS_ERROR;
	}
	return c < 0 ? c : CIMCTL_ARGS_OK;
}

int cimctl_parse_monitor(int argc, char *const argv[], struct monitor_opts *o,
			 char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_DEV_ENTRY, OPT_JSON_ENTRY,
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "count", required_argument, NULL, OPT_COUNT },
		OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	o->interval_ms = 1000;
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		switch (c) {
		case 'h':
			return CIMCTL_ARGS_HELP;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_INTERVAL:
			if (cimctl_parse_u32(val, 10, 3600000, &o->interval_ms))
				return fail(err, len, "bad --interval '%s' (10..3600000 ms)", val);
			break;
		case OPT_COUNT:
			if (cimctl_parse_u32(val, 1, UINT32_MAX, &o->count))
				return fail(err, len, "bad --count '%s' (1 or more)", val);
			break;
		default:	/* --dev DEV or DEV */
			if (take_dev(&o->dev, val, err, len))
				return CIMCTL_ARGS_ERROR;
		}
	}
	return c < 0 ? c : CIMCTL_ARGS_OK;
}

int cimctl_parse_program(int argc, char *const argv[], struct program_opts *o,
			 char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_DEV_ENTRY, OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		if (c == 'h')
			return CIMCTL_ARGS_HELP;
		if (c == OPT_ARG && !o->file)
			o->file = val;
		else if (take_dev(&o->dev, val, err, len))
			return CIMCTL_ARGS_ERROR;
	}
	if (c < 0)
		return c;
	if (!o->file)
		return fail(err, len, "no model file given");
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_list(int argc, char *const argv[], struct list_opts *o,
		      char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_JSON_ENTRY, OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		if (c == 'h')
			return CIMCTL_ARGS_HELP;
		if (c == OPT_ARG)
			return fail(err, len, "unexpected argument %s", val);
		o->json = 1;
	}
	return c < 0 ? c : CIMCTL_ARGS_OK;
}

int cimctl_parse_bench(int argc, char *const argv[], struct bench_opts *o,
		       char *err, size_t len)
{
	static const struct option lo[] = {
		OPT_HELP_ENTRY, OPT_DEV_ENTRY, OPT_JSON_ENTRY,
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		OPT_END,
	};
	struct opt_parser p;
	const char *val;
	int c;

	memset(o, 0, sizeof(*o));
	o->batch = 1;
	o->seconds_ms = 2000;
	o->warmup = 1;
	opt_start(&p, argc, argv, "h", lo, err, len);
	while ((c = opt_next(&p, &val)) > 0) {
		switch (c) {
		case 'h':
			return CIMCTL_ARGS_HELP;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_DEV:
			if (take_dev(&o->dev, val, err, len))
				return CIMCTL_ARGS_ERROR;
			break;
		case OPT_ARG:
			if (o->file)
				return fail(err, len, "unexpected argument %s", val);
			o->file = val;
			break;
		case OPT_BATCH:
			if (cimctl_parse_u32(val, 1, 65535, &o->batch))
				return fail(err, len, "bad --batch '%s' (1..65535)", val);
			break;
		case OPT_SECONDS:
			if (cimctl_parse_ms(val, 1, 3600000, &o->seconds_ms))
				return fail(err, len, "bad --seconds '%s' (0.001..3600)", val);
			break;
		case OPT_WARMUP:
			if (cimctl_parse_u32(val, 0, 1000000, &o->warmup))
				return fail(err, len, "bad --warmup '%s'", val);
			break;
		}
	}
	if (c < 0)
		return c;
	if (!o->file)
		return fail(err, len, "no model file given");
	return CIMCTL_ARGS_OK;
}

int cimctl_parse_ms(const char *s, uint32_t min_ms, uint32_t max_ms,
		    uint32_t *out)
{
	double v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end) * 1000.0;
	if (errno || *end || v != v || v < min_ms || v > max_ms)
		return -1;
	*out = (uint32_t)(v + 0.5);
	return 0;
}
