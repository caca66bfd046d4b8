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

static const char images_usage[] =
	"usage: cimctl images [DEV]\n"
	"\n"
	"List the images programmed on a card (the driver's resident-image\n"
	"catalog), least recently used first: slot, the first bytes of the\n"
	"SHA-256 of the image as the kernel computed it, size in bytes,\n"
	"tiles, users (image handles open on it, over all processes), state\n"
	"and last use.  An image with 0 users stays programmed until a load\n"
	"needs its tiles; loading the same bytes again programs nothing.\n"
	"The last line counts programs, hits, evictions and images found on\n"
	"the card when the driver bound.  DEV as for `cimctl info`.\n";

static const char tiles_usage[] =
	"usage: cimctl tiles [DEV]\n"
	"\n"
	"Show the program/erase (P/E) cycles of each physical tile of a card,\n"
	"as the card counts them over its life, and the slot of the image\n"
	"holding the tile (- if free); then min, max, mean and max/mean.\n"
	"New images go to the free tiles with the fewest cycles.  DEV as for\n"
	"`cimctl info`.\n";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int cmd_images(int argc, char *argv[])
{
	struct cim_resident_image *img = NULL;
	struct cim_catalog_stats st;
	struct cim_dev *dev;
	char hex[13], age[32];
	int r, n, i, cap;

	r = cimctl_open_dev(argc, argv, images_usage, "images", &dev);
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

int cmd_tiles(int argc, char *argv[])
{
	struct cim_tile_wear *w = NULL;
	struct cimctl_wear s;
	struct cim_dev *dev;
	int r, n, i;

	r = cimctl_open_dev(argc, argv, tiles_usage, "tiles", &dev);
	if (r >= 0)
		return r;
	/* The tile count of a card does not change. */
	n = cim_tiles_wear(dev, NULL, 0);
	if (n > 0) {
		w = calloc(n, sizeof(*w));
		n = w ? cim_tiles_wear(dev, w, n) : -ENOMEM;
	}
	if (n < 0) {
		cimctl_err("cannot read the tiles", n, cim_last_error(dev));
		free(w);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	printf("%4s  %9s  %4s\n", "tile", "pe_cycles", "slot");
	for (i = 0; i < n; i++) {
		if (w[i].slot < 0)
			printf("%4d  %9u  %4s\n", i, w[i].pe_cycles, "-");
		else
			printf("%4d  %9u  %4d\n", i, w[i].pe_cycles, w[i].slot);
	}
	cimctl_wear_stats(w, n, &s);
	printf("P/E min %u max %u mean %.2f max/mean %.3f\n", s.min, s.max,
	       s.mean, s.max_over_mean);
	free(w);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}
