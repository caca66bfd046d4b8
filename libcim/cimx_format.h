/* SPDX-License-Identifier: MIT */
/*
 * The .cimx model container (docs/cimx-format.md): a header, a section
 * table, and 8-aligned sections (the weight image, the metadata).  All
 * little endian.  Shared by libcim's reader and libcim-compiler's
 * writer, installed by neither; the format is documented for other
 * readers.
 */
#ifndef CIM_CIMX_FORMAT_H
#define CIM_CIMX_FORMAT_H

#include <stdint.h>

#define CIMX_MAGIC		0x584d4943u	/* "CIMX" */
#define CIMX_VERSION_MAJOR	1
#define CIMX_VERSION_MINOR	0
#define CIMX_MAX_SECTIONS	16
/*
 * Longest K or N of an op in a .cimx's image: what libcim-compiler maps
 * and what the reader accepts (the card's own limit is checked at load).
 */
#define CIMX_MAX_VECTOR		16384	/* the card's MAX_VECTOR (CIM_FW_MAX_VECTOR) */

#define CIMX_SEC_IMAGE		1	/* weight image, uapi/cim_image.h */
#define CIMX_SEC_META		2	/* struct cimx_meta + strings */

#define CIMX_META_HOST_SOFTMAX	0x1

struct cimx_header {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;	/* 64 */
	uint32_t flags;		/* 0 */
	uint64_t file_size;
	uint32_t crc32;		/* CRC-32 of the file with this field 0 */
	uint32_t n_sections;
	uint64_t sections_offset;
	uint32_t reserved[6];
};

struct cimx_section {
	uint32_t type;		/* CIMX_SEC_* */
	uint32_t flags;		/* 0 */
	uint64_t offset;	/* 8-aligned, from the start of the file */
	uint64_t size;
	uint64_t reserved;
};

/* A tensor the host sees: shape HWC, quantization, name in the strings. */
struct cimx_tensor {
	uint32_t c, h, w;
	float scale;		/* real = scale * (q - zero_point) */
	int32_t zero_point;
	uint32_t name_offset;	/* in the strings, NUL-terminated */
	uint32_t reserved[2];
};

struct cimx_meta {
	uint32_t meta_size;	/* sizeof(struct cimx_meta) */
	uint32_t flags;		/* CIMX_META_* */
	uint32_t tiles;		/* arrays the image needs */
	uint32_t options_offset;	/* compile options, in the strings */
	struct cimx_tensor input;
	struct cimx_tensor output;
	uint32_t strings_size;	/* bytes after this struct */
	uint32_t reserved[3];
};

_Static_assert(sizeof(struct cimx_header) == 64, "cimx header layout");
_Static_assert(sizeof(struct cimx_section) == 32, "cimx section layout");
_Static_assert(sizeof(struct cimx_meta) == 96, "cimx meta layout");

#endif /* CIM_CIMX_FORMAT_H */
