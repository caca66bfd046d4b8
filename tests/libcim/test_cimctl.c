// SPDX-License-Identifier: MIT
/* cimctl's pure parts: argument parsing, device specs, built-in models. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"
#include "catalog_fmt.h"
#include "models.h"
#include "ref_private.h"
#include "uapi/cim_image.h"

#define ARGV(...)	((char *const[]){ __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(fn, o, ...)	fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, err, sizeof(err))

static char err[256];

static void numbers(void **state)
{
	uint32_t v = 0;
	uint64_t w = 0;

	(void)state;
	assert_int_equal(cimctl_parse_u32("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cimctl_parse_u32("0x10", 0, 100, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(cimctl_parse_u32("4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(cimctl_parse_u32("4294967296", 0, UINT32_MAX, &v), -1);
	assert_int_equal(cimctl_parse_u32("101", 0, 100, &v), -1);
	assert_int_equal(cimctl_parse_u32("0", 1, 100, &v), -1);
	assert_int_equal(cimctl_parse_u32("-1", 0, UINT32_MAX, &v), -1);
	assert_int_equal(cimctl_parse_u32("", 0, 100, &v), -1);
	assert_int_equal(cimctl_parse_u32("12x", 0, 100, &v), -1);
	assert_int_equal(cimctl_parse_u32(" 1", 0, 100, &v), -1);
	assert_int_equal(cimctl_parse_u64("18446744073709551615", &w), 0);
	assert_true(w == UINT64_MAX);
	assert_int_equal(cimctl_parse_u64("18446744073709551616", &w), -1);
	assert_int_equal(cimctl_parse_u64(NULL, &w), -1);
}

static void device_specs(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(cimctl_dev_path("0", buf, sizeof(buf)), "/dev/accel/accel0");
	assert_string_equal(cimctl_dev_path("12", buf, sizeof(buf)), "/dev/accel/accel12");
	assert_string_equal(cimctl_dev_path("accel3", buf, sizeof(buf)), "/dev/accel/accel3");
	assert_string_equal(cimctl_dev_path("/dev/accel/accel1", buf, sizeof(buf)),
			    "/dev/accel/accel1");
	assert_string_equal(cimctl_dev_path("3a", buf, sizeof(buf)), "3a");
	assert_string_equal(cimctl_dev_path("./accel0", buf, sizeof(buf)), "./accel0");
	assert_null(cimctl_dev_path(NULL, buf, sizeof(buf)));
}

static void run_defaults(void **state)
{
	struct run_opts o;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run"), CIMCTL_ARGS_OK);
	assert_null(o.dev);
	assert_null(o.model_file);
	assert_string_equal(o.builtin, "mlp2");
	assert_null(o.input_file);
	assert_true(o.seed == 1);
	assert_int_equal(o.batch, 1);
	assert_int_equal(o.show, 4);
	assert_int_equal(o.exit_margin, -1);
}

static void run_options(void **state)
{
	struct run_opts o;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--dev", "/dev/accel/accel2",
			       "--builtin=tiny", "--random", "77", "--batch=9",
			       "--show", "0"), CIMCTL_ARGS_OK);
	assert_string_equal(o.dev, "/dev/accel/accel2");
	assert_string_equal(o.builtin, "tiny");
	assert_true(o.seed == 77);
	assert_int_equal(o.batch, 9);
	assert_int_equal(o.show, 0);

	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--model", "m.cimi",
			       "--input", "in.bin"), CIMCTL_ARGS_OK);
	assert_string_equal(o.model_file, "m.cimi");
	assert_null(o.builtin);
	assert_string_equal(o.input_file, "in.bin");
	assert_int_equal(o.batch, 0);	/* from the file size */

	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "0"),
			 CIMCTL_ARGS_OK);
	assert_int_equal(o.exit_margin, 0);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin=255"),
			 CIMCTL_ARGS_OK);
	assert_int_equal(o.exit_margin, 255);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "off"),
			 CIMCTL_ARGS_OK);
	assert_int_equal(o.exit_margin, CIMCTL_EXIT_MARGIN_OFF);

	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--batch", "3", "--help"),
			 CIMCTL_ARGS_HELP);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "-h"), CIMCTL_ARGS_HELP);
}

static void run_errors(void **state)
{
	struct run_opts o;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--model", "a", "--builtin", "b"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "exclude"));
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--input", "a", "--random", "1"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--batch", "0"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "--batch"));
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--batch"), CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--random", "-3"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--frobnicate"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "--frobnicate"));
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--help=1"), CIMCTL_ARGS_ERROR);
	/* One positional argument is the model; a second is an error. */
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "m.cimx"), CIMCTL_ARGS_OK);
	assert_string_equal(o.model_file, "m.cimx");
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "m.cimx", "extra"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "m.cimx", "--builtin", "x"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "-x"), CIMCTL_ARGS_ERROR);
	/* --exit-margin: 0..255 or off */
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "256"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "bad --exit-margin '256' (0..255"));
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "-1"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "5x"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin", "OFF"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin="),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--exit-margin"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "needs a value"));
	/* A prefix is not the option. */
	assert_int_equal(PARSE(cimctl_parse_run, &o, "run", "--bat", "3"), CIMCTL_ARGS_ERROR);
}

