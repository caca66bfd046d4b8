// SPDX-License-Identifier: MIT
/*
 * Digits accuracy bench on the product path: the compiled digits CNN
 * (.cimx from cim-compile for the M1076 geometry) loaded through libcim
 * into the userspace card (cim_open("sim:m1076,...")), the card firmware
 * as it ships with the emulator's analog model, run over the 540
 * held-out samples of tests/models/digits_test.bin, top-1 against the
 * labels.  Every card is a fresh one (opened, programmed, calibrated by
 * the backend as the driver does after PROGRAM, run, closed).
 *
 * The ideal card must be bit-exact to libcim's CPU reference on every
 * output byte (so its accuracy is the reference's): the bench exits
 * nonzero otherwise.  Prints "bench: <name> <value> <unit>" lines
 * (docs/analog-model.md, "Accuracy of a real network").
 *
 * Usage: bench_digits INT4.cimx INT8.cimx|- TEST.bin ACCURACY.txt [HWA4.cimx]
 * HWA4.cimx: the hardware-aware retrained CNN (tests/models/
 * gen_digits_hwa.py) compiled with --weights int4: lines
 * digits_cnn_hwa_int4_*, gaps against the float model of ACCURACY.txt
 * (the one users start from).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "cim.h"
#include "cim_compiler.h"

#define N_SEEDS		8	/* seeds 1..8: the spread of the default */

static const uint32_t adc_bits[] = { 6, 7, 8 };

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
	const char *name;		/* "int4", "int8", "hwa_int4" */
	struct cim_model *m;
	const void *img;
	size_t size;
	uint32_t in_size, out_size;
	int8_t *q;			/* quantized inputs */
	int8_t *ref;			/* CPU reference outputs */
	double ref_acc;
};

struct data {
	uint32_t n;
	const int32_t *labels;
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
		     const struct cim_dataset *ds)
{
	struct cim_tensor_info ti, to;
	int ret;

	memset(nt, 0, sizeof(*nt));
	nt->name = name;
	ret = cim_model_load_file(path, &nt->m);
	if (ret)
		die("%s: cannot load (%d): %s", path, ret, cim_last_error(NULL));
	nt->img = cim_model_image(nt->m, &nt->size);
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
	nt->q = malloc((size_t)ds->n * nt->in_size);
	nt->ref = malloc((size_t)ds->n * nt->out_size);
	if (!nt->q || !nt->ref)
		die("out of memory");
	cim_model_quantize(nt->m, ds->data, nt->q, ds->n);
	if (cim_ref_run_image(nt->img, nt->size, nt->q, nt->ref, ds->n))
		die("%s: CPU reference failed", path);
}

static void free_net(struct net *nt)
{
	cim_model_free(nt->m);
	free(nt->q);
	free(nt->ref);
}

/*
 * A fresh userspace card of the given spec: program the net (the backend
 * calibrates an analog card's tiles right after, as cim.ko does), run
 * all items into out.
 */
static void run_card(const char *spec, const struct net *nt,
		     const struct data *d, int8_t *out)
{
	struct cim_dev *dev;
	struct cim_image *img;
	int ret;

	ret = cim_open(spec, &dev);
	if (ret)
		die("%s: %s", spec, cim_last_error(NULL));
	ret = cim_model_program(dev, nt->m, &img);
	if (ret)
		die("%s: %s: program: %s", spec, nt->name, cim_last_error(dev));
	ret = cim_infer(dev, img, nt->q, out, d->n, NULL);
	if (ret)
		die("%s: %s: run: %s", spec, nt->name, cim_last_error(dev));
	cim_image_free(img);
	cim_close(dev);
}

/* The analog M1076-class card, seed and ADC bits; range calibration on/off. */
static double analog_acc(const struct net *nt, const struct data *d,
			 uint32_t bits, uint32_t seed, int range_off,
			 double *rms)
{
	int8_t *out = malloc((size_t)d->n * nt->out_size);
	char spec[128];
	double acc;

	if (!out)
		die("out of memory");
	snprintf(spec, sizeof(spec), "sim:m1076,analog=1,seed=%u,adc_bits=%u%s",
		 seed, bits, range_off ? ",adc_cal_sigma_q4=0" : "");
	run_card(spec, nt, d, out);
	acc = accuracy(nt, d, out);
	if (rms)
		*rms = rms_err(nt, d, out);
	free(out);
	return acc;
}

