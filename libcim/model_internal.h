/* SPDX-License-Identifier: MIT */
/* A loaded .cimx model.  Internal to libcim. */
#ifndef CIM_MODEL_INTERNAL_H
#define CIM_MODEL_INTERNAL_H

#include "cimx_format.h"


struct cim_model {
	uint8_t *buf;			/* the file, 8-aligned */
	const void *image;		/* inside buf */
	size_t image_size;
	struct cimx_meta meta;
	const char *strings;		/* inside buf, NUL-terminated */
};

#endif /* CIM_MODEL_INTERNAL_H */
