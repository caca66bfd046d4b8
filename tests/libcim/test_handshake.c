// SPDX-License-Identifier: MIT
/*
 * Version handshake messages, job status mapping, relative-to-absolute
 * timeouts.  Pure functions: no device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "cim_model.h"

static struct cim_info good_info(void)
{
	struct cim_info i;

	memset(&i, 0, sizeof(i));
	i.uapi_version = DRM_CIM_UAPI_VERSION;
	i.fw_version = CIM_FW_MAJOR << 16;
	i.query_size = sizeof(struct drm_cim_device_info);
	return i;
}

/* cim_check_versions() refuses i with -EPROTO and a message holding want. */
static void assert_refused(const struct cim_info *i, const char *want,
			   int exact)
{
	char msg[200];

	assert_int_equal(cim_check_versions(i, msg, sizeof(msg)), -EPROTO);
	if (exact)
		assert_string_equal(msg, want);
	else
		assert_non_null(strstr(msg, want));
}

static void versions_match(void **state)
{
	struct cim_info i = good_info();
	char msg[200] = "junk";

	(void)state;
	assert_int_equal(cim_check_versions(&i, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	/* A newer minor firmware is compatible. */
	i.fw_version = (CIM_FW_MAJOR << 16) | 9;
	assert_int_equal(cim_check_versions(&i, msg, sizeof(msg)), 0);
	/* An older driver that answers only the first 8 bytes still works. */
	i.query_size = 8;
	assert_int_equal(cim_check_versions(&i, NULL, 0), 0);
}

static void newer_driver(void **state)
{
	struct cim_info i = good_info();

	(void)state;
	i.uapi_version = 2;
	assert_refused(&i,
		       "kernel driver speaks uapi 2, libcim 1: upgrade libcim", 1);
}

static void older_driver(void **state)
{
	struct cim_info i = good_info();

	(void)state;
	i.uapi_version = 0;
	assert_refused(&i,
		       "kernel driver speaks uapi 0, libcim 1: upgrade the kernel driver (cim.ko)", 1);
}

static void newer_firmware(void **state)
{
	struct cim_info i = good_info();

	(void)state;
	i.fw_version = (3 << 16) | 3;
	assert_refused(&i,
		       "card firmware is 3.3, libcim speaks firmware 2.x: upgrade libcim", 1);
}

static void older_firmware(void **state)
{
	struct cim_info i = good_info();

	(void)state;
	i.fw_version = (1 << 16) | 7;	/* speaks image format 1 only */
	assert_refused(&i,
		       "card firmware is 1.7, libcim speaks firmware 2.x: upgrade the card firmware", 1);
}

static void short_query(void **state)
{
	struct cim_info i = good_info();

	(void)state;
	i.query_size = 4;
	assert_refused(&i, "upgrade the kernel driver", 0);
}

static void message_truncated_safely(void **state)
{
	struct cim_info i = good_info();
	char msg[12];

	(void)state;
	memset(msg, 'x', sizeof(msg));
	i.uapi_version = 3;
	assert_int_equal(cim_check_versions(&i, msg, sizeof(msg)), -EPROTO);
	assert_int_equal(strlen(msg), sizeof(msg) - 1);
	assert_int_equal(cim_check_versions(&i, NULL, 0), -EPROTO);
}

static void job_status_errno(void **state)
{
	(void)state;
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_OK), 0);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_BAD_DESC), -EINVAL);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_BAD_IMAGE), -EBADMSG);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_DMA_ERROR), -EIO);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_NO_IMAGE), -ENOENT);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_VERIFY_FAIL), -EREMOTEIO);
	assert_int_equal(cim_job_status_errno(DRM_CIM_JOB_TIMEOUT), -ETIMEDOUT);
	assert_int_equal(cim_job_status_errno(1000), -EIO);
}

static void job_status_str(void **state)
{
	uint32_t st;

	(void)state;
	assert_string_equal(cim_job_status_str(DRM_CIM_JOB_OK), "ok");
	assert_string_equal(cim_job_status_str(DRM_CIM_JOB_DMA_ERROR), "DMA error");
	assert_string_equal(cim_job_status_str(77), "unknown job status");
	/* Every defined status has its own text. */
	for (st = DRM_CIM_JOB_BAD_DESC; st <= DRM_CIM_JOB_TIMEOUT; st++) {
		assert_string_not_equal(cim_job_status_str(st), "unknown job status");
		assert_string_not_equal(cim_job_status_str(st),
					cim_job_status_str(st - 1));
	}
}

