// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The flash arrays through fw_array.h, ideal and analog: bit-exactness,
 * read noise, program-and-verify and spare columns, calibration, drift
 * and refresh, the ADC; and the CALIBRATE / ANALOG_STATS descriptors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "fw_array.h"
#include "fw_analog.h"
#include "model/model_int.h"

#define AR	256		/* rows of the analog test card */
#define AC	48		/* columns */
#define NV	12		/* input vectors per error measurement */
#define DAY_NS	(86400ull * 1000000000ull)

struct acard {
	struct thost *t;
	struct cim_fw *fw;
	uint8_t q[AR][AC];	/* what was programmed */
};

static struct cim_card_params aparams(int analog)
{
	struct cim_card_params p;

	thal_default_params(&p);
	p.tiles = 3;
	p.rows = AR;
	p.cols = AC;
	if (analog) {
		cim_fw_analog_defaults(&p);
		p.analog = 1;
		p.weak_col_ppm = 0;
	}
	return p;
}

static struct acard *acard_new(const struct cim_card_params *p)
{
	struct acard *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->t = thost_new_card(p, THAL_PLAN_BYTES, 16, 16);
	a->fw = a->t->fw;
	return a;
}

static void acard_free(struct acard *a)
{
	thost_free(a->t);
	free(a);
}

/* Random cells into tile 1; asserts every row programs. */
static void acard_program(struct acard *a, uint32_t seed)
{
	uint32_t r, c;

	fw_array_erase(a->fw, 1);
	for (r = 0; r < AR; r++) {
		for (c = 0; c < AC; c++)
			a->q[r][c] = trand(&seed) & 15;
		assert_int_equal(fw_array_program_row(a->fw, 1, r, 0, a->q[r],
						      AC), 0);
	}
}

/* fw_array_mvm() of an int8 vector (the drive of a zero point of 0) */
static void mvm8(struct cim_fw *fw, uint32_t ptile, uint32_t row0,
		 uint32_t nrows, uint32_t col0, uint32_t ncols,
		 const int8_t *x, int32_t *colsum)
{
	int16_t u[AR];
	uint32_t r;

	for (r = 0; r < nrows; r++)
		u[r] = x[r];
	fw_array_mvm(fw, ptile, row0, nrows, col0, ncols, u, colsum);
}

static void ref_mvm(const struct acard *a, uint32_t row0, uint32_t nrows,
		    uint32_t col0, uint32_t ncols, const int8_t *x,
		    int32_t *out)
{
	uint32_t r, c;

	for (c = 0; c < ncols; c++) {
		out[c] = 0;
		for (r = 0; r < nrows; r++)
			out[c] += x[r] * a->q[row0 + r][col0 + c];
	}
}

/*
 * Adds what one input x (sum of its entries xs) read as got contributes:
 * the squared error against the ideal to *se, the squared ideal with the
 * weights centred to *ss.
 */
static void add_err(const struct acard *a, const int8_t *x, int32_t xs,
		    const int32_t *got, double *se, double *ss)
{
	int32_t want[AC];
	double d, s;
	uint32_t c;

	ref_mvm(a, 0, AR, 0, AC, x, want);
	for (c = 0; c < AC; c++) {
		d = got[c] - want[c];
		s = want[c] - 8.0 * xs;
		*se += d * d;
		*ss += s * s;
	}
}

/*
 * RMS of (analog - ideal) over NV random inputs, relative to the RMS of
 * the ideal column sums with the weights centred (w = q - 8).
 */
static double rel_err(struct acard *a, uint32_t seed)
{
	int8_t x[AR];
	int32_t got[AC];
	double se = 0, ss = 0;
	uint32_t v, r;
	int32_t xs;

	for (v = 0; v < NV; v++) {
		trand_fill(x, AR, seed + v);
		for (xs = 0, r = 0; r < AR; r++)
			xs += x[r];
		mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
		add_err(a, x, xs, got, &se, &ss);
	}
	return sqrt(se / ss);
}

static void test_ideal_bit_exact(void **state)
{
	struct cim_card_params p = aparams(0);
	struct acard *a;
	int8_t x[AR];
	int32_t got[AC], want[AC];
	uint32_t st = 9, i, row0, nrows, col0, ncols;
	uint64_t t0;

	(void)state;
	p.spare_cols = 2;
	a = acard_new(&p);
	t0 = a->t->hal->clock;
	acard_program(a, 3);
	/* an ideal row (and the erase) costs program_row_ns, as PROGRAM charges it */
	assert_int_equal(a->t->hal->clock - t0, (uint64_t)(AR + 1) * 10000);
	for (i = 0; i < 200; i++) {
		row0 = trand(&st) % AR;
		nrows = trand(&st) % (AR - row0 + 1);
		col0 = trand(&st) % AC;
		ncols = trand(&st) % (AC - col0 + 1);
		trand_fill(x, AR, i);
		mvm8(a->fw, 1, row0, nrows, col0, ncols, x, got);
		ref_mvm(a, row0, nrows, col0, ncols, x, want);
		assert_memory_equal(got, want, ncols * sizeof(*got));
	}
	/* a ideal card counts one pulse per programmed (non-erased) cell */
	assert_true(fw_an_tile(a->fw, 1)->st.program_pulses > AR * AC / 2);
	assert_true(fw_an_tile(a->fw, 1)->st.program_pulses <= AR * AC);
	assert_int_equal(a->t->hal->pe[1], 1);
	/* out of the array: zeros, no access outside */
	mvm8(a->fw, 1, AR - 1, 2, 0, AC, x, got);
	for (i = 0; i < AC; i++)
		assert_int_equal(got[i], 0);
	assert_int_equal(fw_array_program_row(a->fw, 1, AR, 0, a->q[0], 1),
			 -CIM_ST_BAD_DESC);
	assert_int_equal(fw_array_program_row(a->fw, 1, 0, AC - 1, a->q[0],
					      2), -CIM_ST_BAD_DESC);
	a->q[0][0] = 16;
	assert_int_equal(fw_array_program_row(a->fw, 1, 0, 0, a->q[0], 1),
			 -CIM_ST_BAD_IMAGE);
	acard_free(a);
}

