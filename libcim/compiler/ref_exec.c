// SPDX-License-Identifier: MIT
/*
 * CPU reference executor of weight images (uapi/cim_image.h, format 2):
 * runs an image exactly as the ideal card does, weights decoded from the
 * cells of its blocks, activations in the image's own arena layout.
 * Pure C11: no OS calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cim_model.h"
#include "cimx_format.h"
#include "ref_ops.h"

#define REF_MAX_VECTOR	CIMX_MAX_VECTOR	/* the longest K or N libcim maps */

/* The header of something that looks like an image, copied out (any alignment). */
static int header_of(const void *image, size_t size, struct cim_image_header *h)
{
	if (!image || size < sizeof(*h))
		return 0;
	memcpy(h, image, sizeof(*h));
	return h->magic == CIM_IMAGE_MAGIC &&
	       h->version_major == CIM_IMAGE_VERSION_MAJOR &&
	       h->header_size == sizeof(*h) && h->total_size == size;
}

uint32_t cim_image_input_size(const void *image, size_t size)
{
	struct cim_image_header h;

	return header_of(image, size, &h) ? h.input_size : 0;
}

uint32_t cim_image_output_size(const void *image, size_t size)
{
	struct cim_image_header h;

	return header_of(image, size, &h) ? h.output_size : 0;
}

/* Validate an image the way the card will, with limits from its own header. */
static int image_ok(const void *image, size_t size)
{
	const struct cim_image_header *h = image;
	struct cim_image_limits lim;
	const char *why = NULL;

	if (size < sizeof(*h))
		return -EINVAL;
	lim.tile_rows = h->tile_rows;
	lim.tile_cols = h->tile_cols;
	lim.cell_bits = 4;
	lim.max_vector = REF_MAX_VECTOR;
	lim.max_plan_bytes = UINT32_MAX;
	lim.max_vtiles = CIM_IMAGE_MAX_VTILES;
	lim.max_arena = UINT32_MAX;
	if (cim_image_check(image, size, &lim, &why))
		return -EINVAL;
	if (cim_image_crc(image, size) != h->crc32)
		return -EINVAL;
	return 0;
}

/* acc = bias + W x, W decoded from the cells of the op's blocks. */
static void image_mvm(const void *ctx, uint32_t i, const int8_t *x,
		      uint32_t *acc)
{
	const uint8_t *img = ctx;
	const struct cim_image_header *h = ctx;
	const struct cim_image_op *op = &cim_image_ops(img)[i];
	const struct cim_image_tensor *t = cim_image_tensors(img);
	const int32_t *bias = cim_image_param(img, op->bias_offset);
	const int32_t *wzp = op->wbits == 4 ? cim_image_param(img, op->wzp_offset) : NULL;
	uint32_t Nr = t[op->out].c, G = op->groups, b, j, r, o, N, K;
	uint64_t k64, n64;
	uint32_t Kg, Ng;

	/* with duplicated windows, the patch vector times the K' x N' matrix */
	refi_op_vectors(op, t, &k64, &n64);
	K = (uint32_t)k64;
	N = (uint32_t)n64;
	Kg = K / G;
	Ng = N / G;
	for (o = 0; o < N; o++)
		acc[o] = (uint32_t)bias[o % Nr];
	if (op->flags & CIM_OPF_SIMD) {
		/* SIMD CONV: N x Kg weight bytes in the params blob */
		const int8_t *wv = (const int8_t *)cim_image_param(img,
							op->weights_offset);

		for (o = 0; o < N; o++) {
			const int8_t *xg = x + (size_t)(o / Ng) * Kg;

			for (r = 0; r < Kg; r++) {
				int32_t w = wv[(size_t)o * Kg + r] -
					    (wzp ? wzp[o % Nr] : 0);

				acc[o] += (uint32_t)(xg[r] * w);
			}
		}
		return;
	}
	/* replica 0's blocks hold the whole matrix (uapi/cim_image.h) */
	for (b = op->block_first; b < op->block_first + op->block_count /
		     (op->replicas ? op->replicas : 1); b++) {
		const struct cim_image_block *blk = &cim_image_blocks(img)[b];
		uint32_t rb = (blk->outs * (op->wbits / 4) + 1) / 2;
		const uint8_t *cells = img + h->cells_offset + blk->cells_offset;

		for (j = 0; j < blk->g_count; j++) {
			uint32_t g = blk->g_first + j;
			const int8_t *xg = x + (size_t)g * Kg + blk->row_base;
			uint32_t n0 = g * Ng + blk->col_base;

			for (r = 0; r < blk->rows; r++, cells += rb) {
				int32_t xv = xg[r];

				for (o = 0; o < blk->outs; o++) {
					int32_t w;

					if (op->wbits == 8)
						w = 16 * (cells[o] & 15) +
						    (cells[o] >> 4) - 128;
					else
						w = ((cells[o / 2] >> (4 * (o & 1))) & 15) -
						    wzp[(n0 + o) % Nr];
					acc[n0 + o] += (uint32_t)(xv * w);
				}
			}
		}
	}
}

