// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The card's parameters: a preset and key=value overrides with the names
 * and defaults of cim_vcard.ko's module parameters (docs/vcard.md), so
 * that the same settings build the same card in both emulators.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Geometry and timing: 0 keeps the preset's value. */
#define SIM_GEOM(f)	{ #f, offsetof(struct cim_card_params, f), 0 }
/* Analog knobs: applied when given (cim_vcard.ko's -1 = default). */
#define SIM_KNOB(f)	{ #f, offsetof(struct cim_card_params, f), 1 }

static const struct sim_key {
	const char *name;
	size_t off;
	int knob;
} sim_keys[] = {
	SIM_GEOM(tiles), SIM_GEOM(rows), SIM_GEOM(cols), SIM_GEOM(adc_bits),
	SIM_GEOM(mvm_ns), SIM_GEOM(link_mb_s), SIM_GEOM(program_row_ns),
	{ "simd_ps", offsetof(struct cim_card_params, simd_ps_per_elem), 0 },
	SIM_GEOM(mvm_fixed_ns), SIM_GEOM(row_group), SIM_GEOM(adcs),
	{ "xfer_ps", offsetof(struct cim_card_params, xfer_ps_per_byte), 0 },
	SIM_GEOM(xfer_fixed_ns), SIM_GEOM(simd_lanes), SIM_GEOM(simd_mhz),
	SIM_KNOB(seed), SIM_KNOB(spare_cols), SIM_KNOB(prog_tol_q8),
	SIM_KNOB(pulse_cap), SIM_KNOB(pulse_ns), SIM_KNOB(read_noise_q8),
	SIM_KNOB(drift_ppm), SIM_KNOB(gain_sigma_ppm), SIM_KNOB(offset_q8),
	SIM_KNOB(adc_fs_sigma_q4), SIM_KNOB(weak_col_ppm),
	SIM_KNOB(adc_cal_sigma_q4),
};

static int sim_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int sim_number(const char *s, size_t n, uint64_t *v)
{
	char buf[32], *end;

	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || *end || buf[0] == '-' ? -1 : 0;
}

struct sim_opts {
	uint64_t geom[sizeof(sim_keys) / sizeof(sim_keys[0])];
	uint8_t given[sizeof(sim_keys) / sizeof(sim_keys[0])];
	uint64_t analog, plan_kb, arena_kb, age_s, threads;
	int64_t weak_col;		/* -1: none */
	int naive;
};

static int sim_opt(struct sim_opts *o, const char *k, size_t kn,
		   const char *v, size_t vn, char *err, size_t errlen)
{
	uint64_t x;
	size_t i;

#define SIM_IS(name)	(kn == strlen(name) && !memcmp(k, name, kn))
	if (SIM_IS("schedule")) {
		if (vn == 5 && !memcmp(v, "naive", 5))
			o->naive = 1;
		else if (vn == 9 && !memcmp(v, "pipelined", 9))
			o->naive = 0;
		else
			return sim_err(err, errlen,
				       "sim: unknown schedule '%.*s'",
				       (int)vn, v);
		return 0;
	}
	if (sim_number(v, vn, &x) || x > 0xffffffffull)
		return sim_err(err, errlen, "sim: bad value for %.*s: '%.*s'",
			       (int)kn, k, (int)vn, v);
	if (SIM_IS("analog")) {
		o->analog = x;
	} else if (SIM_IS("plan_kb")) {
		o->plan_kb = x;
	} else if (SIM_IS("arena_kb")) {
		o->arena_kb = x;
	} else if (SIM_IS("age_s")) {
		o->age_s = x;
	} else if (SIM_IS("threads")) {
		o->threads = x;
	} else if (SIM_IS("weak_col")) {
		o->weak_col = (int64_t)x;
	} else {
		for (i = 0; i < sizeof(sim_keys) / sizeof(sim_keys[0]); i++) {
			if (SIM_IS(sim_keys[i].name)) {
				o->geom[i] = x;
				o->given[i] = 1;
				return 0;
			}
		}
		return sim_err(err, errlen, "sim: unknown parameter '%.*s'",
			       (int)kn, k);
	}
#undef SIM_IS
	return 0;
}

