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

/* The M1076-class card (DESIGN.md §3): 76 arrays of 1024 x 1024 4-bit cells. */
#define CIM_M1076_TILES		76
#define CIM_M1076_ROWS		1024
#define CIM_M1076_COLS		1024

struct cim_map_opts {
	struct cim_geometry geom;
	uint32_t max_tiles;	/* the card's arrays; 0: CIM_IMAGE_MAX_VTILES */
	uint32_t flags;		/* CIM_MAP_* */
};

/* One FC/CONV op of a mapping. */
struct cim_map_op_report {
	uint32_t op;		/* index in the qmodel */
	uint32_t type;		/* CIM_OP_FC or CIM_OP_CONV */
	uint32_t K, N, groups, wbits;
	uint32_t blocks;	/* weight blocks it was split into */
	uint64_t cells;		/* cells its weights occupy */
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
	uint32_t n_ops;			/* entries of ops[] */
	struct cim_map_op_report *ops;	/* malloc'ed: cim_map_report_free() */
	char msg[256];			/* why a mapping failed, "" otherwise */
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
