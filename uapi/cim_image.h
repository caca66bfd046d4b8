/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * CIM weight image, format 2: the binary the kernel programs into the
 * card.  It holds a plan (tensors, ops, weight blocks, requantization
 * parameters) and the flash cell contents of every weight block.
 * Produced by libcim's compiler, checked by cim.ko and again by the card
 * firmware, executed by the firmware and by libcim's CPU reference.
 * See docs/image-format.md for the semantics of every op.
 *
 * Layout (offsets from the start, all little endian):
 *   struct cim_image_header
 *   struct cim_image_tensor  tensors[n_tensors]  at tensors_offset (8-aligned)
 *   struct cim_image_op      ops[n_ops]          at ops_offset (8-aligned)
 *   struct cim_image_block   blocks[n_blocks]    at blocks_offset (8-aligned)
 *   params blob (int32 arrays)                    at params_offset (4-aligned)
 *   cells blob (4-bit cells, two per byte)        at cells_offset
 * The plan is bytes [0, cells_offset): the firmware keeps it on the card.
 * crc32 is CRC-32/IEEE of the whole image with the crc32 field taken as 0.
 *
 * Activations are int8 tensors in HWC order (channel fastest) inside a
 * per-batch-item arena of arena_size bytes.  Tensor 0 is the input;
 * op i writes tensor i + 1, so ops run in order and only read tensors
 * written before them.
 */
#ifndef _CIM_IMAGE_H_
#define _CIM_IMAGE_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/limits.h>
#else
#include <stdint.h>
#endif

#define CIM_IMAGE_MAGIC		0x494d4943u	/* "CIMI" */
#define CIM_IMAGE_VERSION_MAJOR	2
#define CIM_IMAGE_VERSION_MINOR	2	/* 1: LUT, MUL and SLICE ops; 2: CONV on the SIMD */

#define CIM_IMAGE_MAX_VTILES	256	/* virtual tiles (arrays) per image */
#define CIM_TENSOR_NONE		0xffffffffu
#define CIM_IMAGE_MAX_REPLICAS	64	/* copies of one op's weights */
#define CIM_IMAGE_MAX_DUP	64	/* output pixels of one CONV MVM */

/* Op types.  Semantics: docs/image-format.md and the comments below. */
#define CIM_OP_FC		1	/* y = requant(W x + b), W on arrays */
#define CIM_OP_CONV		2	/* im2col rows times W on arrays */
#define CIM_OP_MAXPOOL		3
#define CIM_OP_AVGPOOL		4
#define CIM_OP_ADD		5	/* TFLite-style rescaled add */
#define CIM_OP_CONCAT		6	/* channels of in0 then of in1 */
#define CIM_OP_SHUFFLE		7	/* channel shuffle over groups */
#define CIM_OP_EXIT		8	/* early exit: stop if confident */
#define CIM_OP_LUT		9	/* y = lut[x + 128] (version 2.1) */
#define CIM_OP_MUL		10	/* rescaled product, in1 per channel (2.1) */
#define CIM_OP_SLICE		11	/* a run of in0's channels (2.1) */
#define CIM_OP_MAX		11
#define CIM_OP_MAX_2_0		8	/* the last op type of version 2.0 */

/* Op flags. */
#define CIM_OPF_COUNT_PAD	0x1	/* AVGPOOL: padding counts, as in0_zp */
#define CIM_OPF_SIMD		0x2	/* CONV: on the tile SIMD, no blocks (2.2) */

