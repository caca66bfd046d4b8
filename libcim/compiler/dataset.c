// SPDX-License-Identifier: MIT
/*
 * CIMD sample files: calibration and evaluation data of the compiler
 * (written by tests/models/gen_digits.py).  Layout, little endian:
 *   0  "CIMD"   4 u32 version (1)   8 u32 n   12 u32 rank (1..4)
 *   16 u32 dims[4] (unused = 1)    32 u32 flags (bit 0: labels)
 *   36..63 zero;  64: float32 data[n * prod(dims)];  then int32 labels[n]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cim_graph.h"
#include "file_read.h"
#include "dataset_npy.h"

#define HDR_SIZE	64
#define FLAG_LABELS	1u

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int bad(char *err, size_t errlen, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "not a valid CIMD file: %s", why);
	return -EINVAL;
}

void cim_dataset_free(struct cim_dataset *d)
{
	if (!d)
		return;
	free(d->data);
	free(d->labels);
	free(d);
}

/*
 * The CIMD header p (HDR_SIZE bytes) of a file of size bytes: *out with
 * n, rank, dims and len set, data and labels allocated, not filled.
 */
static int header(const uint8_t *p, uint64_t size, struct cim_dataset **out,
		  char *err, size_t errlen)
{
	struct cim_dataset *d;
	uint64_t len = 1, need;
	uint32_t flags, r;

	if (memcmp(p, "CIMD", 4))
		return bad(err, errlen, "no CIMD header");
	if (le32(p + 4) != 1)
		return bad(err, errlen, "version is not 1");
	flags = le32(p + 32);
	if (flags & ~FLAG_LABELS)
		return bad(err, errlen, "unknown flags");
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->n = le32(p + 8);
	d->rank = le32(p + 12);
	for (r = 0; r < 4; r++) {
		d->dims[r] = le32(p + 16 + 4 * r);
		len *= d->dims[r];
	}
	if (d->rank < 1 || d->rank > 4 || len == 0 || len > (1u << 30) ||
	    d->n == 0) {
		cim_dataset_free(d);
		return bad(err, errlen, "bad rank, dimensions or sample count");
	}
	d->len = (uint32_t)len;
	need = HDR_SIZE + (uint64_t)d->n * len * 4 +
	       ((flags & FLAG_LABELS) ? 4ull * d->n : 0);
	if (need != size) {
		cim_dataset_free(d);
		return bad(err, errlen, "size does not match the header");
	}
	d->data = malloc((size_t)(d->n * len * sizeof(float)));
	d->labels = (flags & FLAG_LABELS) ? malloc(d->n * sizeof(int32_t)) : NULL;
	if (!d->data || ((flags & FLAG_LABELS) && !d->labels)) {
		cim_dataset_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

int cim_dataset_parse(const void *buf, size_t size, struct cim_dataset **out,
		      char *err, size_t errlen)
{
	const uint8_t *p = buf;
	struct cim_dataset *d;
	uint64_t len, i;
	int ret;

	if (!out || (!buf && size))
		return -EINVAL;
	*out = NULL;
	if (cimi_is_npy(buf, size))
		return cimi_npy_samples(buf, size, out, err, errlen);
	if (size < HDR_SIZE)
		return bad(err, errlen, "no CIMD header");
	ret = header(p, size, &d, err, errlen);
	if (ret)
		return ret;
	len = d->len;
	for (i = 0; i < d->n * len; i++) {
		uint32_t u = le32(p + HDR_SIZE + 4 * i);

		memcpy(&d->data[i], &u, 4);
	}
	for (i = 0; d->labels && i < d->n; i++)
		d->labels[i] = (int32_t)le32(p + HDR_SIZE + 4 * (d->n * len + i));
	*out = d;
	return 0;
}

static int load(const char *path, void **buf, size_t *len, char *err,
		size_t errlen)
{
	int ret, opened;

	ret = cimi_read_file(path, buf, len, &opened);
	if (ret && !opened) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open", path);
		return ret;
	}
	if (ret)
		return ret == -ENOMEM ? ret : -EIO;
	return 0;
}

/*
 * A CIMD file read straight into the dataset's arrays (little-endian
 * host), not through a buffer of the whole file: the calibration set is
 * held once (64 samples at 224x224 are 38.5 MB).  1: not a CIMD file
 * this can read (too short, no magic, .npy, big endian, a read error):
 * parse the whole file instead, which says what is wrong.
 */
static int load_cimd(const char *path, struct cim_dataset **out, char *err,
		     size_t errlen)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint8_t h[HDR_SIZE];
	struct cim_dataset *d = NULL;
	struct stat st;
	FILE *f = fopen(path, "rb");
	int ret = 1;

	if (!f)
		return 1;
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    fread(h, 1, sizeof(h), f) == sizeof(h) && !memcmp(h, "CIMD", 4)) {
		ret = header(h, (uint64_t)st.st_size, &d, err, errlen);
		if (!ret && (fread(d->data, sizeof(float), (size_t)d->n * d->len, f) !=
			     (size_t)d->n * d->len ||
			     (d->labels && fread(d->labels, sizeof(int32_t), d->n, f) != d->n))) {
			cim_dataset_free(d);
			ret = 1;
		}
		if (!ret)
			*out = d;
		if (ret < 0 && err && errlen)	/* the whole-file path says it */
			err[0] = 0;
		ret = ret < 0 && ret != -ENOMEM ? 1 : ret;
	}
	fclose(f);
	return ret;
#else
	(void)path;
	(void)out;
	(void)err;
	(void)errlen;
	return 1;
#endif
}

/* "x.npy,y.npy": samples, then their labels as a second .npy. */
int cim_dataset_load(const char *path, struct cim_dataset **out, char *err,
		     size_t errlen)
{
	const char *comma;
	char *first = NULL;
	size_t len;
	void *buf;
	int ret;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	comma = strchr(path, ',');
	if (!comma) {
		ret = load_cimd(path, out, err, errlen);
		if (ret <= 0)
			return ret;
	}
	if (comma) {
		first = strndup(path, (size_t)(comma - path));
		if (!first)
			return -ENOMEM;
	}
	ret = load(first ? first : path, &buf, &len, err, errlen);
	if (!ret) {
		if (comma && !cimi_is_npy(buf, len))
			ret = bad(err, errlen, "labels after a comma need .npy samples");
		else
			ret = cim_dataset_parse(buf, len, out, err, errlen);
		free(buf);
	}
	free(first);
	if (ret || !comma)
		return ret;
	ret = load(comma + 1, &buf, &len, err, errlen);
	if (!ret) {
		ret = cimi_npy_labels(buf, len, *out, err, errlen);
		free(buf);
	}
	if (ret) {
		cim_dataset_free(*out);
		*out = NULL;
	}
	return ret;
}
