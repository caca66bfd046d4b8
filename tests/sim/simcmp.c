// SPDX-License-Identifier: MIT
/*
 * cim-simcmp: the userspace card against the kernel virtual card.
 *
 *   cim-simcmp save FILE MODEL.cimx BATCH [DEV]
 *   cim-simcmp compare FILE MODEL.cimx BATCH [DEV]
 *
 * Loads a model's weight image into DEV (default: $CIM_DEVICE, else the
 * first card), runs BATCH pseudo-random inputs (seed 1) through it once
 * and either saves the outputs and the modeled device time to FILE, or
 * compares them with FILE.  The build saves a run on the userspace card
 * (e.g. DEV sim:small,analog=1,seed=5); the VM suite compares a run on
 * cim_vcard.ko loaded with the same parameters.  compare prints
 * "outputs identical" or how many bytes differ, the two device times,
 * and "device_time_ratio R" (FILE's over this run's); it exits 0 only
 * if outputs and device times are the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim.h"

#define MAGIC	"CIMSIMC1"

struct rec {
	char magic[8];
	uint32_t batch, out_size;
	uint64_t device_time_ns;
};

static int run(const char *dev_spec, const char *model, uint32_t batch,
	       struct rec *r, int8_t **outp)
{
	struct cim_tensor_info ti, to;
	struct cim_image_props p;
	struct cim_run_stats st;
	struct cim_model *m = NULL;
	struct cim_image *img = NULL;
	struct cim_dev *dev = NULL;
	const void *image;
	int8_t *in = NULL, *out = NULL;
	uint64_t s = 1;
	size_t size, i;
	int ret;

	ret = cim_model_load_file(model, &m);
	if (ret) {
		fprintf(stderr, "cim-simcmp: %s: %s\n", model, strerror(-ret));
		return ret;
	}
	cim_model_input(m, &ti);
	cim_model_output(m, &to);
	image = cim_model_image(m, &size);
	ret = cim_open(dev_spec, &dev);
	if (ret) {
		fprintf(stderr, "cim-simcmp: cannot open the card: %s\n",
			cim_last_error(NULL));
		goto out;
	}
	ret = cim_image_load(dev, image, size, &img);
	if (ret) {
		fprintf(stderr, "cim-simcmp: load: %s\n", cim_last_error(dev));
		goto out;
	}
	cim_image_get_props(img, &p);
	in = malloc((size_t)batch * p.input_size);
	out = malloc((size_t)batch * p.output_size);
	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < (size_t)batch * p.input_size; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		in[i] = (int8_t)(s >> 24);
	}
	ret = cim_infer(dev, img, in, out, batch, &st);
	if (ret) {
		fprintf(stderr, "cim-simcmp: infer: %s\n", cim_last_error(dev));
		goto out;
	}
	memcpy(r->magic, MAGIC, 8);
	r->batch = batch;
	r->out_size = p.output_size;
	r->device_time_ns = st.device_time_ns;
	printf("device %s: %u items, device_time_ns %" PRIu64 "\n",
	       cim_dev_path(dev), batch, st.device_time_ns);
	*outp = out;
	out = NULL;
out:
	free(in);
	free(out);
	cim_image_release(img);
	cim_close(dev);
	cim_model_free(m);
	return ret;
}

static int save(const char *file, const struct rec *r, const int8_t *out)
{
	FILE *f = fopen(file, "wb");
	int ok;

	if (!f) {
		perror(file);
		return 1;
	}
	ok = fwrite(r, sizeof(*r), 1, f) == 1 &&
	     fwrite(out, r->out_size, r->batch, f) == r->batch;
	if (fclose(f) || !ok) {
		fprintf(stderr, "cim-simcmp: cannot write %s\n", file);
		return 1;
	}
	return 0;
}

static int compare(const char *file, const struct rec *r, const int8_t *out)
{
	size_t n = (size_t)r->batch * r->out_size, i, diff = 0;
	struct rec want;
	int8_t *w;
	FILE *f = fopen(file, "rb");
	int ok;

	if (!f) {
		perror(file);
		return 1;
	}
	w = malloc(n ? n : 1);
	ok = w && fread(&want, sizeof(want), 1, f) == 1 &&
	     !memcmp(want.magic, MAGIC, 8) && want.batch == r->batch &&
	     want.out_size == r->out_size && fread(w, 1, n, f) == n;
	fclose(f);
	if (!ok) {
		fprintf(stderr, "cim-simcmp: %s is not a run of %u items of %u bytes\n",
			file, r->batch, r->out_size);
		free(w);
		return 1;
	}
	for (i = 0; i < n; i++)
		diff += w[i] != out[i];
	free(w);
	if (diff)
		printf("outputs differ in %zu of %zu bytes\n", diff, n);
	else
		printf("outputs identical (%zu bytes)\n", n);
	printf("device_time_ns saved %" PRIu64 " here %" PRIu64 "\n",
	       want.device_time_ns, r->device_time_ns);
	printf("device_time_ratio %.6f\n", r->device_time_ns ?
	       (double)want.device_time_ns / (double)r->device_time_ns : 0.0);
	return diff || want.device_time_ns != r->device_time_ns;
}

int main(int argc, char **argv)
{
	struct rec r;
	int8_t *out = NULL;
	long batch;
	int ret;

	if (argc < 5 || argc > 6 ||
	    (strcmp(argv[1], "save") && strcmp(argv[1], "compare"))) {
		fprintf(stderr, "usage: cim-simcmp save|compare FILE MODEL.cimx BATCH [DEV]\n");
		return 2;
	}
	batch = strtol(argv[4], NULL, 0);
	if (batch < 1 || batch > 65535) {
		fprintf(stderr, "cim-simcmp: bad batch %s\n", argv[4]);
		return 2;
	}
	if (run(argc == 6 ? argv[5] : NULL, argv[3], (uint32_t)batch, &r, &out))
		return 1;
	ret = !strcmp(argv[1], "save") ? save(argv[2], &r, out) :
					 compare(argv[2], &r, out);
	free(out);
	return ret;
}
