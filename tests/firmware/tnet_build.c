// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Format-2 image builder of the firmware tests: arena by tensor
 * lifetimes (first fit), blocks by a simple mapper (matrices split to
 * the tile, groups packed diagonally, blocks packed onto tiles in
 * order), params, cells and CRC, independent of libcim's compiler, so
 * that the tests can lay blocks out as they please.  A balanced mapping
 * (balance_tiles: replicas, period balancing, packing) is libcim's
 * product mapper's (tnet_map.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tnet.h"
#include "tmodel.h"

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

uint64_t tnet_size(const struct tnet *n, uint32_t t)
{
	return (uint64_t)n->t[t].c * n->t[t].h * n->t[t].w;
}

uint32_t tnet_add(struct tnet *n, const struct tnet_op *op, uint32_t c,
		  uint32_t h, uint32_t w)
{
	uint32_t i = n->n_ops++;
	struct cim_image_op *o;

	if (i >= TNET_MAX_OPS)
		abort();
	n->ops[i] = *op;
	o = &n->ops[i].op;
	o->out = i + 1;
	if (o->type != CIM_OP_ADD && o->type != CIM_OP_CONCAT &&
	    o->type != CIM_OP_MUL)
		o->in1 = CIM_TENSOR_NONE;
	n->t[i + 1].c = c;
	n->t[i + 1].h = h;
	n->t[i + 1].w = w;
	n->output = i + 1;
	return i + 1;
}

void tnet_window_shape(const struct tnet *n, const struct cim_image_op *op,
		       uint32_t in, uint32_t *h, uint32_t *w)
{
	*h = cim_window_out(n->t[in].h, op->kernel_h, op->stride_h,
			    op->dil_h, op->pad_top, op->pad_bottom);
	*w = cim_window_out(n->t[in].w, op->kernel_w, op->stride_w,
			    op->dil_w, op->pad_left, op->pad_right);
}

void tnet_rand_mvm(struct tnet_op *o, uint32_t K, uint32_t N, uint32_t G,
		   uint32_t wbits, uint32_t *seed)
{
	uint32_t Kg = K / G, Ng = N / G, i;
	double spread, wstd = wbits == 8 ? 73.0 : 4.6;
	int sh;

	o->op.wbits = wbits;
	o->w = xzalloc((size_t)K * Ng * sizeof(*o->w));
	o->bias = xzalloc(N * sizeof(int32_t));
	o->mult = xzalloc(N * sizeof(int32_t));
	o->shift = xzalloc(N * sizeof(int32_t));
	if (wbits == 4)
		o->wzp = xzalloc(N * sizeof(int32_t));
	for (i = 0; i < K * Ng; i++)
		o->w[i] = wbits == 8 ? (int32_t)(trand(seed) % 255) - 127 :
				       (int32_t)(trand(seed) % 16);
	/* |acc| ~ sqrt(Kg) * 73 * wstd: scale it to about +-60 */
	spread = sqrt((double)Kg) * 73.0 * wstd / 60.0;
	sh = -(int)ceil(log2(spread));
	for (i = 0; i < N; i++) {
		o->bias[i] = (int32_t)(trand(seed) % 2001) - 1000;
		o->mult[i] = (int32_t)(0x40000000u + trand(seed) % 0x3fffffffu);
		o->shift[i] = sh;
		if (wbits == 4)
			o->wzp[i] = (int32_t)(trand(seed) % 16);
	}
}

void tnet_free(struct tnet *n)
{
	uint32_t i;

	for (i = 0; i < n->n_ops; i++) {
		free(n->ops[i].w);
		free(n->ops[i].bias);
		free(n->ops[i].mult);
		free(n->ops[i].shift);
		free(n->ops[i].wzp);
	}
	memset(n, 0, sizeof(*n));
}

/* --- arena ----------------------------------------------------------- */

static void tnet_arena(struct tnet *n)
{
	uint32_t nt = n->n_ops + 1, i, j, k;
	int32_t *last = xzalloc(nt * sizeof(*last));
	uint64_t off, end;
	int moved;

	for (i = 0; i < nt; i++)
		last[i] = (int32_t)i - 1;	/* read by no one */
	for (k = 0; k < n->n_ops; k++) {
		last[n->ops[k].op.in0] = (int32_t)k;
		if (n->ops[k].op.in1 != CIM_TENSOR_NONE)
			last[n->ops[k].op.in1] = (int32_t)k;
	}
	last[n->output] = (int32_t)n->n_ops;
	n->arena = 0;
	for (i = 0; i < nt; i++) {
		off = 0;
		do {	/* first fit among the tensors alive with i */
			moved = 0;
			for (j = 0; j < i; j++) {
				if (last[j] < (int32_t)i - 1)
					continue;	/* dead before i is made */
				end = n->t[j].offset + tnet_size(n, j);
				if (off < end &&
				    n->t[j].offset < off + tnet_size(n, i)) {
					off = (end + 7) & ~7ull;
					moved = 1;
				}
			}
		} while (moved);
		n->t[i].offset = (uint32_t)off;
		if (off + tnet_size(n, i) > n->arena)
			n->arena = (uint32_t)(off + tnet_size(n, i));
	}
	free(last);
}

