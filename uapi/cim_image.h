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
#define CIM_IMAGE_VERSION_MINOR	1	/* 1: LUT, MUL and SLICE ops */

#define CIM_IMAGE_MAX_VTILES	256	/* virtual tiles (arrays) per image */
#define CIM_TENSOR_NONE		0xffffffffu
#define CIM_IMAGE_MAX_REPLICAS	64	/* copies of one op's weights */

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
	uint32_t reserved[2];	/* must be 0 */
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

static inline int cim_params_ok(const struct cim_image_header *h, uint32_t off,
				uint32_t n)
{
	return (off & 3) == 0 && cim_range_ok(off, (uint64_t)n * 4, h->params_size);
}

/* Cells of one block (see struct cim_image_block). */
static inline uint64_t cim_block_cells_size(const struct cim_image_block *b,
					    uint32_t wbits)
{
	return (uint64_t)b->g_count * b->rows *
	       (((uint64_t)b->outs * (wbits / 4) + 1) / 2);
}

/* Output extent of a window op along one axis; 0 if it has none. */
static inline uint32_t cim_window_out(uint32_t in, uint32_t k, uint32_t stride,
				      uint32_t dil, uint32_t pad0, uint32_t pad1)
{
	uint64_t span = (uint64_t)in + pad0 + pad1;
	uint64_t eff = (uint64_t)(k - 1) * dil + 1;

	/* 32-bit division: 32-bit kernels and the card have no 64-bit one */
	if (!k || !stride || !dil || span < eff || span - eff > 0xffffffffu)
		return 0;
	return (uint32_t)(span - eff) / stride + 1;
}

#define CIM_IMG_FAIL(msg) do { *why = (msg); return -1; } while (0)

static inline int cim_int8_ok(int32_t v)
{
	return v >= -128 && v <= 127;
}

static inline int cim_mult_ok(int32_t m, int32_t s)
{
	return m >= 0 && s >= -31 && s <= 30;
}

/* Requantization arrays of an FC/CONV op with n outputs. */
static inline int cim_check_requant(const void *img,
				    const struct cim_image_op *op, uint32_t n,
				    const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;
	uint32_t j;

	if (!cim_params_ok(h, op->bias_offset, n) ||
	    !cim_params_ok(h, op->mult_offset, n) ||
	    !cim_params_ok(h, op->shift_offset, n))
		CIM_IMG_FAIL("requantization parameters outside params");
	for (j = 0; j < n; j++)
		if (!cim_mult_ok(cim_image_param(img, op->mult_offset)[j],
				 cim_image_param(img, op->shift_offset)[j]))
			CIM_IMG_FAIL("requantization multiplier or shift out of range");
	if (op->wbits == 8) {
		if (op->wzp_offset)
			CIM_IMG_FAIL("weight zero points on an 8-bit op");
	} else if (op->wbits == 4) {
		if (!cim_params_ok(h, op->wzp_offset, n))
			CIM_IMG_FAIL("weight zero points outside params");
		for (j = 0; j < n; j++) {
			int32_t z = cim_image_param(img, op->wzp_offset)[j];

			if (z < 0 || z > 15)
				CIM_IMG_FAIL("weight zero point out of 4 bits");
		}
	} else {
		CIM_IMG_FAIL("weights must have 8 or 4 bits");
	}
	return 0;
}

/* Walk state of cim_image_check(). */
struct cim_check_state {
	uint32_t next_block;	/* blocks are used in op order */
	uint64_t cells_at;	/* cells are laid out in block order */
	uint16_t row_end[CIM_IMAGE_MAX_VTILES];	/* largest block end row */
	uint16_t col_end[CIM_IMAGE_MAX_VTILES];	/* largest block end column */
};

/*
 * The blocks of an FC/CONV op with matrix K x N in G groups: inside the
 * matrix and the arrays, cells where they belong, covering the diagonal.
 */
