// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The flash arrays: erase, program-and-verify, MVM (fw_array.h).
 *
 * Ideal card (params.analog = 0): cells hold exactly their targets and an
 * MVM is the exact integer column sum, so the card is bit-exact to the
 * CPU reference.  Analog card: each cell is pulsed until it verifies
 * within tolerance (or the pulse cap), keeps a residual error and loses
 * charge over time; an MVM drives the activations bit-serially, one bit
 * plane at a time, and each column's ADC digitizes the difference
 * between the column current and a per-column reference in a window set
 * from the column's programmed weights; the firmware adds the reference
 * back, applies the calibration and recombines the planes.  See
 * docs/analog-model.md.
 *
 * In both modes a column with a cell that cannot verify moves to one of
 * the tile's spare columns while any is left.  The tile memory
 * (cim_hal_tile_cells) always holds the targets of the logical columns;
 * a remapped column's cells are read from its spare column.
 */
#include "fw_array.h"
#include "fw_analog.h"
#include "fw_string.h"

#define FW_AN_SPARE_BAD	0xffff	/* spare_of: spare that failed itself */

static int32_t fw_an_spare_index(const struct fw_an_tile *t, uint32_t nsp,
				 uint32_t col)
{
	uint32_t i;

	for (i = 0; i < nsp; i++)
		if (t->spare_of[i] == col + 1)
			return (int32_t)i;
	return -1;
}

static uint32_t fw_an_nspares(const struct cim_fw *fw)
{
	return FW_MIN(fw->p.spare_cols, (uint32_t)FW_AN_MAX_SPARES);
}

uint32_t fw_an_target(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		      uint32_t col)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	int32_t s = fw_an_spare_index(t, fw_an_nspares(fw), col);

	if (s >= 0)
		return fw_an_spare_cells(fw, t, s)[row];
	return cim_hal_tile_cells(fw->hal, ptile)[(size_t)row * fw->p.cols +
						  col];
}

void fw_array_erase(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_tile *t;
	uint32_t c;

	if (ptile >= fw->p.tiles)
		return;
	t = fw_an_tile(fw, ptile);
	memset(cim_hal_tile_cells(fw->hal, ptile), 0,
	       (size_t)fw->p.rows * fw->p.cols);
	memset(fw_an_spare_cells(fw, t, 0), 0,
	       (size_t)fw_an_nspares(fw) * fw->p.rows);
	for (c = 0; c < fw->p.cols; c++) {
		fw_an_cal_b(fw, t)[c] = 0;
		fw_an_cal_inva(fw, t)[c] = 0;
	}
	/* A bad column stays bad: its spare keeps the column. */
	t->gen++;
	t->cal_loss_ppm = 0;
	t->st.flags = 0;
	/* the one P/E count of the tile: READ_WEAR, TEL_PE, the stats */
	cim_hal_tile_pe_inc(fw->hal, ptile);
	fw_charge_program(fw, 1);
}

/*
 * Move column col of the tile to a free spare, copying the cells it
 * already holds (but the one in row skip, being programmed).  0, or -1
 * when no spare is left.  *pulses accumulates the copy's pulses.
 */
static int fw_an_remap(struct cim_fw *fw, uint32_t ptile, uint32_t col,
		       uint32_t skip, uint64_t *pulses)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t nsp = fw_an_nspares(fw), cap = fw_an_pulse_cap(&fw->p);
	int32_t old = fw_an_spare_index(t, nsp, col);
	uint32_t i, r, v, p;
	uint8_t *dst;

	for (i = 0; i < nsp; i++) {
		if (t->spare_of[i])
			continue;
		if (old >= 0)
			t->spare_of[old] = FW_AN_SPARE_BAD;
		t->spare_of[i] = (uint16_t)(col + 1);
		t->st.spare_used++;
		dst = fw_an_spare_cells(fw, t, i);
		for (r = 0; r < fw->p.rows; r++) {
			if (r == skip)
				continue;
			v = old >= 0 ? fw_an_spare_cells(fw, t, old)[r] :
			    cim_hal_tile_cells(fw->hal, ptile)
				[(size_t)r * fw->p.cols + col];
			dst[r] = (uint8_t)v;
			p = fw->p.analog ?
			    fw_an_pulses(fw, ptile, r, fw->p.cols + i, v,
					 t->gen) : !!v;
			if (p > cap) {
				/* this spare is weak too: try the next */
				*pulses += cap;
				t->st.verify_failures++;
				break;
			}
			*pulses += p;
		}
		if (r == fw->p.rows)
			return 0;
		old = (int32_t)i;
	}
	if (old >= 0)
		t->spare_of[old] = FW_AN_SPARE_BAD;
	return -1;
}

