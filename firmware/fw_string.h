/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * memcpy/memset/memcmp for the three builds: the kernel has its own, the
 * host tests use libc, and the card MCU links the firmware's copies in
 * mcu/mem.c (there is no libc on the card).
 */
#ifndef _CIM_FW_STRING_H_
#define _CIM_FW_STRING_H_

#if defined(__KERNEL__)
#include <linux/string.h>
#elif __STDC_HOSTED__
#include <string.h>
#else
#include "cim_fw_types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

#endif /* _CIM_FW_STRING_H_ */
