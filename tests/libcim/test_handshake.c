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
#include <string.h>
#include <cmocka.h>

#include "internal.h"

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

static void last_error_per_thread(void **state)
{
	(void)state;
	cimi_set_error(NULL, "boom %d", 42);
	assert_string_equal(cim_last_error(NULL), "boom 42");
	assert_non_null(cim_version());
	assert_string_equal(cim_version(), "1.0.0");
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
		cmocka_unit_test(last_error_per_thread),
	};

	return cmocka_run_group_tests_name("handshake", tests, NULL, NULL);
}
