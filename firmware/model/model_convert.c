// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The conversion pass of the analog array (cim_hal_array_convert()): the
 * activations drive the rows bit-serially, one bit plane at a time, and
 * each column's ADC digitizes the difference between the column current
 * and a reference derived from the column's programmed levels, in a
 * window sized from their spread.  Read noise, column gain and offset,
 * drift, ADC resolution and clipping: docs/analog-model.md.
 */
#include "model_int.h"
#include "../fw_string.h"

#define MODEL_ENC_UNSIGNED	0
#define MODEL_ENC_NEGATIVE	1
#define MODEL_ENC_TWOS		2
#define MODEL_ENC_SIGNMAG	3

/*
 * How x (values in [-255, 255]) is driven:
 *   UNSIGNED  every x >= 0: plane b (0..7) drives the rows with bit b of
 *             x set, weight +2^b;
 *   NEGATIVE  every x <= 0: the same with -x, weight -2^b;
 *   TWOS      mixed signs, all in [-128, 127]: two's complement, plane b
 *             drives bit b of (uint8)x, weight 2^b, plane 7 -128;
 *   SIGNMAG   mixed signs beyond int8: planes 0..7 drive the positive
 *             rows' magnitude bits (+2^b), planes 8..15 the negative
 *             rows' (-2^b): twice the conversions.
 */
static uint32_t model_encoding(const int16_t *x, uint32_t n)
{
	int32_t lo = 0, hi = 0;
	uint32_t r;

	for (r = 0; r < n; r++) {
		lo = x[r] < lo ? x[r] : lo;
		hi = x[r] > hi ? x[r] : hi;
	}
	if (lo >= 0)
		return MODEL_ENC_UNSIGNED;
	if (hi <= 0)
		return MODEL_ENC_NEGATIVE;
	if (lo >= -128 && hi <= 127)
		return MODEL_ENC_TWOS;
	return MODEL_ENC_SIGNMAG;
}

/* The plane mask of a row (bit p: active in plane p). */
static uint32_t model_drive(uint32_t enc, int32_t x)
{
	switch (enc) {
	case MODEL_ENC_UNSIGNED:
		return (uint32_t)x & 0xff;
	case MODEL_ENC_NEGATIVE:
		return (uint32_t)-x & 0xff;
	case MODEL_ENC_TWOS:
		return (uint32_t)x & 0xff;
	default:
		return x >= 0 ? ((uint32_t)x & 0xff) :
		       ((uint32_t)-x & 0xff) << MODEL_BITS;
	}
}

static void model_plane_weights(struct cim_hal_conv *cv, uint32_t enc)
{
	uint32_t b;

	for (b = 0; b < MODEL_BITS; b++) {
		cv->w[b] = enc == MODEL_ENC_NEGATIVE ? -(1 << b) : 1 << b;
		cv->w[MODEL_BITS + b] = enc == MODEL_ENC_SIGNMAG ?
					-(1 << b) : 0;
	}
	if (enc == MODEL_ENC_TWOS)
		cv->w[MODEL_BITS - 1] = -(1 << (MODEL_BITS - 1));
	cv->enc = enc;
}

/* The level column c of the pass holds in row abs_row. */
static uint32_t model_target(struct cim_model *m, struct model_tile *t,
			     const struct model_card *cd, const uint8_t *row,
			     uint32_t abs_row, uint32_t c)
{
	return cd->spare[c] < 0 ? row[c] :
	       model_spare_cells(m, t, (uint32_t)cd->spare[c])[abs_row];
}

/*
 * One conversion: the ADC window is +-fs around the reference; a reading
 * beyond it is over-range, and the column converts again with the window
 * doubled (new read noise), up to MODEL_RANGE_STEPS times, before taking
 * the clipped code.  a0: the column less the reference, before read noise
 * (q8).  The reading, q8, reference excluded.
 */
