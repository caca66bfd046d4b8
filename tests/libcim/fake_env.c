// SPDX-License-Identifier: MIT
/*
 * Links into cimctl-fake (cimctl over the fake driver, see
 * test_cimctl_run.sh): sets the fake up before main(), with knobs from
 * the environment.
 */
#include <stdlib.h>

#include "fake_kernel.h"

static unsigned int env(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v ? (unsigned int)strtoul(v, NULL, 0) : dflt;
}

__attribute__((constructor)) static void fake_env_init(void)
{
	fake_reset();
	fake_cfg.info.uapi_version = env("CIM_FAKE_UAPI", fake_cfg.info.uapi_version);
	fake_cfg.info.fw_version = env("CIM_FAKE_FW", fake_cfg.info.fw_version);
	fake_cfg.info.tile_rows = env("CIM_FAKE_ROWS", fake_cfg.info.tile_rows);
	fake_cfg.info.tile_cols = env("CIM_FAKE_COLS", fake_cfg.info.tile_cols);
	fake_cfg.info.tiles = env("CIM_FAKE_TILES", fake_cfg.info.tiles);
	fake_cfg.corrupt_output = (int)env("CIM_FAKE_CORRUPT", 0);
	fake_cfg.job_status = env("CIM_FAKE_JOB_STATUS", 0);
	fake_cfg.catalog_images = env("CIM_FAKE_IMAGES", 0);
	fake_cfg.catalog_query = getenv("CIM_FAKE_IMAGES") != NULL;
	fake_cfg.tiles_short = (int)env("CIM_FAKE_TILES_SHORT", 0);
}
