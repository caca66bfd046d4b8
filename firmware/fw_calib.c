// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * CALIBRATE: measure each column's gain and offset on the array and keep
 * the compensation fw_array_mvm() applies.
 *
 * Only the rows that hold a programmed cell (in any column of the tile)
 * are driven: erased rows carry no signal, only reference error.  Those
 * np rows are shuffled afresh for every test vector and paired at random
 * (so the two rows of a pair are unrelated, not neighbours holding
 * similar weights); each plane drives exactly one row of every pair, so
 * every sample has the same number m0 = np / 2 of active rows, and the
 * active set is a random half of the programmed rows: a column's signal
 * then spreads over about one sigma of an m0-row sum, which is what its
 * ADC window (k sigma of such a sum) is sized for.  A column's reading
 * is modeled as
 *	y = a * E + b * m
 * (E: what the targets of the active rows sum to; a: column gain times
 * the drift left in the cells; b: reference error per active row).
 * Writing E = mu * m0 + F with mu the column's mean target over the
 * programmed rows, the fit is an ordinary regression of y on F:
 *	a = cov(F, y) / var(F),  b = (mean(y) - a * mean(F)) / m0 - a * mu.
 * Columns whose driven cells all hold one level (var(F) = 0) keep gain 1
 * and get their offset only.
 *
 * Range calibration (adc_cal_sigma_q4 != 0): the same samples give each
 * column's window scale rho = var(y) / var(E), how much wider the column
 * reads than its targets' sums spread (gain and drift squared, plus the
 * cells' residual errors and read noise).  The array then sizes the
 * column's ADC window from rho and the spread of the rows each
 * conversion actually drives (docs/analog-model.md).
 */
#include "fw_analog.h"
#include "fw_string.h"

#define FW_CAL_SALT	0xca11b000u
#define FW_CAL_SALT_PERM 0xca11b001u

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

/*
 * The rows (< nrows) holding a programmed cell, ascending, into
 * cd->cal_rows; their count.  The columns' own cells are read (raw):
 * they hold every column's targets, remapped ones included.
 */
static uint32_t fw_cal_rows(struct cim_fw *fw, uint32_t ptile, uint32_t nrows,
			    uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint8_t *row = cd->line;
	uint32_t r, c, np = 0;

	for (r = 0; r < nrows; r++) {
		cim_hal_array_read(fw->hal, ptile, r, col0, n, 1, row);
		for (c = 0; c < n && !row[c]; c++)
			;
		if (c < n)
			cd->cal_rows[np++] = (uint16_t)r;
	}
	return np;
}

/*
 * Vector k, rows row0.. of the range: shuffle the np programmed rows
 * (Fisher-Yates from the hash) and drive the rows of each pair with
 * u and ~u (one of them in every plane); an odd row out stays idle.
 */
static void fw_cal_vector(struct cim_fw *fw, uint32_t ptile, uint32_t k,
			  uint32_t row0, uint32_t span, uint32_t np)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint32_t i, j, h, u;
	uint16_t tmp;

	memset(cd->cal_x, 0, span * sizeof(cd->cal_x[0]));
	for (i = np - 1; i > 0; i--) {
		h = fw_an_hash(fw->p.seed, ptile, k, i, FW_CAL_SALT_PERM);
		j = (uint32_t)(((uint64_t)h * (i + 1)) >> 32);
		tmp = cd->cal_rows[i];
		cd->cal_rows[i] = cd->cal_rows[j];
		cd->cal_rows[j] = tmp;
	}
	for (i = 0; i + 1 < np; i += 2) {
		h = fw_an_hash(fw->p.seed, ptile, k, i, FW_CAL_SALT);
		u = h & 0xff;
		cd->cal_x[cd->cal_rows[i] - row0] = (int16_t)u;
		cd->cal_x[cd->cal_rows[i + 1] - row0] = (int16_t)(~u & 0xff);
	}
}

