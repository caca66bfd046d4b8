/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * A small network description for the firmware tests and the bench, its
 * format-2 image builder with a simple tile mapper (tnet_build.c) and a
 * straightforward reference computation written from the comments of
 * uapi/cim_image.h without im2col or cells (tnet_ref.c).
 */
#ifndef _CIM_TNET_H_
#define _CIM_TNET_H_

#include <stddef.h>
#include <stdint.h>

#include "cim_image.h"

#define TNET_MAX_OPS	256

/*
 * One op: the image op's semantic fields (type, flags, in0/in1, zero
 * points, activation range, window, groups, rescales, exit_margin); the
 * builder fills out, the blocks and the params offsets.  Weights of
 * FC/CONV: w[(g * Kg + k) * Ng + n] for group g (K x Ng values): the
 * weight value (-128..127) for wbits 8, the cell q (0..15) for wbits 4
 * (weight q - wzp[n]).
 */
struct tnet_op {
	struct cim_image_op op;
	int32_t *w;
	int32_t *bias, *mult, *shift, *wzp;
	int32_t *lut;		/* LUT: 256 entries (not freed by tnet_free) */
};

struct tnet {
	uint32_t n_ops;
	struct cim_image_tensor t[TNET_MAX_OPS + 1];	/* c, h, w given */
	struct tnet_op ops[TNET_MAX_OPS];
	uint32_t output;		/* output tensor */
	/* mapping */
	uint32_t tile_rows, tile_cols;
	uint32_t max_rows, max_cols;	/* per block, 0: the tile's */
	int no_pack;			/* one block per tile */
	int no_diag;			/* one group per block */
	uint32_t tile_fill;		/* rows per tile used, 0: all */
	int pack2d;			/* staircase: side by side, then below */
	/*
	 * Balanced mapping (balance_tiles > 0): libcim's product mapper
	 * replicates FC/CONV ops and packs their blocks onto at most
	 * balance_tiles tiles so that the modeled work per item of every
	 * tile is about the same (ops' own replicas fields are then
	 * ignored).  MVM cost as the card's:
	 */
	uint32_t balance_tiles;
	uint32_t mvm_ns, mvm_fixed_ns, row_group, adcs, adc_bits;
	uint32_t simd_ps;		/* SIMD per element, as the card's */
	uint64_t period_ps;		/* out: the work per item of the busiest tile */
	/* filled by tnet_build */
	uint32_t n_vtiles, n_blocks, arena;
};

/* Append op; returns its output tensor id.  w etc. are taken over. */
uint32_t tnet_add(struct tnet *n, const struct tnet_op *op, uint32_t c,
		  uint32_t h, uint32_t w);
/* Output shape of a window op on tensor in. */
void tnet_window_shape(const struct tnet *n, const struct cim_image_op *op,
		       uint32_t in, uint32_t *h, uint32_t *w);

/* Random weights and requantization for an FC/CONV op of n. */
void tnet_rand_mvm(struct tnet_op *o, uint32_t K, uint32_t N, uint32_t G,
		   uint32_t wbits, uint32_t *seed);

/* Modeled picoseconds of one MVM over rows x cells (the card's formula). */
uint64_t tnet_mvm_ps(const struct tnet *n, uint32_t rows, uint32_t cells);

/* Build the image: 0, or -1 if the net does not map. */
int tnet_build(struct tnet *n, void **img, size_t *size);
/*
 * The image of a balanced mapping, by libcim's product mapper (objective
 * THROUGHPUT for balance_tiles arrays and the time model above): 0, or
 * -1 if it does not fit (n_vtiles then says how many arrays it needs).
 */
int tnet_product_map(struct tnet *n, void **img, size_t *size);

/*
 * Reference: item by item, from in (batch * input size) into out (batch
 * * output size); exits[i] the exit taken (n_exits: none).  margin < 0:
 * each exit's own margin.
 */
void tnet_ref(const struct tnet *n, const int8_t *in, int8_t *out,
	      uint8_t *exits, uint32_t batch, int64_t margin);

uint64_t tnet_size(const struct tnet *n, uint32_t t);
void tnet_free(struct tnet *n);

#endif /* _CIM_TNET_H_ */
