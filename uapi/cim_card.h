/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * Host <-> card interface of the CIM card: register map, rings in host
 * memory, descriptors and completions, and the firmware boot handshake.
 * Shared by cim.ko, the virtual card and the card firmware; described in
 * docs/card-interface.md.
 *
 * All multi-byte fields are little endian.  Registers are 32 bits wide at
 * the byte offsets below (BAR0 on PCI, "reg" in the device tree).
 */
#ifndef _CIM_CARD_H_
#define _CIM_CARD_H_

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* host<->card interface version: major << 16 | minor */
#define CIM_IF_VERSION_MAJOR	1
#define CIM_IF_VERSION_MINOR	3
#define CIM_IF_VERSION		((CIM_IF_VERSION_MAJOR << 16) | CIM_IF_VERSION_MINOR)

#define CIM_HW_ID		0x43494d31u	/* "CIM1" */

/* --- register map (byte offsets) --------------------------------------- */
#define CIM_REG_ID		0x000	/* RO: CIM_HW_ID */
#define CIM_REG_HW_VERSION	0x004	/* RO: silicon / model revision */
#define CIM_REG_IF_VERSION	0x008	/* RO: interface the firmware speaks */
#define CIM_REG_FW_VERSION	0x00c	/* RO: valid once STATUS has READY */
#define CIM_REG_TILES		0x010	/* RO: physical tiles */
#define CIM_REG_TILE_ROWS	0x014	/* RO */
#define CIM_REG_TILE_COLS	0x018	/* RO */
#define CIM_REG_CELL_BITS	0x01c	/* RO */
#define CIM_REG_ADC_BITS	0x020	/* RO */
#define CIM_REG_ACT_BITS	0x024	/* RO */
#define CIM_REG_MAX_VECTOR	0x028	/* RO: longest layer vector */
#define CIM_REG_MAX_IMAGES	0x02c	/* RO: image slots */
#define CIM_REG_PLAN_BYTES	0x030	/* RO: plan bytes per image slot */
#define CIM_REG_ARENA_BYTES	0x034	/* RO: activation bytes per batch item */

#define CIM_REG_STATUS		0x040	/* RO: CIM_STATUS_* bits */
#define CIM_REG_CTRL		0x044	/* RW: CIM_CTRL_* bits */
#define CIM_REG_HOST_VERSION	0x048	/* RW: CIM_IF_VERSION of the driver */
#define CIM_REG_FW_ERROR	0x04c	/* RO: CIM_FWERR_* when STATUS has ERROR */
#define CIM_REG_RESET		0x050	/* WO: write CIM_RESET_MAGIC to reset */

#define CIM_REG_IRQ_STATUS	0x060	/* RW1C: CIM_IRQ_* */
#define CIM_REG_IRQ_MASK	0x064	/* RW: 1 = enabled */

#define CIM_REG_SQ_BASE_LO	0x080	/* RW: bus address of submission ring */
#define CIM_REG_SQ_BASE_HI	0x084
#define CIM_REG_SQ_ENTRIES	0x088	/* RW: power of two, 2..4096 */
#define CIM_REG_SQ_HEAD		0x08c	/* RO: next entry the card reads */
#define CIM_REG_SQ_TAIL		0x090	/* RW: doorbell: next free entry */
#define CIM_REG_CQ_BASE_LO	0x0a0	/* RW: bus address of completion ring */
#define CIM_REG_CQ_BASE_HI	0x0a4
#define CIM_REG_CQ_ENTRIES	0x0a8	/* RW: power of two, 2..4096 */
#define CIM_REG_CQ_HEAD		0x0ac	/* RW: next entry the host reads */
#define CIM_REG_CQ_TAIL		0x0b0	/* RO: next entry the card writes */

#define CIM_REG_CLOCK_LO	0x0c0	/* RO: modeled device time, ns */
#define CIM_REG_CLOCK_HI	0x0c4