static void fw_cal_expect(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
			  uint32_t span, uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint32_t r, c, t, b, bits;

	memset(cd->exp, 0, sizeof(cd->exp));
	for (r = 0; r < span; r++) {
		if (!cd->cal_x[r])
			continue;
		/* what the columns hold, spares included */
		cim_hal_array_read(fw->hal, ptile, row0 + r, col0, n, 0,
				   cd->line);
		for (c = 0; c < n; c++) {
			t = cd->line[c];
			for (b = 0, bits = (uint16_t)cd->cal_x[r]; bits && t;
			     b++, bits >>= 1)
				if (bits & 1)
					cd->exp[b][c] += t;
		}
	}
}

/*
 * The reference error of columns col0..col0+n alone: drive up to
 * FW_AN_CAL_OFF_ROWS rows (< nrows) holding no programmed cell in the
 * chunk's columns, in every plane, FW_AN_CAL_OFF_VECTORS times.  Erased
 * cells carry no signal, so a column reads its offset b per active row
 * (and read noise): b = sum y / sum m, q16, into cd->cal[0].  0 when the
 * chunk has too few erased rows (the regression then fits b).
 */
static int fw_cal_offset(struct cim_fw *fw, uint32_t ptile, uint32_t nrows,
			 uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	uint8_t *row = cd->line;
	uint32_t r, c, k, b, cnt = 0, row0 = 0, span = 0;
	int64_t sy[FW_AN_CHUNK], sm = 0;

	for (r = 0; r < nrows && cnt < FW_AN_CAL_OFF_ROWS; r++) {
		cim_hal_array_read(fw->hal, ptile, r, col0, n, 1, row);
		for (c = 0; c < n && !row[c]; c++)
			;
		if (c < n)
			continue;
		if (!cnt)
			row0 = r;
		cd->cal_rows[cnt++] = (uint16_t)r;
		span = r + 1 - row0;
	}
	if (cnt < FW_AN_CAL_OFF_ROWS / 4)
		return 0;
	memset(cd->cal_x, 0, span * sizeof(cd->cal_x[0]));
	for (k = 0; k < cnt; k++)
		cd->cal_x[cd->cal_rows[k] - row0] = 0xff;
	memset(sy, 0, sizeof(sy));
	for (k = 0; k < FW_AN_CAL_OFF_VECTORS; k++) {
		fw_an_measure(fw, ptile, row0, span, col0, n, cd->cal_x);
		for (b = 0; b < FW_AN_BITS; b++) {
			sm += cd->conv.m[b];
			for (c = 0; c < n; c++)
				sy[c] += cd->conv.meas[b][c];
		}
	}
	for (c = 0; c < n; c++)
		cd->cal[0][c] = fw_an_div_s64(sy[c] * 256, sm);
	return 1;
}

/* One sample of column c: reading y and expected sum e, both q8. */
static void fw_cal_win_add(struct fw_an_card *cd, uint32_t c, int64_t y,
			   int64_t e)
{
	cd->win[0][c] += y;
	cd->win[1][c] += (y * y) >> 8;
	cd->win[2][c] += e;
	cd->win[3][c] += (e * e) >> 8;
}

/*
 * Window scale of columns col0..col0+n, q16, from cd->win: 0 (the
 * array's default window) when off, or for a column whose targets do
 * not vary; clamped to 1/4..4.
 */
static void fw_cal_fit_win(struct cim_fw *fw, struct fw_an_tile *t,
			   uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	int64_t cnt = FW_AN_CAL_VECTORS * FW_AN_BITS, vy, ve, rho;
	uint32_t c;

	for (c = 0; c < n; c++) {
		vy = cnt * cd->win[1][c] - ((cd->win[0][c] * cd->win[0][c]) >> 8);
		ve = cnt * cd->win[3][c] - ((cd->win[2][c] * cd->win[2][c]) >> 8);
		rho = ve > 0 && vy > 0 ? fw_cal_ratio_q16(vy, ve) : 0;
		if (rho)
			rho = FW_MIN(FW_MAX(rho, (int64_t)16384),
				     (int64_t)262144);
		fw_an_cal_win(fw, t)[col0 + c] =
			fw->p.adc_cal_sigma_q4 ? (uint32_t)rho : 0;
	}
}