/* One cell; 0 or -1 when it cannot verify and no spare is left. */
static int fw_an_program_cell(struct cim_fw *fw, uint32_t ptile,
			      uint32_t row, uint32_t col, uint32_t v,
			      uint32_t *row_pulses, uint64_t *extra)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t nsp = fw_an_nspares(fw), cap = fw_an_pulse_cap(&fw->p);
	size_t at = (size_t)row * fw->p.cols + col;
	uint32_t p, pcol, rd;
	int32_t s;

	/* The tile memory keeps the logical target, even when remapped. */
	cim_hal_tile_cells(fw->hal, ptile)[at] = (uint8_t)v;
	for (;;) {
		s = fw_an_spare_index(t, nsp, col);
		if (s < 0) {
			/* read back through the HAL: the array answers */
			rd = cim_hal_tile_cells(fw->hal, ptile)[at];
			pcol = col;
		} else {
			fw_an_spare_cells(fw, t, s)[row] = (uint8_t)v;
			rd = v;
			pcol = fw->p.cols + s;
		}
		p = fw->p.analog ? fw_an_pulses(fw, ptile, row, pcol, v, t->gen)
				 : !!v;
		if (rd == v && p <= cap) {
			if (p > *row_pulses)
				*row_pulses = p;
			t->st.program_pulses += p;
			return 0;
		}
		t->st.program_pulses += cap;
		*extra += cap;
		t->st.verify_failures++;
		if (fw_an_remap(fw, ptile, col, row, extra))
			return -1;
	}
}

int fw_array_program_row(struct cim_fw *fw, uint32_t ptile, uint32_t row,
			 uint32_t col0, const uint8_t *cells, uint32_t n)
{
	struct cim_tile_stats *ts;
	struct fw_an_tile *t;
	uint32_t i, row_pulses = 0;
	uint64_t extra = 0, ns;
	int ret = 0;

	if (ptile >= fw->p.tiles || row >= fw->p.rows ||
	    col0 > fw->p.cols || n > fw->p.cols - col0)
		return -CIM_ST_BAD_DESC;
	for (i = 0; i < n; i++)
		if (cells[i] > 15)
			return -CIM_ST_BAD_IMAGE;
	t = fw_an_tile(fw, ptile);
	for (i = 0; i < n && !ret; i++)
		if (fw_an_program_cell(fw, ptile, row, col0 + i, cells[i],
				       &row_pulses, &extra))
			ret = -CIM_ST_VERIFY_FAIL;
	t->st.flags |= CIM_TILE_AN_PROGRAMMED;

	/*
	 * The cells of a row take their pulses together; a column copied to
	 * a spare takes its pulses cell by cell.
	 */
	if (fw->p.analog && fw->p.pulse_ns)
		ns = (row_pulses + extra) * fw->p.pulse_ns;
	else
		ns = fw->p.program_row_ns;
	fw_charge_ns(fw, ns);
	ts = cim_hal_tile_stats(fw->hal, ptile);
	if (ts)
		ts->program_pulses += row_pulses + extra;
	t->st.programmed_ns = cim_hal_clock_now(fw->hal);
	return ret;
}

/* Which physical column serves each column of a chunk. */
static void fw_an_chunk_map(struct cim_fw *fw, struct fw_an_tile *t,
			    struct fw_an_card *cd, uint32_t col0, uint32_t n)
{
	uint32_t c, nsp = fw_an_nspares(fw);

	for (c = 0; c < n; c++) {
		cd->spare[c] = fw_an_spare_index(t, nsp, col0 + c);
		cd->pcol[c] = cd->spare[c] < 0 ? col0 + c :
			      fw->p.cols + (uint32_t)cd->spare[c];
	}
}