/* A stuck cell on an ideal card: its column moves to a spare. */
static void test_ideal_stuck_cell_spare(void **state)
{
	struct cim_card_params p = aparams(0);
	struct acard *a;
	int8_t x[AR];
	int32_t got[AC], want[AC];
	uint32_t i;

	(void)state;
	p.spare_cols = 1;
	a = acard_new(&p);
	a->t->hal->stuck_tile = 1;
	a->t->hal->stuck_cell = 7 * AC + 11;	/* row 7, column 11 */
	a->t->hal->stuck_val = 15;
	acard_program(a, 77);
	if (a->q[7][11] == 15) {
		a->q[7][11] = 3;
		assert_int_equal(fw_array_program_row(a->fw, 1, 7, 0, a->q[7],
						      AC), 0);
	}
	assert_int_equal(fw_an_tile(a->fw, 1)->st.spare_used, 1);
	assert_true(fw_an_tile(a->fw, 1)->st.verify_failures >= 1);
	for (i = 0; i < 20; i++) {
		trand_fill(x, AR, 100 + i);
		mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
		ref_mvm(a, 0, AR, 0, AC, x, want);
		assert_memory_equal(got, want, sizeof(got));
	}
	acard_free(a);

	/* no spare: the row fails with VERIFY_FAIL */
	p.spare_cols = 0;
	a = acard_new(&p);
	a->t->hal->stuck_tile = 1;
	a->t->hal->stuck_cell = 11;
	a->t->hal->stuck_val = 15;
	memset(a->q[0], 2, AC);
	assert_int_equal(fw_array_program_row(a->fw, 1, 0, 0, a->q[0], AC),
			 -CIM_ST_VERIFY_FAIL);
	acard_free(a);
}

static void test_analog_noise_seeded(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a, *b, *c;
	int8_t x[AR];
	int32_t ga[AC], gb[AC], gc[AC], want[AC];
	double e;
	int diff_seed = 0, diff_again = 0;
	uint32_t i, j;

	(void)state;
	a = acard_new(&p);
	b = acard_new(&p);
	p.seed = 2;
	c = acard_new(&p);
	acard_program(a, 5);
	acard_program(b, 5);
	acard_program(c, 5);
	for (i = 0; i < 8; i++) {
		trand_fill(x, AR, 40 + i);
		mvm8(a->fw, 1, 0, AR, 0, AC, x, ga);
		mvm8(b->fw, 1, 0, AR, 0, AC, x, gb);
		mvm8(c->fw, 1, 0, AR, 0, AC, x, gc);
		/* same seed, same calls: the same numbers */
		assert_memory_equal(ga, gb, sizeof(ga));
		diff_seed += memcmp(ga, gc, sizeof(ga)) != 0;
		/* read noise: the same input reads differently again */
		mvm8(a->fw, 1, 0, AR, 0, AC, x, gb);
		diff_again += memcmp(ga, gb, sizeof(ga)) != 0;
		mvm8(b->fw, 1, 0, AR, 0, AC, x, gb);
		ref_mvm(a, 0, AR, 0, AC, x, want);
		for (j = 0; j < AC; j++)
			assert_true(labs((long)ga[j] - want[j]) < 4000);
	}
	assert_int_equal(diff_seed, 8);
	assert_true(diff_again >= 6);
	/* nonzero and bounded: a few percent of the signal */
	e = rel_err(a, 1000);
	assert_true(e > 0.002);
	assert_true(e < 0.08);
	acard_free(a);
	acard_free(b);
	acard_free(c);
}

