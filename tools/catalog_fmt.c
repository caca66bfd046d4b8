// SPDX-License-Identifier: MIT
/* Formatting for `cimctl images` and `cimctl tiles` (see catalog_fmt.h). */
#include <stdio.h>

#include "catalog_fmt.h"

void cimctl_hex(const uint8_t *d, int bytes, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < bytes; i++) {
		buf[2 * i] = hex[d[i] >> 4];
		buf[2 * i + 1] = hex[d[i] & 15];
	}
	buf[2 * bytes] = '\0';
}

const char *cimctl_resident_state(uint32_t state)
{
	switch (state) {
	case CIM_RESIDENT_PROGRAMMING:
		return "programming";
	case CIM_RESIDENT_READY:
		return "ready";
	case CIM_RESIDENT_FAILED:
		return "failed";
	default:
		return "?";
	}
}

void cimctl_age(uint64_t now_ns, uint64_t then_ns, char *buf, size_t len)
{
	uint64_t d;

	if (!then_ns || then_ns > now_ns) {
		snprintf(buf, len, "-");
		return;
	}
	d = now_ns - then_ns;
	if (d < 60ull * 1000000000)
		snprintf(buf, len, "%.1f s ago", (double)d / 1e9);
	else if (d < 3600ull * 1000000000)
		snprintf(buf, len, "%llu min ago",
			 (unsigned long long)(d / 60000000000ull));
	else
		snprintf(buf, len, "%llu h ago",
			 (unsigned long long)(d / 3600000000000ull));
}

void cimctl_wear_stats(const struct cim_tile_wear *w, int n,
		       struct cimctl_wear *out)
{
	int i;

	out->min = n ? UINT32_MAX : 0;
	out->max = 0;
	out->sum = 0;
	for (i = 0; i < n; i++) {
		if (w[i].pe_cycles < out->min)
			out->min = w[i].pe_cycles;
		if (w[i].pe_cycles > out->max)
			out->max = w[i].pe_cycles;
		out->sum += w[i].pe_cycles;
	}
	out->mean = n ? (double)out->sum / n : 0;
	out->max_over_mean = out->sum ? out->max / out->mean : 0;
}
