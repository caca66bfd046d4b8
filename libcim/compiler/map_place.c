// SPDX-License-Identifier: MIT
/*
 * Splitting FC/CONV matrices into weight blocks and placing the blocks on
 * arrays.  Pure C11.
 *
 * An op with one group (or groups too large to share an array) is cut
 * into blocks of at most tile_rows rows by tile_cols / c outputs (c cells
 * per weight), row-block-major.  A grouped op whose groups are small
 * packs as many groups as fit on the diagonal of one block (g_count > 1),
 * so the zeros off the diagonal take no cells.
 *
 * Blocks go on arrays first-fit in block order: a block takes the first
 * array whose free rows (below the blocks already there) hold it, or
 * else whose free columns (right of them) do, so that every block lies
 * wholly below or wholly right of the earlier ones (the staircase rule
 * of uapi/cim_image.h).  Small matrices thus share arrays, and the
 * narrow diagonal runs of grouped and depthwise layers stand side by
 * side (other blocks only stack, their arrays' columns being full).
 * With CIM_MAP_NO_PACK every block gets arrays of its own.
 */
#include <errno.h>
#include <stdlib.h>

#include "map_internal.h"

static uint32_t div_up(uint32_t a, uint32_t b)
{
	return a / b + (a % b != 0);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

struct placer {
	struct mapi_plan *p;
	uint32_t cap;		/* blocks allocated */
	uint32_t *row_end;	/* first free row of each array */
	uint32_t *col_end;	/* first free column of each array */
	uint32_t arrays_cap;
	uint32_t first_open;	/* arrays before it are full */
};

static int add_array(struct placer *pl)
{
	uint32_t *r;

	if (pl->p->n_vtiles == pl->arrays_cap) {
		pl->arrays_cap = pl->arrays_cap ? 2 * pl->arrays_cap : 64;
		r = realloc(pl->row_end, pl->arrays_cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		pl->row_end = r;
		r = realloc(pl->col_end, pl->arrays_cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		pl->col_end = r;
	}
	pl->row_end[pl->p->n_vtiles] = 0;
	pl->col_end[pl->p->n_vtiles] = 0;
	return (int)pl->p->n_vtiles++;
}

static int put(struct placer *pl, const struct mapi_block *b)
{
	struct mapi_plan *p = pl->p;
	uint32_t rows = p->opts.geom.tile_rows, need = b->g_count * b->rows, a;
	uint32_t cols = p->opts.geom.tile_cols, right = 0;
	uint32_t width = b->g_count * b->outs * mapi_cpw(&p->qm->ops[b->op].op);
	int pack = !(p->opts.flags & CIM_MAP_NO_PACK), r;
	struct mapi_block *nb;

	if (p->n_blocks == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 64;
		nb = realloc(p->blocks, pl->cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		p->blocks = nb;
	}
	a = p->n_vtiles;
	if (pack) {
		while (pl->first_open < p->n_vtiles &&
		       pl->row_end[pl->first_open] == rows &&
		       pl->col_end[pl->first_open] == cols)
			pl->first_open++;
		for (a = pl->first_open; a < p->n_vtiles; a++) {
			if (pl->row_end[a] + need <= rows)
				break;
			if (b->g_count > 1 && pl->col_end[a] + width <= cols) {
				right = 1;
				break;
			}
		}
	}
	if (a == p->n_vtiles) {
		r = add_array(pl);
		if (r < 0)
			return r;
	}
	nb = &p->blocks[p->n_blocks++];
	*nb = *b;
	nb->vtile = a;
	if (right) {	/* right of every block there, from row 0 */
		nb->array_row = 0;
		nb->array_col = pl->col_end[a];
		pl->col_end[a] += width;
		if (need > pl->row_end[a])
			pl->row_end[a] = need;
		return 0;
	}
	nb->array_row = pl->row_end[a];	/* below every block there */
	nb->array_col = 0;
	pl->row_end[a] += need;
	if (width > pl->col_end[a])
		pl->col_end[a] = width;
	return 0;
}

/* Groups one at a time, each cut into row and column blocks. */
static int split(struct placer *pl, uint32_t op, uint32_t Kg, uint32_t Ng,
		 uint32_t G, uint32_t max_outs)
{
	uint32_t rows = pl->p->opts.geom.tile_rows, g, rb, cb;
	struct mapi_block b = { .op = op, .g_count = 1 };
	int r;

	for (g = 0; g < G; g++)
		for (rb = 0; rb < Kg; rb += rows)
			for (cb = 0; cb < Ng; cb += max_outs) {
				b.g_first = g;
				b.row_base = rb;
				b.rows = min_u32(rows, Kg - rb);
				b.col_base = cb;
				b.outs = min_u32(max_outs, Ng - cb);
				r = put(pl, &b);
				if (r)
					return r;
			}
	return 0;
}

static int place_op(struct placer *pl, uint32_t i)
{
	const struct cim_geometry *g = &pl->p->opts.geom;
	const struct cim_image_op *op = &pl->p->qm->ops[i].op;
	uint32_t K, N, G, Kg, Ng, cpw = mapi_cpw(op), per, gi;
	struct mapi_block b = { .op = i };
	int r;

	mapi_op_dims(pl->p->qm, i, &K, &N, &G);
	Kg = K / G;
	Ng = N / G;
	if (G == 1 || Kg > g->tile_rows || Ng * cpw > g->tile_cols ||
	    (pl->p->opts.flags & CIM_MAP_NO_PACK))
		return split(pl, i, Kg, Ng, G, g->tile_cols / cpw);
	per = min_u32(min_u32(g->tile_rows / Kg, g->tile_cols / (Ng * cpw)), G);
	for (gi = 0; gi < G; gi += per) {
		b.g_first = gi;
		b.g_count = min_u32(per, G - gi);
		b.rows = Kg;
		b.outs = Ng;
		r = put(pl, &b);
		if (r)
			return r;
	}
	return 0;
}

int mapi_place(struct mapi_plan *p)
{
	struct placer pl = { .p = p };
	uint32_t i;
	int r = 0;

	p->n_blocks = 0;
	p->n_vtiles = 0;
	for (i = 0; i < p->qm->n_ops && !r; i++)
		if (mapi_is_mvm(&p->qm->ops[i].op))
			r = place_op(&pl, i);
	free(pl.row_end);
	free(pl.col_end);
	return r;
}

void mapi_unpacked(const struct cim_qmodel *qm, const struct cim_geometry *g,
		   uint64_t *tiles, uint64_t *cells)
{
	uint32_t i, K, N, G, cpw;

	*tiles = 0;
	*cells = 0;
	for (i = 0; i < qm->n_ops; i++) {
		const struct cim_image_op *op = &qm->ops[i].op;

		if (!mapi_is_mvm(op))
			continue;
		mapi_op_dims(qm, i, &K, &N, &G);
		cpw = mapi_cpw(op);
		*tiles += (uint64_t)div_up(K, g->tile_rows) *
			  div_up(N, g->tile_cols / cpw);
		*cells += (uint64_t)(K / G) * N * cpw;
	}
}
