// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Digits accuracy bench: the compiled digits CNN (.cimx from cim-compile
 * for the M1076 geometry) programmed into the host card model (the
 * firmware core behind the host-test HAL, M1076-class preset), run over
 * the 540 held-out samples of tests/models/digits_test.bin, top-1
 * against the labels.  Ideal card (analog = 0) and the analog model
 * (cim_fw_analog_defaults(), seed 1) against ADC bits, the time since
 * programming (modeled clock) and calibration:
 *
 *   uncal  never calibrated;
 *   cal    CALIBRATE right after PROGRAM (the default flow), then aged;
 *   recal  CALIBRATE after PROGRAM and again at the time of use.
 *
 * The ideal card must be bit-exact to libcim's CPU reference on every
 * output byte (so its accuracy is the reference's): the bench exits
 * nonzero otherwise.  Prints "bench: <name> <value> <unit>" lines
 * (docs/analog-model.md); run by make -C firmware bench-digits.
 *
 * Usage: bench-digits INT4.cimx INT8.cimx|- TEST.bin ACCURACY.txt [HWA4.cimx]
 * HWA4.cimx: the hardware-aware retrained CNN (tests/models/
 * gen_digits_hwa.py) compiled with --weights int4: lines digits_cnn_hwa_int4_*,
 * gaps against the float model of ACCURACY.txt (the one users start from).
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "cim_fw.h"
#include "cim_fw_hal.h"
#include "fw_analog.h"
#include "thost.h"
#include "m1076.h"

#include "cim.h"
#include "cim_compiler.h"

#define PLAN_BYTES	(256 * 1024)
#define SEED		1
#define N_SEEDS		8	/* seeds 1..8 for the spread of the default */

static const uint32_t adc_bits[] = { 6, 7, 8 };
/* 1: the analog card without range calibration (adc_cal_sigma_q4 = 0) */
static int range_off;
static const struct {
	const char *name;
	uint64_t s;
} ages[] = {
	{ "0", 0 },
	{ "1d", 86400 },
	{ "1mo", 30 * 86400ull },
	{ "1y", 365 * 86400ull },
};
enum { UNCAL, CAL, RECAL, N_MODES };
static const char *const modes[N_MODES] = { "uncal", "cal", "recal" };

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench-digits: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

struct net {
	const char *name;		/* "int4", "int8" */
	struct cim_model *m;
	const void *img;
	size_t size;
	uint32_t n_vtiles, in_size, out_size;
	int8_t *ref;			/* CPU reference outputs */
	double ref_acc;
};

struct data {
	uint32_t n;
	int32_t *labels;
	int8_t *q4, *q8, *qh;		/* quantized inputs per model */
};

/* Class with the largest int8 output; the first on ties. */
static uint32_t argmax(const int8_t *y, uint32_t n)
{
	uint32_t i, b = 0;

	for (i = 1; i < n; i++)
		if (y[i] > y[b])
			b = i;
	return b;
}

static double accuracy(const struct net *nt, const struct data *d,
		       const int8_t *out)
{
	uint32_t i, ok = 0;

	for (i = 0; i < d->n; i++)
		ok += argmax(out + (size_t)i * nt->out_size, nt->out_size) ==
		      (uint32_t)d->labels[i];
	return 100.0 * ok / d->n;
}

/* rms of the outputs against the CPU reference (the ideal card), LSB */
static double rms_err(const struct net *nt, const struct data *d,
		      const int8_t *out)
{
	size_t i, n = (size_t)d->n * nt->out_size;
	double e, s = 0;

	for (i = 0; i < n; i++) {
		e = (double)out[i] - nt->ref[i];
		s += e * e;
	}
	return n ? sqrt(s / n) : 0;
}

static void load_net(struct net *nt, const char *name, const char *path,
		     const struct cim_dataset *ds, int8_t **q)
{
	const struct cim_image_header *h;
	struct cim_tensor_info ti, to;
	int ret;

	memset(nt, 0, sizeof(*nt));
	nt->name = name;
	ret = cim_model_load_file(path, &nt->m);
	if (ret)
		die("%s: cannot load (%d)", path, ret);
	nt->img = cim_model_image(nt->m, &nt->size);
	h = nt->img;
	nt->n_vtiles = h->n_vtiles;
	nt->in_size = cim_image_input_size(nt->img, nt->size);
	nt->out_size = cim_image_output_size(nt->img, nt->size);
	cim_model_input(nt->m, &ti);
	cim_model_output(nt->m, &to);
	if ((uint64_t)ti.c * ti.h * ti.w != nt->in_size ||
	    ti.c * ti.h * ti.w != ds->len)
		die("%s: input is %ux%ux%u, samples have %u values", path,
		    ti.c, ti.h, ti.w, ds->len);
	/* argmax over the int8 bytes needs the classes contiguous */
	if (to.h * to.w != 1 || to.c != nt->out_size)
		die("%s: output is not a class vector", path);
	*q = malloc((size_t)ds->n * nt->in_size);
	nt->ref = malloc((size_t)ds->n * nt->out_size);
	if (!*q || !nt->ref)
		die("out of memory");
	cim_model_quantize(nt->m, ds->data, *q, ds->n);
	if (cim_ref_run_image(nt->img, nt->size, *q, nt->ref, ds->n))
		die("%s: CPU reference failed", path);
}

struct run_stats {
	uint64_t program_pulses, adc_clips, adc_reranges;
	uint32_t spare_used;
	double rms;		/* of the int8 outputs against the reference */
};

static struct cim_cpl exec_ok(struct thost *t, const struct cim_desc *d,
			      const char *what)
{
	struct cim_cpl c = thost_exec(t, d);

	if (c.status != CIM_ST_OK)
		die("%s: status %u", what, c.status);
	return c;
}

/*
 * A fresh card of params p: PROGRAM the net on tiles 0..n_vtiles-1 at
 * clock 0, calibrate per mode, age, run all items into out.
 */
static void run_card(const struct cim_card_params *p, const struct net *nt,
		     const int8_t *in, uint32_t n, int mode, uint64_t age_s,
		     int8_t *out, struct run_stats *st)
{
	struct thost *t = thost_new_card(p, PLAN_BYTES, 8, 8);
	size_t in_len = (size_t)n * nt->in_size;
	size_t out_len = (size_t)n * nt->out_size;
	uint16_t *map;
	void *img;
	int8_t *src, *dst;
	struct cim_desc d;
	uint32_t i;

	thost_start(t);
	map = thost_alloc(t, nt->n_vtiles * sizeof(*map), 1);
	for (i = 0; i < nt->n_vtiles; i++)
		map[i] = (uint16_t)i;
	img = thost_alloc(t, nt->size, 1);
	memcpy(img, nt->img, nt->size);

	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_PROGRAM;
	d.tag = 1;
	d.map_addr = (uintptr_t)map;
	d.map_count = nt->n_vtiles;
	thost_ref(t, &d.src, img, nt->size);
	exec_ok(t, &d, "PROGRAM");

	/* CALIBRATE the image's tiles, as a host does after PROGRAM */
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_CALIBRATE;
	d.tag = 2;
	d.map_addr = (uintptr_t)map;
	d.map_count = nt->n_vtiles;
	if (mode != UNCAL)
		exec_ok(t, &d, "CALIBRATE");
	/* refresh stays OFF (power-on policy): the drift is left alone */
	cim_hal_clock_advance(t->hal, age_s * 1000000000ull);
	if (mode == RECAL)
		exec_ok(t, &d, "CALIBRATE");

	src = thost_alloc(t, in_len, 1);
	dst = thost_alloc(t, out_len, 1);
	memcpy(src, in, in_len);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.tag = 3;
	d.batch = n;
	thost_ref(t, &d.src, src, in_len);
	thost_ref(t, &d.dst, dst, out_len);
	exec_ok(t, &d, "RUN");
	memcpy(out, dst, out_len);

	memset(st, 0, sizeof(*st));
	if (p->analog) {
		for (i = 0; i < nt->n_vtiles; i++) {
			struct fw_an_tile *at = fw_an_tile(t->fw, i);

			st->program_pulses += at->st.program_pulses;
			st->adc_clips += at->st.adc_clips;
			st->adc_reranges += at->st.adc_reranges;
			st->spare_used += at->st.spare_used;
		}
	}
	thost_free(t);
}

static double analog_acc_seed(const struct net *nt, const struct data *d,
			      const int8_t *in, uint32_t bits, int mode,
			      uint64_t age_s, uint32_t seed,
			      struct run_stats *st)
{
	struct cim_card_params p;
	int8_t *out = malloc((size_t)d->n * nt->out_size);
	double acc;

	if (!out)
		die("out of memory");
	m1076_params(&p, 76);
	p.seed = seed;
	cim_fw_analog_defaults(&p);
	p.analog = 1;
	p.adc_bits = bits;
	if (range_off)
		p.adc_cal_sigma_q4 = 0;
	run_card(&p, nt, in, d->n, mode, age_s, out, st);
	acc = accuracy(nt, d, out);
	st->rms = rms_err(nt, d, out);
	free(out);
	return acc;
}

static double analog_acc(const struct net *nt, const struct data *d,
			 const int8_t *in, uint32_t bits, int mode,
			 uint64_t age_s, struct run_stats *st)
{
	return analog_acc_seed(nt, d, in, bits, mode, age_s, SEED, st);
}

/* Ideal card: bit-exact to the CPU reference, or exit 1. */
static double ideal_acc(const struct net *nt, const struct data *d,
			const int8_t *in)
{
	struct cim_card_params p;
	int8_t *out = malloc((size_t)d->n * nt->out_size);
	struct run_stats st;
	size_t i, diff = 0;
	double acc;

	if (!out)
		die("out of memory");
	m1076_params(&p, 76);
	run_card(&p, nt, in, d->n, CAL, 0, out, &st);
	for (i = 0; i < (size_t)d->n * nt->out_size; i++)
		diff += out[i] != nt->ref[i];
	acc = accuracy(nt, d, out);
	if (diff || acc != nt->ref_acc)
		die("%s: ideal card differs from the CPU reference: %zu output "
		    "bytes, accuracy %.2f %% vs %.2f %%", nt->name, diff, acc,
		    nt->ref_acc);
	free(out);
	return acc;
}

static double float_acc(const char *path)
{
	char line[256], name[64];
	double v;
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: cannot open", path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lf", name, &v) == 2 &&
		    !strcmp(name, "digits_cnn_float_acc")) {
			fclose(f);
			return v;
		}
	}
	die("%s: no digits_cnn_float_acc", path);
	return 0;
}

