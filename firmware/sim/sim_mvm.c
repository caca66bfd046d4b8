// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The exact MVM kernel of the array model on the host's AVX2 unit, for
 * the userspace card (model_mvm_rows() falls back to its portable loop
 * when this returns 0).  Same arithmetic: a product x * cell fits 16
 * bits (|x| <= 255, cell <= 15) and so does a sum of 8 of them, so eight
 * driven rows accumulate in 16-bit lanes, then spill to the 32-bit sums.
 * Bit-exact by construction: the same integer sums, added in another
 * order (tests/firmware/sim checks it against the portable loop).
 */
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <stdint.h>
#include <string.h>

#include <stdlib.h>
#include <sys/mman.h>

#include "sim.h"
#include "../model/model_int.h"

void sim_mvm_fini(struct cim_hal *h)
{
	uint32_t i;

	if (!h->il)
		return;
	for (i = 0; i < h->params.tiles; i++) {
		free(h->il[i].il.buf);
		free(h->il[i].pk.buf);
	}
	free(h->il);
	h->il = NULL;
}

/* The vector kernels: x86-64 only (elsewhere the portable loop runs). */
#if defined(__x86_64__)
#define SIM_ROWS16	8	/* |x| <= 255: 8 products per 16-bit lane */
#define SIM_ROWS_S8	16	/* |x| <= 128: 16 (16 * 128 * 15 = 30720) */
#define SIM_COLS	128	/* 8 accumulators of 16 lanes */

/* Sums of one group of driven rows: colsum += 16-bit lanes, or -=. */
__attribute__((target("avx2")))
static void sim_spill(int32_t *o, __m256i lo, __m256i hi, int neg)
{
	__m256i a[4], t;
	int i;

	/* unpack order: lo has columns 0-7 and 16-23, hi 8-15 and 24-31 */
	a[0] = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(lo));
	a[1] = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(hi));
	a[2] = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(lo, 1));
	a[3] = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(hi, 1));
	for (i = 0; i < 4; i++) {
		t = _mm256_loadu_si256((const __m256i *)(o + 8 * i));
		t = neg ? _mm256_sub_epi32(t, a[i]) : _mm256_add_epi32(t, a[i]);
		_mm256_storeu_si256((__m256i *)(o + 8 * i), t);
	}
}

/*
 * Up to 8 driven rows in pairs, on the byte multiply-add: each 16-bit
 * lane gets x0 * cell0 + x1 * cell1 of two rows.  The unsigned operand
 * is the cells (mode S: every x in [-128, 127]) or the x (mode U: every
 * x in [0, 255]; for x in [-255, 0], -x and the sums subtracted).  A
 * pair sum stays within +-7650 (+-3840 in mode S): four (eight) of them
 * within 16 bits.
 */
__attribute__((target("avx2")))
static void sim_group_bytes(const uint8_t **rp, const int16_t *xs,
			    uint32_t k, int mode_u, int neg, uint32_t full,
			    int32_t *colsum)
{
	__m256i xp[SIM_ROWS_S8 / 2], acc[8], r0, r1, il, ih;
	uint32_t p, q, c0, np = (k + 1) / 2;

	for (p = 0; p < np; p++) {
		int32_t a = neg ? -xs[2 * p] : xs[2 * p];
		int32_t b = 2 * p + 1 < k ? (neg ? -xs[2 * p + 1] :
					     xs[2 * p + 1]) : 0;

		xp[p] = _mm256_set1_epi16((int16_t)((a & 0xff) |
						    (b & 0xff) << 8));
	}
	for (c0 = 0; c0 < full; c0 += SIM_COLS) {
		for (q = 0; q < 8; q++)
			acc[q] = _mm256_setzero_si256();
		for (p = 0; p < np; p++) {
			for (q = 0; q < 4; q++) {
				r0 = _mm256_loadu_si256((const __m256i *)
					(rp[2 * p] + c0 + 32 * q));
				r1 = _mm256_loadu_si256((const __m256i *)
					(rp[2 * p + 1] + c0 + 32 * q));
				il = _mm256_unpacklo_epi8(r0, r1);
				ih = _mm256_unpackhi_epi8(r0, r1);
				if (mode_u) {
					il = _mm256_maddubs_epi16(xp[p], il);
					ih = _mm256_maddubs_epi16(xp[p], ih);
				} else {
					il = _mm256_maddubs_epi16(il, xp[p]);
					ih = _mm256_maddubs_epi16(ih, xp[p]);
				}
				acc[2 * q] = _mm256_add_epi16(acc[2 * q], il);
				acc[2 * q + 1] = _mm256_add_epi16(acc[2 * q + 1],
								  ih);
			}
		}
		for (q = 0; q < 4; q++)
			sim_spill(colsum + c0 + 32 * q, acc[2 * q],
				  acc[2 * q + 1], neg);
	}
}