/* Ideal card: bit-exact to the CPU reference, or exit 1. */
static double ideal_acc(const struct net *nt, const struct data *d)
{
	int8_t *out = malloc((size_t)d->n * nt->out_size);
	size_t i, diff = 0;
	double acc;

	if (!out)
		die("out of memory");
	run_card("sim:m1076,analog=0", nt, d, out);
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

/*
 * The default card (8-bit ADC) with seeds 1..N_SEEDS: the figure a user
 * can expect, and how much of one run is the draw.  Returns the mean.
 */
static double seeds(const struct net *nt, const struct data *d, double facc)
{
	double acc = 0, rms = 0, lo = 0, hi = 0, a, r;
	uint32_t i;

	/* the same without range calibration: what it brings */
	for (i = 1; i <= N_SEEDS; i++) {
		acc += analog_acc(nt, d, 8, i, 1, &r);
		rms += r * r;
	}
	printf("bench: digits_cnn_%s_analog_norange_acc_seeds_mean %.2f %%\n",
	       nt->name, acc / N_SEEDS);
	printf("bench: digits_cnn_%s_analog_norange_rms_seeds %.3f LSB\n",
	       nt->name, sqrt(rms / N_SEEDS));
	acc = 0;
	rms = 0;
	for (i = 1; i <= N_SEEDS; i++) {
		a = analog_acc(nt, d, 8, i, 0, &r);
		acc += a;
		rms += r * r;
		lo = i == 1 || a < lo ? a : lo;
		hi = i == 1 || a > hi ? a : hi;
	}
	acc /= N_SEEDS;
	printf("bench: digits_cnn_%s_analog_acc_seeds_mean %.2f %%\n",
	       nt->name, acc);
	printf("bench: digits_cnn_%s_analog_acc_seeds_min %.2f %%\n",
	       nt->name, lo);
	printf("bench: digits_cnn_%s_analog_acc_seeds_max %.2f %%\n",
	       nt->name, hi);
	printf("bench: digits_cnn_%s_analog_gap_mean %.2f points\n", nt->name,
	       facc - acc);
	printf("bench: digits_cnn_%s_analog_rms_seeds %.3f LSB\n", nt->name,
	       sqrt(rms / N_SEEDS));
	return acc;
}

/* Everything about one net; nbits ADC resolutions for the sweep. */
static void bench_net(struct net *nt, const struct data *d, double facc,
		      int quick)
{
	double iacc, acc;
	unsigned int b;

	printf("bench: digits_cnn_%s_ref_acc %.2f %%\n", nt->name,
	       nt->ref_acc);
	iacc = ideal_acc(nt, d);
	printf("bench: digits_cnn_%s_ideal_acc %.2f %%\n", nt->name, iacc);
	printf("bench: digits_cnn_%s_ideal_gap %.2f points\n", nt->name,
	       facc - iacc);
	/* the default: 8-bit ADC, seed 1, calibrated after programming */
	acc = analog_acc(nt, d, 8, 1, 0, NULL);
	printf("bench: digits_cnn_%s_analog_acc %.2f %%\n", nt->name, acc);
	printf("bench: digits_cnn_%s_analog_gap %.2f points\n", nt->name,
	       facc - acc);
	acc = seeds(nt, d, facc);
	/* and against the model's own grid, no noise */
	printf("bench: digits_cnn_%s_analog_loss_mean %.2f points\n", nt->name,
	       iacc - acc);
	if (quick)
		return;
	for (b = 0; b < sizeof(adc_bits) / sizeof(adc_bits[0]); b++)
		printf("bench: digits_cnn_%s_analog_acc_adc%u %.2f %%\n",
		       nt->name, adc_bits[b],
		       analog_acc(nt, d, adc_bits[b], 1, 0, NULL));
}

int main(int argc, char **argv)
{
	struct cim_dataset *ds;
	struct net nt;
	struct data d;
	char err[256];
	double facc;
	int quick = getenv("BENCH_DIGITS_QUICK") != NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5 && argc != 6)
		die("usage: %s INT4.cimx INT8.cimx|- TEST.bin ACCURACY.txt [HWA4.cimx]",
		    argv[0]);
	if (cim_dataset_load(argv[3], &ds, err, sizeof(err)))
		die("%s: %s", argv[3], err);
	if (!ds->labels)
		die("%s: no labels", argv[3]);
	d.n = ds->n;
	d.labels = ds->labels;
	facc = float_acc(argv[4]);
	printf("bench: digits_cnn_float_acc %.2f %%\n", facc);

	load_net(&nt, "int4", argv[1], ds);
	nt.ref_acc = accuracy(&nt, &d, nt.ref);
	bench_net(&nt, &d, facc, quick);
	free_net(&nt);
	if (argc == 6) {
		load_net(&nt, "hwa_int4", argv[5], ds);
		nt.ref_acc = accuracy(&nt, &d, nt.ref);
		bench_net(&nt, &d, facc, 1);
		free_net(&nt);
	}
	if (strcmp(argv[2], "-")) {
		load_net(&nt, "int8", argv[2], ds);
		nt.ref_acc = accuracy(&nt, &d, nt.ref);
		bench_net(&nt, &d, facc, 1);
		free_net(&nt);
	}
	cim_dataset_free(ds);
	return 0;
}