/* --- mapping ------------------------------------------------------- */

#define TMAP_TILES	CIM_IMAGE_MAX_VTILES

struct tmap {
	struct cim_image_block *b;
	uint32_t nb, cap;
	uint32_t vt, row;	/* current tile and its first free row */
	int any;
	/* staircase state per tile: largest end row and column */
	uint32_t nt;
	uint32_t row_end[TMAP_TILES], col_end[TMAP_TILES];
};

static void tmap_append(struct tmap *m, const struct cim_image_block *b)
{
	if (m->nb == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->b = realloc(m->b, m->cap * sizeof(*m->b));
		if (!m->b)
			abort();
	}
	m->b[m->nb++] = *b;
}

/*
 * Can a h x w (rows x cells) block go on tile vt by the staircase rule:
 * below everything at column 0, or right of everything at row 0?
 */
static int tmap_fit(const struct tnet *n, const struct tmap *m, uint32_t vt,
		    uint32_t h, uint32_t w, uint32_t cap, uint32_t *row,
		    uint32_t *col)
{
	if (m->row_end[vt] + h <= cap && w <= n->tile_cols) {
		*row = m->row_end[vt];
		*col = 0;
		return 1;
	}
	if (h <= cap && m->col_end[vt] + w <= n->tile_cols) {
		*row = 0;
		*col = m->col_end[vt];
		return 1;
	}
	return 0;
}

static void tmap_put(struct tmap *m, struct cim_image_block *b, uint32_t vt,
		     uint32_t row, uint32_t col, uint32_t h, uint32_t w)
{
	b->vtile = vt;
	b->array_row = row;
	b->array_col = col;
	if (row + h > m->row_end[vt])
		m->row_end[vt] = row + h;
	if (col + w > m->col_end[vt])
		m->col_end[vt] = col + w;
	if (vt >= m->nt)
		m->nt = vt + 1;
}

/* The simple mapper: blocks in order onto the current tile or the next. */
static void tmap_place(struct tnet *n, struct tmap *m,
		       struct cim_image_block *b, uint32_t cpw)
{
	uint32_t h = b->g_count * b->rows, w = b->g_count * b->outs * cpw;
	uint32_t cap = n->tile_fill ? n->tile_fill : n->tile_rows;
	uint32_t row, col;

	if (n->pack2d) {
		if (!m->any || !tmap_fit(n, m, m->vt, h, w, cap, &row, &col)) {
			if (m->any)
				m->vt++;
			row = col = 0;
		}
		m->any = 1;
		tmap_put(m, b, m->vt, row, col, h, w);
		tmap_append(m, b);
		return;
	}
	if (!m->any) {
		m->any = 1;
	} else if (n->no_pack || m->row + h > cap) {
		m->vt++;
		m->row = 0;
	}
	b->vtile = m->vt;
	b->array_row = m->row;
	b->array_col = 0;
	m->row += h;
	tmap_append(m, b);
}

/* One copy of op k's matrix cut into blocks (not placed); returns count. */
static uint32_t tshape_op(const struct tnet *n, uint32_t k, uint32_t K,
			  uint32_t N, uint32_t G, struct cim_image_block **out)
{
	const struct cim_image_op *op = &n->ops[k].op;
	uint32_t cpw = op->wbits / 4, Kg = K / G, Ng = N / G;
	uint32_t R = n->max_rows ? n->max_rows : n->tile_rows;
	uint32_t C = (n->max_cols ? n->max_cols : n->tile_cols) / cpw;
	uint32_t gpb = 1, g, r, c, cnt = 0;
	struct cim_image_block *b;

	if (R > n->tile_rows)
		R = n->tile_rows;
	if (C > n->tile_cols / cpw)
		C = n->tile_cols / cpw;
	if (G > 1 && !n->no_diag && Kg <= R && Ng <= C) {
		gpb = R / Kg < C / Ng ? R / Kg : C / Ng;
		if (gpb > G)
			gpb = G;
	}
	b = xzalloc((size_t)((G + gpb - 1) / gpb) * ((Kg + R - 1) / R) *
		    ((Ng + C - 1) / C) * sizeof(*b));
	for (g = 0; g < G; g += gpb) {
		for (r = 0; r < Kg; r += R) {
			for (c = 0; c < Ng; c += C) {
				b[cnt].op = k;
				b[cnt].g_first = g;
				b[cnt].g_count = G - g < gpb ? G - g : gpb;
				b[cnt].row_base = r;
				b[cnt].rows = Kg - r < R ? Kg - r : R;
				b[cnt].col_base = c;
				b[cnt].outs = Ng - c < C ? Ng - c : C;
				cnt++;
			}
		}
	}
	*out = b;
	return cnt;
}

