/* SPDX-License-Identifier: MIT */
/* cimctl subcommands: each returns the process exit status. */
#ifndef CIMCTL_CMDS_H
#define CIMCTL_CMDS_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses. */
#define CIMCTL_EXIT_OK		0
#define CIMCTL_EXIT_FAIL	1	/* device error or output mismatch */
#define CIMCTL_EXIT_USAGE	2

int cmd_list(int argc, char *argv[]);
int cmd_info(int argc, char *argv[]);
int cmd_run(int argc, char *argv[]);
int cmd_build_image(int argc, char *argv[]);
int cmd_images(int argc, char *argv[]);
int cmd_tiles(int argc, char *argv[]);
int cmd_monitor(int argc, char *argv[]);
int cmd_reset(int argc, char *argv[]);
int cmd_program(int argc, char *argv[]);
int cmd_bench(int argc, char *argv[]);
int cmd_calibrate(int argc, char *argv[]);

/*
 * After cimctl_parse_*() returned r: -1 to go on, or the exit status
 * once the usage (--help) or err and the usage (a bad command line) are
 * printed.
 */
int cimctl_args_done(int r, const char *name, const char *err,
		     const char *usage);

/*
 * Parse [--json] [DEV] (as cimctl info) and open the card: -1, or an exit
 * status.  *json (if json is not NULL) receives --json.
 */
struct cim_dev;
int cimctl_open_dev(int argc, char *argv[], const char *usage,
		    const char *name, struct cim_dev **dev, int *json);
/* Open the card of a DEV spec (NULL: the first): -1, or an exit status. */
int cimctl_open_spec(const char *spec, struct cim_dev **dev);
/* Load a .cimx and open the card: -1 (both to free), or an exit status. */
struct cim_model;
int cimctl_open_model(const char *file, const char *spec, struct cim_model **m,
		      struct cim_dev **dev);

/* Whole file into a malloc'ed buffer: 0 or negative errno. */
int cimctl_read_file(const char *path, void **buf, size_t *size);
int cimctl_write_file(const char *path, const void *buf, size_t size);

/* "cimctl: <what>: <strerror>[: <detail>]" on stderr. */
void cimctl_err(const char *what, int err, const char *detail);

#endif /* CIMCTL_CMDS_H */
