/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Driver-internal card commands, outside drm_sched (cim_cmd.c). */
#ifndef __CIM_CMD_H__
#define __CIM_CMD_H__

#include <linux/types.h>

struct cim_device;
struct cim_desc;

int cim_card_cmd(struct cim_device *cdev, struct cim_desc *desc);

int cim_card_read(struct cim_device *cdev, u32 opcode, u32 slot, void *out,
		  u32 len);
int cim_card_unload(struct cim_device *cdev, u32 slot);
int cim_card_tiles_cmd(struct cim_device *cdev, u32 opcode, const u16 *map,
		       u32 n, void *out, u32 len);

#endif /* __CIM_CMD_H__ */