static void build_options(void **state)
{
	struct build_opts o;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--builtin", "mlp2",
			       "--rows", "256", "--cols=256", "-o", "x.cimi"),
			 CIMCTL_ARGS_OK);
	assert_string_equal(o.builtin, "mlp2");
	assert_int_equal(o.rows, 256);
	assert_int_equal(o.cols, 256);
	assert_string_equal(o.out, "x.cimi");
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--rows", "8",
			       "--cols", "8", "--output=y"), CIMCTL_ARGS_OK);
	assert_string_equal(o.builtin, "mlp2");
	assert_string_equal(o.out, "y");
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--rows", "8",
			       "--cols", "8"), CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--rows", "8",
			       "-o", "y"), CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--rows", "8",
			       "--cols", "1", "-o", "y"), CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_build, &o, "build-image", "--help"),
			 CIMCTL_ARGS_HELP);
}

static void info_and_list(void **state)
{
	struct info_opts o;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_info, &o, "info"), CIMCTL_ARGS_OK);
	assert_null(o.dev);
	assert_int_equal(PARSE(cimctl_parse_info, &o, "info", "1"), CIMCTL_ARGS_OK);
	assert_string_equal(o.dev, "1");
	assert_int_equal(PARSE(cimctl_parse_info, &o, "info", "--dev=accel2"), CIMCTL_ARGS_OK);
	assert_string_equal(o.dev, "accel2");
	assert_int_equal(PARSE(cimctl_parse_info, &o, "info", "1", "2"), CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_info, &o, "info", "--help"), CIMCTL_ARGS_HELP);
	assert_int_equal(cimctl_parse_list(1, ARGV("list"), err, sizeof(err)),
			 CIMCTL_ARGS_OK);
	assert_int_equal(cimctl_parse_list(2, ARGV("list", "--help"), err, sizeof(err)),
			 CIMCTL_ARGS_HELP);
	assert_int_equal(cimctl_parse_list(2, ARGV("list", "x"), err, sizeof(err)),
			 CIMCTL_ARGS_ERROR);
}

static void monitor_and_program(void **state)
{
	struct monitor_opts m;
	struct program_opts p;

	(void)state;
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor"), CIMCTL_ARGS_OK);
	assert_null(m.dev);
	assert_int_equal(m.interval_ms, 1000);
	assert_int_equal(m.count, 0);
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor", "--interval", "200",
			       "--count=2", "accel1"), CIMCTL_ARGS_OK);
	assert_int_equal(m.interval_ms, 200);
	assert_int_equal(m.count, 2);
	assert_string_equal(m.dev, "accel1");
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor", "--interval", "x"),
			 CIMCTL_ARGS_ERROR);
	assert_non_null(strstr(err, "--interval"));
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor", "--interval=5"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor", "--count", "0"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_monitor, &m, "monitor", "0", "1"),
			 CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_program, &p, "program", "m.cimx"), CIMCTL_ARGS_OK);
	assert_string_equal(p.file, "m.cimx");
	assert_null(p.dev);
	assert_int_equal(PARSE(cimctl_parse_program, &p, "program", "m.cimx", "2"),
			 CIMCTL_ARGS_OK);
	assert_string_equal(p.dev, "2");
	assert_int_equal(PARSE(cimctl_parse_program, &p, "program"), CIMCTL_ARGS_ERROR);
	assert_int_equal(PARSE(cimctl_parse_program, &p, "program", "a", "b", "c"),
			 CIMCTL_ARGS_ERROR);
}