static void table(const struct net *nt, const struct data *d,
		  const int8_t *in, const uint32_t *bits, unsigned int nbits)
{
	struct run_stats st;
	unsigned int b, a;
	int m;

	for (b = 0; b < nbits; b++)
		for (a = 0; a < sizeof(ages) / sizeof(ages[0]); a++)
			for (m = 0; m < N_MODES; m++)
				printf("bench: digits_cnn_%s_analog_acc_adc%u_age%s_%s %.2f %%\n",
				       nt->name, bits[b], ages[a].name,
				       modes[m],
				       analog_acc(nt, d, in, bits[b], m,
						  ages[a].s, &st));
}

/*
 * The default card with seeds 1..N_SEEDS: the figure a user can expect,
 * and how much of one run is the draw.
 */
static double seeds(const struct net *nt, const struct data *d,
		    const int8_t *in, const char *name, double facc)
{
	struct run_stats st;
	double acc = 0, rms = 0, lo = 0, hi = 0, a;
	uint32_t i;

	/* the same without range calibration: what it brings */
	range_off = 1;
	for (i = 1; i <= N_SEEDS; i++) {
		acc += analog_acc_seed(nt, d, in, 8, CAL, 0, i, &st);
		rms += st.rms * st.rms;
	}
	range_off = 0;
	printf("bench: digits_cnn_%s_analog_norange_acc_seeds_mean %.2f %%\n",
	       name, acc / N_SEEDS);
	printf("bench: digits_cnn_%s_analog_norange_rms_seeds %.3f LSB\n", name,
	       sqrt(rms / N_SEEDS));
	acc = 0;
	rms = 0;

	for (i = 1; i <= N_SEEDS; i++) {
		a = analog_acc_seed(nt, d, in, 8, CAL, 0, i, &st);
		acc += a;
		rms += st.rms * st.rms;
		lo = i == 1 || a < lo ? a : lo;
		hi = i == 1 || a > hi ? a : hi;
	}
	acc /= N_SEEDS;
	printf("bench: digits_cnn_%s_analog_acc_seeds_mean %.2f %%\n", name,
	       acc);
	printf("bench: digits_cnn_%s_analog_acc_seeds_min %.2f %%\n", name, lo);
	printf("bench: digits_cnn_%s_analog_acc_seeds_max %.2f %%\n", name, hi);
	printf("bench: digits_cnn_%s_analog_gap_mean %.2f points\n", name,
	       facc - acc);
	printf("bench: digits_cnn_%s_analog_rms_seeds %.3f LSB\n", name,
	       sqrt(rms / N_SEEDS));
	return acc;
}

