// SPDX-License-Identifier: MIT
/* cimctl reset */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card_sysfs.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl reset [DEV]\n"
	"\n"
	"Reset a card now, through the driver's debugfs force_reset\n"
	"(/sys/kernel/debug/accel/N/force_reset), and wait for the recovery:\n"
	"the card reboots its firmware, the driver programs the images in use\n"
	"again, and jobs on the card are put back and complete.  Prints the\n"
	"card's reset_count before and after.  Needs root and debugfs mounted\n"
	"on /sys/kernel/debug.  DEV as for `cimctl info`.\n";

static void print_count(const char *what, const struct cim_card_info *ci)
{
	uint64_t v;

	if (cimctl_sysfs_u64(ci, "reset_count", &v))
		printf("%s -\n", what);
	else
		printf("%s %llu\n", what, (unsigned long long)v);
}

static int force_reset(const struct cim_card_info *ci)
{
	char path[128];
	struct stat st;
	FILE *f;
	int r = 0;

	if (geteuid()) {
		fprintf(stderr, "cimctl reset: needs root (debugfs force_reset)\n");
		return -EPERM;
	}
	if (stat("/sys/kernel/debug/accel", &st)) {
		fprintf(stderr, "cimctl reset: /sys/kernel/debug/accel not found: debugfs is not mounted (mount -t debugfs debugfs /sys/kernel/debug)\n");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%d/force_reset",
		 ci->index);
	f = fopen(path, "w");
	if (!f) {
		r = -errno;
		cimctl_err(path, r, NULL);
		return r;
	}
	if (fputs("1\n", f) == EOF)
		r = -errno;
	if (fclose(f) && !r)
		r = -errno;
	if (r)
		cimctl_err("the reset failed", r, path);
	return r;
}

int cmd_reset(int argc, char *argv[])
{
	struct cim_card_info ci;
	struct cim_dev *dev;
	int r;

	r = cimctl_open_dev(argc, argv, usage, "reset", &dev, NULL);
	if (r >= 0)
		return r;
	r = cimctl_card_of(dev, &ci);
	if (r) {
		cimctl_err("cannot find the card in sysfs", r, NULL);
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	print_count("reset_count_before", &ci);
	r = force_reset(&ci);
	if (!r)
		print_count("reset_count_after", &ci);
	cim_close(dev);
	return r ? CIMCTL_EXIT_FAIL : CIMCTL_EXIT_OK;
}
