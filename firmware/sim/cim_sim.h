/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The userspace card: a CIM card inside the calling process.
 *
 * It runs the card firmware core (the firmware/ sources, unchanged) on a thread of
 * its own, over the same emulated hardware the kernel virtual card
 * (kernel/vcard/) gives it: a register file with the offsets of
 * uapi/cim_card.h, rings and buffers in host memory reached by DMA, a
 * completion interrupt, flash tiles with the analog model, and the
 * modeled clock.  The host side (libcim's sim backend) drives it exactly
 * as cim.ko drives a card: boot handshake through CTRL, descriptors in a
 * submission ring, doorbell on SQ_TAIL, completions in a completion ring,
 * interrupts.  Same parameters, same seeds -> same results and the same
 * modeled device times as cim_vcard.ko.
 *
 * Bus addresses.  A bus address is a host virtual address (the pointer
 * value as a uint64_t), but the card can only reach memory the host
 * mapped for it with cim_sim_dma_map(), like a device behind an IOMMU:
 * the rings, the SG tables, the tile maps and every buffer a descriptor
 * names.  A transfer that leaves the mapped ranges fails like a bus
 * error (CIM_ST_DMA_ERROR, or FWERR_DMA for a ring).  A transfer may not
 * straddle two mappings.
 *
 * Interrupts.  When the firmware raises an IRQ_STATUS bit that is set in
 * IRQ_MASK, the card calls the handler set with cim_sim_set_irq_handler()
 * on its firmware thread (keep it short: signal and return; it may call
 * cim_sim_reg_read/write) and adds 1 to the eventfd of cim_sim_irq_fd().
 * The host acknowledges by writing the bits to IRQ_STATUS (RW1C).
 *
 * Threads.  Every function here is safe to call from any thread; the
 * register file has its own lock.  cim_sim_destroy() must not race with
 * other calls on the same card, and must not be called from the handler.
 *
 * Flash.  Cells, the analog state of the tiles, program/erase counts,
 * the per-tile counters, the plan memory and the image slots live with
 * the card's flash: they survive a card reset (RESET register).  With a
 * flash file (cfg.flash_path, or $CIM_SIM_FLASH when that is NULL) they
 * are kept in that file (mapped shared) and survive cim_sim_destroy() and
 * the process: the next cim_sim_create() with the same file and the same
 * card geometry finds the images resident, as after a driver reload on a
 * powered card.  The file is locked while a card uses it (a second
 * create on it fails with -EBUSY).
 *
 * Errors are negative errno values; a message for the user is written
 * into cfg->errbuf when one is given.
 */
#ifndef _CIM_SIM_H_
#define _CIM_SIM_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cim_sim;

/*
 * How to build the card.  Fill with cim_sim_config_init() first; fields
 * added later go at the end and size says which ones the caller knows.
 */
struct cim_sim_config {
	uint32_t size;		/* sizeof(struct cim_sim_config) */
	uint32_t threads;	/* MVM worker threads; 0: one per CPU, <= 8 */
	/* "m1076" (default, NULL) or "small": the presets of cim_vcard.ko */
	const char *preset;
	/*
	 * Overrides, "key=value" separated by commas or spaces; NULL or ""
	 * for none.  Keys and meanings are cim_vcard.ko's module parameters
	 * (docs/vcard.md), with the same defaults: tiles rows cols adc_bits
	 * mvm_ns link_mb_s plan_kb program_row_ns simd_ps arena_kb
	 * mvm_fixed_ns row_group adcs xfer_ps xfer_fixed_ns simd_lanes simd_mhz
	 * schedule=pipelined|naive analog seed spare_cols prog_tol_q8
	 * pulse_cap pulse_ns read_noise_q8 drift_ppm gain_sigma_ppm
	 * offset_q8 adc_fs_sigma_q4 adc_cal_sigma_q4 weak_col_ppm weak_col
	 * age_s; and the
	 * card's own: threads=N.
	 */
	const char *options;
	/* flash file; NULL: $CIM_SIM_FLASH if set, else flash in memory */
	const char *flash_path;
	/* optional: receives a message when cim_sim_create() fails */
	char *errbuf;
	size_t errbuf_len;
};

void cim_sim_config_init(struct cim_sim_config *cfg);

/*
 * Parse a device spec: "sim", "sim:PRESET", "sim:PRESET,key=value,..."
 * or "sim:key=value,...".  Sets cfg->preset (a static string) and
 * cfg->options (pointing into spec, which must outlive cfg).  0, or
 * -EINVAL when spec is not "sim" or "sim:..." or names an unknown preset.
 */
int cim_sim_config_parse(struct cim_sim_config *cfg, const char *spec);

/*
 * Power the card on: allocate it, load or create its flash, reset the
 * firmware and start its thread.  The card then waits for the host's
 * boot handshake (CTRL_ENABLE), as a card does after power-on.
 */
int cim_sim_create(const struct cim_sim_config *cfg, struct cim_sim **out);

/* Stop the firmware thread, write the flash back, free everything. */
void cim_sim_destroy(struct cim_sim *sim);

/*
 * The host's side of the register file: offsets and semantics of
 * uapi/cim_card.h.  Writes to SQ_TAIL, CQ_HEAD, CTRL, REFRESH_* and
 * POWER_STATE wake the firmware; RESET with CIM_RESET_MAGIC resets it
 * (rings and slots forgotten by the firmware, flash kept); DBG_FAULT
 * arms faults (write 1s: CIM_FAULT_HANG, _DMA, _TILE, _PROGRAM, _CRASH).
 * An offset outside the window or not 4-aligned reads 0 and is ignored.
 */
uint32_t cim_sim_reg_read(struct cim_sim *sim, uint32_t off);
void cim_sim_reg_write(struct cim_sim *sim, uint32_t off, uint32_t val);

/*
 * Let the card reach [addr, addr + len) by DMA (bus address = addr), or
 * no longer.  0, -EINVAL (len 0, overlap with a mapping), -ENOMEM.
 * Unmapping memory the firmware is using makes its transfers fail.
 */
int cim_sim_dma_map(struct cim_sim *sim, const void *addr, size_t len);
int cim_sim_dma_unmap(struct cim_sim *sim, const void *addr);

/*
 * Interrupt delivery.  fn(ctx, bits) is called with the IRQ_STATUS bits
 * just raised (& IRQ_MASK); NULL fn: none.  The eventfd is created with
 * the card and owned by it (do not close it).
 */
typedef void (*cim_sim_irq_fn)(void *ctx, uint32_t bits);
void cim_sim_set_irq_handler(struct cim_sim *sim, cim_sim_irq_fn fn,
			     void *ctx);
int cim_sim_irq_fd(struct cim_sim *sim);

/*
 * The card has sat powered for another `seconds` beyond the work it did:
 * the modeled clock moves on (drift and refresh follow it) and the
 * firmware wakes.  cim_vcard.ko's age_s, as a delta.
 */
void cim_sim_age(struct cim_sim *sim, uint64_t seconds);

/*
 * Is the firmware thread asleep with nothing to do (no doorbell, no
 * reset pending)?  A host that sees no progress on a job can tell a
 * hung firmware (it went back to sleep) from one the host's own CPU
 * scheduler has not run for a while (still at work, or not yet woken):
 * the userspace card's hang check (libcim/sim_dev.c).  No register of
 * a real card says this; it is the emulator's own, for its host.
 */
int cim_sim_fw_idle(struct cim_sim *sim);

/* What the card was built as: the resolved preset and geometry. */
struct cim_sim_info {
	char preset[16];
	uint32_t tiles, rows, cols, analog, seed;
	uint32_t plan_bytes, arena_bytes, threads;
	int persistent;		/* flash kept in a file */
	int flash_loaded;	/* that file held an earlier card's flash */
};
void cim_sim_get_info(struct cim_sim *sim, struct cim_sim_info *info);

#ifdef __cplusplus
}
#endif

#endif /* _CIM_SIM_H_ */
