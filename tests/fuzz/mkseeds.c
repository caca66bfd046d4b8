// SPDX-License-Identifier: MIT
/*
 * Writes the FC weight-image seeds of corpus/image/ (run by hand:
 * `make -C tests/fuzz seeds`; the outputs are committed): small models
 * built by libcim's cim_image_build(), valid and CRC-correct.  The
 * other seeds: corpus/image/conv_pool_gemm and gemm_relu_int4 are the
 * images inside corpus/cimx/'s .cimx files, compiled by cim-compile
 * from corpus/onnx/ (tiles 8, 64 x 64 arrays).
 * usage: mkseeds DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cim.h"
#include "cim_compiler.h"

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int seed(const char *dir, const char *name, const uint32_t *dims,
		uint32_t n, uint32_t rows, uint32_t cols)
{
	struct cim_fc_layer l[4];
	struct cim_model_desc d = { .n_layers = n, .layers = l };
	struct cim_geometry g = { .tile_rows = rows, .tile_cols = cols,
				  .cell_bits = 4 };
	static int8_t w[4][256 * 256];
	static int32_t b[4][256], m[4][256], sh[4][256];
	uint32_t s = 12345, i, j;
	char path[512];
	void *img;
	size_t size;
	FILE *f;

	for (i = 0; i < n; i++) {
		for (j = 0; j < dims[i] * dims[i + 1]; j++)
			w[i][j] = (int8_t)(rnd(&s) % 255 - 127);
		for (j = 0; j < dims[i + 1]; j++) {
			b[i][j] = (int32_t)(rnd(&s) % 2001) - 1000;
			m[i][j] = 0x40000000 + (int32_t)(rnd(&s) & 0x3fffffff);
			sh[i][j] = -9;
		}
		l[i] = (struct cim_fc_layer){ .in_len = dims[i], .out_len = dims[i + 1],
			.weights = w[i], .bias = b[i], .mult = m[i], .shift = sh[i],
			.in_zp = 3, .out_zp = -2, .act_min = -128, .act_max = 127 };
	}
	if (cim_image_build(&d, &g, &img, &size))
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f))
		return 1;
	free(img);
	return 0;
}

int main(int argc, char **argv)
{
	static const uint32_t a[] = { 16, 8 }, b[] = { 32, 24, 10 };

	if (argc != 2)
		return 2;
	return seed(argv[1], "fc_16_8", a, 1, 256, 256) |
	       seed(argv[1], "fc_32_24_10", b, 2, 256, 256);
}
