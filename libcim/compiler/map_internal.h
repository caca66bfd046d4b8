/* SPDX-License-Identifier: MIT */
/*
 * The mapper's plan between placement and emission.  Internal to libcim.
 * Pure C11 like every map_*.c and ref_*.c file: no OS calls.
 */
#ifndef CIM_MAP_INTERNAL_H
#define CIM_MAP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cim_compiler.h"
#include "cimx_format.h"

/* Longest K or N of an FC/CONV op libcim maps (the firmware's limit). */
#define MAPI_MAX_VECTOR		CIMX_MAX_VECTOR

/* A weight block as struct cim_image_block, before cells are laid out. */
struct mapi_block {
	uint32_t op, vtile, g_first, g_count;
	uint32_t row_base, rows, col_base, outs;
	uint32_t array_row, array_col;
};

struct mapi_plan {
	const struct cim_qmodel *qm;
	struct cim_map_opts opts;
	uint32_t *offsets;		/* arena offset of each tensor */
	uint32_t arena_size;
	struct mapi_block *blocks;
	uint32_t n_blocks;
	uint32_t n_vtiles;
	uint32_t n_exits;
	uint32_t *replicas;		/* of each op (0: one copy) */
	/*
	 * The model as mapped: the caller's, with its ops copied so that the
	 * mapper can flag SIMD CONVs and give CONVs duplicated windows (whose
	 * expanded matrices own_w holds, per op, or NULL).
	 */
	struct cim_qmodel own_qm;
	struct cim_qop *own_ops;
	int8_t **own_w;
	uint32_t *dup_w;		/* the D map_dup.c chose per op (0: none) */
	const struct cim_qop *orig_ops;	/* the caller's */
	struct cim_map_cost cost;	/* opts.cost, defaults filled */
	uint64_t bit_ps;		/* one ADC bit-cycle of an MVM */
	/* Layout of the image (mapi_layout()). */
	uint64_t tensors_off, ops_off, blocks_off, params_off, params_size;
	uint64_t cells_off, cells_size, total;
};

/* K, N and groups of an FC/CONV op of a checked model. */
void mapi_op_dims(const struct cim_qmodel *qm, uint32_t i, uint32_t *K,
		  uint32_t *N, uint32_t *G);

/* FC/CONV on arrays (a SIMD CONV, CIM_OPF_SIMD, is a digital op). */
static inline int mapi_is_mvm(const struct cim_image_op *op)
{
	return (op->type == CIM_OP_FC || op->type == CIM_OP_CONV) &&
	       !(op->flags & CIM_OPF_SIMD);
}

static inline int mapi_is_simd_conv(const struct cim_image_op *op)
{
	return op->type == CIM_OP_CONV && (op->flags & CIM_OPF_SIMD);
}

/* Cells per weight: 2 for 8-bit weights, 1 for 4-bit ones. */
static inline uint32_t mapi_cpw(const struct cim_image_op *op)
{
	return op->wbits / 4;
}

/* Arena offsets by liveness: 0 or -EINVAL (arena past 4 GiB), -ENOMEM. */
int mapi_arena(const struct cim_qmodel *qm, uint32_t *offsets,
	       uint32_t *arena_size);

/*
 * Split every FC/CONV op into blocks and place them on arrays.  Fills
 * blocks, n_blocks, n_vtiles.  Returns 0 or -ENOMEM.
 */
int mapi_place(struct mapi_plan *p);

/* Time model (map_cost.c): fill cost and bit_ps from the options. */
void mapi_cost_init(struct mapi_plan *p);
/* Modeled ps of one MVM over rows x cells, and of block b. */
uint64_t mapi_mvm_ps(const struct mapi_plan *p, uint32_t rows, uint32_t cells);
uint64_t mapi_block_ps(const struct mapi_plan *p, const struct mapi_block *b);
/* MVMs per item of each block of FC/CONV op i (CONV: its output pixels). */
uint32_t mapi_pixels(const struct cim_qmodel *qm, uint32_t i);
/* SIMD elements per item of non-MVM op i, as the firmware charges them. */
uint64_t mapi_digital_elems(const struct cim_qmodel *qm, uint32_t i);
/* SIMD ps per item of non-MVM op i: its elements, a SIMD CONV's MACs. */
uint64_t mapi_digital_ps(const struct mapi_plan *p, uint32_t i);
/* ps of a SIMD CONV's multiply-adds over `pixels` (fw_simd_mac_ps()). */
uint64_t mapi_simd_mac_ps(const struct mapi_plan *p, uint64_t pixels,
			  uint32_t N, uint32_t Kg);
/* map_simd.c: flag the grouped CONVs cheaper on the tile SIMD than on arrays. */
int mapi_simd_choose(struct mapi_plan *p);
/*
 * map_dup.c: give CONVs duplicated windows (dup_w) where one MVM of
 * several pixels costs less per pixel; their expanded matrices in
 * own_w.  0 or -ENOMEM.
 */
int mapi_dup_choose(struct mapi_plan *p);
/* Turn the chosen duplicated windows on or off; do any exist? */
int mapi_dup_set(struct mapi_plan *p, int on);
/* The period of a built plan (mapi_report()'s), UINT64_MAX without memory. */
uint64_t mapi_period(const struct mapi_plan *p);

/*
 * The balanced mapper (map_balance.c): replicas and blocks for the
 * THROUGHPUT and LATENCY objectives.  Fills blocks, n_blocks, n_vtiles
 * (past max_tiles when the model does not fit) and replicas.  Returns
 * 0 or -ENOMEM.
 */
int mapi_balance(struct mapi_plan *p);

/* Arrays and used cells of the unpacked layout (see cim_map_report). */
void mapi_unpacked(const struct cim_qmodel *qm, const struct cim_geometry *g,
		   uint64_t *tiles, uint64_t *cells);

/*
 * Check, arena, placement and layout: everything but the bytes.
 * Returns 0 or negative errno with a message in rep->msg (rep may be
 * NULL).  mapi_plan_free() after success or failure.
 */
int mapi_plan_build(struct mapi_plan *p, const struct cim_qmodel *qm,
		    const struct cim_map_opts *o, struct cim_map_report *rep);
void mapi_plan_free(struct mapi_plan *p);

/* Write the image of a built plan into p->total zeroed, 8-aligned bytes. */
void mapi_emit(const struct mapi_plan *p, uint8_t *img);

/* The period bound of any mapping (map_bound.c): 0 or -ENOMEM. */
int mapi_bound(const struct mapi_plan *p, struct cim_map_report *rep);

/* Fill a report from a built plan: 0 or -ENOMEM. */
int mapi_report(const struct mapi_plan *p, struct cim_map_report *rep);

#endif /* CIM_MAP_INTERNAL_H */
