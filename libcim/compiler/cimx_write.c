// SPDX-License-Identifier: MIT
/*
 * cim_compile_qmodel(): a quantized model to .cimx bytes.  The image is
 * emitted straight into its section of the container, so the compile
 * needs about one image of memory beyond the model.  Layout, fixed for
 * determinism: header, two section entries, metadata (struct + strings:
 * input name, output name, options), then the image at the next
 * multiple of 8.  Every byte not written is zero.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimx_format.h"
#include "map_internal.h"

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static size_t slen(const char *s)
{
	return s ? strlen(s) : 0;
}

static void put_tensor(struct cimx_tensor *d, const struct cim_qtensor *t,
		       uint32_t name_off)
{
	d->c = t->shape.c;
	d->h = t->shape.h;
	d->w = t->shape.w;
	d->scale = t->q.scale;
	d->zero_point = t->q.zero_point;
	d->name_offset = name_off;
}

int cim_compile_qmodel(const struct cim_qmodel *qm, const struct cim_map_opts *o,
		       const char *options, void **cimx, size_t *size,
		       struct cim_map_report *rep)
{
	const struct cim_qtensor *in, *out;
	struct cim_map_report local;
	struct cimx_header *h;
	struct cimx_section *sec;
	struct cimx_meta *meta;
	struct mapi_plan p;
	uint64_t meta_off, meta_size, img_off, total, strings;
	size_t ln, lo, lopt;
	uint8_t *buf;
	char *str;
	int r;

	if (!rep)
		rep = &local;
	if (!cimx || !size) {
		snprintf(rep->msg, sizeof(rep->msg), "no place for the output");
		return -EINVAL;
	}
	r = mapi_plan_build(&p, qm, o, rep);
	if (r)
		goto out;
	in = &qm->tensors[0];
	out = &qm->tensors[qm->output_tensor];
	ln = slen(in->name);
	lo = slen(out->name);
	lopt = slen(options);
	strings = (uint64_t)ln + 1 + lo + 1 + lopt + 1;
	meta_off = sizeof(*h) + 2 * sizeof(*sec);
	meta_size = sizeof(*meta) + strings;
	img_off = align8(meta_off + meta_size);
	total = img_off + p.total;
	buf = total <= SIZE_MAX ? calloc(1, (size_t)total) : NULL;
	if (!buf) {
		r = -ENOMEM;
		snprintf(rep->msg, sizeof(rep->msg), "out of memory");
		goto out;
	}
	mapi_emit(&p, buf + img_off);
	if (rep != &local) {
		r = mapi_report(&p, rep);
		if (r) {
			free(buf);
			goto out;
		}
	}
	h = (struct cimx_header *)buf;
	h->magic = CIMX_MAGIC;
	h->version_major = CIMX_VERSION_MAJOR;
	h->version_minor = CIMX_VERSION_MINOR;
	h->header_size = sizeof(*h);
	h->file_size = total;
	h->n_sections = 2;
	h->sections_offset = sizeof(*h);
	sec = (struct cimx_section *)(buf + sizeof(*h));
	sec[0] = (struct cimx_section){ CIMX_SEC_META, 0, meta_off, meta_size, 0 };
	sec[1] = (struct cimx_section){ CIMX_SEC_IMAGE, 0, img_off, p.total, 0 };
	meta = (struct cimx_meta *)(buf + meta_off);
	str = (char *)(meta + 1);
	meta->meta_size = sizeof(*meta);
	meta->flags = qm->flags & CIM_QMODEL_HOST_SOFTMAX ? CIMX_META_HOST_SOFTMAX : 0;
	meta->tiles = p.n_vtiles;
	put_tensor(&meta->input, in, 0);
	put_tensor(&meta->output, out, (uint32_t)ln + 1);
	meta->options_offset = (uint32_t)(ln + 1 + lo + 1);
	meta->strings_size = (uint32_t)strings;
	memcpy(str, in->name ? in->name : "", ln);
	memcpy(str + ln + 1, out->name ? out->name : "", lo);
	memcpy(str + meta->options_offset, options ? options : "", lopt);
	h->crc32 = cim_crc32(0, buf, total);
	*cimx = buf;
	*size = (size_t)total;
out:
	mapi_plan_free(&p);
	return r;
}