static void test_program_pulses(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a;
	struct fw_an_tile *t;
	uint64_t t0, nz = 0;
	uint32_t r, c;

	(void)state;
	a = acard_new(&p);
	t0 = a->t->hal->clock;
	acard_program(a, 8);
	t = fw_an_tile(a->fw, 1);
	for (r = 0; r < AR; r++)
		for (c = 0; c < AC; c++)
			nz += !!a->q[r][c];
	/* ~2 coarse pulses per level plus 1..4 fine ones */
	assert_true(t->st.program_pulses > 8 * nz);
	assert_true(t->st.program_pulses < 40 * nz);
	/* a row takes its slowest cell's pulses */
	assert_true(a->t->hal->clock - t0 >= (uint64_t)AR * 20 * p.pulse_ns);
	assert_true(a->t->hal->clock - t0 <= (uint64_t)AR * p.pulse_cap *
					     p.pulse_ns);
	assert_int_equal(t->st.programmed_ns, a->t->hal->clock);
	assert_true(t->st.flags & CIM_TILE_AN_PROGRAMMED);
	assert_int_equal(a->t->hal->pe[1], 1);
	assert_int_equal(t->st.spare_used, 0);
	acard_program(a, 8);
	assert_int_equal(a->t->hal->pe[1], 2);
	acard_free(a);
}

static void test_weak_column(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a, *ok;
	struct fw_an_tile *t;
	int8_t x[AR];
	int32_t got[AC], want[AC];
	double e5 = 0, eo = 0, d;
	uint32_t v, c;

	(void)state;
	p.weak_col = ((1u << 16) | 5) + 1;	/* tile 1, column 5 */
	p.spare_cols = 2;
	a = acard_new(&p);
	acard_program(a, 21);
	t = fw_an_tile(a->fw, 1);
	assert_int_equal(t->st.spare_used, 1);
	assert_true(t->st.verify_failures >= 1);
	assert_int_equal(model_tile(&a->t->hal->model, 1)->spare_of[0], 6);
	/* the spare serves column 5 as well as any other column */
	for (v = 0; v < NV; v++) {
		trand_fill(x, AR, 300 + v);
		mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
		ref_mvm(a, 0, AR, 0, AC, x, want);
		for (c = 0; c < AC; c++) {
			d = (double)got[c] - want[c];
			if (c == 5)
				e5 += d * d;
			else
				eo += d * d / (AC - 1);
		}
	}
	assert_true(e5 < 6 * eo);

	/* low levels verify even in a weak column: no remap */
	ok = acard_new(&p);
	fw_array_erase(ok->fw, 1);
	memset(ok->q[0], 3, AC);
	assert_int_equal(fw_array_program_row(ok->fw, 1, 0, 0, ok->q[0], AC),
			 0);
	assert_int_equal(fw_an_tile(ok->fw, 1)->st.spare_used, 0);
	acard_free(ok);
	acard_free(a);

	/* no spare: the load must fail */
	p.spare_cols = 0;
	a = acard_new(&p);
	fw_array_erase(a->fw, 1);
	memset(a->q[0], 9, AC);
	assert_int_equal(fw_array_program_row(a->fw, 1, 0, 0, a->q[0], AC),
			 -CIM_ST_VERIFY_FAIL);
	assert_true(fw_an_tile(a->fw, 1)->st.verify_failures >= 1);
	acard_free(a);

	/* both spares weak too: the tile runs out of spares */
	p.spare_cols = 2;
	p.weak_col_ppm = 1000000;
	a = acard_new(&p);
	fw_array_erase(a->fw, 1);
	memset(a->q[0], 9, AC);
	assert_int_equal(fw_array_program_row(a->fw, 1, 0, 0, a->q[0], AC),
			 -CIM_ST_VERIFY_FAIL);
	acard_free(a);
}

static void test_calibration(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a;
	double before, after;

	(void)state;
	p.gain_sigma_ppm = 50000;
	p.offset_q8 = 40;
	a = acard_new(&p);
	acard_program(a, 12);
	before = rel_err(a, 500);
	fw_calibrate_tile(a->fw, 1);
	after = rel_err(a, 500);
	assert_true(fw_an_tile(a->fw, 1)->st.flags & CIM_TILE_AN_CALIBRATED);
	assert_int_equal(fw_an_tile(a->fw, 1)->st.calibrations, 1);
	assert_true(after < 0.5 * before);
	/* calibrating again (warm) keeps the gain */
	fw_calibrate_tile(a->fw, 1);
	assert_true(rel_err(a, 500) < 0.6 * before);
	acard_free(a);
}

/*
 * Range calibration (adc_cal_sigma_q4): CALIBRATE sizes each column's
 * ADC window from its measured spread and the rows each conversion
 * drives.  The same card (same seed, cells, inputs) with it off and on:
 * the windows are set only when on, erase clears them, and the error
 * against the ideal card is lower with them, at 8 and at 6 ADC bits.
 */
static double range_err(uint32_t k_q4, uint32_t bits, int check)
{
	struct cim_card_params p = aparams(1);
	struct fw_an_tile *t;
	struct acard *a;
	uint32_t c, set = 0;
	double e;

	p.adc_bits = bits;
	p.adc_cal_sigma_q4 = k_q4;
	a = acard_new(&p);
	acard_program(a, 31);
	fw_calibrate_tile(a->fw, 1);
	t = fw_an_tile(a->fw, 1);
	for (c = 0; c < AC; c++)
		set += fw_an_cal_win(a->fw, t)[c] != 0;
	assert_int_equal(set, k_q4 ? AC : 0);
	for (c = 0; c < AC && k_q4; c++) {
		/* window scale^2 near 1: gain 1 +- 2 %, small noise */
		assert_in_range(fw_an_cal_win(a->fw, t)[c], 52000, 80000);
	}
	e = rel_err(a, 700);
	if (check) {
		fw_array_erase(a->fw, 1);
		for (c = 0; c < AC; c++)
			assert_int_equal(fw_an_cal_win(a->fw, t)[c], 0);
	}
	acard_free(a);
	return e;
}