/* Firmware download (PCI cards boot their MCU from the host). */
#define CIM_REG_FW_ADDR_LO	0x0e0	/* RW: bus address of the payload */
#define CIM_REG_FW_ADDR_HI	0x0e4
#define CIM_REG_FW_SIZE		0x0e8	/* RW: payload bytes */
#define CIM_REG_FW_BOOT		0x0ec	/* WO: CIM_FW_BOOT_MAGIC starts it */
#define CIM_FW_BOOT_MAGIC	0x424f4f54u	/* "BOOT" */

#define CIM_REG_SPACE		0x1000	/* size of the register window */

#define CIM_STATUS_READY	(1u << 0)	/* firmware runs the rings */
#define CIM_STATUS_ERROR	(1u << 1)	/* firmware stopped, see FW_ERROR */
#define CIM_STATUS_BOOTING	(1u << 2)

#define CIM_CTRL_ENABLE		(1u << 0)	/* start the rings */

#define CIM_RESET_MAGIC		0x52535421u	/* "RST!" */

#define CIM_IRQ_CPL		(1u << 0)	/* new completion(s) */
#define CIM_IRQ_READY		(1u << 1)	/* boot handshake done */
#define CIM_IRQ_ERROR		(1u << 2)	/* firmware error */

#define CIM_FWERR_NONE		0
#define CIM_FWERR_VERSION	1	/* HOST_VERSION major not supported */
#define CIM_FWERR_RING		2	/* ring base/size invalid */
#define CIM_FWERR_DMA		3	/* ring DMA failed */

/*
 * Boot handshake: after reset the firmware sets STATUS=BOOTING, then idles.
 * The host writes the ring registers and HOST_VERSION and sets
 * CTRL_ENABLE.  The firmware checks the host's major version and the
 * rings, then writes FW_VERSION and IF_VERSION, sets STATUS=READY and
 * raises CIM_IRQ_READY; on failure it sets STATUS=ERROR, FW_ERROR and
 * raises CIM_IRQ_ERROR.
 */

/* --- scatter-gather tables --------------------------------------------- */

/* One contiguous piece of host memory.  Tables are arrays of these. */
struct cim_sg_entry {
	uint64_t addr;		/* bus address */
	uint32_t len;		/* bytes */
	uint32_t reserved;
};

/*
 * A byte range in a host buffer described by an SG table: bytes
 * [offset, offset + length) of the concatenation of the table's entries.
 */
struct cim_dma_ref {
	uint64_t sg_addr;	/* bus address of struct cim_sg_entry[] */
	uint32_t sg_count;	/* 0 = no buffer */
	uint32_t reserved;
	uint64_t offset;
	uint64_t length;
};

/* --- submission descriptors -------------------------------------------- */

#define CIM_OPC_NOP		0	/* completes at once */
#define CIM_OPC_PROGRAM		1	/* program image into its tiles */
#define CIM_OPC_RUN		2	/* run a programmed image */
#define CIM_OPC_UNLOAD		3	/* forget an image slot */
#define CIM_OPC_TELEMETRY	4	/* snapshot of the card's counters */

/* Descriptor flags. */
#define CIM_DESCF_EXIT_MARGIN	(1u << 0)	/* RUN: exit_margin overrides */

/*
 * PROGRAM: src = the image (uapi/cim_image.h), map = uint16_t[n_vtiles]
 *   physical tile for each virtual tile, slot = image slot to fill.
 * RUN: slot = programmed image; src = batch * input_size bytes;
 *   dst = batch * output_size bytes; result = 0 or 32 bytes receiving a
 *   struct cim_job_record.
 *   With CIM_DESCF_EXIT_MARGIN, exit_margin replaces the exit_margin of
 *   every CIM_OP_EXIT of the image for this job (a value above 255 turns
 *   early exit off).  A result of at least 32 + batch bytes also
 *   receives, after the record, one byte per item: the index of the exit
 *   the item took (0 = first exit op of the plan), or the image's n_exits
 *   if it ran to the end.
 * UNLOAD: slot = image slot to clear.
 * TELEMETRY: dst = buffer receiving struct cim_telemetry and then
 *   struct cim_tile_telemetry for as many physical tiles as fit (at most
 *   CIM_REG_TILES); dst.length must hold the header.  slot must be 0.
 * flags: only CIM_DESCF_EXIT_MARGIN, only on RUN; exit_margin is 0
 *   unless that flag is set.
 */
