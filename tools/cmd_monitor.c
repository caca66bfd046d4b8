// SPDX-License-Identifier: MIT
/* cimctl monitor */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "card_sysfs.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char usage[] =
	"usage: cimctl monitor [--interval MS] [--count N] [--json] [DEV]\n"
	"\n"
	"Watch a card: every MS milliseconds (default 1000, 10..3600000) a\n"
	"'sample' line with the time since the start, the runtime power state\n"
	"(power/runtime_status), temperature and power (hwmon; - if absent),\n"
	"the card's busy time in us since it was powered (busy_time_us), its\n"
	"utilization over the interval and its reset count since the driver\n"
	"bound (reset_count); then a 'tile' line for each tile whose activity\n"
	"changed since the previous sample, with the increments of busy time\n"
	"(us), MVMs, weight MACs, SIMD element ops and program-and-verify\n"
	"pulses.  The first sample has the totals since the card powered on.\n"
	"Stops after N samples (--count), or on SIGINT (Ctrl-C), with exit\n"
	"status 0.  DEV as for `cimctl info`.  --json: one JSON object per\n"
	"sample and line (JSON Lines) with the same fields and a \"tiles\"\n"
	"array of the changed tiles; a value not provided is null.\n";

static volatile sig_atomic_t stop;

static void on_sigint(int sig)
{
	(void)sig;
	stop = 1;
}

struct sample {
	struct cim_tile_activity *tile;
	uint64_t busy_us;
	int have_busy;
};

static int take(struct cim_dev *dev, const struct cim_card_info *ci,
		struct sample *s, int n)
{
	s->have_busy = !cimctl_sysfs_u64(ci, "busy_time_us", &s->busy_us);
	return cim_tiles_activity(dev, s->tile, n);
}

/* A milli-unit hwmon value as "%.1f", or "-". */
static const char *hwmon(const struct cim_card_info *ci, const char *file,
			 double div, char *buf, size_t len)
{
	char rel[64];
	uint64_t v;

	snprintf(rel, sizeof(rel), "hwmon/hwmon*/%s", file);
	if (cimctl_sysfs_u64(ci, rel, &v))
		return "-";
	snprintf(buf, len, "%.1f", v / div);
	return buf;
}

static void print_card(const struct cim_card_info *ci, uint32_t i, double t,
		       const struct sample *s, const struct sample *prev,
		       double dt)
{
	char pm[32], temp[24], pw[24], util[24], resets[24];
	uint64_t rc;

	if (cimctl_sysfs_str(ci, "power/runtime_status", pm, sizeof(pm)))
		snprintf(pm, sizeof(pm), "-");
	if (cimctl_sysfs_u64(ci, "reset_count", &rc))
		snprintf(resets, sizeof(resets), "-");
	else
		snprintf(resets, sizeof(resets), "%llu", (unsigned long long)rc);
	if (prev && s->have_busy && prev->have_busy && dt > 0)
		snprintf(util, sizeof(util), "%.2f%%",
			 (s->busy_us - prev->busy_us) / (dt * 1e4));
	else
		snprintf(util, sizeof(util), "-");
	printf("sample %u  t %.3f s  power %s  temp_c %s  power_mw %s  busy_us ",
	       i, t, pm, hwmon(ci, "temp1_input", 1e3, temp, sizeof(temp)),
	       hwmon(ci, "power1_input", 1e3, pw, sizeof(pw)));
	if (s->have_busy)
		printf("%llu", (unsigned long long)s->busy_us);
	else
		printf("-");
	printf("  util %s  resets %s\n", util, resets);
}

static void print_tiles(const struct sample *s, const struct cim_tile_activity *z,
			int n)
{
	const struct cim_tile_activity *a, *p;
	int i;

	for (i = 0; i < n; i++) {
		a = &s->tile[i];
		p = &z[i];
		if (a->busy_ns == p->busy_ns && a->mvms == p->mvms &&
		    a->macs == p->macs && a->simd_ops == p->simd_ops &&
		    a->program_pulses == p->program_pulses)
			continue;
		printf("  tile %d  busy_us +%llu  mvms +%llu  macs +%llu  simd_ops +%llu  pulses +%llu\n",
		       i, (unsigned long long)(a->busy_ns / 1000 - p->busy_ns / 1000),
		       (unsigned long long)(a->mvms - p->mvms),
		       (unsigned long long)(a->macs - p->macs),
		       (unsigned long long)(a->simd_ops - p->simd_ops),
		       (unsigned long long)(a->program_pulses - p->program_pulses));
	}
}

/* A milli-unit hwmon value, or null. */
static void hwmon_json(struct json_object *o, const char *key,
		       const struct cim_card_info *ci, const char *file)
{
	char rel[64];
	uint64_t v;

	snprintf(rel, sizeof(rel), "hwmon/hwmon*/%s", file);
	if (cimctl_sysfs_u64(ci, rel, &v))
		cimctl_json_null(o, key);
	else
		cimctl_json_f64(o, key, v / 1e3);
}