static int32_t model_convert1(struct cim_model *m, struct cim_hal_conv *cv,
			      int64_t a0, uint32_t fs, uint32_t nz)
{
	struct model_card *cd = model_card(m);
	uint32_t adc = cv->adc_bits, half, sqm, step;
	int64_t a, code;

	/* 1 bit: a comparator, codes -1 and 0 (sign of the difference) */
	adc = adc < 1 ? 1 : adc > 16 ? 16 : adc;
	half = 1u << (adc - 1);
	sqm = model_isqrt((uint64_t)nz << 16);
	for (step = 0;; step++) {
		a = a0;
		if (m->p.read_noise_q8)
			a += model_gauss(model_rand(cd, m->p.seed),
					 (m->p.read_noise_q8 * sqm) >> 8);
		if (a < (int64_t)fs && a >= -(int64_t)fs)
			break;
		if (step == MODEL_RANGE_STEPS) {
			cv->clips++;
			code = a < 0 ? -(int64_t)half : half - 1;
			return (int32_t)((code * fs) >> (adc - 1));
		}
		cv->reranges++;
		fs *= 2;
	}
	if (a >= 0) {
		code = (int64_t)fw_div_u64_u32((uint64_t)a * half + fs / 2, fs);
		if (code > half - 1)
			code = half - 1;
	} else {
		code = -(int64_t)fw_div_u64_u32((uint64_t)-a * half + fs / 2,
						fs);
	}
	return (int32_t)((code * fs) >> (adc - 1));
}

/* Rows driven, per column: its span, level sums, plane activity, sums. */
static void model_accumulate(struct cim_hal *h, struct cim_model *m,
			     uint32_t tile, struct cim_hal_conv *cv)
{
	struct model_card *cd = model_card(m);
	struct model_tile *t = model_tile(m, tile);
	const uint8_t *cells = model_tile_cells(m, tile), *row;
	uint32_t row0 = cv->row0, nrows = cv->nrows, n = cv->n;
	uint32_t b, c, r, tv, u, bits, lf_q16;
	int32_t g;

	lf_q16 = (uint32_t)fw_div_u64_u32((uint64_t)model_tile_loss_ppm(h, m,
					  tile) << 16, 1000000u);
	for (c = 0; c < n; c++) {
		cd->spare[c] = model_spare_index(m, t, cv->col0 + c);
		cd->pcol[c] = cd->spare[c] < 0 ? cv->col0 + c :
			      m->p.cols + (uint32_t)cd->spare[c];
		cd->lo[c] = nrows;
		cd->hi[c] = 0;
	}
	memset(cd->acc, 0, sizeof(cd->acc));
	memset(cd->ms, 0, sizeof(cd->ms));
	memset(cd->s2, 0, sizeof(cd->s2));
	memset(cv->m, 0, sizeof(cv->m));
	memset(cv->s1, 0, sizeof(cv->s1));
	model_plane_weights(cv, model_encoding(cv->x, nrows));

	/* each column's span: its first to its last programmed driven row */
	for (r = 0; r < nrows; r++) {
		row = cells + (size_t)(row0 + r) * m->p.cols + cv->col0;
		for (c = 0; c < n; c++) {
			if (!model_target(m, t, cd, row, row0 + r, c))
				continue;
			if (cd->lo[c] == nrows)
				cd->lo[c] = r;
			cd->hi[c] = r;
		}
	}
	for (r = 0; r < nrows; r++) {
		u = model_drive(cv->enc, cv->x[r]);
		for (b = 0; b < CIM_HAL_CONV_PLANES; b++)
			cv->m[b] += (u >> b) & 1;
		row = cells + (size_t)(row0 + r) * m->p.cols + cv->col0;
		for (c = 0; c < n; c++) {
			tv = model_target(m, t, cd, row, row0 + r, c);
			cv->s1[c] += tv;
			cd->s2[c] += tv * tv;
			if (!u || r < cd->lo[c] || r > cd->hi[c])
				continue;
			for (b = 0, bits = u; bits; b++, bits >>= 1)
				cd->ms[b][c] += bits & 1;
			if (!tv)
				continue;
			g = model_level(&m->p, tile, row0 + r, cd->pcol[c], tv,
					t->gen, lf_q16);
			for (b = 0, bits = u; bits; b++, bits >>= 1)
				if (bits & 1)
					cd->acc[b][c] += g;
		}
	}
}

