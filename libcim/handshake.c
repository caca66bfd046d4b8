// SPDX-License-Identifier: MIT
/*
 * Version handshake: libcim refuses a driver or firmware it does not
 * speak, and says which side to upgrade.
 */
#include <errno.h>
#include <stdio.h>

#include "internal.h"

_Static_assert(CIM_UAPI_VERSION == DRM_CIM_UAPI_VERSION,
	       "cim.h and uapi/drm/cim_accel.h disagree on the uapi version");

/* Enough of the query to hold uapi_version and fw_version. */
#define MIN_QUERY_SIZE	8u

int cim_check_versions(const struct cim_info *info, char *msg, size_t len)
{
	uint32_t fw_major = info->fw_version >> 16;
	uint32_t fw_minor = info->fw_version & 0xffff;
	char dummy[1];

	if (!msg) {
		msg = dummy;
		len = sizeof(dummy);
	}
	if (info->query_size < MIN_QUERY_SIZE) {
		snprintf(msg, len,
			 "kernel driver answered the device query with %u bytes, "
			 "libcim needs at least %u: upgrade the kernel driver (cim.ko)",
			 info->query_size, MIN_QUERY_SIZE);
		return -EPROTO;
	}
	if (info->uapi_version > CIM_UAPI_VERSION) {
		snprintf(msg, len,
			 "kernel driver speaks uapi %u, libcim %u: upgrade libcim",
			 info->uapi_version, CIM_UAPI_VERSION);
		return -EPROTO;
	}
	if (info->uapi_version < CIM_UAPI_VERSION) {
		snprintf(msg, len,
			 "kernel driver speaks uapi %u, libcim %u: upgrade the kernel driver (cim.ko)",
			 info->uapi_version, CIM_UAPI_VERSION);
		return -EPROTO;
	}
	if (fw_major > CIM_FW_MAJOR) {
		snprintf(msg, len,
			 "card firmware is %u.%u, libcim speaks firmware %u.x: upgrade libcim",
			 fw_major, fw_minor, CIM_FW_MAJOR);
		return -EPROTO;
	}
	if (fw_major < CIM_FW_MAJOR) {
		snprintf(msg, len,
			 "card firmware is %u.%u, libcim speaks firmware %u.x: upgrade the card firmware",
			 fw_major, fw_minor, CIM_FW_MAJOR);
		return -EPROTO;
	}
	if (len)
		msg[0] = '\0';
	return 0;
}