static void test_range_calibration(void **state)
{
	static const uint32_t bits[] = { 8, 6 };
	double off, on;
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		off = range_err(0, bits[i], 0);
		on = range_err(48, bits[i], 1);
		print_message("range calibration, %u-bit ADC: relative error %.4f off, %.4f on\n",
			      bits[i], off, on);
		assert_true(on < 0.95 * off);
	}
}

/*
 * A sparsely programmed tile (the first 16 rows; the other 240 erased):
 * CALIBRATE measures each column's reference error on erased rows alone
 * (no signal there), then its gain through the origin.  b must be the
 * column's -delta, a its gain (times the cells' mean residual error).
 */
static void test_calibration_erased_rows(void **state)
{
	struct cim_card_params p = aparams(1);
	struct fw_an_tile *t;
	struct acard *a;
	uint8_t row[AC];
	uint32_t r, c, seed = 77;
	double b, want_b, g, ga, worst_b = 0, worst_a = 0;

	(void)state;
	a = acard_new(&p);
	t = fw_an_tile(a->fw, 1);
	fw_array_erase(a->fw, 1);
	for (r = 0; r < 16; r++) {
		for (c = 0; c < AC; c++)
			row[c] = trand(&seed) & 15;
		assert_int_equal(fw_array_program_row(a->fw, 1, r, 0, row, AC),
				 0);
	}
	fw_calibrate_tile(a->fw, 1);
	for (c = 0; c < AC; c++) {
		b = fw_an_cal_b(a->fw, t)[c] / 65536.0;
		want_b = -model_col_offset_q8(&a->fw->p, 1, c) / 256.0;
		g = model_col_gain_q16(&a->fw->p, 1, c) / 65536.0;
		ga = 65536.0 / fw_an_cal_inva(a->fw, t)[c];
		worst_b = fmax(worst_b, fabs(b - want_b));
		worst_a = fmax(worst_a, fabs(ga / g - 1));
	}
	/*
	 * seeded: 0.0012 level and 0.56 %; the joint fit of a and b over
	 * the programmed rows alone gave 0.079 level and 0.97 %
	 */
	assert_true(worst_b < 0.003);
	assert_true(worst_a < 0.015);
	acard_free(a);
}

static void test_drift_and_reprogram(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a;
	struct fw_an_tile *t;
	double e0, e1, e2, e3;
	uint32_t loss1, loss2;
	uint64_t pulses;

	(void)state;
	a = acard_new(&p);
	acard_program(a, 31);
	t = fw_an_tile(a->fw, 1);
	e0 = rel_err(a, 700);
	assert_int_equal(fw_an_tile_loss_ppm(a->fw, 1), 0);
	cim_hal_clock_advance(a->t->hal, DAY_NS);
	e1 = rel_err(a, 700);
	loss1 = fw_an_tile_loss_ppm(a->fw, 1);
	cim_hal_clock_advance(a->t->hal, 364 * DAY_NS);
	e2 = rel_err(a, 700);
	loss2 = fw_an_tile_loss_ppm(a->fw, 1);
	assert_true(loss1 > 15000 && loss1 < 25000);	/* ~1.94 decades */
	assert_true(loss2 > 40000 && loss2 < 50000);	/* ~4.5 decades */
	assert_true(e1 > 1.1 * e0);
	assert_true(e2 > 1.4 * e1);

	/* policy off: nothing happens however old */
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.refreshes, 0);

	thal_wr(a->t->hal, CIM_REG_REFRESH_POLICY, CIM_REFRESH_REPROGRAM);
	thal_wr(a->t->hal, CIM_REG_REFRESH_THRESH, 30000);
	pulses = a->t->hal->tstats[1].program_pulses;
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.refreshes, 1);
	assert_int_equal(t->st.misreads, 0);
	assert_int_equal(a->t->hal->pe[1], 1);		/* top-up, no erase */
	/* the top-up pulses are the tile's too */
	assert_true(a->t->hal->tstats[1].program_pulses > pulses);
	assert_int_equal(fw_an_tile_loss_ppm(a->fw, 1), 0);
	e3 = rel_err(a, 700);
	/* e0 0.048, a year 0.095, reprogrammed 0.048 (seeded) */
	assert_true(e3 < 0.6 * e2);
	assert_true(e3 < 1.5 * e0);
	/* fresh again: below the threshold, no second refresh */
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.refreshes, 1);
	/* the threshold is the estimated loss: a day is below 3 % */
	cim_hal_clock_advance(a->t->hal, DAY_NS);
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.refreshes, 1);
	cim_hal_clock_advance(a->t->hal, 60 * DAY_NS);
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.refreshes, 2);
	acard_free(a);
}