/*
 * The window of a range-calibrated column: k measured sigmas of the
 * active rows' sum, sig the spread of an nzs-row sum of the span's
 * targets (q8), win the column's measured scale^2 (q16).  nzs of the ns
 * rows are drawn from the span without replacement, so their sum
 * spreads by sqrt((ns - nzs) / (ns - 1)) less than nzs independent rows'
 * would: a plane that drives most of the span has a narrow window.
 */
static uint32_t model_cal_window(uint32_t sig, uint32_t win, uint32_t k_q4,
				 uint32_t nzs, uint32_t ns)
{
	uint64_t f;

	if (ns < 2 || nzs >= ns)
		return 0;
	f = fw_div_u64_u32((uint64_t)win * (ns - nzs), ns - 1);	/* q16 */
	sig = (uint32_t)(((uint64_t)sig * model_isqrt(f << 16)) >> 16);
	return (uint32_t)(((uint64_t)sig * k_q4) >> 4);
}

void cim_hal_array_convert(struct cim_hal *h, uint32_t tile,
			   struct cim_hal_conv *cv)
{
	struct cim_model *m = cim_hal_model(h);
	struct model_card *cd = model_card(m);
	uint32_t b, c, mean, sig, fs, ns, nzs, nz, gain, inva, nrows;
	int32_t off, cb;
	uint64_t var;
	int64_t ref;

	cv->reranges = 0;
	cv->clips = 0;
	if (tile >= m->p.tiles || cv->n > CIM_HAL_CONV_COLS ||
	    cv->row0 > m->p.rows || cv->nrows > m->p.rows - cv->row0 ||
	    cv->col0 > m->p.cols || cv->n > m->p.cols - cv->col0) {
		memset(cv->meas, 0, sizeof(cv->meas));
		memset(cv->m, 0, sizeof(cv->m));
		return;
	}
	nrows = cv->nrows;
	model_accumulate(h, m, tile, cv);
	for (c = 0; c < cv->n; c++) {
		gain = model_col_gain_q16(&m->p, tile, cd->pcol[c]);
		off = model_col_offset_q8(&m->p, tile, cd->pcol[c]);
		inva = cv->cal_inva[c];
		cb = cv->cal_b[c];

		/* the column's mean level and spread over its span */
		ns = cd->lo[c] < nrows ? cd->hi[c] + 1 - cd->lo[c] : 0;
		mean = ns ? (cv->s1[c] << 8) / ns : 0;
		var = (uint64_t)ns * cd->s2[c] -
		      (uint64_t)cv->s1[c] * cv->s1[c];
		/*
		 * the column's mean level as programmed; once calibrated, as
		 * the column now reads (a * mean), which keeps a drifted
		 * column in the middle of its ADC window
		 */
		if (inva)
			mean = (uint32_t)(((uint64_t)mean *
					   fw_div_u64_u32(1ull << 32, inva)) >>
					  16);
		for (b = 0; b < CIM_HAL_CONV_PLANES; b++) {
			nz = cv->m[b];
			if (!nz) {
				cv->meas[b][c] = 0;
				continue;
			}
			nzs = cd->ms[b][c];
			/*
			 * Reference: the active rows of the span at the mean
			 * level (+ the calibrated offset of every active row);
			 * ADC window: +-k sigma of an nzs-row sum of the span's
			 * levels, >= 8 levels.
			 */
			ref = (int64_t)nzs * mean;
			if (inva)
				ref += ((int64_t)nz * cb) / 256;
			sig = ns ? (uint32_t)fw_div_u64_u32(
				(uint64_t)model_isqrt((uint64_t)nzs * var) << 8,
				ns) : 0;
			if (cv->cal_win && cv->cal_win[c] && cv->cal_k_q4)
				fs = model_cal_window(sig, cv->cal_win[c],
						      cv->cal_k_q4, nzs, ns);
			else
				fs = (uint32_t)(((uint64_t)sig *
						 m->p.adc_fs_sigma_q4) >> 4);
			if (fs < 8 * 256)
				fs = 8 * 256;
			cv->meas[b][c] = model_convert1(m, cv,
				(((int64_t)cd->acc[b][c] * gain) >> 16) - ref -
				(int64_t)nz * off, fs, nz) + (int32_t)ref;
		}
	}
}
