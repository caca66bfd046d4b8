/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Inside the userspace card (cim_sim.h): the firmware knows it as
 * struct cim_hal.  Lock order: reg_lock, then dma_lock; irq_lock is a
 * leaf.  The firmware thread owns fw and everything in the flash; the
 * host reaches them only through registers and DMA.
 */
#ifndef _CIM_SIM_INT_H_
#define _CIM_SIM_INT_H_

#include <pthread.h>
#include <stdint.h>

#include "../cim_fw.h"
#include "../model/cim_model.h"
#include "cim_sim.h"

struct sim_map {
	uintptr_t addr;
	size_t len;
};

/*
 * The flash file: this header, then the regions it gives offsets of.
 * Everything in it outlives the process when the file is a real file.
 */
#define SIM_FLASH_MAGIC		0x48534c46534d4943ull	/* "CIMSFLSH" */
#define SIM_FLASH_VERSION	1

struct sim_flash_hdr {
	uint64_t magic;
	uint32_t version;
	uint32_t params_size;		/* sizeof(struct cim_card_params) */
	struct cim_card_params params;	/* geometry and model of the card */
	uint32_t plan_bytes;
	uint32_t slots_valid;		/* slots[] hold the last card's table */
	uint64_t total;			/* bytes of the file */
	uint64_t clock_ns;		/* modeled clock when last stopped */
	uint64_t off_cells, off_analog, off_pe, off_tstats, off_plan,
		 off_slots, off_model;
};

struct cim_hal {
	/* register file */
	pthread_mutex_t reg_lock;
	uint32_t regs[CIM_REG_SPACE / 4];
	uint64_t clock_ns;

	struct cim_card_params params;
	char preset[16];
	uint32_t plan_bytes, act_bytes, threads;
	uint8_t *act;

	/* flash (sim_flash.c) */
	struct sim_flash_hdr *flash;	/* mapping of the whole file */
	int flash_fd;			/* -1: anonymous memory */
	int flash_loaded;
	struct cim_model model;		/* cells and state in the flash */
	uint8_t *analog, *plan;
	uint32_t *pe;
	struct cim_tile_stats *tstats;
	struct cim_fw_slot *slots;

	/* DMA (sim_dma.c): sorted by address */
	pthread_mutex_t dma_lock;
	struct sim_map *maps;
	size_t nmaps, cap_maps;

	/* interrupt delivery */
	pthread_mutex_t irq_lock;
	cim_sim_irq_fn irq_fn;
	void *irq_ctx;
	int irq_fd;

	/* the firmware and its thread */
	struct cim_fw *fw;
	pthread_t thread;
	pthread_cond_t wake;		/* with reg_lock */
	uint32_t events;		/* SIM_EV_*, under reg_lock */
	int fw_waiting;			/* the fw thread sleeps for events */
	int stop;
	int reset_held;			/* RESET written, thread not back */

	/*
	 * sim_mvm.c: each tile's cells four rows interleaved (for the dot
	 * product instruction), as of the tile's wstamp (layout_lock)
	 */
	struct sim_il {
		struct sim_layout {
			uint8_t *buf;
			uint32_t stamp, valid;
		} il, pk;	/* pk: two cells a byte (sim_pk()) */
	} *il;
	/* sim_colsum.c: column sums of blocks (layout_lock) */
	struct sim_csum *csum;

	/*
	 * sim_pool.c: workers that take column blocks of a large MVM with
	 * the firmware thread (threads - 1 of them); pool.lock is a leaf
	 */
	struct sim_pool {
		pthread_t th[8];
		uint32_t n;			/* workers started */
		pthread_mutex_t lock;
		pthread_cond_t go, done;
		uint64_t gen;			/* jobs posted */
		uint32_t pending;		/* workers still on the job */
		int stop;
		void (*fn)(void *arg, uint32_t chunk);
		void *arg;
		uint32_t chunks, next;		/* next: taken atomically */
		int active;			/* a job is out: run inline */
	} pool;
	/* batch items run at once (cim_hal_lanes()): lanes 1.. memory */
	void *lane_mem[8];
	uint32_t lane_bytes;
	/* sim_mvm.c and sim_colsum.c: their layouts, shared by the lanes */
	pthread_mutex_t layout_lock;

	/* sensors (sim_regs.c) */
	uint64_t busy_ns;		/* host time the firmware worked */
	struct cim_model_thermal th;
};

#define SIM_EV_KICK	1u
#define SIM_EV_RESET	2u

/* sim_config.c */
int sim_config_params(const struct cim_sim_config *cfg, struct cim_hal *h,
		      uint64_t *age_s, char *err, size_t errlen);

/* sim_regs.c */
void sim_regs_init(struct cim_hal *h);
uint64_t sim_now_ns(void);

/* sim_flash.c */
int sim_flash_open(struct cim_hal *h, const char *path, char *err,
		   size_t errlen);
void sim_flash_save(struct cim_hal *h);
void sim_flash_close(struct cim_hal *h);

/* sim_dma.c */
void sim_dma_fini(struct cim_hal *h);

/* sim_mvm.c */
void sim_mvm_fini(struct cim_hal *h);

/* sim_colsum.c */
void sim_colsum_fini(struct cim_hal *h);

/* sim_pool.c: run fn(arg, 0..chunks-1) on the pool and this thread */
int sim_pool_start(struct cim_hal *h);
void sim_pool_stop(struct cim_hal *h);
void sim_pool_run(struct cim_hal *h, void (*fn)(void *arg, uint32_t chunk),
		  void *arg, uint32_t chunks);
void sim_lanes_fini(struct cim_hal *h);

#endif /* _CIM_SIM_INT_H_ */