static void test_refresh_recalibrate(void **state)
{
	struct cim_card_params p = aparams(1);
	struct acard *a;
	struct fw_an_tile *t;
	double e2, e3;

	(void)state;
	a = acard_new(&p);
	acard_program(a, 41);
	t = fw_an_tile(a->fw, 1);
	thal_wr(a->t->hal, CIM_REG_REFRESH_POLICY, CIM_REFRESH_RECALIBRATE);
	thal_wr(a->t->hal, CIM_REG_REFRESH_THRESH, 0);	/* default 2 % */
	cim_hal_clock_advance(a->t->hal, DAY_NS / 24);
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.recalibrations, 0);
	cim_hal_clock_advance(a->t->hal, 365 * DAY_NS);
	e2 = rel_err(a, 900);
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.recalibrations, 1);
	assert_int_equal(t->st.refreshes, 0);
	assert_true(t->cal_loss_ppm > 40000);
	e3 = rel_err(a, 900);
	assert_true(e3 < 0.7 * e2);
	fw_refresh_poll(a->fw);
	assert_int_equal(t->st.recalibrations, 1);
	acard_free(a);
}

/* Column c: 15 on rows r with r + c even, else 0; x drives the even rows. */
static void clip_card(struct acard *a, int8_t *x)
{
	uint32_t r, c;

	fw_array_erase(a->fw, 1);
	for (r = 0; r < AR; r++) {
		for (c = 0; c < AC; c++)
			a->q[r][c] = (r + c) & 1 ? 0 : 15;
		assert_int_equal(fw_array_program_row(a->fw, 1, r, 0, a->q[r],
						      AC), 0);
		x[r] = r & 1 ? 0 : 127;
	}
}

/*
 * Column sums far outside the ADC window are over-range: the firmware
 * converts again with the window doubled (adc_reranges) and gets them
 * right; beyond MODEL_RANGE_STEPS doublings they clip (adc_clips).
 */
static void test_adc_clipping(void **state)
{
	struct cim_card_params p = aparams(1);
	struct fw_an_tile *t;
	struct acard *a;
	int8_t x[AR];
	int32_t got[AC], want[AC];
	uint64_t r0, ps0;
	double e6, e8;

	(void)state;
	p.read_noise_q8 = 0;
	/* column 0 reads 128 x 7.5 levels above its mean: ~11 sigma */
	a = acard_new(&p);
	t = fw_an_tile(a->fw, 1);
	clip_card(a, x);
	r0 = t->st.adc_reranges;
	ps0 = a->fw->rerange_ps;
	mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
	ref_mvm(a, 0, AR, 0, AC, x, want);
	assert_true(t->st.adc_reranges >= 7);	/* the 7 planes of 127 */
	assert_int_equal(t->st.adc_clips, 0);
	/* each repeat is charged one more conversion */
	assert_true(a->fw->mvm_bit_ps > 0);
	assert_int_equal(a->fw->rerange_ps - ps0,
			 (t->st.adc_reranges - r0) * a->fw->adc_bits *
			 a->fw->mvm_bit_ps);
	assert_true(fabs(got[0] - (double)want[0]) < want[0] * 0.05);
	acard_free(a);

	/* a window of 1/4 sigma: 2 sigma after three doublings, clipped */
	p.adc_fs_sigma_q4 = 4;
	a = acard_new(&p);
	t = fw_an_tile(a->fw, 1);
	clip_card(a, x);
	mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
	ref_mvm(a, 0, AR, 0, AC, x, want);
	assert_true(t->st.adc_clips >= 7);
	assert_true(t->st.adc_reranges >= 7 * MODEL_RANGE_STEPS);
	/* clipped at the top of the window: reads far too low */
	assert_true(got[0] < want[0] * 0.8);
	acard_free(a);

	/* +-64 sigma: no over-range at all */
	p.adc_fs_sigma_q4 = 16 * 64;
	a = acard_new(&p);
	t = fw_an_tile(a->fw, 1);
	clip_card(a, x);
	mvm8(a->fw, 1, 0, AR, 0, AC, x, got);
	ref_mvm(a, 0, AR, 0, AC, x, want);
	assert_int_equal(t->st.adc_clips, 0);
	assert_int_equal(t->st.adc_reranges, 0);
	assert_true(fabs(got[0] - (double)want[0]) < want[0] * 0.05);
	acard_free(a);

	/* fewer ADC bits, more error */
	p = aparams(1);
	p.adc_bits = 6;
	a = acard_new(&p);
	acard_program(a, 51);
	e6 = rel_err(a, 50);
	acard_free(a);
	p.adc_bits = 8;
	a = acard_new(&p);
	acard_program(a, 51);
	e8 = rel_err(a, 50);
	acard_free(a);
	assert_true(e6 > 1.3 * e8);
}