static inline int cim_check_blocks(const void *img, uint32_t opi,
				   uint32_t K, uint32_t N, uint32_t G,
				   const struct cim_image_limits *lim,
				   struct cim_check_state *st, const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;
	const struct cim_image_op *op = &cim_image_ops(img)[opi];
	const struct cim_image_block *b;
	uint32_t Kg = K / G, Ng = N / G, cpw = op->wbits / 4, i;
	uint32_t R = op->replicas ? op->replicas : 1, re, ce;
	uint64_t area = 0;

	if (!op->block_count || op->block_first != st->next_block ||
	    !cim_range_ok(op->block_first, op->block_count, h->n_blocks))
		CIM_IMG_FAIL("op blocks out of range or out of order");
	if (R > CIM_IMAGE_MAX_REPLICAS || op->block_count % R)
		CIM_IMG_FAIL("bad replica count");
	st->next_block += op->block_count;
	for (i = op->block_first; i < st->next_block; i++) {
		b = &cim_image_blocks(img)[i];
		if (b->op != opi)
			CIM_IMG_FAIL("block does not belong to its op");
		if (b->vtile >= h->n_vtiles)
			CIM_IMG_FAIL("block on a tile the image does not have");
		if (i >= op->block_first + op->block_count / R) {
			/* a replica's blocks: those of replica 0, in order */
			const struct cim_image_block *b0 =
				b - op->block_count / R;

			if (b->g_first != b0->g_first ||
			    b->g_count != b0->g_count ||
			    b->row_base != b0->row_base ||
			    b->rows != b0->rows ||
			    b->col_base != b0->col_base ||
			    b->outs != b0->outs)
				CIM_IMG_FAIL("replica blocks differ from replica 0's");
		}
		if (!b->g_count || !cim_range_ok(b->g_first, b->g_count, G) ||
		    !b->rows || !cim_range_ok(b->row_base, b->rows, Kg) ||
		    !b->outs || !cim_range_ok(b->col_base, b->outs, Ng))
			CIM_IMG_FAIL("block outside its op's matrix");
		if (!cim_range_ok(b->array_row, (uint64_t)b->g_count * b->rows,
				  lim->tile_rows) ||
		    !cim_range_ok(b->array_col,
				  (uint64_t)b->g_count * b->outs * cpw,
				  lim->tile_cols))
			CIM_IMG_FAIL("block larger than its array");
		/* staircase: wholly below or wholly right of earlier blocks */
		if (b->array_row < st->row_end[b->vtile] &&
		    b->array_col < st->col_end[b->vtile])
			CIM_IMG_FAIL("blocks of an array overlap (not below or right of the earlier ones)");
		re = b->array_row + b->g_count * b->rows;
		ce = b->array_col + b->g_count * b->outs * cpw;
		if (re > st->row_end[b->vtile])
			st->row_end[b->vtile] = (uint16_t)re;
		if (ce > st->col_end[b->vtile])
			st->col_end[b->vtile] = (uint16_t)ce;
		if (b->cells_offset != st->cells_at ||
		    b->cells_size != cim_block_cells_size(b, op->wbits) ||
		    !cim_range_ok(b->cells_offset, b->cells_size, h->cells_size))
			CIM_IMG_FAIL("block cells not where they belong");
		st->cells_at += b->cells_size;
		area += (uint64_t)b->g_count * b->rows * b->outs;
	}
	if (area != (uint64_t)R * G * Kg * Ng)
		CIM_IMG_FAIL("blocks do not cover their op's matrix");
	return 0;
}

/* Does tensor a's arena range overlap tensor b's? */
static inline int cim_tensors_overlap(const struct cim_image_tensor *a,
				      const struct cim_image_tensor *b)
{
	return a->offset < b->offset + cim_tensor_size(b) &&
	       b->offset < a->offset + cim_tensor_size(a);
}

static inline int cim_same_shape(const struct cim_image_tensor *a,
				 const struct cim_image_tensor *b)
{
	return a->c == b->c && a->h == b->h && a->w == b->w;
}

/* The window fields of CONV and the pools give out's height and width. */
static inline int cim_check_window(const struct cim_image_op *op,
				   const struct cim_image_tensor *in,
				   const struct cim_image_tensor *out,
				   const char **why)
{
	uint32_t eh = (op->kernel_h - 1) * op->dil_h + 1;
	uint32_t ew = (op->kernel_w - 1) * op->dil_w + 1;

	if (!op->kernel_h || !op->kernel_w || op->kernel_h > 255 ||
	    op->kernel_w > 255 || !op->stride_h || !op->stride_w ||
	    op->stride_h > 255 || op->stride_w > 255 || !op->dil_h ||
	    !op->dil_w || op->dil_h > 255 || op->dil_w > 255)
		CIM_IMG_FAIL("bad kernel, stride or dilation");
	if (op->pad_top >= eh || op->pad_bottom >= eh ||
	    op->pad_left >= ew || op->pad_right >= ew)
		CIM_IMG_FAIL("padding as large as the kernel");
	if (out->h != cim_window_out(in->h, op->kernel_h, op->stride_h,
				     op->dil_h, op->pad_top, op->pad_bottom) ||
	    out->w != cim_window_out(in->w, op->kernel_w, op->stride_w,
				     op->dil_w, op->pad_left, op->pad_right))
		CIM_IMG_FAIL("output size does not match the window");
	return 0;
}

