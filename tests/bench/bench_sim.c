// SPDX-License-Identifier: MIT
/*
 * bench_sim: host wall time of a batch on the userspace card.
 *
 *   bench_sim NAME MODEL.cimx BATCH [DEV]
 *
 * Loads the model into DEV (default "sim", the M1076-class card), runs
 * one warm-up batch, then times cim_infer() of BATCH pseudo-random items
 * 9 times and prints the median as
 * "bench: sim_<NAME>_b<BATCH>_wall_s <seconds> s_host": host seconds, not
 * modeled device time (that one is printed too, as a comment line).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cim.h"

#define REPS	9

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct cim_image_props p;
	struct cim_run_stats st;
	struct cim_model *m;
	struct cim_image *img;
	struct cim_dev *dev;
	double t[REPS], t0;
	const void *image;
	int8_t *in, *out;
	size_t size, i;
	long batch;
	int r;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bench_sim NAME MODEL.cimx BATCH [DEV]\n");
		return 2;
	}
	batch = strtol(argv[3], NULL, 0);
	if (batch < 1 || batch > 65535)
		return 2;
	if (cim_model_load_file(argv[2], &m)) {
		fprintf(stderr, "bench_sim: cannot read %s\n", argv[2]);
		return 1;
	}
	image = cim_model_image(m, &size);
	if (cim_open(argc == 5 ? argv[4] : "sim", &dev)) {
		fprintf(stderr, "bench_sim: %s\n", cim_last_error(NULL));
		return 1;
	}
	if (cim_image_load(dev, image, size, &img)) {
		fprintf(stderr, "bench_sim: %s\n", cim_last_error(dev));
		return 1;
	}
	cim_image_get_props(img, &p);
	in = malloc((size_t)batch * p.input_size);
	out = malloc((size_t)batch * p.output_size);
	if (!in || !out)
		return 1;
	for (i = 0; i < (size_t)batch * p.input_size; i++)
		in[i] = (int8_t)(i * 37 + 11);
	r = cim_infer(dev, img, in, out, (uint32_t)batch, &st);
	for (i = 0; !r && i < REPS; i++) {
		t0 = now_s();
		r = cim_infer(dev, img, in, out, (uint32_t)batch, &st);
		t[i] = now_s() - t0;
	}
	if (r) {
		fprintf(stderr, "bench_sim: %s\n", cim_last_error(dev));
		return 1;
	}
	qsort(t, REPS, sizeof(t[0]), by_value);
	printf("# sim %s batch %ld: modeled device time %" PRIu64 " ns\n",
	       argv[1], batch, st.device_time_ns);
	printf("bench: sim_%s_b%ld_wall_s %.6f s_host\n", argv[1], batch,
	       t[REPS / 2]);
	free(in);
	free(out);
	cim_image_release(img);
	cim_close(dev);
	cim_model_free(m);
	return 0;
}