struct cim_image_header {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;	/* sizeof(struct cim_image_header) */
	uint32_t total_size;	/* whole image, bytes */
	uint32_t crc32;
	uint32_t flags;		/* must be 0 */
	uint32_t tile_rows;	/* geometry the image was compiled for */
	uint32_t tile_cols;
	uint32_t cell_bits;	/* 4 */
	uint32_t n_tensors;	/* n_ops + 1 */
	uint32_t tensors_offset;
	uint32_t n_ops;
	uint32_t ops_offset;
	uint32_t n_blocks;
	uint32_t blocks_offset;
	uint32_t n_vtiles;	/* arrays the image needs; blocks name 0..n-1 */
	uint32_t params_offset;
	uint32_t params_size;
	uint32_t cells_offset;
	uint32_t cells_size;
	uint32_t arena_size;	/* activation bytes per batch item */
	uint32_t output_tensor;	/* the result of an item run to the end */
	uint32_t input_size;	/* bytes per batch item in = tensor 0 size */
	uint32_t output_size;	/* bytes per batch item out */
	uint32_t n_exits;	/* CIM_OP_EXIT ops */
	uint32_t reserved[7];	/* must be 0 */
};

/* An int8 activation tensor of one batch item, HWC, in the arena. */
struct cim_image_tensor {
	uint32_t offset;	/* in the arena */
	uint32_t c;
	uint32_t h;
	uint32_t w;
};

