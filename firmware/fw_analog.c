// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The firmware's analog state memory (trims, statistics) and the
 * arithmetic it shares with the array model of the emulators: the hash
 * calibration draws its test vectors from, 64-bit division without
 * helpers, and the drift law the part is characterized with.  Integer
 * only: the card MCU has no FPU.  The model itself (firmware/model/) is
 * not part of the MCU image.
 */
#include "fw_analog.h"

#define FW_AN_T0_NS		1000000000000ull	/* drift: 1000 s */

static size_t fw_an_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t fw_an_tile_bytes(const struct cim_card_params *p)
{
	return fw_an_align8(sizeof(struct fw_an_tile) + (size_t)p->cols * 12);
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
	p->adc_cal_sigma_q4 = 48;	/* +-3 measured sigmas */
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

uint32_t *fw_an_cal_win(struct cim_fw *fw, struct fw_an_tile *t)
{
	return (uint32_t *)(t + 1) + 2 * fw->p.cols;
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