int main(int argc, char **argv)
{
	static const uint32_t bits8[] = { 8 };
	struct cim_dataset *ds;
	struct net n4, n8;
	struct data d;
	struct run_stats st;
	char err[256];
	double facc, acc, iacc;
	int have8;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5 && argc != 6)
		die("usage: %s INT4.cimx INT8.cimx|- TEST.bin ACCURACY.txt [HWA4.cimx]",
		    argv[0]);
	if (cim_dataset_load(argv[3], &ds, err, sizeof(err)))
		die("%s: %s", argv[3], err);
	if (!ds->labels)
		die("%s: no labels", argv[3]);
	memset(&d, 0, sizeof(d));
	d.n = ds->n;
	d.labels = ds->labels;
	facc = float_acc(argv[4]);

	load_net(&n4, "int4", argv[1], ds, &d.q4);
	n4.ref_acc = accuracy(&n4, &d, n4.ref);
	have8 = strcmp(argv[2], "-") != 0;
	if (have8) {
		load_net(&n8, "int8", argv[2], ds, &d.q8);
		n8.ref_acc = accuracy(&n8, &d, n8.ref);
	}

	printf("bench: digits_cnn_float_acc %.2f %%\n", facc);
	printf("bench: digits_cnn_int4_ref_acc %.2f %%\n", n4.ref_acc);
	iacc = ideal_acc(&n4, &d, d.q4);
	printf("bench: digits_cnn_int4_ideal_acc %.2f %%\n", iacc);

	/* The default: 8-bit ADC, age 0, calibrated after programming. */
	acc = analog_acc(&n4, &d, d.q4, 8, CAL, 0, &st);
	printf("bench: digits_cnn_int4_analog_acc %.2f %%\n", acc);
	printf("bench: digits_cnn_int4_analog_gap %.2f points\n", facc - acc);
	printf("bench: digits_cnn_int4_analog_adc_clips %llu conversions\n",
	       (unsigned long long)st.adc_clips);
	printf("bench: digits_cnn_int4_analog_adc_reranges %llu conversions\n",
	       (unsigned long long)st.adc_reranges);
	printf("bench: digits_cnn_int4_ideal_gap %.2f points\n", facc - iacc);
	seeds(&n4, &d, d.q4, "int4", facc);
	if (argc == 6) {
		struct net nh;

		load_net(&nh, "hwa_int4", argv[5], ds, &d.qh);
		nh.ref_acc = accuracy(&nh, &d, nh.ref);
		printf("bench: digits_cnn_hwa_int4_ref_acc %.2f %%\n", nh.ref_acc);
		acc = ideal_acc(&nh, &d, d.qh);
		printf("bench: digits_cnn_hwa_int4_ideal_acc %.2f %%\n", acc);
		printf("bench: digits_cnn_hwa_int4_ideal_gap %.2f points\n",
		       facc - acc);
		/* and against the retrained model's own (grid, no noise) */
		printf("bench: digits_cnn_hwa_int4_analog_loss_mean %.2f points\n",
		       acc - seeds(&nh, &d, d.qh, "hwa_int4", facc));
		cim_model_free(nh.m);
		free(nh.ref);
		free(d.qh);
	}
	if (getenv("BENCH_DIGITS_QUICK"))
		goto out4;
	table(&n4, &d, d.q4, adc_bits, sizeof(adc_bits) / sizeof(adc_bits[0]));

	if (have8) {
		printf("bench: digits_cnn_int8_ref_acc %.2f %%\n", n8.ref_acc);
		printf("bench: digits_cnn_int8_ideal_acc %.2f %%\n",
		       ideal_acc(&n8, &d, d.q8));
		acc = analog_acc(&n8, &d, d.q8, 8, CAL, 0, &st);
		printf("bench: digits_cnn_int8_analog_acc %.2f %%\n", acc);
		printf("bench: digits_cnn_int8_analog_gap %.2f points\n",
		       facc - acc);
		seeds(&n8, &d, d.q8, "int8", facc);
		table(&n8, &d, d.q8, bits8, 1);
		cim_model_free(n8.m);
		free(n8.ref);
		free(d.q8);
	}
out4:
	cim_model_free(n4.m);
	free(n4.ref);
	free(d.q4);
	cim_dataset_free(ds);
	return 0;
}
