// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The analog array model's arithmetic: integer only (the card MCU has no
 * FPU) and deterministic from the card's seed.  Nothing is stored per
 * cell: whatever varies from cell to cell (residual error after
 * program-and-verify, drift rate, pulses needed) or from column to
 * column (gain, reference error, weakness) is a hash of where it is.
 * The formulas are in docs/analog-model.md.
 */
#include "fw_analog.h"

#define FW_AN_SALT_GAIN		0x6a11u
#define FW_AN_SALT_OFFSET	0x0ff5u
#define FW_AN_SALT_WEAK		0x3eacu
#define FW_AN_SALT_PULSE	0x9e3779b9u
#define FW_AN_T0_NS		1000000000000ull	/* drift: 1000 s */

static uint32_t fw_an_spares(const struct cim_card_params *p)
{
	return FW_MIN(p->spare_cols, (uint32_t)FW_AN_MAX_SPARES);
}

static size_t fw_an_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t fw_an_tile_bytes(const struct cim_card_params *p)
{
	return fw_an_align8(sizeof(struct fw_an_tile) +
			    (size_t)p->cols * 8 +
			    (size_t)fw_an_spares(p) * p->rows);
}

size_t cim_fw_analog_bytes(const struct cim_card_params *p)
{
	return fw_an_align8(sizeof(struct fw_an_card)) +
	       (size_t)p->tiles * fw_an_tile_bytes(p);
}

void cim_fw_analog_defaults(struct cim_card_params *p)
{
	if (!p->seed)
		p->seed = 1;
	p->spare_cols = 8;
	p->prog_tol_q8 = 26;		/* +-0.1 level */
	p->pulse_cap = 64;
	p->pulse_ns = 250;
	p->read_noise_q8 = 5;		/* 0.02 level per sqrt(active row) */
	p->drift_ppm = 10000;		/* 1 % of the level per decade */
	p->gain_sigma_ppm = 20000;	/* 2 % */
	p->offset_q8 = 13;		/* 0.05 level per active row */
	p->adc_fs_sigma_q4 = 64;	/* +-4 sigma */
	p->weak_col_ppm = 200;
	p->weak_col = 0;
}

struct fw_an_card *fw_an_card(struct cim_fw *fw)
{
	return cim_hal_analog_mem(fw->hal);
}

struct fw_an_tile *fw_an_tile(struct cim_fw *fw, uint32_t ptile)
{
	uint8_t *base = cim_hal_analog_mem(fw->hal);

	return (struct fw_an_tile *)(base +
		fw_an_align8(sizeof(struct fw_an_card)) +
		(size_t)ptile * fw_an_tile_bytes(&fw->p));
}

int32_t *fw_an_cal_b(struct cim_fw *fw, struct fw_an_tile *t)
{
	(void)fw;
	return (int32_t *)(t + 1);
}

uint32_t *fw_an_cal_inva(struct cim_fw *fw, struct fw_an_tile *t)
{
	return (uint32_t *)(t + 1) + fw->p.cols;
}

uint8_t *fw_an_spare_cells(struct cim_fw *fw, struct fw_an_tile *t,
			   uint32_t spare)
{
	return (uint8_t *)(fw_an_cal_inva(fw, t) + fw->p.cols) +
	       (size_t)spare * fw->p.rows;
}

/* murmur3's finalizer over a few words: cheap, well mixed. */
static uint32_t fw_an_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t fw_an_hash(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
		    uint32_t e)
{
	uint32_t h = fw_an_mix(a ^ 0x243f6a88u);

	h = fw_an_mix(h ^ b * 0x9e3779b1u);
	h = fw_an_mix(h ^ c * 0x7feb352du);
	h = fw_an_mix(h ^ d * 0x846ca68bu);
	return fw_an_mix(h ^ e * 0x2c1b3c6du);
}

/* xorshift64*: the read noise sequence, one per card. */
uint64_t fw_an_rand(struct fw_an_card *cd, uint32_t seed)
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
int32_t fw_an_gauss(uint64_t r, uint32_t sigma)
{
	int64_t s = (int64_t)(r & 0xffff) + (int64_t)((r >> 16) & 0xffff) +
		    (int64_t)((r >> 32) & 0xffff) + (int64_t)(r >> 48) -
		    131072;

	/* 113512 = 65536 * sqrt(3) / 65536 * 65536 */
	return (int32_t)((s * sigma * 113512) / ((int64_t)1 << 32));
}

uint32_t fw_an_isqrt(uint64_t v)
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

/* Shift and subtract: no 64-bit division helpers on 32-bit targets. */
int64_t fw_an_div_s64(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
	uint64_t q = 0, r = 0;
	int i;

	if (!ud)
		return 0;
	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((un >> i) & 1);
		if (r >= ud) {
			r -= ud;
			q |= 1ull << i;
		}
	}
	return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

/* log2(v), v >= 1, 16 fraction bits. */
static uint32_t fw_an_log2_q16(uint64_t v)
{
	uint32_t k = 63, res;
	uint64_t m;
	int i;

	while (!(v >> k))
		k--;
	/* mantissa in [2^31, 2^32) */
	m = k >= 31 ? v >> (k - 31) : v << (31 - k);
	res = k << 16;
	for (i = 15; i >= 0; i--) {
		m = (m * m) >> 31;
		if (m >= (1ull << 32)) {
			m >>= 1;
			res |= 1u << i;
		}
	}
	return res;
}