/* Exact integer column sums: the ideal card. */
static void fw_array_mvm_ideal(struct cim_fw *fw, uint32_t ptile,
			       uint32_t row0, uint32_t nrows, uint32_t col0,
			       uint32_t ncols, const int16_t *x,
			       int32_t *colsum)
{
	const uint8_t *cells = cim_hal_tile_cells(fw->hal, ptile);
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t nsp = fw_an_nspares(fw), r, c, s;
	const uint8_t *row;
	int32_t xv;

	memset(colsum, 0, ncols * sizeof(*colsum));
	for (r = 0; r < nrows; r++) {
		xv = x[r];
		if (!xv)
			continue;
		row = cells + (size_t)(row0 + r) * fw->p.cols + col0;
		for (c = 0; c < ncols; c++)
			colsum[c] += xv * row[c];
	}
	/* Remapped columns: replace what the tile memory said. */
	for (s = 0; s < nsp; s++) {
		c = t->spare_of[s] - 1u;
		if (!t->spare_of[s] || t->spare_of[s] == FW_AN_SPARE_BAD ||
		    c < col0 || c >= col0 + ncols)
			continue;
		colsum[c - col0] = 0;
		row = fw_an_spare_cells(fw, t, s) + row0;
		for (r = 0; r < nrows; r++)
			colsum[c - col0] += x[r] * row[r];
	}
}

void fw_array_colq(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t ncols,
		   int32_t *colq)
{
	struct fw_an_tile *t;
	const uint8_t *row;
	uint32_t r, c, s;

	memset(colq, 0, ncols * sizeof(*colq));
	if (ptile >= fw->p.tiles || row0 > fw->p.rows ||
	    nrows > fw->p.rows - row0 || col0 > fw->p.cols ||
	    ncols > fw->p.cols - col0)
		return;
	t = fw_an_tile(fw, ptile);
	/* the targets, as the ideal MVM reads them */
	for (r = 0; r < nrows; r++) {
		row = cim_hal_tile_cells(fw->hal, ptile) +
		      (size_t)(row0 + r) * fw->p.cols + col0;
		for (c = 0; c < ncols; c++)
			colq[c] += row[c];
	}
	/* remapped columns: their spare holds the targets */
	for (s = 0; s < fw_an_nspares(fw); s++) {
		c = t->spare_of[s] - 1u;
		if (!t->spare_of[s] || t->spare_of[s] == FW_AN_SPARE_BAD ||
		    c < col0 || c >= col0 + ncols)
			continue;
		colq[c - col0] = 0;
		row = fw_an_spare_cells(fw, t, s) + row0;
		for (r = 0; r < nrows; r++)
			colq[c - col0] += row[r];
	}
}

uint32_t fw_an_encoding(const int16_t *x, uint32_t n)
{
	int32_t lo = 0, hi = 0;
	uint32_t r;

	for (r = 0; r < n; r++) {
		lo = x[r] < lo ? x[r] : lo;
		hi = x[r] > hi ? x[r] : hi;
	}
	if (lo >= 0)
		return FW_AN_ENC_UNSIGNED;
	if (hi <= 0)
		return FW_AN_ENC_NEGATIVE;
	if (lo >= -128 && hi <= 127)
		return FW_AN_ENC_TWOS;
	return FW_AN_ENC_SIGNMAG;
}

uint32_t fw_an_drive(uint32_t enc, int32_t x)
{
	switch (enc) {
	case FW_AN_ENC_UNSIGNED:
		return (uint32_t)x & 0xff;
	case FW_AN_ENC_NEGATIVE:
		return (uint32_t)-x & 0xff;
	case FW_AN_ENC_TWOS:
		return (uint32_t)x & 0xff;
	default:
		return x >= 0 ? ((uint32_t)x & 0xff) :
		       ((uint32_t)-x & 0xff) << FW_AN_BITS;
	}
}

/* Weight of each plane's reading under encoding enc. */
static void fw_an_plane_weights(struct fw_an_card *cd, uint32_t enc)
{
	uint32_t b;

	for (b = 0; b < FW_AN_BITS; b++) {
		cd->w[b] = enc == FW_AN_ENC_NEGATIVE ? -(1 << b) : 1 << b;
		cd->w[FW_AN_BITS + b] = enc == FW_AN_ENC_SIGNMAG ?
					-(1 << b) : 0;
	}
	if (enc == FW_AN_ENC_TWOS)
		cd->w[FW_AN_BITS - 1] = -(1 << (FW_AN_BITS - 1));
	cd->enc = enc;
}

/*
 * The target the column c (of the chunk) holds in driven row r: the tile
 * memory, or the column's spare.
 */
static uint32_t fw_an_chunk_target(struct cim_fw *fw, struct fw_an_tile *t,
				   const struct fw_an_card *cd,
				   const uint8_t *row, uint32_t abs_row,
				   uint32_t c)
{
	return cd->spare[c] < 0 ? row[c] :
	       fw_an_spare_cells(fw, t, cd->spare[c])[abs_row];
}

