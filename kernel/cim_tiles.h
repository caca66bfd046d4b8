/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 The CIM stack authors */
/* Physical tiles and their wear (cim_tiles.c). */
#ifndef __CIM_TILES_H__
#define __CIM_TILES_H__

#include <linux/types.h>

struct cim_device;
struct cim_image;
struct drm_cim_query;

/* cim_tiles.c: physical tiles, least-worn first (callers hold alloc_lock) */
int cim_tiles_init(struct cim_device *cdev);
int cim_tiles_read_wear(struct cim_device *cdev);
void cim_tiles_take(struct cim_device *cdev, struct cim_image *img);
void cim_tiles_put(struct cim_device *cdev, struct cim_image *img);
int cim_tiles_query(struct cim_device *cdev, struct drm_cim_query *args);

#endif /* __CIM_TILES_H__ */
