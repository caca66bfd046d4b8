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
 *
 * With CIM_MAP_PACK_SORTED the blocks go on arrays largest first
 * instead (pack_sorted()), and more cuts are tried: matrices taller
 * than 7/8, 3/4 or 1/2 of an array's rows (896, 768, 512 on the M1076)
 * in even row blocks of at most that, so that
 * an array holding one of them keeps rows for other layers' blocks, and
 * small copies (a quarter of an array at most) with enough replicas that
 * each one's MVM and SIMD work is at most T / 2, 3 or 4, so that the
 * SIMD units of arrays full of late layers' cells take the early
 * layers' partial sums and requantization.  The mapping of the shortest
 * period wins.  A shorter period is not always a faster schedule (the
 * pipeline's fill and the items' interleaving depend on where blocks
 * are), so cim-compile maps both ways and keeps the faster by the
 * firmware scheduler (docs/compiler-backend.md).
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
	uint64_t cells;		/* of one copy */
};

struct btile {
	uint32_t row_end, col_end, owner;
	uint64_t load, simd;
};

/* A block's largest share of an array (cells, MVM or SIMD time). */
struct bkey {
	double key;
	uint32_t idx;
};

/* A block of the sorted packing (pack_sorted()). */
struct bitem {
	uint32_t k, i;		/* op, block of its copy */
	uint32_t h, w;		/* rows, cells on the array */
	uint64_t load, simd;	/* MVM and SIMD work per item */
	uint32_t vt, row, col;	/* where it went */
	uint32_t next;		/* next item on the same array, by index */
};

struct balancer {
	struct mapi_plan *p;
	struct bshape *sh;
	struct btile *tile;
	uint32_t nt, max;
	int exclusive;		/* an array holds one op's blocks only */
	int sorted;		/* pack_sorted() instead of pack() */
	uint32_t split;		/* pack_sorted(): small ops' work per copy <= T / split */
	uint32_t rows_max;	/* taller matrices: row blocks of at most this (0: tile_rows) */
	uint32_t cap;		/* p->blocks allocated */
	struct bitem *it;	/* pack_sorted()'s items, in block order */
	struct bkey *order;	/* and the order it places them in */
	uint32_t *head;		/* first item of each array */
	uint32_t n_it, it_cap;
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
	uint32_t K, N, G, Kg, Ng, gpb = 1, C, gi, rb, cb, n = 0, i, RB;

	mapi_op_dims(p->qm, k, &K, &N, &G);
	Kg = K / G;
	Ng = N / G;
	s->cpw = mapi_cpw(op);
	C = g->tile_cols / s->cpw;
	if (G > 1 && Kg <= g->tile_rows && Ng <= C)
		gpb = groups_per_block(p, Kg, Ng, s->cpw, G);
	RB = g->tile_rows;
	if (bl->rows_max && G == 1 && Kg > bl->rows_max) {
		/* even row blocks of at most rows_max, whole row groups */
		RB = (Kg + bl->rows_max - 1) / bl->rows_max;
		RB = (Kg + RB - 1) / RB;
		RB = (RB + p->cost.row_group - 1) / p->cost.row_group *
		     p->cost.row_group;
		if (RB > g->tile_rows)
			RB = g->tile_rows;
	}
	s->nb = ((G + gpb - 1) / gpb) * ((Kg + RB - 1) / RB) *
		((Ng + C - 1) / C);
	s->b = calloc(s->nb, sizeof(*s->b));
	s->t = calloc(s->nb, sizeof(*s->t));
	if (!s->b || !s->t)
		return -ENOMEM;
	for (gi = 0; gi < G; gi += gpb)
		for (rb = 0; rb < Kg; rb += RB)
			for (cb = 0; cb < Ng; cb += C)
				s->b[n++] = (struct mapi_block){
					.op = k, .g_first = gi,
					.g_count = min_u32(gpb, G - gi),
					.row_base = rb,
					.rows = min_u32(RB, Kg - rb),
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
		s->cells += (uint64_t)s->b[i].g_count * s->b[i].rows *
			    s->b[i].g_count * s->b[i].outs * s->cpw;
		if (s->t[i] > s->tmax)
			s->tmax = s->t[i];
		s->simd_pix += outs * p->cost.simd_ps_per_elem *
			       (op->in0_zp ? 2 : 1);
	}
	return 0;
}