/*
 * One op.  Fields an op type does not use must be 0 (in1: NONE).
 *
 * FC:   K = size of in0 (read flat, HWC order), N = out.c, out 1x1xN.
 * CONV: in0 HxWxC, out HoxWoxN with N output channels, groups G dividing
 *       C and N.  For output pixel (oy, ox) the im2col vector has
 *       K = kh * kw * C rows, group-major: row g*Kg + (ky*kw + kx)*Cg + ci
 *       (Kg = K / G, Cg = C / G) holds in0[iy][ix][g*Cg + ci] with
 *       iy = oy*stride_h - pad_top + ky*dil_h (likewise ix), or in0_zp
 *       where (iy, ix) falls in the padding.
 * Both: the weight matrix W is K x N; for G > 1 it is block diagonal
 *       (row r, column n is zero unless r / Kg == n / Ng, Ng = N / G) and
 *       blocks hold only the diagonal.  The value of a weight is
 *       16 * hi + lo - 128 (wbits 8, two cells) or q - wzp[n] (wbits 4,
 *       one cell).  For each output n, in wrapping 32-bit arithmetic:
 *         acc = bias[n] + sum_k x[k] * W[k][n]      (x raw int8; the
 *                        compiler folds in0_zp into bias)
 *         y   = clamp(out_zp + cim_requant(acc, mult[n], shift[n]),
 *                     act_min, act_max)
 *       bias/mult/shift (and wzp for wbits 4) are int32 arrays of N
 *       entries in the params blob.
 * MAXPOOL: y = clamp(max of the window's positions inside in0).
 * AVGPOOL: s = sum of the window's positions inside in0 (with
 *       CIM_OPF_COUNT_PAD also in0_zp for each padded one), n = count of
 *       the positions summed; y = clamp(s / n rounded half away from 0).
 *       In and out share scale and zero point.
 * ADD:  in0, in1 and out have one shape.  With a = (x0 - in0_zp) <<
 *       left_shift, b = (x1 - in1_zp) << left_shift:
 *         y = clamp(out_zp + cim_requant(cim_requant(a, in0_mult, in0_shift)
 *                   + cim_requant(b, in1_mult, in1_shift), out_mult, out_shift))
 * CONCAT: in0 HxWxC0, in1 HxWxC1, out HxWx(C0+C1); each value x of input
 *       i becomes clamp(out_zp + cim_requant(x - ini_zp, ini_mult, ini_shift)).
 * SHUFFLE: out has in0's shape; out[p][i*G + g] = in0[p][g*(C/G) + i].
 * EXIT: out is a copy of in0, whose size is output_size.  If its top
 *       value exceeds every other by at least exit_margin, in0 is the
 *       item's result and the ops after the exit do not run.
 * LUT:  out has in0's shape; y = clamp(lut[x + 128]) with lut 256 int32
 *       entries in [-128, 127] in the params blob at lut_offset (an
 *       elementwise function of one int8 tensor, tabulated by the
 *       compiler: sigmoid, hard-swish, tanh, ...).
 * MUL:  out has in0's shape; in1 has it too or is 1x1xC (one value per
 *       channel, broadcast over the pixels).  With v1 the in1 value of
 *       the element: y = clamp(out_zp + cim_requant((x0 - in0_zp) *
 *       (v1 - in1_zp), out_mult, out_shift)).
 * SLICE: out HxWxCo holds in0's channels [chan_first, chan_first + Co)
 *       of each pixel (in0 HxWxC); same scale and zero point.
 * clamp() is to [act_min, act_max], a sub-range of [-128, 127].
 *
 * Replicas (FC, CONV): with replicas R > 1 (at most
 * CIM_IMAGE_MAX_REPLICAS; 0 and 1 both mean one copy) the op's
 * block_count blocks are R consecutive runs of block_count / R blocks,
 * each run covering the whole matrix with the same weights.  Output
 * pixel p = oy * Wo + ox of a CONV is computed by the blocks of replica
 * p % R only; an FC by replica 0.  Results do not depend on R (every
 * replica holds the same weights); R lets the card work on R pixels at
 * once on different arrays.
 *
 * SIMD CONV (flag CIM_OPF_SIMD, version 2.2): the same CONV, computed
 * digitally by the tile SIMD instead of on arrays: no blocks
 * (block_first, block_count and replicas 0), the weights as N x Kg int8
 * values v at weights_offset in the params blob (output n's Kg values
 * from n * Kg, the group's rows in im2col order; the run padded to a
 * multiple of 4 bytes); W[k][n] = v (wbits 8) or v - wzp[n] (wbits 4).
 * acc and y as above, wrapping 32-bit sums.  For depthwise and small
 * grouped convolutions, whose block-diagonal matrices fill little of an
 * array's row groups and ADC passes.
 *
 * Duplicated windows (CONV on arrays, groups 1, dup_w = D from 2 to
 * CIM_IMAGE_MAX_DUP, version 2.2): one MVM computes D horizontally
 * adjacent output pixels from their shared input patch.  Output pixels
 * of a row go in runs ox0 = 0, D, 2D, ...; a run's patch is Wp = (D - 1)
 * * stride_w + (kw - 1) * dil_w + 1 input columns wide, and its vector
 * has K' = kh * Wp * C rows: row (ky * Wp + px) * C + ci holds
 * in0[iy][ix0 + px][ci] with ix0 = ox0 * stride_w - pad_left (in0_zp
 * outside in0).  The blocks cover a K' x N' matrix, N' = D * N, whose
 * column d * N + n is output n of pixel ox0 + d: the kernel shifted by d
 * * stride_w patch columns, zero elsewhere.  For each n' < N', acc[n'] =
 * bias[n' % N] + sum_k x'[k] * W'[k][n'] (wbits 4: W' = q - wzp[n' % N]),
 * and pixel ox0 + d, if below Wo, gets y[n] from acc[d * N + n] with
 * mult[n] and shift[n] (columns past Wo are computed and dropped).
 * Replicas take runs: run q = oy * ceil(Wo / D) + ox0 / D is computed by
 * replica q % R.  More MACs per MVM where one pixel's block fills few of
 * the row groups and ADC passes an MVM pays for.
 */
