/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Host-test implementation of the firmware HAL: a register array, DMA
 * where a bus address is a host pointer but only inside buffers the test
 * registered (anything else is a bus error), the array model over
 * malloc'ed cells, plan memory, recorded interrupts and a plain modeled clock.
 */
#ifndef _CIM_TEST_HAL_H_
#define _CIM_TEST_HAL_H_

#include <stddef.h>
#include <stdint.h>

#include "cim_fw.h"
#include "model/cim_model.h"

#define THAL_MAX_BUFS	4096

struct thal_buf {
	uintptr_t addr;
	size_t len;
};

struct cim_hal {
	uint32_t regs[CIM_REG_SPACE / 4];
	struct cim_card_params p;
	struct cim_model model;		/* the arrays (firmware/model/) */
	uint8_t **tiles;		/* cells of each tile, in the model */
	uint32_t *pe;			/* program/erase cycles per tile */
	struct cim_tile_stats *tstats;	/* per tile */
	uint8_t *plan[CIM_FW_MAX_IMAGES];
	uint8_t *act;
	uint32_t act_bytes;
	struct thal_buf bufs[THAL_MAX_BUFS];
	unsigned int nbufs;
	uint32_t irq_count[3];		/* per CIM_IRQ_* bit */
	uint64_t clock;
	uint64_t dma_reads, dma_writes;	/* transfers that succeeded */
	uint64_t dma_faults;		/* transfers refused */
	uint32_t bad_reg_writes;	/* to registers the platform owns */
	/*
	 * fault: this cell of this tile reads back stuck_val (tile < 0:
	 * off); the model takes it (model.stuck_*)
	 */
	int stuck_tile;
	uint32_t stuck_cell;
	uint8_t stuck_val;
	void *analog;			/* cim_fw_analog_bytes() */
};

/* Defaults used by the tests: a small card. */
#define THAL_TILES	24
#define THAL_ROWS	32
#define THAL_COLS	32
#define THAL_PLAN_BYTES	(64 * 1024)
#define THAL_ACT_BYTES	(256 * 1024)

void thal_default_params(struct cim_card_params *p);
struct cim_hal *thal_new(const struct cim_card_params *p, uint32_t plan_bytes);
void thal_free(struct cim_hal *h);

/* Make [p, p + len) reachable by DMA, or no longer. */
void thal_register(struct cim_hal *h, const void *p, size_t len);
void thal_unregister(struct cim_hal *h, const void *p);

/* The host's side of the register file. */
uint32_t thal_rd(struct cim_hal *h, uint32_t off);
void thal_wr(struct cim_hal *h, uint32_t off, uint32_t val);

/* Times the bit was raised since thal_new(). */
uint32_t thal_irqs(struct cim_hal *h, uint32_t bit);

#endif /* _CIM_TEST_HAL_H_ */
