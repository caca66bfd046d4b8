// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * mkfwfile: wrap the MCU image (a flat binary from objcopy) into the
 * firmware file PCI cards boot from, /lib/firmware/cim/cim-fw.bin: a
 * struct cim_fw_file_header (docs/card-interface.md, "Firmware file")
 * with the interface and firmware versions and the payload's CRC-32.
 *   mkfwfile IN.bin OUT.bin
 * A host tool, built and run by firmware/Makefile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/cim_card.h"
#include "uapi/cim_image.h"
#include "firmware/cim_fw.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct cim_fw_file_header h;
	unsigned char *img;
	size_t len = 0;
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: mkfwfile IN.bin OUT.bin\n");
		return 2;
	}
	img = slurp(argv[1], &len);
	if (!img || len > 0xffffffffu) {
		fprintf(stderr, "mkfwfile: cannot read %s: %s\n", argv[1],
			img ? "too large" : strerror(errno ? errno : EINVAL));
		return 1;
	}
	memset(&h, 0, sizeof(h));
	h.magic = CIM_FW_FILE_MAGIC;
	h.if_version = CIM_IF_VERSION;
	h.fw_version = CIM_FW_VERSION;
	h.size = (uint32_t)len;
	h.crc32 = cim_crc32(0, img, len);
	out = fopen(argv[2], "wb");
	if (!out || fwrite(&h, sizeof(h), 1, out) != 1 ||
	    fwrite(img, 1, len, out) != len || fclose(out)) {
		fprintf(stderr, "mkfwfile: cannot write %s\n", argv[2]);
		return 1;
	}
	free(img);
	return 0;
}
