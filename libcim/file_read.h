/* SPDX-License-Identifier: MIT */
/* Reading a whole file into memory (libcim internal). */
#ifndef CIM_FILE_READ_H
#define CIM_FILE_READ_H

#include <stddef.h>

/*
 * The whole file at path into *buf (malloc'ed, at least one byte), its
 * size into *len.  0, or -errno when it cannot be opened or seeked,
 * -ENOMEM, or -EIO when it cannot be read.  *opened (unless NULL) says
 * whether it could be opened.
 */
int cimi_read_file(const char *path, void **buf, size_t *len, int *opened);

#endif /* CIM_FILE_READ_H */