struct cim_image_op {
	uint16_t type;		/* CIM_OP_* */
	uint16_t flags;		/* CIM_OPF_* */
	uint32_t in0;		/* tensor ids */
	uint32_t in1;
	uint32_t out;		/* op index + 1 */
	int32_t in0_zp;
	int32_t in1_zp;
	int32_t out_zp;
	int32_t act_min;
	int32_t act_max;
	/* FC, CONV */
	uint32_t wbits;		/* 8 or 4 */
	uint32_t block_first;	/* the op's blocks: a run of the block table */
	uint32_t block_count;
	uint32_t bias_offset;	/* params blob offsets, 4-aligned */
	uint32_t mult_offset;
	uint32_t shift_offset;
	uint32_t wzp_offset;
	/* CONV, MAXPOOL, AVGPOOL */
	uint32_t kernel_h;
	uint32_t kernel_w;
	uint32_t stride_h;
	uint32_t stride_w;
	uint32_t dil_h;		/* CONV only; pools use 1 */
	uint32_t dil_w;
	uint32_t pad_top;
	uint32_t pad_left;
	uint32_t pad_bottom;
	uint32_t pad_right;
	uint32_t groups;	/* CONV, SHUFFLE; FC 1 */
	/* ADD, CONCAT */
	int32_t in0_mult;
	int32_t in0_shift;
	int32_t in1_mult;
	int32_t in1_shift;
	int32_t out_mult;	/* ADD */
	int32_t out_shift;
	uint32_t left_shift;	/* ADD, at most 20 */
	/* EXIT */
	uint32_t exit_margin;
	/* FC, CONV: copies of the matrix in the blocks (0 or 1: one) */
	uint32_t replicas;
	uint32_t lut_offset;	/* LUT: 256 int32 in the params blob (2.1) */
	uint32_t chan_first;	/* SLICE: first channel taken (2.1) */
	uint32_t weights_offset;	/* SIMD CONV: N x Kg int8 in params (2.2) */
	uint32_t dup_w;		/* CONV: output pixels per MVM (0, 1: one) (2.2) */
};

/*
 * A weight block: part of an FC or CONV op's matrix placed on one array
 * (virtual tile; the kernel maps it to a physical tile at load).  It
 * covers g_count consecutive groups from g_first (1 and 0 when the op has
 * one group); of each group g, rows [row_base, row_base + rows) of its Kg
 * and outputs [col_base, col_base + outs) of its Ng.  With c = wbits / 4
 * cells per weight, group j's part sits on the array at rows
 * array_row + j*rows and cells array_col + j*outs*c: diagonal packing,
 * so one MVM serves every group of the block.  Cells of a weight: wbits
 * 8 stores u = w + 128 as u >> 4 then u & 15; wbits 4 stores q.
 * Cells are row-major, a row padded to whole bytes, two per byte with
 * the even cell in the low nibble; the g_count parts follow each other:
 * cells_size = g_count * rows * ceil(outs * c / 2).  Blocks' cells follow
 * each other in block order with no gaps.  Array cells outside every
 * block stay erased (0) and add nothing to any column.
 *
 * Packing (staircase rule): a block's rectangle on its array,
 * [array_row, array_row + g_count*rows) x [array_col, array_col +
 * g_count*outs*c), lies wholly below every earlier block (in block
 * order) on the same array (array_row >= the largest end row of those
 * blocks) or wholly to their right (array_col >= their largest end
 * column).  So no two blocks overlap, and the checker needs only the
 * end row and end column per array.  Blocks may share rows (side by
 * side) or columns (one under the other); each block's MVM drives only
 * its own rows with its own op's input and reads only its own columns,
 * so blocks sharing rows are separate MVMs.
 */
struct cim_image_block {
	uint32_t op;
	uint32_t vtile;
	uint32_t g_first;
	uint32_t g_count;
	uint32_t row_base;
	uint32_t rows;
	uint32_t col_base;
	uint32_t outs;
	uint32_t array_row;
	uint32_t array_col;
	uint32_t cells_offset;	/* inside the cells blob */
	uint32_t cells_size;
};

/* What the checker needs to know of the card. */
struct cim_image_limits {
	uint32_t tile_rows;
	uint32_t tile_cols;
	uint32_t cell_bits;
	uint32_t max_vector;	/* longest K or N of an FC/CONV op */
	uint32_t max_plan_bytes;
	uint32_t max_vtiles;	/* at most CIM_IMAGE_MAX_VTILES */
	uint32_t max_arena;	/* activation bytes per batch item */
};

static inline const struct cim_image_tensor *
cim_image_tensors(const void *img)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const struct cim_image_tensor *)((const uint8_t *)img +
						   h->tensors_offset);
}