/* Any x in [-255, 255]: 16-bit products, 16 lanes at a time. */
__attribute__((target("avx2")))
static void sim_group_words(const uint8_t **rp, const int16_t *xs,
			    uint32_t k, uint32_t full, int32_t *colsum)
{
	__m256i acc[SIM_COLS / 16], v, lo, hi;
	uint32_t j, c, c0;

	for (c0 = 0; c0 < full; c0 += SIM_COLS) {
		for (j = 0; j < SIM_COLS / 16; j++)
			acc[j] = _mm256_setzero_si256();
		for (j = 0; j < k; j++) {
			__m256i xv = _mm256_set1_epi16(xs[j]);

			for (c = 0; c < SIM_COLS / 16; c++) {
				v = _mm256_cvtepu8_epi16(_mm_loadu_si128(
					(const __m128i *)(rp[j] + c0 + 16 * c)));
				acc[c] = _mm256_add_epi16(acc[c],
					_mm256_mullo_epi16(v, xv));
			}
		}
		for (c = 0; c < SIM_COLS / 16; c++) {
			int32_t *o = colsum + c0 + 16 * c;

			lo = _mm256_cvtepi16_epi32(
				_mm256_castsi256_si128(acc[c]));
			hi = _mm256_cvtepi16_epi32(
				_mm256_extracti128_si256(acc[c], 1));
			_mm256_storeu_si256((__m256i *)o,
				_mm256_add_epi32(_mm256_loadu_si256(
					(const __m256i *)o), lo));
			_mm256_storeu_si256((__m256i *)(o + 8),
				_mm256_add_epi32(_mm256_loadu_si256(
					(const __m256i *)(o + 8)), hi));
		}
	}
}

__attribute__((target("avx2")))
static void sim_mvm_avx2(const uint8_t *cells, size_t stride, uint32_t nrows,
			 uint32_t ncols, const int16_t *x, int32_t *colsum)
{
	uint32_t r = 0, k, j, c, full = ncols - ncols % SIM_COLS, lim;
	const uint8_t *rp[SIM_ROWS_S8 + 1];
	int16_t xs[SIM_ROWS_S8];
	int32_t lo, hi;

	while (r < nrows) {
		/*
		 * The next driven rows: 16 while every x is int8 (mode S),
		 * else 8.
		 */
		lo = 0;
		hi = 0;
		lim = SIM_ROWS_S8;
		for (k = 0; k < lim && r < nrows; r++) {
			if (!x[r])
				continue;
			if (x[r] < -128 || x[r] > 127) {
				if (k >= SIM_ROWS16)
					break;	/* row r starts the next group */
				lim = SIM_ROWS16;
			}
			rp[k] = cells + r * stride;
			xs[k] = x[r];
			lo = x[r] < lo ? x[r] : lo;
			hi = x[r] > hi ? x[r] : hi;
			k++;
		}
		if (!k)
			break;
		rp[k] = rp[k - 1];	/* an odd row out pairs with x = 0 */
		if (lo >= -128 && hi <= 127)
			sim_group_bytes(rp, xs, k, 0, 0, full, colsum);
		else if (lo >= 0 || hi <= 0)
			sim_group_bytes(rp, xs, k, 1, hi <= 0, full, colsum);
		else
			sim_group_words(rp, xs, k, full, colsum);
		/* the last columns, one at a time */
		for (c = full; c < ncols; c++)
			for (j = 0; j < k; j++)
				colsum[c] += xs[j] * rp[j][c];
	}
}

