// SPDX-License-Identifier: MIT
/*
 * The balanced mapper (objectives THROUGHPUT and LATENCY): replicas,
 * period balancing and packing.  Pure C11.
 *
 * Each FC/CONV op is first cut into the blocks of one copy of its
 * matrix: blocks of at most tile_rows rows by tile_cols / c outputs, or
 * for small groups a diagonal run of groups whose size minimizes the
 * modeled MVM time per group (so that a run fills whole row groups and
 * ADC passes rather than paying an MVM's fixed cost for a few cells).
 *
 * For a period T (modeled ps per item), every op gets the fewest
 * replicas R (at most its pixels, at most CIM_IMAGE_MAX_REPLICAS) for
 * which each block's share of the pixels, ceil(pix / R) MVMs, takes at
 * most T, and for which the SIMD work of a replica's home tile
 * (partial sums, requantization, the digital ops that run on it) does
 * too.  Then every block, op by op and replica by replica, goes to the
 * first array where it fits by the staircase rule of uapi/cim_image.h,
 * spanning no more row groups and ADC passes than its size needs,
 * without taking that array's MVM work (or its SIMD unit's, for a
 * replica's first block, its home) past T; else onto a new array.  The
 * mapping is that of the smallest T (binary search, then a scan below
 * it, packing not being monotonic in T) whose packing needs at most
 * max_tiles arrays.  LATENCY first tries packings in which an
 * array holds blocks of one op only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* One copy of an op's matrix in blocks, and its costs per item. */
struct bshape {
	struct mapi_block *b;
	uint64_t *t;		/* ps per MVM of each block */
	uint32_t nb, pix, cpw, rmax;
	uint64_t tmax;		/* slowest block */
	uint64_t simd_pix;	/* SIMD ps per pixel at the home */
	uint64_t simd_item;	/* SIMD ps per item of the digital ops after */
};

struct btile {
	uint32_t row_end, col_end, owner;
	uint64_t load, simd;
};

struct balancer {
	struct mapi_plan *p;
	struct bshape *sh;
	struct btile *tile;
	uint32_t nt, max;
	int exclusive;		/* an array holds one op's blocks only */
	uint32_t cap;		/* p->blocks allocated */
};

static uint64_t simd_home(const struct bshape *s, uint32_t R)
{
	return (uint64_t)((s->pix + R - 1) / R) * s->simd_pix +
	       (s->simd_item + R - 1) / R;
}

static uint32_t reps(const struct bshape *s, uint64_t T)
{
	uint32_t R;

	for (R = 1; R < s->rmax; R++)
		if ((uint64_t)((s->pix + R - 1) / R) * s->tmax <= T &&
		    simd_home(s, R) <= T)
			break;
	return R;
}

/* Diagonal groups per block for a grouped op whose groups fit an array. */
static uint32_t groups_per_block(const struct mapi_plan *p, uint32_t Kg,
				 uint32_t Ng, uint32_t cpw, uint32_t G)
{
	const struct cim_geometry *g = &p->opts.geom;
	uint32_t most = min_u32(min_u32(g->tile_rows / Kg,
					g->tile_cols / (Ng * cpw)), G);
	uint32_t best = 1, n;
	uint64_t tb = mapi_mvm_ps(p, Kg, Ng * cpw), t;

	for (n = 2; n <= most; n++) {
		t = mapi_mvm_ps(p, n * Kg, n * Ng * cpw);
		/* per group: t / n <= tb / best, ties to the larger n */
		if (t * best <= tb * n) {
			best = n;
			tb = t;
		}
	}
	return best;
}