struct cim_desc {
	uint32_t opcode;
	uint32_t flags;		/* CIM_DESCF_* */
	uint64_t tag;		/* echoed in the completion */
	uint32_t slot;
	uint32_t batch;
	uint32_t map_count;
	uint32_t exit_margin;	/* RUN with CIM_DESCF_EXIT_MARGIN */
	uint64_t map_addr;	/* bus address of the tile map */
	struct cim_dma_ref src;
	struct cim_dma_ref dst;
	struct cim_dma_ref result;
};

/* Status codes, shared with struct drm_cim_job_result. */
#define CIM_ST_OK		0
#define CIM_ST_BAD_DESC		1
#define CIM_ST_BAD_IMAGE	2
#define CIM_ST_DMA_ERROR	3
#define CIM_ST_NO_IMAGE		4
#define CIM_ST_VERIFY_FAIL	5

struct cim_cpl {
	uint64_t tag;
	uint32_t status;	/* CIM_ST_* */
	uint32_t batch_done;
	uint64_t device_time_ns;
	uint32_t seq;		/* phase: increments each completion */
	uint32_t reserved;
};

/*
 * What RUN writes at desc.result: same layout as drm_cim_job_result.
 * queue_time_ns: modeled time the job waited on the card between the
 * poll that found it in the submission ring and its start.  n_exited:
 * items that stopped at an early exit.  Followed by the per-item exit
 * bytes when the result buffer has room (see struct cim_desc).
 */
struct cim_job_record {
	uint32_t status;
	uint32_t batch_done;
	uint64_t device_time_ns;
	uint64_t queue_time_ns;
	uint32_t n_exited;
	uint32_t reserved;
};

/* --- telemetry (CIM_OPC_TELEMETRY) ---------------------------------------- */

#define CIM_TELEMETRY_VERSION	1

/*
 * Counters the firmware keeps since its last reset (a card reset or a
 * reload of the virtual card clears them).  Times are modeled device
 * nanoseconds.  The last_* fields describe the most recent RUN.  The
 * struct cim_tile_telemetry records that follow count since power-on
 * (they live with the flash: a card reset and a driver reload keep them);
 * they are what the TEL_* register window shows.
 */
struct cim_telemetry {
	uint32_t version;	/* CIM_TELEMETRY_VERSION */
	uint32_t header_size;	/* sizeof(struct cim_telemetry) */
	uint32_t tile_size;	/* sizeof(struct cim_tile_telemetry) */
	uint32_t n_tiles;	/* tile records that follow */
	uint64_t clock_ns;	/* device clock at the snapshot */
	uint64_t jobs;		/* descriptors completed */
	uint64_t run_jobs;	/* RUN descriptors completed OK */
	uint64_t items;		/* batch items run */
	uint64_t items_exited;	/* of which stopped at an early exit */
	uint64_t device_ns;	/* sum of device_time_ns of all jobs */
	uint64_t queue_ns;	/* sum of queue times of all jobs */
	uint64_t last_device_ns;
	uint64_t last_queue_ns;
	uint64_t last_pipelined_ns;	/* makespan of the pipelined schedule */
	uint64_t last_naive_ns;		/* what one layer at a time would take */
	uint64_t last_macs;		/* weight MACs of the last RUN */
	uint32_t sched_naive;	/* 1: the card runs one layer at a time */
	uint32_t reserved;
};

/*
 * One physical tile (array + its SIMD unit), since power-on.  An MVM is
 * one block of a layer applied to one pixel (FC: one item); its MACs are
 * the block's rows x outputs; busy_ns is the modeled time of the tile's
 * MVMs, simd_ns of its SIMD unit's work (requantization, partial-sum
 * adds, pools, residual adds, exits).  A program pulse is one
 * program-and-verify step applied to a row of cells together: a row
 * costs as many as its slowest cell needs (ideal arrays: 1 if any cell
 * of the row is not erased, else 0), plus the cell-by-cell pulses of
 * columns moved to spares and of cells that failed to verify, plus the
 * top-up pulses of refresh reprogramming.  pe_cycles: erases, the count
 * READ_WEAR reports.
 */
