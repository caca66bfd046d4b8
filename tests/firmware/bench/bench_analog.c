// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Analog model bench: how far the analog card's MVMs are from the ideal
 * card's, as the RMS error in LSB of the int8 output of a random
 * 1024 x 256 int4 layer (one cell per weight, w = q - 8), against ADC
 * bits and the time since programming, uncalibrated, calibrated right
 * after programming, and recalibrated at the time of use.
 *
 * The output requantization maps +-4 sigma of the ideal accumulators to
 * +-127, as a calibrated int8 quantizer would.  Prints
 * "bench: <name> <value> <unit>" lines; run by make -C firmware
 * bench-analog.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim_fw.h"
#include "fw_array.h"
#include "fw_analog.h"
#include "test_hal.h"

#define ROWS	1024
#define COLS	256
#define NVEC	48

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint8_t q[ROWS][COLS];
static int8_t xs[NVEC][ROWS];
static int32_t ideal[NVEC][COLS];

struct card {
	struct cim_hal *hal;
	struct cim_fw *fw;
};

static void card_new(struct card *c, uint32_t adc_bits)
{
	struct cim_card_params p;
	uint32_t r;

	thal_default_params(&p);
	p.tiles = 1;
	p.rows = ROWS;
	p.cols = COLS;
	cim_fw_analog_defaults(&p);
	p.analog = 1;
	p.adc_bits = adc_bits;
	c->hal = thal_new(&p, 4096);
	c->fw = calloc(1, sizeof(*c->fw));
	if (!c->fw)
		abort();
	cim_fw_reset(c->fw, c->hal);
	fw_array_erase(c->fw, 0);
	for (r = 0; r < ROWS; r++)
		if (fw_array_program_row(c->fw, 0, r, 0, q[r], COLS))
			abort();
}

static void card_free(struct card *c)
{
	thal_free(c->hal);
	free(c->fw);
}

static double out_scale;

static int out8(double acc)
{
	long v = lround(acc * out_scale);

	return v > 127 ? 127 : v < -128 ? -128 : (int)v;
}

static int32_t xsum(const int8_t *x)
{
	int32_t s = 0;
	int r;

	for (r = 0; r < ROWS; r++)
		s += x[r];
	return s;
}

/* RMS output error (LSB) of the card against the ideal. */
static double rms_lsb(struct card *c)
{
	static int32_t cs[COLS];
	static int16_t u[ROWS];
	double se = 0;
	int v, j, d;

	for (v = 0; v < NVEC; v++) {
		for (j = 0; j < ROWS; j++)
			u[j] = xs[v][j];
		fw_array_mvm(c->fw, 0, 0, ROWS, 0, COLS, u, cs);
		for (j = 0; j < COLS; j++) {
			d = out8(cs[j] - 8.0 * xsum(xs[v])) -
			    out8(ideal[v][j] - 8.0 * xsum(xs[v]));
			se += (double)d * d;
		}
	}
	return sqrt(se / (NVEC * COLS));
}

int main(void)
{
	static const uint32_t bits[] = { 6, 7, 8 };
	static const struct { const char *name; uint64_t s; } ages[] = {
		{ "0", 0 }, { "1d", 86400 }, { "1mo", 30 * 86400ull },
		{ "1y", 365 * 86400ull },
	};
	static const char *const modes[] = { "uncal", "cal", "recal" };
	struct fw_an_tile *t;
	double s2 = 0, e;
	int r, j, v, m;
	unsigned int b, a;
	struct card c;

	for (r = 0; r < ROWS; r++)
		for (j = 0; j < COLS; j++)
			q[r][j] = rnd() & 15;
	for (v = 0; v < NVEC; v++)
		for (r = 0; r < ROWS; r++)
			xs[v][r] = (int8_t)(rnd() & 0xff);
	for (v = 0; v < NVEC; v++)
		for (j = 0; j < COLS; j++) {
			ideal[v][j] = 0;
			for (r = 0; r < ROWS; r++)
				ideal[v][j] += xs[v][r] * q[r][j];
			e = ideal[v][j] - 8.0 * xsum(xs[v]);
			s2 += e * e;
		}
	out_scale = 127.0 / (4.0 * sqrt(s2 / (NVEC * COLS)));

	card_new(&c, 8);
	t = fw_an_tile(c.fw, 0);
	printf("bench: analog_program_pulses_per_cell %.2f pulses\n",
	       (double)t->st.program_pulses / (ROWS * COLS));
	printf("bench: analog_program_row_us %.2f us\n",
	       cim_hal_clock_now(c.hal) / 1000.0 / ROWS);
	card_free(&c);

	for (b = 0; b < sizeof(bits) / sizeof(bits[0]); b++) {
		for (a = 0; a < sizeof(ages) / sizeof(ages[0]); a++) {
			for (m = 0; m < 3; m++) {
				card_new(&c, bits[b]);
				if (m == 1)
					fw_calibrate_tile(c.fw, 0);
				cim_hal_clock_advance(c.hal,
						      ages[a].s * 1000000000ull);
				if (m == 2)
					fw_calibrate_tile(c.fw, 0);
				printf("bench: analog_rms_lsb_adc%u_age%s_%s %.3f lsb\n",
				       bits[b], ages[a].name, modes[m],
				       rms_lsb(&c));
				card_free(&c);
			}
		}
	}
	return 0;
}