/* Fit columns col0..col0+n from the sums in cd->cal. */
static void fw_cal_fit(struct cim_fw *fw, struct fw_an_tile *t,
		       uint32_t np, uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	int64_t cnt = FW_AN_CAL_VECTORS * FW_AN_BITS, m0 = np / 2;
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
		mu = (cd->conv.s1[c] << 8) / np;				/* q8 */
		b = fw_an_div_s64(icpt * 256, m0) - (a * mu) / 256;	/* q16 */
		fw_an_cal_b(fw, t)[col0 + c] = (int32_t)b;
		fw_an_cal_inva(fw, t)[col0 + c] =
			(uint32_t)fw_div_u64_u32(1ull << 32, (uint32_t)a);
	}
}

/*
 * Columns col0..col0+n whose offset b (q16 per active row) was measured
 * on erased rows: y - b m = a E, a regression through the origin,
 * cd->cal[1] = sum (y - b m) E, cd->cal[2] = sum E^2 (q16 products).
 */
static void fw_cal_fit_gain(struct cim_fw *fw, struct fw_an_tile *t,
			    const int64_t *off, uint32_t col0, uint32_t n)
{
	struct fw_an_card *cd = fw_an_card(fw);
	int64_t a;
	uint32_t c;

	for (c = 0; c < n; c++) {
		a = cd->cal[2][c] > 0 ?
		    fw_cal_ratio_q16(cd->cal[1][c], cd->cal[2][c]) : 65536;
		if (a < 32768 || a > 131072)
			a = 65536;	/* not a plausible column: no gain */
		fw_an_cal_b(fw, t)[col0 + c] = (int32_t)off[c];
		fw_an_cal_inva(fw, t)[col0 + c] =
			(uint32_t)fw_div_u64_u32(1ull << 32, (uint32_t)a);
	}
}

/* The trims of columns col0..col0+n: saved, or put back. */
static void fw_cal_trims_io(struct cim_fw *fw, struct fw_an_tile *t,
			    uint32_t col0, uint32_t n,
			    struct fw_cal_trims *tr, int save)
{
	int32_t *b = fw_an_cal_b(fw, t) + col0;
	uint32_t *inva = fw_an_cal_inva(fw, t) + col0;
	uint32_t *win = fw_an_cal_win(fw, t) + col0;

	if (save) {
		memcpy(tr->b, b, n * sizeof(*b));
		memcpy(tr->inva, inva, n * sizeof(*inva));
		memcpy(tr->win, win, n * sizeof(*win));
	} else {
		memcpy(b, tr->b, n * sizeof(*b));
		memcpy(inva, tr->inva, n * sizeof(*inva));
		memcpy(win, tr->win, n * sizeof(*win));
	}
}

/*
 * Squared error of the conversions just measured (cd->conv) against
 * the targets (cd->exp), compensated as fw_array_mvm() does with the
 * tile's trims in use, over the columns holding a programmed cell; q8^2
 * >> 8 into *sum, conversions into *cnt.
 */
static void fw_cal_err_add(struct cim_fw *fw, struct fw_an_tile *t,
			   uint32_t col0, uint32_t n, uint64_t *sum,
			   uint32_t *cnt)
{
	struct fw_an_card *cd = fw_an_card(fw);
	const int32_t *cb = fw_an_cal_b(fw, t) + col0;
	const uint32_t *inva = fw_an_cal_inva(fw, t) + col0;
	uint32_t c, b;
	int64_t p, e;

	for (c = 0; c < n; c++) {
		if (!cd->conv.s1[c])
			continue;	/* nothing programmed: not a column */
		for (b = 0; b < FW_AN_BITS; b++) {
			if (!cd->conv.m[b])
				continue;
			p = cd->conv.meas[b][c];
			if (inva[c]) {
				p -= ((int64_t)cb[c] * cd->conv.m[b]) / 256;
				p = (p * inva[c]) / 65536;
			}
			e = p - (int64_t)cd->exp[b][c] * 256;
			if (e < 0)
				e = -e;
			if (e > (1 << 24))
				e = 1 << 24;	/* a dead column: no overflow */
			*sum += (uint64_t)(e * e) >> 8;
			(*cnt)++;
		}
	}
}

