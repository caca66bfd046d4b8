// SPDX-License-Identifier: MIT
/*
 * Error reporting: last-error messages and the meaning of job status codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/* Failures before there is a device (cim_open, cim_list) land here. */
static _Thread_local char thread_err[CIMI_ERR_LEN];

void cimi_set_error(struct cim_dev *dev, const char *fmt, ...)
{
	char *buf = dev ? dev->err : thread_err;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, CIMI_ERR_LEN, fmt, ap);
	va_end(ap);
}

const char *cim_last_error(const struct cim_dev *dev)
{
	return dev ? dev->err : thread_err;
}

/* The same errno the driver puts on the job's fence (docs/uapi.md). */
int cim_job_status_errno(uint32_t status)
{
	switch (status) {
	case DRM_CIM_JOB_OK:
		return 0;
	case DRM_CIM_JOB_BAD_DESC:
		return -EINVAL;
	case DRM_CIM_JOB_BAD_IMAGE:
		return -EBADMSG;
	case DRM_CIM_JOB_NO_IMAGE:
		return -ENOENT;
	case DRM_CIM_JOB_VERIFY_FAIL:
		return -EREMOTEIO;
	case DRM_CIM_JOB_TIMEOUT:
		return -ETIMEDOUT;
	case DRM_CIM_JOB_CARD_ERROR:
		return -ECONNRESET;
	case DRM_CIM_JOB_TILE_FAULT:
		return -EHWPOISON;
	case DRM_CIM_JOB_DMA_ERROR:
	default:
		return -EIO;
	}
}

const char *cim_job_status_str(uint32_t status)
{
	switch (status) {
	case DRM_CIM_JOB_OK:
		return "ok";
	case DRM_CIM_JOB_BAD_DESC:
		return "card rejected the job descriptor";
	case DRM_CIM_JOB_BAD_IMAGE:
		return "card rejected the weight image";
	case DRM_CIM_JOB_DMA_ERROR:
		return "DMA error";
	case DRM_CIM_JOB_NO_IMAGE:
		return "image not loaded on the card";
	case DRM_CIM_JOB_VERIFY_FAIL:
		return "flash program-and-verify failed";
	case DRM_CIM_JOB_TIMEOUT:
		return "job timed out on the card";
	case DRM_CIM_JOB_CARD_ERROR:
		return "card firmware crashed running the job";
	case DRM_CIM_JOB_TILE_FAULT:
		return "a flash tile failed";
	case CIMI_RESULT_PENDING:
		return "no result written";
	default:
		return "unknown job status";
	}
}