uint64_t tnet_mvm_ps(const struct tnet *n, uint32_t rows, uint32_t cells)
{
	uint32_t rg = n->row_group ? n->row_group : n->tile_rows;
	uint32_t ad = n->adcs ? n->adcs : n->tile_cols;
	uint32_t bits = n->adc_bits ? n->adc_bits : 1;
	uint64_t full = (uint64_t)((n->tile_rows + rg - 1) / rg) *
			((n->tile_cols + ad - 1) / ad) * bits;
	uint64_t bit_ps = n->mvm_ns > n->mvm_fixed_ns ?
			  (uint64_t)(n->mvm_ns - n->mvm_fixed_ns) * 1000 / full : 0;

	return (uint64_t)n->mvm_fixed_ns * 1000 +
	       (uint64_t)((rows + rg - 1) / rg) * ((cells + ad - 1) / ad) *
	       bits * bit_ps;
}

static void tnet_dims(const struct tnet *n, uint32_t k, uint32_t *K,
		      uint32_t *N, uint32_t *G);

static void tmap_op(struct tnet *n, struct tmap *m, uint32_t k,
		    uint32_t K, uint32_t N, uint32_t G)
{
	struct cim_image_op *op = &n->ops[k].op;
	uint32_t R = op->replicas ? op->replicas : 1, first = m->nb, r, i;
	struct cim_image_block *sh, b;
	uint32_t cnt = tshape_op(n, k, K, N, G, &sh);

	for (r = 0; r < R; r++) {
		for (i = 0; i < cnt; i++) {
			b = sh[i];
			tmap_place(n, m, &b, op->wbits / 4);
		}
	}
	free(sh);
	op->block_first = first;
	op->block_count = m->nb - first;
}

/* Cells of block b of op o, appended at *p. */
static uint8_t *tcells(const struct tnet_op *o, const struct cim_image_block *b,
		       uint32_t K, uint32_t Ng, uint8_t *p)
{
	uint32_t cpw = o->op.wbits / 4, n = b->outs * cpw, j, r, i;
	uint32_t Kg = K / o->op.groups;
	uint8_t cell[8192];
	int32_t w, u;

	for (j = 0; j < b->g_count; j++) {
		for (r = 0; r < b->rows; r++) {
			for (i = 0; i < b->outs; i++) {
				w = o->w[((size_t)(b->g_first + j) * Kg +
					  b->row_base + r) * Ng +
					 b->col_base + i];
				if (cpw == 2) {
					u = w + 128;
					cell[2 * i] = (uint8_t)(u >> 4);
					cell[2 * i + 1] = (uint8_t)(u & 15);
				} else {
					cell[i] = (uint8_t)w;
				}
			}
			for (i = 0; i < n; i += 2)
				*p++ = (uint8_t)(cell[i] |
						 (i + 1 < n ? cell[i + 1] << 4 : 0));
		}
	}
	return p;
}

static uint32_t align8(uint64_t v)
{
	return (uint32_t)((v + 7) & ~7ull);
}

static void tnet_dims(const struct tnet *n, uint32_t k, uint32_t *K,
		      uint32_t *N, uint32_t *G)
{
	const struct cim_image_op *op = &n->ops[k].op;

	*N = n->t[op->out].c;
	if (op->type == CIM_OP_FC) {
		*K = (uint32_t)tnet_size(n, op->in0);
		*G = 1;
	} else {
		*K = op->kernel_h * op->kernel_w * n->t[op->in0].c;
		*G = op->groups;
	}
}

