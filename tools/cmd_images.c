// SPDX-License-Identifier: MIT
/* cimctl images, cimctl tiles */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "args.h"
#include "catalog_fmt.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char images_usage[] =
	"usage: cimctl images [--json] [DEV]\n"
	"\n"
	"List the images programmed on a card (the driver's resident-image\n"
	"catalog), least recently used first: slot, the first bytes of the\n"
	"SHA-256 of the image as the kernel computed it, size in bytes,\n"
	"tiles, users (image handles open on it, over all processes), state\n"
	"and last use.  An image with 0 users stays programmed until a load\n"
	"needs its tiles; loading the same bytes again programs nothing.\n"
	"The last line counts programs, hits, evictions and images found on\n"
	"the card when the driver bound.  DEV as for `cimctl info`.  --json:\n"
	"one object, {\"images\": [...], \"stats\": {...}} (docs/cimctl.md).\n";

static const char tiles_usage[] =
	"usage: cimctl tiles [--json] [DEV]\n"
	"\n"
	"Show, for each physical tile of a card: its program/erase (P/E)\n"
	"cycles over the card's life, the slot of the image holding it (- if\n"
	"free), and what it did since the card powered on: modeled array busy\n"
	"time (us), MVMs, weight MACs, SIMD element ops, SIMD busy time (us)\n"
	"and program-and-verify pulses (- where the card does not count\n"
	"them); then the P/E min, max, mean and max/mean.  New images go to\n"
	"the free tiles with the fewest cycles.  DEV as for `cimctl info`.\n"
	"--json: one object, {\"tiles\": [...], \"pe\": {...}}; a counter the\n"
	"card does not report is null.\n";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void images_json(const struct cim_resident_image *img, int n,
			const struct cim_catalog_stats *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array(), *e, *s;
	char hex[65];
	uint64_t now = now_ns();
	int i;

	for (i = 0; i < n; i++) {
		e = json_object_new_object();
		cimctl_hex(img[i].sha256, 32, hex);
		cimctl_json_u64(e, "slot", img[i].slot);
		cimctl_json_str(e, "sha256", hex);
		cimctl_json_u64(e, "bytes", img[i].size);
		cimctl_json_u64(e, "tiles", img[i].tiles);
		cimctl_json_u64(e, "users", img[i].users);
		cimctl_json_str(e, "state", cimctl_resident_state(img[i].state));
		cimctl_json_f64(e, "last_use_s_ago",
				now > img[i].last_use_ns ?
				(now - img[i].last_use_ns) / 1e9 : 0.0);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "images", arr);
	s = json_object_new_object();
	cimctl_json_u64(s, "images", st->images);
	cimctl_json_u64(s, "programmed", st->programs);
	cimctl_json_u64(s, "hits", st->hits);
	cimctl_json_u64(s, "evicted", st->evictions);
	cimctl_json_u64(s, "found_on_card", st->adopted);
	json_object_object_add(o, "stats", s);
	cimctl_json_print(o);
}