struct cim_tile_telemetry {
	uint64_t busy_ns;	/* modeled array busy time (MVMs) */
	uint64_t simd_ns;	/* modeled SIMD busy time */
	uint64_t mvms;		/* array MVMs */
	uint64_t macs;		/* weight MACs those MVMs computed */
	uint64_t simd_ops;	/* SIMD element operations */
	uint64_t program_pulses;	/* program-and-verify pulses */
	uint32_t pe_cycles;	/* erases (program/erase cycles) */
	uint32_t reserved;
};

/*
 * Firmware file for PCI cards (/lib/firmware/cim/cim-fw.bin): this header,
 * then size bytes of MCU image.  crc32 is CRC-32/IEEE of the payload.
 */
#define CIM_FW_FILE_MAGIC	0x464d4943u	/* "CIMF" */
struct cim_fw_file_header {
	uint32_t magic;
	uint32_t if_version;	/* interface the firmware speaks */
	uint32_t fw_version;
	uint32_t size;
	uint32_t crc32;
	uint32_t reserved[3];
};

/* Prototype PCI identity. */
#define CIM_PCI_VENDOR_ID	0x1ded
#define CIM_PCI_DEVICE_ID	0xc1a0

#define CIM_RING_MIN_ENTRIES	2
#define CIM_RING_MAX_ENTRIES	4096

/* --- analog arrays: calibration, refresh, telemetry ---------------------
 * Appended for the analog array model (docs/card-interface.md,
 * "Analog arrays"; the model itself: docs/analog-model.md).  The
 * opcodes sit apart from the job opcodes above.
 */
#define CIM_REG_ANALOG		0x200	/* RO: 0 ideal arrays, 1 analog */
#define CIM_REG_SPARE_COLS	0x204	/* RO: spare columns per tile */
#define CIM_REG_REFRESH_POLICY	0x208	/* RW: CIM_REFRESH_* */
#define CIM_REG_REFRESH_THRESH	0x20c	/* RW: drift threshold, ppm; 0 = default */

#define CIM_REFRESH_OFF		0	/* never (the reset default) */
#define CIM_REFRESH_RECALIBRATE	1	/* re-measure gain/offset of the tile */
#define CIM_REFRESH_REPROGRAM	2	/* re-read and top up every cell */
#define CIM_REFRESH_THRESH_DEFAULT 20000	/* 2 % estimated level loss */

/*
 * CALIBRATE: map = uint16_t[map_count] physical tiles (map_count 0: every
 *   programmed tile); measures each column's gain and offset with test
 *   vectors and stores the compensation the tile's MVMs then apply.
 * ANALOG_STATS: map as CALIBRATE (map_count 0: tiles 0..TILES-1 in
 *   order); dst receives one struct cim_analog_tile_stats per tile.
 */
#define CIM_OPC_CALIBRATE	0x10
#define CIM_OPC_ANALOG_STATS	0x11

/*
 * CIM_ST_VERIFY_FAIL (above) is also what PROGRAM reports when a cell
 * cannot verify within the pulse cap and its tile has no spare column
 * left to take over the column.
 */

#define CIM_TILE_AN_PROGRAMMED	(1u << 0)	/* holds programmed cells */
#define CIM_TILE_AN_CALIBRATED	(1u << 1)	/* compensation in use */

/* Per physical tile, 64 bytes; counters count since power-on. */
struct cim_analog_tile_stats {
	uint64_t program_pulses;	/* program-and-verify pulses, all cells */
	uint64_t adc_clips;		/* column conversions clipped */
	uint64_t programmed_ns;		/* clock at the last (re)programming */
	uint32_t pe_cycles;		/* erases */
	uint32_t spare_used;		/* columns remapped to spare columns */
	uint32_t verify_failures;	/* cells that could not verify */
	uint32_t refreshes;		/* reprograms by the refresh policy */
	uint32_t recalibrations;	/* recalibrations by the refresh policy */
	uint32_t calibrations;		/* all calibrations */
	uint32_t drift_ppm;		/* estimated level loss since programming */
	uint32_t flags;			/* CIM_TILE_AN_* */
	uint32_t misreads;		/* refresh re-reads that found another level */
	uint32_t adc_reranges;		/* over-range conversions repeated wider */
};

