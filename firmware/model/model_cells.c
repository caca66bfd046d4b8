// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The physics of the analog array model, integer only and deterministic
 * from the card's seed.  Nothing is stored per cell: whatever varies from
 * cell to cell (residual error after program-and-verify, drift rate,
 * pulses needed) or from column to column (gain, reference error,
 * weakness) is a hash of where it is.  Formulas: docs/analog-model.md.
 */
#include "model_int.h"

#define MODEL_SALT_GAIN		0x6a11u
#define MODEL_SALT_OFFSET	0x0ff5u
#define MODEL_SALT_WEAK		0x3eacu
#define MODEL_SALT_PULSE	0x9e3779b9u

/* xorshift64*: the read noise sequence, one per card. */
uint64_t model_rand(struct model_card *cd, uint32_t seed)
{
	uint64_t x = cd->rng;

	if (!x)
		x = ((uint64_t)seed << 32 | 0x9e3779b9u) ^
		    0x2545f4914f6cdd1dull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	cd->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/*
 * Approximately normal, standard deviation sigma: the sum of four
 * uniform 16-bit draws has deviation 65536 / sqrt(3).
 */
int32_t model_gauss(uint64_t r, uint32_t sigma)
{
	int64_t s = (int64_t)(r & 0xffff) + (int64_t)((r >> 16) & 0xffff) +
		    (int64_t)((r >> 32) & 0xffff) + (int64_t)(r >> 48) -
		    131072;

	/* 113512 = 65536 * sqrt(3) / 65536 * 65536 */
	return (int32_t)((s * sigma * 113512) / ((int64_t)1 << 32));
}

/* Mean level the tile's cells lost since they were (re)programmed, ppm. */
uint32_t model_tile_loss_ppm(struct cim_hal *h, struct cim_model *m,
			     uint32_t tile)
{
	struct model_tile *t = model_tile(m, tile);
	uint64_t now = cim_hal_clock_now(h);

	if (!m->p.analog || !t->programmed || now < t->programmed_ns)
		return 0;
	return fw_an_loss_ppm(&m->p, now - t->programmed_ns);
}

/*
 * A programmed cell: target plus its residual error (uniform within the
 * verify tolerance), minus what it lost since, at a per-cell rate between
 * 0.5 and 1.5 times the mean.  lf_q16: the mean loss, 1.0 = 65536.
 * Erased cells conduct nothing and stay at 0.
 */
int32_t model_level(const struct cim_card_params *p, uint32_t tile,
		    uint32_t row, uint32_t pcol, uint32_t t, uint32_t gen,
		    uint32_t lf_q16)
{
	uint32_t h, tol = p->prog_tol_q8, v, loss;
	int32_t e, g;

	if (!t)
		return 0;
	h = fw_an_hash(p->seed, tile, row, pcol, gen);
	e = (int32_t)(((h & 0xffff) * (2 * tol + 1)) >> 16) - (int32_t)tol;
	v = 128 + (h >> 24);				/* 0.5 .. 1.5, q8 */
	loss = (t * lf_q16 * v) >> 16;			/* q8 */
	g = (int32_t)(t << 8) + e - (int32_t)loss;
	return g < 0 ? 0 : g;
}

uint32_t model_col_gain_q16(const struct cim_card_params *p, uint32_t tile,
			    uint32_t pcol)
{
	uint32_t s = (uint32_t)fw_div_u64_u32((uint64_t)p->gain_sigma_ppm
					      << 16, 1000000u);
	uint64_t r = (uint64_t)fw_an_hash(p->seed, tile, pcol,
					  MODEL_SALT_GAIN, 1) << 32 |
		     fw_an_hash(p->seed, tile, pcol, MODEL_SALT_GAIN, 2);
	int32_t g = 65536 + model_gauss(r, s);

	return g < 32768 ? 32768 : (uint32_t)g;
}

int32_t model_col_offset_q8(const struct cim_card_params *p, uint32_t tile,
			    uint32_t pcol)
{
	uint64_t r = (uint64_t)fw_an_hash(p->seed, tile, pcol,
					  MODEL_SALT_OFFSET, 1) << 32 |
		     fw_an_hash(p->seed, tile, pcol, MODEL_SALT_OFFSET, 2);

	return model_gauss(r, p->offset_q8);
}

static int model_col_weak(const struct cim_card_params *p, uint32_t tile,
			  uint32_t pcol)
{
	uint32_t h;

	if (p->weak_col && p->weak_col - 1 == (tile << 16 | pcol))
		return 1;
	h = fw_an_hash(p->seed, tile, pcol, MODEL_SALT_WEAK, 0);
	/* 4295 = 2^32 / 10^6 */
	return (uint64_t)h < (uint64_t)p->weak_col_ppm * 4295;
}

uint32_t model_pulse_cap(const struct cim_card_params *p)
{
	return p->pulse_cap ? p->pulse_cap : 64;
}

/*
 * Incremental step pulse programming from the erased state: coarse
 * pulses of 0.5 level (+-30 % from cell to cell), then 1..4 fine pulses
 * until verify passes.  A weak cell stalls below MODEL_WEAK_MAX_LEVEL.
 */
uint32_t model_pulses(const struct cim_card_params *p, uint32_t tile,
		      uint32_t row, uint32_t pcol, uint32_t t, uint32_t gen)
{
	uint32_t h, step;

	if (!t)
		return 0;
	if (t > MODEL_WEAK_MAX_LEVEL && model_col_weak(p, tile, pcol))
		return model_pulse_cap(p) + 1;
	h = fw_an_hash(p->seed, tile, row, pcol, gen ^ MODEL_SALT_PULSE);
	step = 90 + ((h & 0xffff) * 77 >> 16);		/* q8: 0.35 .. 0.65 */
	return (t * 256 + step - 1) / step + 1 + (h >> 30);
}
