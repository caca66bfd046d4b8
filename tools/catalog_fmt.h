/* SPDX-License-Identifier: MIT */
/*
 * Formatting for `cimctl images` and `cimctl tiles`.  Pure functions (no
 * device, no I/O), unit tested in tests/libcim/test_cimctl.c.
 */
#ifndef CIMCTL_CATALOG_FMT_H
#define CIMCTL_CATALOG_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "cim.h"

/* The first @bytes bytes of a digest in hex (2 * bytes + 1 chars). */
void cimctl_hex(const uint8_t *d, int bytes, char *buf);

/* "ready", "programming", "failed" or "?". */
const char *cimctl_resident_state(uint32_t state);

/* "12.3 s ago", "5 min ago", "2 h ago"; "-" if @then is 0 or later. */
void cimctl_age(uint64_t now_ns, uint64_t then_ns, char *buf, size_t len);

struct cimctl_wear {
	uint32_t min, max;
	uint64_t sum;
	double mean;
	double max_over_mean;	/* 0 when nothing was programmed yet */
};

void cimctl_wear_stats(const struct cim_tile_wear *w, int n,
		       struct cimctl_wear *out);

#endif /* CIMCTL_CATALOG_FMT_H */
