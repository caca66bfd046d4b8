/* SPDX-License-Identifier: MIT */
/*
 * The compiler back end: mapping a quantized model (cim_qmodel.h) onto a
 * card's arrays as a weight image (uapi/cim_image.h, format 2), the
 * report of that mapping, and the .cimx writer.  Pure computation: no
 * device, no OS calls.  Part of libcim-compiler's public API
 * (cim_compiler.h).  See docs/compiler-backend.md.
 */
#ifndef CIM_MAP_H
#define CIM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "cim_model.h"
#include "cim_qmodel.h"

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Mapping flags. */
#define CIM_MAP_NO_PACK		0x1	/* one block per array, no diagonal packing */
#define CIM_MAP_NO_SIMD_CONV	0x2	/* grouped CONVs on arrays, never on the SIMD */
#define CIM_MAP_NO_DUP		0x4	/* one output pixel per CONV MVM */
#define CIM_MAP_PACK_SORTED	0x8	/* balanced: largest blocks first, more cuts */

/* The M1076-class card (DESIGN.md §3): 76 arrays of 1024 x 1024 4-bit cells. */
#define CIM_M1076_TILES		76
#define CIM_M1076_ROWS		1024
#define CIM_M1076_COLS		1024

/*
 * What a mapping optimizes (cim_map_opts.objective):
 *   AREA        fewest arrays, one copy of every matrix (the default);
 *   THROUGHPUT  items per second at cim_map_opts.batch: every FC/CONV op
 *               gets as many replicas as keep its work per item under a
 *               period T, and the blocks are packed onto at most
 *               max_tiles arrays so that no array's (nor its SIMD unit's)
 *               work per item passes T; T is the smallest that fits;
 *   LATENCY     one item's device time: the same balancing, but an array
 *               holds blocks of one op only when the card has room, so
 *               that the layers of an item never queue behind each other.
 * docs/compiler-backend.md, "Objectives".
 */
#define CIM_MAP_AREA		0
#define CIM_MAP_THROUGHPUT	1
#define CIM_MAP_LATENCY		2

/*
 * The card's time model as the firmware scheduler charges it
 * (docs/firmware.md): an MVM over a block of rows x cells costs
 * mvm_fixed_ns + ceil(rows / row_group) * ceil(cells / adcs) * adc_bits
 * bit-cycles, a bit-cycle such that a full-array MVM costs mvm_ns; a
 * SIMD element simd_ps_per_elem; a tile-to-tile transfer xfer_fixed_ns
 * plus xfer_ps_per_byte a byte; a SIMD CONV's multiply-adds
 * ceil(N / simd_lanes) * Kg cycles of simd_mhz a pixel (simd_mhz 0: no
 * CONV goes on the SIMD).  All zero: the M1076-class preset's.
 */
struct cim_map_cost {
	uint32_t mvm_ns, mvm_fixed_ns;
	uint32_t row_group, adcs, adc_bits;
	uint32_t simd_ps_per_elem;
	uint32_t xfer_ps_per_byte, xfer_fixed_ns;
	uint32_t simd_lanes, simd_mhz;
};

struct cim_map_opts {
	struct cim_geometry geom;
	uint32_t max_tiles;	/* the card's arrays; 0: CIM_IMAGE_MAX_VTILES */
	uint32_t flags;		/* CIM_MAP_* */
	uint32_t objective;	/* CIM_MAP_AREA, _THROUGHPUT, _LATENCY */
	uint32_t batch;		/* items per job mapped for (0: 1) */
	struct cim_map_cost cost;
};

/*
 * Fill o with a card preset of the emulated cards (firmware/model,
 * docs/vcard.md): "m1076" or "small".  Keeps o->flags, objective and
 * batch.  Returns 0 or -EINVAL for an unknown name.
 */
int cim_map_preset(const char *name, struct cim_map_opts *o);

/* One FC/CONV op of a mapping. */
struct cim_map_op_report {
	uint32_t op;		/* index in the qmodel */
	uint32_t type;		/* CIM_OP_FC or CIM_OP_CONV */
	uint32_t K, N, groups, wbits;
	uint32_t blocks;	/* weight blocks it was split into */
	uint64_t cells;		/* cells its weights occupy (all replicas) */
	uint32_t replicas;	/* copies of its matrix (1: one) */
	uint64_t pixels;	/* MVMs per item of each block (CONV: Ho * Wo) */
	uint64_t mvm_ps;	/* modeled MVM time per item, one copy */
};