/* Fields an op type does not use must be zero. */
static inline int cim_op_unused_zero(const struct cim_image_op *op)
{
	uint32_t i, mvm = op->type == CIM_OP_FC || op->type == CIM_OP_CONV;
	uint32_t win = op->type == CIM_OP_CONV || op->type == CIM_OP_MAXPOOL ||
		       op->type == CIM_OP_AVGPOOL;
	uint32_t resc = op->type == CIM_OP_ADD || op->type == CIM_OP_CONCAT;
	uint32_t two = resc || op->type == CIM_OP_MUL;

	for (i = 0; i < sizeof(op->reserved) / sizeof(op->reserved[0]); i++)
		if (op->reserved[i])
			return 0;
	if (!mvm && (op->wbits || op->block_first || op->block_count ||
		     op->bias_offset || op->mult_offset || op->shift_offset ||
		     op->wzp_offset))
		return 0;
	if (!win && (op->kernel_h || op->kernel_w || op->stride_h ||
		     op->stride_w || op->pad_top || op->pad_left ||
		     op->pad_bottom || op->pad_right))
		return 0;
	if (op->type != CIM_OP_CONV && (op->dil_h > 1 || op->dil_w > 1))
		return 0;
	if (!win && (op->dil_h || op->dil_w))
		return 0;
	if (!two && (op->in1 != CIM_TENSOR_NONE || op->in1_zp))
		return 0;
	if (!resc && (op->in0_mult || op->in0_shift || op->in1_mult ||
		      op->in1_shift))
		return 0;
	if (op->type != CIM_OP_ADD && op->type != CIM_OP_MUL &&
	    (op->out_mult || op->out_shift))
		return 0;
	if (op->type != CIM_OP_ADD && op->left_shift)
		return 0;
	if ((op->type != CIM_OP_LUT && op->lut_offset) ||
	    (op->type != CIM_OP_SLICE && op->chan_first))
		return 0;
	if (op->type != CIM_OP_EXIT && op->exit_margin)
		return 0;
	if (!mvm && op->replicas)
		return 0;
	if (op->flags & ~(uint32_t)(op->type == CIM_OP_AVGPOOL ?
				    CIM_OPF_COUNT_PAD : 0))
		return 0;
	return 1;
}

/* Shapes and rescale of LUT, MUL and SLICE (version 2.1). */
static inline int cim_check_simd_op(const struct cim_image_op *op,
				    const struct cim_image_tensor *in0,
				    const struct cim_image_tensor *in1,
				    const struct cim_image_tensor *out,
				    const char **why)
{
	switch (op->type) {
	case CIM_OP_LUT:
		if (!cim_same_shape(in0, out))
			CIM_IMG_FAIL("lookup table changes the shape");
		return 0;
	case CIM_OP_MUL:
		if (!cim_same_shape(in0, out) ||
		    !(cim_same_shape(in0, in1) ||
		      (in1->h == 1 && in1->w == 1 && in1->c == in0->c)))
			CIM_IMG_FAIL("mul of tensors of shapes that do not broadcast");
		if (!cim_mult_ok(op->out_mult, op->out_shift))
			CIM_IMG_FAIL("mul rescale out of range");
		return 0;
	default:	/* CIM_OP_SLICE */
		if (out->h != in0->h || out->w != in0->w ||
		    (uint64_t)op->chan_first + out->c > in0->c)
			CIM_IMG_FAIL("slice outside its input's channels");
		return 0;
	}
}