static void test_model_math(void **state)
{
	struct cim_card_params p = aparams(1);
	uint32_t st = 3, i, prev = 0, l;
	uint64_t v, age;
	int64_t n, d;
	double want;

	(void)state;
	for (i = 0; i < 2000; i++) {
		v = (uint64_t)trand(&st) << (trand(&st) % 33);
		assert_int_equal(model_isqrt(v), (uint32_t)sqrtl((long double)v));
		n = (int64_t)((uint64_t)trand(&st) << 31 | trand(&st)) *
		    (trand(&st) & 1 ? 1 : -1);
		d = (int64_t)(trand(&st) >> (trand(&st) % 31)) + 1;
		d = trand(&st) & 1 ? d : -d;
		assert_true(fw_an_div_s64(n, d) == n / d);
	}
	assert_int_equal(fw_an_loss_ppm(&p, 0), 0);
	for (age = 1000; age < 1ull << 60; age *= 3) {
		l = fw_an_loss_ppm(&p, age);
		want = p.drift_ppm * log10(1 + age / 1e12);
		assert_true(fabs(l - want) <= 2 + want * 0.002);
		assert_true(l >= prev);
		prev = l;
	}
}

static struct thost *analog_host(void)
{
	struct cim_card_params p = aparams(1);
	struct thost *t = thost_new_card(&p, THAL_PLAN_BYTES, 16, 16);

	thost_start(t);
	return t;
}

/*
 * A layer whose input zero point is -128 (every layer after a ReLU), most
 * activations zero (x = -128).  Driving the raw x makes every zero row
 * active in the top bit plane (weight -128); the executor's offset drive
 * u = x + 128 leaves them undriven and adds -128 * sum q digitally.  RMS
 * error of sum x (q - 8) against the ideal, in units of the ideal's RMS.
 */
static double zp_err(struct acard *a, int offset, uint32_t seed)
{
	int16_t u[AR];
	int8_t x[AR];
	int32_t got[AC], colq[AC];
	double se = 0, ss = 0;
	uint32_t v, c, r, h;
	int32_t xs;

	for (v = 0; v < NV; v++) {
		xs = 0;
		for (r = 0; r < AR; r++) {
			h = trand(&seed);
			x[r] = h % 5 ? -128 : (int8_t)(h >> 8);
			u[r] = (int16_t)(offset ? x[r] + 128 : x[r]);
			xs += x[r];
		}
		fw_array_mvm(a->fw, 1, 0, AR, 0, AC, u, got);
		if (offset) {
			fw_array_colq(a->fw, 1, 0, AR, 0, AC, colq);
			for (c = 0; c < AC; c++)
				got[c] += -128 * colq[c];
		}
		add_err(a, x, xs, got, &se, &ss);
	}
	return sqrt(se / ss);
}

static void test_offset_drive(void **state)
{
	struct cim_card_params p = aparams(0);
	struct acard *a = acard_new(&p);
	double e_raw, e_off, e_cal;

	(void)state;
	/* ideal: both drives are exact */
	acard_program(a, 71);
	assert_true(zp_err(a, 0, 5) == 0.0);
	assert_true(zp_err(a, 1, 5) == 0.0);
	acard_free(a);

	/*
	 * Analog, measured with seed 1: uncalibrated (column gain and
	 * offset errors act on -128 * sum q) raw 0.264 / offset 0.067;
	 * calibrated 0.0065 / 0.0042; a month of drift after calibration
	 * (a common gain error) 0.406 / 0.105.  With the array's default
	 * ADC window (range calibration off); then with it on.
	 */
	p = aparams(1);
	p.adc_cal_sigma_q4 = 0;
	a = acard_new(&p);
	acard_program(a, 71);
	e_raw = zp_err(a, 0, 5);
	e_off = zp_err(a, 1, 5);
	assert_true(e_raw > 0.2 && e_off < 0.1);
	fw_calibrate_tile(a->fw, 1);
	e_raw = zp_err(a, 0, 5);
	e_off = zp_err(a, 1, 5);
	assert_true(e_off < 0.005 && e_off < 0.75 * e_raw);
	e_cal = e_off;
	cim_hal_clock_advance(a->t->hal, 30 * DAY_NS);
	e_raw = zp_err(a, 0, 5);
	e_off = zp_err(a, 1, 5);
	assert_true(e_raw > 0.3 && e_off < 0.15);
	acard_free(a);

	/*
	 * Range calibration sizes the windows for the rows each plane
	 * drives: both drives gain (measured 0.0041 / 0.0037), the offset
	 * drive stays the better one.
	 */
	p = aparams(1);
	a = acard_new(&p);
	acard_program(a, 71);
	fw_calibrate_tile(a->fw, 1);
	e_raw = zp_err(a, 0, 5);
	e_off = zp_err(a, 1, 5);
	assert_true(e_off < e_cal && e_off < e_raw);
	acard_free(a);
}

/*
 * CALIB_REPORT: the column error CALIBRATE measured on fresh vectors
 * with the trims it found and with the new ones.  A fresh tile (no
 * trims, 5 % gains, large offsets) reads far worse before than after; a
 * second CALIBRATE starts from trims about as good as it ends with.
 */
