// SPDX-License-Identifier: MIT
/*
 * .cimx container: same inputs give the same bytes; the file round-trips
 * (metadata, image, float runs equal to the qmodel reference); every
 * truncation and random damage (CRC fixed up or not) is rejected with a
 * message and never crashes (run under ASan/UBSan).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cim.h"
#include "cimx_format.h"
#include "qgen.h"
#include "testutil.h"

static const struct cim_map_opts opts = { .geom = { 64, 64, 4 }, .max_tiles = 0, .flags = 0 };

static void build(struct qg_model *m, uint64_t seed)
{
	uint64_t s = seed;

	qg_random(m, &s);
	m->t[0].name = "pixels";
	m->t[m->qm.output_tensor].name = "logits";
	m->t[m->qm.output_tensor].q.scale = 0.125f;
	m->qm.flags = CIM_QMODEL_HOST_SOFTMAX;
}

static void same_inputs_same_bytes(void **state)
{
	uint64_t seed;

	(void)state;
	for (seed = 1; seed < 20; seed++) {
		struct qg_model a, b;
		void *fa, *fb;
		size_t sa, sb;

		build(&a, seed);
		build(&b, seed);
		assert_int_equal(cim_compile_qmodel(&a.qm, &opts, "--weights int8", &fa, &sa, NULL), 0);
		assert_int_equal(cim_compile_qmodel(&b.qm, &opts, "--weights int8", &fb, &sb, NULL), 0);
		assert_int_equal(sa, sb);
		assert_memory_equal(fa, fb, sa);
		free(fb);
		/* Other options, other bytes. */
		assert_int_equal(cim_compile_qmodel(&b.qm, &opts, "--weights int4", &fb, &sb, NULL), 0);
		assert_memory_not_equal(fa, fb, sa < sb ? sa : sb);
		free(fa);
		free(fb);
		qg_free(&a);
		qg_free(&b);
	}
}

static void round_trip(void **state)
{
	struct cim_tensor_info ti, to;
	struct cim_map_report rep;
	struct cim_model *cm;
	struct qg_model m;
	const void *img;
	size_t size, isz, i, n_in, n_out, b, batch = 5;
	void *f;
	int8_t *q, *r;
	float *x, *y;

	(void)state;
	build(&m, 42);
	assert_int_equal(cim_compile_qmodel(&m.qm, &opts, "opts here", &f, &size, &rep), 0);
	assert_true(rep.tiles > 0 && rep.image_size < size);
	assert_int_equal(cim_model_load(f, size, &cm), 0);
	cim_model_input(cm, &ti);
	cim_model_output(cm, &to);
	assert_string_equal(ti.name, "pixels");
	assert_string_equal(to.name, "logits");
	assert_string_equal(cim_model_options(cm), "opts here");
	assert_int_equal(cim_model_flags(cm), CIM_MODEL_HOST_SOFTMAX);
	assert_true(to.scale == 0.125f);
	assert_int_equal(ti.zero_point, m.t[0].q.zero_point);
	n_in = (size_t)ti.c * ti.h * ti.w;
	n_out = (size_t)to.c * to.h * to.w;
	img = cim_model_image(cm, &isz);
	assert_int_equal(isz, rep.image_size);
	assert_int_equal(cim_image_input_size(img, isz), n_in);
	/* Float run = quantize, qmodel reference, dequantize, softmax. */
	x = malloc(batch * n_in * sizeof(float));
	y = malloc(batch * n_out * sizeof(float));
	q = malloc(batch * n_in);
	r = malloc(batch * n_out);
	for (i = 0; i < batch * n_in; i++)
		x[i] = (float)tu_range(&(uint64_t){ i + 1 }, -300, 300) / 100.0f;
	cim_model_quantize(cm, x, q, (uint32_t)batch);
	assert_int_equal(cim_ref_run_image(img, isz, q, r, (uint32_t)batch), 0);
	cim_model_dequantize(cm, r, y, (uint32_t)batch);
	assert_int_equal(cim_ref_run_qmodel(&m.qm, q, r, (uint32_t)batch), 0);
	for (b = 0; b < batch; b++) {
		double sum = 0, mx = -1e30, e[64], es = 0;

		for (i = 0; i < n_out; i++) {
			double v = 0.125 * (r[b * n_out + i] - to.zero_point);

			mx = v > mx ? v : mx;
			e[i] = v;
		}
		for (i = 0; i < n_out; i++)
			es += e[i] = exp(e[i] - mx);
		for (i = 0; i < n_out; i++) {
			assert_true(fabs(y[b * n_out + i] - e[i] / es) < 1e-5);
			sum += y[b * n_out + i];
		}
		assert_true(fabs(sum - 1) < 1e-5);
	}
	free(x); free(y); free(q); free(r);
	cim_model_free(cm);
	cim_map_report_free(&rep);
	free(f);
	qg_free(&m);
}

