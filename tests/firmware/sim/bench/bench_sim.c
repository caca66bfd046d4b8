// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Speed of the userspace card's ideal MVMs against XNNPACK's qs8 fully
 * connected operator on the same shapes, same host, one thread each:
 *   bench: sim_mvm_vs_xnnpack <ratio> x
 * The card runs a one-layer int8 FC (K inputs, N outputs, batch B) through
 * its rings, as libcim would, on the M1076-class preset; its rate counts
 * the layer's MACs per host second.  The output is checked bit-exact
 * against the reference first.  Host seconds, not modeled time.
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* MACs per second of the card: RUNs of batch B until 1 s has passed. */
static double sim_rate(const char *spec, const struct tmodel *m,
		       int8_t *in, int8_t *want)
{
	const struct cim_image_header *h = m->image;
	struct shost *s = shost_new(spec, NULL);
	int8_t *src, *dst, *img;
	uint16_t *map;
	struct cim_desc d;
	struct cim_cpl c;
	double t0, t;
	uint32_t i;
	int runs = 0;

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
	dst = shost_alloc(s, (size_t)B * N);
	memcpy(src, in, (size_t)B * K);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_RUN;
	d.batch = B;
	shost_ref(s, &d.src, src, (size_t)B * K);
	shost_ref(s, &d.dst, dst, (size_t)B * N);
	t0 = now_s();
	do {
		shost_submit(s, &d);
		if (!shost_reap(s, &c, 600000) || c.status) {
			fprintf(stderr, "bench: RUN failed\n");
			exit(1);
		}
		runs++;
		t = now_s() - t0;
	} while (t < 1.0);
	if (memcmp(dst, want, (size_t)B * N)) {
		fprintf(stderr, "bench: card output differs from reference\n");
		exit(1);
	}
	shost_free(s);
	return (double)runs * B * K * N / t;
}

static double xnn_rate(const int8_t *in)
{
	int8_t *w = malloc((size_t)K * N), *out = malloc((size_t)B * N);
	int32_t *bias = calloc(N, sizeof(*bias));
	xnn_operator_t op = NULL;
	double t0, t;
	int runs = 0;
	size_t i;

	for (i = 0; i < (size_t)K * N; i++)
		w[i] = (int8_t)(i * 2654435761u >> 24);
	if (xnn_initialize(NULL) != xnn_status_success ||
	    xnn_create_fully_connected_nc_qs8(K, N, K, N, 0, 0.05f, 0.01f, w,
					      bias, 0, 0.5f, -128, 127, 0,
					      &op) != xnn_status_success ||
	    xnn_setup_fully_connected_nc_qs8(op, B, in, out, NULL) !=
	    xnn_status_success) {
		fprintf(stderr, "bench: XNNPACK qs8 FC unavailable\n");
		exit(1);
	}
	t0 = now_s();
	do {
		xnn_run_operator(op, NULL);
		runs++;
		t = now_s() - t0;
	} while (t < 1.0);
	xnn_delete_operator(op);
	free(w);
	free(out);
	free(bias);
	return (double)runs * B * K * N / t;
}

int main(void)
{
	static const uint32_t dims[] = { K, N };
	int8_t *in = malloc((size_t)B * K), *want = malloc((size_t)B * N);
	double sim1, simn, xnn;
	struct tmodel m;

	tmodel_make(&m, dims, 1, 5, 1024, 1024);
	trand_fill(in, (size_t)B * K, 9);
	tnet_ref(&m.net, in, want, NULL, B, -1);
	xnn = xnn_rate(in);
	sim1 = sim_rate("sim:m1076,threads=1", &m, in, want);
	simn = sim_rate("sim", &m, in, want);
	printf("bench: sim_mvm_gmacs %.3f GMAC/s (host, 1 thread)\n",
	       sim1 * 1e-9);
	printf("bench: sim_mvm_gmacs_threads %.3f GMAC/s (host, all CPUs)\n",
	       simn * 1e-9);
	printf("bench: xnnpack_qs8_fc_gmacs %.3f GMAC/s (host, 1 thread)\n",
	       xnn * 1e-9);
	printf("bench: sim_mvm_vs_xnnpack %.3f x\n", sim1 / xnn);
	tmodel_free(&m);
	free(in);
	free(want);
	return 0;
}
