// SPDX-License-Identifier: MIT
/*
 * Writing the image of a plan: header, tensors, ops, blocks, params and
 * cells (uapi/cim_image.h).  Pure C11.
 */
#include <string.h>

#include "map_internal.h"

/* Rows of a block transposed at a time: their cache lines stay hot. */
#define ROW_STRIP	64

static void put_header(const struct mapi_plan *p, uint8_t *img)
{
	struct cim_image_header *h = (struct cim_image_header *)img;
	const struct cim_qmodel *qm = p->qm;

	h->magic = CIM_IMAGE_MAGIC;
	h->version_major = CIM_IMAGE_VERSION_MAJOR;
	h->version_minor = CIM_IMAGE_VERSION_MINOR;
	h->header_size = sizeof(*h);
	h->total_size = (uint32_t)p->total;
	h->tile_rows = p->opts.geom.tile_rows;
	h->tile_cols = p->opts.geom.tile_cols;
	h->cell_bits = 4;
	h->n_tensors = qm->n_tensors;
	h->tensors_offset = (uint32_t)p->tensors_off;
	h->n_ops = qm->n_ops;
	h->ops_offset = (uint32_t)p->ops_off;
	h->n_blocks = p->n_blocks;
	h->blocks_offset = (uint32_t)p->blocks_off;
	h->n_vtiles = p->n_vtiles;
	h->params_offset = (uint32_t)p->params_off;
	h->params_size = (uint32_t)p->params_size;
	h->cells_offset = (uint32_t)p->cells_off;
	h->cells_size = (uint32_t)p->cells_size;
	h->arena_size = p->arena_size;
	h->output_tensor = qm->output_tensor;
	h->input_size = (uint32_t)cim_tensor_size(&qm->tensors[0].shape);
	h->output_size = (uint32_t)cim_tensor_size(&qm->tensors[qm->output_tensor].shape);
	h->n_exits = p->n_exits;
}

static void put_array(uint8_t *params, uint32_t *at, const int32_t *v,
		      uint32_t n, uint32_t *off)
{
	memcpy(params + *at, v, (size_t)n * 4);
	*off = *at;
	*at += n * 4;
}

/* A SIMD CONV: requantization arrays, then its weights as bytes. */
static void put_simd_conv(const struct mapi_plan *p, uint32_t i,
			  uint8_t *params, uint32_t *at, struct cim_image_op *op)
{
	const struct cim_qop *q = &p->qm->ops[i];
	uint32_t K, N, G, n;

	mapi_op_dims(p->qm, i, &K, &N, &G);
	op->replicas = 0;
	put_array(params, at, q->bias, N, &op->bias_offset);
	put_array(params, at, q->mult, N, &op->mult_offset);
	put_array(params, at, q->shift, N, &op->shift_offset);
	if (op->wbits == 4)
		put_array(params, at, q->wzp, N, &op->wzp_offset);
	n = K / G * N;
	memcpy(params + *at, q->weights, n);
	op->weights_offset = *at;
	*at += (n + 3) & ~3u;
}

/* Ops with their block runs and params; returns nothing to fail on. */
static void put_ops(const struct mapi_plan *p, uint8_t *img)
{
	struct cim_image_op *ops = (struct cim_image_op *)(img + p->ops_off);
	uint8_t *params = img + p->params_off;
	uint32_t i, b = 0, at = 0;

	for (i = 0; i < p->qm->n_ops; i++) {
		const struct cim_qop *q = &p->qm->ops[i];
		struct cim_image_op *op = &ops[i];
		uint32_t N = p->qm->tensors[i + 1].shape.c;

		*op = q->op;
		op->block_first = op->block_count = 0;
		op->bias_offset = op->mult_offset = op->shift_offset = 0;
		op->wzp_offset = 0;
		op->lut_offset = 0;
		if (op->type == CIM_OP_LUT)
			put_array(params, &at, q->lut, 256, &op->lut_offset);
		if (mapi_is_simd_conv(op)) {
			put_simd_conv(p, i, params, &at, op);
			continue;
		}
		if (!mapi_is_mvm(op))
			continue;
		op->block_first = b;
		while (b < p->n_blocks && p->blocks[b].op == i)
			b++;
		op->block_count = b - op->block_first;
		op->replicas = p->replicas[i] > 1 ? p->replicas[i] : 0;
		put_array(params, &at, q->bias, N, &op->bias_offset);
		put_array(params, &at, q->mult, N, &op->mult_offset);
		put_array(params, &at, q->shift, N, &op->shift_offset);
		if (op->wbits == 4)
			put_array(params, &at, q->wzp, N, &op->wzp_offset);
	}
}

