// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * CALIBRATE: measure each column's gain and offset on the array and keep
 * the compensation fw_array_mvm() applies.
 *
 * Test vectors drive exactly half of the rows in each bit plane (one row
 * of every pair, picked at random), so every sample has the same number
 * m0 of active rows.  A column's reading is modeled as
 *	y = a * E + b * m
 * (E: what the targets of the active rows sum to; a: column gain times
 * the drift left in the cells; b: reference error per active row).
 * Writing E = mu * m0 + F with mu the column's mean target, the fit is
 * an ordinary regression of y on F, which is well conditioned:
 *	a = cov(F, y) / var(F),  b = (mean(y) - a * mean(F)) / m0 - a * mu.
 * Columns whose driven cells all hold one level (var(F) = 0) keep gain 1
 * and get their offset only.
 */
#include "fw_analog.h"
#include "fw_string.h"

#define FW_CAL_SALT	0xca11b000u

/* num / den in q16 without overflowing 64 bits. */
static int64_t fw_cal_ratio_q16(int64_t num, int64_t den)
{
	int sh = 16;

	while (sh && num < ((int64_t)1 << 46) && num > -((int64_t)1 << 46)) {
		num *= 2;
		sh--;
	}
	den >>= sh;
	return den ? fw_an_div_s64(num, den) : 0;
}

/* Plane b of vector k: one row of each pair (2i, 2i + 1). */
static void fw_cal_vector(struct cim_fw *fw, uint32_t ptile, uint32_t k,
			  uint32_t nrows)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint32_t r, h, u;

	for (r = 0; r + 1 < nrows; r += 2) {
		h = fw_an_hash(fw->p.seed, ptile, k, r, FW_CAL_SALT);
		u = h & 0xff;
		cd->cal_x[r] = (int16_t)u;	/* unsigned drive: 8 planes */
		cd->cal_x[r + 1] = (int16_t)(~u & 0xff);
	}
	if (nrows & 1)
		cd->cal_x[nrows - 1] = 0;
}

static void fw_cal_expect(struct cim_fw *fw, uint32_t ptile, uint32_t nrows,
			  uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint32_t r, c, t, b, bits;

	memset(cd->exp, 0, sizeof(cd->exp));
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < n; c++) {
			t = fw_an_target(fw, ptile, r, col0 + c);
			for (b = 0, bits = (uint16_t)cd->cal_x[r]; bits && t;
			     b++, bits >>= 1)
				if (bits & 1)
					cd->exp[b][c] += t;
		}
	}
}

/* Fit columns col0..col0+n from the sums in cd->cal. */
static void fw_cal_fit(struct cim_fw *fw, struct fw_an_tile *t,
		       uint32_t nrows, uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	int64_t cnt = FW_AN_CAL_VECTORS * FW_AN_BITS, m0 = nrows / 2;
	int64_t sf, sy, sff, sfy, cov, var, a, icpt, b, mu;
	uint32_t c;

	for (c = 0; c < n; c++) {
		sf = cd->cal[0][c];
		sy = cd->cal[1][c];
		sff = cd->cal[2][c];
		sfy = cd->cal[3][c];
		cov = cnt * sfy - sf * sy;
		var = cnt * sff - sf * sf;
		a = var > 0 ? fw_cal_ratio_q16(cov, var) : 65536;
		if (a < 32768 || a > 131072)
			a = 65536;	/* not a plausible column: no gain */
		icpt = fw_an_div_s64(sy - ((a * sf) / 65536), cnt);	/* q8 */
		mu = (cd->s1[c] << 8) / nrows;			/* q8 */
		b = fw_an_div_s64(icpt * 256, m0) - (a * mu) / 256;	/* q16 */
		fw_an_cal_b(fw, t)[col0 + c] = (int32_t)b;
		fw_an_cal_inva(fw, t)[col0 + c] =
			(uint32_t)fw_div_u64_u32(1ull << 32, (uint32_t)a);
	}
}

void fw_calibrate_tile(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_card *cd = fw_an_card(fw);
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t nrows = FW_MIN(fw->p.rows, (uint32_t)FW_AN_MAX_ROWS);
	uint32_t col0, n, k, b, c;
	int64_t f, y, mu;

	t->st.calibrations++;
	if (!fw->p.analog || nrows < 2) {
		t->st.flags |= CIM_TILE_AN_CALIBRATED;
		return;
	}
	/* measure without the old compensation */
	memset(fw_an_cal_inva(fw, t), 0, fw->p.cols * sizeof(uint32_t));
	for (col0 = 0; col0 < fw->p.cols; col0 += n) {
		n = FW_MIN(fw->p.cols - col0, (uint32_t)FW_AN_CHUNK);
		memset(cd->cal, 0, sizeof(cd->cal));
		for (k = 0; k < FW_AN_CAL_VECTORS; k++) {
			fw_cal_vector(fw, ptile, k, nrows);
			fw_an_measure(fw, ptile, 0, nrows, col0, n, cd->cal_x);
			fw_cal_expect(fw, ptile, nrows, col0, n);
			for (c = 0; c < n; c++) {
				mu = (cd->s1[c] << 8) / nrows;
				for (b = 0; b < FW_AN_BITS; b++) {
					f = (int64_t)cd->exp[b][c] * 256 -
					    mu * cd->m[b];
					y = cd->meas[b][c];
					cd->cal[0][c] += f;
					cd->cal[1][c] += y;
					cd->cal[2][c] += f * f;
					cd->cal[3][c] += f * y;
				}
			}
		}
		fw_cal_fit(fw, t, nrows, col0, n);
	}
	/* every test vector is one MVM of the whole tile */
	fw_charge_ns(fw, (uint64_t)FW_AN_CAL_VECTORS * fw->p.mvm_ns);
	t->cal_loss_ppm = fw_an_tile_loss_ppm(fw, ptile);
	t->st.flags |= CIM_TILE_AN_CALIBRATED;
}

uint32_t fw_calibrate(struct cim_fw *fw, const struct cim_desc *d)
{
	const uint16_t *list = (const uint16_t *)fw->chunk;
	uint32_t st, n, i, tile;

	st = fw_an_tile_list(fw, d, &n);
	if (st)
		return st;
	for (i = 0; i < n; i++) {
		tile = d->map_count ? list[i] : i;
		if (!d->map_count &&
		    !(fw_an_tile(fw, tile)->st.flags & CIM_TILE_AN_PROGRAMMED))
			continue;
		fw_calibrate_tile(fw, tile);
	}
	return CIM_ST_OK;
}
