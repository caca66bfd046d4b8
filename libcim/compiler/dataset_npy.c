// SPDX-License-Identifier: MIT
/*
 * numpy .npy sample files, accepted wherever a CIMD file is: float32
 * samples N x ... (C order, little endian), and optionally labels as a
 * second .npy of N integers (int64 or int32), named after a comma:
 * "x.npy,y.npy".  Format: "\x93NUMPY", major, minor, header length (u16
 * in version 1, u32 in 2 and 3), then a Python dict literal with
 * 'descr', 'fortran_order' and 'shape', then the data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim_graph.h"
#include "dataset_npy.h"

#define NPY_MAX_RANK	8

struct npy {
	char descr[8];
	uint32_t rank;
	uint64_t shape[NPY_MAX_RANK];
	uint64_t count;
	const uint8_t *data;
};

static int npy_bad(char *err, size_t errlen, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "not a usable .npy file: %s", why);
	return -EINVAL;
}

int cimi_is_npy(const void *buf, size_t size)
{
	return size >= 10 && !memcmp(buf, "\x93NUMPY", 6);
}

/* The value after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, size_t len, const char *key)
{
	size_t k = strlen(key);
	const char *p;

	for (p = h; p + k + 2 < h + len; p++)
		if ((*p == '\'' || *p == '"') && !strncmp(p + 1, key, k) &&
		    p[k + 1] == *p) {
			p += k + 2;
			while (p < h + len && (*p == ' ' || *p == ':'))
				p++;
			return p < h + len ? p : NULL;
		}
	return NULL;
}

static int npy_parse(const uint8_t *b, size_t size, struct npy *n, char *err,
		     size_t errlen)
{
	size_t hl, off, es;
	const char *h, *v, *end;

	memset(n, 0, sizeof(*n));
	if (!cimi_is_npy(b, size))
		return npy_bad(err, errlen, "no NUMPY magic");
	if (b[6] == 1) {
		hl = b[8] | (size_t)b[9] << 8;
		off = 10;
	} else if ((b[6] == 2 || b[6] == 3) && size >= 12) {
		hl = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
		off = 12;
	} else {
		return npy_bad(err, errlen, "unknown version");
	}
	if (hl > size - off)
		return npy_bad(err, errlen, "truncated header");
	h = (const char *)b + off;
	end = h + hl;
	v = dict_value(h, hl, "descr");
	if (!v || (*v != '\'' && *v != '"') || v + 5 > end)
		return npy_bad(err, errlen, "no descr");
	memcpy(n->descr, v + 1, 3);
	v = dict_value(h, hl, "fortran_order");
	if (!v || strncmp(v, "False", 5))
		return npy_bad(err, errlen, "not in C order");
	v = dict_value(h, hl, "shape");
	if (!v || *v != '(')
		return npy_bad(err, errlen, "no shape");
	n->count = 1;
	for (v++; v < end && *v != ')';) {
		char *e;
		unsigned long long d;

		while (v < end && (*v == ' ' || *v == ','))
			v++;
		if (v >= end || *v == ')')
			break;
		d = strtoull(v, &e, 10);
		if (e == v || n->rank == NPY_MAX_RANK || d == 0 || d > (1u << 30))
			return npy_bad(err, errlen, "bad shape");
		n->shape[n->rank++] = d;
		n->count *= d;
		if (n->count > (1ull << 31))
			return npy_bad(err, errlen, "too large");
		v = e;
	}
	if (!n->rank)
		return npy_bad(err, errlen, "a scalar, not samples");
	es = n->descr[2] == '8' ? 8 : n->descr[2] == '4' ? 4 : 0;
	if (n->descr[0] != '<' || !es)
		return npy_bad(err, errlen, "not little-endian 4- or 8-byte data");
	if ((uint64_t)(size - off - hl) != n->count * es)
		return npy_bad(err, errlen, "data size does not match the shape");
	n->data = b + off + hl;
	return 0;
}

int cimi_npy_samples(const void *buf, size_t size, struct cim_dataset **out,
		     char *err, size_t errlen)
{
	struct cim_dataset *d;
	struct npy n;
	uint32_t r;
	int ret = npy_parse(buf, size, &n, err, errlen);

	if (ret)
		return ret;
	if (strcmp(n.descr, "<f4"))
		return npy_bad(err, errlen, "samples must be float32 ('<f4')");
	if (n.rank < 2 || n.rank > 5)
		return npy_bad(err, errlen, "samples must be N x (1 to 4 dimensions)");
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->n = (uint32_t)n.shape[0];
	d->len = (uint32_t)(n.count / n.shape[0]);
	d->rank = n.rank - 1;
	for (r = 0; r < 4; r++)
		d->dims[r] = r + 1 < n.rank ? (uint32_t)n.shape[r + 1] : 1;
	d->data = malloc(n.count * sizeof(float));
	if (!d->data) {
		cim_dataset_free(d);
		return -ENOMEM;
	}
	memcpy(d->data, n.data, n.count * sizeof(float));	/* little-endian host */
	*out = d;
	return 0;
}

int cimi_npy_labels(const void *buf, size_t size, struct cim_dataset *d,
		    char *err, size_t errlen)
{
	struct npy n;
	uint64_t i;
	int ret = npy_parse(buf, size, &n, err, errlen);

	if (ret)
		return ret;
	if (strcmp(n.descr, "<i8") && strcmp(n.descr, "<i4"))
		return npy_bad(err, errlen, "labels must be int64 or int32");
	if (n.rank != 1 || n.shape[0] != d->n)
		return npy_bad(err, errlen, "labels must be one per sample");
	d->labels = malloc(d->n * sizeof(int32_t));
	if (!d->labels)
		return -ENOMEM;
	for (i = 0; i < d->n; i++) {
		int64_t v;
		int32_t v4;

		if (n.descr[2] == '8') {
			memcpy(&v, n.data + 8 * i, 8);
		} else {
			memcpy(&v4, n.data + 4 * i, 4);
			v = v4;
		}
		d->labels[i] = (int32_t)v;
	}
	return 0;
}