/* Offset-binary 8-bit weight over two cells: high (even) cell in the low nibble. */
static uint8_t byte8(int8_t w)
{
	uint8_t u = (uint8_t)(w + 128);

	return (uint8_t)((u >> 4) | (u & 15) << 4);
}

/* One group's part of a block: rows x outs weights, row-major cells. */
static void put_part(const struct cim_qop *q, uint32_t Kg, uint32_t n0,
		     const struct mapi_block *b, uint8_t *dst)
{
	uint32_t wbits = q->op.wbits, rb = (b->outs * (wbits / 4) + 1) / 2;
	uint32_t r0, r, o, rend;

	for (r0 = 0; r0 < b->rows; r0 += ROW_STRIP) {
		rend = b->rows - r0 < ROW_STRIP ? b->rows : r0 + ROW_STRIP;
		for (o = 0; o < b->outs; o++) {
			const int8_t *w = q->weights + (size_t)(n0 + o) * Kg +
					  b->row_base;

			if (wbits == 8)
				for (r = r0; r < rend; r++)
					dst[(size_t)r * rb + o] = byte8(w[r]);
			else
				for (r = r0; r < rend; r++)
					dst[(size_t)r * rb + o / 2] |=
						(uint8_t)(w[r] << (4 * (o & 1)));
		}
	}
}

static void put_blocks(const struct mapi_plan *p, uint8_t *img)
{
	struct cim_image_block *out = (struct cim_image_block *)(img + p->blocks_off);
	uint8_t *cells = img + p->cells_off;
	uint64_t at = 0;
	uint32_t i, j;

	for (i = 0; i < p->n_blocks; i++) {
		const struct mapi_block *b = &p->blocks[i];
		const struct cim_qop *q = &p->qm->ops[b->op];
		uint32_t K, N, G, part;

		mapi_op_dims(p->qm, b->op, &K, &N, &G);
		part = b->rows * ((b->outs * mapi_cpw(&q->op) + 1) / 2);
		out[i] = (struct cim_image_block){
			.op = b->op, .vtile = b->vtile, .g_first = b->g_first,
			.g_count = b->g_count, .row_base = b->row_base,
			.rows = b->rows, .col_base = b->col_base, .outs = b->outs,
			.array_row = b->array_row, .array_col = b->array_col,
			.cells_offset = (uint32_t)at,
			.cells_size = b->g_count * part,
		};
		for (j = 0; j < b->g_count; j++)
			put_part(q, K / G, (b->g_first + j) * (N / G) + b->col_base,
				 b, cells + at + (uint64_t)j * part);
		at += out[i].cells_size;
	}
}

void mapi_emit(const struct mapi_plan *p, uint8_t *img)
{
	struct cim_image_tensor *t = (struct cim_image_tensor *)(img + p->tensors_off);
	struct cim_image_header *h = (struct cim_image_header *)img;
	uint32_t i;

	put_header(p, img);
	for (i = 0; i < p->qm->n_tensors; i++) {
		t[i] = p->qm->tensors[i].shape;
		t[i].offset = p->offsets[i];
	}
	put_ops(p, img);
	put_blocks(p, img);
	h->crc32 = cim_image_crc(img, p->total);
}
