/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* Random quantized FC chains for the firmware tests, and their images. */
#ifndef _CIM_TMODEL_H_
#define _CIM_TMODEL_H_

#include <stddef.h>
#include <stdint.h>

#include "tnet.h"

#define TMODEL_MAX_LAYERS	4

struct tmodel {
	struct tnet net;
	void *image;
	size_t size;
	uint32_t in_size, out_size;
};

/*
 * FC layers dims[0] -> dims[1] -> ... -> dims[n_layers], ReLU on all but
 * the last, 8-bit weights, biases and requantization drawn from seed;
 * each block on its own tile of a tile_rows x tile_cols card.
 */
void tmodel_make(struct tmodel *m, const uint32_t *dims, uint32_t n_layers,
		 uint32_t seed, uint32_t tile_rows, uint32_t tile_cols);
/* Build m->image from m->net (already filled). */
void tmodel_build(struct tmodel *m);
void tmodel_free(struct tmodel *m);

/* The three-layer model most tests use, on the default test card. */
void tmodel_default(struct tmodel *m);

/* Deterministic random bytes. */
uint32_t trand(uint32_t *state);
void trand_fill(int8_t *buf, size_t n, uint32_t seed);

#endif /* _CIM_TMODEL_H_ */
