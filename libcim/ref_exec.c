// SPDX-License-Identifier: MIT
/*
 * CPU reference executor: runs a weight image exactly as the ideal card
 * does, or a model description straight from its arrays.  Pure C11: no
 * OS calls, linked by the firmware host tests too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_check.h"
#include "../uapi/cim_image_v1.h"
#include "../uapi/cim_quant.h"

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
	lim.max_vector = CIMI_MAX_VECTOR;
	lim.max_plan_bytes = UINT32_MAX;
	lim.max_vtiles = UINT32_MAX;
	if (cim_image_check(image, size, &lim, &why))
		return -EINVAL;
	if (cim_image_crc(image, size) != h->crc32)
		return -EINVAL;
	return 0;
}

/*
 * One layer for one batch item.  The accumulator wraps like a two's
 * complement int32 would; images from cim_image_build() never get there.
 */
static void run_op(const uint8_t *img, const struct cim_image_op *op,
		   const int8_t *x, int8_t *y, uint32_t *acc)
{
	const struct cim_image_header *h = (const void *)img;
	const struct cim_image_vtile *vt = cim_image_vtiles(img);
	const int32_t *bias = cim_image_param(img, op->bias_offset);
	const int32_t *mult = cim_image_param(img, op->mult_offset);
	const int32_t *shift = cim_image_param(img, op->shift_offset);
	uint32_t i, r, j, n;

	for (n = 0; n < op->out_len; n++)
		acc[n] = (uint32_t)bias[n];
	for (i = op->vtile_first; i < op->vtile_first + op->vtile_count; i++) {
		const struct cim_image_vtile *t = &vt[i];
		const uint8_t *c = img + h->cells_offset + t->cells_offset;

		for (r = 0; r < t->rows; r++) {
			int32_t xv = x[t->row_base + r];

			for (j = 0; j < t->outs; j++, c++) {
				int32_t w = 16 * (*c & 15) + (*c >> 4) - 128;

				acc[t->col_base + j] += (uint32_t)(xv * w);
			}
		}
	}
	for (n = 0; n < op->out_len; n++)
		y[n] = cim_requant_out((int32_t)acc[n], mult[n], shift[n],
				       op->out_zp, op->act_min, op->act_max);
}

static int run_image(const uint8_t *img, size_t size, const int8_t *in,
		     int8_t *out, uint32_t batch)
{
	const struct cim_image_header *h = (const void *)img;
	const struct cim_image_op *ops;
	int8_t buf[2][CIMI_MAX_VECTOR];
	uint32_t acc[CIMI_MAX_VECTOR];
	uint32_t b, i;
	int ret;

	ret = image_ok(img, size);
	if (ret)
		return ret;
	ops = cim_image_ops(img);
	for (b = 0; b < batch; b++) {
		const int8_t *x = in + (size_t)b * h->input_size;

		for (i = 0; i < h->n_ops; i++) {
			int8_t *y = i + 1 == h->n_ops ?
				    out + (size_t)b * h->output_size : buf[i & 1];

			run_op(img, &ops[i], x, y, acc);
			x = y;
		}
	}
	return 0;
}

int cim_ref_run_image(const void *image, size_t size, const int8_t *in,
		      int8_t *out, uint32_t batch)
{
	void *copy;
	int ret;

	if (!image || (batch && (!in || !out)))
		return -EINVAL;
	if (!((uintptr_t)image & 7))
		return run_image(image, size, in, out, batch);
	/* The structs inside need the image 8-aligned; work on a copy. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, image, size);
	ret = run_image(copy, size, in, out, batch);
	free(copy);
	return ret;
}

static void run_layer(const struct cim_fc_layer *l, const int8_t *x, int8_t *y)
{
	uint32_t n, k;

	for (n = 0; n < l->out_len; n++) {
		const int8_t *w = l->weights + (size_t)n * l->in_len;
		int64_t acc = l->bias[n];

		for (k = 0; k < l->in_len; k++)
			acc += (int64_t)(x[k] - l->in_zp) * w[k];
		/* cimi_model_check() proved that acc fits an int32. */
		y[n] = cim_requant_out((int32_t)acc, l->mult[n], l->shift[n],
				       l->out_zp, l->act_min, l->act_max);
	}
}

int cim_ref_run_model(const struct cim_model_desc *m, const int8_t *in,
		      int8_t *out, uint32_t batch)
{
	int8_t buf[2][CIMI_MAX_VECTOR];
	uint32_t b, i, in_len, out_len;
	int ret;

	ret = cimi_model_check(m);
	if (ret)
		return ret;
	if (batch && (!in || !out))
		return -EINVAL;
	in_len = m->layers[0].in_len;
	out_len = m->layers[m->n_layers - 1].out_len;
	for (b = 0; b < batch; b++) {
		const int8_t *x = in + (size_t)b * in_len;

		for (i = 0; i < m->n_layers; i++) {
			int8_t *y = i + 1 == m->n_layers ?
				    out + (size_t)b * out_len : buf[i & 1];

			run_layer(&m->layers[i], x, y);
			x = y;
		}
	}
	return 0;
}