int tnet_build(struct tnet *n, void **img, size_t *size)
{
	struct tmap *mp = xzalloc(sizeof(*mp)), m;
	struct cim_image_header h;
	uint32_t k, K, N, G, i, exits = 0;
	uint64_t params = 0, cells = 0, off;
	uint8_t *buf, *p;
	int32_t *pp;

	tnet_arena(n);
	for (k = 0; k < n->n_ops; k++)
		if (n->ops[k].op.type == CIM_OP_FC)
			n->ops[k].op.groups = 1;
	if (n->balance_tiles) {	/* the product mapper (tnet_map.c) */
		free(mp);
		return tnet_product_map(n, img, size);
	}
	for (k = 0; k < n->n_ops; k++) {
		struct cim_image_op *op = &n->ops[k].op;

		exits += op->type == CIM_OP_EXIT;
		if (op->type == CIM_OP_LUT) {
			op->lut_offset = (uint32_t)params;
			params += 4 * 256;
		}
		if (op->type != CIM_OP_FC && op->type != CIM_OP_CONV)
			continue;
		tnet_dims(n, k, &K, &N, &G);
		tmap_op(n, mp, k, K, N, G);
		op->bias_offset = (uint32_t)params;
		op->mult_offset = (uint32_t)params + 4 * N;
		op->shift_offset = (uint32_t)params + 8 * N;
		op->wzp_offset = op->wbits == 4 ? (uint32_t)params + 12 * N : 0;
		params += (op->wbits == 4 ? 16ull : 12ull) * N;
	}
	m = *mp;
	free(mp);
	for (i = 0; i < m.nb; i++) {
		m.b[i].cells_offset = (uint32_t)cells;
		m.b[i].cells_size = (uint32_t)cim_block_cells_size(
			&m.b[i], n->ops[m.b[i].op].op.wbits);
		cells += m.b[i].cells_size;
	}
	n->n_vtiles = !m.nb ? 0 : n->pack2d ? m.nt : m.vt + 1;
	n->n_blocks = m.nb;

	memset(&h, 0, sizeof(h));
	h.magic = CIM_IMAGE_MAGIC;
	h.version_major = CIM_IMAGE_VERSION_MAJOR;
	h.version_minor = CIM_IMAGE_VERSION_MINOR;
	h.header_size = sizeof(h);
	h.tile_rows = n->tile_rows;
	h.tile_cols = n->tile_cols;
	h.cell_bits = 4;
	h.n_tensors = n->n_ops + 1;
	h.tensors_offset = align8(sizeof(h));
	h.n_ops = n->n_ops;
	h.ops_offset = align8(h.tensors_offset +
			      (uint64_t)h.n_tensors * sizeof(struct cim_image_tensor));
	h.n_blocks = m.nb;
	h.blocks_offset = align8(h.ops_offset +
				 (uint64_t)h.n_ops * sizeof(struct cim_image_op));
	h.n_vtiles = n->n_vtiles;
	h.params_offset = align8(h.blocks_offset +
				 (uint64_t)m.nb * sizeof(struct cim_image_block));
	h.params_size = (uint32_t)params;
	h.cells_offset = h.params_offset + h.params_size;
	h.cells_size = (uint32_t)cells;
	h.total_size = h.cells_offset + h.cells_size;
	h.arena_size = n->arena;
	h.output_tensor = n->output;
	h.input_size = (uint32_t)tnet_size(n, 0);
	h.output_size = (uint32_t)tnet_size(n, n->output);
	h.n_exits = exits;

	buf = xzalloc(h.total_size);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + h.tensors_offset, n->t,
	       h.n_tensors * sizeof(struct cim_image_tensor));
	for (k = 0; k < n->n_ops; k++)
		memcpy(buf + h.ops_offset + k * sizeof(struct cim_image_op),
		       &n->ops[k].op, sizeof(struct cim_image_op));
	if (m.nb)
		memcpy(buf + h.blocks_offset, m.b,
		       m.nb * sizeof(struct cim_image_block));
	for (k = 0; k < n->n_ops; k++) {
		const struct tnet_op *o = &n->ops[k];

		if (o->op.type == CIM_OP_LUT)
			memcpy(buf + h.params_offset + o->op.lut_offset, o->lut,
			       4 * 256);
		if (o->op.type != CIM_OP_FC && o->op.type != CIM_OP_CONV)
			continue;
		N = n->t[o->op.out].c;
		pp = (int32_t *)(buf + h.params_offset + o->op.bias_offset);
		memcpy(pp, o->bias, 4 * N);
		memcpy(pp + N, o->mult, 4 * N);
		memcpy(pp + 2 * N, o->shift, 4 * N);
		if (o->wzp)
			memcpy(pp + 3 * N, o->wzp, 4 * N);
	}
	p = buf + h.cells_offset;
	for (i = 0; i < m.nb; i++) {
		const struct tnet_op *o = &n->ops[m.b[i].op];

		tnet_dims(n, m.b[i].op, &K, &N, &G);
		p = tcells(o, &m.b[i], K, N / G, p);
	}
	off = (uint64_t)(p - buf);
	free(m.b);
	if (off != h.total_size) {
		free(buf);
		return -1;
	}
	((struct cim_image_header *)buf)->crc32 = cim_image_crc(buf,
							       h.total_size);
	*img = buf;
	*size = h.total_size;
	return 0;
}
