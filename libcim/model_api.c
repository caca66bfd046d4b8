// SPDX-License-Identifier: MIT
/*
 * Using a loaded .cimx model: its metadata, float <-> int8 conversion,
 * host softmax, and runs on the CPU reference or a card.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "model_internal.h"

const void *cim_model_image(const struct cim_model *m, size_t *size)
{
	*size = m->image_size;
	return m->image;
}

static void info(const struct cim_model *m, const struct cimx_tensor *t,
		 struct cim_tensor_info *o)
{
	o->name = m->strings + t->name_offset;
	o->c = t->c;
	o->h = t->h;
	o->w = t->w;
	o->scale = t->scale;
	o->zero_point = t->zero_point;
}

void cim_model_input(const struct cim_model *m, struct cim_tensor_info *t)
{
	info(m, &m->meta.input, t);
}

void cim_model_output(const struct cim_model *m, struct cim_tensor_info *t)
{
	info(m, &m->meta.output, t);
}

uint32_t cim_model_flags(const struct cim_model *m)
{
	return m->meta.flags & CIMX_META_HOST_SOFTMAX ? CIM_MODEL_HOST_SOFTMAX : 0;
}

const char *cim_model_options(const struct cim_model *m)
{
	return m->strings + m->meta.options_offset;
}

static uint64_t tsize(const struct cimx_tensor *t)
{
	return (uint64_t)t->c * t->h * t->w;
}

/* Element i of an NCHW item sits at this index of the HWC item. */
static uint64_t hwc_index(const struct cimx_tensor *t, uint64_t i)
{
	uint64_t hw = (uint64_t)t->h * t->w;

	return (i % hw) * t->c + i / hw;
}

void cim_model_quantize(const struct cim_model *m, const float *in, int8_t *q,
			uint32_t batch)
{
	const struct cimx_tensor *t = &m->meta.input;
	uint64_t i, b, n = tsize(t);

	for (b = 0; b < batch; b++) {
		for (i = 0; i < n; i++) {
			float v = roundf(in[b * n + i] / t->scale) +
				  (float)t->zero_point;

			q[b * n + hwc_index(t, i)] =
				(int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
		}
	}
}

void cim_model_dequantize(const struct cim_model *m, const int8_t *q,
			  float *out, uint32_t batch)
{
	const struct cimx_tensor *t = &m->meta.output;
	uint64_t i, b, n = tsize(t);

	for (b = 0; b < batch; b++)
		for (i = 0; i < n; i++)
			out[b * n + i] = t->scale *
				(float)(q[b * n + hwc_index(t, i)] - t->zero_point);
	if (!(m->meta.flags & CIMX_META_HOST_SOFTMAX))
		return;
	for (b = 0; b < batch; b++) {
		float *o = out + b * n, mx = o[0], sum = 0;

		for (i = 1; i < n; i++)
			mx = o[i] > mx ? o[i] : mx;
		for (i = 0; i < n; i++)
			sum += o[i] = expf(o[i] - mx);
		for (i = 0; i < n; i++)
			o[i] /= sum;
	}
}

int cim_model_program(struct cim_dev *dev, const struct cim_model *m,
		      struct cim_image **img)
{
	return cim_image_load(dev, m->image, m->image_size, img);
}

int cim_model_infer(struct cim_dev *dev, struct cim_image *img,
		    const struct cim_model *m, const float *in, float *out,
		    uint32_t batch, struct cim_run_stats *stats)
{
	int8_t *q = malloc(tsize(&m->meta.input) * batch + 1);
	int8_t *r = malloc(tsize(&m->meta.output) * batch + 1);
	int ret = -ENOMEM;

	if (q && r) {
		cim_model_quantize(m, in, q, batch);
		ret = cim_infer(dev, img, q, r, batch, stats);
		if (!ret)
			cim_model_dequantize(m, r, out, batch);
	}
	free(q);
	free(r);
	return ret;
}