/* The 256 entries of a LUT op: in the params blob, each an int8. */
static inline int cim_check_lut(const void *img, uint32_t off, const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;
	uint32_t j;

	if (!cim_params_ok(h, off, 256))
		CIM_IMG_FAIL("lookup table outside params");
	for (j = 0; j < 256; j++)
		if (!cim_int8_ok(cim_image_param(img, off)[j]))
			CIM_IMG_FAIL("lookup table entry out of int8");
	return 0;
}

/* One op against the tensors it reads and writes. */
static inline int cim_check_op(const void *img, uint32_t i,
			       const struct cim_image_limits *lim,
			       struct cim_check_state *st, const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;
	const struct cim_image_op *op = &cim_image_ops(img)[i];
	const struct cim_image_tensor *t = cim_image_tensors(img);
	const struct cim_image_tensor *in0, *in1 = (const struct cim_image_tensor *)(void *)0, *out;
	uint32_t K, N, G = op->groups;

	if (!op->type || op->type > CIM_OP_MAX)
		CIM_IMG_FAIL("unknown op type");
	if (op->type > CIM_OP_MAX_2_0 && h->version_minor < 1)
		CIM_IMG_FAIL("op type needs image version 2.1");
	if (!cim_op_unused_zero(op))
		CIM_IMG_FAIL("op field unused by its type not zero");
	if (op->out != i + 1 || op->in0 > i ||
	    (op->in1 != CIM_TENSOR_NONE && op->in1 > i))
		CIM_IMG_FAIL("op reads a tensor not yet written");
	in0 = &t[op->in0];
	out = &t[op->out];
	if (cim_tensors_overlap(out, in0))
		CIM_IMG_FAIL("op output overlaps its input");
	if (op->type == CIM_OP_ADD || op->type == CIM_OP_CONCAT ||
	    op->type == CIM_OP_MUL) {
		if (op->in1 == CIM_TENSOR_NONE)
			CIM_IMG_FAIL("op needs a second input");
		in1 = &t[op->in1];
		if (cim_tensors_overlap(out, in1))
			CIM_IMG_FAIL("op output overlaps its input");
		if (!cim_int8_ok(op->in1_zp) ||
		    !cim_mult_ok(op->in0_mult, op->in0_shift) ||
		    !cim_mult_ok(op->in1_mult, op->in1_shift))
			CIM_IMG_FAIL("input rescale out of range");
	}
	if (!cim_int8_ok(op->in0_zp) || !cim_int8_ok(op->out_zp) ||
	    !cim_int8_ok(op->act_min) || !cim_int8_ok(op->act_max) ||
	    op->act_min > op->act_max)
		CIM_IMG_FAIL("zero point or activation range out of int8");

	switch (op->type) {
	case CIM_OP_FC:
	case CIM_OP_CONV:
		N = out->c;
		if (op->type == CIM_OP_FC) {
			K = (uint32_t)cim_tensor_size(in0);
			if (G != 1 || out->h != 1 || out->w != 1)
				CIM_IMG_FAIL("FC output must be 1x1xN, one group");
		} else {
			if (cim_check_window(op, in0, out, why))
				return -1;
			if (!G || in0->c % G || N % G)
				CIM_IMG_FAIL("groups do not divide the channels");
			K = op->kernel_h * op->kernel_w * in0->c;
		}
		if (K > lim->max_vector || N > lim->max_vector)
			CIM_IMG_FAIL("op vector length out of range");
		if (cim_check_requant(img, op, N, why))
			return -1;
		return cim_check_blocks(img, i, K, N, G, lim, st, why);
	case CIM_OP_MAXPOOL:
	case CIM_OP_AVGPOOL:
		if (G || out->c != in0->c)
			CIM_IMG_FAIL("pool changes the channel count");
		return cim_check_window(op, in0, out, why);
	case CIM_OP_ADD:
		if (G || !cim_same_shape(in0, in1) || !cim_same_shape(in0, out))
			CIM_IMG_FAIL("add of tensors of different shapes");
		if (op->left_shift > 20 ||
		    !cim_mult_ok(op->out_mult, op->out_shift))
			CIM_IMG_FAIL("add rescale out of range");
		return 0;
	case CIM_OP_CONCAT:
		if (G || in0->h != in1->h || in0->w != in1->w ||
		    out->h != in0->h || out->w != in0->w ||
		    (uint64_t)in0->c + in1->c != out->c)
			CIM_IMG_FAIL("concat shapes do not add up");
		return 0;
	case CIM_OP_SHUFFLE:
		if (!G || in0->c % G || !cim_same_shape(in0, out))
			CIM_IMG_FAIL("bad channel shuffle");
		return 0;
	case CIM_OP_LUT:
	case CIM_OP_MUL:
	case CIM_OP_SLICE:
		if (G || cim_check_simd_op(op, in0, in1, out, why))
			return G ? (*why = "op field unused by its type not zero", -1) : -1;
		if (op->type == CIM_OP_LUT &&
		    cim_check_lut(img, op->lut_offset, why))
			return -1;
		return 0;
	default:	/* CIM_OP_EXIT */
		if (G || !cim_same_shape(in0, out) ||
		    cim_tensor_size(in0) != h->output_size)
			CIM_IMG_FAIL("exit tensor is not the size of the output");
		return 0;
	}
}

