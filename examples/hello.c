// SPDX-License-Identifier: MIT
/*
 * The smallest libcim application: load a compiled model (.cimx), program
 * it into the first card, run one float input through it and print the
 * outputs.  It includes <cim.h> alone and links with
 *     cc hello.c $(pkg-config --cflags --libs libcim)
 * usage: hello MODEL.cimx [SEED]
 * The input is a fixed pseudo-random pattern in [-1, 1) from SEED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cim.h>

static size_t elems(const struct cim_tensor_info *t)
{
	return (size_t)t->c * t->h * t->w;
}

static int fail(const char *what, int err, const struct cim_dev *dev)
{
	fprintf(stderr, "hello: %s: %s (%s)\n", what, strerror(-err),
		cim_last_error(dev));
	return 1;
}

int main(int argc, char **argv)
{
	struct cim_tensor_info ti, to;
	struct cim_run_stats stats;
	struct cim_image *img = NULL;
	struct cim_model *m = NULL;
	struct cim_dev *dev = NULL;
	unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	float *in = NULL, *out = NULL;
	size_t i, top = 0;
	int r, rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: hello MODEL.cimx [SEED]\n");
		return 2;
	}
	r = cim_model_load_file(argv[1], &m);
	if (r)
		return fail(argv[1], r, NULL);
	r = cim_open(NULL, &dev);
	if (r) {
		rc = fail("open", r, NULL);
		goto out;
	}
	cim_model_input(m, &ti);
	cim_model_output(m, &to);
	in = malloc(elems(&ti) * sizeof(*in));
	out = malloc(elems(&to) * sizeof(*out));
	if (!in || !out)
		goto out;
	for (i = 0; i < elems(&ti); i++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		in[i] = (float)((seed >> 40) & 0xffff) / 32768.0f - 1.0f;
	}
	r = cim_model_program(dev, m, &img);
	if (r) {
		rc = fail("program", r, dev);
		goto out;
	}
	r = cim_model_infer(dev, img, m, in, out, 1, &stats);
	if (r) {
		rc = fail("infer", r, dev);
		goto out;
	}
	printf("hello: %s on %s\n", argv[1], cim_dev_path(dev));
	for (i = 0; i < elems(&to); i++) {
		printf("out %zu %.6f\n", i, out[i]);
		if (out[i] > out[top])
			top = i;
	}
	printf("top1 %zu\ndevice_time_ns %llu\n", top,
	       (unsigned long long)stats.device_time_ns);
	rc = 0;
out:
	free(in);
	free(out);
	cim_image_free(img);
	cim_close(dev);
	cim_model_free(m);
	return rc;
}
