/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * CIM card firmware core: the host-interface loop, image programming and
 * the plan executor.  Freestanding C: no libc, no floating point, no
 * allocation; the platform (card MCU, virtual card, host tests) provides
 * the HAL in cim_fw_hal.h and the memory for struct cim_fw.
 */
#ifndef _CIM_FW_H_
#define _CIM_FW_H_

#include "cim_fw_types.h"
#include "../uapi/cim_card.h"
#include "../uapi/cim_image.h"

#define CIM_FW_VERSION_MAJOR	1
#define CIM_FW_VERSION_MINOR	0
#define CIM_FW_VERSION		((CIM_FW_VERSION_MAJOR << 16) | CIM_FW_VERSION_MINOR)

#define CIM_FW_MAX_VECTOR	8192	/* longest layer in/out vector */
#define CIM_FW_MAX_IMAGES	16	/* image slots */
#define CIM_FW_MAX_VTILES	256	/* virtual tiles per image */

struct cim_hal;

/* Card model parameters the firmware charges modeled time from. */
struct cim_card_params {
	uint32_t tiles, rows, cols, cell_bits, adc_bits, act_bits;
	uint32_t mvm_ns;		/* one full-array MVM */
	uint32_t simd_ps_per_elem;	/* digital op per element, picoseconds */
	uint32_t link_mb_s;		/* host DMA bandwidth, MB/s */
	uint32_t program_row_ns;	/* program + verify one row of cells */
};

struct cim_fw_slot {
	uint32_t valid;
	uint32_t n_vtiles;
	uint32_t plan_size;
	uint16_t map[CIM_FW_MAX_VTILES];	/* vtile -> physical tile */
};

/*
 * Per-tile wear and activity, kept by the card across firmware resets and
 * driver reloads (it lives with the flash).  Shown to the host through the
 * TEL_* register window.
 */
struct cim_tile_stats {
	uint64_t mvms;			/* tile MVMs run */
	uint64_t program_rows;		/* program-and-verify pulses (rows) */
	uint64_t busy_ns;		/* modeled time the tile worked */
	uint32_t pe_cycles;		/* program/erase cycles */
	uint32_t reserved;
};

struct cim_fw {
	struct cim_hal *hal;
	struct cim_card_params p;
	uint32_t running;		/* handshake done */
	uint64_t sq_base, cq_base;
	uint32_t sq_entries, cq_entries;
	uint32_t sq_head, cq_tail, cq_seq;
	struct cim_fw_slot slots[CIM_FW_MAX_IMAGES];
	/* scratch: one batch item flowing through the layers */
	int8_t act_in[CIM_FW_MAX_VECTOR];
	int8_t act_out[CIM_FW_MAX_VECTOR];
	int32_t acc[CIM_FW_MAX_VECTOR];
	int32_t colsum[2 * CIM_FW_MAX_VECTOR];
	uint8_t chunk[4096];
	/* fault injection and telemetry (fw_fault.c, fw_telemetry.c) */
	uint32_t hung;			/* FAULT_HANG fired: wait for reset */
	uint32_t fault;			/* CIM_FAULT_* applying to this desc */
	uint64_t mvm_count;		/* charged MVMs since reset */
	uint64_t program_rows;		/* charged program rows since reset */
};

/* Power-on or reset: forget the rings and image slots (flash is kept). */
void cim_fw_reset(struct cim_fw *fw, struct cim_hal *hal);

/*
 * Do the pending work: the boot handshake once CTRL_ENABLE is set, then
 * every submission between SQ_HEAD and SQ_TAIL.  Returns the number of
 * descriptors completed (0 when idle).
 */
int cim_fw_poll(struct cim_fw *fw);

#endif /* _CIM_FW_H_ */
