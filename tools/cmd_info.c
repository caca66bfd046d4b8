// SPDX-License-Identifier: MIT
/* cimctl info */
#include <stdio.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"

static const char usage[] =
	"usage: cimctl info [DEV]\n"
	"\n"
	"Show a card's description, as the driver reports it, and the\n"
	"versions of the driver, the firmware and libcim.  DEV is a device\n"
	"node (/dev/accel/accel0), an accel name (accel0) or an index (0);\n"
	"default: the first card.\n";

static void ver(const char *what, uint32_t v)
{
	printf("%-16s %u.%u\n", what, v >> 16, v & 0xffff);
}

int cmd_info(int argc, char *argv[])
{
	struct cim_info ci;
	struct cim_dev *dev;
	int r;

	r = cimctl_open_dev(argc, argv, usage, "info", &dev);
	if (r >= 0)
		return r;
	r = cim_query(dev, &ci);
	if (r) {
		cimctl_err("query failed", r, cim_last_error(dev));
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	printf("%-16s %s\n", "device", cim_dev_path(dev));
	printf("%-16s 0x%08x\n", "hw_id", ci.hw_id);
	printf("%-16s %u (libcim %u)\n", "uapi_version", ci.uapi_version,
	       CIM_UAPI_VERSION);
	ver("fw_version", ci.fw_version);
	ver("if_version", ci.if_version);
	printf("%-16s %s\n", "libcim", cim_version());
	printf("%-16s %u\n", "tiles", ci.tiles);
	printf("%-16s %u\n", "free_tiles", ci.free_tiles);
	printf("%-16s %u\n", "tile_rows", ci.tile_rows);
	printf("%-16s %u\n", "tile_cols", ci.tile_cols);
	printf("%-16s %u\n", "cell_bits", ci.cell_bits);
	printf("%-16s %u\n", "adc_bits", ci.adc_bits);
	printf("%-16s %u\n", "act_bits", ci.act_bits);
	printf("%-16s %u\n", "max_vector", ci.max_vector);
	printf("%-16s %u\n", "max_images", ci.max_images);
	printf("%-16s %u\n", "max_plan_bytes", ci.max_plan_bytes);
	cim_close(dev);
	return CIMCTL_EXIT_OK;
}
