// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The array operations of cim_fw_hal.h on the model: erase, program-and-
 * verify with column redundancy, read-back, exact MVM, column sums and
 * refresh.  The conversion pass of the analog array is model_convert.c.
 *
 * The cells hold the levels written to the logical columns; a column
 * moved to a spare keeps its cells (they are what the programming tried
 * to write) and is served by the spare's cells.
 */
#include "model_int.h"
#include "../fw_string.h"

static size_t model_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint32_t model_spares_of(const struct cim_card_params *p)
{
	return FW_MIN(p->spare_cols, (uint32_t)MODEL_MAX_SPARES);
}

static size_t model_tile_bytes(const struct cim_card_params *p)
{
	return model_align8(sizeof(struct model_tile) +
			    (size_t)model_spares_of(p) * p->rows);
}

size_t cim_model_cells_bytes(const struct cim_card_params *p)
{
	return (size_t)p->tiles * p->rows * p->cols;
}

size_t cim_model_state_bytes(const struct cim_card_params *p)
{
	return model_align8(sizeof(struct model_card)) +
	       (size_t)p->tiles * model_tile_bytes(p);
}

struct model_card *model_card(struct cim_model *m)
{
	return m->state;
}

struct model_tile *model_tile(struct cim_model *m, uint32_t tile)
{
	return (struct model_tile *)((uint8_t *)m->state +
		model_align8(sizeof(struct model_card)) +
		(size_t)tile * model_tile_bytes(&m->p));
}

uint8_t *model_spare_cells(struct cim_model *m, struct model_tile *t,
			   uint32_t spare)
{
	return (uint8_t *)(t + 1) + (size_t)spare * m->p.rows;
}

uint32_t model_nspares(const struct cim_model *m)
{
	return model_spares_of(&m->p);
}

void model_stuck(struct cim_model *m, uint32_t tile)
{
	if ((int)tile == m->stuck_tile)
		m->cells[(size_t)tile * m->p.rows * m->p.cols +
			 m->stuck_cell] = m->stuck_val;
}

uint8_t *model_tile_cells(struct cim_model *m, uint32_t tile)
{
	/* a stuck cell is back at its value whatever was written */
	model_stuck(m, tile);
	return m->cells + (size_t)tile * m->p.rows * m->p.cols;
}

int32_t model_spare_index(const struct cim_model *m,
			  const struct model_tile *t, uint32_t col)
{
	uint32_t i;

	for (i = 0; i < model_nspares(m); i++)
		if (t->spare_of[i] == col + 1)
			return (int32_t)i;
	return -1;
}

static int model_tile_ok(const struct cim_model *m, uint32_t tile)
{
	return tile < m->p.tiles;
}

void cim_hal_array_erase(struct cim_hal *h, uint32_t tile)
{
	struct cim_model *m = cim_hal_model(h);
	struct model_tile *t;

	if (!model_tile_ok(m, tile))
		return;
	t = model_tile(m, tile);
	memset(model_tile_cells(m, tile), 0, (size_t)m->p.rows * m->p.cols);
	memset(model_spare_cells(m, t, 0), 0,
	       (size_t)model_nspares(m) * m->p.rows);
	model_stuck(m, tile);
	/* a bad column stays bad: its spare keeps the column */
	t->gen++;
	t->wstamp++;
	t->programmed = 0;
	cim_hal_clock_advance(h, m->p.program_row_ns);
}

/*
 * Move column col of the tile to a free spare, copying the cells it
 * already holds (but the one in row skip, being programmed).  0, or -1
 * when no spare is left.  res->row_pulses takes the copy's pulses.
 */