/* Cut every FC/CONV op again (bl->rows_max changed): 0 or -ENOMEM. */
static int reshape(struct balancer *bl)
{
	uint32_t k;
	uint64_t item;

	for (k = 0; k < bl->p->qm->n_ops; k++) {
		struct bshape *s = &bl->sh[k];

		if (!s->nb)
			continue;
		free(s->b);
		free(s->t);
		item = s->simd_item;
		memset(s, 0, sizeof(*s));
		s->simd_item = item;
		if (shape_op(bl, k))
			return -ENOMEM;
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

/*
 * Lay out an array's items in block order (the staircase rule is one
 * of block order), with item c added: 1 if they fit.  With set, their
 * rows and columns are kept.
 */
static int layout(struct balancer *bl, uint32_t vt, uint32_t c, int set)
{
	const struct cim_geometry *g = &bl->p->opts.geom;
	struct btile t = { 0 };
	uint32_t a = bl->head[vt], x, row, col;

	for (;;) {
		if (c != UINT32_MAX && (a == UINT32_MAX || c < a)) {
			x = c;
			c = UINT32_MAX;
		} else if (a != UINT32_MAX) {
			x = a;
			a = bl->it[a].next;
		} else {
			return 1;
		}
		if (!fits(bl, &t, bl->it[x].h, bl->it[x].w, &row, &col))
			return 0;
		if (row + bl->it[x].h > t.row_end)
			t.row_end = row + bl->it[x].h;
		if (col + bl->it[x].w > t.col_end)
			t.col_end = col + bl->it[x].w;
		if (set) {
			bl->it[x].row = row;
			bl->it[x].col = col;
		}
		(void)g;
	}
}

static void link_item(struct balancer *bl, uint32_t vt, uint32_t x)
{
	uint32_t *at = &bl->head[vt];

	while (*at != UINT32_MAX && *at < x)
		at = &bl->it[*at].next;
	bl->it[x].next = *at;
	*at = x;
}

/*
 * Replicas of op s for pack_sorted(): as reps(), but an op whose copy
 * takes at most a quarter of an array gets enough copies that each one's
 * MVM and SIMD work is at most T / split.  Work in small pieces packs
 * well: the SIMD units of arrays holding other layers' blocks take the
 * partial sums and requantization of cheap copies, where one share
 * just under T would fill a SIMD unit on its own.
 */
static uint32_t reps_sorted(const struct balancer *bl, const struct bshape *s,
			    uint64_t T)
{
	const struct cim_geometry *g = &bl->p->opts.geom;

	if (bl->split > 1 &&
	    4 * s->cells <= (uint64_t)g->tile_rows * g->tile_cols)
		return reps(s, T / bl->split);
	return reps(s, T);
}

/* Items of period T in block order; 0 or -ENOMEM. */
static int make_items(struct balancer *bl, uint64_t T)
{
	const struct cim_geometry *g = &bl->p->opts.geom;
	struct mapi_plan *p = bl->p;
	uint32_t k, r, i, R, per, n = 0;
	uint64_t sl;

	for (k = 0; k < p->qm->n_ops; k++)
		n += bl->sh[k].nb * reps_sorted(bl, &bl->sh[k], T);
	if (n > bl->it_cap) {
		free(bl->it);
		free(bl->order);
		bl->it = malloc(n * sizeof(*bl->it));
		bl->order = malloc(n * sizeof(*bl->order));
		if (!bl->it || !bl->order) {
			bl->it_cap = 0;
			return -ENOMEM;
		}
		bl->it_cap = n;
	}
	n = 0;
	for (k = 0; k < p->qm->n_ops; k++) {
		const struct bshape *s = &bl->sh[k];

		if (!s->nb)
			continue;
		R = reps_sorted(bl, s, T);
		per = (s->pix + R - 1) / R;
		sl = simd_home(s, R);
		for (r = 0; r < R; r++)
			for (i = 0; i < s->nb; i++) {
				struct bitem *x = &bl->it[n];
				double share, key;

				x->k = k;
				x->i = i;
				x->h = s->b[i].g_count * s->b[i].rows;
				x->w = s->b[i].g_count * s->b[i].outs * s->cpw;
				x->load = per * s->t[i];
				x->simd = i ? 0 : sl;
				key = (double)x->h * x->w /
				      ((double)g->tile_rows * g->tile_cols);
				share = (double)x->load / (double)(T ? T : 1);
				if (share > key)
					key = share;
				share = (double)x->simd / (double)(T ? T : 1);
				if (share > key)
					key = share;
				bl->order[n] = (struct bkey){ key, n };
				n++;
			}
	}
	bl->n_it = n;
	return 0;
}

/* Largest share first, then block order (so the result is deterministic). */
static int by_key(const void *a, const void *b)
{
	const struct bkey *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Pack for period T as pack() does, but the blocks largest first (their
 * largest share of an array's cells, MVM time or SIMD time), each on
 * the first array where its work fits and the array's blocks, laid out
 * again in block order, still follow the staircase rule.  Arrays full of
 * one layer's cells take the small, busy blocks of other layers.
 */
static uint32_t pack_sorted(struct balancer *bl, uint64_t T, int emit)
{
	struct mapi_plan *p = bl->p;
	uint32_t j, x, vt, k, r, i, n, best;
	struct mapi_block b;

	if (make_items(bl, T))
		return UINT32_MAX;
	qsort(bl->order, bl->n_it, sizeof(*bl->order), by_key);
	bl->nt = 0;
	for (j = 0; j < bl->n_it; j++) {
		struct bitem *it = &bl->it[bl->order[j].idx];

		x = bl->order[j].idx;
		best = bl->nt;
		for (vt = 0; vt < bl->nt; vt++) {
			struct btile *t = &bl->tile[vt];

			if (t->load + it->load > T || t->simd + it->simd > T)
				continue;
			/* best fit: the busiest array (SIMD unit) it fits on */
			if (best < bl->nt &&
			    (it->simd ? t->simd <= bl->tile[best].simd :
					t->load <= bl->tile[best].load))
				continue;
			if (layout(bl, vt, x, 0))
				best = vt;
		}
		vt = best;
		if (vt == bl->nt) {
			if (vt == bl->max)
				return bl->max + 1;
			bl->tile[vt] = (struct btile){ 0 };
			bl->head[vt] = UINT32_MAX;
			bl->nt++;
		}
		bl->tile[vt].load += it->load;
		bl->tile[vt].simd += it->simd;
		it->vt = vt;
		link_item(bl, vt, x);
	}
	if (!emit)
		return bl->nt;
	for (vt = 0; vt < bl->nt; vt++)
		layout(bl, vt, UINT32_MAX, 1);
	n = 0;
	for (k = 0; k < p->qm->n_ops; k++) {
		const struct bshape *s = &bl->sh[k];

		if (!s->nb)
			continue;
		p->replicas[k] = reps_sorted(bl, s, T);
		for (r = 0; r < p->replicas[k]; r++)
			for (i = 0; i < s->nb; i++, n++) {
				b = s->b[i];
				b.vtile = bl->it[n].vt;
				b.array_row = bl->it[n].row;
				b.array_col = bl->it[n].col;
				if (add_block(bl, &b))
					return UINT32_MAX;
			}
	}
	return bl->nt;
}

static uint32_t pack_any(struct balancer *bl, uint64_t T, int emit)
{
	return bl->sorted ? pack_sorted(bl, T, emit) : pack(bl, T, emit);
}

/* The smallest period whose packing fits; its packing (UINT32_MAX: no memory). */
/* Periods tried below the binary search's, down to 3/4 of it. */
#define SEARCH_BELOW	48

static uint32_t search(struct balancer *bl, uint64_t hi)
{
	uint64_t lo = 0, mid;

	if (pack_any(bl, hi, 0) > bl->max)
		return bl->max + 1;
	uint64_t t;
	uint32_t i;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pack_any(bl, mid, 0) <= bl->max)
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
		if (pack_any(bl, mid, 0) <= bl->max)
			t = mid;
	}
	lo = t;
	bl->p->n_blocks = 0;
	return pack_any(bl, lo, 1);
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

/* Shares of T tried for the work of small ops' copies (reps_sorted()). */
#define SPLIT_MAX	4

/*
 * CIM_MAP_PACK_SORTED: the sorted packing's mapping of the shortest
 * period over the row caps and splits tried, instead of the first-fit
 * one (its arrays in *n), when one fits.  Nonzero: out of memory.
 */
static int try_sorted(struct balancer *bl, uint64_t hi, uint32_t *n)
{
	struct mapi_plan *p = bl->p;
	struct mapi_block *blocks = p->blocks;
	const struct cim_geometry *g = &p->opts.geom;
	uint32_t rg = p->cost.row_group, rows_max[4];
	uint32_t n_blocks = p->n_blocks, cap = bl->cap, m = 0, j;
	uint32_t *replicas = malloc(p->qm->n_ops * sizeof(*replicas));
	uint64_t first = UINT64_MAX, second;

	if (!replicas)
		return 1;
	/* row caps: 7/8, 3/4 and 1/2 of an array, in whole row groups */
	rows_max[0] = 0;
	for (j = 1; j < 4; j++) {
		rows_max[j] = g->tile_rows * (j == 3 ? 4 : 8 - j) / 8 / rg * rg;
		if (rows_max[j] < rg)
			rows_max[j] = rg;
	}
	/* the first-fit mapping stays only if no sorted one fits */
	memcpy(replicas, p->replicas, p->qm->n_ops * sizeof(*replicas));
	bl->sorted = 1;
	for (j = 0; j < 4 * SPLIT_MAX; j++) {
		bl->split = j % SPLIT_MAX + 1;
		if (bl->split == 1) {
			bl->rows_max = rows_max[j / SPLIT_MAX];
			if (reshape(bl)) {
				m = UINT32_MAX;
				break;
			}
		}
		p->blocks = NULL;
		p->n_blocks = 0;
		bl->cap = 0;
		m = search(bl, hi);
		if (m == UINT32_MAX)
			break;
		second = UINT64_MAX;
		if (m <= bl->max) {
			p->n_vtiles = m;
			second = mapi_period(p);
		}
		if (second < first) {
			/* the best so far */
			first = second;
			*n = m;
			free(blocks);
			blocks = p->blocks;
			n_blocks = p->n_blocks;
			cap = bl->cap;
			memcpy(replicas, p->replicas,
			       p->qm->n_ops * sizeof(*replicas));
		} else {
			free(p->blocks);
		}
	}
	bl->sorted = 0;
	bl->rows_max = 0;
	if (m == UINT32_MAX || reshape(bl)) {
		free(replicas);
		free(blocks);
		return 1;
	}
	p->blocks = blocks;
	p->n_blocks = n_blocks;
	bl->cap = cap;
	memcpy(p->replicas, replicas, p->qm->n_ops * sizeof(*replicas));
	free(replicas);
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
	bl.head = calloc(CIM_IMAGE_MAX_VTILES + 1, sizeof(*bl.head));
	if (!bl.sh || !bl.tile || !bl.head)
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
	if ((p->opts.flags & CIM_MAP_PACK_SORTED) && n != UINT32_MAX &&
	    try_sorted(&bl, hi, &n))
		goto out;
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
	free(bl.head);
	free(bl.it);
	free(bl.order);
	return r;
}