/*
 * AVX-512 VNNI: the dot-product instruction adds four byte products into
 * each 32-bit lane.  With a tile's cells kept four rows interleaved
 * (per column the bytes of rows 4g..4g+3 side by side), one load and one
 * dot product take 16 columns of four rows, and the column sums stay in
 * registers over all the rows of a block of 256 columns.  For a drive
 * that is all int8 (mode S: cells unsigned, x signed) or of one sign
 * (mode U: |x| unsigned, the cells as signed bytes); 0 for a mixed wide
 * drive.
 */
#define SIM_IL_COLS	256	/* 16 accumulators of 16 columns */

static uint32_t sim_il_groups(const struct cim_model *m)
{
	return (m->p.rows + 3) / 4;
}

/*
 * A tile's interleaved cells on huge pages where the host has them: an
 * MVM walks a block's row groups, a page (4 KiB) apart on a 1024-column
 * tile, and small pages would miss the TLB at every group.
 */
#define SIM_HUGE	(2u << 20)

static uint8_t *sim_il_alloc(size_t bytes)
{
	size_t size = (bytes + SIM_HUGE - 1) & ~(size_t)(SIM_HUGE - 1);
	uint8_t *p = aligned_alloc(SIM_HUGE, size);

	if (p) {
		madvise(p, size, MADV_HUGEPAGE);	/* a hint: may fail */
		memset(p, 0, size);
	}
	return p;
}

/*
 * A host layout of the tile's cells, bytes long: NULL when there is none
 * to be had, else its buffer, which *build says must be (re)built because
 * the tile was written since (its wstamp moved).
 */
static uint8_t *sim_layout(struct cim_hal *h, const struct cim_model *m,
			   uint32_t tile, int packed, size_t bytes, int *build)
{
	uint32_t stamp = model_tile((struct cim_model *)m, tile)->wstamp;
	struct sim_layout *l;

	if (!h->il)
		h->il = calloc(m->p.tiles, sizeof(*h->il));
	if (!h->il)
		return NULL;
	l = packed ? &h->il[tile].pk : &h->il[tile].il;
	*build = !l->valid || l->stamp != stamp;
	if (!l->buf)
		l->buf = sim_il_alloc(bytes);
	if (l->buf && *build) {
		l->stamp = stamp;	/* the caller builds it now */
		l->valid = 1;
	}
	return l->buf;
}

/* The tile's interleaved cells, rebuilt when they were written since. */
static const uint8_t *sim_il(struct cim_hal *h, struct cim_model *m,
			     uint32_t tile)
{
	const uint8_t *cells = m->cells + (size_t)tile * m->p.rows * m->p.cols;
	uint32_t cols = m->p.cols, r, c;
	uint8_t *buf, *d;
	int build;

	buf = sim_layout(h, m, tile, 0, (size_t)sim_il_groups(m) * 4 * cols,
			 &build);
	for (r = 0; buf && build && r < m->p.rows; r++) {
		d = buf + (size_t)(r / 4) * 4 * cols + r % 4;
		for (c = 0; c < cols; c++)
			d[4 * c] = cells[(size_t)r * cols + c];
	}
	return buf;
}

/*
 * The tile's cells packed two to a byte, for blocks whose columns start
 * on a multiple of 32 (the cells are 4-bit levels): per row group and
 * unit of 32 columns, 64 bytes whose lane j holds, in byte k, row 4g + k
 * of column 32u + j in the low nibble and of column 32u + 16 + j in the
 * high one.  Half the bytes of sim_il() to stream per MVM.
 */
static const uint8_t *sim_pk(struct cim_hal *h, struct cim_model *m,
			     uint32_t tile)
{
	const uint8_t *cells = m->cells + (size_t)tile * m->p.rows * m->p.cols;
	uint32_t cols = m->p.cols, r, u, j;
	const uint8_t *row;
	uint8_t *buf, *d;
	int build;

	if (cols % 32)
		return NULL;
	buf = sim_layout(h, m, tile, 1, (size_t)sim_il_groups(m) * 2 * cols,
			 &build);
	for (r = 0; buf && build && r < m->p.rows; r++) {
		row = cells + (size_t)r * cols;
		for (u = 0; u < cols / 32; u++) {
			d = buf + (size_t)(r / 4) * 2 * cols + 64 * u + r % 4;
			for (j = 0; j < 16; j++)
				d[4 * j] = (uint8_t)(row[32 * u + j] |
						     row[32 * u + 16 + j] << 4);
		}
	}
	return buf;
}