/* Sections in order, inside the image, aligned; the plan fits. */
static inline int cim_check_sections(const void *buf, uint64_t size,
				     const struct cim_image_limits *lim,
				     const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)buf;

	if ((h->tensors_offset & 7) || h->tensors_offset < sizeof(*h) ||
	    !cim_range_ok(h->tensors_offset, (uint64_t)h->n_tensors *
			  sizeof(struct cim_image_tensor), h->ops_offset))
		CIM_IMG_FAIL("bad tensors section");
	if ((h->ops_offset & 7) ||
	    !cim_range_ok(h->ops_offset, (uint64_t)h->n_ops *
			  sizeof(struct cim_image_op), h->blocks_offset))
		CIM_IMG_FAIL("bad ops section");
	if ((h->blocks_offset & 7) ||
	    !cim_range_ok(h->blocks_offset, (uint64_t)h->n_blocks *
			  sizeof(struct cim_image_block), h->params_offset))
		CIM_IMG_FAIL("bad blocks section");
	if ((h->params_offset & 3) ||
	    !cim_range_ok(h->params_offset, h->params_size, h->cells_offset))
		CIM_IMG_FAIL("bad params section");
	if (!cim_range_ok(h->cells_offset, h->cells_size, size) ||
	    (uint64_t)h->cells_offset + h->cells_size != size)
		CIM_IMG_FAIL("bad cells section");
	if (h->cells_offset > lim->max_plan_bytes)
		CIM_IMG_FAIL("plan larger than the card's plan memory");
	return 0;
}

/*
 * Check everything but the CRC.  buf holds at least the plan, i.e.
 * min(size, cells_offset) bytes are readable; size is the image size the
 * caller was given.  st is scratch (about 1050 bytes).  Returns 0, or -1
 * with *why set to a static string.
 */
