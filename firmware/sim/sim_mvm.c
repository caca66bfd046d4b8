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
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../model/model_int.h"

#define SIM_ROWS16	8
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
 * pair sum stays within +-7650, four of them within 16 bits.
 */
__attribute__((target("avx2")))
static void sim_group_bytes(const uint8_t **rp, const int16_t *xs,
			    uint32_t k, int mode_u, int neg, uint32_t full,
			    int32_t *colsum)
{
	__m256i xp[SIM_ROWS16 / 2], acc[8], r0, r1, il, ih;
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
	uint32_t r = 0, k, j, c, full = ncols - ncols % SIM_COLS;
	const uint8_t *rp[SIM_ROWS16 + 1];
	int16_t xs[SIM_ROWS16];
	int32_t lo, hi;

	while (r < nrows) {
		/* the next (up to) 8 driven rows */
		lo = 0;
		hi = 0;
		for (k = 0; k < SIM_ROWS16 && r < nrows; r++) {
			if (!x[r])
				continue;
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
