// SPDX-License-Identifier: MIT
/*
 * cim-compile --report's prediction: the compiled model run by the
 * firmware scheduler on the userspace card of the preset (libcim's sim
 * backend, ideal analog model), at batch 1, 8 and 16.  The figures are
 * the card's modeled device time, not host seconds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cim.h"
#include "compile_builtin.h"

int compile_predict(const void *cimx, size_t size, const char *preset)
{
	static const uint32_t batches[] = { 1, 8, 16 };
	struct cim_image_props p;
	struct cim_run_stats st;
	struct cim_model *m = NULL;
	struct cim_image *img = NULL;
	struct cim_dev *dev = NULL;
	int8_t *in = NULL, *out = NULL;
	const void *image;
	char name[64];
	size_t isize, i;
	uint32_t b;
	int r;

	snprintf(name, sizeof(name), "sim:%s", preset);
	r = cim_model_load(cimx, size, &m);
	if (!r)
		r = cim_open(name, &dev);
	if (r) {
		fprintf(stderr, "cim-compile: prediction: %s\n", cim_last_error(NULL));
		goto out;
	}
	image = cim_model_image(m, &isize);
	r = cim_image_load(dev, image, isize, &img);
	if (r) {
		fprintf(stderr, "cim-compile: prediction: %s\n", cim_last_error(dev));
		goto out;
	}
	cim_image_get_props(img, &p);
	in = malloc((size_t)16 * p.input_size);
	out = malloc((size_t)16 * p.output_size);
	r = -1;
	if (!in || !out)
		goto out;
	for (i = 0; i < (size_t)16 * p.input_size; i++)
		in[i] = (int8_t)(i * 37 + 11);
	for (b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		r = cim_infer(dev, img, in, out, batches[b], &st);
		if (r || !st.device_time_ns) {
			fprintf(stderr, "cim-compile: prediction: %s\n",
				cim_last_error(dev));
			r = -1;
			goto out;
		}
		printf("predicted b%-2u    %.1f fps, %.3f ms per job (%s card, modeled)\n",
		       batches[b], batches[b] * 1e9 / st.device_time_ns,
		       st.device_time_ns / 1e6, preset);
	}
out:
	free(in);
	free(out);
	if (img)
		cim_image_free(img);
	if (dev)
		cim_close(dev);
	cim_model_free(m);
	return r;
}