static const int32_t *image_lut(const void *ctx, uint32_t i)
{
	return cim_image_param(ctx, cim_image_ops(ctx)[i].lut_offset);
}

static void image_requant(const void *ctx, uint32_t i, const int32_t **mult,
			  const int32_t **shift)
{
	const struct cim_image_op *op = &cim_image_ops(ctx)[i];

	*mult = cim_image_param(ctx, op->mult_offset);
	*shift = cim_image_param(ctx, op->shift_offset);
}

/*
 * exit_margin < 0: the margins compiled into the image; else that margin
 * for every exit (above 255 none passes).  exits: NULL or batch bytes.
 */
static int run_image(const uint8_t *img, size_t size, const int8_t *in,
		     int8_t *out, uint32_t batch, int exit_margin,
		     uint8_t *exits)
{
	const struct cim_image_header *h = (const void *)img;
	const struct cim_image_tensor *t;
	const struct cim_image_op *ops;
	struct refi_env e = { 0 };
	int8_t *arena = NULL;
	uint32_t b, i;
	int ret;

	ret = image_ok(img, size);
	if (ret)
		return ret;
	t = cim_image_tensors(img);
	ops = cim_image_ops(img);
	arena = malloc(h->arena_size);
	e.ptr = malloc(h->n_tensors * sizeof(*e.ptr));
	e.x = malloc(REF_MAX_VECTOR);
	e.acc = malloc(REF_MAX_VECTOR * sizeof(*e.acc));
	if (!arena || !e.ptr || !e.x || !e.acc) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < h->n_tensors; i++)
		e.ptr[i] = arena + t[i].offset;
	e.shape = t;
	e.ctx = img;
	e.mvm = image_mvm;
	e.requant = image_requant;
	e.lut = image_lut;
	for (b = 0; b < batch; b++) {
		const int8_t *res = e.ptr[h->output_tensor];
		uint32_t n_exit = 0;

		memcpy(e.ptr[0], in + (size_t)b * h->input_size, h->input_size);
		for (i = 0; i < h->n_ops; i++) {
			const struct cim_image_op *op = &ops[i];
			struct cim_image_op ov;

			if (op->type == CIM_OP_EXIT && exit_margin >= 0) {
				ov = *op;
				ov.exit_margin = exit_margin > 255 ?
						 256 : (uint32_t)exit_margin;
				op = &ov;
			}
			if (refi_op(&e, op, i)) {
				res = e.ptr[ops[i].in0];
				break;
			}
			n_exit += op->type == CIM_OP_EXIT;
		}
		memcpy(out + (size_t)b * h->output_size, res, h->output_size);
		/* the exit taken, or n_exits: as the card reports it */
		if (exits)
			exits[b] = (uint8_t)(n_exit < 255 ? n_exit : 255);
	}
out:
	free(arena);
	free(e.ptr);
	free(e.x);
	free(e.acc);
	return ret;
}

int cim_ref_run_image(const void *image, size_t size, const int8_t *in,
		      int8_t *out, uint32_t batch)
{
	return cim_ref_run_image_ex(image, size, in, out, batch, -1, NULL);
}

int cim_ref_run_image_ex(const void *image, size_t size, const int8_t *in,
			 int8_t *out, uint32_t batch, int exit_margin,
			 uint8_t *exits)
{
	void *copy;
	int ret;

	if (!image || (batch && (!in || !out)))
		return -EINVAL;
	if (!((uintptr_t)image & 7))
		return run_image(image, size, in, out, batch, exit_margin,
				 exits);
	/* The structs inside need the image 8-aligned; work on a copy. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, image, size);
	ret = run_image(copy, size, in, out, batch, exit_margin, exits);
	free(copy);
	return ret;
}