static int shape_op(struct balancer *bl, uint32_t k)
{
	const struct mapi_plan *p = bl->p;
	const struct cim_geometry *g = &p->opts.geom;
	const struct cim_image_op *op = &p->qm->ops[k].op;
	struct bshape *s = &bl->sh[k];
	uint32_t K, N, G, Kg, Ng, gpb = 1, C, gi, rb, cb, n = 0, i;

	mapi_op_dims(p->qm, k, &K, &N, &G);
	Kg = K / G;
	Ng = N / G;
	s->cpw = mapi_cpw(op);
	C = g->tile_cols / s->cpw;
	if (G > 1 && Kg <= g->tile_rows && Ng <= C)
		gpb = groups_per_block(p, Kg, Ng, s->cpw, G);
	s->nb = ((G + gpb - 1) / gpb) * ((Kg + g->tile_rows - 1) / g->tile_rows) *
		((Ng + C - 1) / C);
	s->b = calloc(s->nb, sizeof(*s->b));
	s->t = calloc(s->nb, sizeof(*s->t));
	if (!s->b || !s->t)
		return -ENOMEM;
	for (gi = 0; gi < G; gi += gpb)
		for (rb = 0; rb < Kg; rb += g->tile_rows)
			for (cb = 0; cb < Ng; cb += C)
				s->b[n++] = (struct mapi_block){
					.op = k, .g_first = gi,
					.g_count = min_u32(gpb, G - gi),
					.row_base = rb,
					.rows = min_u32(g->tile_rows, Kg - rb),
					.col_base = cb,
					.outs = min_u32(C, Ng - cb),
				};
	s->pix = mapi_pixels(p->qm, k);
	s->rmax = min_u32(s->pix, CIM_IMAGE_MAX_REPLICAS);
	/* requantization, plus the offset drive and partial sums per block */
	s->simd_pix = (uint64_t)N * p->cost.simd_ps_per_elem;
	for (i = 0; i < s->nb; i++) {
		uint64_t outs = (uint64_t)s->b[i].g_count * s->b[i].outs;

		s->t[i] = mapi_block_ps(p, &s->b[i]);
		if (s->t[i] > s->tmax)
			s->tmax = s->t[i];
		s->simd_pix += outs * p->cost.simd_ps_per_elem *
			       (op->in0_zp ? 2 : 1);
	}
	return 0;
}

static int add_block(struct balancer *bl, const struct mapi_block *b)
{
	struct mapi_plan *p = bl->p;
	struct mapi_block *nb;

	if (p->n_blocks == bl->cap) {
		bl->cap = bl->cap ? 2 * bl->cap : 256;
		nb = realloc(p->blocks, bl->cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		p->blocks = nb;
	}
	p->blocks[p->n_blocks++] = *b;
	return 0;
}

/*
 * First row (column) at or after `at` where n rows (cells) span no more
 * row groups (ADC passes) than n needs: an MVM drives the groups and
 * digitizes the passes its block spans, so a block straddling one more
 * boundary than its size requires would cost more than the time model
 * charges.  Packing keeps every block's span minimal.
 */
static uint32_t snap(uint32_t at, uint32_t n, uint32_t unit)
{
	uint32_t need = (n + unit - 1) / unit;

	if (!n || (at + n - 1) / unit - at / unit + 1 == need)
		return at;
	return (at + unit - 1) / unit * unit;
}

/* Staircase: below everything at column 0, or right of everything at row 0. */
static int fits(const struct balancer *bl, const struct btile *t, uint32_t h,
		uint32_t w, uint32_t *row, uint32_t *col)
{
	const struct cim_geometry *g = &bl->p->opts.geom;
	uint32_t r = snap(t->row_end, h, bl->p->cost.row_group);
	uint32_t c = snap(t->col_end, w, bl->p->cost.adcs);

	if ((uint64_t)r + h <= g->tile_rows && w <= g->tile_cols) {
		*row = r;
		*col = 0;
		return 1;
	}
	if (h <= g->tile_rows && (uint64_t)c + w <= g->tile_cols) {
		*row = 0;
		*col = c;
		return 1;
	}
	return 0;
}

/*
 * Pack for period T: the arrays used (max + 1: more than max).  With
 * emit, the blocks and replicas go into the plan.
 */
static uint32_t pack(struct balancer *bl, uint64_t T, int emit)
{
	struct mapi_plan *p = bl->p;
	uint32_t k, r, i, R, vt, row = 0, col = 0, h, w, per;
	struct mapi_block b;
	struct btile *t;
	uint64_t l, sl;

	bl->nt = 0;
	for (k = 0; k < p->qm->n_ops; k++) {
		const struct bshape *s = &bl->sh[k];

		if (!s->nb)
			continue;
		R = reps(s, T);
		per = (s->pix + R - 1) / R;
		sl = simd_home(s, R);
		if (emit)
			p->replicas[k] = R;
		for (r = 0; r < R; r++) {
			for (i = 0; i < s->nb; i++) {
				b = s->b[i];
				h = b.g_count * b.rows;
				w = b.g_count * b.outs * s->cpw;
				l = per * s->t[i];
				for (vt = 0; vt < bl->nt; vt++) {
					t = &bl->tile[vt];
					if (bl->exclusive && t->owner != k)
						continue;
					if (t->load + l <= T &&
					    (i || t->simd + sl <= T) &&
					    fits(bl, t, h, w, &row, &col))
						break;
				}
				if (vt == bl->nt) {
					if (vt == bl->max)
						return bl->max + 1;
					bl->tile[vt] = (struct btile){ .owner = k };
					bl->nt++;
					row = col = 0;
				}
				t = &bl->tile[vt];
				t->load += l;
				if (!i)
					t->simd += sl;
				if (row + h > t->row_end)
					t->row_end = row + h;
				if (col + w > t->col_end)
					t->col_end = col + w;
				if (!emit)
					continue;
				b.vtile = vt;
				b.array_row = row;
				b.array_col = col;
				if (add_block(bl, &b))
					return UINT32_MAX;
			}
		}
	}
	return bl->nt;
}

/* The smallest period whose packing fits; its packing (UINT32_MAX: no memory). */
/* Periods tried below the binary search's, down to 3/4 of it. */
#define SEARCH_BELOW	48

static uint32_t search(struct balancer *bl, uint64_t hi)
{
	uint64_t lo = 0, mid;

	if (pack(bl, hi, 0) > bl->max)
		return bl->max + 1;
	uint64_t t;
	uint32_t i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pack(bl, mid, 0) <= bl->max)
			hi = mid;
		else
			lo = mid + 1;
	}
	/*
	 * First-fit packing is not monotonic in T: a slightly shorter
	 * period may still fit (other replica counts, other packing).
	 */
	for (i = 1, t = lo; i <= SEARCH_BELOW; i++) {
		mid = lo - lo * i / (4 * SEARCH_BELOW);
		if (pack(bl, mid, 0) <= bl->max)
			t = mid;
	}
	lo = t;
	bl->p->n_blocks = 0;
	return pack(bl, lo, 1);
}

