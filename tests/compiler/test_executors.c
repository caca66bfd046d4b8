// SPDX-License-Identifier: MIT
/*
 * libcim-compiler exports one CPU reference, cim_ref_run_image(), which
 * decodes the weights from the cells of the mapped image.  The
 * quantizer's private executor of a quantized model (cim_qmodel_run)
 * runs the same ops (ref_ops.c) with weights from the matrices, so the
 * two must agree bit for bit on the real digits models and data, every
 * op type they contain, with int8 and int4 weights, packed and unpacked:
 * that checks the mapping and the weight encoding.  The independent
 * readings of the op semantics are the card firmware (VM suite) and
 * XNNPACK (tests/libcim/test_xnnpack.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cim.h"
#include "cim_graph.h"
#include "cim_compiler.h"
#include "ref_private.h"	/* the executors checked against cim_ref_run_image() */

/*
 * Ops of the image with wbits w: SIMD CONVs (simd) or on arrays (!simd).
 */
static uint32_t count_ops(const void *image, uint32_t w, int simd)
{
	const struct cim_image_header *h = image;
	const struct cim_image_op *op = (const void *)((const uint8_t *)image +
						       h->ops_offset);
	uint32_t i, n = 0;

	for (i = 0; i < h->n_ops; i++)
		if ((op[i].type == CIM_OP_FC || op[i].type == CIM_OP_CONV) &&
		    op[i].wbits == w && !(op[i].flags & CIM_OPF_SIMD) == !simd)
			n++;
	return n;
}

static void agree_q(const char *onnx, uint32_t wbits, uint32_t map_flags,
		    uint32_t rows, uint32_t qflags)
{
	struct cim_quant_options qo = { .wbits = wbits, .flags = qflags };
	struct cim_map_opts mo = { .geom = { rows, rows, 4 }, .max_tiles = 0, .flags = map_flags };
	struct cim_dataset *test, *calib;
	const struct cim_qmodel *qm;
	struct cim_map_report rep;
	struct cim_quantized *q;
	struct cim_graph *g;
	int8_t *in, *a, *b;
	uint32_t s, in_len, out_len;
	size_t size;
	void *image;
	char err[256];

	assert_int_equal(cim_onnx_import_file(onnx, 1, &g, err, sizeof(err)), 0);
	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_calib.bin", &calib,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_dataset_load(MODELS_DIR "/digits_test.bin", &test,
					  err, sizeof(err)), 0);
	assert_int_equal(cim_quantize(g, calib, &qo, &q, err, sizeof(err)), 0);
	qm = cim_quantized_model(q);
	assert_int_equal(cim_map_qmodel(qm, &mo, &image, &size, &rep), 0);
	if (qflags & CIM_QUANT_SIMD_W8) {
		/* depthwise: 8-bit on the SIMD; the arrays' cells stay 4-bit */
		assert_true(count_ops(image, 8, 1) > 0);
		assert_int_equal(count_ops(image, 8, 0), 0);
		assert_true(count_ops(image, 4, 0) > 0);
	}
	in_len = cim_image_input_size(image, size);
	out_len = cim_image_output_size(image, size);
	assert_int_equal(in_len, test->len);
	in = malloc((size_t)test->n * in_len);
	a = malloc((size_t)test->n * out_len);
	b = malloc((size_t)test->n * out_len);
	assert_true(in && a && b);
	for (s = 0; s < test->n; s++) {
		cim_qmodel_quantize_input(qm, test->data + (size_t)s * test->len,
					  in + (size_t)s * in_len);
		assert_int_equal(cim_qmodel_run(qm, in + (size_t)s * in_len,
						a + (size_t)s * out_len, NULL), 0);
	}
	assert_int_equal(cim_ref_run_image(image, size, in, b, test->n), 0);
	assert_memory_equal(a, b, (size_t)test->n * out_len);
	/* a spoiled cell must show: the comparison can fail */
	((uint8_t *)image)[size - 1] ^= 0x11;
	((struct cim_image_header *)image)->crc32 = cim_image_crc(image, size);
	assert_int_equal(cim_ref_run_image(image, size, in, b, test->n), 0);
	assert_memory_not_equal(a, b, (size_t)test->n * out_len);
	free(in);
	free(a);
	free(b);
	free(image);
	cim_map_report_free(&rep);
	cim_quantized_free(q);
	cim_dataset_free(test);
	cim_dataset_free(calib);
	cim_graph_free(g);
}

static void agree(const char *onnx, uint32_t wbits, uint32_t map_flags,
		  uint32_t rows)
{
	agree_q(onnx, wbits, map_flags, rows, 0);
}

static void test_mlp(void **state)
{
	(void)state;
	agree(MODELS_DIR "/digits_mlp.onnx", 8, 0, 256);
	agree(MODELS_DIR "/digits_mlp.onnx", 4, 0, 1024);
}

static void test_cnn(void **state)
{
	(void)state;
	agree(MODELS_DIR "/digits_cnn.onnx", 8, 0, 1024);
	agree(MODELS_DIR "/digits_cnn.onnx", 4, 0, 256);
	agree(MODELS_DIR "/digits_cnn.onnx", 8, CIM_MAP_NO_PACK, 256);
	agree_q(MODELS_DIR "/digits_cnn.onnx", 4, 0, 256, CIM_QUANT_SIMD_W8);
	agree_q(MODELS_DIR "/digits_cnn.onnx", 4, CIM_MAP_NO_PACK, 1024, CIM_QUANT_SIMD_W8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlp),
		cmocka_unit_test(test_cnn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