static void print_json(const struct cim_card_info *ci, uint32_t i, double t,
		       const struct sample *s, const struct sample *prev,
		       const struct cim_tile_activity *z, double dt, int n)
{
	struct json_object *o = json_object_new_object(), *arr, *e;
	const struct cim_tile_activity *a, *p;
	char pm[32];
	uint64_t rc;
	int k;

	cimctl_json_u64(o, "sample", i);
	cimctl_json_f64(o, "t_s", t);
	if (cimctl_sysfs_str(ci, "power/runtime_status", pm, sizeof(pm)))
		cimctl_json_null(o, "power");
	else
		cimctl_json_str(o, "power", pm);
	hwmon_json(o, "temp_c", ci, "temp1_input");
	hwmon_json(o, "power_mw", ci, "power1_input");
	if (s->have_busy)
		cimctl_json_u64(o, "busy_us", s->busy_us);
	else
		cimctl_json_null(o, "busy_us");
	if (prev && s->have_busy && prev->have_busy && dt > 0)
		cimctl_json_f64(o, "util_pct",
				(s->busy_us - prev->busy_us) / (dt * 1e4));
	else
		cimctl_json_null(o, "util_pct");
	if (cimctl_sysfs_u64(ci, "reset_count", &rc))
		cimctl_json_null(o, "resets");
	else
		cimctl_json_u64(o, "resets", rc);
	arr = json_object_new_array();
	for (k = 0; k < n; k++) {
		a = &s->tile[k];
		p = &z[k];
		if (a->busy_ns == p->busy_ns && a->mvms == p->mvms &&
		    a->macs == p->macs && a->simd_ops == p->simd_ops &&
		    a->program_pulses == p->program_pulses)
			continue;
		e = json_object_new_object();
		cimctl_json_i64(e, "tile", k);
		cimctl_json_u64(e, "busy_us", a->busy_ns / 1000 - p->busy_ns / 1000);
		cimctl_json_u64(e, "mvms", a->mvms - p->mvms);
		cimctl_json_u64(e, "macs", a->macs - p->macs);
		cimctl_json_u64(e, "simd_ops", a->simd_ops - p->simd_ops);
		cimctl_json_u64(e, "pulses", a->program_pulses - p->program_pulses);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "tiles", arr);
	cimctl_json_print(o);
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static int watch(struct cim_dev *dev, const struct cim_card_info *ci,
		 const struct monitor_opts *o, struct sample s[2], int n)
{
	struct timespec t0, next, now, last;
	uint32_t i;
	int cur = 0, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = last = t0;
	for (i = 0; !stop && (!o->count || i < o->count); i++) {
		if (i) {
			next.tv_nsec += (long)(o->interval_ms % 1000) * 1000000;
			next.tv_sec += o->interval_ms / 1000 + next.tv_nsec / 1000000000;
			next.tv_nsec %= 1000000000;
			while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
							&next, NULL) == EINTR)
				;
			if (stop)
				break;
		}
		r = take(dev, ci, &s[cur], n);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (r < 0) {
			cimctl_err("cannot read the tiles", r, cim_last_error(dev));
			return CIMCTL_EXIT_FAIL;
		}
		/* The first sample: totals, against a zeroed previous one. */
		if (o->json) {
			print_json(ci, i, secs(&t0, &now), &s[cur],
				   i ? &s[!cur] : NULL, s[!cur].tile,
				   secs(&last, &now), n);
		} else {
			print_card(ci, i, secs(&t0, &now), &s[cur],
				   i ? &s[!cur] : NULL, secs(&last, &now));
			print_tiles(&s[cur], s[!cur].tile, n);
		}
		fflush(stdout);
		last = now;
		cur = !cur;
	}
	return CIMCTL_EXIT_OK;
}

int cmd_monitor(int argc, char *argv[])
{
	struct monitor_opts o;
	struct sigaction sa;
	struct cim_card_info ci;
	struct sample s[2];
	struct cim_dev *dev;
	char err[256];
	int r, n;

	r = cimctl_parse_monitor(argc, argv, &o, err, sizeof(err));
	r = cimctl_args_done(r, "monitor", err, usage);
	if (r >= 0)
		return r;
	r = cimctl_open_spec(o.dev, &dev);
	if (r >= 0)
		return r;
	/*
	 * The userspace card has no sysfs node: its power, temperature, busy
	 * time and resets show as not provided, its tiles as on any card.
	 */
	r = cimctl_card_of(dev, &ci);
	if (r == -ENODEV) {
		memset(&ci, 0, sizeof(ci));
		r = 0;
	}
	n = r ? r : cim_tiles_activity(dev, NULL, 0);
	if (n < 0) {
		cimctl_err("cannot find the card's tiles", n, cim_last_error(dev));
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	memset(s, 0, sizeof(s));
	s[0].tile = calloc(n + 1, sizeof(*s[0].tile));
	s[1].tile = calloc(n + 1, sizeof(*s[1].tile));
	if (!s[0].tile || !s[1].tile) {
		r = CIMCTL_EXIT_FAIL;
		cimctl_err("monitor", -ENOMEM, NULL);
	} else {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;	/* no SA_RESTART: wake the sleep */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (!o.json)
			printf("monitor %s  every %u ms  (tile lines: change since the previous sample)\n",
			       cim_dev_path(dev), o.interval_ms);
		r = watch(dev, &ci, &o, s, n);
	}
	free(s[0].tile);
	free(s[1].tile);
	cim_close(dev);
	return r;
}
