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

/* fw_time.c: charges to the modeled device clock */
uint64_t fw_div_u64_u32(uint64_t n, uint32_t d);
void fw_charge_dma(struct cim_fw *fw, uint64_t bytes);
void fw_charge_mvm(struct cim_fw *fw, uint32_t count);
void fw_charge_simd(struct cim_fw *fw, uint64_t elems);
void fw_charge_program(struct cim_fw *fw, uint32_t rows);

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

/* fw_run.c: fills c->status, batch_done and device_time_ns */
void fw_run(struct cim_fw *fw, const struct cim_desc *d, struct cim_cpl *c,
	    uint64_t t0);

/*
 * fw_fault.c: one-shot faults armed by the host in DBG_FAULT.  Called
 * with each descriptor before it runs: 0 to go on, FW_STEP_HUNG to stop
 * without a completion until reset, or a CIM_FWERR_* to crash.
 */
#define FW_STEP_HUNG	0x100
uint32_t fw_fault_check(struct cim_fw *fw, const struct cim_desc *d);
/* a fault that replaces the descriptor's work; CIM_ST_OK if none */
uint32_t fw_fault_status(struct cim_fw *fw, const struct cim_desc *d);

/* fw_telemetry.c: charge a finished descriptor to its tiles */
void fw_tel_account(struct cim_fw *fw, const struct cim_desc *d,
		    const struct cim_cpl *c, uint64_t mvm0, uint64_t rows0);

/* fw_log.c: append "msg val\n" to the log ring the host can read */
void fw_log(struct cim_fw *fw, const char *msg, uint32_t val);

#endif /* _CIM_FW_INTERNAL_H_ */
