// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Speed of the userspace card's ideal MVMs against XNNPACK's qs8 fully
 * connected operator on the same shapes, same host, one thread each:
 *   bench: sim_mvm_vs_xnnpack <ratio> x
 * The card runs a one-layer int8 FC (K inputs, N outputs, batch B) through
 * its rings, as libcim would, on the M1076-class preset; its rate counts
 * the layer's MACs per host second.  The output is checked bit-exact
 * against the reference first.  Rates are per second of CPU time of
 * the process (the card's firmware thread does the work while the host
 * thread sleeps in poll()), so that other load on a shared machine does
 * not decide the ratio; each is the best of several short windows,
 * measured alternately.  Host time, not modeled time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <xnnpack.h>

#include "shost.h"
#include "tmodel.h"

#define K	1024
#define N	1024
#define B	64

#define WINDOWS	5
#define WINDOW_S	0.3

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct simb {
	struct shost *s;
	struct cim_desc run;
	int8_t *dst;
};

/* A card with the layer programmed and a RUN of batch B ready. */
static void sim_setup(struct simb *b, const char *spec,
		      const struct tmodel *m, const int8_t *in)
{
	const struct cim_image_header *h = m->image;
	struct shost *s = shost_new(spec, NULL);
	struct cim_desc d;
	struct cim_cpl c;
	uint16_t *map;
	int8_t *src, *img;
	uint32_t i;

	if (!s || shost_start(s)) {
		fprintf(stderr, "bench: no card (%s)\n", s ? s->err : spec);
		exit(1);
	}
	map = shost_alloc(s, h->n_vtiles * sizeof(*map));
	for (i = 0; i < h->n_vtiles; i++)
		map[i] = (uint16_t)i;
	img = shost_alloc(s, m->size);
	memcpy(img, m->image, m->size);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_PROGRAM;
	d.map_count = h->n_vtiles;
	d.map_addr = (uintptr_t)map;
	shost_ref(s, &d.src, img, m->size);
	shost_submit(s, &d);
	if (!shost_reap(s, &c, 600000) || c.status) {
		fprintf(stderr, "bench: PROGRAM failed\n");
		exit(1);
	}
	src = shost_alloc(s, (size_t)B * K);
	b->dst = shost_alloc(s, (size_t)B * N);
	memcpy(src, in, (size_t)B * K);
	memset(&b->run, 0, sizeof(b->run));
	b->run.opcode = CIM_OPC_RUN;
	b->run.batch = B;
	shost_ref(s, &b->run.src, src, (size_t)B * K);
	shost_ref(s, &b->run.dst, b->dst, (size_t)B * N);
	b->s = s;
}

/* MACs per CPU second of the card over one window. */
static double sim_window(struct simb *b, const int8_t *want)
{
	double t0 = cpu_s(), t;
	struct cim_cpl c;
	int runs = 0;

	do {
		shost_submit(b->s, &b->run);
		if (!shost_reap(b->s, &c, 600000) || c.status) {
			fprintf(stderr, "bench: RUN failed\n");
			exit(1);
		}
		runs++;
		t = cpu_s() - t0;
	} while (t < WINDOW_S);
	if (memcmp(b->dst, want, (size_t)B * N)) {
		fprintf(stderr, "bench: card output differs from reference\n");
		exit(1);
	}
	return (double)runs * B * K * N / t;
}

struct xnnb {
	xnn_operator_t op;
	int8_t *w, *out;
	int32_t *bias;
};

static void xnn_setup(struct xnnb *x, const int8_t *in)
{
	size_t i;

	x->w = malloc((size_t)K * N);
	x->out = malloc((size_t)B * N);
	x->bias = calloc(N, sizeof(*x->bias));
	for (i = 0; i < (size_t)K * N; i++)
		x->w[i] = (int8_t)(i * 2654435761u >> 24);
	if (xnn_initialize(NULL) != xnn_status_success ||
	    xnn_create_fully_connected_nc_qs8(K, N, K, N, 0, 0.05f, 0.01f,
					      x->w, x->bias, 0, 0.5f, -128, 127,
					      0, &x->op) != xnn_status_success ||
	    xnn_setup_fully_connected_nc_qs8(x->op, B, in, x->out, NULL) !=
	    xnn_status_success) {
		fprintf(stderr, "bench: XNNPACK qs8 FC unavailable\n");
		exit(1);
	}
}

static double xnn_window(struct xnnb *x)
{
	double t0 = cpu_s(), t;
	int runs = 0;

	do {
		xnn_run_operator(x->op, NULL);
		runs++;
		t = cpu_s() - t0;
	} while (t < WINDOW_S);
	return (double)runs * B * K * N / t;
}

static double best(double a, double b)
{
	return a > b ? a : b;
}

int main(void)
{
	static const uint32_t dims[] = { K, N };
	int8_t *in = malloc((size_t)B * K), *want = malloc((size_t)B * N);
	double sim = 0, xnn = 0;
	struct tmodel m;
	struct simb sb;
	struct xnnb xb;
	int w;

	tmodel_make(&m, dims, 1, 5, 1024, 1024);
	trand_fill(in, (size_t)B * K, 9);
	tnet_ref(&m.net, in, want, NULL, B, -1);
	xnn_setup(&xb, in);
	sim_setup(&sb, "sim:m1076,threads=1", &m, in);
	for (w = 0; w < WINDOWS; w++) {
		xnn = best(xnn, xnn_window(&xb));
		sim = best(sim, sim_window(&sb, want));
	}
	printf("bench: sim_mvm_gmacs %.3f GMAC/s (host CPU time, %ux%u FC, "
	       "batch %u)\n", sim * 1e-9, K, N, B);
	printf("bench: xnnpack_qs8_fc_gmacs %.3f GMAC/s (host CPU time, one "
	       "thread)\n", xnn * 1e-9);
	printf("bench: sim_mvm_vs_xnnpack %.3f x\n", sim / xnn);
	shost_free(sb.s);
	xnn_delete_operator(xb.op);
	free(xb.w);
	free(xb.out);
	free(xb.bias);
	tmodel_free(&m);
	free(in);
	free(want);
	return 0;
}
