// SPDX-License-Identifier: MIT
/*
 * Weights that already lie on a 4-bit grid per output channel: a model
 * trained with 4-bit fake quantization (tools/cim_hwa.py, PyTorch's QAT)
 * and exported as float.  Such a layer is kept exactly: its grid is the
 * one the min/max parameters find (scale (max - min) / 15 over
 * [min(w, 0), max(w, 0)], zero point round(-min / s)), and no clipping
 * search or GPTQ rounding may move a weight off it.  The report says
 * where each layer's weights came from.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quant.h"

/* A weight within this fraction of a step of its grid point is on it. */
#define CQI_GRID_TOL	1e-3f

static int on_grid(const float *w, uint32_t k, float sc, int32_t zp)
{
	float u;
	uint32_t i;

	if (!(sc > 0) || zp < 0 || zp > 15)
		return 0;
	for (i = 0; i < k; i++) {
		u = w[i] / sc + (float)zp;
		if (fabsf(u - roundf(u)) > CQI_GRID_TOL || roundf(u) < 0 ||
		    roundf(u) > 15)
			return 0;
	}
	return 1;
}

/*
 * The min/max grid (16 levels from min(w, 0) to max(w, 0)), or one of
 * fewer levels over the same span (a symmetric -7..7 grid spans 14
 * steps), zero point where 0 falls.
 */
int cqi_w4_on_grid(const float *w, uint32_t k, float *s, int32_t *z)
{
	float lo = 0, hi = 0, sc;
	int32_t zp, m;
	uint32_t i;

	for (i = 0; i < k; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
	}
	if (!(hi > lo))
		return 0;
	for (m = 15; m >= 1; m--) {
		sc = (hi - lo) / (float)m;
		zp = (int32_t)roundf(-lo / sc);
		if (!on_grid(w, k, sc, zp))
			continue;
		if (s)
			*s = sc;
		if (z)
			*z = zp;
		return 1;
	}
	return 0;
}

int cqi_layer_on_grid(const float *w, uint32_t n, uint32_t k)
{
	uint32_t r;

	for (r = 0; r < n; r++)
		if (!cqi_w4_on_grid(w + (size_t)r * k, k, NULL, NULL))
			return 0;
	return n > 0;
}

void cqi_set_wsrc(struct cim_quantized *q, const struct cim_qop *op,
		  uint8_t src)
{
	size_t i = (size_t)(op - q->ops);

	if (q->wsrc && i < q->cap)
		q->wsrc[i] = src;
}

const char *cqi_wsrc_name(const struct cim_quantized *q, uint32_t op)
{
	static const char *const names[] = {
		[CQI_WSRC_NONE] = "-",
		[CQI_WSRC_INT8] = "int8-symmetric",
		[CQI_WSRC_MINMAX] = "int4-minmax",
		[CQI_WSRC_SEARCH] = "int4-search",
		[CQI_WSRC_GRID] = "int4-grid-from-file",
	};
	uint8_t s = q->wsrc && op < q->cap ? q->wsrc[op] : CQI_WSRC_NONE;

	return s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "-";
}
