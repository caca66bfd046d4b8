// SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT
/*
 * cim_image_check(): the validator with its scratch on the stack, for
 * userspace (libcim, libcim-compiler).  Kernel and firmware stacks are
 * small: they call cim_image_check_st() with scratch of their own.
 */
#include "cim_image.h"

int cim_image_check(const void *buf, uint64_t size,
		    const struct cim_image_limits *lim, const char **why)
{
	struct cim_check_state st;

	return cim_image_check_st(buf, size, lim, &st, why);
}