/*
 * Read FW_AN_CAL_CHECK_VECTORS fresh test vectors on columns col0..col0+n
 * with the trims in `old`, then with the tile's new ones, and add their
 * column errors to the tile's report sums.  Leaves the new trims.
 */
static void fw_cal_check(struct cim_fw *fw, uint32_t ptile,
			 struct fw_an_tile *t, struct fw_cal_trims *old,
			 uint32_t row0, uint32_t span, uint32_t np,
			 uint32_t col0, uint32_t n, uint64_t sq[2],
			 uint32_t cnt[2])
{
	struct fw_an_card *cd = fw_an_card(fw);
	struct fw_cal_trims *cur = &cd->trims[1];
	uint32_t k, v;

	fw_cal_trims_io(fw, t, col0, n, cur, 1);
	for (k = 0; k < FW_AN_CAL_CHECK_VECTORS; k++) {
		v = FW_AN_CAL_VECTORS + k;	/* not a vector of the fit */
		fw_cal_vector(fw, ptile, v, row0, span, np);
		fw_cal_expect(fw, ptile, row0, span, col0, n);
		fw_cal_trims_io(fw, t, col0, n, old, 0);
		fw_an_measure(fw, ptile, row0, span, col0, n, cd->cal_x);
		fw_cal_err_add(fw, t, col0, n, &sq[0], &cnt[0]);
		fw_cal_trims_io(fw, t, col0, n, cur, 0);
		fw_an_measure(fw, ptile, row0, span, col0, n, cd->cal_x);
		fw_cal_err_add(fw, t, col0, n, &sq[1], &cnt[1]);
	}
}

/* floor(sqrt(v)), bit by bit (no FPU on the MCU); the card model uses it too */
uint32_t fw_isqrt(uint64_t v)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return (uint32_t)r;
}

/* rms, q8, from a sum of (q8^2 >> 8) */
static uint32_t fw_cal_rms(uint64_t sq, uint32_t cnt)
{
	return cnt ? fw_isqrt(fw_div_u64_u32(sq, cnt) << 8) : 0;
}

