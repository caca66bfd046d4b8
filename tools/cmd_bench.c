// SPDX-License-Identifier: MIT
/* cimctl bench: throughput and latency of a model on a card */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char usage[] =
	"usage: cimctl bench MODEL.cimx [--batch N] [--seconds S] [--warmup N]\n"
	"                    [--dev DEV] [--json]\n"
	"\n"
	"Program MODEL's weights (or find them resident), then run jobs of N\n"
	"random items (default 1, up to 65535) back to back for S seconds\n"
	"(default 2) after N warm-up jobs (default 1), and print: fps (items\n"
	"per host second), host latency per job (mean, p50, p90, p99, max),\n"
	"the card's modeled device time per job and the fps it implies, and\n"
	"the host overhead per job (host latency minus device time: on an\n"
	"emulated card it includes the emulation).  DEV as for `cimctl info`.\n"
	"--json: one JSON object with the same figures.\n";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct_ms(const uint64_t *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1] / 1e6;
}

struct bench_result {
	uint64_t *lat;		/* host latency of each job, ns */
	size_t jobs, cap;
	uint64_t items, wall_ns, device_ns, lat_sum;
};

static int run_jobs(struct cim_dev *dev, struct cim_image *img,
		    const struct bench_opts *o, const int8_t *in, int8_t *out,
		    struct bench_result *res)
{
	struct cim_run_stats st;
	uint64_t t0, t, end;
	uint32_t i;
	int r;

	for (i = 0; i < o->warmup; i++) {
		r = cim_infer(dev, img, in, out, o->batch, NULL);
		if (r)
			return r;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)o->seconds_ms * 1000000ull;
	do {
		if (res->jobs == res->cap) {
			uint64_t *n = realloc(res->lat, (res->cap * 2 + 64) *
					      sizeof(*n));

			if (!n)
				return -ENOMEM;
			res->lat = n;
			res->cap = res->cap * 2 + 64;
		}
		t = now_ns();
		r = cim_infer(dev, img, in, out, o->batch, &st);
		if (r)
			return r;
		t = now_ns() - t;
		res->lat[res->jobs++] = t;
		res->lat_sum += t;
		res->items += o->batch;
		res->device_ns += st.device_time_ns;
	} while (now_ns() < end);
	res->wall_ns = now_ns() - t0;
	return 0;
}

static void print_result(struct cim_dev *dev, const struct bench_opts *o,
			 const struct bench_result *r)
{
	double fps = r->items / (r->wall_ns / 1e9);
	double mean = r->lat_sum / 1e6 / r->jobs;
	double dev_ms = r->device_ns / 1e6 / r->jobs;
	double dev_fps = r->device_ns ? r->items / (r->device_ns / 1e9) : 0;
	struct json_object *j, *l;

	if (!o->json) {
		printf("bench %s on %s: batch %u, %zu jobs in %.3f s\n", o->file,
		       cim_dev_path(dev), o->batch, r->jobs, r->wall_ns / 1e9);
		printf("fps              %.1f\n", fps);
		printf("latency_ms       mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n",
		       mean, pct_ms(r->lat, r->jobs, 50), pct_ms(r->lat, r->jobs, 90),
		       pct_ms(r->lat, r->jobs, 99), pct_ms(r->lat, r->jobs, 100));
		printf("device_ms        %.3f per job (modeled)\n", dev_ms);
		printf("device_fps       %.1f\n", dev_fps);
		printf("host_overhead_ms %.3f per job\n", mean - dev_ms);
		return;
	}
	j = json_object_new_object();
	cimctl_json_str(j, "model", o->file);
	cimctl_json_str(j, "device", cim_dev_path(dev));
	cimctl_json_u64(j, "batch", o->batch);
	cimctl_json_u64(j, "jobs", r->jobs);
	cimctl_json_u64(j, "items", r->items);
	cimctl_json_f64(j, "seconds", r->wall_ns / 1e9);
	cimctl_json_f64(j, "fps", fps);
	l = json_object_new_object();
	cimctl_json_f64(l, "mean", mean);
	cimctl_json_f64(l, "p50", pct_ms(r->lat, r->jobs, 50));
	cimctl_json_f64(l, "p90", pct_ms(r->lat, r->jobs, 90));
	cimctl_json_f64(l, "p99", pct_ms(r->lat, r->jobs, 99));
	cimctl_json_f64(l, "max", pct_ms(r->lat, r->jobs, 100));
	json_object_object_add(j, "latency_ms", l);
	cimctl_json_f64(j, "device_ms_per_job", dev_ms);
	cimctl_json_f64(j, "device_fps", dev_fps);
	cimctl_json_f64(j, "host_overhead_ms_per_job", mean - dev_ms);
	cimctl_json_print(j);
}

int cmd_bench(int argc, char *argv[])
{
	struct bench_result res = { 0 };
	struct cim_image_props props;
	struct cim_image *img = NULL;
	struct cim_model *m = NULL;
	struct cim_dev *dev = NULL;
	struct bench_opts o;
	int8_t *in = NULL, *out = NULL;
	char err[256];
	uint64_t k;
	int r;

	r = cimctl_parse_bench(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, "bench", err, usage);
	if (r >= 0)
		return r;
	r = cimctl_open_model(o.file, o.dev, &m, &dev);
	if (r >= 0)
		return r;
	r = cim_model_program(dev, m, &img);
	if (r) {
		cimctl_err("cannot program the model", r, cim_last_error(dev));
		goto out;
	}
	cim_image_get_props(img, &props);
	in = malloc((size_t)props.input_size * o.batch);
	out = malloc((size_t)props.output_size * o.batch);
	if (!in || !out) {
		r = -ENOMEM;
		cimctl_err("bench", r, NULL);
		goto out;
	}
	/* The same pseudo-random items every run: comparable figures. */
	for (k = 0; k < (uint64_t)props.input_size * o.batch; k++)
		in[k] = (int8_t)((k * 2654435761u) >> 13);
	r = run_jobs(dev, img, &o, in, out, &res);
	if (r) {
		cimctl_err("inference failed", r, cim_last_error(dev));
		goto out;
	}
	qsort(res.lat, res.jobs, sizeof(*res.lat), cmp_u64);
	print_result(dev, &o, &res);
out:
	free(res.lat);
	free(in);
	free(out);
	cim_image_release(img);
	cim_close(dev);
	cim_model_free(m);
	return r ? CIMCTL_EXIT_FAIL : CIMCTL_EXIT_OK;
}
