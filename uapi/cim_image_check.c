// SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT
/*
 * The weight-image validator (uapi/cim_image.h): cim.ko checks every image
 * it is given with it, the card firmware checks it again, and libcim
 * checks an image before handing it over so that a refusal comes with a
 * reason.  One source, compiled into each (Kbuild, firmware/sources.mk,
 * libcim/Makefile).  No floating point, no 64-bit division, no libc.
 */
#include "cim_image.h"

static int cim_params_ok(const struct cim_image_header *h, uint32_t off,
			 uint32_t n)
{
	return (off & 3) == 0 && cim_range_ok(off, (uint64_t)n * 4, h->params_size);
}

/* Cells of one block (see struct cim_image_block). */
uint64_t cim_block_cells_size(const struct cim_image_block *b,
			      uint32_t wbits)
{
	return (uint64_t)b->g_count * b->rows *
	       (((uint64_t)b->outs * (wbits / 4) + 1) / 2);
}

/* Output extent of a window op along one axis; 0 if it has none. */
uint32_t cim_window_out(uint32_t in, uint32_t k, uint32_t stride,
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

static int cim_int8_ok(int32_t v)
{
	return v >= -128 && v <= 127;
}

static int cim_mult_ok(int32_t m, int32_t s)
{
	return m >= 0 && s >= -31 && s <= 30;
}

/* Requantization arrays of an FC/CONV op with n outputs. */
static int cim_check_requant(const void *img,
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

/*
 * The blocks of an FC/CONV op with matrix K x N in G groups: inside the
 * matrix and the arrays, cells where they belong, covering the diagonal.
 */
static int cim_check_blocks(const void *img, uint32_t opi,
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

/*
 * A CONV the tile SIMD computes (version 2.2): no blocks, its N x Kg
 * weight bytes inside the params blob.
 */
static int cim_check_simd_conv(const void *img, const struct cim_image_op *op,
			       uint32_t Kg, uint32_t N, const char **why)
{
	const struct cim_image_header *h = (const struct cim_image_header *)img;
	uint64_t words = ((uint64_t)Kg * N + 3) / 4;

	if (h->version_minor < 2)
		CIM_IMG_FAIL("SIMD CONV needs image version 2.2");
	if (op->block_first || op->block_count || op->replicas)
		CIM_IMG_FAIL("SIMD CONV with weight blocks");
	if (words > 0xffffffffu ||
	    !cim_params_ok(h, op->weights_offset, (uint32_t)words))
		CIM_IMG_FAIL("SIMD CONV weights outside params");
	return 0;
}

/* Does tensor a's arena range overlap tensor b's? */
int cim_tensors_overlap(const struct cim_image_tensor *a,
			const struct cim_image_tensor *b)
{
	return a->offset < b->offset + cim_tensor_size(b) &&
	       b->offset < a->offset + cim_tensor_size(a);
}

int cim_same_shape(const struct cim_image_tensor *a,
		   const struct cim_image_tensor *b)
{
	return a->c == b->c && a->h == b->h && a->w == b->w;
}

/* The window fields of CONV and the pools give out's height and width. */
int cim_check_window(const struct cim_image_op *op,
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
int cim_op_unused_zero(const struct cim_image_op *op)
{
	uint32_t mvm = op->type == CIM_OP_FC || op->type == CIM_OP_CONV;
	uint32_t win = op->type == CIM_OP_CONV || op->type == CIM_OP_MAXPOOL ||
		       op->type == CIM_OP_AVGPOOL;
	uint32_t resc = op->type == CIM_OP_ADD || op->type == CIM_OP_CONCAT;
	uint32_t two = resc || op->type == CIM_OP_MUL;

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
	if (!(op->flags & CIM_OPF_SIMD) && op->weights_offset)
		return 0;
	if (op->dup_w && (op->type != CIM_OP_CONV || (op->flags & CIM_OPF_SIMD)))
		return 0;
	if ((op->type != CIM_OP_LUT && op->lut_offset) ||
	    (op->type != CIM_OP_SLICE && op->chan_first))
		return 0;
	if (op->type != CIM_OP_EXIT && op->exit_margin)
		return 0;
	if (!mvm && op->replicas)
		return 0;
	if (op->flags & ~(uint32_t)(op->type == CIM_OP_AVGPOOL ?
				    CIM_OPF_COUNT_PAD :
				    op->type == CIM_OP_CONV ? CIM_OPF_SIMD : 0))
		return 0;
	return 1;
}

int cim_check_simd_op(const struct cim_image_op *op,
		      const struct cim_image_tensor *in0,
		      const struct cim_image_tensor *in1,
		      const struct cim_image_tensor *out, const char **why)
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

int cim_check_lut(const void *img, uint32_t off, const char **why)
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
static int cim_check_op(const void *img, uint32_t i,
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
			if (op->dup_w > 1) {
				uint64_t kd;

				if (h->version_minor < 2 || G != 1 ||
				    op->dup_w > CIM_IMAGE_MAX_DUP)
					CIM_IMG_FAIL("bad duplicated window");
				/* the patch vector and the D pixels' outputs */
				kd = (uint64_t)op->kernel_h * in0->c *
					((op->dup_w - 1) * op->stride_w +
					 (op->kernel_w - 1) * op->dil_w + 1);

				if (kd > lim->max_vector ||
				    (uint64_t)N * op->dup_w > lim->max_vector)
					CIM_IMG_FAIL("op vector length out of range");
				K = (uint32_t)kd;
				N *= op->dup_w;
			}
		}
		if (K > lim->max_vector || N > lim->max_vector)
			CIM_IMG_FAIL("op vector length out of range");
		if (cim_check_requant(img, op, out->c, why))
			return -1;
		if (op->flags & CIM_OPF_SIMD)
			return cim_check_simd_conv(img, op, K / G, N, why);
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
		if (G)
			CIM_IMG_FAIL("op field unused by its type not zero");
		if (cim_check_simd_op(op, in0, in1, out, why))
			return -1;
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
static int cim_check_sections(const void *buf, uint64_t size,
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
int cim_image_check_st(const void *buf, uint64_t size,
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

#undef CIM_IMG_FAIL