/*
 * What a mapping used.  "Unpacked" is the naive layout the packing is
 * measured against: every block on arrays of its own and group
 * convolutions laid out as full block-diagonal matrices.
 */
struct cim_map_report {
	uint32_t tiles;			/* arrays the image needs */
	uint32_t tiles_unpacked;
	uint32_t card_tiles;		/* max_tiles the mapping was given */
	uint64_t cells_used;		/* cells holding weights */
	double util;			/* cells_used / (tiles * rows * cols) */
	double util_unpacked;
	uint32_t arena_size;		/* activation bytes per batch item */
	uint32_t image_size;
	/*
	 * The mapping's time model (cim_map_opts.cost), per item: MACs,
	 * modeled MVM time summed over all arrays (work_ps), the period
	 * (the busiest array's or SIMD unit's work, ps).  bound: the
	 * efficiency ceiling of the mapping, MACs per second of array time
	 * over one array's full peak (rows * cols MACs per mvm_ns): what
	 * the card reaches with every array busy all the time.  macs counts
	 * the network's MACs, simd_macs those of them the SIMD CONVs do
	 * (CIM_OPF_SIMD) without array time.
	 */
	uint64_t macs, work_ps, period_ps;
	double bound;
	uint64_t simd_macs;
	/*
	 * What sets the period: the array (limit_simd 0) or SIMD unit (1)
	 * of virtual tile limit_tile, and the op with the most work there.
	 */
	uint32_t limit_tile, limit_op, limit_simd;
	uint32_t objective, batch;
	uint32_t n_ops;			/* entries of ops[] */
	struct cim_map_op_report *ops;	/* malloc'ed: cim_map_report_free() */
	char msg[256];			/* why a mapping failed, "" otherwise */
	/*
	 * A lower bound on the period of any mapping of the model onto
	 * card_tiles arrays (map_bound.c), ps per item, and the least array
	 * and SIMD work per item it comes from (every FC/CONV on arrays but
	 * those cheaper on the SIMD in both, such as depthwise ones).
	 */
	uint64_t period_lb_ps, lb_array_ps, lb_simd_ps;
};

/*
 * Check a quantized model: shapes that chain as uapi/cim_image.h
 * requires, weights, zero points and requantization in range.  Returns 0
 * or -EINVAL with the reason in msg (may be NULL).
 */
int cim_qmodel_check(const struct cim_qmodel *qm, char *msg, size_t len);

/*
 * Map a quantized model onto arrays of o->geom and build its weight
 * image (format 2).  Same model and options give the same bytes.  On
 * success *image is a malloc'ed buffer of *size bytes (free() it).  rep
 * (may be NULL) receives the report; free its ops with
 * cim_map_report_free().  Returns 0; -EINVAL for a bad model or options;
 * -ENOSPC if the model needs more arrays than o->max_tiles (rep->msg
 * gives both counts); -EFBIG if the image would pass 4 GiB; -ENOMEM.
 */
int cim_map_qmodel(const struct cim_qmodel *qm, const struct cim_map_opts *o,
		   void **image, size_t *size, struct cim_map_report *rep);

void cim_map_report_free(struct cim_map_report *rep);

/*
 * Print a report, one line per FC/CONV op then the totals, to a buffer
 * (as snprintf: returns the length it needed).
 */
int cim_map_report_format(const struct cim_map_report *rep,
			  const struct cim_qmodel *qm, char *buf, size_t len);

/*
 * Compile a quantized model into a .cimx (docs/cimx-format.md, loaded by
 * libcim's cim_model_load()): map it (cim_map_qmodel()), then wrap the
 * image with the model's metadata and @p options (a free-form line
 * recorded in the file, may be NULL).  Same inputs give the same bytes.
 * *cimx is malloc'ed (free() it).  Returns 0 or the errors of
 * cim_map_qmodel(); rep->msg (if rep is not NULL) says why it failed.
 */
int cim_compile_qmodel(const struct cim_qmodel *qm, const struct cim_map_opts *o,
		       const char *options, void **cimx, size_t *size,
		       struct cim_map_report *rep);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* CIM_MAP_H */