/*
 * CALIB_REPORT: map as CALIBRATE (map_count 0: tiles 0..TILES-1 in
 *   order); dst receives one struct cim_calib_tile_report per tile: the
 *   column error its last CALIBRATE measured before and after.  Appended
 *   for `cimctl calibrate` (docs/card-interface.md, "Analog arrays").
 *   A card without it answers CIM_ST_BAD_DESC.
 *
 * The error is the rms, over the conversions of a few fresh test
 * vectors on every column holding a programmed cell, of the column's
 * compensated reading less what its targets sum to, in 1/256 of a cell
 * level (q8).  "Before": the same vectors read with the trims in use
 * when CALIBRATE began (none on a fresh tile); "after": with the new
 * ones.
 */
#define CIM_OPC_CALIB_REPORT	0x12

/* Per physical tile, 32 bytes. */
struct cim_calib_tile_report {
	uint64_t calibrated_ns;		/* clock at the last CALIBRATE; 0 never */
	uint32_t err_before_q8;		/* rms column error, old trims */
	uint32_t err_after_q8;		/* rms column error, new trims */
	uint32_t columns;		/* columns measured */
	uint32_t samples;		/* conversions behind each figure */
	uint32_t flags;			/* CIM_TILE_AN_* */
	uint32_t reserved;
};

/* --- interface 1.1: slot tags, slot table and wear read-back ------------ */

/*
 * The card keeps, per image slot, a tag the host wrote at PROGRAM time and
 * a program/erase (P/E) count per physical tile.  Both survive a host
 * driver re-bind (a CTRL_ENABLE cycle): the slot table is lost only on a
 * card reset or power loss, the P/E counts never.
 */
#define CIM_OPC_READ_WEAR	5	/* dst <- uint32_t pe[TILES] */
#define CIM_OPC_READ_SLOT	6	/* dst <- struct cim_slot_info of slot */

/*
 * PROGRAM flag: a struct cim_slot_tag follows the tile map at
 * map_addr + CIM_SLOT_TAG_OFFSET(map_count); the card stores it with the
 * slot.  Without it the slot's tag is all zero.
 */
#define CIM_DESC_F_TAG		(1u << 1)
#define CIM_SLOT_TAG_OFFSET(map_count)	((((map_count) * 2u) + 7u) & ~7u)

/* Opaque to the card: the host's content digest of the image. */
struct cim_slot_tag {
	uint8_t digest[32];
	uint64_t size;		/* image bytes */
	uint64_t reserved;
};

#define CIM_SLOT_MAX_VTILES	256

/* What READ_SLOT writes (dst.length >= sizeof). */
struct cim_slot_info {
	uint32_t valid;		/* 1: the slot holds a runnable image */
	uint32_t n_vtiles;
	uint32_t plan_size;
	uint32_t reserved;
	struct cim_slot_tag tag;
	uint16_t map[CIM_SLOT_MAX_VTILES];	/* vtile -> physical tile */
};
/* --- card management (interface 1.1, all optional for older firmware) --- */
/*
 * Appended for recovery, telemetry, sensors, power and fault injection;
 * described in docs/card-interface.md ("Management registers").
 */
/*
 * The TEL_* window shows the struct cim_tile_telemetry of one tile (the
 * same counters, since power-on).  Interface 1.1 cards counted pulses as
 * programmed rows and busy time as MVMs at full-array cost spread evenly
 * over an image's tiles.
 */