int cmd_images(int argc, char *argv[])
{
	struct cim_resident_image *img = NULL;
	struct cim_catalog_stats st;
	struct cim_dev *dev;
	char hex[13], age[32];
	int r, n, i, cap, json = 0;

	r = cimctl_open_dev(argc, argv, images_usage, "images", &dev, &json);
	if (r >= 0)
		return r;
	/* Room for a few more, in case images are loaded meanwhile. */
	n = cim_resident_images(dev, NULL, 0, NULL);
	cap = n + 8;
	if (n >= 0) {
		img = calloc(cap, sizeof(*img));
		n = img ? cim_resident_images(dev, img, cap, &st) : -ENOMEM;
	}
	if (n < 0) {
		cimctl_err("cannot list the images", n, cim_last_error(dev));
		free(img);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	if (json) {
		images_json(img, n < cap ? n : cap, &st);
		free(img);
		cim_close(dev);
		return CIMCTL_EXIT_OK;
	}
	printf("%4s  %-12s  %9s  %5s  %5s  %-11s  %s\n", "slot", "sha256",
	       "bytes", "tiles", "users", "state", "last use");
	for (i = 0; i < n && i < cap; i++) {
		cimctl_hex(img[i].sha256, 6, hex);
		cimctl_age(now_ns(), img[i].last_use_ns, age, sizeof(age));
		printf("%4u  %-12s  %9llu  %5u  %5u  %-11s  %s\n", img[i].slot,
		       hex, (unsigned long long)img[i].size, img[i].tiles,
		       img[i].users, cimctl_resident_state(img[i].state), age);
	}
	printf("%d images; since the driver bound: %llu programmed, %llu hits, %llu evicted, %llu found on the card\n",
	       n, (unsigned long long)st.programs, (unsigned long long)st.hits,
	       (unsigned long long)st.evictions,
	       (unsigned long long)st.adopted);
	free(img);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}

/* A counter, or "-" when the card does not report it. */
static const char *counter(char *buf, size_t len, int have, uint64_t v)
{
	if (!have)
		return "-";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* A counter, or null when the card does not report it. */
static void counter_json(struct json_object *o, const char *key, int have,
			 uint64_t v)
{
	if (have)
		cimctl_json_u64(o, key, v);
	else
		cimctl_json_null(o, key);
}

static void tiles_json(const struct cim_tile_activity *a, int n,
		       const struct cimctl_wear *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array(), *e, *pe;
	int i, act, simd;

	for (i = 0; i < n; i++) {
		act = !!(a[i].flags & CIM_TILE_ACTIVITY);
		simd = !!(a[i].flags & CIM_TILE_SIMD);
		e = json_object_new_object();
		cimctl_json_i64(e, "tile", i);
		cimctl_json_u64(e, "pe_cycles", a[i].pe_cycles);
		if (a[i].slot < 0)
			cimctl_json_null(e, "slot");
		else
			cimctl_json_i64(e, "slot", a[i].slot);
		counter_json(e, "busy_ns", act, a[i].busy_ns);
		counter_json(e, "mvms", act, a[i].mvms);
		counter_json(e, "macs", simd, a[i].macs);
		counter_json(e, "simd_ops", simd, a[i].simd_ops);
		counter_json(e, "simd_ns", simd, a[i].simd_ns);
		counter_json(e, "program_pulses", act, a[i].program_pulses);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "tiles", arr);
	pe = json_object_new_object();
	cimctl_json_u64(pe, "min", s->min);
	cimctl_json_u64(pe, "max", s->max);
	cimctl_json_f64(pe, "mean", s->mean);
	cimctl_json_f64(pe, "max_over_mean", s->max_over_mean);
	json_object_object_add(o, "pe", pe);
	cimctl_json_print(o);
}

int cmd_tiles(int argc, char *argv[])
{
	struct cim_tile_activity *a = NULL;
	struct cim_tile_wear *w = NULL;
	char b[6][24], slot[12];
	struct cimctl_wear s;
	struct cim_dev *dev;
	int r, n, i, act, simd, json = 0;

	r = cimctl_open_dev(argc, argv, tiles_usage, "tiles", &dev, &json);
	if (r >= 0)
		return r;
	/* The tile count of a card does not change. */
	n = cim_tiles_activity(dev, NULL, 0);
	if (n > 0) {
		a = calloc(n, sizeof(*a));
		w = calloc(n, sizeof(*w));
		n = a && w ? cim_tiles_activity(dev, a, n) : -ENOMEM;
	}
	if (n < 0) {
		cimctl_err("cannot read the tiles", n, cim_last_error(dev));
		free(a);
		free(w);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	if (json) {
		for (i = 0; i < n; i++) {
			w[i].pe_cycles = a[i].pe_cycles;
			w[i].slot = a[i].slot;
		}
		cimctl_wear_stats(w, n, &s);
		tiles_json(a, n, &s);
		free(a);
		free(w);
		cim_close(dev);
		return CIMCTL_EXIT_OK;
	}
	printf("%4s  %9s  %4s  %10s  %10s  %12s  %10s  %10s  %10s\n", "tile",
	       "pe_cycles", "slot", "busy_us", "mvms", "macs", "simd_ops",
	       "simd_us", "pulses");
	for (i = 0; i < n; i++) {
		act = !!(a[i].flags & CIM_TILE_ACTIVITY);
		simd = !!(a[i].flags & CIM_TILE_SIMD);
		w[i].pe_cycles = a[i].pe_cycles;
		w[i].slot = a[i].slot;
		if (a[i].slot < 0)
			snprintf(slot, sizeof(slot), "-");
		else
			snprintf(slot, sizeof(slot), "%d", a[i].slot);
		printf("%4d  %9u  %4s  %10s  %10s  %12s  %10s  %10s  %10s\n", i,
		       a[i].pe_cycles, slot,
		       counter(b[0], sizeof(b[0]), act, a[i].busy_ns / 1000),
		       counter(b[1], sizeof(b[1]), act, a[i].mvms),
		       counter(b[2], sizeof(b[2]), simd, a[i].macs),
		       counter(b[3], sizeof(b[3]), simd, a[i].simd_ops),
		       counter(b[4], sizeof(b[4]), simd, a[i].simd_ns / 1000),
		       counter(b[5], sizeof(b[5]), act, a[i].program_pulses));
	}
	cimctl_wear_stats(w, n, &s);
	printf("P/E min %u max %u mean %.2f max/mean %.3f\n", s.min, s.max,
	       s.mean, s.max_over_mean);
	free(a);
	free(w);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}
