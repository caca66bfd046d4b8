/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Firmware-internal interfaces between the core's source files.  Not for
 * platforms: they only see cim_fw.h and implement cim_fw_hal.h.
 */
#ifndef _CIM_FW_INTERNAL_H_
#define _CIM_FW_INTERNAL_H_

#include "cim_fw.h"
#include "cim_fw_hal.h"

#define FW_MIN(a, b)	((a) < (b) ? (a) : (b))

#define FW_MAX(a, b)	((a) > (b) ? (a) : (b))

/*
 * fw_time.c: the cost model and charges to the modeled device clock.
 * While fw->hold is set, charges accumulate in fw->held_ns instead: RUN
 * measures its DMA that way and lets the scheduler place it.
 */
uint64_t fw_div_u64_u32(uint64_t n, uint32_t d);
void fw_time_init(struct cim_fw *fw);
void fw_adc_latch(struct cim_fw *fw);
void fw_charge_ns(struct cim_fw *fw, uint64_t ns);
uint64_t fw_dma_ns(const struct cim_fw *fw, uint64_t bytes);
void fw_charge_dma(struct cim_fw *fw, uint64_t bytes);
void fw_charge_program(struct cim_fw *fw, uint32_t rows);
/* picoseconds of one MVM over rows x cols cells of a tile */
uint64_t fw_mvm_ps(const struct cim_fw *fw, uint32_t rows, uint32_t cols);
uint64_t fw_simd_ps(const struct cim_fw *fw, uint64_t elems);
uint64_t fw_simd_mac_ps(const struct cim_fw *fw, uint64_t pixels, uint32_t N,
			uint32_t Kg);
uint64_t fw_xfer_ps(const struct cim_fw *fw, uint64_t bytes);

/* fw_dma.c: plain bus transfers, charged to the clock; 0 or -1 */
int fw_bus_read(struct cim_fw *fw, uint64_t bus, void *dst, uint32_t len);
int fw_bus_write(struct cim_fw *fw, uint64_t bus, const void *src,
		 uint32_t len);

/* Entries of an SG table fetched per table read. */
#define FW_SG_CACHE	4

/*
 * Position in a struct cim_dma_ref.  Sequential transfers continue where
 * the previous one stopped, so streaming a buffer reads its SG table once
 * instead of once per transfer.  Lives on the caller's stack.
 */
struct fw_sg_cursor {
	const struct cim_dma_ref *ref;
	uint64_t ent_start;	/* buffer offset where entry ent starts */
	uint32_t ent;		/* current entry */
	uint32_t cache_first;	/* entry index of cache[0] */
	uint32_t cache_n;	/* valid entries in cache */
	struct cim_sg_entry cache[FW_SG_CACHE];
};

void fw_sg_open(struct fw_sg_cursor *cur, const struct cim_dma_ref *ref);
/* bytes [off, off + len) of the ref's range; 0 or -1 */
int fw_sg_read(struct cim_fw *fw, struct fw_sg_cursor *cur, uint64_t off,
	       void *dst, uint32_t len);
int fw_sg_write(struct cim_fw *fw, struct fw_sg_cursor *cur, uint64_t off,
		const void *src, uint32_t len);

/* fw_job.c: run one descriptor, fill its completion (all but seq) */
void fw_job_exec(struct cim_fw *fw, const struct cim_desc *d,
		 struct cim_cpl *c);

/* fw_plan.c: is the plan in plan memory safe to program and run? */
uint32_t fw_plan_check(struct cim_fw *fw, const uint8_t *plan,
		       uint32_t plan_max);

/* fw_program.c: CIM_ST_* */
uint32_t fw_program(struct cim_fw *fw, const struct cim_desc *d);
uint32_t fw_unload(struct cim_fw *fw, const struct cim_desc *d);

/* fw_catalog.c: slot tags, slot table and wear read-back */
uint32_t fw_slot_tag_load(struct cim_fw *fw, const struct cim_desc *d,
			  struct cim_fw_slot *s);
uint32_t fw_read_wear(struct cim_fw *fw, const struct cim_desc *d);
uint32_t fw_read_slot(struct cim_fw *fw, const struct cim_desc *d);

/* fw_run.c: fills c->status, batch_done and device_time_ns */
void fw_run(struct cim_fw *fw, const struct cim_desc *d, struct cim_cpl *c,
	    uint64_t t0);

/* fw_exec.c: the ops of one batch item, in the arena */
int8_t *fw_tensor(struct cim_fw *fw, const uint8_t *plan, uint32_t t);
/* Tensor t of the item in xc (fw_tensor(): the firmware's own, lane 0). */
int8_t *fw_xtensor(struct fw_xctx *xc, const uint8_t *plan, uint32_t t);
/*
 * Run the item's ops from the input in tensor 0; returns the ops run
 * (the plan's n_ops, or one past the exit taken) and sets *exit_idx to
 * the exit taken (n_exits: none) and *result to the result tensor.
 */
uint32_t fw_exec_item(struct cim_fw *fw, struct fw_xctx *xc,
		      const uint8_t *plan, const struct cim_fw_slot *s,
		      int use_margin, uint32_t margin, uint32_t *exit_idx,
		      uint32_t *result);

/* fw_sched.c: modeled time of a RUN, item by item */
void fw_sched_begin(struct cim_fw *fw, const uint8_t *plan);
void fw_sched_item(struct cim_fw *fw, const uint8_t *plan,
		   const struct cim_fw_slot *s, uint32_t n_run,
		   uint32_t result, uint64_t in_ns, uint64_t out_ns);

/* fw_tele.c: telemetry */
uint32_t fw_telemetry(struct cim_fw *fw, const struct cim_desc *d);
void fw_tele_job(struct cim_fw *fw, const struct cim_desc *d,
		 const struct cim_cpl *c);
/*
 * fw_fault.c: one-shot faults armed by the host in DBG_FAULT.  Called
 * with each descriptor before it runs: 0 to go on, FW_STEP_HUNG to stop
 * without a completion until reset, or a CIM_FWERR_* to crash.
 */
#define FW_STEP_HUNG	0x100

/*
 * fw_host_if.c: progress the host watches (PROGRESS, JOB_DONE) and the
 * host's cancel request.  fw_progress() counts steps of the running job
 * and returns nonzero when the host asked to abort it.
 */
int fw_progress(struct cim_fw *fw, uint32_t steps);
uint32_t fw_fault_check(struct cim_fw *fw, const struct cim_desc *d);
/* a fault that replaces the descriptor's work; CIM_ST_OK if none */
uint32_t fw_fault_status(struct cim_fw *fw, const struct cim_desc *d);

/* fw_log.c: append "msg val\n" to the log ring the host can read */
void fw_log(struct cim_fw *fw, const char *msg, uint32_t val);

#endif /* _CIM_FW_INTERNAL_H_ */