static void test_calib_report(void **state)
{
	struct cim_card_params p = aparams(1);
	struct cim_calib_tile_report *r;
	struct thost *t;
	struct cim_desc d;
	uint16_t *map;
	uint8_t row[AC];
	uint32_t i, c, first_after;

	(void)state;
	p.gain_sigma_ppm = 50000;
	p.offset_q8 = 40;
	t = thost_new_card(&p, THAL_PLAN_BYTES, 16, 16);
	thost_start(t);
	fw_array_erase(t->fw, 1);
	for (i = 0; i < AR; i++) {
		for (c = 0; c < AC; c++)
			row[c] = (uint8_t)(fw_an_hash(3, i, c, 0, 0) % 16);
		assert_int_equal(fw_array_program_row(t->fw, 1, i, 0, row, AC),
				 0);
	}
	map = thost_alloc(t, 2 * sizeof(*map), 1);
	map[0] = 1;
	map[1] = 0;
	r = thost_alloc(t, 2 * sizeof(*r), 1);
	memset(&d, 0, sizeof(d));
	d.map_addr = (uintptr_t)map;
	d.map_count = 2;

	/* never calibrated: all zero */
	d.opcode = CIM_OPC_CALIB_REPORT;
	thost_ref(t, &d.dst, r, 2 * sizeof(*r));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(r[0].calibrated_ns, 0);
	assert_int_equal(r[0].err_after_q8, 0);

	d.opcode = CIM_OPC_CALIBRATE;
	d.map_count = 1;
	memset(&d.dst, 0, sizeof(d.dst));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	d.opcode = CIM_OPC_CALIB_REPORT;
	d.map_count = 2;
	thost_ref(t, &d.dst, r, 2 * sizeof(*r));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	print_message("calibration check: rms column error %.2f -> %.2f levels (%u columns, %u conversions)\n",
		      r[0].err_before_q8 / 256.0, r[0].err_after_q8 / 256.0,
		      r[0].columns, r[0].samples);
	assert_true(r[0].calibrated_ns > 0);
	assert_int_equal(r[0].columns, AC);
	assert_true(r[0].samples >= FW_AN_CAL_CHECK_VECTORS * AC);
	assert_true(r[0].err_after_q8 > 0);
	assert_true(r[0].err_after_q8 * 2 < r[0].err_before_q8);
	assert_true(r[0].flags & CIM_TILE_AN_CALIBRATED);
	/* tile 0 was not in the map */
	assert_int_equal(r[1].calibrated_ns, 0);
	first_after = r[0].err_after_q8;

	/* again: the old trims are already good */
	d.opcode = CIM_OPC_CALIBRATE;
	d.map_count = 1;
	memset(&d.dst, 0, sizeof(d.dst));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	d.opcode = CIM_OPC_CALIB_REPORT;
	thost_ref(t, &d.dst, r, sizeof(*r));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_true(r[0].err_before_q8 < 2 * first_after);
	assert_true(r[0].err_after_q8 < 2 * first_after);

	/* a short buffer */
	d.dst.length = sizeof(*r) - 1;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	thost_free(t);
}

static void test_calibrate_descriptor(void **state)
{
	struct thost *t = analog_host();
	struct cim_analog_tile_stats *st;
	struct cim_desc d;
	struct cim_cpl c;
	uint16_t *map;
	uint8_t row[AC];
	uint32_t r;

	(void)state;
	memset(row, 7, sizeof(row));
	fw_array_erase(t->fw, 2);
	for (r = 0; r < AR; r++)
		assert_int_equal(fw_array_program_row(t->fw, 2, r, 0, row, AC),
				 0);

	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_CALIBRATE;
	d.tag = 5;
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(c.tag, 5);
	/* a tile MVM per test vector */
	assert_true(c.device_time_ns >= FW_AN_CAL_VECTORS * 4000ull);

	st = thost_alloc(t, 3 * sizeof(*st), 1);
	d.opcode = CIM_OPC_ANALOG_STATS;
	thost_ref(t, &d.dst, st, 3 * sizeof(*st));
	c = thost_exec(t, &d);
	assert_int_equal(c.status, CIM_ST_OK);
	assert_int_equal(st[2].flags,
			 CIM_TILE_AN_PROGRAMMED | CIM_TILE_AN_CALIBRATED);
	assert_int_equal(st[2].calibrations, 1);
	assert_int_equal(st[2].pe_cycles, 1);
	assert_true(st[2].program_pulses > 0);
	/* unprogrammed tiles are skipped by a map-less CALIBRATE */
	assert_int_equal(st[0].flags, 0);
	assert_int_equal(st[0].calibrations, 0);

	/* one tile by map; stats of it alone */
	map = thost_alloc(t, sizeof(*map), 1);
	map[0] = 0;
	d.opcode = CIM_OPC_CALIBRATE;
	d.map_addr = (uintptr_t)map;
	d.map_count = 1;
	memset(&d.dst, 0, sizeof(d.dst));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	d.opcode = CIM_OPC_ANALOG_STATS;
	thost_ref(t, &d.dst, st, sizeof(*st));
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(st[0].calibrations, 1);

	/* a tile the card does not have, a short buffer, unknown opcode */
	map[0] = 3;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	d.opcode = CIM_OPC_CALIBRATE;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	d.opcode = CIM_OPC_ANALOG_STATS;
	d.map_count = 0;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	d.opcode = CIM_OPC_ANALOG_STATS + 1;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_BAD_DESC);
	assert_int_equal(t->hal->bad_reg_writes, 0);
	thost_free(t);
}

