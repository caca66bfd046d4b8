/* SPDX-License-Identifier: MIT */
/*
 * cimctl command-line parsing (getopt_long).  No device, no I/O; unit
 * tested in tests/libcim/test_cimctl.c.
 */
#ifndef CIMCTL_ARGS_H
#define CIMCTL_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Parse results. */
#define CIMCTL_ARGS_OK		0
#define CIMCTL_ARGS_HELP	1	/* --help given: print usage, exit 0 */
#define CIMCTL_ARGS_ERROR	(-1)	/* message in err: exit 2 */

struct run_opts {
	const char *dev;	/* device spec, NULL: first card */
	const char *model_file;	/* .cimi image, or NULL */
	const char *builtin;	/* built-in model when no model_file */
	const char *input_file;	/* raw int8 inputs, or NULL */
	uint64_t seed;		/* random inputs when no input_file */
	uint32_t batch;		/* 0: not given */
	uint32_t show;		/* batch items to print */
	/* --exit-margin: -1 not given, 0..255, or CIMCTL_EXIT_MARGIN_OFF */
	int32_t exit_margin;
};

/* --exit-margin off: no item exits early (libcim's CIM_EXIT_MARGIN_OFF). */
#define CIMCTL_EXIT_MARGIN_OFF	256

struct build_opts {
	const char *builtin;
	uint32_t rows, cols;
	const char *out;
};

struct info_opts {
	const char *dev;	/* NULL: first card */
	int json;		/* --json */
};

struct list_opts {
	int json;		/* --json */
};

struct bench_opts {
	const char *file;	/* the .cimx */
	const char *dev;	/* NULL: first card */
	uint32_t batch;		/* items per job, default 1 */
	uint32_t seconds_ms;	/* how long to measure, default 2000 */
	uint32_t warmup;	/* jobs run before measuring, default 1 */
	int json;		/* --json */
};

struct monitor_opts {
	const char *dev;	/* NULL: first card */
	uint32_t interval_ms;	/* default 1000 */
	uint32_t count;		/* samples; 0: until interrupted */
	int json;		/* --json: one JSON object per sample */
};

struct program_opts {
	const char *file;	/* the .cimx */
	const char *dev;	/* NULL: first card */
};

/* argv[0] is the subcommand; options follow. */
int cimctl_parse_run(int argc, char *const argv[], struct run_opts *o,
		     char *err, size_t len);
int cimctl_parse_build(int argc, char *const argv[], struct build_opts *o,
		       char *err, size_t len);
int cimctl_parse_info(int argc, char *const argv[], struct info_opts *o,
		      char *err, size_t len);
int cimctl_parse_monitor(int argc, char *const argv[], struct monitor_opts *o,
			 char *err, size_t len);
int cimctl_parse_program(int argc, char *const argv[], struct program_opts *o,
			 char *err, size_t len);
int cimctl_parse_list(int argc, char *const argv[], struct list_opts *o,
		      char *err, size_t len);
int cimctl_parse_bench(int argc, char *const argv[], struct bench_opts *o,
		       char *err, size_t len);

/* Decimal (or 0x hex) in [min, max]: 0 or -1. */
int cimctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int cimctl_parse_u64(const char *s, uint64_t *out);
/* Seconds (decimal fraction allowed) as milliseconds in [min, max]. */
int cimctl_parse_ms(const char *s, uint32_t min_ms, uint32_t max_ms,
		    uint32_t *out);

/*
 * Device node for a spec: "3" -> /dev/accel/accel3, "accel3" ->
 * /dev/accel/accel3, a path stays as is, NULL stays NULL.
 */
const char *cimctl_dev_path(const char *spec, char *buf, size_t len);

#endif /* CIMCTL_ARGS_H */
