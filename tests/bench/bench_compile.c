// SPDX-License-Identifier: MIT
/*
 * Compile-speed and memory benchmark of the back end: synthetic int4
 * models of 1, 10 and 76 layers of 1024 x 1024 weights (1M, 10M and
 * 80M weights; 76 is a full M1076-class card: 76 arrays of 1024 x 1024
 * 4-bit cells hold 80M 4-bit weights, or 40M 8-bit ones over two cells
 * each) mapped for the M1076 geometry.  Prints
 *   bench: compile_<n>M_s <seconds> s
 *   bench: compile_80M_rss_ratio <ratio> x
 * where the ratio is the peak resident memory the compile added (over
 * the process with its model loaded) divided by the image size; the
 * whole process's peak is printed too, as compile_80M_rss_total_ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cim.h"

#define DIM	1024

static long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			v = atol(line + strlen(field) + 1);
	fclose(f);
	return v;
}

/* Reset the peak-RSS counter (VmHWM) to the current RSS. */
static void reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct synth {
	struct cim_qmodel qm;
	struct cim_qtensor *t;
	struct cim_qop *ops;
	int8_t *w;
	int32_t *bias, *mult, *shift, *wzp;
};

static int synth_build(struct synth *s, uint32_t layers)
{
	uint64_t x = 0x1234567;
	size_t i, n = (size_t)layers * DIM * DIM;

	memset(s, 0, sizeof(*s));
	s->t = calloc(layers + 1, sizeof(*s->t));
	s->ops = calloc(layers, sizeof(*s->ops));
	s->w = malloc(n);
	s->bias = calloc(DIM, 4);
	s->mult = calloc(DIM, 4);
	s->shift = calloc(DIM, 4);
	s->wzp = calloc(DIM, 4);
	if (!s->t || !s->ops || !s->w || !s->bias || !s->mult || !s->shift || !s->wzp)
		return -1;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		s->w[i] = (int8_t)(x & 15);
	}
	for (i = 0; i < DIM; i++) {
		s->mult[i] = 1 << 30;
		s->shift[i] = -8;
		s->wzp[i] = 8;
	}
	for (i = 0; i <= layers; i++)
		s->t[i].shape = (struct cim_image_tensor){ 0, DIM, 1, 1 };
	for (i = 0; i < layers; i++) {
		struct cim_qop *q = &s->ops[i];

		q->op = (struct cim_image_op){
			.type = CIM_OP_FC, .in0 = (uint32_t)i, .in1 = CIM_TENSOR_NONE,
			.out = (uint32_t)i + 1, .act_min = -128, .act_max = 127,
			.wbits = 4, .groups = 1,
		};
		q->weights = s->w + i * DIM * DIM;
		q->bias = s->bias;
		q->mult = s->mult;
		q->shift = s->shift;
		q->wzp = s->wzp;
	}
	s->qm = (struct cim_qmodel){ layers + 1, s->t, layers, s->ops, layers, 0 };
	return 0;
}

static void synth_free(struct synth *s)
{
	free(s->t);
	free(s->ops);
	free(s->w);
	free(s->bias);
	free(s->mult);
	free(s->shift);
	free(s->wzp);
}

static int run(uint32_t layers, const char *name, int rss)
{
	struct cim_map_opts o = {
		.geom = { CIM_M1076_ROWS, CIM_M1076_COLS, 4 },
		.max_tiles = CIM_M1076_TILES,
	};
	struct cim_map_report rep;
	struct synth s;
	long base, peak;
	double t0, t1;
	size_t size;
	void *img;
	int r;

	if (synth_build(&s, layers)) {
		fprintf(stderr, "bench_compile: out of memory\n");
		return 1;
	}
	reset_peak();
	base = status_kb("VmRSS:");
	t0 = now();
	r = cim_map_qmodel(&s.qm, &o, &img, &size, &rep);
	t1 = now();
	peak = status_kb("VmHWM:");
	if (r) {
		fprintf(stderr, "bench_compile: %s: %s\n", name, rep.msg);
		synth_free(&s);
		return 1;
	}
	printf("bench: compile_%s_s %.3f s\n", name, t1 - t0);
	if (rss) {
		printf("bench: compile_%s_rss_ratio %.2f x\n", name,
		       (peak - base) * 1024.0 / size);
		printf("bench: compile_%s_rss_total_ratio %.2f x\n", name,
		       peak * 1024.0 / size);
		fprintf(stderr, "bench_compile: %s: %u arrays, %.1f%% used, image %zu bytes\n",
			name, rep.tiles, 100 * rep.util, size);
	}
	cim_map_report_free(&rep);
	free(img);
	synth_free(&s);
	return 0;
}

int main(void)
{
	return run(1, "1M", 0) || run(10, "10M", 0) || run(76, "80M", 1);
}