/* colsum[16 * b + c] += (or -=) the nb accumulators of 16 columns. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static inline void sim_vnni_store(const __m512i *acc, uint32_t nb, int neg,
				  int32_t *colsum)
{
	int32_t tmp[16];
	uint32_t b, c;

	for (b = 0; b < nb; b++) {
		_mm512_storeu_si512(tmp, acc[b]);
		for (c = 0; c < 16; c++)
			colsum[16 * b + c] += neg ? -tmp[c] : tmp[c];
	}
}

/* Like sim_vnni_block() on packed cells: c0 and nb * 16 multiples of 32. */
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void sim_vnni_block_pk(const uint8_t *pk, size_t gstride, uint32_t g0,
			      uint32_t ng, const uint32_t *xb, uint32_t c0,
			      uint32_t nb, int mode_u, int neg, int32_t *colsum)
{
	__m512i acc[SIM_IL_COLS / 16], bx, v, lo, hi;
	const __m512i nib = _mm512_set1_epi8(0x0f);
	uint32_t g, b;

	for (b = 0; b < nb; b++)
		acc[b] = _mm512_setzero_si512();
	for (g = 0; g < ng; g++) {
		if (!xb[g])
			continue;	/* four rows not driven */
		bx = _mm512_set1_epi32((int32_t)xb[g]);
		for (b = 0; b < nb; b += 2) {
			v = _mm512_loadu_si512(pk + (g0 + g) * gstride +
					       2 * (c0 + 16 * b));
			lo = _mm512_and_si512(v, nib);
			hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), nib);
			if (mode_u) {
				acc[b] = _mm512_dpbusd_epi32(acc[b], bx, lo);
				acc[b + 1] = _mm512_dpbusd_epi32(acc[b + 1],
								 bx, hi);
			} else {
				acc[b] = _mm512_dpbusd_epi32(acc[b], lo, bx);
				acc[b + 1] = _mm512_dpbusd_epi32(acc[b + 1],
								 hi, bx);
			}
		}
	}
	sim_vnni_store(acc, nb, neg, colsum);
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void sim_vnni_block(const uint8_t *il, size_t gstride, uint32_t g0,
			   uint32_t ng, const uint32_t *xb, uint32_t c0,
			   uint32_t nb, int mode_u, int neg, int32_t *colsum)
{
	__m512i acc[SIM_IL_COLS / 16], bx, v;
	uint32_t g, b;

	for (b = 0; b < nb; b++)
		acc[b] = _mm512_setzero_si512();
	for (g = 0; g < ng; g++) {
		if (!xb[g])
			continue;	/* four rows not driven */
		bx = _mm512_set1_epi32((int32_t)xb[g]);
		for (b = 0; b < nb; b++) {
			v = _mm512_loadu_si512(il + (g0 + g) * gstride +
					       4 * (c0 + 16 * b));
			acc[b] = mode_u ? _mm512_dpbusd_epi32(acc[b], bx, v) :
					  _mm512_dpbusd_epi32(acc[b], v, bx);
		}
	}
	sim_vnni_store(acc, nb, neg, colsum);
}

/* One MVM's blocks, shared by the pool (sim_pool.c). */
struct sim_vnni_job {
	const uint8_t *il;
	int packed;			/* il is sim_pk()'s */
	size_t gstride;
	uint32_t g0, ng, col0, full;
	const uint32_t *xb;
	int mode_u, neg;
	int32_t *colsum;
};

#define SIM_POOL_MIN_CELLS	(256u * 1024)

static void sim_vnni_chunk(void *arg, uint32_t chunk)
{
	const struct sim_vnni_job *j = arg;
	uint32_t c = chunk * SIM_IL_COLS;
	uint32_t n = j->full - c < SIM_IL_COLS ? j->full - c : SIM_IL_COLS;

	if (j->packed)
		sim_vnni_block_pk(j->il, j->gstride, j->g0, j->ng, j->xb,
				  j->col0 + c, n / 16, j->mode_u, j->neg,
				  j->colsum + c);
	else
		sim_vnni_block(j->il, j->gstride, j->g0, j->ng, j->xb,
			       j->col0 + c, n / 16, j->mode_u, j->neg,
			       j->colsum + c);
}

static int sim_has_vnni(void)
{
	static int vnni = -1;

	if (vnni < 0)
		vnni = __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vnni");
	return vnni;
}

