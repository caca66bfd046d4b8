// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The lanes of cim_fw_hal.h for a platform that runs one batch item at a
 * time: the card MCU, the kernel virtual card and the host tests (the
 * userspace card runs one per thread, firmware/sim/sim_pool.c).
 */
#include "cim_fw_hal.h"

uint32_t cim_hal_lanes(struct cim_hal *h, uint32_t max, uint32_t bytes,
		       void **mem)
{
	(void)h, (void)max, (void)bytes, (void)mem;
	return 1;
}

void cim_hal_lanes_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t k),
		       void *arg, uint32_t n)
{
	uint32_t k;

	(void)h;
	for (k = 0; k < n; k++)
		fn(arg, k);
}
