/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* Fixed-width types for the firmware in all three builds. */
#ifndef _CIM_FW_TYPES_H_
#define _CIM_FW_TYPES_H_

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stddef.h>
#endif

#endif /* _CIM_FW_TYPES_H_ */