static inline int cim_image_check_st(const void *buf, uint64_t size,
				     const struct cim_image_limits *lim,
				     struct cim_check_state *st,
				     const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)buf;
	const struct cim_image_tensor *t;
	const struct cim_image_op *ops;
	uint32_t i, exits = 0;

	if (size < sizeof(*h))
		CIM_IMG_FAIL("image smaller than its header");
	if (h->magic != CIM_IMAGE_MAGIC)
		CIM_IMG_FAIL("bad magic");
	if (h->version_major != CIM_IMAGE_VERSION_MAJOR)
		CIM_IMG_FAIL("unsupported image version");
	if (h->header_size != sizeof(*h))
		CIM_IMG_FAIL("bad header size");
	if (h->total_size != size)
		CIM_IMG_FAIL("total_size does not match the image size");
	if (h->flags)
		CIM_IMG_FAIL("unknown header flags");
	for (i = 0; i < sizeof(h->reserved) / sizeof(h->reserved[0]); i++)
		if (h->reserved[i])
			CIM_IMG_FAIL("reserved header field not zero");
	if (h->tile_rows != lim->tile_rows || h->tile_cols != lim->tile_cols)
		CIM_IMG_FAIL("image compiled for another tile geometry");
	if (h->cell_bits != 4 || lim->cell_bits != 4)
		CIM_IMG_FAIL("unsupported bits per cell");
	if (!h->n_ops || !h->n_vtiles || !h->n_blocks)
		CIM_IMG_FAIL("image has no ops or no tiles");
	if (h->n_tensors != h->n_ops + 1)
		CIM_IMG_FAIL("tensor count is not op count + 1");
	if (h->n_vtiles > lim->max_vtiles || h->n_vtiles > CIM_IMAGE_MAX_VTILES ||
	    lim->tile_rows > 65535 || lim->tile_cols > 65535)
		CIM_IMG_FAIL("image needs more tiles than the card has");
	if (!h->arena_size || h->arena_size > lim->max_arena)
		CIM_IMG_FAIL("activation arena larger than the card's");
	if (cim_check_sections(buf, size, lim, why))
		return -1;

	t = cim_image_tensors(buf);
	for (i = 0; i < h->n_tensors; i++)
		if (!t[i].c || !t[i].h || !t[i].w ||
		    !cim_range_ok(t[i].offset, cim_tensor_size(&t[i]),
				  h->arena_size))
			CIM_IMG_FAIL("tensor empty or outside the arena");
	if (cim_tensor_size(&t[0]) != h->input_size)
		CIM_IMG_FAIL("input_size is not the input tensor's size");
	if (!h->output_tensor || h->output_tensor >= h->n_tensors ||
	    cim_tensor_size(&t[h->output_tensor]) != h->output_size)
		CIM_IMG_FAIL("bad output tensor");

	st->next_block = 0;
	st->cells_at = 0;
	for (i = 0; i < CIM_IMAGE_MAX_VTILES; i++)
		st->row_end[i] = st->col_end[i] = 0;
	ops = cim_image_ops(buf);
	for (i = 0; i < h->n_ops; i++) {
		if (cim_check_op(buf, i, lim, st, why))
			return -1;
		exits += ops[i].type == CIM_OP_EXIT;
	}
	if (st->next_block != h->n_blocks)
		CIM_IMG_FAIL("blocks that belong to no op");
	if (st->cells_at != h->cells_size)
		CIM_IMG_FAIL("cells section size does not match its blocks");
	if (exits != h->n_exits)
		CIM_IMG_FAIL("n_exits does not match the exit ops");
	for (i = 0; i < h->n_vtiles; i++)
		if (!st->row_end[i])
			CIM_IMG_FAIL("a tile no block uses");
	return 0;
}

#ifndef __KERNEL__
/* Userspace convenience: scratch on the stack. */
static inline int cim_image_check(const void *buf, uint64_t size,
				  const struct cim_image_limits *lim,
				  const char **why)
{
	struct cim_check_state st;

	return cim_image_check_st(buf, size, lim, &st, why);
}
#endif
#undef CIM_IMG_FAIL

static const uint32_t cim_crc32_table[256] = {
	0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu,
	0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
	0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u,
	0xf3b97148u, 0x84be41deu, 0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
	0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
	0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
	0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
	0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
	0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u,
	0xcfba9599u, 0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
	0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u, 0x01db7106u,
	0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
	0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du,
	0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
	0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
	0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
	0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u,
	0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
	0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau,
	0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
	0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
	0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
	0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u,
	0x0d6d6a3eu, 0x7a6a5aa8u, 0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
	0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
	0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
	0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u, 0xa1d1937eu,
	0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
	0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u,
	0x316e8eefu, 0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
	0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u,
	0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
	0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au, 0x9c0906a9u, 0xeb0e363fu,
	0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
	0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
	0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
	0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u,
	0x616bffd3u, 0x166ccf45u, 0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
	0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu,
	0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
	0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u, 0xcdd70693u,
	0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
	0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

/* CRC-32/IEEE (as zlib), continued from crc (start with 0). */
static inline uint32_t cim_crc32(uint32_t crc, const void *buf, uint64_t len)
{
	const uint8_t *p = (const uint8_t *)buf;

	crc = ~crc;
	while (len--)
		crc = cim_crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/*
 * CRC of a whole image, treating its crc32 field as zero.  An image too
 * short to hold the field gets 0 (callers check the size first anyway).
 */
static inline uint32_t cim_image_crc(const void *img, uint64_t size)
{
	static const uint8_t zero[4];
	const uint8_t *p = (const uint8_t *)img;
	uint64_t at = __builtin_offsetof(struct cim_image_header, crc32);
	uint32_t crc;

	if (size < at + 4)
		return 0;
	crc = cim_crc32(0, p, at);
	crc = cim_crc32(crc, zero, 4);
	return cim_crc32(crc, p + at + 4, size - at - 4);
}

#endif /* _CIM_IMAGE_H_ */