static int sim_parse(struct sim_opts *o, const char *s, char *err,
		     size_t errlen)
{
	const char *k, *eq, *end;
	int ret;

	while (s && *s) {
		while (*s == ',' || *s == ' ')
			s++;
		if (!*s)
			break;
		k = s;
		end = k + strcspn(k, ", ");
		eq = memchr(k, '=', (size_t)(end - k));
		if (!eq)
			return sim_err(err, errlen,
				       "sim: '%.*s' is not key=value",
				       (int)(end - k), k);
		ret = sim_opt(o, k, (size_t)(eq - k), eq + 1,
			      (size_t)(end - eq - 1), err, errlen);
		if (ret)
			return ret;
		s = end;
	}
	return 0;
}

int sim_config_params(const struct cim_sim_config *cfg, struct cim_hal *h,
		      uint64_t *age_s, char *err, size_t errlen)
{
	const char *name = cfg->preset && *cfg->preset ? cfg->preset : "m1076";
	struct cim_card_params *p = &h->params;
	const struct cim_model_preset *pr = cim_model_preset(name);
	struct sim_opts o;
	size_t i;
	int ret;

	if (!pr)
		return sim_err(err, errlen,
			       "sim: unknown preset '%s' (m1076, small)", name);
	memset(&o, 0, sizeof(o));
	o.arena_kb = 4096;
	o.weak_col = -1;
	o.threads = cfg->threads;
	ret = sim_parse(&o, cfg->options, err, errlen);
	if (ret)
		return ret;

	*p = pr->p;
	snprintf(h->preset, sizeof(h->preset), "%s", pr->name);
	h->plan_bytes = (o.plan_kb ? (uint32_t)o.plan_kb : pr->plan_kb) * 1024;
	for (i = 0; i < sizeof(sim_keys) / sizeof(sim_keys[0]); i++)
		if (!sim_keys[i].knob && o.geom[i])
			*(uint32_t *)((char *)p + sim_keys[i].off) =
				(uint32_t)o.geom[i];
	p->sched_naive = (uint32_t)o.naive;
	cim_fw_analog_defaults(p);
	p->analog = o.analog > 0;
	for (i = 0; i < sizeof(sim_keys) / sizeof(sim_keys[0]); i++)
		if (sim_keys[i].knob && o.given[i])
			*(uint32_t *)((char *)p + sim_keys[i].off) =
				(uint32_t)o.geom[i];
	p->weak_col = o.weak_col >= 0 ? (uint32_t)o.weak_col + 1 : 0;
	h->act_bytes = (uint32_t)o.arena_kb * 1024;
	h->threads = (uint32_t)o.threads;
	*age_s = o.age_s;

	/* cim_vcard.ko's limits */
	if (!p->tiles || p->tiles > 1024 || !p->rows || p->rows > 4096 ||
	    !p->cols || p->cols > 4096 || (p->cols & 1) || !p->link_mb_s ||
	    h->plan_bytes < 4096 || !o.arena_kb || o.arena_kb > 1024 * 1024 ||
	    p->spare_cols > 16)
		return sim_err(err, errlen, "sim: impossible card geometry");
	if (o.age_s > 1000ull * 365 * 86400)
		return sim_err(err, errlen, "sim: age_s out of range");
	return 0;
}

void cim_sim_config_init(struct cim_sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
}

int cim_sim_config_parse(struct cim_sim_config *cfg, const char *spec)
{
	const struct cim_model_preset *pr;
	char name[16];
	const char *rest;
	size_t n;

	if (!spec || strncmp(spec, "sim", 3) || (spec[3] && spec[3] != ':'))
		return -EINVAL;
	cfg->preset = NULL;
	cfg->options = NULL;
	if (!spec[3])
		return 0;
	rest = spec + 4;
	n = strcspn(rest, ", ");
	/* "sim:small,..." names a preset; "sim:analog=1" only options */
	if (!memchr(rest, '=', n)) {
		if (n >= sizeof(name))
			return -EINVAL;
		memcpy(name, rest, n);
		name[n] = 0;
		pr = cim_model_preset(name);
		if (!pr)
			return -EINVAL;
		cfg->preset = pr->name;
		rest += n;
	}
	cfg->options = rest;
	return 0;
}
