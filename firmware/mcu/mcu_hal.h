/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* The card MCU's side of the HAL: what main.c needs beyond cim_fw_hal.h. */
#ifndef _CIM_MCU_HAL_H_
#define _CIM_MCU_HAL_H_

#include "../cim_fw_hal.h"

struct cim_hal {
	uintptr_t regs;		/* register file, card view */
	uintptr_t dma;		/* DMA engine */
};

void mcu_hal_init(struct cim_hal *h);
/* Clear the doorbell event before polling, so a later one wakes wfi. */
void mcu_hal_ack_events(struct cim_hal *h);

#endif /* _CIM_MCU_HAL_H_ */