static int model_remap(struct cim_model *m, uint32_t tile, uint32_t col,
		       uint32_t skip, struct cim_hal_prog *res)
{
	struct model_tile *t = model_tile(m, tile);
	uint32_t nsp = model_nspares(m), cap = model_pulse_cap(&m->p);
	int32_t old = model_spare_index(m, t, col);
	uint32_t i, r, v, p;
	uint8_t *dst;

	for (i = 0; i < nsp; i++) {
		if (t->spare_of[i])
			continue;
		if (old >= 0)
			t->spare_of[old] = MODEL_SPARE_BAD;
		t->spare_of[i] = (uint16_t)(col + 1);
		res->spares_taken++;
		dst = model_spare_cells(m, t, i);
		for (r = 0; r < m->p.rows; r++) {
			if (r == skip)
				continue;
			v = old >= 0 ? model_spare_cells(m, t, old)[r] :
			    model_tile_cells(m, tile)
				[(size_t)r * m->p.cols + col];
			dst[r] = (uint8_t)v;
			p = m->p.analog ?
			    model_pulses(&m->p, tile, r, m->p.cols + i, v,
					 t->gen) : !!v;
			if (p > cap) {
				/* this spare is weak too: try the next */
				res->row_pulses += cap;
				res->verify_failures++;
				break;
			}
			res->row_pulses += p;
		}
		if (r == m->p.rows)
			return 0;
		old = (int32_t)i;
	}
	if (old >= 0)
		t->spare_of[old] = MODEL_SPARE_BAD;
	return -1;
}

/* One cell; 0 or -1 when it cannot verify and no spare is left. */
static int model_program_cell(struct cim_model *m, uint32_t tile,
			      uint32_t row, uint32_t col, uint32_t v,
			      uint32_t *row_max, struct cim_hal_prog *res)
{
	struct model_tile *t = model_tile(m, tile);
	uint32_t cap = model_pulse_cap(&m->p), p, pcol, rd;
	size_t at = (size_t)row * m->p.cols + col;
	int32_t s;

	/* the cells of the logical column take the level, even if remapped */
	model_tile_cells(m, tile)[at] = (uint8_t)v;
	for (;;) {
		s = model_spare_index(m, t, col);
		if (s < 0) {
			/* verify reads the array back */
			rd = model_tile_cells(m, tile)[at];
			pcol = col;
		} else {
			model_spare_cells(m, t, (uint32_t)s)[row] = (uint8_t)v;
			rd = v;
			pcol = m->p.cols + (uint32_t)s;
		}
		p = m->p.analog ? model_pulses(&m->p, tile, row, pcol, v,
					       t->gen) : !!v;
		if (rd == v && p <= cap) {
			if (p > *row_max)
				*row_max = p;
			res->pulses += p;
			return 0;
		}
		res->pulses += cap;
		res->row_pulses += cap;
		res->verify_failures++;
		if (model_remap(m, tile, col, row, res))
			return -1;
	}
}

int cim_hal_array_program_row(struct cim_hal *h, uint32_t tile, uint32_t row,
			      uint32_t col0, const uint8_t *levels, uint32_t n,
			      struct cim_hal_prog *res)
{
	struct cim_model *m = cim_hal_model(h);
	uint32_t i, row_max = 0;
	struct model_tile *t;
	uint64_t ns;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!model_tile_ok(m, tile) || row >= m->p.rows ||
	    col0 > m->p.cols || n > m->p.cols - col0)
		return -1;
	t = model_tile(m, tile);
	for (i = 0; i < n && !ret; i++)
		ret = model_program_cell(m, tile, row, col0 + i, levels[i],
					 &row_max, res);
	model_stuck(m, tile);
	t->wstamp++;
	t->programmed = 1;
	/*
	 * The cells of a row take their pulses together; a column copied to
	 * a spare takes its pulses cell by cell.
	 */
	res->row_pulses += row_max;
	if (m->p.analog && m->p.pulse_ns)
		ns = res->row_pulses * m->p.pulse_ns;
	else
		ns = m->p.program_row_ns;
	cim_hal_clock_advance(h, ns);
	t->programmed_ns = cim_hal_clock_now(h);
	return ret;
}