/*
 * One conversion: the ADC window is +-fs around the reference the firmware
 * subtracted; a reading beyond it is over-range, and the firmware converts
 * again with the window doubled (new read noise), up to FW_AN_RANGE_STEPS
 * times, before taking the clipped code.  a0: the column value less the
 * reference, before read noise (q8).  The reading, q8, reference excluded.
 */
static int32_t fw_an_convert(struct cim_fw *fw, struct fw_an_tile *t,
			     struct fw_an_card *cd, int64_t a0, uint32_t fs,
			     uint32_t nz)
{
	uint32_t adc = fw->adc_bits, half, sqm, step;
	int64_t a, code;

	/* 1 bit: a comparator, codes -1 and 0 (sign of the difference) */
	adc = adc < 1 ? 1 : adc > 16 ? 16 : adc;
	half = 1u << (adc - 1);
	sqm = fw_an_isqrt((uint64_t)nz << 16);
	for (step = 0;; step++) {
		a = a0;
		if (fw->p.read_noise_q8)
			a += fw_an_gauss(fw_an_rand(cd, fw->p.seed),
					 (fw->p.read_noise_q8 * sqm) >> 8);
		if (a < (int64_t)fs && a >= -(int64_t)fs)
			break;
		if (step == FW_AN_RANGE_STEPS) {
			t->st.adc_clips++;
			code = a < 0 ? -(int64_t)half : half - 1;
			return (int32_t)((code * fs) >> (adc - 1));
		}
		t->st.adc_reranges++;
		/* the column's ADC converts once more: adc bit-cycles */
		fw->rerange_ps += (uint64_t)adc * fw->mvm_bit_ps;
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

void fw_an_measure(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		   uint32_t nrows, uint32_t col0, uint32_t n,
		   const int16_t *x)
{
	const uint8_t *cells = cim_hal_tile_cells(fw->hal, ptile);
	struct fw_an_card *cd = fw_an_card(fw);
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint32_t b, c, r, tv, u, bits, lf_q16, mean, sig, fs, ns, nzs;
	uint32_t nz, enc = fw_an_encoding(x, nrows);
	const uint8_t *row;
	int64_t ref;
	uint64_t var;
	int32_t g;

	lf_q16 = (uint32_t)fw_div_u64_u32((uint64_t)fw_an_tile_loss_ppm(fw,
					  ptile) << 16, 1000000u);
	fw_an_chunk_map(fw, t, cd, col0, n);
	memset(cd->acc, 0, sizeof(cd->acc));
	memset(cd->m, 0, sizeof(cd->m));
	memset(cd->ms, 0, sizeof(cd->ms));
	memset(cd->s1, 0, sizeof(cd->s1));
	memset(cd->s2, 0, sizeof(cd->s2));
	fw_an_plane_weights(cd, enc);

	/* each column's span: its first to its last programmed driven row */
	for (c = 0; c < n; c++) {
		cd->lo[c] = nrows;
		cd->hi[c] = 0;
	}
	for (r = 0; r < nrows; r++) {
		row = cells + (size_t)(row0 + r) * fw->p.cols + col0;
		for (c = 0; c < n; c++) {
			if (!fw_an_chunk_target(fw, t, cd, row, row0 + r, c))
				continue;
			if (cd->lo[c] == nrows)
				cd->lo[c] = r;
			cd->hi[c] = r;
		}
	}

	for (r = 0; r < nrows; r++) {
		u = fw_an_drive(enc, x[r]);	/* plane mask of the row */
		for (b = 0; b < FW_AN_PLANES; b++)
			cd->m[b] += (u >> b) & 1;
		row = cells + (size_t)(row0 + r) * fw->p.cols + col0;
		for (c = 0; c < n; c++) {
			tv = fw_an_chunk_target(fw, t, cd, row, row0 + r, c);
			cd->s1[c] += tv;
			cd->s2[c] += tv * tv;
			if (!u || r < cd->lo[c] || r > cd->hi[c])
				continue;
			for (b = 0, bits = u; bits; b++, bits >>= 1)
				cd->ms[b][c] += bits & 1;
			if (!tv)
				continue;
			g = fw_an_level(fw, ptile, row0 + r, cd->pcol[c], tv,
					t->gen, lf_q16);
			for (b = 0, bits = u; bits; b++, bits >>= 1)
				if (bits & 1)
					cd->acc[b][c] += g;
		}
	}

	for (c = 0; c < n; c++) {
		uint32_t gain = fw_an_col_gain_q16(fw, ptile, cd->pcol[c]);
		int32_t off = fw_an_col_offset_q8(fw, ptile, cd->pcol[c]);
		uint32_t inva = fw_an_cal_inva(fw, t)[col0 + c];
		int32_t cb = fw_an_cal_b(fw, t)[col0 + c];

		/* the column's mean level and spread over its span */
		ns = cd->lo[c] < nrows ? cd->hi[c] + 1 - cd->lo[c] : 0;
		mean = ns ? (cd->s1[c] << 8) / ns : 0;
		var = (uint64_t)ns * cd->s2[c] -
		      (uint64_t)cd->s1[c] * cd->s1[c];
		/*
		 * the column's mean level as programmed; once calibrated, as
		 * the column now reads (a * mean), which keeps a drifted
		 * column in the middle of its ADC window
		 */
		if (inva)
			mean = (uint32_t)(((uint64_t)mean *
					   fw_div_u64_u32(1ull << 32, inva)) >>
					  16);
		for (b = 0; b < FW_AN_PLANES; b++) {
			nz = cd->m[b];
			if (!nz) {
				cd->meas[b][c] = 0;
				continue;
			}
			nzs = cd->ms[b][c];
			/*
			 * Reference: the active rows of the span at the mean
			 * level (+ the calibrated offset of every active row);
			 * ADC window: +-k sigma of an nzs-row sum of the span's
			 * targets, >= 8 levels.
			 */
			ref = (int64_t)nzs * mean;
			if (inva)
				ref += ((int64_t)nz * cb) / 256;
			sig = ns ? (uint32_t)fw_div_u64_u32(
				(uint64_t)fw_an_isqrt((uint64_t)nzs * var) << 8,
				ns) : 0;
			fs = (uint32_t)(((uint64_t)sig *
					 fw->p.adc_fs_sigma_q4) >> 4);
			if (fs < 8 * 256)
				fs = 8 * 256;
			cd->meas[b][c] = fw_an_convert(fw, t, cd,
				(((int64_t)cd->acc[b][c] * gain) >> 16) - ref -
				(int64_t)nz * off, fs, nz) + (int32_t)ref;
		}
	}
}

static void fw_array_mvm_analog(struct cim_fw *fw, uint32_t ptile,
				uint32_t row0, uint32_t nrows, uint32_t col0,
				uint32_t ncols, const int16_t *x,
				int32_t *colsum)
{
	struct fw_an_card *cd = fw_an_card(fw);
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	const int32_t *cal_b = fw_an_cal_b(fw, t);
	const uint32_t *cal_inva = fw_an_cal_inva(fw, t);
	uint32_t c0, n, c, b, inva;
	int64_t sum, p;

	for (c0 = 0; c0 < ncols; c0 += n) {
		n = FW_MIN(ncols - c0, (uint32_t)FW_AN_CHUNK);
		fw_an_measure(fw, ptile, row0, nrows, col0 + c0, n, x);
		for (c = 0; c < n; c++) {
			inva = cal_inva[col0 + c0 + c];
			sum = 0;
			for (b = 0; b < FW_AN_PLANES; b++) {
				if (!cd->m[b])
					continue;	/* not converted */
				p = cd->meas[b][c];
				if (inva) {
					p -= ((int64_t)cal_b[col0 + c0 + c] *
					      cd->m[b]) / 256;
					p = (p * inva) / 65536;
				}
				sum += p * cd->w[b];
			}
			/* q8 to the integer the ideal card would give */
			colsum[c0 + c] = (int32_t)((sum + 128) >> 8);
		}
	}
}

void fw_array_mvm(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		  uint32_t nrows, uint32_t col0, uint32_t ncols,
		  const int16_t *x, int32_t *colsum)
{
	if (ptile >= fw->p.tiles || row0 > fw->p.rows ||
	    nrows > fw->p.rows - row0 || col0 > fw->p.cols ||
	    ncols > fw->p.cols - col0) {
		memset(colsum, 0, ncols * sizeof(*colsum));
		return;
	}
	if (fw->p.analog)
		fw_array_mvm_analog(fw, ptile, row0, nrows, col0, ncols, x,
				    colsum);
	else
		fw_array_mvm_ideal(fw, ptile, row0, nrows, col0, ncols, x,
				   colsum);
}
