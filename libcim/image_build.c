// SPDX-License-Identifier: MIT
/*
 * Weight image builder (format: uapi/cim_image.h).  Pure C11: no OS
 * calls, linked by the firmware host tests too.
 *
 * Layout choices the format leaves open, fixed here so that the same
 * model and geometry always give the same bytes:
 *  - sections follow each other with no gaps: header, ops (at 96, which is
 *    8-aligned), vtiles, params, cells;
 *  - a layer's vtiles come in row-block-major order over a grid of blocks
 *    of tile_rows inputs by tile_cols / 2 outputs (the last block of a row
 *    or column of blocks holds the remainder);
 *  - the params blob holds, per layer in order, bias'[N], mult[N], shift[N];
 *  - every byte not written explicitly is zero.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_check.h"
#include "../uapi/cim_image_v1.h"

/* The ops section starts right after the header and must be 8-aligned. */
_Static_assert(sizeof(struct cim_image_header) % 8 == 0,
	       "image header size must keep the ops 8-aligned");

struct plan_size {
	uint64_t n_vtiles;
	uint64_t params;
	uint64_t cells;
};

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return a / b + (a % b != 0);
}

static int geometry_ok(const struct cim_geometry *g)
{
	return g && g->cell_bits == 4 && g->tile_rows >= 1 && g->tile_cols >= 2;
}

static void measure(const struct cim_model_desc *m, const struct cim_geometry *g,
		    struct plan_size *ps)
{
	uint32_t outs = g->tile_cols / 2, i;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; i < m->n_layers; i++) {
		const struct cim_fc_layer *l = &m->layers[i];

		ps->n_vtiles += (uint64_t)div_up(l->in_len, g->tile_rows) *
				div_up(l->out_len, outs);
		ps->params += 12ull * l->out_len;
		ps->cells += (uint64_t)l->in_len * l->out_len;
	}
}

/* Offset-binary weight over a high and a low cell, even cell in the low nibble. */
static uint8_t cell_byte(int8_t w)
{
	uint8_t u = (uint8_t)(w + 128);

	return (uint8_t)((u >> 4) | ((u & 15) << 4));
}

static void put_params(uint8_t *params, uint32_t at, const struct cim_fc_layer *l,
		       struct cim_image_op *op)
{
	int32_t *bias = (int32_t *)(params + at);
	int32_t *mult = bias + l->out_len;
	int32_t *shift = mult + l->out_len;
	uint32_t n;

	for (n = 0; n < l->out_len; n++) {
		bias[n] = (int32_t)cimi_folded_bias(l, n);
		mult[n] = l->mult[n];
		shift[n] = l->shift[n];
	}
	op->bias_offset = at;
	op->mult_offset = at + 4 * l->out_len;
	op->shift_offset = at + 8 * l->out_len;
}

/* Fills one vtile and its cells; returns the bytes of cells written. */
static uint32_t put_vtile(struct cim_image_vtile *t, uint8_t *cells,
			  uint32_t cells_at, uint32_t op_index,
			  const struct cim_fc_layer *l, uint32_t row_base,
			  uint32_t rows, uint32_t col_base, uint32_t outs)
{
	uint8_t *c = cells + cells_at;
	uint32_t r, j;

	t->op = op_index;
	t->row_base = row_base;
	t->rows = rows;
	t->col_base = col_base;
	t->outs = outs;
	t->cells_offset = cells_at;
	t->cells_size = rows * outs;
	for (r = 0; r < rows; r++)
		for (j = 0; j < outs; j++)
			*c++ = cell_byte(l->weights[(size_t)(col_base + j) *
						    l->in_len + row_base + r]);
	return t->cells_size;
}

static void put_layer(uint8_t *img, uint32_t index, const struct cim_fc_layer *l,
		      const struct cim_geometry *g, uint32_t *vt_next,
		      uint32_t *params_at, uint32_t *cells_at)
{
	struct cim_image_header *h = (struct cim_image_header *)img;
	struct cim_image_op *op = (struct cim_image_op *)(img + h->ops_offset) + index;
	struct cim_image_vtile *vt = (struct cim_image_vtile *)(img + h->vtiles_offset);
	uint32_t max_outs = g->tile_cols / 2, rb, cb;

	op->type = CIM_LAYER_FC;
	op->in_len = l->in_len;
	op->out_len = l->out_len;
	op->in_zp = l->in_zp;
	op->out_zp = l->out_zp;
	op->act_min = l->act_min;
	op->act_max = l->act_max;
	put_params(img + h->params_offset, *params_at, l, op);
	*params_at += 12 * l->out_len;

	op->vtile_first = *vt_next;
	for (rb = 0; rb < l->in_len; rb += g->tile_rows) {
		uint32_t rows = l->in_len - rb < g->tile_rows ?
				l->in_len - rb : g->tile_rows;

		for (cb = 0; cb < l->out_len; cb += max_outs) {
			uint32_t outs = l->out_len - cb < max_outs ?
					l->out_len - cb : max_outs;

			*cells_at += put_vtile(&vt[*vt_next], img + h->cells_offset,
					       *cells_at, index, l, rb, rows, cb,
					       outs);
			(*vt_next)++;
		}
	}
	op->vtile_count = *vt_next - op->vtile_first;
}

int cim_image_build(const struct cim_model_desc *m,
		    const struct cim_geometry *g, void **image, size_t *size)
{
	struct cim_image_header *h;
	struct plan_size ps;
	uint64_t ops_off, vt_off, params_off, cells_off, total;
	uint32_t i, vt_next = 0, params_at = 0, cells_at = 0;
	uint8_t *img;
	int ret;

	if (!image || !size || !geometry_ok(g))
		return -EINVAL;
	ret = cimi_model_check(m);
	if (ret)
		return ret;

	measure(m, g, &ps);
	ops_off = sizeof(*h);
	vt_off = ops_off + (uint64_t)m->n_layers * sizeof(struct cim_image_op);
	params_off = vt_off + ps.n_vtiles * sizeof(struct cim_image_vtile);
	cells_off = params_off + ps.params;
	total = cells_off + ps.cells;
	/* Every offset and size in the format is 32 bits. */
	if (total > UINT32_MAX || total > SIZE_MAX)
		return -EINVAL;

	img = calloc(1, (size_t)total);
	if (!img)
		return -ENOMEM;
	h = (struct cim_image_header *)img;
	h->magic = CIM_IMAGE_MAGIC;
	h->version_major = CIM_IMAGE_VERSION_MAJOR;
	h->version_minor = CIM_IMAGE_VERSION_MINOR;
	h->header_size = sizeof(*h);
	h->total_size = (uint32_t)total;
	h->tile_rows = g->tile_rows;
	h->tile_cols = g->tile_cols;
	h->cell_bits = 4;
	h->n_ops = m->n_layers;
	h->ops_offset = (uint32_t)ops_off;
	h->n_vtiles = (uint32_t)ps.n_vtiles;
	h->vtiles_offset = (uint32_t)vt_off;
	h->params_offset = (uint32_t)params_off;
	h->params_size = (uint32_t)ps.params;
	h->cells_offset = (uint32_t)cells_off;
	h->cells_size = (uint32_t)ps.cells;
	h->input_size = m->layers[0].in_len;
	h->output_size = m->layers[m->n_layers - 1].out_len;

	for (i = 0; i < m->n_layers; i++)
		put_layer(img, i, &m->layers[i], g, &vt_next, &params_at,
			  &cells_at);

	h->crc32 = cim_image_crc(img, total);
	*image = img;
	*size = (size_t)total;
	return 0;
}