static void builtin_mlp2_tiles(void **state)
{
	struct cimctl_model m;
	struct cim_geometry small = { 256, 256, 4 }, big = { 1024, 1024, 4 };
	void *a, *b;
	size_t sa, sb;

	(void)state;
	assert_int_equal(cimctl_model_builtin("mlp2", &m), 0);
	assert_int_equal(m.desc.n_layers, 2);
	assert_int_equal(m.layer[0].in_len, 300);
	assert_int_equal(m.layer[1].out_len, 10);
	/* ReLU on both layers. */
	assert_int_equal(m.layer[0].act_min, m.layer[0].out_zp);
	assert_int_equal(m.layer[1].act_min, m.layer[1].out_zp);
	assert_int_equal(cim_image_build(&m.desc, &small, &a, &sa), 0);
	/*
	 * Several tiles on the small preset: layer 0 in 2 x 2 blocks, two
	 * full and two of 44 rows sharing an array; layer 1 (200 rows) on a
	 * fourth.  One 1024 x 1024 array holds both layers.
	 */
	assert_int_equal(((struct cim_image_header *)a)->n_vtiles, 4);
	assert_int_equal(cim_image_build(&m.desc, &big, &b, &sb), 0);
	assert_int_equal(((struct cim_image_header *)b)->n_vtiles, 1);
	free(b);
	cimctl_model_free(&m);
	/* The same weights every time. */
	assert_int_equal(cimctl_model_builtin("mlp2", &m), 0);
	assert_int_equal(cim_image_build(&m.desc, &small, &b, &sb), 0);
	assert_int_equal(sa, sb);
	assert_memory_equal(a, b, sa);
	free(a);
	free(b);
	cimctl_model_free(&m);
	assert_int_equal(cimctl_model_builtin("nope", &m), -ENOENT);
	assert_int_equal(cimctl_model_builtin(NULL, &m), -ENOENT);
}

/* Outputs spread over int8 rather than all saturating or all zero. */
static void builtin_outputs_spread(void **state)
{
	const char *const *name;

	(void)state;
	for (name = cimctl_model_names; *name; name++) {
		struct cimctl_model m;
		int8_t *in, *out;
		int seen[256] = { 0 }, distinct = 0, at_floor = 0, i;
		uint32_t in_len, out_len;

		assert_int_equal(cimctl_model_builtin(*name, &m), 0);
		in_len = m.layer[0].in_len;
		out_len = m.layer[m.desc.n_layers - 1].out_len;
		in = malloc(64 * in_len);
		out = malloc(64 * out_len);
		cimctl_random_input(5, in, 64 * in_len);
		assert_int_equal(cim_ref_run_model(&m.desc, in, out, 64), 0);
		for (i = 0; i < (int)(64 * out_len); i++) {
			distinct += !seen[(uint8_t)out[i]]++;
			at_floor += out[i] == m.layer[1].act_min;
		}
		assert_true(distinct >= 40);
		assert_true(at_floor < (int)(64 * out_len) * 3 / 4);
		free(in);
		free(out);
		cimctl_model_free(&m);
	}
}

static void random_inputs(void **state)
{
	int8_t a[100], b[100], c[100];

	(void)state;
	cimctl_random_input(1, a, sizeof(a));
	cimctl_random_input(1, b, sizeof(b));
	cimctl_random_input(2, c, sizeof(c));
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
}

static void catalog_formatting(void **state)
{
	static const uint8_t d[3] = { 0x0a, 0xbc, 0xff };
	struct cim_tile_wear w[4] = { { 10, 0 }, { 12, -1 }, { 11, 3 }, { 7, -1 } };
	struct cimctl_wear s;
	char buf[32];

	(void)state;
	cimctl_hex(d, 3, buf);
	assert_string_equal(buf, "0abcff");
	assert_string_equal(cimctl_resident_state(CIM_RESIDENT_READY), "ready");
	assert_string_equal(cimctl_resident_state(CIM_RESIDENT_FAILED), "failed");
	assert_string_equal(cimctl_resident_state(99), "?");
	cimctl_age(5000000000ull, 2500000000ull, buf, sizeof(buf));
	assert_string_equal(buf, "2.5 s ago");
	cimctl_age(600000000000ull, 1, buf, sizeof(buf));
	assert_string_equal(buf, "9 min ago");
	cimctl_age(8000000000000ull, 1, buf, sizeof(buf));
	assert_string_equal(buf, "2 h ago");
	cimctl_age(5, 0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	cimctl_age(5, 6, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	cimctl_wear_stats(w, 4, &s);
	assert_int_equal(s.min, 7);
	assert_int_equal(s.max, 12);
	assert_int_equal(s.sum, 40);
	assert_true(s.mean == 10.0);
	assert_true(s.max_over_mean == 1.2);
	cimctl_wear_stats(w, 0, &s);
	assert_int_equal(s.min | s.max, 0);
	assert_true(s.max_over_mean == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(device_specs),
		cmocka_unit_test(run_defaults),
		cmocka_unit_test(run_options),
		cmocka_unit_test(run_errors),
		cmocka_unit_test(build_options),
		cmocka_unit_test(info_and_list),
		cmocka_unit_test(monitor_and_program),
		cmocka_unit_test(catalog_formatting),
		cmocka_unit_test(builtin_mlp2_tiles),
		cmocka_unit_test(builtin_outputs_spread),
		cmocka_unit_test(random_inputs),
	};

	return cmocka_run_group_tests_name("cimctl", tests, NULL, NULL);
}
