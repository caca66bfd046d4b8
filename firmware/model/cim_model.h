/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The array model of the emulated cards: what the flash arrays of a CIM
 * card do when the firmware programs, reads and drives them, with the
 * modeled time of those operations.  It implements the array operations
 * of cim_fw_hal.h for every emulator (the kernel virtual card, the
 * userspace card, the host tests); the card MCU image does not contain
 * it.  Ideal arrays (params.analog = 0) are exact integer stores; analog
 * ones get programming error, drift, read noise, column gain and offset,
 * ADCs and weak columns: docs/analog-model.md.
 *
 * The platform gives the model its memory (struct cim_model) and finds
 * it again through cim_hal_model().  Cells and state live with the
 * flash: zeroed at power-on, kept across firmware resets.
 */
#ifndef _CIM_MODEL_H_
#define _CIM_MODEL_H_

#include "../cim_fw.h"

struct cim_model {
	struct cim_card_params p;	/* the card's (cim_hal_params()) */
	uint8_t *cells;			/* tiles * rows * cols, one a byte */
	void *state;			/* cim_model_state_bytes(&p) */
	/* fault: this cell of this tile reads stuck_val (tile < 0: none) */
	int stuck_tile;
	uint32_t stuck_cell;
	uint8_t stuck_val;
};

/* Bytes of model->cells and model->state for a card. */
size_t cim_model_cells_bytes(const struct cim_card_params *p);
size_t cim_model_state_bytes(const struct cim_card_params *p);

/* A preset of the emulated cards (model_presets.c): m1076 or small. */
struct cim_model_preset {
	const char *name;
	struct cim_card_params p;	/* geometry and timing; analog off */
	uint32_t plan_kb;		/* plan memory per image slot */
};
const struct cim_model_preset *cim_model_preset(const char *name);

/*
 * Power and temperature (model_sensors.c), from the host time the
 * firmware thread was busy; times in host nanoseconds.
 */
struct cim_model_thermal {
	uint64_t last_ns;		/* last update */
	uint64_t busy_last;		/* busy time at that update */
	uint32_t temp_mc;		/* milli-degC */
	uint32_t power_uw;		/* over the last interval */
};
void cim_model_thermal_init(struct cim_model_thermal *th, uint64_t now_ns);
/* At the performance mode and power state in the registers r[]. */
void cim_model_thermal_update(struct cim_model_thermal *th, uint64_t now_ns,
			      uint64_t busy_ns, const uint32_t *r);

/*
 * A TEL_* register (CIM_REG_TEL_*, uapi/cim_card.h) of the tile whose
 * counters are s and program/erase count pe.
 */
uint32_t cim_model_tel_read(const struct cim_tile_stats *s, uint32_t pe,
			    uint32_t reg);

/*
 * The register file as the host sees it (model_regs.c): r is the
 * platform's CIM_REG_SPACE / 4 registers, its lock held around each call.
 * Power-on values of the identification registers:
 */
void cim_model_regs_init(uint32_t *r, const struct cim_card_params *p,
			 uint32_t plan_bytes, uint32_t act_bytes);
/* A host read: the clock, the TEL_* window, the sensors, else r[]. */
uint32_t cim_model_reg_read(struct cim_hal *h, const uint32_t *r,
			    uint64_t clock_ns,
			    const struct cim_model_thermal *th, uint32_t off);
/*
 * A host write (off < CIM_REG_SPACE, 4-aligned): CIM_MODEL_WR_KICK when
 * the firmware must look at the rings, CIM_MODEL_WR_RESET when RESET was
 * written (status reads 0 from now on; the platform drops the old
 * firmware's writes and resets it), else 0.
 */
#define CIM_MODEL_WR_KICK	1u
#define CIM_MODEL_WR_RESET	2u
uint32_t cim_model_reg_write(struct cim_hal *h, uint32_t *r,
			     uint32_t adc_bits, uint32_t off, uint32_t val);
/* Modeled time ns at the performance mode in r[]: slower when saving power. */
uint64_t cim_model_clock_scale(const uint32_t *r, uint64_t ns);

/* The platform's: the model of this card. */
struct cim_model *cim_hal_model(struct cim_hal *h);
/*
 * The platform's: bring the thermal model up to now (its time source and
 * busy time), before the power state or mode changes.  Lock held.
 */
void cim_model_sensors_update(struct cim_hal *h);

#endif /* _CIM_MODEL_H_ */
