// SPDX-License-Identifier: MIT
/* Reading and writing whole files, and error printing, for cimctl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

void cimctl_err(const char *what, int err, const char *detail)
{
	fprintf(stderr, "cimctl: %s: %s%s%s\n", what, strerror(err < 0 ? -err : err),
		detail && *detail ? ": " : "", detail ? detail : "");
}

int cimctl_read_file(const char *path, void **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long len;
	void *p;
	int ret = 0;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		ret = -errno;
		goto out;
	}
	p = malloc(len ? (size_t)len : 1);
	if (!p) {
		ret = -ENOMEM;
		goto out;
	}
	if (fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		ret = -EIO;
		goto out;
	}
	*buf = p;
	*size = (size_t)len;
out:
	fclose(f);
	return ret;
}

int cimctl_write_file(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ret = 0;

	if (!f)
		return -errno;
	if (fwrite(buf, 1, size, f) != size)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}
