// SPDX-License-Identifier: MIT
/* cimctl info */
#include <stdio.h>

#include "args.h"
#include "cim.h"
#include "cmds.h"
#include "json_out.h"

static const char usage[] =
	"usage: cimctl info [--json] [DEV]\n"
	"\n"
	"Show a card's description, as the driver reports it, and the\n"
	"versions of the driver, the firmware and libcim.  DEV is a device\n"
	"node (/dev/accel/accel0), an accel name (accel0), an index (0) or\n"
	"sim[:PRESET] (the userspace card); default: the first card.  --json:\n"
	"one JSON object with the same fields.\n";

static void ver(const char *what, uint32_t v)
{
	printf("%-16s %u.%u\n", what, v >> 16, v & 0xffff);
}

static void print_json(struct cim_dev *dev, const struct cim_info *ci)
{
	struct json_object *o = json_object_new_object();

	cimctl_json_str(o, "device", cim_dev_path(dev));
	cimctl_json_u64(o, "hw_id", ci->hw_id);
	cimctl_json_u64(o, "uapi_version", ci->uapi_version);
	cimctl_json_u64(o, "libcim_uapi_version", CIM_UAPI_VERSION);
	cimctl_json_version(o, "fw_version", ci->fw_version);
	cimctl_json_version(o, "if_version", ci->if_version);
	cimctl_json_str(o, "libcim", cim_version());
	cimctl_json_u64(o, "tiles", ci->tiles);
	cimctl_json_u64(o, "free_tiles", ci->free_tiles);
	cimctl_json_u64(o, "tile_rows", ci->tile_rows);
	cimctl_json_u64(o, "tile_cols", ci->tile_cols);
	cimctl_json_u64(o, "cell_bits", ci->cell_bits);
	cimctl_json_u64(o, "adc_bits", ci->adc_bits);
	cimctl_json_u64(o, "act_bits", ci->act_bits);
	cimctl_json_u64(o, "max_vector", ci->max_vector);
	cimctl_json_u64(o, "max_images", ci->max_images);
	cimctl_json_u64(o, "max_plan_bytes", ci->max_plan_bytes);
	cimctl_json_print(o);
}

int cmd_info(int argc, char *argv[])
{
	struct cim_info ci;
	struct cim_dev *dev;
	int r, json = 0;

	r = cimctl_open_dev(argc, argv, usage, "info", &dev, &json);
	if (r >= 0)
		return r;
	r = cim_query(dev, &ci);
	if (r) {
		cimctl_err("query failed", r, cim_last_error(dev));
		cim_close(dev);
		return CIMCTL_EXIT_FAIL;
	}
	if (json) {
		print_json(dev, &ci);
		cim_close(dev);
		return CIMCTL_EXIT_OK;
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