static inline const struct cim_image_op *
cim_image_ops(const void *img)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const struct cim_image_op *)((const uint8_t *)img + h->ops_offset);
}

static inline const struct cim_image_block *
cim_image_blocks(const void *img)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const struct cim_image_block *)((const uint8_t *)img +
						  h->blocks_offset);
}

static inline const int32_t *
cim_image_param(const void *img, uint32_t off)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;

	return (const int32_t *)((const uint8_t *)img + h->params_offset + off);
}

static inline uint64_t cim_tensor_size(const struct cim_image_tensor *t)
{
	return (uint64_t)t->c * t->h * t->w;
}

/* Is [off, off + len) inside [0, size)?  Overflow-safe. */
static inline int cim_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Walk state of cim_image_check_st(). */
struct cim_check_state {
	uint32_t next_block;	/* blocks are used in op order */
	uint64_t cells_at;	/* cells are laid out in block order */
	uint16_t row_end[CIM_IMAGE_MAX_VTILES];	/* largest block end row */
	uint16_t col_end[CIM_IMAGE_MAX_VTILES];	/* largest block end column */
};

/*
 * The shared code on images (uapi/cim_image_check.c, uapi/cim_crc.c),
 * compiled into cim.ko, the firmware and libcim.
 */

/* Cells of one block (see struct cim_image_block). */
uint64_t cim_block_cells_size(const struct cim_image_block *b, uint32_t wbits);

/* Output extent of a window op along one axis; 0 if it has none. */
uint32_t cim_window_out(uint32_t in, uint32_t k, uint32_t stride, uint32_t dil,
			uint32_t pad0, uint32_t pad1);

/* Do two tensors' arena ranges overlap?  Have they one shape? */
int cim_tensors_overlap(const struct cim_image_tensor *a,
			const struct cim_image_tensor *b);
int cim_same_shape(const struct cim_image_tensor *a,
		   const struct cim_image_tensor *b);

/*
 * The window fields of a CONV/MAXPOOL/AVGPOOL op against its input and
 * output shapes; 0, or -1 with *why set to a static string.
 */
int cim_check_window(const struct cim_image_op *op,
		     const struct cim_image_tensor *in,
		     const struct cim_image_tensor *out, const char **why);

/* Are the fields op's type does not use zero (in1 NONE)? */
int cim_op_unused_zero(const struct cim_image_op *op);
/*
 * Shapes and rescale of the version 2.1 ops LUT, MUL and SLICE, and a
 * LUT's table in the params blob.  0, or -1 with *why set.
 */
int cim_check_simd_op(const struct cim_image_op *op,
		      const struct cim_image_tensor *in0,
		      const struct cim_image_tensor *in1,
		      const struct cim_image_tensor *out, const char **why);
int cim_check_lut(const void *img, uint32_t off, const char **why);

/*
 * Check everything but the CRC.  buf holds at least the plan, i.e.
 * min(size, cells_offset) bytes are readable; size is the image size the
 * caller was given.  st is scratch (about 1050 bytes).  Returns 0, or -1
 * with *why set to a static string.
 */
int cim_image_check_st(const void *buf, uint64_t size,
		       const struct cim_image_limits *lim,
		       struct cim_check_state *st, const char **why);

#ifndef __KERNEL__
/*
 * cim_image_check_st() with the scratch on the stack (userspace only:
 * uapi/cim_image_check_user.c; kernel and firmware stacks are small).
 */
int cim_image_check(const void *buf, uint64_t size,
		    const struct cim_image_limits *lim, const char **why);
#endif

/* CRC-32/IEEE (as zlib), continued from crc (start with 0). */
uint32_t cim_crc32(uint32_t crc, const void *buf, uint64_t len);

/*
 * CRC of a whole image, treating its crc32 field as zero.  An image too
 * short to hold the field gets 0 (callers check the size first anyway).
 */
uint32_t cim_image_crc(const void *img, uint64_t size);

#endif /* _CIM_IMAGE_H_ */