void cim_hal_array_read(struct cim_hal *h, uint32_t tile, uint32_t row,
			uint32_t col0, uint32_t n, int raw, uint8_t *levels)
{
	struct cim_model *m = cim_hal_model(h);
	struct model_tile *t;
	const uint8_t *cells;
	uint32_t c;
	int32_t s;

	if (!model_tile_ok(m, tile) || row >= m->p.rows ||
	    col0 > m->p.cols || n > m->p.cols - col0) {
		memset(levels, 0, n);
		return;
	}
	t = model_tile(m, tile);
	cells = model_tile_cells(m, tile) + (size_t)row * m->p.cols + col0;
	memcpy(levels, cells, n);
	if (raw)
		return;
	for (c = 0; c < n; c++) {
		s = model_spare_index(m, t, col0 + c);
		if (s >= 0)
			levels[c] = model_spare_cells(m, t, (uint32_t)s)[row];
	}
}

static int model_range_ok(const struct cim_model *m, uint32_t tile,
			  uint32_t row0, uint32_t nrows, uint32_t col0,
			  uint32_t ncols)
{
	return model_tile_ok(m, tile) && row0 <= m->p.rows &&
	       nrows <= m->p.rows - row0 && col0 <= m->p.cols &&
	       ncols <= m->p.cols - col0;
}

/* Remapped columns in [col0, col0 + ncols): replace with the spare's. */
static void model_spare_sums(struct cim_model *m, uint32_t tile,
			     uint32_t row0, uint32_t nrows, uint32_t col0,
			     uint32_t ncols, const int16_t *x, int32_t *out)
{
	struct model_tile *t = model_tile(m, tile);
	const uint8_t *row;
	uint32_t r, c, s;

	for (s = 0; s < model_nspares(m); s++) {
		c = t->spare_of[s] - 1u;
		if (!t->spare_of[s] || t->spare_of[s] == MODEL_SPARE_BAD ||
		    c < col0 || c >= col0 + ncols)
			continue;
		out[c - col0] = 0;
		row = model_spare_cells(m, t, s) + row0;
		for (r = 0; r < nrows; r++)
			out[c - col0] += (x ? x[r] : 1) * row[r];
	}
}

/*
 * colsum[c] += sum_r x[r] * cells[r * stride + c], exactly.  A product
 * fits 16 bits (|x| <= 255, a cell <= 15: 3825) and so do the sums of
 * MODEL_MVM_ROWS16 of them (30600): the inner loop runs on 16-bit lanes,
 * which a compiler vectorizes, and spills to the 32-bit sums every
 * MODEL_MVM_ROWS16 driven rows.  Columns go in chunks that stay in L1.
 */
#define MODEL_MVM_ROWS16	8
#define MODEL_MVM_CHUNK		256

void model_mvm_rows(const uint8_t *cells, size_t stride, uint32_t nrows,
		    uint32_t ncols, const int16_t *x, int32_t *colsum)
{
	int16_t acc[MODEL_MVM_CHUNK];
	uint32_t c0, n, r, c, k;
	const uint8_t *row;
	int16_t xv;

#ifdef MODEL_HOST_SIMD
	if (model_mvm_rows_host(cells, stride, nrows, ncols, x, colsum))
		return;
#endif
	for (c0 = 0; c0 < ncols; c0 += n) {
		n = FW_MIN(ncols - c0, (uint32_t)MODEL_MVM_CHUNK);
		for (r = 0; r < nrows;) {
			memset(acc, 0, n * sizeof(acc[0]));
			for (k = 0; k < MODEL_MVM_ROWS16 && r < nrows; r++) {
				xv = x[r];
				if (!xv)
					continue;
				row = cells + r * stride + c0;
				for (c = 0; c < n; c++)
					acc[c] = (int16_t)(acc[c] +
						 xv * (int16_t)row[c]);
				k++;
			}
			for (c = 0; c < n; c++)
				colsum[c0 + c] += acc[c];
		}
	}
}

