// SPDX-License-Identifier: MIT
/*
 * Reading .cimx files: every field validated before use, so that a
 * malformed file gets a clear error and never a crash.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "file_read.h"
#include "cimx_format.h"
#include "uapi/cim_image.h"
#include "model_internal.h"

#define BAD(...) do { cimi_set_error(NULL, "bad .cimx file: " __VA_ARGS__); \
		      return -EINVAL; } while (0)

static int range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* The CRC of the file with its crc32 field taken as zero. */
static uint32_t file_crc(const uint8_t *b, size_t size)
{
	static const uint8_t zero[4];
	size_t at = offsetof(struct cimx_header, crc32);
	uint32_t crc = cim_crc32(0, b, at);

	crc = cim_crc32(crc, zero, 4);
	return cim_crc32(crc, b + at + 4, size - at - 4);
}

static int check_tensor(const struct cimx_tensor *t, uint32_t strings,
			uint32_t bytes, const char *what)
{
	if (!t->c || !t->h || !t->w ||
	    (uint64_t)t->c * t->h * t->w != bytes)
		BAD("%s shape does not match the weight image", what);
	if (!isfinite(t->scale) || !(t->scale > 0))
		BAD("%s scale is not a positive number", what);
	if (t->zero_point < -128 || t->zero_point > 127)
		BAD("%s zero point out of int8", what);
	if (t->name_offset >= strings || t->reserved[0] || t->reserved[1])
		BAD("%s name outside the strings or reserved field set", what);
	return 0;
}

static int check_image(const uint8_t *img, uint64_t size)
{
	const struct cim_image_header *h = (const void *)img;
	struct cim_image_limits lim;
	const char *why = "";

	if (size < sizeof(*h))
		BAD("weight image smaller than its header");
	lim = (struct cim_image_limits){ h->tile_rows, h->tile_cols, 4,
					 CIMX_MAX_VECTOR, UINT32_MAX,
					 CIM_IMAGE_MAX_VTILES, UINT32_MAX };
	if (cim_image_check(img, size, &lim, &why))
		BAD("weight image: %s", why);
	if (cim_image_crc(img, size) != h->crc32)
		BAD("weight image CRC mismatch");
	return 0;
}

static int check_meta(struct cim_model *m, const uint8_t *b, uint64_t size)
{
	const struct cim_image_header *ih = m->image;
	const struct cimx_meta *meta = (const void *)b;
	const char *str = (const char *)(meta + 1);
	uint32_t i;

	if (size < sizeof(*meta) || meta->meta_size != sizeof(*meta))
		BAD("metadata of unknown size");
	if (meta->strings_size != size - sizeof(*meta) || !meta->strings_size ||
	    str[meta->strings_size - 1])
		BAD("metadata strings not NUL-terminated inside the section");
	if (meta->flags & ~(uint32_t)CIMX_META_HOST_SOFTMAX)
		BAD("unknown metadata flags 0x%x", meta->flags);
	for (i = 0; i < 3; i++)
		if (meta->reserved[i])
			BAD("reserved metadata field set");
	if (meta->tiles != ih->n_vtiles)
		BAD("metadata and weight image disagree on tiles");
	if (meta->options_offset >= meta->strings_size)
		BAD("options outside the strings");
	if (check_tensor(&meta->input, meta->strings_size, ih->input_size, "input") ||
	    check_tensor(&meta->output, meta->strings_size, ih->output_size, "output"))
		return -EINVAL;
	m->meta = *meta;
	m->strings = str;
	return 0;
}

/* Validate the container in buf (8-aligned copy) and fill m. */
static int parse(struct cim_model *m, const uint8_t *b, size_t size)
{
	const struct cimx_header *h = (const void *)b;
	const struct cimx_section *sec, *meta = NULL, *img = NULL;
	uint64_t prev_end;
	uint32_t i;
	int r;

	if (size < sizeof(*h))
		BAD("%zu bytes, smaller than its header", size);
	if (h->magic != CIMX_MAGIC)
		BAD("not a .cimx file (bad magic)");
	if (h->version_major != CIMX_VERSION_MAJOR)
		BAD("version %u, this libcim reads %u", h->version_major,
		    CIMX_VERSION_MAJOR);
	if (h->header_size != sizeof(*h) || h->flags)
		BAD("unknown header size or flags");
	for (i = 0; i < 6; i++)
		if (h->reserved[i])
			BAD("reserved header field set");
	if (h->file_size != size)
		BAD("file is %zu bytes, its header says %llu", size,
		    (unsigned long long)h->file_size);
	if (file_crc(b, size) != h->crc32)
		BAD("CRC mismatch (file damaged)");
	if (!h->n_sections || h->n_sections > CIMX_MAX_SECTIONS ||
	    h->sections_offset != sizeof(*h) ||
	    !range_ok(h->sections_offset, (uint64_t)h->n_sections * sizeof(*sec), size))
		BAD("bad section table");
	sec = (const void *)(b + h->sections_offset);
	prev_end = h->sections_offset + (uint64_t)h->n_sections * sizeof(*sec);
	for (i = 0; i < h->n_sections; i++) {
		if ((sec[i].offset & 7) || sec[i].offset < prev_end ||
		    !range_ok(sec[i].offset, sec[i].size, size) || sec[i].flags ||
		    sec[i].reserved)
			BAD("section %u misaligned, overlapping or outside the file", i);
		prev_end = sec[i].offset + sec[i].size;
		if (sec[i].type == CIMX_SEC_IMAGE && !img)
			img = &sec[i];
		else if (sec[i].type == CIMX_SEC_META && !meta)
			meta = &sec[i];
		else
			BAD("section %u of unknown or repeated type %u", i, sec[i].type);
	}
	if (!img || !meta)
		BAD("no weight image or no metadata section");
	r = check_image(b + img->offset, img->size);
	if (r)
		return r;
	m->image = b + img->offset;
	m->image_size = (size_t)img->size;
	return check_meta(m, b + meta->offset, meta->size);
}

int cim_model_load(const void *buf, size_t size, struct cim_model **out)
{
	struct cim_model *m;
	int r;

	if (!out || (!buf && size)) {
		cimi_set_error(NULL, "cim_model_load: bad arguments");
		return -EINVAL;
	}
	*out = NULL;
	m = calloc(1, sizeof(*m));
	/* A private, 8-aligned copy: the image structs are read in place. */
	if (m)
		m->buf = malloc(size ? size : 1);
	if (!m || !m->buf) {
		free(m);
		cimi_set_error(NULL, "cim_model_load: out of memory");
		return -ENOMEM;
	}
	if (size)
		memcpy(m->buf, buf, size);
	r = parse(m, m->buf, size);
	if (r) {
		cim_model_free(m);
		return r;
	}
	*out = m;
	return 0;
}

int cim_model_load_file(const char *path, struct cim_model **out)
{
	size_t len;
	void *buf;
	int r;

	if (!path || !out)
		return -EINVAL;
	r = cimi_read_file(path, &buf, &len, NULL);
	if (r) {
		cimi_set_error(NULL, "%s: %s", path, strerror(-r));
		return r;
	}
	r = cim_model_load(buf, len, out);
	free(buf);
	return r;
}

void cim_model_free(struct cim_model *m)
{
	if (!m)
		return;
	free(m->buf);
	free(m);
}