#define CIM_REG_TEL_TILE	0x120	/* RW: tile the TEL_* window shows */
#define CIM_REG_TEL_PE		0x124	/* RO: program/erase cycles of it */
#define CIM_REG_TEL_MVM_LO	0x128	/* RO: MVMs it ran, bits 31..0 */
#define CIM_REG_TEL_MVM_HI	0x12c
#define CIM_REG_TEL_PULSE_LO	0x130	/* RO: program pulses, 31..0 */
#define CIM_REG_TEL_PULSE_HI	0x134
#define CIM_REG_TEL_BUSY_LO	0x138	/* RO: modeled MVM time, ns, 31..0 */
#define CIM_REG_TEL_BUSY_HI	0x13c
/* interface 1.2: read them only from a card reporting IF_VERSION >= 1.2 */
#define CIM_REG_TEL_MAC_LO	0x140	/* RO: weight MACs, 31..0 */
#define CIM_REG_TEL_MAC_HI	0x144
#define CIM_REG_TEL_SIMD_LO	0x148	/* RO: SIMD element ops, 31..0 */
#define CIM_REG_TEL_SIMD_HI	0x14c
#define CIM_REG_TEL_SIMD_NS_LO	0x118	/* RO: modeled SIMD time, ns, 31..0 */
#define CIM_REG_TEL_SIMD_NS_HI	0x11c

#define CIM_REG_TEMP_MC		0x150	/* RO: card temperature, milli-degC */
#define CIM_REG_POWER_UW	0x154	/* RO: card power, microwatts */
#define CIM_REG_POWER_STATE	0x158	/* RW: CIM_POWER_* */
#define CIM_REG_PERF_MODE	0x15c	/* RW: CIM_PERF_* */
#define CIM_REG_ADC_BITS_CFG	0x160	/* RW: ADC bits in use, 0 = ADC_BITS */

#define CIM_REG_DBG_FAULT	0x170	/* RW: write 1s to arm CIM_FAULT_*;
					 * the card clears a bit as it fires */
#define CIM_REG_DBG_FIRED	0x174	/* RO: faults fired since power-on */

#define CIM_REG_LOG_WPTR	0x180	/* RO: bytes the firmware has logged */
#define CIM_REG_LOG_BASE	0x400	/* RO: firmware log ring, LOG_SIZE bytes */
#define CIM_LOG_SIZE		0x400

#define CIM_POWER_ACTIVE	0
#define CIM_POWER_SLEEP		1	/* clocks gated; doorbells wait */

#define CIM_PERF_PERFORMANCE	0
#define CIM_PERF_BALANCED	1
#define CIM_PERF_EFFICIENCY	2

/* One-shot faults for recovery tests (debug builds and the virtual card). */
#define CIM_FAULT_HANG		(1u << 0)	/* next RUN never completes */
#define CIM_FAULT_DMA		(1u << 1)	/* next RUN fails: DMA_ERROR */
#define CIM_FAULT_TILE		(1u << 2)	/* next RUN fails: TILE_FAULT */
#define CIM_FAULT_PROGRAM	(1u << 3)	/* next PROGRAM: VERIFY_FAIL */
#define CIM_FAULT_CRASH		(1u << 4)	/* firmware dies at next RUN */
#define CIM_FAULT_ALL		0x1fu

#define CIM_FWERR_CRASH		4	/* firmware crashed (FAULT_CRASH) */

/* A tile failed while the job used it (status shared with the uapi). */
#define CIM_ST_TILE_FAULT	8

/* --- interface 1.3: progress and cancel ---------------------------------
 * docs/card-interface.md, "Progress and cancel".  The firmware counts
 * work steps (a batch item's ops, a chunk of programmed cells) as it
 * goes; the host tells a long job from a hung one by whether the count
 * moves.  Read them only from a card reporting IF_VERSION >= 1.3.
 */
#define CIM_REG_PROGRESS	0x0c8	/* RO: steps done since reset, wraps */
#define CIM_REG_JOB_TAG_LO	0x0d0	/* RO: tag of the descriptor running, */
#define CIM_REG_JOB_TAG_HI	0x0d4	/*     0 when idle */
#define CIM_REG_JOB_DONE	0x0d8	/* RO: steps done of that descriptor */
#define CIM_REG_CANCEL_TAG_LO	0x0f0	/* RW: tag of a descriptor to abort */
#define CIM_REG_CANCEL_TAG_HI	0x0f4

/* The descriptor was aborted on the host's request (CANCEL_TAG). */
#define CIM_ST_CANCELED		9

/* The firmware failed its self-test after a reset (fault injection). */
#define CIM_FWERR_BOOT		5

#endif /* _CIM_CARD_H_ */
