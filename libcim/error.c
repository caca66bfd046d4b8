// SPDX-License-Identifier: MIT
/*
 * Error reporting: last-error messages and the meaning of job status codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/*
 * The calling thread's last failure and the device it was on (NULL: a
 * call without one).  Per thread, so threads sharing a device need no
 * lock and never read each other's messages.
 */
static _Thread_local struct {
	const struct cim_dev *dev;
	char msg[CIMI_ERR_LEN];
} last;

void cimi_set_error(struct cim_dev *dev, const char *fmt, ...)
{
	va_list ap;

	last.dev = dev;
	va_start(ap, fmt);
	vsnprintf(last.msg, CIMI_ERR_LEN, fmt, ap);
	va_end(ap);
}

void cimi_forget_errors(const struct cim_dev *dev)
{
	if (last.dev == dev)
		last.msg[0] = '\0';
}

const char *cim_last_error(const struct cim_dev *dev)
{
	return last.dev == dev ? last.msg : "";
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
	case DRM_CIM_JOB_CANCELED:
		return -ECANCELED;
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
	case DRM_CIM_JOB_CANCELED:
		return "canceled";
	case CIMI_RESULT_PENDING:
		return "no result written";
	default:
		return "unknown job status";
	}
}