/* The SIMD work of the digital ops, charged to the MVM op they follow. */
static int digital_work(struct balancer *bl)
{
	const struct cim_qmodel *qm = bl->p->qm;
	uint32_t *src = malloc(qm->n_tensors * sizeof(*src)), k;

	if (!src)
		return -ENOMEM;
	src[0] = UINT32_MAX;
	for (k = 0; k < qm->n_ops; k++) {
		const struct cim_image_op *op = &qm->ops[k].op;

		if (mapi_is_mvm(op)) {
			src[k + 1] = k;
			continue;
		}
		src[k + 1] = op->type == CIM_OP_EXIT ? UINT32_MAX : src[op->in0];
		if (src[op->in0] != UINT32_MAX)
			bl->sh[src[op->in0]].simd_item +=
				mapi_digital_ps(bl->p, k);
	}
	free(src);
	return 0;
}

int mapi_balance(struct mapi_plan *p)
{
	struct balancer bl = { .p = p };
	uint64_t hi = 0;
	uint32_t k, i, n = 0;
	int r = -ENOMEM;

	bl.max = p->opts.max_tiles;
	bl.sh = calloc(p->qm->n_ops, sizeof(*bl.sh));
	bl.tile = calloc(CIM_IMAGE_MAX_VTILES + 1, sizeof(*bl.tile));
	if (!bl.sh || !bl.tile)
		goto out;
	for (k = 0; k < p->qm->n_ops; k++)
		if (mapi_is_mvm(&p->qm->ops[k].op) && shape_op(&bl, k))
			goto out;
	if (digital_work(&bl))
		goto out;
	/* hi: every op's whole work on one array, no replicas */
	for (k = 0; k < p->qm->n_ops; k++) {
		for (i = 0; i < bl.sh[k].nb; i++)
			hi += (uint64_t)bl.sh[k].pix * bl.sh[k].t[i];
		if (bl.sh[k].nb)
			hi += simd_home(&bl.sh[k], 1);
	}
	p->n_blocks = 0;
	if (p->opts.objective == CIM_MAP_LATENCY) {
		bl.exclusive = 1;
		n = search(&bl, hi);
		bl.exclusive = 0;
	}
	if (p->opts.objective != CIM_MAP_LATENCY || n > bl.max)
		n = search(&bl, hi);
	r = 0;
	if (n == UINT32_MAX) {
		r = -ENOMEM;
	} else if (n > bl.max) {
		/* does not fit even unreplicated: say how many it needs */
		bl.max = CIM_IMAGE_MAX_VTILES;
		p->n_blocks = 0;
		n = pack(&bl, hi, 1);
		if (n == UINT32_MAX)
			r = -ENOMEM;
	}
	p->n_vtiles = n;
out:
	for (k = 0; bl.sh && k < p->qm->n_ops; k++) {
		free(bl.sh[k].b);
		free(bl.sh[k].t);
	}
	free(bl.sh);
	free(bl.tile);
	return r;
}