/* The refresh runs from the poll loop, between descriptors. */
static void test_refresh_from_poll(void **state)
{
	struct thost *t = analog_host();
	struct cim_desc d;
	uint8_t row[AC];
	uint32_t r;

	(void)state;
	memset(row, 12, sizeof(row));
	fw_array_erase(t->fw, 0);
	for (r = 0; r < AR; r++)
		assert_int_equal(fw_array_program_row(t->fw, 0, r, 0, row, AC),
				 0);
	thal_wr(t->hal, CIM_REG_REFRESH_POLICY, CIM_REFRESH_REPROGRAM);
	cim_hal_clock_advance(t->hal, 30 * DAY_NS);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_NOP;
	assert_int_equal(thost_exec(t, &d).status, CIM_ST_OK);
	assert_int_equal(fw_an_tile(t->fw, 0)->st.refreshes, 1);
	assert_int_equal(fw_an_tile(t->fw, 0)->st.misreads, 0);
	assert_int_equal(fw_an_tile(t->fw, 1)->st.refreshes, 0);
	thost_free(t);
}

/*
 * ADC_BITS_CFG: the resolution in use is latched when a descriptor
 * starts; fewer bits digitize more coarsely and convert faster.
 */
static void test_adc_bits_cfg(void **state)
{
	struct cim_card_params p = aparams(1);
	struct cim_desc d;
	struct acard *a;
	double e8, e4, e8b;
	uint64_t t8, t4;

	(void)state;
	p.read_noise_q8 = 0;	/* errors that do not depend on the draw */
	a = acard_new(&p);
	thost_start(a->t);
	acard_program(a, 61);
	memset(&d, 0, sizeof(d));
	d.opcode = CIM_OPC_NOP;
	assert_int_equal(a->fw->adc_bits, 8);
	e8 = rel_err(a, 70);
	t8 = fw_mvm_ps(a->fw, AR, AC);

	/* written, but not in use until the next descriptor */
	thal_wr(a->t->hal, CIM_REG_ADC_BITS_CFG, 4);
	assert_int_equal(a->fw->adc_bits, 8);
	assert_int_equal(thost_exec(a->t, &d).status, CIM_ST_OK);
	assert_int_equal(a->fw->adc_bits, 4);
	e4 = rel_err(a, 70);
	t4 = fw_mvm_ps(a->fw, AR, AC);
	assert_true(e4 > 2 * e8);
	/* SAR conversions: half the bit-cycles */
	assert_int_equal(t4 - p.mvm_fixed_ns * 1000,
			 (t8 - p.mvm_fixed_ns * 1000) / 2);

	/* more than the ADC has, or 0: the full resolution */
	thal_wr(a->t->hal, CIM_REG_ADC_BITS_CFG, 12);
	assert_int_equal(thost_exec(a->t, &d).status, CIM_ST_OK);
	assert_int_equal(a->fw->adc_bits, 8);
	thal_wr(a->t->hal, CIM_REG_ADC_BITS_CFG, 0);
	assert_int_equal(thost_exec(a->t, &d).status, CIM_ST_OK);
	assert_int_equal(a->fw->adc_bits, 8);
	e8b = rel_err(a, 70);
	assert_true(e8b == e8);
	assert_int_equal(fw_mvm_ps(a->fw, AR, AC), t8);

	/* one bit still converts (a comparator), coarsest of all */
	thal_wr(a->t->hal, CIM_REG_ADC_BITS_CFG, 1);
	assert_int_equal(thost_exec(a->t, &d).status, CIM_ST_OK);
	assert_int_equal(a->fw->adc_bits, 1);
	assert_true(rel_err(a, 70) > e4);
	acard_free(a);
}

const struct CMUnitTest analog_tests[] = {
	cmocka_unit_test(test_ideal_bit_exact),
	cmocka_unit_test(test_ideal_stuck_cell_spare),
	cmocka_unit_test(test_analog_noise_seeded),
	cmocka_unit_test(test_program_pulses),
	cmocka_unit_test(test_weak_column),
	cmocka_unit_test(test_calibration),
	cmocka_unit_test(test_calibration_erased_rows),
	cmocka_unit_test(test_range_calibration),
	cmocka_unit_test(test_drift_and_reprogram),
	cmocka_unit_test(test_refresh_recalibrate),
	cmocka_unit_test(test_adc_clipping),
	cmocka_unit_test(test_model_math),
	cmocka_unit_test(test_offset_drive),
	cmocka_unit_test(test_calibrate_descriptor),
	cmocka_unit_test(test_calib_report),
	cmocka_unit_test(test_refresh_from_poll),
	cmocka_unit_test(test_adc_bits_cfg),
};
const size_t analog_count = sizeof(analog_tests) / sizeof(analog_tests[0]);
