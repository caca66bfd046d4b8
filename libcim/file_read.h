/* SPDX-License-Identifier: MIT */
/* Reading a whole file into memory (libcim internal). */
#ifndef CIM_FILE_READ_H
#define CIM_FILE_READ_H

#include <stddef.h>
#include <stdio.h>

/*
 * The whole of the open file f into *buf (malloc'ed, at least one byte),
 * its size into *len; f is closed.  0, or -errno when f cannot be
 * seeked, -ENOMEM, or -EIO when f cannot be read (*buf is then NULL).
 */
int cimi_read_stream(FILE *f, void **buf, size_t *len);

#endif /* CIM_FILE_READ_H */