/*
 * Charge loss of flash cells grows with the logarithm of time: the mean
 * level lost is drift_ppm per decade of (1 + age / 1000 s).
 */
uint32_t fw_an_loss_ppm(const struct cim_card_params *p, uint64_t age_ns)
{
	uint64_t l2, ppm;

	if (!p->drift_ppm || !age_ns)
		return 0;
	if (age_ns > (1ull << 62))
		age_ns = 1ull << 62;
	l2 = fw_an_log2_q16(FW_AN_T0_NS + age_ns) -
	     fw_an_log2_q16(FW_AN_T0_NS);
	/* log10(x) = log2(x) * 0.30103, 19728 in q16 */
	ppm = (((l2 * 19728) >> 16) * p->drift_ppm) >> 16;
	return ppm > 1000000 ? 1000000 : (uint32_t)ppm;
}

uint32_t fw_an_tile_loss_ppm(struct cim_fw *fw, uint32_t ptile)
{
	struct fw_an_tile *t = fw_an_tile(fw, ptile);
	uint64_t now = cim_hal_clock_now(fw->hal);

	if (!fw->p.analog || !(t->st.flags & CIM_TILE_AN_PROGRAMMED) ||
	    now < t->st.programmed_ns)
		return 0;
	return fw_an_loss_ppm(&fw->p, now - t->st.programmed_ns);
}

/*
 * A programmed cell: target plus its residual error (uniform within the
 * verify tolerance), minus what it lost since, at a per-cell rate between
 * 0.5 and 1.5 times the mean.  lf_q16: the mean loss, 1.0 = 65536.
 * Erased cells conduct nothing and stay at 0.
 */
int32_t fw_an_level(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		    uint32_t pcol, uint32_t t, uint32_t gen, uint32_t lf_q16)
{
	uint32_t h, tol = fw->p.prog_tol_q8, v, loss;
	int32_t e, g;

	if (!t)
		return 0;
	h = fw_an_hash(fw->p.seed, ptile, row, pcol, gen);
	e = (int32_t)(((h & 0xffff) * (2 * tol + 1)) >> 16) - (int32_t)tol;
	v = 128 + (h >> 24);				/* 0.5 .. 1.5, q8 */
	loss = (t * lf_q16 * v) >> 16;			/* q8 */
	g = (int32_t)(t << 8) + e - (int32_t)loss;
	return g < 0 ? 0 : g;
}

uint32_t fw_an_col_gain_q16(struct cim_fw *fw, uint32_t ptile, uint32_t pcol)
{
	uint32_t s = (uint32_t)fw_div_u64_u32((uint64_t)fw->p.gain_sigma_ppm
					      << 16, 1000000u);
	uint64_t r = (uint64_t)fw_an_hash(fw->p.seed, ptile, pcol,
					  FW_AN_SALT_GAIN, 1) << 32 |
		     fw_an_hash(fw->p.seed, ptile, pcol, FW_AN_SALT_GAIN, 2);
	int32_t g = 65536 + fw_an_gauss(r, s);

	return g < 32768 ? 32768 : (uint32_t)g;
}

int32_t fw_an_col_offset_q8(struct cim_fw *fw, uint32_t ptile, uint32_t pcol)
{
	uint64_t r = (uint64_t)fw_an_hash(fw->p.seed, ptile, pcol,
					  FW_AN_SALT_OFFSET, 1) << 32 |
		     fw_an_hash(fw->p.seed, ptile, pcol, FW_AN_SALT_OFFSET, 2);

	return fw_an_gauss(r, fw->p.offset_q8);
}

int fw_an_col_weak(struct cim_fw *fw, uint32_t ptile, uint32_t pcol)
{
	uint32_t h;

	if (fw->p.weak_col && fw->p.weak_col - 1 == (ptile << 16 | pcol))
		return 1;
	h = fw_an_hash(fw->p.seed, ptile, pcol, FW_AN_SALT_WEAK, 0);
	/* 4295 = 2^32 / 10^6 */
	return (uint64_t)h < (uint64_t)fw->p.weak_col_ppm * 4295;
}

uint32_t fw_an_pulse_cap(const struct cim_card_params *p)
{
	return p->pulse_cap ? p->pulse_cap : 64;
}

/*
 * Incremental step pulse programming from the erased state: coarse
 * pulses of 0.5 level (+-30 % from cell to cell), then 1..4 fine pulses
 * until verify passes.  A weak cell stalls below FW_AN_WEAK_MAX_LEVEL.
 */
uint32_t fw_an_pulses(struct cim_fw *fw, uint32_t ptile, uint32_t row,
		      uint32_t pcol, uint32_t t, uint32_t gen)
{
	uint32_t h, step;

	if (!t)
		return 0;
	if (t > FW_AN_WEAK_MAX_LEVEL && fw_an_col_weak(fw, ptile, pcol))
		return fw_an_pulse_cap(&fw->p) + 1;
	h = fw_an_hash(fw->p.seed, ptile, row, pcol, gen ^ FW_AN_SALT_PULSE);
	step = 90 + ((h & 0xffff) * 77 >> 16);		/* q8: 0.35 .. 0.65 */
	return (t * 256 + step - 1) / step + 1 + (h >> 30);
}
