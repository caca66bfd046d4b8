// SPDX-License-Identifier: MIT
/*
 * cim-compile --report's prediction: the compiled model run by the
 * firmware scheduler on the userspace card of the preset (libcim's sim
 * backend, ideal analog model), at batch 1, 8 and 16; and --pack best's
 * measure of one image at the mapping's batch.  The figures are the
 * card's modeled device time, not host seconds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cim.h"
#include "compile_builtin.h"

#define MAX_BATCH	16

/* A compiled model loaded on the userspace card, with buffers. */
struct card_run {
	struct cim_model *m;
	struct cim_image *img;
	struct cim_dev *dev;
	int8_t *in, *out;
};

static void card_close(struct card_run *c)
{
	free(c->in);
	free(c->out);
	if (c->img)
		cim_image_free(c->img);
	if (c->dev)
		cim_close(c->dev);
	cim_model_free(c->m);
}

/* 0, or nonzero with the reason in *why (static or libcim's). */
static int card_open(struct card_run *c, const void *cimx, size_t size,
		     const char *preset, uint32_t batch, const char **why)
{
	struct cim_image_props p;
	const void *image;
	char name[64];
	size_t isize, i;

	*c = (struct card_run){ 0 };
	snprintf(name, sizeof(name), "sim:%s", preset);
	if (cim_model_load(cimx, size, &c->m) || cim_open(name, &c->dev)) {
		*why = cim_last_error(NULL);
		return -1;
	}
	image = cim_model_image(c->m, &isize);
	if (cim_image_load(c->dev, image, isize, &c->img)) {
		*why = cim_last_error(c->dev);
		return -1;
	}
	cim_image_get_props(c->img, &p);
	c->in = malloc((size_t)batch * p.input_size);
	c->out = malloc((size_t)batch * p.output_size);
	if (!c->in || !c->out) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < (size_t)batch * p.input_size; i++)
		c->in[i] = (int8_t)(i * 37 + 11);
	return 0;
}

/* Modeled ns of one job of `batch` items, 0 on failure. */
static uint64_t card_job_ns(struct card_run *c, uint32_t batch)
{
	struct cim_run_stats st;

	if (cim_infer(c->dev, c->img, c->in, c->out, batch, &st))
		return 0;
	return st.device_time_ns;
}

int compile_fps(const void *cimx, size_t size, const char *preset,
		uint32_t batch, double *fps)
{
	struct card_run c;
	const char *why;
	uint64_t ns = 0;

	if (!batch)
		batch = 1;
	if (!card_open(&c, cimx, size, preset, batch, &why))
		ns = card_job_ns(&c, batch);
	card_close(&c);
	if (!ns)
		return -1;
	*fps = batch * 1e9 / ns;
	return 0;
}

int compile_predict(const void *cimx, size_t size, const char *preset)
{
	static const uint32_t batches[] = { 1, 8, MAX_BATCH };
	struct card_run c;
	const char *why;
	uint64_t ns;
	uint32_t b;
	int r = -1;

	if (card_open(&c, cimx, size, preset, MAX_BATCH, &why)) {
		fprintf(stderr, "cim-compile: prediction: %s\n", why);
		goto out;
	}
	for (b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		ns = card_job_ns(&c, batches[b]);
		if (!ns) {
			fprintf(stderr, "cim-compile: prediction: %s\n",
				cim_last_error(c.dev));
			goto out;
		}
		printf("predicted b%-2u    %.1f fps, %.3f ms per job (%s card, modeled)\n",
		       batches[b], batches[b] * 1e9 / ns, ns / 1e6, preset);
	}
	r = 0;
out:
	card_close(&c);
	return r;
}
