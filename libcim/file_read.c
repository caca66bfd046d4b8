// SPDX-License-Identifier: MIT
/* Reading a whole file into memory: .cimx models, ONNX models, CIMD data. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "file_read.h"

int cimi_read_file(const char *path, void **buf, size_t *len, int *opened)
{
	FILE *f = fopen(path, "rb");
	long n;
	int ret = 0;

	*buf = NULL;
	if (opened)
		*opened = f != NULL;
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		ret = errno ? -errno : -EIO;
		fclose(f);
		return ret;
	}
	*buf = malloc(n ? (size_t)n : 1);
	if (!*buf)
		ret = -ENOMEM;
	else if (fread(*buf, 1, (size_t)n, f) != (size_t)n)
		ret = -EIO;
	fclose(f);
	if (ret) {
		free(*buf);
		*buf = NULL;
		return ret;
	}
	*len = (size_t)n;
	return 0;
}