void cim_hal_array_mvm(struct cim_hal *h, uint32_t tile, uint32_t row0,
		       uint32_t nrows, uint32_t col0, uint32_t ncols,
		       const int16_t *x, int32_t *colsum)
{
	struct cim_model *m = cim_hal_model(h);
	const uint8_t *cells;

	memset(colsum, 0, ncols * sizeof(*colsum));
	if (!model_range_ok(m, tile, row0, nrows, col0, ncols))
		return;
	cells = model_tile_cells(m, tile) + (size_t)row0 * m->p.cols + col0;
#ifdef MODEL_HOST_SIMD
	if (m->stuck_tile < 0 &&
	    model_mvm_host(h, m, tile, row0, nrows, col0, ncols, x, colsum))
		cells = NULL;
#endif
	if (cells)
		model_mvm_rows(cells, m->p.cols, nrows, ncols, x, colsum);
	model_spare_sums(m, tile, row0, nrows, col0, ncols, x, colsum);
}

void cim_hal_array_colsum(struct cim_hal *h, uint32_t tile, uint32_t row0,
			  uint32_t nrows, uint32_t col0, uint32_t ncols,
			  int32_t *sum)
{
	struct cim_model *m = cim_hal_model(h);
	const uint8_t *row;
	uint32_t r, c, nloop = nrows;

	memset(sum, 0, ncols * sizeof(*sum));
	if (!model_range_ok(m, tile, row0, nrows, col0, ncols))
		return;
#ifdef MODEL_HOST_SIMD
	/* the spares below still need the block's real rows */
	if (m->stuck_tile < 0 &&
	    model_colsum_host(h, m, tile, row0, nrows, col0, ncols, sum))
		nloop = 0;
#endif
	for (r = 0; r < nloop; r++) {
		row = model_tile_cells(m, tile) +
		      (size_t)(row0 + r) * m->p.cols + col0;
		for (c = 0; c < ncols; c++)
			sum[c] += row[c];
	}
	model_spare_sums(m, tile, row0, nrows, col0, ncols, NULL, sum);
}

void cim_hal_array_refresh(struct cim_hal *h, uint32_t tile,
			   uint32_t keep_q16, struct cim_hal_refresh *res)
{
	struct cim_model *m = cim_hal_model(h);
	uint32_t nsp = model_nspares(m), lf_q16, r, c, s, v, rd, p, row_max;
	struct model_tile *t;
	uint8_t *cells, *cell;
	int32_t g;

	memset(res, 0, sizeof(*res));
	if (!model_tile_ok(m, tile))
		return;
	t = model_tile(m, tile);
	cells = model_tile_cells(m, tile);
	lf_q16 = (uint32_t)fw_div_u64_u32((uint64_t)model_tile_loss_ppm(h, m,
					  tile) << 16, 1000000u);
	for (r = 0; r < m->p.rows; r++) {
		row_max = 0;
		for (c = 0; c < m->p.cols + nsp; c++) {
			if (c < m->p.cols) {
				/* a remapped column lives in its spare */
				if (model_spare_index(m, t, c) >= 0)
					continue;
				cell = &cells[(size_t)r * m->p.cols + c];
			} else {
				s = c - m->p.cols;
				if (!t->spare_of[s] ||
				    t->spare_of[s] == MODEL_SPARE_BAD)
					continue;
				cell = &model_spare_cells(m, t, s)[r];
			}
			v = *cell;
			if (!v)
				continue;
			g = model_level(&m->p, tile, r, c, v, t->gen, lf_q16);
			rd = (((uint32_t)g << 16) / keep_q16 + 128) >> 8;
			rd = rd > 15 ? 15 : rd;
			if (rd != v) {
				res->misreads++;
				*cell = (uint8_t)rd;
			}
			/* one pulse per half level to top up, and a verify */
			p = 1 + (rd << 8 > (uint32_t)g ?
				 ((rd << 8) - (uint32_t)g) >> 7 : 0);
			res->pulses += p;
			row_max = p > row_max ? p : row_max;
		}
		res->row_pulses += row_max;
	}
	model_stuck(m, tile);
	cim_hal_clock_advance(h, res->row_pulses * m->p.pulse_ns);
	t->gen++;
	t->wstamp++;
	t->programmed_ns = cim_hal_clock_now(h);
}