int model_mvm_host(struct cim_hal *h, struct cim_model *m, uint32_t tile,
		   uint32_t row0, uint32_t nrows, uint32_t col0, uint32_t ncols,
		   const int16_t *x, int32_t *colsum)
{
	uint32_t xb[CIM_FW_MAX_LINE / 4 + 2];
	uint32_t g0, ng, r, c, n, full, rel;
	const uint8_t *il, *cells;
	struct sim_vnni_job job;
	int32_t lo = 0, hi = 0, v;
	int mode_u, neg;

	if (!sim_has_vnni() || !nrows || nrows > CIM_FW_MAX_LINE)
		return 0;
	for (r = 0; r < nrows; r++) {
		lo = x[r] < lo ? x[r] : lo;
		hi = x[r] > hi ? x[r] : hi;
	}
	if (lo >= -128 && hi <= 127)
		mode_u = 0;
	else if (lo >= 0 || hi <= 0)
		mode_u = 1;
	else
		return 0;
	neg = mode_u && hi <= 0;
	/* packed cells when the block's columns start on a unit of 32 */
	pthread_mutex_lock(&h->layout_lock);
	job.packed = !(col0 % 32);
	il = job.packed ? sim_pk(h, m, tile) : NULL;
	job.packed = il != NULL;
	if (!il)
		il = sim_il(h, m, tile);
	pthread_mutex_unlock(&h->layout_lock);
	if (!il)
		return 0;
	/* the row groups the rows touch; rows outside drive 0 */
	g0 = row0 / 4;
	ng = (row0 + nrows + 3) / 4 - g0;
	memset(xb, 0, ng * sizeof(xb[0]));
	for (r = 0; r < nrows; r++) {
		v = neg ? -x[r] : x[r];
		rel = row0 + r - 4 * g0;
		xb[rel / 4] |= (uint32_t)(v & 0xff) << (8 * (rel % 4));
	}
	full = ncols - ncols % (job.packed ? 32 : 16);
	job.il = il;
	job.gstride = (size_t)(job.packed ? 2 : 4) * m->p.cols;
	job.g0 = g0;
	job.ng = ng;
	job.xb = xb;
	job.col0 = col0;
	job.full = full;
	job.mode_u = mode_u;
	job.neg = neg;
	job.colsum = colsum;
	n = (full + SIM_IL_COLS - 1) / SIM_IL_COLS;
	/* a small MVM is not worth waking the workers */
	if ((uint64_t)nrows * full >= SIM_POOL_MIN_CELLS)
		sim_pool_run(h, sim_vnni_chunk, &job, n);
	else
		for (c = 0; c < n; c++)
			sim_vnni_chunk(&job, c);
	/* the last columns, one at a time */
	cells = m->cells + (size_t)tile * m->p.rows * m->p.cols +
		(size_t)row0 * m->p.cols + col0;
	for (c = full; c < ncols; c++)
		for (r = 0; r < nrows; r++)
			colsum[c] += x[r] * cells[(size_t)r * m->p.cols + c];
	return 1;
}

int model_mvm_rows_host(const uint8_t *cells, size_t stride, uint32_t nrows,
			uint32_t ncols, const int16_t *x, int32_t *colsum)
{
	static int avx2 = -1;

	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2");
	if (!avx2)
		return 0;
	sim_mvm_avx2(cells, stride, nrows, ncols, x, colsum);
	return 1;
}

#else /* no AVX2 or AVX-512 here: model_mvm_rows() runs its portable loop */

int model_mvm_host(struct cim_hal *h, struct cim_model *m, uint32_t tile,
		   uint32_t row0, uint32_t nrows, uint32_t col0, uint32_t ncols,
		   const int16_t *x, int32_t *colsum)
{
	(void)h, (void)m, (void)tile, (void)row0, (void)nrows, (void)col0;
	(void)ncols, (void)x, (void)colsum;
	return 0;
}

int model_mvm_rows_host(const uint8_t *cells, size_t stride, uint32_t nrows,
			uint32_t ncols, const int16_t *x, int32_t *colsum)
{
	(void)cells, (void)stride, (void)nrows, (void)ncols, (void)x;
	(void)colsum;
	return 0;
}
#endif /* __x86_64__ */