static void deadlines(void **state)
{
	(void)state;
	assert_int_equal(cimi_deadline(1000, 0), 1000);
	assert_int_equal(cimi_deadline(1000, 5), 1005);
	assert_true(cimi_deadline(1000, CIM_TIMEOUT_INFINITE) == INT64_MAX);
	/* No overflow past INT64_MAX. */
	assert_true(cimi_deadline(INT64_MAX - 10, 11) == INT64_MAX);
	assert_true(cimi_deadline(INT64_MAX - 10, 10) == INT64_MAX);
	assert_true(cimi_deadline(5, INT64_MAX) == INT64_MAX);
	/* The clock moves forward. */
	{
		uint64_t a = cimi_now_ns(), b = cimi_now_ns();

		assert_true(a > 0);
		assert_true(b >= a);
	}
}

/*
 * cim_infer()'s default wait: 30 s plus, per item, the image's weight
 * MACs at 10M MAC/s until a job of it has run, then four times the
 * slowest pace seen; cim_set_timeout() overrides it; no overflow.
 */
static void job_timeout_follows_size(void **state)
{
	static int8_t w1[64 * 32], w2[32 * 16];
	static int32_t bias[32], mult[32], shift[32];
	struct cim_fc_layer l[2] = {
		{ .in_len = 64, .out_len = 32, .weights = w1, .bias = bias,
		  .mult = mult, .shift = shift, .act_min = -128, .act_max = 127 },
		{ .in_len = 32, .out_len = 16, .weights = w2, .bias = bias,
		  .mult = mult, .shift = shift, .act_min = -128, .act_max = 127 },
	};
	struct cim_model_desc m = { 2, l };
	struct cim_geometry g = { .tile_rows = 32, .tile_cols = 32,
				  .cell_bits = 4 };
	const int64_t floor_ns = CIM_DEFAULT_TIMEOUT_NS;
	struct cim_image img;
	struct cim_dev dev;
	size_t size;
	void *image;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		mult[i] = 1 << 30;
	assert_int_equal(cim_image_build(&m, &g, &image, &size), 0);
	memset(&img, 0, sizeof(img));
	memset(&dev, 0, sizeof(dev));
	/* the layers' K x N, split over 32x32 arrays or not */
	img.item_macs = cimi_image_item_macs(image);
	assert_int_equal(img.item_macs, 64 * 32 + 32 * 16);
	free(image);

	/* 2560 MACs at 10M MAC/s: 256 us per item */
	assert_true(cimi_job_timeout(&dev, &img, 1) == floor_ns + 256000);
	assert_true(cimi_job_timeout(&dev, &img, 1000) == floor_ns + 256000000);
	/* measured: 10 items in 5 ms, 500 us each, times 4 */
	cimi_job_took(&img, 10, 5000000);
	assert_true(cimi_job_timeout(&dev, &img, 100) == floor_ns + 200000000);
	/* a faster job does not lower the pace, a slower one raises it */
	cimi_job_took(&img, 10, 1000000);
	assert_true(cimi_job_timeout(&dev, &img, 100) == floor_ns + 200000000);
	cimi_job_took(&img, 10, 10000000);
	assert_true(cimi_job_timeout(&dev, &img, 100) == floor_ns + 400000000);
	/* no overflow */
	img.item_ns = UINT64_MAX / 8;
	assert_true(cimi_job_timeout(&dev, &img, 65535) == INT64_MAX);
	/* cim_set_timeout() wins */
	assert_int_equal(cim_set_timeout(&dev, 1234), 0);
	assert_true(cimi_job_timeout(&dev, &img, 1000) == 1234);
}

static void last_error_per_thread(void **state)
{
	(void)state;
	cimi_set_error(NULL, "boom %d", 42);
	assert_string_equal(cim_last_error(NULL), "boom 42");
	assert_non_null(cim_version());
	/* the top-level VERSION file, the one version source */
	assert_string_equal(cim_version(), CIM_VERSION_FILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(versions_match),
		cmocka_unit_test(newer_driver),
		cmocka_unit_test(older_driver),
		cmocka_unit_test(newer_firmware),
		cmocka_unit_test(older_firmware),
		cmocka_unit_test(short_query),
		cmocka_unit_test(message_truncated_safely),
		cmocka_unit_test(job_status_errno),
		cmocka_unit_test(job_status_str),
		cmocka_unit_test(deadlines),
		cmocka_unit_test(job_timeout_follows_size),
		cmocka_unit_test(last_error_per_thread),
	};

	return cmocka_run_group_tests_name("handshake", tests, NULL, NULL);
}