static void damage_rejected(void **state)
{
	struct cim_model *cm;
	struct qg_model m;
	uint64_t s = 9;
	size_t size, len;
	uint8_t *f;
	int i, rejected = 0;

	(void)state;
	build(&m, 7);
	assert_int_equal(cim_compile_qmodel(&m.qm, &opts, "", (void **)&f, &size, NULL), 0);
	/* Every truncation. */
	for (len = 0; len < size; len++) {
		uint8_t *b = tu_dup(f, len);

		assert_int_equal(cim_model_load(b, len, &cm), -EINVAL);
		assert_null(cm);
		assert_true(strlen(cim_last_error(NULL)) > 0);
		free(b);
	}
	/* Random damage before the cells, CRC fixed up half the time. */
	for (i = 0; i < 3000; i++) {
		uint8_t *b = tu_dup(f, size);
		struct cimx_header *h = (struct cimx_header *)b;
		size_t at = (size_t)tu_range(&s, 0, (int64_t)size / 2);
		int fix = (int)tu_range(&s, 0, 1), r;

		b[at] ^= (uint8_t)tu_range(&s, 1, 255);
		if (tu_range(&s, 0, 1))
			b[(size_t)tu_range(&s, 0, 127)] = (uint8_t)tu_rand(&s);
		if (fix) {
			h->crc32 = 0;
			h->crc32 = cim_crc32(0, b, size);
		}
		r = cim_model_load(b, size, &cm);
		if (r) {
			assert_true(r == -EINVAL);
			assert_non_null(strstr(cim_last_error(NULL), "cimx"));
			rejected++;
		} else {
			/* Harmless damage (a bias, a name byte): still runs. */
			int8_t in[512] = { 0 }, out[512];
			struct cim_tensor_info t, o;
			const void *im;
			size_t n;

			cim_model_input(cm, &t);
			cim_model_output(cm, &o);
			im = cim_model_image(cm, &n);
			if ((size_t)t.c * t.h * t.w <= 512 &&
			    (size_t)o.c * o.h * o.w <= 512)
				assert_int_equal(cim_ref_run_image(im, n, in, out, 1), 0);
			cim_model_free(cm);
		}
		free(b);
	}
	assert_true(rejected > 2000);
	/* Unchanged, it loads. */
	assert_int_equal(cim_model_load(f, size, &cm), 0);
	cim_model_free(cm);
	free(f);
	qg_free(&m);
}

static void file_errors(void **state)
{
	struct cim_model *cm;

	(void)state;
	assert_int_equal(cim_model_load_file("/nonexistent/x.cimx", &cm), -ENOENT);
	assert_non_null(strstr(cim_last_error(NULL), "/nonexistent/x.cimx"));
	assert_int_equal(cim_model_load(NULL, 0, &cm), -EINVAL);
	assert_non_null(strstr(cim_last_error(NULL), "smaller than its header"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_inputs_same_bytes),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(damage_rejected),
		cmocka_unit_test(file_errors),
	};

	return cmocka_run_group_tests_name("cimx", tests, NULL, NULL);
}
