// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Card MCU main loop: poll the firmware core, sleep in wfi when it has
 * nothing to do.  The host's doorbell writes raise the machine external
 * interrupt, which ends wfi even with interrupts globally disabled, so
 * no trap handler is needed on the normal path.
 */
#include "../cim_fw.h"
#include "mcu_hal.h"

#define MIE_MEIE	(1ul << 11)

void mcu_main(void);

/* Over 100 KiB of scratch: static, never on the stack. */
static struct cim_fw fw;
static struct cim_hal hal;

void mcu_main(void)
{
	mcu_hal_init(&hal);
	cim_fw_reset(&fw, &hal);
	__asm__ volatile("csrs mie, %0" : : "r"(MIE_MEIE));

	for (;;) {
		/*
		 * Ack before polling: a doorbell that lands during the poll
		 * stays pending and wfi falls straight through.
		 */
		mcu_hal_ack_events(&hal);
		if (!cim_fw_poll(&fw))
			__asm__ volatile("wfi");
	}
}