void fw_calibrate_tile(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_card *cd = fw_an_card(fw);
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t nrows = FW_MIN(fw->p.rows, (uint32_t)FW_AN_MAX_ROWS);
	uint32_t col0, n, k, b, c, np, row0, span, psig = 0, sig, mvms = 0;
	int64_t f, y, mu, off[FW_AN_CHUNK];
	uint64_t sq[2] = { 0, 0 };
	uint32_t cnt[2] = { 0, 0 }, ncols = 0;
	int have_off;

	t->st.calibrations++;
	memset(&t->rep, 0, sizeof(t->rep));
	t->rep.calibrated_ns = cim_hal_clock_now(fw->hal);
	if (!fw->p.analog || nrows < 2) {
		t->st.flags |= CIM_TILE_AN_CALIBRATED;
		t->rep.flags = t->st.flags;
		return;
	}
	for (col0 = 0; col0 < fw->p.cols; col0 += n) {
		fw_progress(fw, 1);	/* the host sees a long calibration move */
		n = FW_MIN(fw->p.cols - col0, (uint32_t)FW_AN_CHUNK);
		/* keep the old compensation for the check, measure without */
		fw_cal_trims_io(fw, t, col0, n, &cd->trims[0], 1);
		memset(fw_an_cal_inva(fw, t) + col0, 0, n * sizeof(uint32_t));
		memset(fw_an_cal_win(fw, t) + col0, 0, n * sizeof(uint32_t));
		np = fw_cal_rows(fw, ptile, nrows, col0, n);
		if (np < 2) {
			/* nothing to measure a gain on: no compensation */
			memset(fw_an_cal_b(fw, t) + col0, 0,
			       n * sizeof(int32_t));
			continue;
		}
		row0 = cd->cal_rows[0];
		span = cd->cal_rows[np - 1] + 1 - row0;
		/*
		 * Chunks with the same programmed rows get the same vectors:
		 * one MVM of the tile serves them all.
		 */
		sig = fw_an_hash(np, row0, span, cd->cal_rows[np / 2], 0);
		if (sig != psig)
			mvms += FW_AN_CAL_VECTORS + 2 * FW_AN_CAL_CHECK_VECTORS;
		memset(cd->cal, 0, sizeof(cd->cal));
		have_off = fw_cal_offset(fw, ptile, nrows, col0, n);
		if (have_off) {
			memcpy(off, cd->cal[0], sizeof(off));
			if (sig != psig)
				mvms += FW_AN_CAL_OFF_VECTORS;
			/* fw_cal_offset used the row list: rebuild it */
			fw_cal_rows(fw, ptile, nrows, col0, n);
		}
		psig = sig;
		memset(cd->cal, 0, sizeof(cd->cal));
		memset(cd->win, 0, sizeof(cd->win));
		for (k = 0; k < FW_AN_CAL_VECTORS; k++) {
			fw_cal_vector(fw, ptile, k, row0, span, np);
			fw_an_measure(fw, ptile, row0, span, col0, n,
				      cd->cal_x);
			fw_cal_expect(fw, ptile, row0, span, col0, n);
			for (c = 0; c < n; c++) {
				mu = (cd->conv.s1[c] << 8) / np;
				for (b = 0; b < FW_AN_BITS; b++) {
					y = cd->conv.meas[b][c];
					fw_cal_win_add(cd, c, y,
						(int64_t)cd->exp[b][c] * 256);
					if (have_off) {
						/* q8: E and y - b m */
						f = (int64_t)cd->exp[b][c] * 256;
						y -= (off[c] * cd->conv.m[b]) / 256;
						cd->cal[1][c] += (f * y) >> 8;
						cd->cal[2][c] += (f * f) >> 8;
						continue;
					}
					f = (int64_t)cd->exp[b][c] * 256 -
					    mu * cd->conv.m[b];
					cd->cal[0][c] += f;
					cd->cal[1][c] += y;
					cd->cal[2][c] += f * f;
					cd->cal[3][c] += f * y;
				}
			}
		}
		if (have_off)
			fw_cal_fit_gain(fw, t, off, col0, n);
		else
			fw_cal_fit(fw, t, np, col0, n);
		fw_cal_fit_win(fw, t, col0, n);
		fw_cal_check(fw, ptile, t, &cd->trims[0], row0, span, np,
			     col0, n, sq, cnt);
		for (c = 0; c < n; c++)
			ncols += cd->conv.s1[c] != 0;
	}
	/* every test vector is one MVM of the whole tile */
	fw_charge_ns(fw, (uint64_t)(mvms ? mvms : FW_AN_CAL_VECTORS) *
			 fw->p.mvm_ns);
	t->cal_loss_ppm = fw_an_tile_loss_ppm(fw, ptile);
	t->st.flags |= CIM_TILE_AN_CALIBRATED;
	t->rep.err_before_q8 = fw_cal_rms(sq[0], cnt[0]);
	t->rep.err_after_q8 = fw_cal_rms(sq[1], cnt[1]);
	t->rep.samples = cnt[1];
	t->rep.columns = ncols;
	t->rep.flags = t->st.flags;
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

uint32_t fw_calib_report(struct cim_fw *fw, const struct cim_desc *d)
{
	const uint16_t *list = (const uint16_t *)fw->chunk;
	struct cim_calib_tile_report r;
	struct fw_sg_cursor cur;
	uint32_t ret, n, i, tile;

	ret = fw_an_tile_list(fw, d, &n);
	if (ret)
		return ret;
	if (!d->dst.sg_count || d->dst.length < (uint64_t)n * sizeof(r))
		return CIM_ST_BAD_DESC;
	fw_sg_open(&cur, &d->dst);
	for (i = 0; i < n; i++) {
		tile = d->map_count ? list[i] : i;
		r = fw_an_tile(fw, tile)->rep;
		if (fw_sg_write(fw, &cur, (uint64_t)i * sizeof(r), &r,
				sizeof(r)))
			return CIM_ST_DMA_ERROR;
	}
	return CIM_ST_OK;
}
